"""``solve`` plans over years: with a plan option, or when the file itself says years > 1.

The town on paper (as in test_plan_command): 200 people, a station serves 100 for 10 and
costs 6 a year to run once built, 10 to spend a year. Over 2 years one station is built in
year 1 and its running cost (6) leaves too little for a second in year 2 (4 < 10): the
plan's objective is (0.5 + 0.5) / 2 = 0.5. With --budget-by-year 10,16 the second station
fits in year 2 (10 + 6 = 16): (0.5 + 1) / 2 = 0.75. The single-year solve (``--years 1``)
builds one station: E = 0.5.
"""

from __future__ import annotations

import csv
import html
import io
import json

import pytest
from openpyxl import load_workbook

from govdecide.cli import main
from govdecide.i18n import t
from tests.cli.test_plan_command import TOWN

ONE_YEAR = TOWN.replace(", years: 2}", "}")


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture()
def town(tmp_path):
    return _write(tmp_path, "town.yaml", TOWN)


@pytest.fixture()
def one_year(tmp_path):
    return _write(tmp_path, "one.yaml", ONE_YEAR)


def _json(capsys, argv: list[str]) -> tuple[int, dict]:
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


def _without_timings(data: dict) -> dict:
    """The output minus the seconds it took (which differ between two runs)."""
    return {k: v for k, v in data.items() if not k.startswith("timings")}


def test_a_file_with_years_is_planned_by_solve(town, capsys):
    """policy.years: 2 in the file: solve gives the plan the file describes."""
    code, data = _json(capsys, ["solve", town, "--gap", "0", "--format", "json"])
    assert code == 0
    assert data["status"] == "optimal" and data["objective"] == pytest.approx(0.5)
    assert [y["year"] for y in data["years"]] == [1, 2]
    assert {"budget", "capital", "running", "efficiency", "equity"} <= set(data["years"][0])
    assert data["years"][1]["running"] == pytest.approx(6)
    assert [row["year"] for row in data["allocation"]] == [1, 2]


def test_years_and_budget_by_year_plan_a_one_year_file(one_year, capsys):
    argv = ["solve", one_year, "--gap", "0", "--format", "json"]
    code, data = _json(capsys, [*argv, "--years", "2", "--budget-by-year", "10,16"])
    assert code == 0 and data["objective"] == pytest.approx(0.75)
    assert [y["budget"] for y in data["years"]] == [10, 16]
    # the list alone says how many years
    code, alone = _json(capsys, [*argv, "--budget-by-year", "10,16"])
    assert code == 0 and _without_timings(alone) == _without_timings(data)


def test_solve_with_years_equals_the_plan_command(town, capsys):
    code, solved = _json(capsys, ["solve", town, "--gap", "0", "--format", "json"])
    code_plan, planned = _json(capsys, ["plan", town, "--gap", "0", "--format", "json"])
    assert code == code_plan == 0
    assert _without_timings(solved) == _without_timings(planned)


def test_csv_rows_carry_the_year(town, capsys):
    assert main(["solve", town, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["year"] for r in rows] == ["1", "2"]
    assert rows[0]["district_name"] == "'=Town"
    assert float(rows[0]["new_units"]) == 1 and float(rows[1]["new_units"]) == 0


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_years_1_is_exactly_the_single_year_output(town, one_year, capsys, fmt):
    """--years 1 on the two-year file prints what solve prints for the one-year file."""
    assert main(["solve", one_year, "--format", fmt]) == 0
    plain = capsys.readouterr().out
    assert main(["solve", town, "--years", "1", "--format", fmt]) == 0
    one = capsys.readouterr().out
    if fmt == "json":
        assert _without_timings(json.loads(one)) == _without_timings(json.loads(plain))
        assert "years" not in json.loads(one)
    else:
        assert one == plain


def test_a_one_year_file_without_plan_options_is_not_planned(one_year, capsys):
    code, data = _json(capsys, ["solve", one_year, "--format", "json"])
    assert code == 0 and "years" not in data and "efficiency" in data


def test_infeasible_plan_exits_2_and_csv_says_why_on_stderr(tmp_path, capsys):
    text = TOWN.replace("running_cost: 6}", "running_cost: 6, min_units: 2}").replace(
        "budget: 10", "budget: [20, 10]"
    )
    path = _write(tmp_path, "bad.yaml", text)
    assert main(["solve", path]) == 2
    assert "exceed year 2's budget by 2" in capsys.readouterr().out
    assert main(["solve", path, "--format", "csv"]) == 2
    captured = capsys.readouterr()
    assert "exceed year 2's budget by 2" in captured.err
    code, data = _json(capsys, ["solve", path, "--format", "json"])
    assert code == 2 and data["status"] == "infeasible" and data["years"] == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_options_are_reported_all_at_once(town, capsys, lang):
    argv = ["--lang", lang, "solve", town, "--budget", "lots", "--years", "two"]
    argv += ["--budget-growth", "abc", "--discount-rate", "2"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    for flag in ("--budget:", "--years:", "--budget-growth:", "--discount-rate:"):
        assert flag in err, (flag, err)
    assert t("err.cli_not_number", lang, got="'two'") in err
    assert t("err.setting_range01", lang, got=2.0) in err


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_budget_list_of_the_wrong_length_names_the_flag(town, capsys, lang):
    assert main(["--lang", lang, "solve", town, "--years", "3", "--budget-by-year", "1,2"]) == 1
    err = capsys.readouterr().err
    assert "--budget-by-year" in err
    assert t("err.yearly_length", lang, got=2, years=3) in err
    assert main(["--lang", lang, "solve", town, "--years", "1", "--budget-by-year", "1,2"]) == 1
    assert t("err.yearly_length", lang, got=2, years=1) in capsys.readouterr().err


def test_report_with_years_writes_the_plan_report_and_workbook(one_year, tmp_path, capsys):
    out, xlsx = tmp_path / "plan.html", tmp_path / "plan.xlsx"
    argv = ["report", one_year, "--years", "2", "--out", str(out), "--xlsx", str(xlsx)]
    assert main(argv) == 0
    page = out.read_text(encoding="utf-8")
    assert html.escape(t("plan.rep.h_plan", "en", years=2)) in page
    assert html.escape(t("plan.rep.h_years", "en")) in page and "<svg" in page
    sheets = load_workbook(xlsx).sheetnames
    assert sheets[0] == t("plan.exp.sheet.summary", "en") and len(sheets) == 6
    # --years 1: the single-year report, as before
    assert main(["report", one_year, "--years", "1", "--out", str(out)]) == 0
    assert html.escape(t("plan.rep.h_years", "en")) not in out.read_text(encoding="utf-8")


def test_report_of_an_infeasible_plan_is_written_and_exits_2(tmp_path, capsys):
    """Two stations at least, 10 a year: year 2 has 10 - 6 = 4 left after the first's
    running cost, short of a second station (as test_plan_command's infeasible town)."""
    text = TOWN.replace("running_cost: 6}", "running_cost: 6, min_units: 2}")
    path = _write(tmp_path, "bad.yaml", text)
    out, xlsx = tmp_path / "bad.html", tmp_path / "bad.xlsx"
    assert main(["--lang", "zh", "report", path, "--out", str(out), "--xlsx", str(xlsx)]) == 2
    page = out.read_text(encoding="utf-8")
    assert html.escape(t("plan.rep.h_diagnosis", "zh")) in page
    assert "第 2 年" in page and not xlsx.exists()
