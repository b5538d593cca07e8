"""What money buys: the optimum over a grid of budgets, and the smallest budget for a goal.

:func:`budget_curve` solves at each budget of a grid and keeps the marginal value of a
budget unit; :func:`min_budget` finds the smallest budget at which every district's
weighted coverage reaches X, solved directly (minimize spend subject to z >= X).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
import pulp

from govdecide.analyses.common import TOL, Progress, people_served, point_fields, proven
from govdecide.analyses.parallel import Runner, SolveTask, Stop, Workers, solve_task
from govdecide.analyses.sweep import Sweep
from govdecide.i18n import fmt_money, fmt_pct, fmt_people, t
from govdecide.io.scenario import Scenario
from govdecide.model.formulation import AllocationModel
from govdecide.model.problem import problem_data
from govdecide.model.result import Result
from govdecide.model.settings import Settings
from govdecide.model.status import outcome_status

BIG_BUDGET = 1e12  # "no budget limit" for the questions that ask what money cannot buy


@dataclass(frozen=True)
class BudgetPoint:
    """The optimum at one budget, its marginal value, and what the last grid step bought.

    ``marginal_value`` is the engine's ``Result.budget_marginal_value``: the objective gained
    per extra budget unit at this budget (the budget row's dual, on ``marginal_basis``). It
    belongs to the budget alone, not to the grid. ``step_objective`` and ``step_people``
    are averages over the step from the previous grid point, so they change with the grid.
    """

    budget: float
    status: str
    efficiency: float | None
    equity: float | None
    objective: float | None
    people_served: float | None
    spend: float | None
    marginal_value: float | None  # objective gained per extra budget unit, at this budget
    marginal_basis: str | None  # what it is computed on: lp | lp_relaxation | lagrangian
    step_objective: float | None  # objective per budget unit, average since the last point
    step_people: float | None  # people newly served per budget unit, average over the step
    result: Result = field(repr=False, compare=False)

    @property
    def proven(self) -> bool:
        """Whether this budget's optimum is proven best (not stopped at a time limit)."""
        return proven(self.status)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (without the allocation)."""
        d = point_fields(self)
        d["proven"] = self.proven
        d["gap"] = self.result.gap
        return {
            k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in d.items()
        }


@dataclass(frozen=True)
class BudgetCurve:
    """The optimum over a grid of budgets, with the base budget's point marked."""

    points: tuple[BudgetPoint, ...]
    base_budget: float
    builds: int
    seconds: float

    def frame(self) -> pd.DataFrame:
        """One row per budget."""
        cols = [
            "budget",
            "status",
            "efficiency",
            "equity",
            "objective",
            "people_served",
            "spend",
            "marginal_value",
            "marginal_basis",
            "step_objective",
            "step_people",
            "proven",
            "gap",
        ]
        return pd.DataFrame([p.to_dict() for p in self.points], columns=cols)

    def at(self, budget: float) -> BudgetPoint | None:
        """The point at this budget, if it is on the grid."""
        for p in self.points:
            if abs(p.budget - budget) <= TOL * max(1.0, abs(budget)):
                return p
        return None

    def more_budget_sentence(self, share: float = 0.1, lang: str = "en") -> str | None:
        """'Another 10% of budget (4,000) serves 12,345 more people and lifts ...'."""
        base = self.at(self.base_budget)
        more = self.at(self.base_budget * (1 + share))
        if base is None or more is None or base.efficiency is None or more.efficiency is None:
            return None
        text = t(
            "an.budget.more",
            lang,
            share=fmt_pct(share, lang, 0),
            amount=fmt_money(self.base_budget * share, lang),
            people=fmt_people((more.people_served or 0) - (base.people_served or 0), lang),
            z_from=fmt_pct(base.equity, lang),
            z_to=fmt_pct(more.equity, lang),
        )
        if not (base.proven and more.proven):
            text += t("an.budget.more_unproven", lang)
        return text

    @property
    def unproven(self) -> int:
        """How many budgets' optima stopped at a time limit (not proven best)."""
        return sum(p.status == "feasible" for p in self.points)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "base_budget": self.base_budget,
            "points": [p.to_dict() for p in self.points],
            "models_built": self.builds,
            "seconds": self.seconds,
        }


