"""The public entry point: solve a scenario under some settings and return a Result.

``solve(scenario, settings)`` is all most callers need. ``Allocator`` keeps one built model
per scenario and program weights, so that a slider move (budget, staff, equity weight)
changes the model in place instead of rebuilding it; the app and the sweeps use it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

from govdecide.io.scenario import Scenario
from govdecide.model.built import Built
from govdecide.model.decomposition.choice import choose
from govdecide.model.decomposition.search import solve_structured
from govdecide.model.diagnosis import diagnose
from govdecide.model.formulation import AllocationModel
from govdecide.model.problem import ProblemData, problem_data
from govdecide.model.result import Result, empty_result, evaluate
from govdecide.model.settings import Settings
from govdecide.model.status import honest_status, solver_precision

ModelBuilder = Callable[[ProblemData, Hashable], AllocationModel]


def shape_key(data: ProblemData) -> tuple[tuple[float, ...], tuple[bool, ...]]:
    """What shapes a model's coefficients: program weights and integrality.

    Budget, staff and equity weight are set in place (``AllocationModel.set_policy``);
    need enters the coefficients too, which is why data with other need (robustness)
    asks for a fresh model instead.
    """
    return (
        tuple(data.programs["weight"].tolist()),
        tuple(data.programs["integer"].tolist()),
    )


def _plain_build(data: ProblemData, variant: Hashable) -> AllocationModel:
    """MODEL.md's model, nothing added (the default builder; ``variant`` unused)."""
    return AllocationModel(data)


class ModelCache:
    """Built models by what shapes them, with the policy of the data asked for set in place.

    One cache serves the app's allocator and the analyses' sweeps: a model is built once per
    program weights, integrality and ``variant`` (a caller's own kind of model, e.g. one with
    an extra row), and every later request only changes budget, staff and equity weight.
    Not thread-safe on its own: its owners hold a lock around a solve.
    """

    def __init__(self, build: ModelBuilder = _plain_build) -> None:
        self._build = build
        self._built: dict[tuple, Built] = {}
        self.builds = 0
        self.last_reused = False

    def built_for(
        self, data: ProblemData, variant: Hashable = None, fresh: bool = False
    ) -> tuple[Built, float]:
        """The model for ``data`` (policy set) and the seconds spent building it.

        ``fresh`` builds a model that is not kept (data whose need differs).
        """
        start = time.perf_counter()
        key = (shape_key(data), variant)
        built = None if fresh else self._built.get(key)
        self.last_reused = built is not None
        if built is None:
            built = Built(self._build(data, variant))
            self.builds += 1
            if not fresh:
                self._built[key] = built
        built.model.set_policy(data.budget, data.staff, data.equity_weight)
        built.model.data = data
        return built, time.perf_counter() - start


class Allocator:
    """Solves one scenario repeatedly, reusing the built model across settings.

    The model is rebuilt only when what shapes it changes: program weights or
    integrality. Budget, staff and equity weight are updated in place. A lock makes one
    allocator safe to share between the threads of a server.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._cache = ModelCache()
        self._lock = threading.Lock()

    @property
    def builds(self) -> int:
        """How many models this allocator has built."""
        return self._cache.builds

    @property
    def last_reused(self) -> bool:
        """Whether the last solve reused a model built before (a slider move)."""
        return self._cache.last_reused

    def solve(self, settings: Settings | None = None) -> Result:
        """Solve under ``settings``; infeasible is a status, bad settings raise ScenarioError."""
        t0 = time.perf_counter()
        data = problem_data(self.scenario, settings)
        data_s = time.perf_counter() - t0
        with self._lock:
            result = solve_data(data, self._cache.built_for, t0)
        result.timings["data_s"] = data_s
        return result


def fresh_model(data: ProblemData) -> tuple[Built, float]:
    """A newly built model for ``data`` and its build time (``solve_data``'s default)."""
    start = time.perf_counter()
    return Built(AllocationModel(data)), time.perf_counter() - start


def solve_data(
    data: ProblemData,
    model_for: Callable[[ProblemData], tuple[Built, float]] = fresh_model,
    t0: float | None = None,
) -> Result:
    """Solve prepared data with a model from ``model_for`` (fresh or reused).

    The method follows ``data.method``: "milp" (or "lp" when nothing is integer) solves
    the model as it is; "structured" uses ``govdecide.model.decomposition.search``; "auto" picks the
    structured method for integer models with an equity weight where the plain MILP is
    known to be slow (see ``decomposition.choice.choose``).
    """
    t0 = time.perf_counter() if t0 is None else t0
    built, build_s = model_for(data)
    model = built.model
    method = choose(data, model)
    if method == "structured" or data.solver != "highs":
        # only the plain HiGHS solve makes a new model's PuLP objects while it runs
        # (AllocationModel.solve); otherwise they are made here and count as building
        start = time.perf_counter()
        model.materialize()
        build_s += time.perf_counter() - start
    if method == "structured":
        return solve_structured(data, built, build_s, t0)
    return solve_plain(data, model, build_s, t0)


def solve_plain(data: ProblemData, model: AllocationModel, build_s: float, t0: float) -> Result:
    """The model as it is, by the chosen solver: LP, or MILP with the solver's own search."""
    mip = bool(data.arrays.integer.any())
    outcome = model.solve(data.solver, time_limit_s=data.time_limit_s, gap=data.gap)
    timings = {
        "build_s": build_s,
        "solve_s": outcome.solver_s if outcome.solver_s is not None else outcome.solve_s,
        "adapter_s": outcome.solve_s - (outcome.solver_s or outcome.solve_s),
    }
    timings["solver_reused"] = float(outcome.reused)  # a slider move kept HiGHS's copy
    if outcome.overlap_s is not None:
        # PuLP made the model's objects while the solver ran (AllocationModel.solve)
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
    result = honest_status(result, data.gap, solver_precision(model.scale))
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
    relaxed = model.solve(data.solver, time_limit_s=data.time_limit_s, gap=data.gap, mip=False)
    spent = relaxed.solver_s if relaxed.solver_s is not None else relaxed.solve_s
    return (model.budget_dual() if relaxed.status == "optimal" else None), spent


def solve(scenario: Scenario, settings: Settings | None = None) -> Result:
    """Solve a scenario once (the one public entry point for a single answer)."""
    return Allocator(scenario).solve(settings)
