"""One built model, many solves: what makes an analysis of tens of solves affordable.

Every solve that produces an allocation goes through :meth:`Sweep.solve`, which calls the
engine (:func:`govdecide.model.engine.solve_data`) with a model the sweep keeps: one model is
built per scenario (and program weights, integrality and equity rule) and later solves
only change the budget, staff, equity weight or the equity floor in place. So the solve
method the caller chose (``Settings.method``) is the engine's business, in one place.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import replace

import pulp

from govdecide.analyses.equity_rules import EquityRule, add_row, weighted_coverage
from govdecide.io.scenario import Scenario
from govdecide.model.built import Built
from govdecide.model.engine import ModelCache, solve_data
from govdecide.model.formulation import AllocationModel
from govdecide.model.problem import ProblemData, problem_data
from govdecide.model.result import Result
from govdecide.model.settings import Settings

EFFICIENCY_FLOOR = "efficiency_floor"


class Sweep:
    """Solves one scenario many times, reusing the built model between solves.

    The model is rebuilt only when what shapes it changes (program weights, integrality,
    the equity rule); budget, staff, equity weight and the equity floor z >= epsilon (a
    bound on z) are set in place. ``builds`` counts the models built, so a test can check
    the reuse. A solve with an efficiency floor E >= e needs one more row, which the
    engine's structured method cannot take, so it goes to a second model kept for such
    solves (``aux_builds`` counts those). A lock makes one sweep safe to share between
    threads.
    """

    def __init__(self, scenario: Scenario, rule: EquityRule | None = None) -> None:
        self.scenario = scenario
        self.rule = rule or EquityRule()
        self.builds = 0
        self.aux_builds = 0
        self._cache = ModelCache(self._build)
        self._lock = threading.Lock()
        self._data: tuple[str, ProblemData] | None = None
        self._weights: dict[int, float] = {}  # equity weight each kept model last solved at

    @property
    def models_built(self) -> int:
        """All models this sweep built (main and efficiency-floor ones)."""
        return self.builds + self.aux_builds

    @property
    def last_reused(self) -> bool:
        """Whether the last solve reused a model built before."""
        return self._cache.last_reused

    def _build(self, data: ProblemData, efficiency_row: Hashable) -> AllocationModel:
        """A new model with the equity rule and, if asked, the efficiency-floor row."""
        model = AllocationModel(data)
        if efficiency_row:
            expr = weighted_coverage(model, model.with_need)  # E over every pair with need
            row = pulp.LpConstraint(expr, pulp.LpConstraintGE, None, 0.0)
            add_row(model, row, EFFICIENCY_FLOOR)
            self.aux_builds += 1
        else:
            self.builds += 1
        self.rule.apply(model)
        return model

    def solve_data(
        self,
        data: ProblemData,
        floor: float | None = None,
        efficiency_floor: float | None = None,
        fresh: bool = False,
    ) -> Result:
        """Solve prepared data with z >= ``floor`` and E >= ``efficiency_floor`` if given.

        ``fresh`` builds a new model for data whose need differs (robustness): need enters
        the model's coefficients, which only a new model can change. Rows the engine's
        structured method does not know (an efficiency floor, an equity rule) make this
        solve use the plain MILP, so that they are never silently ignored.
        """
        if efficiency_floor is not None or self.rule.kind != "maxmin":
            data = replace(data, method="milp")
        efficiency_row = efficiency_floor is not None

        def model_for(d: ProblemData) -> tuple[Built, float]:
            """The kept (or fresh) model with this solve's floors on z and E set."""
            built, build_s = self._cache.built_for(d, efficiency_row, fresh)
            if not fresh:
                self._same_answer_whatever_came_before(built, d.equity_weight)
            built.model.set_equity_floor(floor)
            if efficiency_row:
                built.model.constraints[EFFICIENCY_FLOOR].changeRHS(efficiency_floor)
            return built, build_s

        with self._lock:
            return solve_data(data, model_for)

    def _same_answer_whatever_came_before(self, built: Built, weight: float) -> None:
        """Forget HiGHS's kept copy of a model whose equity weight changes.

        A kept copy re-solved under new objective costs gives figures that differ in their
        last bits from a new copy's (a budget dual by one unit in the last place), while
        new bounds or right-hand sides (budget, floors) leave no such trace. A new copy
        for a new weight makes every answer independent of the solves before it, so that
        an analysis split between worker processes gives the serial run's figures
        exactly; the model itself is kept (only the array hand-over is repeated).
        """
        key = id(built)
        if self._weights.get(key, weight) != weight:
            built.model.handover.copy = None
        self._weights[key] = weight

    def data(self, settings: Settings | None = None) -> ProblemData:
        """The scenario's data under ``settings``, kept for the settings asked last.

        Robustness perturbs the same data run after run, on every worker of a parallel
        analysis; preparing it once per sweep spares a pass over the scenario per run.
        """
        key = (settings or Settings()).key()
        kept = self._data
        if kept is None or kept[0] != key:
            kept = (key, problem_data(self.scenario, settings))
            self._data = kept
        return kept[1]

    def solve(
        self,
        settings: Settings | None = None,
        floor: float | None = None,
        efficiency_floor: float | None = None,
    ) -> Result:
        """Solve under ``settings``, optionally with floors on z and on E."""
        data = problem_data(self.scenario, settings)
        return self.solve_data(data, floor, efficiency_floor)
