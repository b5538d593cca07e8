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

A step with a plan over several years (``StepDraft.plan``) is solved by
:func:`govdecide.model.years.solve_plan` (or the caller's cached equivalent): its outcome
keeps the whole plan, and its ``result`` is the plan's last year (``PlanResult.final``),
so the figures every step shows are those of the year the plan ends in. A plan's price
of fairness is not measured (it would take a second plan solve at equity weight 0), and
is said to be missing rather than guessed.
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
from govdecide.model.years import PlanResult, PlanSettings, solve_plan
from govdecide.store.story_records import StepDraft

Solve = Callable[[Settings], Result]
PlanSolve = Callable[[Settings, PlanSettings], PlanResult]


def efficient_settings(settings: Settings) -> Settings:
    """The same settings serving as many people as possible (equity weight 0)."""
    return settings.with_(equity_weight=0.0)


@dataclass(frozen=True)
class StepOutcome:
    """A step solved: its result, and the most efficient result of the same settings
    (None for a plan over years, see the module docstring); ``plan`` is the whole plan
    of a plan step, whose ``result`` is then its last year."""

    result: Result
    efficient: Result | None
    plan: PlanResult | None = None

    @property
    def price_of_fairness(self) -> PriceOfFairness | None:
        """From the efficient allocation to this step's; None without both solutions."""
        res, eff = self.result, self.efficient
        if eff is None or not (res.has_solution and eff.has_solution):
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


def solve_step(
    solve: Solve,
    settings: Settings,
    plan: PlanSettings | None = None,
    plan_solve: PlanSolve | None = None,
) -> StepOutcome:
    """Solve a step's settings, and the efficient settings when they differ; with a
    ``plan``, the plan over years through ``plan_solve`` instead."""
    if plan is not None:
        if plan_solve is None:
            raise ValueError("a plan step needs a plan solver")
        planned = plan_solve(settings, plan)
        return StepOutcome(planned.final, None, planned)
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


def library_plan_solver(step: StepDraft, scenario: Scenario) -> PlanSolve:
    """A plan step solved by the library's own :func:`solve_plan` (no cache)."""
    del step
    return lambda settings, plan: solve_plan(scenario, settings, plan)


def tell_story(
    steps: Sequence[StepDraft],
    scenario_of: Callable[[StepDraft], Scenario | None],
    solver_of: Callable[[StepDraft, Scenario], Solve],
    plan_solver_of: Callable[[StepDraft, Scenario], PlanSolve] = library_plan_solver,
) -> list[SolvedStep]:
    """Every step solved (each with its scenario's solver, which may be shared between
    steps of one scenario, and a plan step with ``plan_solver_of``'s); a step whose
    scenario is missing or whose settings the engine refuses is kept, with its reason,
    so the story is told whole."""
    out = []
    for step in steps:
        scenario = scenario_of(step)
        if scenario is None:
            out.append(SolvedStep(step, None, None))
            continue
        try:
            plan_solve = None if step.plan is None else plan_solver_of(step, scenario)
            outcome = solve_step(solver_of(step, scenario), step.settings, step.plan, plan_solve)
        except ScenarioError as exc:
            out.append(SolvedStep(step, scenario, None, exc))
        else:
            out.append(SolvedStep(step, scenario, outcome))
    return out
