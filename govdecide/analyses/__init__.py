"""Trade-offs, what-ifs and comparisons: the analyses that make a decision defensible.

* :func:`frontier`: the efficiency-equity frontier by the epsilon-constraint method of
  MODEL.md (maximize E subject to z >= epsilon over a grid from the equity of the
  efficient optimum up to the best reachable equity), with the price of fairness.
* :func:`budget_curve`: the optimum over a grid of budgets with the marginal value of a
  budget unit; :func:`min_budget`: the smallest budget at which every district's weighted
  coverage reaches X, solved directly (minimize spend subject to z >= X).
* :func:`robustness`: re-solves under seeded random perturbations of need.
* :class:`Snapshot`, :func:`compare`: save a setting and its result, compare two by district.

Every solve that produces an allocation goes through :meth:`Sweep.solve`, which calls the
engine (:func:`govdecide.model.engine.solve_data`) with a model the sweep keeps: one model is
built per scenario (and program weights, integrality and equity rule) and later solves
only change the budget, staff, equity weight or the equity floor in place. So the solve
method the caller chose (``Settings.method``) is the engine's business, in one place.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import pulp

from govdecide.analyses.equity import EquityRule
from govdecide.i18n import fmt_num, fmt_pct, t
from govdecide.io.scenario import Scenario
from govdecide.model import solvers
from govdecide.model.built import Built
from govdecide.model.engine import ModelCache, solve_data
from govdecide.model.formulation import AllocationModel
from govdecide.model.problem import ProblemData, problem_data
from govdecide.model.result import Result
from govdecide.model.settings import Settings

Progress = Callable[[int, int], None]
"""``progress(done, total)``, called after each solve of a long analysis (a progress bar)."""

TOL = 1e-9
TIE = 10 * TOL  # frontier points closer than this on E and z are the same point
BIG_BUDGET = 1e12  # "no budget limit" for the questions that ask what money cannot buy
EFFICIENCY_FLOOR = "efficiency_floor"

# Largest analyses a person may ask for, one place for the command line and the pages:
# each point or run is a full solve, so an unbounded count could hold a shared machine for
# hours; these are the app's sliders' limits.
MAX_FRONTIER_POINTS = 40
MAX_CURVE_POINTS = 25
MAX_ROBUSTNESS_RUNS = 500


# ---------------------------------------------------------------------------------------
# One built model, many solves


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
            weight = data.programs["weight"]
            terms = [
                (model.c[(d, p)], float(weight[p]) * model.need[(d, p)])
                for d, p in model.with_need
                if weight[p] > 0
            ]
            total = sum(v for _, v in terms)
            expr = pulp.LpAffineExpression([(c, v / total) for c, v in terms])
            row = pulp.LpConstraint(expr, pulp.LpConstraintGE, None, 0.0)
            model.prob.addConstraint(row, EFFICIENCY_FLOOR)
            model.constraints[EFFICIENCY_FLOOR] = row
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
            built.model.set_equity_floor(floor)
            if efficiency_row:
                built.model.constraints[EFFICIENCY_FLOOR].changeRHS(efficiency_floor)
            return built, build_s

        with self._lock:
            return solve_data(data, model_for)

    def solve(
        self,
        settings: Settings | None = None,
        floor: float | None = None,
        efficiency_floor: float | None = None,
    ) -> Result:
        """Solve under ``settings``, optionally with floors on z and on E."""
        data = problem_data(self.scenario, settings)
        return self.solve_data(data, floor, efficiency_floor)


def _people_served(result: Result) -> float:
    """People served after the allocation (sum of s_dp over districts and programs)."""
    return float(result.allocation["served"].sum()) if result.has_solution else math.nan


def _objective(efficiency: float, equity: float, weight: float) -> float:
    """MODEL.md's objective (1 - lambda) E + lambda z at a given equity weight."""
    return (1 - weight) * efficiency + weight * equity


def bound_of(result: Result) -> str:
    """What ``result.bound`` bounds: the objective the solve maximized.

    A solve at equity weight 0 maximizes E, at 1 maximizes z, else (1 - lambda) E + lambda z;
    the frontier mixes such solves, so each point says which of its figures the bound is a
    bound of, rather than letting a bound on z stand next to E or the user's objective.
    """
    lam = result.equity_weight
    if lam <= 0:
        return "efficiency"
    if lam >= 1:
        return "equity"
    return "objective"