def _basis(result: Result) -> str:
    """The marginal value's basis as ``Result.marginal_basis_text`` reads it: an LP's own
    dual is exact ("lp"), a relaxation's only a guide."""
    basis = result.budget_marginal_basis
    return "lp" if basis == "lp_relaxation" and result.method == "lp" else basis


def budget_grid(base: float, points: int = 11, low: float = 0.5, high: float = 1.5) -> list[float]:
    """Budgets from ``low`` to ``high`` times the base, with the base and +10% always in."""
    points = max(2, int(points))
    grid = {round(base * (low + (high - low) * k / (points - 1)), 6) for k in range(points)}
    grid |= {round(base, 6), round(base * 1.1, 6)}
    return sorted(b for b in grid if b >= 0)


def budget_curve(
    scenario: Scenario,
    settings: Settings | None = None,
    budgets: Sequence[float] | None = None,
    points: int = 11,
    progress: Progress | None = None,
    sweep: Sweep | None = None,
    workers: Workers | None = None,
    stop: Stop | None = None,
) -> BudgetCurve:
    """The optimum at each budget of a grid (default: half to 1.5 times the current budget).

    Each point's marginal value is the engine's (the budget row's dual at that budget,
    with its basis), so it does not depend on the grid; the finite differences of the
    objective and of the people served since the previous point are kept as averages over
    the step (``step_objective``, ``step_people``). ``workers`` solves the budgets at once
    (:mod:`~govdecide.analyses.parallel`), with the same points; ``stop`` ends it early.
    """
    settings = settings or Settings()
    sweep = sweep or Sweep(scenario)
    start = time.perf_counter()
    base = problem_data(scenario, settings).budget
    grid = sorted(set(budgets)) if budgets is not None else budget_grid(base, points)
    with Runner(scenario, sweep, workers, len(grid), progress, stop) as run:
        tasks = [SolveTask(settings.with_(budget=float(b))) for b in grid]
        results = run.map(solve_task, tasks)
        builds = run.builds
    out: list[BudgetPoint] = []
    prev: BudgetPoint | None = None
    for b, res in zip(grid, results):
        ok = res.has_solution
        people = people_served(res) if ok else None
        m_obj = m_people = None
        if ok and prev is not None and prev.objective is not None and b > prev.budget:
            m_obj = (res.objective - prev.objective) / (b - prev.budget)  # type: ignore[operator]
            m_people = (people - prev.people_served) / (b - prev.budget)  # type: ignore[operator]
        marginal = res.budget_marginal_value if ok else None
        point = BudgetPoint(
            float(b),
            res.status,
            res.efficiency if ok else None,
            res.equity if ok else None,
            res.objective if ok else None,
            people,
            res.budget_used if ok else None,
            marginal,
            _basis(res) if marginal is not None else None,
            m_obj,
            m_people,
            res,
        )
        out.append(point)
        if ok:
            prev = point
    return BudgetCurve(tuple(out), base, builds, time.perf_counter() - start)


