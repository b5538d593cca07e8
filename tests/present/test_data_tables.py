"""What the data pages show of a read table and of the edit tables."""

from __future__ import annotations

from govdecide import parse_scenario
from govdecide.io.table_edit import scenario_frames
from govdecide.io.table_read import read_table
from govdecide.present.data_tables import (
    district_edit_headings,
    edit_headings,
    is_measure_column,
    table_preview,
)

SCENARIO = """
format: govdecide/v1
name: Twoton
indicators:
  - {id: elderly, name: {en: Share aged 65+, zh: 65岁以上占比}}
  - {id: income}
districts:
  - {id: avon, name: Avon, population: 1000, indicators: {elderly: 0.2, income: 3}}
programs:
  - {id: clinic, name: {en: Clinic, zh: 诊所}, unit_cost: 10, capacity: 100,
     need: {indicator: population}}
policy: {budget: 100}
"""


def test_preview_shows_the_first_rows_as_text_by_spreadsheet_row():
    """Row 1 is the header, so the data start at row 2; an empty cell stays blank."""
    rows = "".join(f"D{i},{i * 100},\n" for i in range(1, 13))
    table = read_table(f"name,population,note\n{rows}".encode(), "t.csv")
    preview = table_preview(table)
    assert len(preview) == 10
    assert list(preview.columns) == ["name", "population", "note"]
    assert preview.index.tolist() == list(range(2, 12))
    assert preview.loc[2].tolist() == ["D1", "100", ""]
    assert len(table_preview(table, rows=3)) == 3


def test_district_headings_name_indicators_and_baselines():
    scenario = parse_scenario(SCENARIO, "t.yaml")
    columns = scenario_frames(scenario)["districts"].columns
    headings = district_edit_headings(columns, scenario, "en")
    assert headings["ind:elderly"] == "Share aged 65+"
    assert headings["ind:income"] == "income"  # no name: the id
    assert headings["base:clinic"] == "Units already in place: Clinic"
    assert headings["population"] == "Population"
    assert district_edit_headings(columns, scenario, "zh")["base:clinic"] == "现有数量：诊所"
    assert [c for c in columns if is_measure_column(c)] == [
        "ind:elderly",
        "ind:income",
        "base:clinic",
    ]


def test_program_and_policy_headings():
    assert edit_headings(["budget", "equity_weight"], "en") == {
        "budget": "Budget",
        "equity_weight": "Equity weight (0-1)",
    }
