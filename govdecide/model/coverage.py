"""People served, coverage, E and z of an allocation: MODEL.md's definitions, said once.

Every method that judges an allocation (the result the app shows, the structured method's
search, its MIP start, the analyses) computes these numbers here, so the app, the command
line and the tests agree to the digit. All functions work on numpy arrays of any matching
shape: (districts, programs) for a plan, or the structured method's tables of unit
combinations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from govdecide.model.problem import Arrays


def served_people(need: np.ndarray, cap: np.ndarray, units: np.ndarray) -> np.ndarray:
    """s_dp = min(need_dp, cap_p units_dp): the most ``units`` (old plus new) can serve.

    An optimum reaches it wherever it matters, so every figure is computed from it.
    """
    return np.minimum(need, cap * units)


def coverage_share(need: np.ndarray, served: np.ndarray) -> np.ndarray:
    """s_dp / need_dp, the share of a pair's need that is served (1 where need is 0)."""
    has_need = need > 0
    return np.where(has_need, served / np.where(has_need, need, 1.0), 1.0)


def district_coverage(wneed: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Per district: sum_p w_p s_dp / W_d (1 where W_d is 0), MODEL.md constraint 6.

    ``share`` is s_dp / need_dp, so w_p s_dp = wneed * share.
    """
    den = wneed.sum(axis=1)
    num = (wneed * share).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = np.where(den > 0, num / np.where(den > 0, den, 1.0), 1.0)
    return np.minimum(cov, 1.0)


def objective_value(efficiency: float, equity: float, equity_weight: float) -> float:
    """MODEL.md's objective (1 - lambda) E + lambda z."""
    return (1 - equity_weight) * efficiency + equity_weight * equity


@dataclass(frozen=True)
class Coverage:
    """How well a plan covers need: per pair, per district, and E and z."""

    served: np.ndarray  # (D, P) people served
    share: np.ndarray  # (D, P) share of need served
    district: np.ndarray  # (D,) weighted coverage of each district
    efficiency: float  # E: the weighted share of all need served
    equity: float  # z: the lowest weighted coverage of a district with need


def coverage_of(arr: Arrays, served: np.ndarray) -> Coverage:
    """E, z and the district coverage of a plan that serves ``served`` people per pair."""
    wneed = arr.wneed
    share = coverage_share(arr.need, served)
    district = district_coverage(wneed, share)
    positive = wneed.sum(axis=1) > 0
    return Coverage(
        served=served,
        share=share,
        district=district,
        efficiency=float((wneed * share).sum() / float(wneed.sum())),
        equity=float(district[positive].min()) if positive.any() else 1.0,
    )


def plan_coverage(arr: Arrays, x: np.ndarray) -> Coverage:
    """:func:`coverage_of` for new units ``x`` on top of the baseline units."""
    return coverage_of(arr, served_people(arr.need, arr.cap[None, :], arr.base + x))


def reachable_units(arr: Arrays, budget: float, staff: float | None) -> np.ndarray:
    """The most new units each pair could get on its own, a (D, P) array (inf: no limit).

    Every plan keeps x_dp <= hi_dp, cost_p x_dp <= budget, staff_p x_dp <= staff and
    cost_p x_dp <= spend_max_p (costs, staff and units are never negative), so this bounds
    x_dp from above; the model's scaling reads the coverage it allows (``objective_reach``).
    """
    per_unit = np.stack([arr.cost, arr.cost, arr.staff])
    limits = np.array([budget, np.nan, np.nan if staff is None else staff])[:, None]
    limits = np.broadcast_to(limits, per_unit.shape).copy()
    limits[1] = arr.spend_max
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        each = np.where(
            (per_unit > 0) & ~np.isnan(limits), np.maximum(limits, 0.0) / per_unit, np.inf
        )
    return np.minimum(arr.hi, each.min(axis=0)[None, :])


def objective_reach(arr: Arrays, budget: float, staff: float | None, equity_weight: float) -> float:
    """An upper bound of the objective: E and z as if each pair got all it could alone.

    Objective values lie in [0, 1], but when one district's need dwarfs what a budget can
    buy they are all tiny (a district of 1e12 people: E near 1e-6), and the model scales
    its objective by this bound so that the solver sees well-scaled numbers (formulation).
    """
    units = reachable_units(arr, budget, staff)
    most = arr.base + np.maximum(units, arr.lo)
    with np.errstate(invalid="ignore", over="ignore"):
        served = np.where(np.isinf(most), arr.need, served_people(arr.need, arr.cap[None, :], most))
    cov = coverage_of(arr, np.nan_to_num(served, nan=0.0, posinf=0.0))
    return objective_value(cov.efficiency, cov.equity, equity_weight)


@dataclass(frozen=True)
class Figures:
    """The headline figures of a plan, for inner loops that need no frames."""

    efficiency: float
    equity: float
    objective: float
    spend: float
    staff: float


def plan_figures(arr: Arrays, x: np.ndarray, equity_weight: float) -> Figures:
    """E, z, the objective at ``equity_weight``, spend and staff of new units ``x``."""
    cov = plan_coverage(arr, x)
    return Figures(
        efficiency=cov.efficiency,
        equity=cov.equity,
        objective=objective_value(cov.efficiency, cov.equity, equity_weight),
        spend=float((x * arr.cost[None, :]).sum()),
        staff=float((x * arr.staff[None, :]).sum()),
    )
