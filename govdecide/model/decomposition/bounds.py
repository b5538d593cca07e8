"""Proven upper bounds of the structured method, at one equity level and over all of them.

At a fixed level t, any non-negative multipliers of the relaxed rows give an upper bound
U_F(t) on the best (1 - lambda) E with z >= t (the districts' problems solved exactly,
``subproblems``); a box-step cutting-plane method (:meth:`Lagrangian.minimize`) tightens
it. Over t, (1 - lambda) E with z >= t can only fall as t rises, so on an interval
[t_i, t_j] the objective is at most lambda t_j + U_F(t_i) (:func:`interval_bounds`).
Above the largest t that the budget (or staff) can reach in every district at once,
nothing is feasible (:func:`max_level`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from govdecide.model.decomposition.subproblems import (
    NEG,
    Prices,
    Solved,
    Structure,
    Subproblems,
)
from govdecide.model.problem import ProblemData
from govdecide.model.solvers.highs import silence_highs_banner


@dataclass
class Level:
    """What is known at one equity level t: the best bound on (1 - lambda) E there."""

    t: float
    bound_f: float  # upper bound on max (1 - lambda) E subject to z >= t (-inf: infeasible)
    prices: Prices | None = None
    tried: bool = False  # an allocation has been built here


class Lagrangian:
    """Upper bounds U_F(t) by a box-step cutting-plane method on the multipliers."""

    def __init__(self, data: ProblemData, structure: Structure, lam: float) -> None:
        self.data = data
        self.sub = Subproblems(data, structure, lam)
        arr = data.arrays
        self.caps = np.flatnonzero(~np.isnan(arr.spend_max))
        self.has_staff = data.staff is not None
        self.evaluations = 0
        # scale of each multiplier: per budget, per staff, per cap unit
        self.scale = np.array(
            [max(data.budget, 1e-9)]
            + ([max(data.staff or 0.0, 1e-9)] if self.has_staff else [])
            + [max(float(arr.spend_max[p]), 1e-9) for p in self.caps]
        )

    def prices(self, m: np.ndarray) -> Prices:
        """Scaled coordinates (one per relaxed row) to prices."""
        arr = self.data.arrays
        real = np.maximum(m, 0.0) / self.scale
        caps = np.zeros(len(arr.programs))
        offset = 2 if self.has_staff else 1
        caps[self.caps] = real[offset:]
        return Prices(float(real[0]), float(real[1]) if self.has_staff else 0.0, caps)

    def coords(self, prices: Prices) -> np.ndarray:
        """Prices to scaled coordinates."""
        m = [prices.budget]
        if self.has_staff:
            m.append(prices.staff)
        m.extend(prices.caps[self.caps].tolist())
        return np.asarray(m) * self.scale

    def value(self, t: float, m: np.ndarray) -> tuple[float, np.ndarray, Solved]:
        """U_F(t) at coordinates m (a valid upper bound for any m >= 0) and its subgradient."""
        self.evaluations += 1
        solved = self.sub.solve(t, self.prices(m))
        if not solved.feasible:
            return NEG, np.zeros_like(m), solved
        real = np.maximum(m, 0.0) / self.scale
        used_a, rhs_a = self.rows(solved)
        value = solved.value + float(real @ rhs_a)
        grad = (rhs_a - used_a) / self.scale
        return value, grad, solved

    def minimize(
        self, t: float, start: np.ndarray, deadline: float, rel_tol: float, iterations: int = 40
    ) -> tuple[float, np.ndarray]:
        """The smallest bound found at t, by a box-step cutting-plane method (Marsten)."""
        import highspy

        silence_highs_banner()
        best_v, grad, _ = self.value(t, start)
        if not math.isfinite(best_v):
            return best_v, start
        best_m = start.copy()
        cuts = [(best_v, grad, best_m.copy())]
        radius = max(0.25, 0.5 * float(np.max(np.abs(best_m))) if best_m.size else 0.25)
        n = best_m.size
        for _ in range(iterations):
            if time.perf_counter() > deadline:
                break
            lower = np.maximum(best_m - radius, 0.0)
            upper = best_m + radius
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
            # every HiGHS in the process must ask for the same thread count: the first run
            # fixes HiGHS's global scheduler, and a later threads=1 would then fail
            h.setOptionValue("threads", 1)
            h.addCols(
                n + 1,
                np.r_[np.zeros(n), 1.0],
                np.r_[lower, -highspy.kHighsInf],
                np.r_[upper, highspy.kHighsInf],
                0,
                np.zeros(n + 1, np.int32),
                np.zeros(0, np.int32),
                np.zeros(0),
            )
            for v, g, m0 in cuts:
                # eta >= v + g (m - m0)  <=>  eta - g m >= v - g m0
                h.addRow(
                    float(v - g @ m0),
                    highspy.kHighsInf,
                    n + 1,
                    np.arange(n + 1, dtype=np.int32),
                    np.r_[-g, 1.0],
                )
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                break
            sol = np.asarray(h.getSolution().col_value)
            m_new, predicted = sol[:n], sol[n]
            v_new, g_new, _ = self.value(t, m_new)
            if not math.isfinite(v_new):
                break
            cuts.append((v_new, g_new, m_new.copy()))
            decrease = best_v - predicted
            if v_new < best_v - 0.1 * decrease:
                best_v, best_m = v_new, m_new
                if np.any(np.isclose(m_new, upper)) or np.any(
                    np.isclose(m_new, lower) & (lower > 0)
                ):
                    radius *= 2
            else:
                radius *= 0.5
            if decrease <= rel_tol * max(abs(best_v), 1e-9) and not np.any(
                np.isclose(m_new, upper)
            ):
                break
        return best_v, best_m

    def limits(self) -> np.ndarray:
        """The relaxed rows' limits: budget, staff (if limited), then each spend cap."""
        data = self.data
        rhs = [data.budget] + ([data.staff] if self.has_staff else [])
        rhs += [float(data.arrays.spend_max[p]) for p in self.caps]
        return np.asarray(rhs)

    def rows(self, solved: Solved) -> tuple[np.ndarray, np.ndarray]:
        """Use and limit of every relaxed row (budget, staff, caps) for an answer."""
        used = [float(solved.spend.sum())] + ([solved.staff] if self.has_staff else [])
        used += [float(solved.spend[p]) for p in self.caps]
        return np.asarray(used), self.limits()


