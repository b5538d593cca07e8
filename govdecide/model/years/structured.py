"""The structured method for plans with whole units: a proven bound, then fix year by year.

Why. The plan's MILP is the single-year one T times over, linked through the units in
service and the running costs; a generic branch and bound sees one large model and, from
a few hundred districts up, neither finds a good plan nor moves its bound in the time a
person waits (docs: README, "Plans over several years"). The structure it does not use:

1. The bound. The LP relaxation of the plan, with each year's integer-hull rows (the
   single-year model's own step, on the units in service that year), is a proven upper
   bound; the hull rows make each pair's coverage staircase exact in the relaxation, so
   what is left of the LP's gap is the rounding of units across districts and years.
2. The plans: relax and fix over the years. Years are linked only forward (units
   commissioned in year t stay, and cost running costs later), so whole units can be
   fixed one year at a time, earliest first: round year t's units from the LP (down,
   then up again where year t's budget and staff leave room, largest fractions first),
   fix them, and solve the LP of the remaining years again from the last basis (a few
   dual simplex steps). After the last year, the continuous programs and every z_t are
   the LP's best with all whole units fixed: a feasible plan. Above
   RELAX_AND_FIX_MAX_COLUMNS the re-solves cost too much: one rounding pass over the
   years (``years.rounding``) and one LP with the whole units fixed.
3. If the gap is still open and time remains: on plans of up to MILP_FINISH_MAX_COLUMNS
   columns the plain MILP is run; on larger ones the plan and the bound by years
   (``years.by_year``). Their bound is kept when lower, their plan when better.

Plans of many districts skip the plan's LP altogether (:func:`solve_plan_by_years`, chosen
by ``years.engine``). The result says "optimal" only when (bound - objective) / bound is
within the gap asked; else it is "feasible" with the proven gap.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from govdecide.model.solvers.common import MatrixForm
from govdecide.model.solvers.handover import load
from govdecide.model.status import ABS_TOL, solver_precision
from govdecide.model.years.by_year import bound_by_years, plan_by_years
from govdecide.model.years.data import PlanData
from govdecide.model.years.diagnosis import diagnose_plan
from govdecide.model.years.formulation import PlanModel
from govdecide.model.years.highs_run import run_form
from govdecide.model.years.result import PlanResult, empty_plan, evaluate_plan, plan_objective
from govdecide.model.years.rounding import round_plan, round_year, violations

# Step 3 only below this many columns: above it the MILP neither improves the plan nor
# its bound in the time it gets (measured on the 300- and 3,000-district regions, README).
MILP_FINISH_MAX_COLUMNS = 20_000
# relax and fix (one warm LP re-solve a year) up to this many columns; above, one
# rounding pass and one LP (README, "Plans over several years": at 3,000 districts the
# re-solves alone took longer than the target)
RELAX_AND_FIX_MAX_COLUMNS = 60_000
SEARCH_PAST = 0.5  # step 3 is skipped once the gap is within this share of the one asked
FINISH_OPTIONS = {"mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False}


class _LP:
    """The plan's LP relaxation, kept in one HiGHS model so that re-solves are warm."""

    def __init__(self, form: MatrixForm) -> None:
        from govdecide.model.solvers.highs import silence_highs_banner

        silence_highs_banner()
        self.h = load(form)
        for key, value in (("threads", 1), ("random_seed", 0), ("mip_rel_gap", 0.0)):
            self.h.setOptionValue(key, value)

    def solve(self, deadline: float) -> np.ndarray | None:
        """The LP's optimal column values, or None (infeasible, or out of time)."""
        import highspy

        h = self.h
        # an LP's time limit counts the model's whole run clock (solvers.highs)
        h.setOptionValue("time_limit", h.getRunTime() + max(deadline - time.perf_counter(), 0.01))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return np.asarray(h.getSolution().col_value, dtype=float)

    @property
    def objective(self) -> float:
        """The last optimal run's objective (the model's scale)."""
        return float(self.h.getInfo().objective_function_value)

    def fix(self, cols: np.ndarray, values: np.ndarray) -> None:
        """Fix columns at values (both bounds)."""
        self.h.changeColsBounds(cols.size, cols.astype(np.int32), values, values)


