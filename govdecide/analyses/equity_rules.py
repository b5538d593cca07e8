"""Equity rules other than max-min, added to a built model as named rows.

Besides the equity weight (max-min, MODEL.md's z), a policymaker may want a floor ("every
district at least 60% coverage") or a cap on spread ("mean absolute deviation of coverage
at most 0.05"). :class:`EquityRule` adds such a rule to a built
:class:`~govdecide.model.formulation.AllocationModel` as named constraints (through ``prob``
and the ``constraints`` dict), leaving the model's own code alone; :func:`rule_met` checks
an evaluated result against it. docs/equity_rules.md states them in MODEL.md terms.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import pulp

from govdecide.analyses.equity_indices import mean_abs_deviation
from govdecide.model.formulation import AllocationModel, cname

COVERAGE_FLOOR = "coverage_floor"
PROGRAM_FLOOR = "program_floor"
SPREAD_POS = "spread_above"
SPREAD_NEG = "spread_below"
SPREAD_CAP = "spread_cap"
RULE_KINDS: tuple[str, ...] = ("maxmin", "floor", "program_floor", "spread")


def weighted_coverage(
    model: AllocationModel, pairs: Iterable[tuple[str, str]], total: float | None = None
) -> pulp.LpAffineExpression:
    """sum over ``pairs`` of (w_p need_dp / total) c_dp, programs of weight 0 left out.

    Over a district's pairs with its W_d this is its weighted coverage (MODEL.md 6); over
    every pair with need, with ``total`` left to the pairs' own sum of w_p need_dp, it is E.
    """
    weight = model.data.programs["weight"]
    terms = [
        (model.c[(d, p)], float(weight[p]) * model.need[(d, p)]) for d, p in pairs if weight[p] > 0
    ]
    total = sum(v for _, v in terms) if total is None else total
    return pulp.LpAffineExpression([(c, v / total) for c, v in terms])


def add_row(model: AllocationModel, constraint: pulp.LpConstraint, family: str, *ids: str) -> str:
    """Add a named constraint to the model's problem and its ``constraints`` dict."""
    name = cname(family, *ids)
    model.prob.addConstraint(constraint, name)
    model.constraints[name] = constraint
    return name


def _district_coverages(model: AllocationModel) -> dict[str, pulp.LpAffineExpression]:
    """Each district's weighted coverage, for districts with need (W_d > 0), in order.

    W_d is the model's own, so a rule counts coverage exactly as the model's z rows do.
    """
    covs: dict[str, pulp.LpAffineExpression] = {}
    for d in map(str, model.data.districts.index):
        total = model.district_weight.get(d, 0.0)
        if total > 0:
            covs[d] = weighted_coverage(model, [k for k in model.with_need if k[0] == d], total)
    return covs


def add_coverage_floor(model: AllocationModel, share: float) -> list[str]:
    """Every district's weighted coverage at least ``share`` (a floor, not an objective).

    For each district with need: sum_p (w_p need_dp / W_d) c_dp >= share. Its feasible set
    equals z >= share, but it holds whatever the equity weight, and each district has its
    own named constraint. Returns the names added.
    """
    return [
        add_row(model, expr >= float(share), COVERAGE_FLOOR, d)
        for d, expr in _district_coverages(model).items()
    ]


def add_program_floor(model: AllocationModel, share: float) -> list[str]:
    """Every program in every district covers at least ``share`` of its need: c_dp >= share.

    Stricter than the district floor: no program may be left behind in any district.
    """
    return [
        add_row(model, model.c[(d, p)] >= float(share), PROGRAM_FLOOR, d, p)
        for d, p in model.with_need
    ]


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
    covs = _district_coverages(model)
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
        names.append(add_row(model, dev[d] - expr + mean >= 0, SPREAD_POS, d))
        names.append(add_row(model, dev[d] + expr - mean >= 0, SPREAD_NEG, d))
    spread = pulp.lpSum(share[d] * dev[d] for d in covs)
    names.append(add_row(model, spread <= float(cap), SPREAD_CAP))
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
