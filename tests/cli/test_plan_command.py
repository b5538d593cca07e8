"""The ``plan`` command end to end: table, JSON with a years list, CSV by year, exit codes.

The town on paper: 200 people, stations serve 100 for 10 each and cost 6 a year to run
once built, 10 to spend a year. Over 2 years one station is built in year 1 and its
running cost (6) leaves too little for a second in year 2 (4 < 10): objective 0.5.
With --budget-by-year 10,16 the second station fits in year 2 (10 + 6 = 16): (0.5 + 1) / 2.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from govdecide.cli import main

TOWN = """\
format: govdecide/v1
name: {en: Plan town, zh: 规划镇}
districts:
  - {id: town, name: {en: "=Town", zh: 镇}, population: 200}
programs:
  - {id: station, name: {en: Station, zh: 站}, unit_cost: 10, capacity: 100, integer: true,
     need: {indicator: population}, running_cost: 6}
policy: {budget: 10, years: 2}
"""


@pytest.fixture()
def town(tmp_path):
    path = tmp_path / "town.yaml"
    path.write_text(TOWN, encoding="utf-8")
    return str(path)


def test_json_has_a_years_list_and_a_year_column(town, capsys):
    assert main(["plan", town, "--gap", "0", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "optimal" and data["objective"] == pytest.approx(0.5)
    assert [y["year"] for y in data["years"]] == [1, 2]
    assert data["years"][1]["running"] == pytest.approx(6)
    assert {row["year"] for row in data["allocation"]} == {1, 2}
    assert data["summary"][0].startswith("In year 1 build Station: 1")


def test_budget_by_year_sets_every_year(town, capsys):
    assert main(["plan", town, "--gap", "0", "--budget-by-year", "10,16", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["objective"] == pytest.approx(0.75)
    assert [y["budget"] for y in data["years"]] == [10, 16]


def test_csv_by_year_neutralises_names(town, capsys):
    assert main(["plan", town, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["year"] for r in rows] == ["1", "2"]
    assert rows[0]["district_name"] == "'=Town"
    assert float(rows[0]["new_units"]) == 1 and float(rows[1]["units_in_service"]) == 1


def test_table_in_chinese(town, capsys):
    assert main(["--lang", "zh", "plan", town, "--years", "3"]) == 0
    out = capsys.readouterr().out
    assert "规划镇：3 年规划" in out and "第 1 年新建" in out


def test_infeasible_plan_exits_2_naming_the_year(town, capsys):
    text = TOWN.replace("running_cost: 6}", "running_cost: 6, min_units: 2}").replace(
        "budget: 10", "budget: [20, 10]"
    )
    path = town.replace("town.yaml", "bad.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    assert main(["plan", path]) == 2
    out = capsys.readouterr().out
    assert "exceed year 2's budget by 2: raise it from 10 to 12" in out


def test_bad_plan_options_exit_1(town, capsys):
    assert main(["plan", town, "--years", "two"]) == 1
    assert "--years" in capsys.readouterr().err
    assert main(["plan", town, "--years", "3", "--budget-by-year", "1,2"]) == 1
    assert "has 2 numbers but the plan has 3 years" in capsys.readouterr().err
    assert main(["plan", town, "--years", "40"]) == 1
    assert "1 to 20 years" in capsys.readouterr().err