def proven(status: str) -> bool:
    """Whether a solve's answer is proven best (a time-limited one is only feasible)."""
    return status == "optimal"


def status_words(result: Result, lang: str = "en") -> str:
    """A short status for a table cell: '' when proven best, 'not proven (gap 1.2%)' when
    stopped at the time limit, else the engine's own status text (infeasible ...)."""
    if result.status == "optimal":
        return ""
    if result.status == "feasible":
        if result.gap is None:
            return t("an.status.unproven_nogap", lang)
        return t("an.status.unproven", lang, gap=fmt_pct(result.gap, lang, 2))
    return result.status_text(lang)


def _tick(progress: Progress | None, done: int, total: int) -> None:
    """Report progress when the caller asked for it."""
    if progress is not None:
        progress(done, total)


# ---------------------------------------------------------------------------------------
# Efficiency-equity frontier


@dataclass(frozen=True)
class FrontierPoint:
    """One point of the frontier: the best E given z >= epsilon, and its allocation."""

    epsilon: float | None
    efficiency: float
    equity: float
    objective: float
    people_served: float
    status: str
    result: Result = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (the allocation is left out: ask for a point's result)."""
        return {
            "epsilon": self.epsilon,
            "efficiency": self.efficiency,
            "equity": self.equity,
            "objective": self.objective,
            "people_served": self.people_served,
            "status": self.status,
            "proven": proven(self.status),
            "method": self.result.method,
            "bound": self.result.bound,
            "bound_of": bound_of(self.result),
            "gap": self.result.gap,
        }


@dataclass(frozen=True)
class PriceOfFairness:
    """What moving from the most efficient point to a fairer one costs."""

    equity_from: float
    equity_to: float
    efficiency_from: float
    efficiency_to: float
    people_from: float
    people_to: float
    proven: bool = True  # both points proven best (not stopped at a time limit)

    @property
    def relative_cost(self) -> float:
        """Share of the (weighted) people served given up: (E0 - E1) / E0."""
        if self.efficiency_from <= 0:
            return 0.0
        return max(0.0, (self.efficiency_from - self.efficiency_to) / self.efficiency_from)

    @property
    def people_lost(self) -> float:
        """How many fewer people are served at the fairer point."""
        return max(0.0, self.people_from - self.people_to)

    def sentence(self, lang: str = "en") -> str:
        """'Raising the worst-served district from 41% to 60% costs 3.2% of people served.'"""
        if self.equity_to <= self.equity_from + 1e-9:
            text = t("an.pof.none", lang, equity=fmt_pct(self.equity_from, lang))
        else:
            text = t(
                "an.pof.sentence",
                lang,
                z_from=fmt_pct(self.equity_from, lang),
                z_to=fmt_pct(self.equity_to, lang),
                cost=fmt_pct(self.relative_cost, lang),
                people=fmt_num(self.people_lost, lang),
            )
        if not self.proven:
            text += t("an.pof.unproven", lang)
        return text

    def to_dict(self) -> dict[str, float]:
        """Plain data for JSON."""
        return asdict(self) | {
            "relative_cost": self.relative_cost,
            "people_lost": self.people_lost,
        }


@dataclass(frozen=True)
class Frontier:
    """The frontier's points (by rising equity), the current setting's solve, the status."""

    points: tuple[FrontierPoint, ...]
    current: Result = field(repr=False)
    equity_weight: float
    status: str
    builds: int
    solves: int
    seconds: float

    def frame(self) -> pd.DataFrame:
        """One row per point: point, epsilon, efficiency, equity, objective, people_served."""
        rows = [{"point": i} | p.to_dict() for i, p in enumerate(self.points)]
        cols = [
            "point",
            "epsilon",
            "efficiency",
            "equity",
            "objective",
            "people_served",
            "status",
            "proven",
            "method",
            "bound",
            "bound_of",
            "gap",
        ]
        return pd.DataFrame(rows, columns=cols)

    @property
    def unproven(self) -> int:
        """How many points stopped at a time limit (their E is not proven best)."""
        return sum(not proven(p.status) for p in self.points)

    def price_of_fairness(self, index: int | None = None) -> PriceOfFairness | None:
        """From the most efficient point to point ``index`` (default: the fairest point)."""
        if not self.points:
            return None
        start = self.points[0]
        end = self.points[-1 if index is None else index]
        return PriceOfFairness(
            start.equity,
            end.equity,
            start.efficiency,
            end.efficiency,
            start.people_served,
            end.people_served,
            proven(start.status) and proven(end.status),
        )

    def nearest(self, equity: float) -> int:
        """The index of the point whose equity is closest to ``equity`` (a slider's value)."""
        if not self.points:
            raise ValueError("the frontier has no points")
        return int(np.argmin([abs(p.equity - equity) for p in self.points]))

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: status, points, the current setting, price of fairness."""
        pof = self.price_of_fairness()
        current = self.current
        return {
            "status": self.status,
            "equity_weight": self.equity_weight,
            "points": [p.to_dict() for p in self.points],
            "current": {
                "status": current.status,
                "efficiency": current.efficiency,
                "equity": current.equity,
                "objective": current.objective,
            },
            "price_of_fairness": None if pof is None else pof.to_dict(),
            "solves": self.solves,
            "models_built": self.builds,
            "seconds": self.seconds,
        }


def _nondominated(points: list[FrontierPoint]) -> list[FrontierPoint]:
    """Drop points another point beats on both E and z (ties kept once, the first found).

    The grid's E-maximizations can leave such points where the solver's gap tolerance
    leaves a little E on the table, or where two floors give the same solution. A tie is a
    difference within ``TIE``: the last floor is set ``TOL`` below the highest z, so its
    allocation may sit that hair below the lambda = 1 solve's and is the same point.
    """
    out: list[FrontierPoint] = []
    for p in points:
        beaten = any(
            q is not p
            and q.efficiency >= p.efficiency - TIE
            and q.equity >= p.equity - TIE
            and (q.efficiency > p.efficiency + TIE or q.equity > p.equity + TIE)
            for q in points
        )
        duplicate = any(
            abs(q.efficiency - p.efficiency) <= TIE and abs(q.equity - p.equity) <= TIE for q in out
        )
        if not beaten and not duplicate:
            out.append(p)
    return sorted(out, key=lambda p: (p.equity, -p.efficiency))


def frontier(
    scenario: Scenario,
    settings: Settings | None = None,
    points: int = 20,
    progress: Progress | None = None,
    sweep: Sweep | None = None,
) -> Frontier:
    """The efficiency-equity frontier by the epsilon-constraint method (MODEL.md).

    Engine solves anchor it: the current setting (to mark it), lambda = 0 (the highest E)
    and lambda = 1 (the highest reachable z). Many allocations share the highest E, with
    different z; the left end is the fairest of them (maximize z subject to E >= the
    lambda = 0 solve's E). The right end maximizes E subject to z >= the highest z.
    Between them, floors epsilon are spread evenly and each solve maximizes E subject to
    z >= epsilon, all on the same built model. The current setting's allocation is a
    candidate too (a lambda-weighted optimum lies on the frontier). Points another point
    beats on both E and z are dropped, so the result is monotone: E falls as z rises.
    """
    settings = settings or Settings()
    points = max(2, int(points))
    sweep = sweep or Sweep(scenario)
    start = time.perf_counter()
    total = points + 3
    current = sweep.solve(settings)
    lam = current.equity_weight
    left = sweep.solve(settings.with_(equity_weight=0.0))
    top = sweep.solve(settings.with_(equity_weight=1.0))
    solves = 3
    _tick(progress, 3, total)
    if not (left.has_solution and top.has_solution):
        status = left.status if not left.has_solution else top.status
        return Frontier(
            (), current, lam, status, sweep.models_built, solves, time.perf_counter() - start
        )
    found = [_point(None, left, lam)]
    # the fairest allocation among the most efficient ones: max z subject to E >= E_left
    e_left = float(left.efficiency)  # type: ignore[arg-type]
    fair_left = sweep.solve(settings.with_(equity_weight=1.0), efficiency_floor=e_left - TOL)
    solves += 1
    if fair_left.has_solution:
        found.append(_point(None, fair_left, lam))
    z_lo = max(p.equity for p in found)
    z_hi = float(top.equity)  # type: ignore[arg-type]
    _tick(progress, 4, total)
    for k in range(1, points):
        eps = z_lo + (z_hi - z_lo) * k / (points - 1)
        if k == points - 1:
            eps = z_hi - TOL  # what the lambda = 1 solve reached, less a rounding hair
        if eps > z_lo + TOL:
            res = sweep.solve(settings.with_(equity_weight=0.0), floor=eps)
            solves += 1
            if res.has_solution:
                found.append(_point(eps, res, lam))
        _tick(progress, k + 4, total)
    found.append(_point(None, top, lam))
    if current.has_solution:
        found.append(_point(None, current, lam))  # on the frontier unless another beats it
    statuses = {p.status for p in found}
    status = "optimal" if statuses == {"optimal"} else "feasible"
    _tick(progress, total, total)
    return Frontier(
        tuple(_nondominated(found)),
        current,
        lam,
        status,
        sweep.models_built,
        solves,
        time.perf_counter() - start,
    )


def _point(eps: float | None, result: Result, weight: float) -> FrontierPoint:
    """A frontier point from an E-maximizing solve, its objective at the user's weight."""
    e, z = float(result.efficiency), float(result.equity)  # type: ignore[arg-type]
    return FrontierPoint(
        eps, e, z, _objective(e, z, weight), _people_served(result), result.status, result
    )


# ---------------------------------------------------------------------------------------
# Budget curve and the smallest budget that reaches a coverage


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
        d = {k: v for k, v in asdict(self).items() if k != "result"}
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
            if abs(p.budget - budget) <= 1e-9 * max(1.0, abs(budget)):
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
            amount=fmt_num(self.base_budget * share, lang),
            people=fmt_num((more.people_served or 0) - (base.people_served or 0), lang),
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
) -> BudgetCurve:
    """The optimum at each budget of a grid (default: half to 1.5 times the current budget).

    Each point's marginal value is the engine's (the budget row's dual at that budget,
    with its basis), so it does not depend on the grid; the finite differences of the
    objective and of the people served since the previous point are kept as averages over
    the step (``step_objective``, ``step_people``).
    """
    settings = settings or Settings()
    sweep = sweep or Sweep(scenario)
    start = time.perf_counter()
    base = problem_data(scenario, settings).budget
    grid = sorted(set(budgets)) if budgets is not None else budget_grid(base, points)
    out: list[BudgetPoint] = []
    prev: BudgetPoint | None = None
    for i, b in enumerate(grid):
        res = sweep.solve(settings.with_(budget=float(b)))
        ok = res.has_solution
        people = _people_served(res) if ok else None
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
        _tick(progress, i + 1, len(grid))
    return BudgetCurve(tuple(out), base, sweep.models_built, time.perf_counter() - start)


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
        if self.budget is not None and self.status != "optimal":
            return t(
                "an.minb.upper",
                lang,
                coverage=fmt_pct(self.coverage, lang),
                budget=fmt_num(self.budget, lang, 0 if float(self.budget).is_integer() else 2),
                lower=fmt_num(self.lower, lang),
            )
        if self.budget is not None:
            return t(
                "an.minb.answer",
                lang,
                coverage=fmt_pct(self.coverage, lang),
                budget=fmt_num(self.budget, lang, 0 if float(self.budget).is_integer() else 2),
            )
        if self.max_coverage is not None:
            return t(
                "an.minb.unreachable",
                lang,
                coverage=fmt_pct(self.coverage, lang),
                best=fmt_pct(self.max_coverage, lang),
            )
        return t("an.minb.failed", lang, coverage=fmt_pct(self.coverage, lang))

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
    outcome = solvers.run(model.prob, data.solver, time_limit_s=data.time_limit_s, gap=0.0)
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
    if outcome.status != "optimal":
        lower = None if outcome.bound is None else max(0.0, -outcome.bound * unit)
    return MinBudget(coverage, status, budget, result if result.has_solution else None, None, lower)


def reaches(
    scenario: Scenario, settings: Settings, coverage: float, sweep: Sweep | None = None
) -> bool:
    """Whether some allocation within the settings' budget has z >= ``coverage``."""
    sweep = sweep or Sweep(scenario)
    return sweep.solve(settings.with_(equity_weight=0.0), floor=coverage).has_solution


# ---------------------------------------------------------------------------------------
# Robustness under perturbed need


def need_indicators(scenario: Scenario) -> list[str]:
    """The indicators need is computed from, in the order programs first name them."""
    seen: list[str] = []
    for p in scenario.programs:
        if p.need.indicator not in seen:
            seen.append(p.need.indicator)
    return seen


def perturbed_data(
    scenario: Scenario, data: ProblemData, spread: float, rng: np.random.Generator
) -> ProblemData:
    """Data with need scaled by 1 + U(-spread, spread), one draw per district and indicator.

    Each program's need comes from one indicator (``population`` or a district indicator),
    so the draw for (district, indicator) scales the need of every program that uses that
    indicator there, as an error in that figure would. What the existing units serve
    (base_served) is recomputed from the new need. Draws go district by district, then by
    :func:`need_indicators`, so a seed gives the same need on every machine.
    """
    inds = need_indicators(scenario)
    rule = {p.id: p.need.indicator for p in scenario.programs}
    factor: dict[tuple[str, str], float] = {}
    for d in scenario.districts:
        draws = rng.uniform(-spread, spread, size=len(inds))
        for ind, u in zip(inds, draws):
            factor[(d.id, ind)] = 1.0 + float(u)
    pairs = data.pairs.copy()
    scale = [factor[(d, rule[p])] for d, p in pairs.index]
    pairs["need"] = pairs["need"] * np.asarray(scale)
    cap = data.programs["capacity"].reindex(pairs.index.get_level_values("program")).to_numpy()
    pairs["base_served"] = np.minimum(pairs["need"].to_numpy(), cap * pairs["base"].to_numpy())
    return replace(data, pairs=pairs)


@dataclass(frozen=True)
class Robustness:
    """How the optimum moves when need is uncertain by ±spread."""

    spread: float
    runs: int
    seed: int
    base: Result = field(repr=False)
    pairs: pd.DataFrame  # district, program, base/min/max/mean units, within_one
    districts: pd.DataFrame  # district, base/min/max units, within_one, coverage range
    efficiency: tuple[float, float]  # min, max over runs that found a solution
    equity: tuple[float, float]
    solved: int  # runs with an allocation
    statuses: dict[str, int]
    seconds: float
    all_within_one: float = float("nan")  # share of runs with every counted pair within 1
    counted: tuple[str, ...] = ()  # programs the district summaries count (whole-unit ones)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "spread": self.spread,
            "all_within_one": self.all_within_one,
            "counted_programs": list(self.counted),
            "runs": self.runs,
            "seed": self.seed,
            "solved": self.solved,
            "statuses": self.statuses,
            "base": {"efficiency": self.base.efficiency, "equity": self.base.equity},
            "efficiency_range": list(self.efficiency),
            "equity_range": list(self.equity),
            "districts": self.districts.to_dict(orient="records"),
            "pairs": self.pairs.to_dict(orient="records"),
            "seconds": self.seconds,
        }