def max_level(lag: Lagrangian, t_lo: float) -> float:
    """The largest t that every district can reach within the budget and staff at once.

    For each limit, the least total cost (or staff) for every district to reach coverage t
    is exact (the same enumeration, priced by that limit alone); above the t where it
    exceeds the limit nothing is feasible. Bisection to a 1e-5 resolution, rounded up.
    """
    data = lag.data
    sub = lag.sub
    arr = data.arrays
    zero = np.zeros(len(arr.programs))

    def reachable(t: float) -> bool:
        checks = [(Prices(1.0, 0.0, zero), data.budget, "budget")]
        if data.staff is not None:
            checks.append((Prices(0.0, 1.0, zero), data.staff, "staff"))
        for prices, limit, kind in checks:
            cheap = Subproblems(data, sub.s, 1.0).solve(t, prices)
            if not cheap.feasible:
                return False
            used = cheap.spend.sum() if kind == "budget" else cheap.staff
            if used > limit * (1 + 1e-9) + 1e-9:
                return False
        return True

    if not reachable(t_lo):
        return -1.0
    if reachable(1.0):
        return 1.0
    lo, hi = t_lo, 1.0
    while hi - lo > 1e-5:
        mid = 0.5 * (lo + hi)
        if reachable(mid):
            lo = mid
        else:
            hi = mid
    return hi


def interval_bounds(
    levels: dict[float, Level], lam: float, t_hi: float
) -> Iterator[tuple[float, float, float]]:
    """(bound, t, right) for each interval [t, right] between the levels evaluated so far.

    The objective with z in [t, right] is at most lambda right + U_F(t); the last
    interval ends at ``t_hi``, the highest reachable level.
    """
    ts = sorted(levels)
    for i, t in enumerate(ts):
        right = ts[i + 1] if i + 1 < len(ts) else t_hi
        yield lam * right + levels[t].bound_f, t, right


def budget_multiplier(levels: dict[float, Level], lam: float, t_hi: float) -> float | None:
    """The budget's Lagrange multiplier at the equity level where the bound is attained.

    It is the marginal value of budget in the Lagrangian dual (the integer problem with its
    districts' choices convexified): reported with basis "lagrangian", not an LP dual.
    """
    best, price = -math.inf, None
    for value, t, _ in interval_bounds(levels, lam, t_hi):
        if value > best and levels[t].prices is not None:
            best, price = value, levels[t].prices.budget
    return price
