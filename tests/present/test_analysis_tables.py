"""Tables of the analyses on inputs small enough to check by hand.

Equity indicators: two districts of 1,000 and 3,000 people (weights 1/4, 3/4) with
coverage 0 and 1/3 before and 1/2 each after. Before, the weighted mean is 1/4, the Gini
is 2 (1/4)(3/4)(1/3) / (2 x 1/4) = 1/4, the CV is sqrt(1/48) / (1/4) = 1/sqrt(3) and the
max/min ratio is infinite (Avon has nothing); after, every indicator says "equal"
(0, 0, 0 and 1). Budget curve and compare: Twoton (conftest.py), where a budget B gives
both districts coverage (10 + B/10) / 40 and each coin 1/400 more, 0.25 points.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from govdecide import Settings, solve
from govdecide import analyses as an
from govdecide.i18n import t
from govdecide.io.scenario import display_names
from govdecide.present.analysis_tables import (
    budget_curve_table,
    comparison_indicator_table,
    comparison_table,
    comparison_units_table,
    equity_indicator_table,
    frontier_option,
    robustness_district_table,
    robustness_pair_table,
    robustness_summary,
    rule_result_line,
    saved_options_table,
    settings_line,
    snapshot_headline,
)
from govdecide.present.result_tables import table_formats

INDICATORS = ["Gini coefficient", "Theil index", "Coefficient of variation", "Max/min ratio"]


def _districts(after: float = 0.5) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "district": ["avon", "brook"],
            "population": [1000.0, 3000.0],
            "need": [1000.0, 3000.0],
            "coverage_before": [0.0, 1 / 3],
            "coverage_after": [after, after],
        }
    )


def test_equity_indicator_table_before_and_after_by_label():
    table = equity_indicator_table({"Now": _districts(), "Later": _districts(0.4)}, "en")
    assert list(table.columns) == [
        "Indicator",
        "Before (existing units)",
        "Now",
        "Later",
        "What it means",
    ]
    assert table["Indicator"].tolist() == INDICATORS
    before = table["Before (existing units)"].tolist()
    assert before[0] == pytest.approx(0.25)
    assert before[2] == 0.577  # 1 / sqrt(3), rounded as shown: three decimals
    assert math.isinf(before[3])
    assert table_formats(table) == dict.fromkeys(
        ["Before (existing units)", "Now", "Later"], "%.3f"
    )
    assert table["Now"].tolist() == pytest.approx([0, 0, 0, 1])
    assert table["Later"].tolist() == pytest.approx([0, 0, 0, 1])
    assert all(table["What it means"])


def test_equity_indicator_table_is_none_without_districts():
    empty = _districts().iloc[0:0]
    assert equity_indicator_table({"Now": _districts(), "Old file": empty}, "en") is None


def test_budget_curve_table(twoton):
    curve = an.budget_curve(twoton, Settings(), budgets=[50.0, 100.0])
    table = budget_curve_table(curve, "en")
    assert table["budget"].tolist() == [50.0, 100.0]
    assert table["worst-served district (z)"].tolist() == pytest.approx([15 / 40, 0.5])
    marginal = "objective gain from 1 more budget (percentage points)"  # 1% of 100 coins
    assert table[marginal].tolist() == pytest.approx([0.25, 0.25])
    assert table["status"].tolist() == ["", ""]  # both proven best


def test_settings_line_and_frontier_options():
    assert settings_line(40000, 0.5, "en") == (
        "Settings from the Allocate page: budget 40,000, equity weight 0.50."
    )
    point = SimpleNamespace(equity=0.4, efficiency=0.61234, status="optimal")
    stopped = SimpleNamespace(equity=0.5, efficiency=0.6, status="feasible")
    fr = SimpleNamespace(points=[point, stopped])
    assert frontier_option(fr, 0, "en") == "1: worst-served 40.0%, need served 61.23%"
    assert frontier_option(fr, 1, "en").endswith(t("an.chart.unproven_mark", "en"))


def test_rule_result_line(maxmin):
    assert rule_result_line(maxmin, "en") == (
        "Need served 50.00%, worst-served district 50.0%, spend 100."
    )


def _robustness() -> SimpleNamespace:
    """What the tables read of a robustness run: its district and pair summaries, and
    3 of 4 runs solved with E between 50% and 55% and z between 40% and 50%."""
    districts = pd.DataFrame(
        {
            "district": ["avon"],
            "within_one": [0.8],
            "coverage_base": [0.5],
            "coverage_min": [0.4],
            "coverage_max": [0.55],
        }
    )
    pairs = pd.DataFrame(
        {
            "district": ["avon"],
            "program": ["clinic"],
            "base_units": [5.0],
            "min_units": [4.0],
            "max_units": [6.0],
            "within_one": [0.8],
        }
    )
    return SimpleNamespace(
        districts=districts,
        pairs=pairs,
        solved=3,
        runs=4,
        efficiency=(0.5, 0.55),
        equity=(0.4, 0.5),
    )


def test_robustness_tables():
    names = {"avon": "Avon", "clinic": "Clinic"}
    by_district = robustness_district_table(_robustness(), names, "en")
    assert by_district.iloc[0].tolist() == ["Avon", 0.8, 0.5, "40.0% – 55.0%"]
    assert list(by_district.columns)[1] == "Runs with every facility within 1 unit"
    pairs = robustness_pair_table(_robustness(), names, "en")
    assert pairs.iloc[0].tolist() == ["Avon", "Clinic", 5.0, 4.0, 6.0, 0.8]
    assert robustness_summary(_robustness(), "en") == (
        "3 of 4 runs found an allocation. Need served ranged from 50.00% to 55.00%; "
        "the worst-served district from 40.0% to 50.0%."
    )


@pytest.fixture(scope="module")
def options(twoton):
    """Budget 100 (5 + 5 clinics, 50% each) and 60 (4 + 2 clinics, 40% each)."""
    full, lean = Settings(budget=100), Settings(budget=60)
    return an.snapshot("Full", full, solve(twoton, full)), an.snapshot(
        "Lean", lean, solve(twoton, lean)
    )


def test_snapshot_headline_and_saved_table(options):
    full, lean = options
    assert snapshot_headline(full, "en") == (
        "Full: need served 50.00%, worst-served district 50.0%, spend 100"
    )
    table = saved_options_table([full, lean], "en")
    assert table["Option"].tolist() == ["Full", "Lean"]
    assert table["Budget"].tolist() == [100, 60]
    assert table["spent"].tolist() == pytest.approx([100, 60])


def test_snapshot_without_a_solution_says_so(twoton):
    """20 clinics per district cost 400, more than the budget of 100."""
    clinic = twoton.programs[0].model_copy(update={"min_units": 20})
    too_much = twoton.model_copy(update={"programs": [clinic]})
    snap = an.snapshot("Too much", Settings(), solve(too_much, Settings()))
    assert snapshot_headline(snap, "en") == "“Too much” has no allocation (infeasible)."


def test_comparison_table_and_indicators(twoton, options):
    """Full: 5 + 5 clinics, 50 + 50 spent, 50% each; Lean: 4 + 2, 40 + 20, 40% each.
    Spend is money (cents at most), coverage in percent with one decimal and its change
    in points, and units are not summed across programs (they are in their own table)."""
    full, lean = options
    table = comparison_table(an.compare(full, lean), display_names(twoton, "en"), "en")
    assert list(table.columns) == [
        "District",
        "Spend A",
        "Spend B",
        "Spend B − A",
        "Coverage A (%)",
        "Coverage B (%)",
        "Coverage B − A (points)",
    ]
    assert table["District"].tolist() == ["Avon", "Brook"]
    assert table["Spend B − A"].tolist() == pytest.approx([-10, -30])
    assert table["Coverage A (%)"].tolist() == [50.0, 50.0]
    assert table["Coverage B − A (points)"].tolist() == [-10.0, -10.0]
    assert table_formats(table)["Coverage A (%)"] == "localized"
    indicators = comparison_indicator_table(full, lean, "en")
    assert list(indicators.columns)[2:4] == ["Full", "Lean"]
    same_name = comparison_indicator_table(full, full, "en")
    assert list(same_name.columns)[2:4] == ["Full", "Full (B)"]


def test_comparison_table_has_no_raw_floats(twoton, options):
    """The Compare page showed 43088.5714 and coverage 0.995: money to the cent, coverage
    99.5%, a tiny nonzero change not shown as 0.0."""
    full, lean = options
    frame = an.compare(full, lean)
    frame.loc[0, ["spend_a", "coverage_a", "coverage_diff"]] = [43088.5714, 0.995, 0.0003]
    table = comparison_table(frame, display_names(twoton, "en"), "en")
    assert table["Spend A"].iloc[0] == 43088.57
    assert table["Coverage A (%)"].iloc[0] == 99.5
    assert table["Coverage B − A (points)"].iloc[0] == 0.03


def test_comparison_units_table_keeps_programs_apart(twoton, options):
    """Units of different programs are never added: one row per district and program."""
    full, lean = options
    table = comparison_units_table(full, lean, display_names(twoton, "en"), "en")
    assert list(table.columns) == [
        "District",
        "Program",
        "New units A",
        "New units B",
        "New units B − A",
    ]
    assert table.values.tolist() == [["Avon", "Clinic", 5, 4, -1], ["Brook", "Clinic", 5, 2, -3]]
    empty = an.Snapshot.from_dict(full.to_dict() | {"allocation": []})
    assert comparison_units_table(empty, lean, {}, "en") is None