def robustness(
    scenario: Scenario,
    settings: Settings | None = None,
    spread: float = 0.1,
    runs: int = 50,
    seed: int = 1,
    progress: Progress | None = None,
    sweep: Sweep | None = None,
) -> Robustness:
    """Re-solve ``runs`` times with need perturbed by ±``spread`` (seeded), and summarize.

    Per (district, program): the base allocation's units, the range and mean over the runs,
    and the share of runs in which the units stay within 1 of the base. Per district: the
    share of runs in which every whole-unit program (a facility; all programs when none is
    whole-unit) stays within 1 unit, the units of those programs, and the range of weighted
    coverage. A continuous line's "unit" is often small, so its range is read per pair.
    Each run builds its own model, because need enters the coefficients.
    """
    if not (math.isfinite(spread) and 0 <= spread < 1):
        raise ValueError("spread is a share in [0, 1)")
    runs = max(1, int(runs))
    settings = settings or Settings()
    sweep = sweep or Sweep(scenario)
    start = time.perf_counter()
    data = problem_data(scenario, settings)
    base = sweep.solve_data(data)
    if not base.has_solution:
        empty = pd.DataFrame()
        return Robustness(
            spread, runs, seed, base, empty, empty, (math.nan,) * 2, (math.nan,) * 2, 0,
            {base.status: 1}, time.perf_counter() - start,
        )  # fmt: skip
    rng = np.random.default_rng(seed)
    keys = list(data.pairs.index)
    whole = [str(p) for p, v in data.programs["integer"].items() if v]
    counted = tuple(whole or [str(p) for p in data.programs.index])
    base_x = base.allocation.set_index(["district", "program"])["new_units"].reindex(keys)
    units = []
    coverage = []
    effs, eqs = [], []
    statuses: dict[str, int] = {}
    for i in range(runs):
        res = sweep.solve_data(perturbed_data(scenario, data, spread, rng), fresh=True)
        statuses[res.status] = statuses.get(res.status, 0) + 1
        if res.has_solution:
            units.append(
                res.allocation.set_index(["district", "program"])["new_units"].reindex(keys)
            )
            coverage.append(res.districts.set_index("district")["coverage_after"])
            effs.append(float(res.efficiency))  # type: ignore[arg-type]
            eqs.append(float(res.equity))  # type: ignore[arg-type]
        _tick(progress, i + 1, runs)
    solved = len(units)
    if solved:
        u = pd.concat(units, axis=1).to_numpy()
        within = np.abs(u - base_x.to_numpy()[:, None]) <= 1 + 1e-9
        pairs = pd.DataFrame(
            {
                "district": [k[0] for k in keys],
                "program": [k[1] for k in keys],
                "base_units": base_x.to_numpy(),
                "min_units": u.min(axis=1),
                "max_units": u.max(axis=1),
                "mean_units": u.mean(axis=1),
                "within_one": within.mean(axis=1),
            }
        )
        district_ids = list(data.districts.index)
        pos = {
            d: [i for i, k in enumerate(keys) if k[0] == d and k[1] in counted]
            for d in district_ids
        }
        cov = pd.concat(coverage, axis=1).reindex(district_ids).to_numpy()
        base_cov = base.districts.set_index("district")["coverage_after"].reindex(district_ids)
        districts = pd.DataFrame(
            {
                "district": district_ids,
                "base_units": [base_x.to_numpy()[pos[d]].sum() for d in district_ids],
                "min_units": [u[pos[d]].sum(axis=0).min() for d in district_ids],
                "max_units": [u[pos[d]].sum(axis=0).max() for d in district_ids],
                "within_one": [within[pos[d]].all(axis=0).mean() for d in district_ids],
                "coverage_base": base_cov.to_numpy(),
                "coverage_min": cov.min(axis=1),
                "coverage_max": cov.max(axis=1),
            }
        )
        e_range, z_range = (min(effs), max(effs)), (min(eqs), max(eqs))
        rows = [i for i, k in enumerate(keys) if k[1] in counted]
        stable = float(within[rows].all(axis=0).mean())
    else:
        pairs = districts = pd.DataFrame()
        e_range = z_range = (math.nan, math.nan)
        stable = math.nan
    return Robustness(
        spread,
        runs,
        seed,
        base,
        pairs,
        districts,
        e_range,
        z_range,
        solved,
        statuses,
        time.perf_counter() - start,
        stable,
        counted,
    )


