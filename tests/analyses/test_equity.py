"""Equity indicators on hand-made distributions, and the alternative equity rules."""

from __future__ import annotations

import copy
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govdecide.analyses import Sweep, equity
from govdecide.analyses.equity import EquityRule, indicators, indicators_table, rule_met
from govdecide.i18n import t
from govdecide.io.scenario import scenario_from_data
from govdecide.model.formulation import AllocationModel
from govdecide.model.problem import problem_data
from govdecide.model.settings import Settings
from tests.analyses.test_analyses import TWO as TWO_CAPPED


def test_two_districts_equal_population():
    """y = (0.5, 1.0), equal weights, m = 0.75.

    Gini: pairs (i, j) with weight 1/4 each; sum |y_i - y_j| / 4 = (0.5 + 0.5) / 4 = 0.25;
    / (2 m) = 0.25 / 1.5 = 1/6.
    Theil: r = (2/3, 4/3); 0.5 [(2/3) ln(2/3) + (4/3) ln(4/3)]
           = 0.5 [-0.270310 + 0.383576] = 0.056633.
    CV: sd = sqrt(0.5 * 0.25^2 + 0.5 * 0.25^2) = 0.25; / 0.75 = 1/3.
    max/min = 1.0 / 0.5 = 2.
    """
    out = indicators([0.5, 1.0], [1, 1])
    assert out["gini"] == pytest.approx(1 / 6)
    assert out["theil"] == pytest.approx(0.056633, abs=1e-6)
    assert out["cv"] == pytest.approx(1 / 3)
    assert out["max_min"] == pytest.approx(2.0)


def test_population_weights_change_the_figures():
    """y = (0.5, 1.0), populations (3, 1): a = (0.75, 0.25), m = 0.625.

    Gini = 2 * 0.75 * 0.25 * 0.5 / (2 * 0.625) = 0.1875 / 1.25 = 0.15.
    var = 0.75 * 0.125^2 + 0.25 * 0.375^2 = 0.01171875 + 0.03515625 = 0.046875;
    CV = sqrt(0.046875) / 0.625 = 0.216506 / 0.625 = 0.346410.
    MAD = 0.75 * 0.125 + 0.25 * 0.375 = 0.1875.
    """
    values, pop = [0.5, 1.0], [3, 1]
    assert equity.weighted_mean(values, pop) == pytest.approx(0.625)
    assert equity.gini(values, pop) == pytest.approx(0.15)
    assert equity.cv(values, pop) == pytest.approx(0.346410, abs=1e-6)
    assert equity.mean_abs_deviation(values, pop) == pytest.approx(0.1875)
    assert equity.max_min(values, pop) == pytest.approx(2.0)


def test_even_distribution_is_zero_and_extremes():
    """Equal coverage: Gini = Theil = CV = 0 and max/min = 1.

    A district with 0 coverage: max/min is infinite. All zero: undefined (NaN).
    Gini of (0, 1) with equal weights: (1/4 + 1/4) / (2 * 0.5) = 0.5.
    """
    out = indicators([0.7, 0.7, 0.7], [10, 20, 30])
    assert out["gini"] == pytest.approx(0.0)
    assert out["theil"] == pytest.approx(0.0)
    assert out["cv"] == pytest.approx(0.0)
    assert out["max_min"] == pytest.approx(1.0)
    assert equity.max_min([0.0, 1.0]) == math.inf
    assert equity.gini([0.0, 1.0]) == pytest.approx(0.5)
    assert math.isnan(equity.gini([0.0, 0.0]))
    with pytest.raises(ValueError):
        equity.gini([0.5, 1.0], [1])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.01, 1.0), st.integers(1, 4)),
        min_size=1,
        max_size=6,
    )
)
def test_integer_weights_equal_replication(rows):
    """A district of weight k counts like k districts of weight 1 with the same coverage."""
    values = [v for v, _ in rows]
    weights = [w for _, w in rows]
    replicated = [v for v, w in rows for _ in range(w)]
    for name in ("gini", "theil", "cv", "max_min"):
        a = getattr(equity, name)(values, weights)
        b = getattr(equity, name)(replicated)
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12)


def test_indicators_table_before_and_after():
    """Before (0.5, 1.0), after (1.0, 1.0), equal populations: Gini 1/6 -> 0, change -1/6.

    The third district has no need and is left out (its coverage 1 is a convention).
    """
    districts = pd.DataFrame(
        {
            "district": ["a", "b", "c"],
            "population": [100, 100, 5000],
            "need": [100, 100, 0],
            "coverage_before": [0.5, 1.0, 1.0],
            "coverage_after": [1.0, 1.0, 1.0],
        }
    )
    table = indicators_table(districts).set_index("indicator")
    assert list(table.index) == ["gini", "theil", "cv", "max_min"]
    assert table.at["gini", "before"] == pytest.approx(1 / 6)
    assert table.at["gini", "after"] == pytest.approx(0.0)
    assert table.at["gini", "change"] == pytest.approx(-1 / 6)
    assert table.at["max_min", "before"] == pytest.approx(2.0)


