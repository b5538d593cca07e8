"""A structured method for integer models with an equity weight (issue 6).

Why. With whole facilities and the equity term, the MILP's LP relaxation spreads fractional
units to even out coverage, and a generic branch-and-bound spends minutes closing that gap.
The model has a structure the solver does not see: once the equity level is fixed at t,
every district only has to reach coverage t on its own, and districts interact only through
the budget, the staff and the programs' spend caps.

How (all bounds are proven; the steps live in the modules beside this one: ``choice``
(whether to use it), ``subproblems`` (step 1's districts), ``bounds`` (steps 1-2's bounds),
``repair`` (step 3's allocations) and this module, the search that ties them together):

1. For a fixed t, relax the coupling rows (budget, staff, spend caps) with multipliers
   (Lagrangian relaxation). What is left splits into one small problem per district:
   choose the district's units to maximize (1 - lambda) E_d - prices . x_d subject to its
   own weighted coverage >= t. It is solved *exactly*: every combination of the integer
   programs' useful unit counts is enumerated (few programs, few units each), and for
   each combination the continuous programs form a one-row fractional knapsack solved in
   closed form. Any multipliers give an upper bound U(t) on the best objective with
   z >= t; a box-step cutting-plane method tightens them.
2. Over t: (1 - lambda) E with z >= t can only fall as t rises, so on an interval
   [t_i, t_j] the objective is at most lambda t_j + U_F(t_i). A 1-D branch and bound over t
   splits the interval with the largest such bound until it is within the tolerance of the
   best allocation found. Above the largest t that the budget (or staff) can reach in every
   district at once, nothing is feasible (a per-district minimum-cost computation proves it).
3. Allocations: at each t the districts' own solutions, with the prices raised by bisection
   until budget, staff and caps hold, are feasible by construction (z >= t); the best is
   polished by an LP over the continuous programs and z with the integer units fixed.
4. If the gap is still above the tolerance and time remains, the plain MILP is run with
   that allocation as its start; its bound and solution are used when better.

The result says "optimal" only when (bound - objective) / bound is within the requested gap.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np

from govdecide.model.built import Built
from govdecide.model.coverage import plan_figures
from govdecide.model.decomposition.bounds import (
    Lagrangian,
    Level,
    budget_multiplier,
    interval_bounds,
    max_level,
)
from govdecide.model.decomposition.repair import Repair
from govdecide.model.decomposition.subproblems import coverage, prepare
from govdecide.model.diagnosis import diagnose
from govdecide.model.formulation import AllocationModel
from govdecide.model.problem import ProblemData
from govdecide.model.result import Result, empty_result, evaluate
from govdecide.model.status import honest_status, solver_precision

SHORT_SEARCH_MAX_DISTRICTS = 40  # below this the search is short and the MILP finishes
MILP_FINISH_MAX_DISTRICTS = 1000  # step 4 only below this size (see _Search.finish)
SEARCH_PAST = 0.02  # the search aims for this share of the requested gap
STALL = 6  # splits of the t range that close less than 5% of the gap: stop searching


class _Search:
    """One structured solve: the levels evaluated, the best allocation, its proven bound.

    A small model's Lagrangian gap is relatively wide and its MILP quick, so it searches
    briefly and lets the MILP (step 4) finish from the allocation found.
    """

    def __init__(
        self, data: ProblemData, built: Built, t0: float, deadline: float, timings: dict
    ) -> None:
        self.data, self.model, self.t0, self.deadline = data, built.model, t0, deadline
        self.lam = data.equity_weight
        self.tol = max(data.gap, 1e-9)
        t_prep = time.perf_counter()
        timings["structure_reused"] = float(built.structure is not None)
        if built.structure is None:
            built.structure = prepare(data)
        self.lag = Lagrangian(data, built.structure, self.lam)
        self.repair = Repair(self.lag)
        timings["prepare_s"] = time.perf_counter() - t_prep
        self.levels: dict[float, Level] = {}
        self.best_x: np.ndarray | None = None
        self.best_obj = -math.inf
        self.bound = math.inf
        self.trace: list[tuple[float, float, float]] = []
        short = len(data.arrays.districts) < SHORT_SEARCH_MAX_DISTRICTS
        self.grid_points, self.iterations, self.stall = (3, 15, 2) if short else (6, 40, STALL)
        self.m0 = np.full(self.lag.scale.size, 0.05)  # scaled multipliers, moved by the cuts
        self.t_lo = max(0.0, self.model.equity_floor or 0.0)
        self.t_hi = -1.0

    # -- bookkeeping --------------------------------------------------------------------

    def note(self) -> None:
        """Record (seconds so far, best objective, proven bound) when either moved."""
        if self.best_x is None or not math.isfinite(self.bound):
            return
        point = (time.perf_counter() - self.t0, self.best_obj, self.bound)
        if not self.trace or self.trace[-1][1:] != point[1:]:
            self.trace.append(point)

    def objective(self, x: np.ndarray) -> float:
        """MODEL.md's objective of new units ``x``."""
        return plan_figures(self.data.arrays, x, self.lam).objective

    def bound_now(self) -> tuple[float, tuple[float, float] | None]:
        """The proven bound over all levels and the interval that attains it."""
        best, where = -math.inf, None
        for value, t, right in interval_bounds(self.levels, self.lam, self.t_hi):
            if value > best:
                best, where = value, (t, right)
        return best, where

    # -- steps 1-3 at one level -----------------------------------------------------------

    def evaluate_level(self, t: float, m_start: np.ndarray) -> Level:
        """The tightest bound found at level t (step 1), kept with its prices."""
        lag = self.lag
        value, m = lag.minimize(
            t, m_start, self.deadline, rel_tol=self.tol / 4, iterations=self.iterations
        )
        level = Level(t, value, lag.prices(m) if math.isfinite(value) else None)
        self.levels[t] = level
        return level

    def allocate(self, level: Level) -> None:
        """An allocation at this level from its prices (step 3), kept when the best so far."""
        level.tried = True
        if level.prices is None or self.lam * level.t + level.bound_f <= self.best_obj:
            return  # nothing here can beat the allocation in hand
        solved = self.repair.feasible_at(level.t, self.lag.coords(level.prices), self.deadline)
        if solved is None:
            return
        obj = self.objective(solved.x)
        if obj > self.best_obj:
            self.best_obj, self.best_x = obj, solved.x

    # -- step 2: over the levels ----------------------------------------------------------

    def search(self) -> None:
        """A grid over [t_lo, t_hi], then splits of the interval with the largest bound."""
        lam, levels = self.lam, self.levels
        grid = [self.t_lo]
        if lam != 0:
            grid = list(np.linspace(self.t_lo, self.t_hi, self.grid_points))
        for t in grid:
            if time.perf_counter() > self.deadline:
                break
            nearest = min(levels.values(), key=lambda lv: abs(lv.t - t), default=None)
            m_start = self.lag.coords(nearest.prices) if nearest and nearest.prices else self.m0
            self.allocate(self.evaluate_level(float(t), m_start))
        self.bound, where = self.bound_now() if levels else (math.inf, None)
        self.note()
        history = [self.bound - self.best_obj]  # the gap, absolute
        while where is not None and time.perf_counter() < self.deadline:
            if self._done(history):
                break
            left, right = where
            if not levels[left].tried:
                self.allocate(levels[left])
                continue
            if right - left <= 1e-7 or lam == 0:
                break
            prices = levels[left].prices
            m_start = self.lag.coords(prices) if prices is not None else self.m0
            self.allocate(self.evaluate_level(0.5 * (left + right), m_start))
            self.bound, where = self.bound_now()
            history.append(self.bound - self.best_obj)
            self.note()

    def _done(self, history: list[float]) -> bool:
        """Past the tolerance (to a fiftieth of it: splits are cheap, and the allocation
        found on the way is then closer to the best one), or the gap stopped closing."""
        if self.bound - self.best_obj <= SEARCH_PAST * self.tol * abs(self.bound):
            return True
        stall = self.stall
        # the gap has stopped closing: leave the rest to the MILP (step 4)
        return len(history) > stall and history[-stall - 1] - history[-1] < 0.05 * history[-1]

    # -- steps 3-4 on the best allocation -------------------------------------------------

    def polish(self) -> None:
        """The continuous programs and z by LP with the integer units fixed (step 3)."""
        if self.best_x is None:
            return
        polished = _polish(self.model, self.data, self.best_x, self.deadline)
        if polished is not None:
            obj = self.objective(polished)
            if obj >= self.best_obj - 1e-12:
                self.best_obj, self.best_x = obj, polished
        self.note()

    def finish(self, timings: dict[str, float]) -> bool:
        """If not proven yet and time remains: the MILP from the allocation (step 4).

        At thousands of districts the MILP neither improves in the time it gets nor stops
        on time (docs/benchmarks.md), so it is skipped there. True when the MILP proved
        the model infeasible.
        """
        data, model = self.data, self.model
        remaining = self.deadline - time.perf_counter()
        unproven = self.best_x is None or self.bound - self.best_obj > self.tol * abs(self.bound)
        too_big = (
            len(data.arrays.districts) >= MILP_FINISH_MAX_DISTRICTS and self.best_x is not None
        )
        timings["milp_improved"] = 0.0
        if not (unproven and remaining > 0.2 and not too_big):
            return False
        t_m = time.perf_counter()
        start = _start(model, data, self.best_x) if self.best_x is not None else None
        outcome = model.solve(data.solver, time_limit_s=remaining, gap=data.gap, start=start)
        timings["milp_s"] = time.perf_counter() - t_m
        if outcome.bound is not None:
            self.bound = min(self.bound, outcome.bound / model.scale)
        if outcome.has_solution:
            x = model.x_matrix()
            obj = self.objective(x)
            if obj > self.best_obj:
                self.best_obj, self.best_x = obj, x
                timings["milp_improved"] = 1.0
        self.note()
        return outcome.status == "infeasible"