def _relax_and_fix(
    data: PlanData, model: PlanModel, lp: _LP, values: np.ndarray, deadline: float
) -> np.ndarray | None:
    """Fix each year's whole units in turn and re-solve the LP (step 2); the final LP's
    column values, or None when a year could not be fixed in time or feasibly."""
    arr = data.first.arrays
    shape = arr.need.shape
    ints_flat = np.tile(arr.integer, len(arr.districts))
    before = np.zeros(shape)
    for t in range(data.years):
        cols = model.x_cols(t)
        x_lp = values[cols].reshape(shape)
        prev = values[model.x_cols(t - 1)].reshape(shape) if t else np.zeros(shape)
        conts = ~arr.integer
        moved = (x_lp - prev) * arr.cost[None, :] + prev * data.running[None, :]
        spend_cont = float(moved[:, conts].sum())
        chosen = round_year(data, t, x_lp, before, spend_cont)
        fixed = chosen.reshape(-1)[ints_flat]
        lp.fix(cols[ints_flat], fixed)
        solved = lp.solve(deadline)
        if solved is None:
            # the rounding up left a later year short: keep only the rounding down
            down = np.maximum(np.where(arr.integer[None, :], np.floor(x_lp + 1e-6), x_lp), before)
            chosen = down
            lp.fix(cols[ints_flat], down.reshape(-1)[ints_flat])
            solved = lp.solve(deadline)
            if solved is None:
                return None
        values = solved
        before = np.where(arr.integer[None, :], chosen, 0.0)
    return values


def solve_structured_plan(
    data: PlanData, model: PlanModel, build_s: float, t0: float
) -> PlanResult:
    """Solve a plan with whole units by the structured method (module doc)."""
    first = data.first
    deadline = t0 + first.time_limit_s
    timings: dict[str, float] = {"build_s": build_s}
    form = model.matrix_form()
    t_lp = time.perf_counter()
    lp = _LP(form)
    values = lp.solve(deadline)
    timings["lp_s"] = time.perf_counter() - t_lp
    if values is None:
        return _no_lp(data, lp, timings, t0)
    bound = lp.objective / model.scale
    t_fix = time.perf_counter()
    units = _plan(data, model, lp, values, deadline, timings)
    timings["fix_s"] = time.perf_counter() - t_fix
    best = -math.inf if units is None else plan_objective(data, units)
    run = _finish(data, model, form, units, best, bound, deadline, timings)
    if run is None:
        run = _by_years_too(data, form, best, bound, deadline, timings)
    if run is not None:
        bound = min(bound, run[1])
        if run[0] is not None and not violations(data, run[0]):
            if plan_objective(data, run[0]) > best:
                units = run[0]
    if units is None:
        timings["total_s"] = time.perf_counter() - t0
        return empty_plan(data, "no_solution", "structured", timings, None, bound)
    result = evaluate_plan(
        data, units, status="optimal", method="structured", bound=bound, timings=timings,
        precision=solver_precision(model.scale),
    )  # fmt: skip
    timings["total_s"] = time.perf_counter() - t0
    return result


def _plan(
    data: PlanData,
    model: PlanModel,
    lp: _LP,
    values: np.ndarray,
    deadline: float,
    timings: dict[str, float],
) -> np.ndarray | None:
    """A feasible plan from the LP (step 2): relax and fix up to RELAX_AND_FIX_MAX_COLUMNS,
    else the LP rounded year by year in one pass and, time allowing, its continuous
    programs and z by one LP with the whole units fixed. None when no plan was found."""
    if model.n_columns <= RELAX_AND_FIX_MAX_COLUMNS:
        fixed = _relax_and_fix(data, model, lp, values, deadline)
        units = None if fixed is None else model.units(fixed)
    else:
        units = round_plan(data, model.units(values, rounded=False))
        if not violations(data, units):
            timings["rounded_objective"] = plan_objective(data, units)
            polished = _polish(data, model, lp, units, deadline)
            if polished is not None and plan_objective(data, polished) >= plan_objective(
                data, units
            ):
                units = polished
    if units is None or violations(data, units):
        return None
    return units


def _polish(
    data: PlanData, model: PlanModel, lp: _LP, units: np.ndarray, deadline: float
) -> np.ndarray | None:
    """The continuous programs and z by LP with every year's whole units fixed at ``units``."""
    arr = data.first.arrays
    ints_flat = np.tile(arr.integer, len(arr.districts))
    for t in range(data.years):
        lp.fix(model.x_cols(t)[ints_flat], units[t].reshape(-1)[ints_flat])
    solved = lp.solve(deadline)
    return None if solved is None else model.units(solved)


