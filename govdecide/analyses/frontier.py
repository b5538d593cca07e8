"""The efficiency-equity frontier by the epsilon-constraint method of MODEL.md.

Maximize E subject to z >= epsilon over a grid from the equity of the efficient optimum up
to the best reachable equity, all on one built model (:class:`~govdecide.analyses.sweep.Sweep`),
with the price of fairness: what moving from the most efficient point to a fairer one costs.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from govdecide.analyses.common import (
    TOL,
    Progress,
    bound_of,
    people_served,
    point_fields,
    proven,
)
from govdecide.analyses.parallel import Runner, SolveTask, Stop, Workers, solve_task
from govdecide.analyses.sweep import Sweep
from govdecide.i18n import fmt_pct, fmt_people, t
from govdecide.io.scenario import Scenario
from govdecide.model.coverage import objective_value
from govdecide.model.result import Result
from govdecide.model.settings import Settings

TIE = 10 * TOL  # frontier points closer than this on E and z are the same point


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
        r = self.result
        return point_fields(self) | {
            "proven": proven(self.status),
            "method": r.method,
            "bound": r.bound,
            "bound_of": bound_of(r),
            "gap": r.gap,
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
        if self.equity_to <= self.equity_from + TOL:
            text = t("an.pof.none", lang, equity=fmt_pct(self.equity_from, lang))
        else:
            text = t(
                "an.pof.sentence",
                lang,
                z_from=fmt_pct(self.equity_from, lang),
                z_to=fmt_pct(self.equity_to, lang),
                cost=fmt_pct(self.relative_cost, lang),
                people=fmt_people(self.people_lost, lang),
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
    workers: Workers | None = None,
    stop: Stop | None = None,
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

    ``workers`` solves the three anchors at once, then the fair end, then every floor at
    once (:mod:`~govdecide.analyses.parallel`), with the same points; ``stop`` ends it early.
    """
    settings = settings or Settings()
    points = max(2, int(points))
    sweep = sweep or Sweep(scenario)
    start = time.perf_counter()
    total = points + 3
    with Runner(scenario, sweep, workers, total, progress, stop) as run:
        anchors = [settings, settings.with_(equity_weight=0.0), settings.with_(equity_weight=1.0)]
        current, left, top = run.map(solve_task, [SolveTask(s) for s in anchors])
        lam = current.equity_weight
        solves = 3
        if not (left.has_solution and top.has_solution):
            status = left.status if not left.has_solution else top.status
            return Frontier(
                (), current, lam, status, run.builds, solves, time.perf_counter() - start
            )
        found = [_point(None, left, lam)]
        # the fairest allocation among the most efficient ones: max z subject to E >= E_left
        e_left = float(left.efficiency)  # type: ignore[arg-type]
        fair = SolveTask(settings.with_(equity_weight=1.0), efficiency_floor=e_left - TOL)
        (fair_left,) = run.map(solve_task, [fair])
        solves += 1
        if fair_left.has_solution:
            found.append(_point(None, fair_left, lam))
        z_lo = max(p.equity for p in found)
        floors = _floors(z_lo, float(top.equity), points)  # type: ignore[arg-type]
        efficient = settings.with_(equity_weight=0.0)
        results = run.map(solve_task, [SolveTask(efficient, floor=eps) for eps in floors])
        solves += len(floors)
        found += [_point(e, r, lam) for e, r in zip(floors, results) if r.has_solution]
        run.finish()
        builds = run.builds
    found.append(_point(None, top, lam))
    if current.has_solution:
        found.append(_point(None, current, lam))  # on the frontier unless another beats it
    statuses = {p.status for p in found}
    status = "optimal" if statuses == {"optimal"} else "feasible"
    return Frontier(
        tuple(_nondominated(found)),
        current,
        lam,
        status,
        builds,
        solves,
        time.perf_counter() - start,
    )


def _floors(z_lo: float, z_hi: float, points: int) -> list[float]:
    """The floors epsilon between the left end's z and the highest z, evenly spread; the
    last is what the lambda = 1 solve reached, less a rounding hair. Floors no higher than
    the left end (nothing to ask of the solver) are left out."""
    out = []
    for k in range(1, points):
        eps = z_lo + (z_hi - z_lo) * k / (points - 1)
        if k == points - 1:
            eps = z_hi - TOL
        if eps > z_lo + TOL:
            out.append(eps)
    return out


def _point(eps: float | None, result: Result, weight: float) -> FrontierPoint:
    """A frontier point from an E-maximizing solve, its objective at the user's weight."""
    e, z = float(result.efficiency), float(result.equity)  # type: ignore[arg-type]
    return FrontierPoint(
        eps, e, z, objective_value(e, z, weight), people_served(result), result.status, result
    )