def solve_structured(
    data: ProblemData,
    built: Built,
    build_s: float,
    t0: float,
    *,
    finish_with_milp: bool = True,
) -> Result:
    """Solve an integer model with the structured method; a Result with a proven bound.

    ``built`` is the model and its kept tables (``Built``): the per-district tables are
    made on the first structured solve of a model and reused by later ones.
    ``finish_with_milp=False`` skips step 4, so that tests can check the structured
    bound on its own.
    """
    start = time.perf_counter()
    timings: dict[str, float] = {"build_s": build_s}
    run = _Search(data, built, t0, start + data.time_limit_s, timings)
    t_search = time.perf_counter()
    run.t_hi = max_level(run.lag, run.t_lo)
    if run.t_hi < 0:
        timings["total_s"] = time.perf_counter() - t0
        return empty_result(data, "infeasible", "structured", data.solver, timings, diagnose(data))
    run.search()
    timings["search_s"] = time.perf_counter() - t_search
    marginal = budget_multiplier(run.levels, run.lam, run.t_hi)
    timings["lagrangian_evaluations"] = float(run.lag.evaluations)
    if run.best_x is not None:
        t_pol = time.perf_counter()
        run.polish()
        timings["polish_s"] = time.perf_counter() - t_pol
    infeasible = run.finish(timings) if finish_with_milp else False
    if run.best_x is None:
        timings["total_s"] = time.perf_counter() - t0
        return _no_allocation(data, run.bound, infeasible, timings)
    timings["solve_s"] = time.perf_counter() - start
    return _result(data, run, marginal, timings, t0)


