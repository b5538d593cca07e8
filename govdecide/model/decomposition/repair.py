"""Feasible allocations from the structured method's bounds (step 3 of ``search``).

At a level t the districts' own answers under some prices keep every district's coverage
>= t but may exceed the budget, the staff or a spend cap together. These heuristics raise
the prices of what is exceeded until everything fits (:meth:`Repair.feasible_at`), then
win back value district by district (``_switch``), or, when no common price rise fits,
sweep the mix of budget and staff prices (``_cross``). Every allocation they return is
feasible by construction; the bounds stay the Lagrangian's.
"""

from __future__ import annotations

import math
import time

import numpy as np

from govdecide.model.decomposition.bounds import Lagrangian
from govdecide.model.decomposition.subproblems import Prices, Solved, coverage


class Repair:
    """Turns the districts' priced answers at one level into allocations that fit."""

    def __init__(self, lag: Lagrangian) -> None:
        self.lag = lag
        self.data = lag.data
        self.sub = lag.sub
        self.caps = lag.caps
        self.has_staff = lag.has_staff

    def feasible_at(self, t: float, m: np.ndarray, deadline: float) -> Solved | None:
        """Raise the prices of the limits the districts' answers exceed until all fit.

        Each round doubles the price of every exceeded limit (budget, staff or a cap) and
        leaves the others; once the answers fit, a bisection between the last prices that
        did not fit and those that do lowers them again, so less of the budget is left idle.
        Every answer keeps each district's coverage >= t, so a fitting one is feasible.
        """

        def excess(solved: Solved) -> np.ndarray:
            used, rhs = self.lag.rows(solved)
            return (used - rhs) / np.maximum(np.abs(rhs), 1.0)

        current = np.maximum(m, 0.0)
        last_bad = None
        found = None
        for _ in range(40):
            trial = self.sub.solve(t, self.lag.prices(current))
            if not trial.feasible:
                return None  # some district cannot reach t at all
            over = excess(trial) > 1e-12
            if not over.any():
                found = trial
                break
            last_bad = current.copy()
            current = current + np.where(over, np.maximum(current, 0.01), 0.0)
            if time.perf_counter() > deadline:
                return None
        if found is None:
            return self._cross(t)
        if last_bad is None:
            return found
        low, high = last_bad, current
        for _ in range(8):
            if time.perf_counter() > deadline:
                break
            mid = 0.5 * (low + high)
            trial = self.sub.solve(t, self.lag.prices(mid))
            if trial.feasible and not (excess(trial) > 1e-12).any():
                high, found = mid, trial
            else:
                low = mid
        cheaper = self.sub.solve(t, self.lag.prices(low))
        return self._switch(cheaper, found) if cheaper.feasible else found

    def _totals(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per district: E_d (its share of E) and the rows it uses (budget, staff, caps)."""
        arr = self.data.arrays
        e_d = (self.sub.s.a * coverage(self.data, x)).sum(axis=1)
        cost = x * arr.cost[None, :]
        cols = [cost.sum(axis=1)]
        if self.has_staff:
            cols.append((x * arr.staff[None, :]).sum(axis=1))
        cols.extend(cost[:, p] for p in self.caps)
        return e_d, np.column_stack(cols)

    def _solved(self, x: np.ndarray) -> Solved:
        """An allocation as a Solved record (its value is not needed)."""
        arr = self.data.arrays
        spend = (x * arr.cost[None, :]).sum(axis=0)
        return Solved(True, math.nan, x, spend, float((x * arr.staff[None, :]).sum()))

    def _switch(self, better: Solved, fitting: Solved) -> Solved:
        """From a fitting answer, adopt a better-valued one district by district while all fits.

        Both answers keep every district's coverage >= t, so any mix of them does too; the
        districts are taken in order of E gained per share of the limits used.
        """
        diff = np.flatnonzero(np.any(better.x != fitting.x, axis=1))
        if diff.size == 0:
            return fitting
        e_a, use_a = self._totals(better.x)
        e_b, use_b = self._totals(fitting.x)
        limits = self.lag.limits()
        gain = (e_a - e_b)[diff]
        extra = (use_a - use_b)[diff]
        weight = (np.maximum(extra, 0.0) / np.maximum(np.abs(limits), 1.0)).sum(axis=1)
        order = np.argsort(-(gain / np.maximum(weight, 1e-12)), kind="stable")
        x = fitting.x.copy()
        used = use_b.sum(axis=0)
        for k in order.tolist():
            if gain[k] <= 0:
                continue
            trial = used + extra[k]
            if np.all(trial <= limits * (1 + 1e-12) + 1e-9):
                used = trial
                x[diff[k]] = better.x[diff[k]]
        return self._solved(x)

    def _cross(self, t: float) -> Solved | None:
        """When no common price rise fits: sweep the mix of budget and staff prices.

        For a grid of mixes theta (weight 1 - theta on budget, theta on staff, both large
        against E), every district takes its cheapest way to reach t. As theta grows the
        answers use less staff and more budget; between two neighbouring mixes, one over
        the staff and the other over the budget, districts are switched one by one (most
        staff saved per budget spent first) until both limits hold.
        """
        if not self.has_staff:
            return None
        data = self.data
        arr = data.arrays
        zero = np.zeros(len(arr.programs))
        limits = self.lag.limits()
        big = 1e6

        def fits(used: np.ndarray) -> bool:
            return bool(np.all(used <= limits * (1 + 1e-12) + 1e-9))

        answers = []
        for theta in np.linspace(0.0, 1.0, 9):
            prices = Prices(
                big * (1 - theta) / max(data.budget, 1e-9) + 1e-12,
                big * theta / max(data.staff or 0.0, 1e-9) + 1e-12,
                zero,
            )
            solved = self.sub.solve(t, prices)
            if not solved.feasible:
                return None
            _, use = self._totals(solved.x)
            if fits(use.sum(axis=0)):
                return solved
            answers.append((solved, use))
        for (first, use_a), (second, use_b) in zip(answers, answers[1:], strict=False):
            diff = np.flatnonzero(np.any(first.x != second.x, axis=1))
            if diff.size == 0:
                continue
            delta = (use_b - use_a)[diff]
            saving = -delta[:, 1]
            dearer = np.maximum(delta[:, 0], 1e-12)
            order = np.argsort(-(saving / dearer), kind="stable")
            x = first.x.copy()
            used = use_a.sum(axis=0)
            for k in order.tolist():
                if fits(used):
                    break
                if saving[k] <= 0:
                    continue
                used = used + delta[k]
                x[diff[k]] = second.x[diff[k]]
            if fits(used):
                return self._solved(x)
        return None
