"""The Explore page's tables, built from a two-district scenario small enough to check by
hand: Avon (1,000 people on 2 km², elderly share 0.25) and Brook (3,000 people on 10 km²,
elderly share 0.125). Densities: 500 and 300. A scenario that declares no indicators may
use any (here "parks" = 4 in Brook only).
"""

from __future__ import annotations

import math

import pytest

from govdecide import parse_scenario
from govdecide.present.scenario_tables import (
    district_profile_table,
    indicator_label,
    indicator_options,
    indicator_values,
    need_rule,
    programs_table,
    source_lines,
    sources_table,
    unit_text,
    value_format,
)

TWO = """
format: govdecide/v1
name: Twoton
indicators:
  - {id: elderly, name: {en: Share aged 65+, zh: 65岁以上占比}, unit: share,
     source: Census 2020}
  - {id: income, name: Median income, unit: {en: coins, zh: 枚}, illustrative: true}
districts:
  - {id: a, name: {en: Avon, zh: 雅区}, population: 1000, area_km2: 2,
     indicators: {elderly: 0.25, income: 30}}
  - {id: b, name: Brook, population: 3000, area_km2: 10,
     indicators: {elderly: 0.125, income: 40}}
programs:
  - {id: clinic, name: Clinic, unit: {en: station, zh: 站}, unit_cost: 10, capacity: 100,
     need: {indicator: population}, max_units: 5, integer: true,
     district_bounds: {a: {max_units: 2}}}
  - {id: care, name: Elderly care, unit_cost: 20, capacity: 50,
     min_units: 1.5, need: {indicator: elderly, per_capita: true, scale: 0.01}}
policy: {budget: 100}
"""


UNDECLARED = """
format: govdecide/v1
name: Parkville
districts:
  - {id: a, name: Avon, population: 1000}
  - {id: b, name: Brook, population: 3000, indicators: {parks: 4}}
programs:
  - {id: clinic, name: Clinic, unit_cost: 10, capacity: 100, need: {indicator: population}}
policy: {budget: 100}
"""


@pytest.fixture(scope="module")
def two():
    return parse_scenario(TWO, "two.yaml")


@pytest.fixture(scope="module")
def parkville():
    return parse_scenario(UNDECLARED, "parkville.yaml")


def test_map_options_are_population_density_then_the_indicators(two, parkville):
    assert indicator_options(two) == ["population", "density", "elderly", "income"]
    assert indicator_options(parkville) == ["population", "parks"]  # no areas: no density


def test_labels_carry_the_unit_and_share_is_translated(two, parkville):
    assert indicator_label(two, "elderly", "en") == "Share aged 65+ (share)"
    assert indicator_label(two, "income", "zh") == "Median income (枚)"
    assert indicator_label(parkville, "parks", "en") == "parks"  # undeclared: its id
    assert indicator_label(two, "elderly", "zh") == "65岁以上占比 (比例)"
    assert unit_text("share", "en") == "share"
    assert unit_text({"en": "coins", "zh": "枚"}, "zh") == "枚"


def test_values_per_district_with_density_and_gaps(two, parkville):
    assert indicator_values(two, "density").to_dict() == {"a": 500.0, "b": 300.0}
    parks = indicator_values(parkville, "parks")
    assert math.isnan(parks["a"]) and parks["b"] == 4.0


def test_value_formats(two):
    assert value_format(two, "elderly", indicator_values(two, "elderly")) == ".1%"
    assert value_format(two, "population", indicator_values(two, "population")) == ",.0f"
    assert value_format(two, "income", indicator_values(two, "income")) == ",.2~f"


def test_district_profile_table(two, parkville):
    table = district_profile_table(two, "en")
    assert list(table.columns) == [
        "District",
        "Population",
        "Area (km²)",
        "Population density (people per km²)",
        "Share aged 65+ (share)",
        "Median income (coins)",
    ]
    assert table["District"].tolist() == ["Avon", "Brook"]
    assert table["Population density (people per km²)"].tolist() == [500, 300]
    assert table["Share aged 65+ (share)"].tolist() == [0.25, 0.125]
    sparse = district_profile_table(parkville, "en")
    assert list(sparse.columns) == ["District", "Population", "parks"]  # no area column
    assert sparse["parks"].isna().tolist() == [True, False]
    assert district_profile_table(two, "zh").iloc[0, 0] == "雅区"


def test_need_rules_in_words(two):
    clinic, care = two.programs
    assert need_rule(clinic, two, "en") == "population"
    assert need_rule(care, two, "en") == "population × Share aged 65+ × 0.01"


def test_programs_table(two):
    table = programs_table(two, "en").set_index("Program")
    assert table.loc["Clinic", "Unit"] == "station"
    assert table.loc["Clinic", "New units allowed"] == "0 to 5 per district (1 district exceptions)"
    assert table.loc["Elderly care", "New units allowed"] == "1.50 to ∞ per district"
    assert table.loc["Clinic", "Whole units only"] == "yes"
    assert table.loc["Elderly care", "Whole units only"] == "no"
    assert table.loc["Elderly care", "Capacity (people per unit)"] == 50


def test_sources_table_and_lines(two):
    table = sources_table(two, "en")
    assert table["Source"].tolist() == ["Census 2020", "source not stated"]
    assert table["Illustrative"].tolist() == ["no", "yes"]
    assert source_lines(two, "en") == [
        "Share aged 65+: Census 2020",
        "Median income: source not stated (illustrative, not measured)",
    ]
