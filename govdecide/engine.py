"""The public entry point: solve a scenario under some settings and return a Result.

``solve(scenario, settings)`` is all most callers need. ``Allocator`` keeps one built model
per scenario and program weights, so that a slider move (budget, staff, equity weight)
changes the model in place instead of rebuilding it; the app and the sweeps use it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from govdecide import solvers
from govdecide.data import ProblemData, Settings, problem_data
from govdecide.diagnosis import diagnose
from govdecide.model import AllocationModel
from govdecide.result import Result, empty_result, evaluate
from govdecide.scenario import Scenario


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
        with self._lock:
            return solve_data(data, self._model_for, t0)


def solve_data(data: ProblemData, model_for, t0: float | None = None) -> Result:
    """Solve prepared data with a model from ``model_for`` (fresh or reused)."""
    t0 = time.perf_counter() if t0 is None else t0
    model, build_s = model_for(data)
    mip = bool(data.programs["integer"].any())
    outcome = solvers.run(model.prob, data.solver, time_limit_s=data.time_limit_s, gap=data.gap)
    timings = {"build_s": build_s, "solve_s": outcome.solve_s}
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
    values = model.values()
    if mip:
        # the marginal value of budget is the dual of the LP relaxation (integers relaxed)
        relaxed = solvers.run(
            model.prob, data.solver, time_limit_s=data.time_limit_s, gap=data.gap, mip=False
        )
        timings["relaxation_s"] = relaxed.solve_s
        dual = model.budget_dual() if relaxed.status == "optimal" else None
    else:
        dual = model.budget_dual()
    bound = None if outcome.bound is None else outcome.bound / model.scale
    result_status = outcome.status
    t_e = time.perf_counter()
    result = evaluate(
        data,
        values.x,
        status=result_status,
        method=method,
        solver=data.solver,
        bound=bound,
        budget_marginal_value=dual,
        timings=timings,
    )
    timings["evaluate_s"] = time.perf_counter() - t_e
    if (
        result.status == "optimal"
        and result.gap is not None
        and result.gap > max(data.gap, 1e-6) * 1.01
    ):
        # the solver's own tolerance differs from ours: say what was proven
        result = _with_status(result, "feasible")
    timings["total_s"] = time.perf_counter() - t0
    return result


def _with_status(result: Result, status: str) -> Result:
    from dataclasses import replace

    return replace(result, status=status)


def solve(scenario: Scenario, settings: Settings | None = None) -> Result:
    """Solve a scenario once (the one public entry point for a single answer)."""
    return Allocator(scenario).solve(settings)
