"""Solving a plan: the entry point, and the plain MILP beside the structured method.

``solve_plan(scenario, settings, plan)`` is all most callers need. A plan of one year is
the single-year model itself, solved by the single-year engine (its method choice and
structured method included), so it gives exactly the v1 optimum. A longer plan is solved
by the structured method (``years.structured``) when it has whole units, else by its LP,
which is then exact; ``method="milp"`` runs the plain MILP on the whole plan (the
benchmark's comparison).
"""

from __future__ import annotations

import time

from govdecide.io.scenario import Scenario
from govdecide.model.engine import solve_data
from govdecide.model.settings import Settings
from govdecide.model.status import solver_precision
from govdecide.model.years.data import PlanData, plan_data
from govdecide.model.years.diagnosis import diagnose_plan
from govdecide.model.years.formulation import PlanModel
from govdecide.model.years.highs_run import run_form
from govdecide.model.years.result import PlanResult, empty_plan, evaluate_plan, from_single
from govdecide.model.years.settings import PlanSettings
from govdecide.model.years.structured import solve_plan_by_years, solve_structured_plan

# From this many districts a plan is solved year by year with the single-year engine: the
# plan's own LP takes minutes there (README, "Plans over several years")
BY_YEARS_MIN_DISTRICTS = 1000


def solve_plan(
    scenario: Scenario, settings: Settings | None = None, plan: PlanSettings | None = None
) -> PlanResult:
    """Solve a scenario's plan over its years (bad settings raise ScenarioError)."""
    t0 = time.perf_counter()
    data = plan_data(scenario, settings, plan)
    data_s = time.perf_counter() - t0
    result = solve_plan_data(data, t0)
    result.timings["data_s"] = data_s
    return result


def choose_plan_method(data: PlanData) -> str:
    """'single' (one year), 'lp' (no whole units), 'milp', 'structured' (the plan's LP
    bound, then fixing whole units year by year) or 'by_years' (single-year solves, for
    BY_YEARS_MIN_DISTRICTS districts and more: ``years.by_year``)."""
    if data.years == 1:
        return "single"
    if not data.first.arrays.integer.any():
        return "lp"
    if data.first.method == "milp":
        return "milp"
    if len(data.first.arrays.districts) >= BY_YEARS_MIN_DISTRICTS:
        return "by_years"
    return "structured"


def solve_plan_data(data: PlanData, t0: float | None = None) -> PlanResult:
    """Solve prepared plan data by the method :func:`choose_plan_method` picks."""
    t0 = time.perf_counter() if t0 is None else t0
    method = choose_plan_method(data)
    if method == "single":
        return from_single(data, solve_data(data.years_data[0], t0=t0))
    if method == "by_years":
        return solve_plan_by_years(data, t0)
    t_b = time.perf_counter()
    model = PlanModel(data)
    build_s = time.perf_counter() - t_b
    if method == "structured":
        return solve_structured_plan(data, model, build_s, t0)
    return solve_plain_plan(data, model, build_s, t0, method)


def solve_plain_plan(
    data: PlanData, model: PlanModel, build_s: float, t0: float, method: str = "milp"
) -> PlanResult:
    """The whole plan by HiGHS's own branch and bound (or its LP when nothing is whole)."""
    first = data.first
    run = run_form(
        model.matrix_form(), time_limit_s=first.time_limit_s, gap=first.gap, mip=method == "milp"
    )
    timings = {"build_s": build_s, "solve_s": run.seconds}
    bound = None if run.bound is None else run.bound / model.scale
    if run.values is None:
        diagnosis = None
        if run.status == "infeasible":
            t_d = time.perf_counter()
            diagnosis = diagnose_plan(data)
            timings["diagnosis_s"] = time.perf_counter() - t_d
        timings["total_s"] = time.perf_counter() - t0
        return empty_plan(data, run.status, method, timings, diagnosis, bound)
    result = evaluate_plan(
        data, model.units(run.values), status=run.status, method=method, bound=bound,
        timings=timings, precision=solver_precision(model.scale),
    )  # fmt: skip
    timings["total_s"] = time.perf_counter() - t0
    return result
