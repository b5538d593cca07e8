"""Tables of one result, on Twoton's max-min optimum (see conftest.py): 5 clinics in Avon
and 5 in Brook, 50 coins each, coverage 0 -> 50% in Avon and 1/3 -> 50% in Brook."""

from __future__ import annotations

import pytest

from govdecide import Settings, solve
from govdecide.io.scenario import display_names
from govdecide.present.result_tables import (
    district_outcome_table,
    funded_pairs_table,
    table_formats,
    units_and_coverage_table,
)


def test_district_outcome_table_has_every_pair_with_coverage_in_percent(twoton, maxmin):
    table = district_outcome_table(twoton, maxmin, "en").set_index("District")
    assert list(table.index) == ["Avon", "Brook"]
    assert table.loc["Avon", "Program"] == "Clinic"
    assert table["New units"].tolist() == pytest.approx([5, 5])
    assert table["Spending"].tolist() == pytest.approx([50, 50])
    assert table["Served (people)"].tolist() == pytest.approx([500, 1500])
    assert table["Need (people)"].tolist() == pytest.approx([1000, 3000])
    assert table["Coverage before (%)"].tolist() == [0.0, 33.3]  # percent, one decimal
    assert table["Coverage after (%)"].tolist() == [50.0, 50.0]


def test_district_outcome_table_rounds_each_kind_once(twoton):
    """Budget 40 at max-min: Avon gets 3.5 clinics (350 of 1,000 people), Brook 0.5 (1,050
    of 3,000). People are whole, units two decimals at most, money cents, coverage percent
    with one decimal: 1,050 / 3,000 = 35.0%. Every figure column says its kind, and the
    page's number formats come from the kinds (one rule per kind)."""
    from govdecide.i18n import MONEY, PEOPLE, SHARE, UNITS

    result = solve(twoton, Settings(budget=40))
    result.allocation.loc[0, "served"] = 350.4  # a fraction of a person, as an LP may give
    table = district_outcome_table(twoton, result, "en")
    assert table["Served (people)"].tolist() == [350, 1050]
    assert table["New units"].tolist() == [3.5, 0.5]
    assert table["Coverage after (%)"].tolist() == [35.0, 35.0]
    kinds = table.attrs["kinds"]
    assert kinds["Served (people)"] == PEOPLE and kinds["Spending"] == MONEY
    assert kinds["New units"] == UNITS and kinds["Coverage after (%)"] == SHARE
    assert set(table_formats(table)) == set(kinds)


def test_district_outcome_table_in_chinese(twoton, maxmin):
    table = district_outcome_table(twoton, maxmin, "zh")
    assert table.iloc[:, 0].tolist() == ["艾文", "溪区"]
    assert table.iloc[0, 1] == "诊所"


def test_units_and_coverage_table_puts_programs_in_columns(twoton, maxmin):
    table = units_and_coverage_table(maxmin, display_names(twoton, "en"), "en")
    assert list(table.columns) == ["District", "Clinic", "Coverage before", "Coverage after"]
    assert table["Clinic"].tolist() == pytest.approx([5, 5])
    assert table["Coverage before"].tolist() == pytest.approx([0, 1 / 3])


def test_funded_pairs_table_leaves_out_pairs_without_new_units(twoton):
    """Budget 40 at max-min: Avon gets (10 + 4) / 4 = 3.5 clinics and Brook 0.5."""
    result = solve(twoton, Settings(budget=40))
    names = display_names(twoton, "en")
    table = funded_pairs_table(result, names, "en")
    assert table["New units"].tolist() == pytest.approx([3.5, 0.5])
    assert table["Coverage after"].tolist() == pytest.approx([0.35, 0.35])
    nothing = solve(twoton, Settings(budget=0))
    assert funded_pairs_table(nothing, names, "en").empty
