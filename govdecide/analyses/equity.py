"""How evenly an allocation spreads coverage, and equity rules other than max-min.

Indicators. Chinese studies of the equalisation of basic public services compare districts
with the Gini coefficient, the Theil index, the coefficient of variation and the ratio of
the best- to the worst-served district. Here each is computed on the districts' weighted
coverage (MODEL.md constraint 6), weighted by population, so that a district of 300,000
people counts thirty times one of 10,000. With weights a_i = pop_i / sum pop and the
weighted mean m = sum a_i y_i:

* Gini  = sum_i sum_j a_i a_j |y_i - y_j| / (2 m)
* Theil = sum_i a_i (y_i / m) ln(y_i / m)           (0 ln 0 = 0)
* CV    = sqrt(sum_i a_i (y_i - m)^2) / m
* max/min = max y / min y                            (inf when some district has 0)

All are 0 when every district has the same coverage; with m = 0 they are undefined (NaN).

Rules. Besides the equity weight (max-min, MODEL.md's z), a policymaker may want a floor
("every district at least 60% coverage") or a cap on spread ("mean absolute deviation of
coverage at most 0.05"). :class:`EquityRule` adds such a rule to a built
:class:`~govdecide.model.formulation.AllocationModel` as named constraints (through ``prob`` and the
``constraints`` dict), leaving the model's own code alone. docs/equity_rules.md states
them in MODEL.md terms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pulp

from govdecide.i18n import t
from govdecide.model.formulation import AllocationModel, cname

INDICATORS: tuple[str, ...] = ("gini", "theil", "cv", "max_min")

COVERAGE_FLOOR = "coverage_floor"
PROGRAM_FLOOR = "program_floor"
SPREAD_POS = "spread_above"
SPREAD_NEG = "spread_below"
SPREAD_CAP = "spread_cap"
RULE_KINDS: tuple[str, ...] = ("maxmin", "floor", "program_floor", "spread")


def _prepare(values: Sequence[float], weights: Sequence[float] | None) -> tuple[np.ndarray, ...]:
    """Values and weights as arrays, weights normalised to sum 1 (equal when not given)."""
    y = np.asarray(values, dtype=float)
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float)
    if y.shape != w.shape or y.size == 0:
        raise ValueError("values and weights must be non-empty and of the same length")
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be non-negative with a positive sum")
    return y, w / w.sum()


def weighted_mean(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """The population-weighted mean coverage m."""
    y, a = _prepare(values, weights)
    return float((a * y).sum())


def gini(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Weighted Gini: half the mean absolute difference between two people, over the mean."""
    y, a = _prepare(values, weights)
    m = float((a * y).sum())
    if m <= 0:
        return math.nan
    diff = np.abs(y[:, None] - y[None, :])
    return float((a[:, None] * a[None, :] * diff).sum() / (2 * m))