# ---------------------------------------------------------------------------------------
# Snapshots and comparison


SNAPSHOT_COLUMNS = [
    "district",
    "population",
    "need",
    "new_units",
    "spend",
    "coverage_before",
    "coverage_after",
]


@dataclass(frozen=True)
class Snapshot:
    """A named setting and its result's headline and per-district figures."""

    name: str
    settings: dict[str, Any]
    status: str
    efficiency: float | None
    equity: float | None
    objective: float | None
    budget: float
    spend: float | None
    people_newly_served: float | None
    districts: pd.DataFrame = field(compare=False)
    allocation: pd.DataFrame = field(compare=False)
    scenario: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (what the download holds)."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["districts"] = self.districts.to_dict(orient="records")
        out["allocation"] = self.allocation.to_dict(orient="records")
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Snapshot:
        """A snapshot read back from :meth:`to_dict` output (a downloaded file)."""
        fields = dict(data)
        rows = fields.get("districts") or []
        fields["districts"] = pd.DataFrame(rows).reindex(columns=SNAPSHOT_COLUMNS)
        fields["allocation"] = pd.DataFrame(fields.get("allocation") or [])
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in fields.items() if k in known})


def snapshot(name: str, settings: Settings, result: Result, scenario: str = "") -> Snapshot:
    """Save a setting and its result under a name (kept in the session, downloadable)."""
    ok = result.has_solution
    districts = (
        result.districts[SNAPSHOT_COLUMNS].copy() if ok else pd.DataFrame(columns=SNAPSHOT_COLUMNS)
    )
    return Snapshot(
        name=name,
        settings=settings.to_dict(),
        status=result.status,
        efficiency=result.efficiency,
        equity=result.equity,
        objective=result.objective,
        budget=result.budget,
        spend=result.budget_used,
        people_newly_served=result.people_newly_served,
        districts=districts,
        allocation=result.allocation.copy() if ok else pd.DataFrame(),
        scenario=scenario,
    )


