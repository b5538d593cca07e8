"""The public entry point: solve a scenario under some settings and return a Result.

``solve(scenario, settings)`` is all most callers need. ``Allocator`` keeps one built model
per scenario and program weights, so that a slider move (budget, staff, equity weight)
changes the model in place instead of rebuilding it; the app and the sweeps use it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from govdecide.io.scenario import Scenario
from govdecide.model import solvers
from govdecide.model.diagnosis import diagnose
from govdecide.model.formulation import AllocationModel
from govdecide.model.problem import ProblemData, Settings, problem_data
from govdecide.model.result import Result, empty_result, evaluate


@dataclass
class _Built:
    model: AllocationModel
    data: ProblemData


class Allocator:
    """Solves one scenario repeatedly, reusing the built model across settings.

    The model is rebuilt only when what shapes it changes: program weights or
    integrality. Budget, staff and equity weight are updated in place. A lock makes one
    allocator safe to share between the threads of a server.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._built: dict[tuple, _Built] = {}
        self._lock = threading.Lock()
        self.builds = 0

    def _model_for(self, data: ProblemData) -> tuple[AllocationModel, float]:
        """The built model for these data's weights and integrality, and the build time."""
        key = (
            tuple(data.programs["weight"].tolist()),
            tuple(data.programs["integer"].tolist()),
        )
        start = time.perf_counter()
        built = self._built.get(key)
        if built is None:
            built = _Built(AllocationModel(data), data)
            self._built[key] = built
            self.builds += 1
        built.model.set_policy(data.budget, data.staff, data.equity_weight)
        built.model.data = data
        return built.model, time.perf_counter() - start

    def solve(self, settings: Settings | None = None) -> Result:
        """Solve under ``settings``; infeasible is a status, bad settings raise ScenarioError."""
        t0 = time.perf_counter()
        data = problem_data(self.scenario, settings)
        data_s = time.perf_counter() - t0
        with self._lock:
            result = solve_data(data, self._model_for, t0)
        result.timings["data_s"] = data_s
        return result


def fresh_model(data: ProblemData) -> tuple[AllocationModel, float]:
    """A newly built model for ``data`` and its build time (``solve_data``'s default)."""
    start = time.perf_counter()
    return AllocationModel(data), time.perf_counter() - start


def solve_data(
    data: ProblemData,
    model_for: Callable[[ProblemData], tuple[AllocationModel, float]] = fresh_model,
    t0: float | None = None,
) -> Result:
    """Solve prepared data with a model from ``model_for`` (fresh or reused).

    The method follows ``data.method``: "milp" (or "lp" when nothing is integer) solves
    the model as it is; "structured" uses ``govdecide.model.decomposition.search``; "auto" picks the
    structured method for integer models with an equity weight where the plain MILP is
    known to be slow (see ``structured.choose``).
    """
    t0 = time.perf_counter() if t0 is None else t0
    model, build_s = model_for(data)
    from govdecide.model.decomposition import search as structured

    method = structured.choose(data, model)
    if method == "structured" or data.solver != "highs":
        # only the plain HiGHS solve makes a new model's PuLP objects while it runs
        # (solvers.run_model); otherwise they are made here and count as building
        start = time.perf_counter()
        model.materialize()
        build_s += time.perf_counter() - start
    if method == "structured":
        return structured.solve_structured(data, model, build_s, t0)
    return solve_plain(data, model, build_s, t0)


def solve_plain(data: ProblemData, model: AllocationModel, build_s: float, t0: float) -> Result:
    """The model as it is, by the chosen solver: LP, or MILP with the solver's own search."""
    mip = bool(data.arrays.integer.any())
    outcome = solvers.run_model(model, data.solver, time_limit_s=data.time_limit_s, gap=data.gap)
    timings = {
        "build_s": build_s,
        "solve_s": outcome.solver_s if outcome.solver_s is not None else outcome.solve_s,
        "adapter_s": outcome.solve_s - (outcome.solver_s or outcome.solve_s),
    }
    if outcome.overlap_s is not None:
        # PuLP made the model's objects while the solver ran (solvers.run_model)
        timings["overlap_build_s"] = outcome.overlap_s
    method = "milp" if mip else "lp"
    if not outcome.has_solution:
        diagnosis = None
        if outcome.status == "infeasible":
            t_d = time.perf_counter()
            diagnosis = diagnose(data)
            timings["diagnosis_s"] = time.perf_counter() - t_d
        timings["total_s"] = time.perf_counter() - t0
        bound = None if outcome.bound is None else outcome.bound / model.scale
        return empty_result(data, outcome.status, method, data.solver, timings, diagnosis, bound)
    x = model.x_matrix()
    dual, relax_s = budget_marginal(model, data, mip)
    if relax_s is not None:
        timings["relaxation_s"] = relax_s
    bound = None if outcome.bound is None else outcome.bound / model.scale
    t_e = time.perf_counter()
    result = evaluate(
        data,
        x,
        status=outcome.status,
        method=method,
        solver=data.solver,
        bound=bound,
        budget_marginal_value=dual,
        timings=timings,
    )
    timings["evaluate_s"] = time.perf_counter() - t_e
    result = honest_status(result, data.gap)
    timings["total_s"] = time.perf_counter() - t0
    return result


def budget_marginal(
    model: AllocationModel, data: ProblemData, mip: bool
) -> tuple[float | None, float | None]:
    """The marginal value of one budget unit: the budget dual of the LP relaxation.

    For an LP that is the model just solved; for a MILP the integers are relaxed and the
    LP solved again on the solver's kept copy (so it costs one LP, not a rebuild). The
    result says so in ``budget_marginal_basis`` ("lp_relaxation"). Call this after the
    solution's values have been read: the relaxation overwrites them.
    """
    if not mip:
        return model.budget_dual(), None
    relaxed = solvers.run(
        model.prob, data.solver, time_limit_s=data.time_limit_s, gap=data.gap, mip=False
    )
    spent = relaxed.solver_s if relaxed.solver_s is not None else relaxed.solve_s
    return (model.budget_dual() if relaxed.status == "optimal" else None), spent


# Objective values (E, z and their mix) lie in [0, 1]; solvers meet constraints only to
# ~1e-7, so an objective they report can exceed the allocation's own by ~1e-6. A gap
# within that much, in absolute terms, is the solvers' precision, not a shortfall.
ABS_TOL = 1e-6


def within_gap(gap: float | None, bound: float | None, requested: float) -> bool:
    """Whether a gap to a proven bound is within the requested relative gap (and precision)."""
    if gap is None or bound is None:
        return False
    return gap <= max(requested, 1e-9) * 1.01 + ABS_TOL / max(abs(bound), 1e-12)


def honest_status(result: Result, gap: float) -> Result:
    """'optimal' only when the gap to the proven bound is within the requested tolerance."""
    if result.status == "optimal" and not within_gap(result.gap, result.bound, gap):
        # the solver's own tolerance differs from ours: say what was proven
        return _with_status(result, "feasible")
    return result


def _with_status(result: Result, status: str) -> Result:
    from dataclasses import replace

    return replace(result, status=status)


def solve(scenario: Scenario, settings: Settings | None = None) -> Result:
    """Solve a scenario once (the one public entry point for a single answer)."""
    return Allocator(scenario).solve(settings)