def theil(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Weighted Theil T index (0 for perfect equality, ln(1/a_min) at most)."""
    y, a = _prepare(values, weights)
    m = float((a * y).sum())
    if m <= 0:
        return math.nan
    r = y / m
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
    return float((a * terms).sum())


def cv(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Weighted coefficient of variation: standard deviation over the mean."""
    y, a = _prepare(values, weights)
    m = float((a * y).sum())
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
    y, a = _prepare(values, weights)
    m = float((a * y).sum())
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


# ---------------------------------------------------------------------------------------
# Alternative equity rules, added to a built AllocationModel as named constraints.


def _coverage_expr(model: AllocationModel, district: str) -> pulp.LpAffineExpression | None:
    """District d's weighted coverage sum_p (w_p need_dp / W_d) c_dp (MODEL.md 6), or None."""
    total = model.district_weight.get(district, 0.0)
    if total <= 0:
        return None
    weight = model.data.programs["weight"]
    return pulp.lpSum(
        (float(weight[p]) * model.need[(d, p)] / total) * model.c[(d, p)]
        for d, p in model.with_need
        if d == district and weight[p] > 0
    )


def _add(model: AllocationModel, constraint: pulp.LpConstraint, family: str, *ids: str) -> str:
    """Add a named constraint to the model's problem and its ``constraints`` dict."""
    name = cname(family, *ids)
    model.prob.addConstraint(constraint, name)
    model.constraints[name] = constraint
    return name


def add_coverage_floor(model: AllocationModel, share: float) -> list[str]:
    """Every district's weighted coverage at least ``share`` (a floor, not an objective).

    For each district with need: sum_p (w_p need_dp / W_d) c_dp >= share. Its feasible set
    equals z >= share, but it holds whatever the equity weight, and each district has its
    own named constraint. Returns the names added.
    """
    names = []
    for d in model.data.districts.index:
        expr = _coverage_expr(model, str(d))
        if expr is not None:
            names.append(_add(model, expr >= float(share), COVERAGE_FLOOR, str(d)))
    return names


def add_program_floor(model: AllocationModel, share: float) -> list[str]:
    """Every program in every district covers at least ``share`` of its need: c_dp >= share.

    Stricter than the district floor: no program may be left behind in any district.
    """
    names = []
    for d, p in model.with_need:
        names.append(_add(model, model.c[(d, p)] >= float(share), PROGRAM_FLOOR, d, p))
    return names


def add_spread_cap(model: AllocationModel, cap: float) -> list[str]:
    """Mean absolute deviation of district coverage at most ``cap``, population-weighted.

    With a_d = pop_d / sum pop over districts with need, cov_d the weighted coverage and
    m = sum a_d cov_d: dev_d >= cov_d - m, dev_d >= m - cov_d, sum a_d dev_d <= cap.
    The model may count a district's coverage below what its units really serve (c is only
    bounded above); to stop it "levelling down" on paper, coverage may not fall below what
    the existing units serve (c_dp >= base coverage, a variable bound). The caller still
    checks the spread of the evaluated result (see :func:`rule_met`).
    """
    data = model.data
    covs: dict[str, pulp.LpAffineExpression] = {}
    for d in data.districts.index:
        expr = _coverage_expr(model, str(d))
        if expr is not None:
            covs[str(d)] = expr
    if not covs:
        return []
    pop = data.districts["population"]
    total = float(sum(pop[d] for d in covs))
    share = {d: float(pop[d]) / total for d in covs}
    base_served = data.pairs["base_served"]
    for key in model.with_need:
        floor = min(1.0, float(base_served[key]) / model.need[key])
        model.c[key].lowBound = max(0.0, floor - 1e-9)
    mean = pulp.lpSum(share[d] * covs[d] for d in covs)
    dev = model.prob.add_variable_dicts("spread_dev", list(covs), lowBound=0)
    names = []
    for d, expr in covs.items():
        names.append(_add(model, dev[d] - expr + mean >= 0, SPREAD_POS, d))
        names.append(_add(model, dev[d] + expr - mean >= 0, SPREAD_NEG, d))
    names.append(_add(model, pulp.lpSum(share[d] * dev[d] for d in covs) <= float(cap), SPREAD_CAP))
    return names


@dataclass(frozen=True)
class EquityRule:
    """An equity rule a user picks: max-min (the default), a floor, or a spread cap.

    ``kind`` is one of :data:`RULE_KINDS`; ``value`` is the floor share or the cap.
    ``maxmin`` adds nothing: the model's equity weight already is the max-min rule.
    """

    kind: str = "maxmin"
    value: float = 0.0

    def __post_init__(self) -> None:
        """Reject rules that cannot be meant (a programming error, not user input)."""
        if self.kind not in RULE_KINDS:
            raise ValueError(f"unknown equity rule {self.kind!r}")
        if not (math.isfinite(self.value) and 0 <= self.value <= 1):
            raise ValueError("an equity rule's value is a share in [0, 1]")

    def apply(self, model: AllocationModel) -> list[str]:
        """Add the rule's constraints to a built model; returns their names."""
        if self.kind == "floor":
            return add_coverage_floor(model, self.value)
        if self.kind == "program_floor":
            return add_program_floor(model, self.value)
        if self.kind == "spread":
            return add_spread_cap(model, self.value)
        return []

    def key(self) -> tuple[str, float]:
        """What distinguishes one rule's model from another's (for model caches)."""
        return (self.kind, float(self.value)) if self.kind != "maxmin" else ("maxmin", 0.0)


def rule_met(rule: EquityRule, allocation: pd.DataFrame, districts: pd.DataFrame) -> bool:
    """Whether an evaluated result (``Result.allocation``/``.districts``) meets the rule.

    The rule is imposed on the model's counting of coverage; this checks the figures the
    result reports, which count everything the units serve (tolerance 1e-6).
    """
    tol = 1e-6
    frame = districts[districts["need"] > 0] if "need" in districts.columns else districts
    if rule.kind == "floor":
        return bool((frame["coverage_after"] >= rule.value - tol).all())
    if rule.kind == "program_floor":
        rows = allocation[allocation["need"] > 0]
        return bool((rows["coverage_after"] >= rule.value - tol).all())
    if rule.kind == "spread":
        if frame.empty:
            return True
        mad = mean_abs_deviation(
            frame["coverage_after"].to_numpy(dtype=float), frame["population"].to_numpy(float)
        )
        return mad <= rule.value + tol
    return True