def test_every_indicator_has_a_name_and_explanation_in_both_languages():
    """The page shows a one-line explanation per indicator; both languages must exist."""
    for name in equity.INDICATORS:
        for lang in ("en", "zh"):
            assert equity.indicator_name(name, lang)
            assert equity.explain(name, lang)
    assert equity.explain("gini", "zh") != equity.explain("gini", "en")
    assert t("an.eq.gini", "zh") == "基尼系数"


# -- equity rules on a tiny scenario ----------------------------------------------------

# The two-district scenario of test_analyses.py without p1's unit cap, at lambda = 0:
# coverage a = 0.1 x1, b = 0.05 x2; E = (10 x1 + 5 x2) / 200; budget 10.
TWO = copy.deepcopy(TWO_CAPPED)
del TWO["programs"][0]["max_units"]
TWO["policy"]["equity_weight"] = 0


def _units(result) -> dict[tuple[str, str], float]:
    return result.allocation.set_index(["district", "program"])["new_units"].to_dict()


def test_coverage_floor_rule():
    """Need 100 in a (program p1, 10 per unit) and 100 in b (p2, 5 per unit), budget 10.

    Floor 0.2: 0.1 x1 >= 0.2 -> x1 >= 2, 0.05 x2 >= 0.2 -> x2 >= 4. With lambda = 0 the
    rest goes to p1 (10 people per unit against 5): x1 = 6, x2 = 4,
    E = (60 + 20) / 200 = 0.4, coverage (0.6, 0.2).
    """
    scenario = scenario_from_data(TWO)
    sweep = Sweep(scenario, EquityRule("floor", 0.2))
    res = sweep.solve(Settings())
    assert res.status == "optimal"
    units = _units(res)
    assert units[("a", "p1")] == 6 and units[("b", "p2")] == 4
    assert res.efficiency == pytest.approx(0.4)
    assert rule_met(EquityRule("floor", 0.2), res.allocation, res.districts)
    assert not rule_met(EquityRule("floor", 0.25), res.allocation, res.districts)
    model = AllocationModel(problem_data(scenario))
    names = EquityRule("floor", 0.2).apply(model)
    assert names == ["coverage_floor__a", "coverage_floor__b"]
    assert set(names) <= set(model.constraints)


def test_program_floor_rule_names_every_pair_with_need():
    """Program floor 0.2: c_a,p1 >= 0.2 and c_b,p2 >= 0.2 (pairs without need get none).

    Same answer as the district floor here (one program with need per district):
    x1 = 6, x2 = 4.
    """
    scenario = scenario_from_data(TWO)
    sweep = Sweep(scenario, EquityRule("program_floor", 0.2))
    res = sweep.solve(Settings())
    assert _units(res)[("b", "p2")] == 4
    model = AllocationModel(problem_data(scenario))
    names = set(EquityRule("program_floor", 0.2).apply(model))
    assert names == {n for n in model.constraints if n.startswith("program_floor")}
    assert names == {"program_floor__a__p1", "program_floor__b__p2"}


def test_spread_cap_rule():
    """MAD of coverage with equal populations is |cov_a - cov_b| / 2; cap 0.05.

    |0.1 x1 - 0.05 x2| <= 0.1 with x1 + x2 <= 10, maximize 10 x1 + 5 x2:
    x1 = 10 - x2 gives |1 - 0.15 x2| <= 0.1 -> x2 in [6, 7.33] -> x2 = 6, x1 = 4,
    coverage (0.4, 0.3), MAD 0.05, E = (40 + 30) / 200 = 0.35. (x2 = 5 forces x1 <= 3.)
    Without the cap: x1 = 10, x2 = 0, MAD 0.5.
    """
    scenario = scenario_from_data(TWO)
    rule = EquityRule("spread", 0.05)
    res = Sweep(scenario, rule).solve(Settings())
    units = _units(res)
    assert (units[("a", "p1")], units[("b", "p2")]) == (4, 6)
    assert res.efficiency == pytest.approx(0.35)
    assert rule_met(rule, res.allocation, res.districts)
    free = Sweep(scenario).solve(Settings())
    assert _units(free)[("a", "p1")] == 10
    assert not rule_met(rule, free.allocation, free.districts)


def test_bad_rules_are_rejected():
    """A rule kind that does not exist, or a share outside [0, 1], is a programming error."""
    with pytest.raises(ValueError):
        EquityRule("lottery", 0.1)
    with pytest.raises(ValueError):
        EquityRule("floor", 1.5)
