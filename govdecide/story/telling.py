"""A story's steps solved: each step's result and what its fairness costs.

To say how much the price of fairness moved between two steps, each step needs its price:
what its allocation gives up against the most efficient allocation of the same settings
(equity weight 0, everything else the same). That is the analyses' own
:class:`~govdecide.analyses.frontier.PriceOfFairness` from that efficient point to the
step's, with the same figures (efficiency, equity, people served) and the same honesty
(not proven when either solve stopped at its time limit). A step whose equity weight is
already 0 is its own efficient point: its price is 0.

Solving is the caller's: :func:`solve_step` takes any ``solve(settings) -> Result`` (an
:class:`~govdecide.model.engine.Allocator`'s, or the app's cached one), and
:func:`tell_story` the scenarios and solvers of every step, so the report and the pages
tell a story from the same figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from govdecide.analyses.common import people_served, proven
from govdecide.analyses.frontier import PriceOfFairness
from govdecide.errors import ScenarioError
from govdecide.io.scenario import Scenario
from govdecide.model.result import Result
from govdecide.model.settings import Settings
from govdecide.store.story_records import StepDraft

Solve = Callable[[Settings], Result]


def efficient_settings(settings: Settings) -> Settings:
    """The same settings serving as many people as possible (equity weight 0)."""
    return settings.with_(equity_weight=0.0)


@dataclass(frozen=True)
class StepOutcome:
    """A step solved: its result, and the most efficient result of the same settings."""

    result: Result
    efficient: Result

    @property
    def price_of_fairness(self) -> PriceOfFairness | None:
        """From the efficient allocation to this step's; None without both solutions."""
        res, eff = self.result, self.efficient
        if not (res.has_solution and eff.has_solution):
            return None
        assert res.efficiency is not None and res.equity is not None
        assert eff.efficiency is not None and eff.equity is not None
        return PriceOfFairness(
            equity_from=eff.equity,
            equity_to=res.equity,
            efficiency_from=eff.efficiency,
            efficiency_to=res.efficiency,
            people_from=people_served(eff),
            people_to=people_served(res),
            proven=proven(eff.status) and proven(res.status),
        )

    @property
    def fairness_cost(self) -> float | None:
        """The price of fairness as a share of the people served (0 when it costs nothing)."""
        pof = self.price_of_fairness
        return None if pof is None else pof.relative_cost


def solve_step(solve: Solve, settings: Settings) -> StepOutcome:
    """Solve a step's settings, and the efficient settings when they differ."""
    result = solve(settings)
    if result.equity_weight <= 0:
        return StepOutcome(result, result)
    return StepOutcome(result, solve(efficient_settings(settings)))


@dataclass(frozen=True)
class SolvedStep:
    """A step with what telling it needs: its scenario and outcome, or why there is none
    (its scenario is not available, or the solve refused its settings)."""

    step: StepDraft
    scenario: Scenario | None
    outcome: StepOutcome | None
    error: ScenarioError | None = None

    @property
    def solved(self) -> bool:
        """True when the step has a scenario and an outcome (which may be infeasible)."""
        return self.scenario is not None and self.outcome is not None


def tell_story(
    steps: Sequence[StepDraft],
    scenario_of: Callable[[StepDraft], Scenario | None],
    solver_of: Callable[[StepDraft, Scenario], Solve],
) -> list[SolvedStep]:
    """Every step solved (each with its scenario's solver, which may be shared between
    steps of one scenario); a step whose scenario is missing or whose settings the engine
    refuses is kept, with its reason, so the story is told whole."""
    out = []
    for step in steps:
        scenario = scenario_of(step)
        if scenario is None:
            out.append(SolvedStep(step, None, None))
            continue
        try:
            outcome = solve_step(solver_of(step, scenario), step.settings)
        except ScenarioError as exc:
            out.append(SolvedStep(step, scenario, None, exc))
        else:
            out.append(SolvedStep(step, scenario, outcome))
    return out