def _no_allocation(
    data: ProblemData, bound: float, infeasible: bool, timings: dict[str, float]
) -> Result:
    """No allocation found: infeasible as the MILP proved (with its diagnosis, like the
    plain method), or none in the time allowed (with the bound, if any)."""
    if infeasible:
        return empty_result(data, "infeasible", "structured", data.solver, timings, diagnose(data))
    finite = None if not math.isfinite(bound) else bound
    return empty_result(data, "no_solution", "structured", data.solver, timings, None, finite)


def _result(
    data: ProblemData, run: _Search, marginal: float | None, timings: dict, t0: float
) -> Result:
    """The best allocation with its proven bound; 'optimal' only within the gap asked."""
    bound, best_obj = run.bound, run.best_obj
    precision = solver_precision(run.model.scale)
    if bound < best_obj:
        # only rounding (or the MILP's precision) can put a proven bound below a found
        # allocation; anything more would be a fault, and then no bound is claimed at all
        near = best_obj - bound <= 1e-9 * abs(best_obj) + precision
        bound = best_obj if near else math.inf
    status = "optimal" if math.isfinite(bound) else "feasible"  # judged below
    timings.setdefault("milp_improved", 0.0)
    t_e = time.perf_counter()
    result = evaluate(
        data,
        run.best_x,
        status=status,
        method="structured",
        solver=data.solver,
        bound=bound if math.isfinite(bound) else None,
        budget_marginal_value=marginal,
        timings=timings,
        budget_marginal_basis="lagrangian",
    )
    result = replace(honest_status(result, data.gap, precision), trace=tuple(run.trace))
    timings["evaluate_s"] = time.perf_counter() - t_e
    timings["total_s"] = time.perf_counter() - t0
    return result


def _polish(
    model: AllocationModel, data: ProblemData, x: np.ndarray, deadline: float
) -> np.ndarray | None:
    """The best continuous units (and z) with the integer units fixed at x, by LP."""
    arr = data.arrays
    saved = []
    flat = x.reshape(-1)
    n_p = len(arr.programs)
    for k, var in enumerate(model.x_list):
        if arr.integer[k % n_p]:
            saved.append((var, var.lowBound, var.upBound))
            var.lowBound = var.upBound = float(flat[k])
    try:
        remaining = max(deadline - time.perf_counter(), 1.0)
        outcome = model.solve(data.solver, time_limit_s=remaining, gap=data.gap, mip=False)
        if outcome.status != "optimal":
            return None
        polished = model.x_matrix()
    finally:
        for var, lo, up in saved:
            var.lowBound, var.upBound = lo, up
    polished[:, arr.integer] = x[:, arr.integer]
    return polished


def _start(model: AllocationModel, data: ProblemData, x: np.ndarray) -> dict[str, float]:
    """A full MIP start (x, c, z by variable name) from an allocation."""
    g = coverage(data, x)
    values = {var.name: float(v) for var, v in zip(model.x_list, x.reshape(-1), strict=True)}
    flat_g = g.reshape(-1)
    for k, var in zip(model.need_index.tolist(), model.c_list, strict=True):
        values[var.name] = float(flat_g[k])
    values[model.z.name] = float(plan_figures(data.arrays, x, data.equity_weight).equity)
    return values
