"""How evenly an allocation spreads coverage: the equity indices the app reports.

Chinese studies of the equalisation of basic public services compare districts with the
Gini coefficient, the Theil index, the coefficient of variation and the ratio of the best-
to the worst-served district. Here each is computed on the districts' weighted coverage
(MODEL.md constraint 6), weighted by population, so that a district of 300,000 people
counts thirty times one of 10,000. With weights a_i = pop_i / sum pop and the weighted
mean m = sum a_i y_i:

* Gini  = sum_i sum_j a_i a_j |y_i - y_j| / (2 m)
* Theil = sum_i a_i (y_i / m) ln(y_i / m)           (0 ln 0 = 0)
* CV    = sqrt(sum_i a_i (y_i - m)^2) / m
* max/min = max y / min y                            (inf when some district has 0)

All are 0 when every district has the same coverage; with m = 0 they are undefined (NaN).
The mean absolute deviation, sum a_i |y_i - m|, is the measure the spread rule caps
(:mod:`govdecide.analyses.equity_rules`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from govdecide.i18n import t

INDICATORS: tuple[str, ...] = ("gini", "theil", "cv", "max_min")


def _prepare(values: Sequence[float], weights: Sequence[float] | None) -> tuple[np.ndarray, ...]:
    """Values and weights as arrays, weights normalised to sum 1 (equal when not given)."""
    y = np.asarray(values, dtype=float)
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float)
    if y.shape != w.shape or y.size == 0:
        raise ValueError("values and weights must be non-empty and of the same length")
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be non-negative with a positive sum")
    return y, w / w.sum()


def _with_mean(
    values: Sequence[float], weights: Sequence[float] | None
) -> tuple[np.ndarray, np.ndarray, float]:
    """Values, weights a_i summing to 1, and the weighted mean m every index is relative to."""
    y, a = _prepare(values, weights)
    return y, a, float((a * y).sum())


def weighted_mean(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """The population-weighted mean coverage m."""
    return _with_mean(values, weights)[2]


def gini(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Weighted Gini: half the mean absolute difference between two people, over the mean."""
    y, a, m = _with_mean(values, weights)
    if m <= 0:
        return math.nan
    diff = np.abs(y[:, None] - y[None, :])
    return float((a[:, None] * a[None, :] * diff).sum() / (2 * m))


def theil(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Weighted Theil T index (0 for perfect equality, ln(1/a_min) at most)."""
    y, a, m = _with_mean(values, weights)
    if m <= 0:
        return math.nan
    r = y / m
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
    return float((a * terms).sum())


def cv(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Weighted coefficient of variation: standard deviation over the mean."""
    y, a, m = _with_mean(values, weights)
    if m <= 0:
        return math.nan
    return float(math.sqrt(float((a * (y - m) ** 2).sum())) / m)


def max_min(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Best- over worst-served district (weights only select who counts: weight > 0)."""
    y, a = _prepare(values, weights)
    y = y[a > 0]
    hi, lo = float(y.max()), float(y.min())
    if hi <= 0:
        return math.nan
    return math.inf if lo <= 0 else hi / lo


def mean_abs_deviation(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Weighted mean absolute deviation from the weighted mean (the spread rule's measure)."""
    y, a, m = _with_mean(values, weights)
    return float((a * np.abs(y - m)).sum())


_FUNCTIONS = {"gini": gini, "theil": theil, "cv": cv, "max_min": max_min}


def indicators(values: Sequence[float], weights: Sequence[float] | None = None) -> dict[str, float]:
    """All four indicators of one distribution, by id (see the module docstring)."""
    return {name: fn(values, weights) for name, fn in _FUNCTIONS.items()}


def indicators_table(districts: pd.DataFrame) -> pd.DataFrame:
    """Indicators of coverage before and after, population-weighted, from ``Result.districts``.

    Only districts with need count (a district with nothing to serve has coverage 1 by
    convention, which would flatter the figures). Columns: indicator, before, after,
    change (after - before; negative means more equal for every indicator here).
    """
    frame = districts
    if "need" in frame.columns:
        frame = frame[frame["need"] > 0]
    if frame.empty:
        return pd.DataFrame(columns=["indicator", "before", "after", "change"])
    pop = frame["population"].to_numpy(dtype=float)
    before = indicators(frame["coverage_before"].to_numpy(dtype=float), pop)
    after = indicators(frame["coverage_after"].to_numpy(dtype=float), pop)
    rows = []
    for name in INDICATORS:
        b, a = before[name], after[name]
        change = a - b if math.isfinite(a) and math.isfinite(b) else math.nan
        rows.append({"indicator": name, "before": b, "after": a, "change": change})
    return pd.DataFrame(rows)


def indicator_name(name: str, lang: str = "en") -> str:
    """The indicator's name in ``lang`` (Gini coefficient, 基尼系数, ...)."""
    return t(f"an.eq.{name}", lang)


def explain(name: str, lang: str = "en") -> str:
    """One line on what the indicator measures and how to read it."""
    return t(f"an.eq.{name}.explain", lang)