def snapshots_to_json(snapshots: Iterable[Snapshot]) -> str:
    """Snapshots as a JSON document (the page's download)."""
    return json.dumps(
        {"format": "govdecide/snapshots-v1", "snapshots": [s.to_dict() for s in snapshots]},
        ensure_ascii=False,
        indent=2,
        default=float,
    )


def snapshots_from_json(text: str) -> list[Snapshot]:
    """Snapshots from :func:`snapshots_to_json` output."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != "govdecide/snapshots-v1":
        raise ValueError("not a govdecide snapshots file")
    return [Snapshot.from_dict(s) for s in data.get("snapshots", [])]


def compare(a: Snapshot, b: Snapshot) -> pd.DataFrame:
    """Side by side by district: units, spend and coverage in A and B, and B minus A.

    Columns: district, units_a, units_b, units_diff, spend_a, spend_b, spend_diff,
    coverage_a, coverage_b, coverage_diff (coverage = weighted coverage after).
    """
    cols = {"new_units": "units", "spend": "spend", "coverage_after": "coverage"}
    left = a.districts.set_index("district")[list(cols)].rename(columns=cols)
    right = b.districts.set_index("district")[list(cols)].rename(columns=cols)
    order = list(dict.fromkeys([*left.index, *right.index]))
    left, right = left.reindex(order), right.reindex(order)
    out = pd.DataFrame({"district": order})
    for c in cols.values():
        out[f"{c}_a"] = left[c].to_numpy(dtype=float)
        out[f"{c}_b"] = right[c].to_numpy(dtype=float)
        out[f"{c}_diff"] = out[f"{c}_b"] - out[f"{c}_a"]
    return out


def compare_sentence(
    frame: pd.DataFrame,
    name_a: str,
    name_b: str,
    names: Mapping[str, str] | None = None,
    lang: str = "en",
    most: int = 3,
) -> str:
    """Who gains and who loses coverage going from A to B, the largest changes first."""
    names = names or {}
    tol = 1e-4

    def listing(rows: pd.DataFrame, key: str) -> str:
        parts = [
            t(
                key,
                lang,
                district=names.get(str(r.district), str(r.district)),
                points=fmt_num(abs(r.coverage_diff) * 100, lang, 1),
            )
            for r in rows.head(most).itertuples()
        ]
        more = len(rows) - most
        if more > 0:
            parts.append(t("an.cmp.more", lang, n=more))
        return t("an.cmp.sep", lang).join(parts)

    valid = frame.dropna(subset=["coverage_diff"])
    gains = valid[valid["coverage_diff"] > tol].sort_values("coverage_diff", ascending=False)
    losses = valid[valid["coverage_diff"] < -tol].sort_values("coverage_diff")
    if gains.empty and losses.empty:
        return t("an.cmp.same", lang, a=name_a, b=name_b)
    parts = []
    if not gains.empty:
        parts.append(
            t("an.cmp.gain", lang, a=name_a, b=name_b, list=listing(gains, "an.cmp.item_gain"))
        )
    if not losses.empty:
        parts.append(t("an.cmp.loss", lang, list=listing(losses, "an.cmp.item_loss")))
    else:
        parts.append(t("an.cmp.noloss", lang))
    return " ".join(parts) if lang != "zh" else "".join(parts)