def _by_years_too(
    data: PlanData,
    form: MatrixForm,
    best: float,
    bound: float,
    deadline: float,
    timings: dict[str, float],
) -> tuple[np.ndarray | None, float] | None:
    """Step 3 of a plan too large for the MILP: when the gap is still open, the plan and
    the bound by years (``years.by_year``) in the time left; (their plan, the smaller of
    the bounds) or None. On the 300-district region the bound by years was below the LP's
    and its plan better (README, "Plans over several years")."""
    gap = data.first.gap
    remaining = deadline - time.perf_counter()
    if form.lower.size <= MILP_FINISH_MAX_COLUMNS or remaining < 1.0:
        return None
    if bound - best <= SEARCH_PAST * gap * abs(bound):
        return None
    t_y = time.perf_counter()
    units, _ = plan_by_years(data, deadline, gap, 2 * data.years)
    by_years = bound_by_years(data, deadline, gap, data.years)
    timings["by_years_s"] = time.perf_counter() - t_y
    return units, bound if by_years is None else min(bound, by_years)


def _no_lp(data: PlanData, lp: _LP, timings: dict[str, float], t0: float) -> PlanResult:
    """No LP optimum: the plan is infeasible (the relaxation is, so the plan is: proven),
    or the LP did not finish in time."""
    import highspy

    status = lp.h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        t_d = time.perf_counter()
        diagnosis = diagnose_plan(data)
        timings["diagnosis_s"] = time.perf_counter() - t_d
        timings["total_s"] = time.perf_counter() - t0
        return empty_plan(data, "infeasible", "structured", timings, diagnosis)
    timings["total_s"] = time.perf_counter() - t0
    return empty_plan(data, "no_solution", "structured", timings)


def _finish(
    data: PlanData,
    model: PlanModel,
    form: MatrixForm,
    units: np.ndarray | None,
    best: float,
    bound: float,
    deadline: float,
    timings: dict[str, float],
) -> tuple[np.ndarray | None, float] | None:
    """Step 3: the MILP from the plan found, when the gap is open, time remains and the
    plan is small enough (MILP_FINISH_MAX_COLUMNS). (units if better, its bound) or None."""
    gap = data.first.gap
    open_gap = units is None or bound - best > SEARCH_PAST * gap * abs(bound)
    remaining = deadline - time.perf_counter()
    if not open_gap or remaining < 0.2 or form.lower.size > MILP_FINISH_MAX_COLUMNS:
        return None
    # the plan in hand is the primal side, so HiGHS spends its time on the bound: no
    # RINS/RENS sub-MIPs (Riverton's plan: 0.79-0.89 s against 1.10-1.17 s with them),
    # and no MIP start (with one it took longer: 1.38-1.63 s); the better plan is kept
    t_m = time.perf_counter()
    run = run_form(form, time_limit_s=remaining, gap=gap, options=FINISH_OPTIONS)
    timings["milp_s"] = time.perf_counter() - t_m
    found: Any = None
    if run.values is not None:
        candidate = model.units(run.values)
        if plan_objective(data, candidate) > best:
            found = candidate
    run_bound = math.inf if run.bound is None else run.bound / model.scale
    return found, run_bound


def solve_plan_by_years(data: PlanData, t0: float) -> PlanResult:
    """A large plan by single-year solves (``years.by_year``): the plan year by year,
    then the bound by years; "optimal" only within the gap asked, as everywhere."""
    first = data.first
    deadline = t0 + first.time_limit_s
    timings: dict[str, float] = {}
    t_p = time.perf_counter()
    units, how = plan_by_years(data, deadline, first.gap, 2 * data.years)
    timings["plan_s"] = time.perf_counter() - t_p
    t_b = time.perf_counter()
    bound = bound_by_years(data, deadline, first.gap, data.years)
    timings["bound_s"] = time.perf_counter() - t_b
    if units is None or violations(data, units):
        timings["total_s"] = time.perf_counter() - t0
        # a year with no allocation given the earlier years proves nothing about the plan
        return empty_plan(data, "no_solution", "structured", timings, None, bound)
    result = evaluate_plan(
        data, units, status="optimal", method="structured", bound=bound, timings=timings,
        precision=ABS_TOL,
    )  # fmt: skip
    timings["total_s"] = time.perf_counter() - t0
    return result