@dataclass(frozen=True)
class MinBudget:
    """The smallest budget at which every district's weighted coverage reaches ``coverage``."""

    coverage: float
    status: str  # optimal | feasible (time limit) | infeasible (no budget reaches it) | ...
    budget: float | None
    result: Result | None = field(repr=False, compare=False)
    max_coverage: float | None = None  # the best z any budget reaches (when infeasible)
    lower: float | None = None  # proven lower bound on the smallest budget

    def sentence(self, lang: str = "en") -> str:
        """The answer in one sentence, in ``lang`` (an upper bound when not proven)."""
        coverage = fmt_pct(self.coverage, lang)
        if self.budget is not None:
            budget = fmt_money(self.budget, lang)
            if not proven(self.status):
                lower = fmt_money(self.lower, lang)
                return t("an.minb.upper", lang, coverage=coverage, budget=budget, lower=lower)
            return t("an.minb.answer", lang, coverage=coverage, budget=budget)
        if self.max_coverage is not None:
            best = fmt_pct(self.max_coverage, lang)
            return t("an.minb.unreachable", lang, coverage=coverage, best=best)
        return t("an.minb.failed", lang, coverage=coverage)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        r = self.result
        return {
            "coverage": self.coverage,
            "status": self.status,
            "budget": self.budget,
            "max_coverage": self.max_coverage,
            "lower_bound": self.lower,
            "efficiency": None if r is None else r.efficiency,
            "equity": None if r is None else r.equity,
            "allocation": [] if r is None else r.allocation.to_dict(orient="records"),
        }


def _snap(value: float) -> float:
    """A spend cleaned of solver round-off: whole when within 1e-6 of a whole number,
    else rounded up to 6 decimals (27976.04000000002 -> 27976.04)."""
    near = round(value)
    if abs(value - near) <= 1e-6 * max(1.0, abs(value)):
        return float(near)
    return math.ceil(value * 1e6 - 1e-3) / 1e6


def min_budget(
    scenario: Scenario,
    settings: Settings | None = None,
    coverage: float = 0.5,
    sweep: Sweep | None = None,
) -> MinBudget:
    """The smallest budget at which z (every district's weighted coverage) reaches ``coverage``.

    Solved directly: a model built from the same data minimizes the spend
    sum_dp cost_p x_dp subject to z >= coverage and every other constraint of MODEL.md
    (staff, unit bounds, spend limits) with the budget lifted, to a zero optimality gap so
    that for whole units the answer is exact. The allocation shown at that budget comes
    from the engine (the best E at that budget with the floor). When no budget reaches the
    coverage, the best z any budget reaches is reported instead.
    """
    settings = settings or Settings()
    if not (math.isfinite(coverage) and 0 <= coverage <= 1):
        raise ValueError("coverage is a share in [0, 1]")
    sweep = sweep or Sweep(scenario)
    data = problem_data(scenario, settings)
    model = AllocationModel(data)
    model.set_policy(budget=BIG_BUDGET)
    model.set_equity_floor(coverage)
    costs = data.programs["unit_cost"]
    cost = pulp.lpSum(float(costs[p]) * var for (_, p), var in model.x.items() if costs[p])
    unit = float(max(1.0, costs.max()))
    model.prob.setObjective(-cost / unit)
    outcome = model.solve(data.solver, time_limit_s=data.time_limit_s, gap=0.0)
    outcome = replace(outcome, status=outcome_status(outcome, 0.0))
    if not outcome.has_solution:
        best = None
        if outcome.status == "infeasible":
            top = sweep.solve(settings.with_(budget=BIG_BUDGET, equity_weight=1.0))
            best = top.equity if top.has_solution else None
        return MinBudget(coverage, outcome.status, None, None, best)
    x = model.values().x
    budget = _snap(sum(float(costs[p]) * v for (_, p), v in x.items()))
    result = sweep.solve(settings.with_(budget=budget), floor=coverage)
    if not result.has_solution:  # a rounding hair: give the floor the same hair
        result = sweep.solve(settings.with_(budget=budget), floor=coverage - 1e-7)
    status = outcome.status if result.has_solution else result.status
    lower = budget
    if not proven(outcome.status):
        lower = None if outcome.bound is None else max(0.0, -outcome.bound * unit)
    return MinBudget(coverage, status, budget, result if result.has_solution else None, None, lower)


def reaches(
    scenario: Scenario, settings: Settings, coverage: float, sweep: Sweep | None = None
) -> bool:
    """Whether some allocation within the settings' budget has z >= ``coverage``."""
    sweep = sweep or Sweep(scenario)
    return sweep.solve(settings.with_(equity_weight=0.0), floor=coverage).has_solution
