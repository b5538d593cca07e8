"""Plans of a room: each participant's own, the room's, and how close one comes to another.

:class:`RoomSolver` solves one scenario for many parameter sets with the engine
(:func:`govdecide.model.engine.solve_data`) on models kept in a
:class:`~govdecide.model.engine.ModelCache`: a model is built once per weight vector, and a
participant who moves only the equity weight or the lowest coverage reuses it (the floor
is z's lower bound, set in place). Each distinct parameter set is solved once: results
are kept by :meth:`PlanParams.key`, so a room of 200 where many gave the same answer, or a
page that reruns every few seconds, solves nothing again.

**Satisfaction.** A participant's satisfaction with a plan is the value of that plan under
their own priorities (their weights and equity weight: MODEL.md's objective
(1 - lambda_i) E_i + lambda_i z_i, E_i and z_i counted with their weights) as a share of the
value of their own plan, their optimum. It needs no solve beyond their own plan: the
room's allocation is evaluated under their weights (:func:`govdecide.model.coverage.plan_figures`).
It lies in [0, 1] up to the solver's gap. Above 1 it is reported as 1 (and the raw share
kept in ``raw``): that happens within the gap, or when the participant's own lowest
coverage held their own plan below what the room's plan gives them. A participant whose
own optimum is worth nothing (0) is fully satisfied by any plan; one whose own plan has
no solution (their lowest coverage cannot be reached) has no satisfaction (None).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from govdecide.io.scenario import Scenario
from govdecide.model.built import Built
from govdecide.model.coverage import plan_figures
from govdecide.model.engine import ModelCache, fresh_model, solve_data
from govdecide.model.problem import ProblemData, problem_data
from govdecide.model.result import Result, as_matrix
from govdecide.model.settings import Settings
from govdecide.rooms.combine import PlanParams

MAX_MODELS = 64  # kept models per room solver (a model per weight vector)
MAX_RESULTS = 1024  # kept results per room solver (a result per parameter set)


class RoomSolver:
    """Solves one scenario under many :class:`PlanParams`, each distinct set once.

    ``base`` holds what the room does not vary (budget, staff, solver, time limit). Safe
    to share between the threads of a server: the kept models take one solve at a time,
    and a solve that finds them busy builds a model of its own rather than wait.
    ``solves`` counts solves run (not answered from the kept results).
    """

    def __init__(self, scenario: Scenario, base: Settings | None = None) -> None:
        self.scenario = scenario
        self.base = base or Settings()
        self.solves = 0
        self._cache = ModelCache()
        self._results: OrderedDict[str, Result] = OrderedDict()
        self._data: OrderedDict[str, ProblemData] = OrderedDict()
        self._lock = threading.Lock()  # the kept results and data
        self._models = threading.Lock()  # the kept models: one solve at a time on them

    @property
    def builds(self) -> int:
        """Models built so far (fewer than solves when models were reused)."""
        return self._cache.builds

    def data(self, params: PlanParams) -> ProblemData:
        """The model's data under ``params`` (kept: evaluating plans needs it often)."""
        key = params.key()
        with self._lock:
            found = self._data.get(key)
        if found is not None:
            return found
        data = problem_data(self.scenario, params.settings(self.base))
        with self._lock:
            self._data[key] = data
            while len(self._data) > MAX_RESULTS:
                self._data.popitem(last=False)
        return data

    def kept(self, params: PlanParams) -> Result | None:
        """The result for ``params`` if it was solved before, else None (no solve)."""
        with self._lock:
            return self._results.get(params.key())

    def solve(self, params: PlanParams) -> Result:
        """The plan for ``params``; solved once per distinct parameter set.

        Bad parameters raise :class:`~govdecide.errors.ScenarioError`; an unreachable
        lowest coverage is the status ``infeasible`` with its diagnosis, not an error.
        Nobody waits for another's solve: while the kept models are busy, a solve runs on
        a model of its own (built for it and dropped after).
        """
        key = params.key()
        found = self.kept(params)
        if found is not None:
            return found
        data = self.data(params)
        if self._models.acquire(blocking=False):
            try:
                if self._cache.builds >= MAX_MODELS:
                    self._cache = ModelCache()  # drop the kept models, keep the results
                result = solve_data(data, self._model_for(params, self._cache.built_for))
            finally:
                self._models.release()
        else:
            result = solve_data(data, self._model_for(params, fresh_model))
        with self._lock:
            self.solves += 1
            self._results[key] = result
            while len(self._results) > MAX_RESULTS:
                self._results.popitem(last=False)
        return result

    @staticmethod
    def _model_for(
        params: PlanParams, built_for: Callable[[ProblemData], tuple[Built, float]]
    ) -> Callable[[ProblemData], tuple[Built, float]]:
        """A model for the engine, with this plan's lowest coverage set (z's lower bound)."""

        def model_for(d: ProblemData) -> tuple[Built, float]:
            built, seconds = built_for(d)
            built.model.set_equity_floor(params.floor or None)
            return built, seconds

        return model_for

    def value(self, params: PlanParams, plan: Result) -> float:
        """What ``plan``'s allocation is worth under ``params``' priorities (MODEL.md's
        objective with their weights and equity weight)."""
        data = self.data(params)
        x = _new_units(data, plan)
        return plan_figures(data.arrays, x, float(params.equity_weight)).objective


def _new_units(data: ProblemData, plan: Result) -> np.ndarray:
    """A result's new units as a (D, P) array in ``data``'s order."""
    frame = plan.allocation.set_index(["district", "program"])["new_units"]
    return as_matrix(data, frame.to_dict())


@dataclass(frozen=True)
class Satisfaction:
    """How close a plan comes to one participant's own: ``share`` in [0, 1] (None when
    their own plan has no solution), ``raw`` the share before it is capped at 1."""

    share: float | None
    raw: float | None
    own_value: float | None
    plan_value: float | None


def satisfaction(
    solver: RoomSolver, params: PlanParams, plan: Result, own: Result | None = None
) -> Satisfaction:
    """The satisfaction of the participant with ``params`` with ``plan`` (see the module
    docstring); ``own`` is their own plan (solved here when not given)."""
    if not plan.has_solution:
        return Satisfaction(None, None, None, None)
    own = own if own is not None else solver.solve(params)
    if not own.has_solution:
        return Satisfaction(None, None, None, solver.value(params, plan))
    own_value = solver.value(params, own)
    plan_value = solver.value(params, plan)
    if own_value <= 0:
        return Satisfaction(1.0, 1.0, own_value, plan_value)
    raw = plan_value / own_value
    return Satisfaction(min(1.0, max(0.0, raw)), raw, own_value, plan_value)


def satisfactions(
    solver: RoomSolver, everyone: Sequence[PlanParams], plan: Result
) -> list[Satisfaction]:
    """Each participant's satisfaction with ``plan``, in the order given."""
    return [satisfaction(solver, params, plan) for params in everyone]
