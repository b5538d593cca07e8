"""The plan's tables, chart frames, charts and sentences, on a plan computed by hand.

The town: 200 people, stations of 100 places at 10 each, running cost 6 a year, a budget
of 10 a year for 2 years. The optimum builds one station in year 1 (capital 10) and none
in year 2 (running 6, 4 left): coverage 50% both years, objective 0.5.
"""

from __future__ import annotations

import pandas as pd
import pytest

from govdecide.io.scenario import display_names, parse_scenario, scenario_from_data
from govdecide.model.settings import Settings
from govdecide.model.years import solve_plan
from govdecide.present import plan_charts, plan_tables
from govdecide.present.plan_summary import plan_summary

TOWN = """\
format: govdecide/v1
name: {en: Town, zh: 镇}
districts:
  - {id: town, name: {en: Town, zh: 镇}, population: 200}
programs:
  - {id: station, name: {en: Station, zh: 站}, unit_cost: 10, capacity: 100, integer: true,
     need: {indicator: population}, running_cost: 6}
policy: {budget: 10, years: 2}
"""


@pytest.fixture(scope="module")
def town():
    scenario = parse_scenario(TOWN)
    return scenario, solve_plan(scenario, Settings(gap=0.0))


def test_budget_frame_splits_each_year(town):
    _, result = town
    frame = plan_tables.budget_frame(result, "en").set_index(["year", "part"])["amount"]
    assert frame[(1, "capital")] == 10 and frame[(1, "running")] == 0
    assert frame[(2, "capital")] == 0 and frame[(2, "running")] == 6
    assert frame[(2, "unspent")] == 4


def test_year_table_and_sentences(town):
    scenario, result = town
    table = plan_tables.year_table(result, "en")
    assert table["Running costs (% of budget)"].tolist() == [0.0, 60.0]
    assert table["Lowest district z (%)"].tolist() == [50.0, 50.0]
    names = display_names(scenario, "en")
    assert plan_summary(result, names, "en") == [
        "In year 1 build Station: 1 (in Town).",
        "In year 2 nothing new is built: the budget keeps what stands running.",
        "By year 2 the lowest district, Town, reaches 50.0% coverage (0.0% without the plan).",
        "Running costs take 60.0% of year 2's budget.",
    ]
    assert (
        plan_summary(result, display_names(scenario, "zh"), "zh")[0]
        == "第 1 年新建：站 1（在镇）。"
    )


def test_commissioning_and_district_tables(town):
    scenario, result = town
    names = display_names(scenario, "en")
    built = plan_tables.commissioning_table(result, names, "en")
    assert built.to_dict(orient="records") == [
        {"Year": 1, "District": "Town", "Program": "Station", "New units this year": 1.0,
         "Units in service": 1.0, "New building": 10.0}
    ]  # fmt: skip
    grid = plan_tables.district_year_table(result, names, "en")
    assert grid.columns.tolist() == ["District", "Year 1", "Year 2"]
    assert grid.iloc[0].tolist() == ["Town", 50.0, 50.0]


def test_every_chart_has_its_title_and_data(town):
    scenario, result = town
    names = display_names(scenario, "en")
    charts = {
        "What is commissioned when": plan_charts.commissioned_chart(
            plan_tables.commissioned_frame(result, names), "en"
        ),
        "Coverage of each district over the years": plan_charts.coverage_heatmap(
            plan_tables.coverage_frame(result, names), "en"
        ),
        "Each year's budget": plan_charts.budget_use_chart(
            plan_tables.budget_frame(result, "en"), "en", "k$"
        ),
        "Need served and the lowest district": plan_charts.scores_chart(
            plan_tables.scores_frame(result, "en"), "en"
        ),
    }
    for title, chart in charts.items():
        spec = chart.to_dict()
        text = spec["title"]["text"]
        assert title in (text if isinstance(text, str) else " ".join(text))
        assert spec["data"] or spec["datasets"]


def test_heatmap_of_many_districts_keeps_the_lowest():
    """60 districts, each with one unit of need and its own coverage: the heatmap keeps
    the 40 lowest-covered in the last year and says so."""
    frame = pd.DataFrame(
        {
            "district": [f"d{i:02d}" for i in range(60)] * 2,
            "district_name": [f"D{i:02d}" for i in range(60)] * 2,
            "year": [1] * 60 + [2] * 60,
            "coverage": [i / 100 for i in range(60)] * 2,
        }
    )
    spec = plan_charts.coverage_heatmap(frame, "en").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert {r["district"] for r in rows} == {f"d{i:02d}" for i in range(40)}
    assert "the 40 lowest-covered of 60 districts" in str(spec["title"]["subtitle"])


def test_an_infeasible_plan_has_no_sentences():
    data = {
        "format": "govdecide/v1", "name": "x",
        "districts": [{"id": "a", "name": "A", "population": 10}],
        "programs": [{"id": "p", "name": "P", "unit_cost": 5, "capacity": 10, "integer": True,
                      "min_units": 1, "need": {"indicator": "population"}}],
        "policy": {"budget": 0, "years": 2},
    }  # fmt: skip
    result = solve_plan(scenario_from_data(data), Settings(gap=0.0))
    assert result.status == "infeasible" and plan_summary(result, {}, "en") == []


def test_commissioning_chart_never_adds_units_of_different_programs():
    """A row per program: a station and 300 grant units in one year are two circles, each
    sized by its share of its own program's new units (which add up to 1 per program)."""
    frame = pd.DataFrame(
        {
            "year": [1, 1, 2, 2],
            "program": ["station", "grant", "station", "grant"],
            "program_name": ["Station", "Grant", "Station", "Grant"],
            "new_units": [1.0, 300.0, 3.0, 0.0],
        }
    )
    spec = plan_charts.commissioned_chart(frame, "en").to_dict()
    circles = spec["layer"][0]["encoding"]
    assert circles["y"]["field"] == "program_name"
    assert "aggregate" not in circles["y"] and "aggregate" not in circles["size"]
    rows = next(iter(spec["datasets"].values()))
    shares = {(r["program"], r["year"]): r["share"] for r in rows}
    assert shares == {("station", 1): 0.25, ("grant", 1): 1.0, ("station", 2): 0.75}
