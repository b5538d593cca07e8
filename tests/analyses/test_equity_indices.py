"""Equity indices on hand-made distributions."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govdecide.analyses import equity_indices
from govdecide.analyses.equity_indices import indicators, indicators_table
from govdecide.i18n import t


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
    assert equity_indices.weighted_mean(values, pop) == pytest.approx(0.625)
    assert equity_indices.gini(values, pop) == pytest.approx(0.15)
    assert equity_indices.cv(values, pop) == pytest.approx(0.346410, abs=1e-6)
    assert equity_indices.mean_abs_deviation(values, pop) == pytest.approx(0.1875)
    assert equity_indices.max_min(values, pop) == pytest.approx(2.0)


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
    assert equity_indices.max_min([0.0, 1.0]) == math.inf
    assert equity_indices.gini([0.0, 1.0]) == pytest.approx(0.5)
    assert math.isnan(equity_indices.gini([0.0, 0.0]))
    with pytest.raises(ValueError):
        equity_indices.gini([0.5, 1.0], [1])


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
        a = getattr(equity_indices, name)(values, weights)
        b = getattr(equity_indices, name)(replicated)
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
    for name in equity_indices.INDICATORS:
        for lang in ("en", "zh"):
            assert equity_indices.indicator_name(name, lang)
            assert equity_indices.explain(name, lang)
    assert equity_indices.explain("gini", "zh") != equity_indices.explain("gini", "en")
    assert t("an.eq.gini", "zh") == "基尼系数"
