"""How far the optimum moves when need is uncertain: seeded re-solves under perturbed need."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from govdecide.analyses.common import TOL, Progress
from govdecide.analyses.parallel import Runner, SolveTask, Stop, Workers, solve_task
from govdecide.analyses.sweep import Sweep
from govdecide.io.scenario import Scenario
from govdecide.model.problem import ProblemData
from govdecide.model.result import Result
from govdecide.model.settings import Settings


def need_indicators(scenario: Scenario) -> list[str]:
    """The indicators need is computed from, in the order programs first name them."""
    seen: list[str] = []
    for p in scenario.programs:
        if p.need.indicator not in seen:
            seen.append(p.need.indicator)
    return seen


def need_factors(scenario: Scenario, spread: float, rng: np.random.Generator) -> np.ndarray:
    """One draw of 1 + U(-spread, spread) per district and indicator, from ``rng``.

    Rows are the scenario's districts in order, columns :func:`need_indicators`. Draws go
    district by district, so a seed gives the same factors on every machine, and the
    factors of run k are the same however the runs are then solved (here or on workers).
    """
    inds = need_indicators(scenario)
    rows = [1.0 + rng.uniform(-spread, spread, size=len(inds)) for _ in scenario.districts]
    return np.vstack(rows)


def scaled_need(scenario: Scenario, data: ProblemData, factors: np.ndarray) -> ProblemData:
    """Data with each pair's need scaled by its district's factor for its indicator.

    Each program's need comes from one indicator (``population`` or a district indicator),
    so the factor for (district, indicator) scales the need of every program that uses that
    indicator there, as an error in that figure would. What the existing units serve
    (base_served) is recomputed from the new need.
    """
    column = {ind: j for j, ind in enumerate(need_indicators(scenario))}
    row = {d.id: i for i, d in enumerate(scenario.districts)}
    rule = {p.id: column[p.need.indicator] for p in scenario.programs}
    pairs = data.pairs.copy()
    scale = [factors[row[d], rule[p]] for d, p in pairs.index]
    pairs["need"] = pairs["need"] * np.asarray(scale)
    cap = data.programs["capacity"].reindex(pairs.index.get_level_values("program")).to_numpy()
    pairs["base_served"] = np.minimum(pairs["need"].to_numpy(), cap * pairs["base"].to_numpy())
    return replace(data, pairs=pairs)


def perturbed_data(
    scenario: Scenario, data: ProblemData, spread: float, rng: np.random.Generator
) -> ProblemData:
    """Data with need scaled by 1 + U(-spread, spread), one draw per district and indicator
    (:func:`need_factors`, then :func:`scaled_need`)."""
    return scaled_need(scenario, data, need_factors(scenario, spread, rng))


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


_Pair = tuple[str, str]  # (district, program)


@dataclass
class _Runs:
    """What the perturbed re-solves gave: the units and coverage of those that found an
    allocation (a column a run), their E and z, and every run's status."""

    units: list[pd.Series] = field(default_factory=list)
    coverage: list[pd.Series] = field(default_factory=list)
    efficiency: list[float] = field(default_factory=list)
    equity: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Moves:
    """The runs' units beside the base's, a row a pair (in ``keys`` order), a column a run."""

    keys: list[_Pair]
    base: np.ndarray  # the base allocation's units per pair
    units: np.ndarray  # (pairs, runs)
    within: np.ndarray  # |units - base| <= 1, (pairs, runs)


def _units(result: Result, keys: list[_Pair]) -> pd.Series:
    """A result's new units by (district, program), in ``keys`` order."""
    return result.allocation.set_index(["district", "program"])["new_units"].reindex(keys)


def _coverage(result: Result) -> pd.Series:
    """A result's weighted coverage after, by district."""
    return result.districts.set_index("district")["coverage_after"]


def _counted(data: ProblemData) -> tuple[str, ...]:
    """The programs district summaries count: the whole-unit ones (facilities), else all.

    A continuous line's "unit" is often small, so its range is read per pair instead.
    """
    whole = [str(p) for p, v in data.programs["integer"].items() if v]
    return tuple(whole or [str(p) for p in data.programs.index])


@dataclass(frozen=True)
class _Run:
    """One perturbed re-solve: the settings and the need factors drawn for it."""

    settings: Settings
    factors: np.ndarray


@dataclass(frozen=True)
class _RunOutcome:
    """What a re-solve gave: its status and, with an allocation, units, coverage, E, z."""

    status: str
    units: pd.Series | None = None
    coverage: pd.Series | None = None
    efficiency: float = math.nan
    equity: float = math.nan


def _solve_run(sweep: Sweep, run: _Run) -> _RunOutcome:
    """Solve one perturbed copy of the data (a task of :class:`~.parallel.Runner`); each
    builds its own model, because need enters the coefficients."""
    data = sweep.data(run.settings)
    res = sweep.solve_data(scaled_need(sweep.scenario, data, run.factors), fresh=True)
    if not res.has_solution:
        return _RunOutcome(res.status)
    units = _units(res, list(data.pairs.index))
    return _RunOutcome(
        res.status,
        units,
        _coverage(res),
        float(res.efficiency),
        float(res.equity),  # type: ignore[arg-type]
    )


def _collect(outcomes: list[_RunOutcome]) -> _Runs:
    """The runs' outcomes gathered in run order."""
    out = _Runs()
    for o in outcomes:
        out.statuses[o.status] = out.statuses.get(o.status, 0) + 1
        if o.units is not None and o.coverage is not None:
            out.units.append(o.units)
            out.coverage.append(o.coverage)
            out.efficiency.append(o.efficiency)
            out.equity.append(o.equity)
    return out


def _pair_summary(moves: _Moves) -> pd.DataFrame:
    """Per (district, program): base units, range and mean over the runs, share within 1."""
    u = moves.units
    return pd.DataFrame(
        {
            "district": [k[0] for k in moves.keys],
            "program": [k[1] for k in moves.keys],
            "base_units": moves.base,
            "min_units": u.min(axis=1),
            "max_units": u.max(axis=1),
            "mean_units": u.mean(axis=1),
            "within_one": moves.within.mean(axis=1),
        }
    )


def _district_summary(
    moves: _Moves,
    counted: tuple[str, ...],
    base: Result,
    coverage: list[pd.Series],
    district_ids: list[str],
) -> pd.DataFrame:
    """Per district: the counted programs' units (base, range), the share of runs in which
    every counted program stays within 1 unit, and the range of weighted coverage."""
    keys, u, within = moves.keys, moves.units, moves.within
    pos = {
        d: [i for i, k in enumerate(keys) if k[0] == d and k[1] in counted] for d in district_ids
    }
    cov = pd.concat(coverage, axis=1).reindex(district_ids).to_numpy()
    base_cov = _coverage(base).reindex(district_ids)
    return pd.DataFrame(
        {
            "district": district_ids,
            "base_units": [moves.base[pos[d]].sum() for d in district_ids],
            "min_units": [u[pos[d]].sum(axis=0).min() for d in district_ids],
            "max_units": [u[pos[d]].sum(axis=0).max() for d in district_ids],
            "within_one": [within[pos[d]].all(axis=0).mean() for d in district_ids],
            "coverage_base": base_cov.to_numpy(),
            "coverage_min": cov.min(axis=1),
            "coverage_max": cov.max(axis=1),
        }
    )


def robustness(
    scenario: Scenario,
    settings: Settings | None = None,
    spread: float = 0.1,
    runs: int = 50,
    seed: int = 1,
    progress: Progress | None = None,
    sweep: Sweep | None = None,
    workers: Workers | None = None,
    stop: Stop | None = None,
) -> Robustness:
    """Re-solve ``runs`` times with need perturbed by ±``spread`` (seeded), and summarize.

    Per (district, program): the base allocation's units, the range and mean over the runs,
    and the share of runs in which the units stay within 1 of the base. Per district: the
    share of runs in which every whole-unit program (a facility; all programs when none is
    whole-unit) stays within 1 unit, the units of those programs, and the range of weighted
    coverage.

    ``workers`` runs the re-solves in worker processes or on a cluster
    (:mod:`~govdecide.analyses.parallel`): the same need in each run (drawn here, in run
    order, from one seeded generator) and the same tables. ``stop`` ends it early
    (:class:`~govdecide.analyses.parallel.Cancelled`).
    """
    if not (math.isfinite(spread) and 0 <= spread < 1):
        raise ValueError("spread is a share in [0, 1)")
    runs = max(1, int(runs))
    settings = settings or Settings()
    sweep = sweep or Sweep(scenario)
    start = time.perf_counter()
    data = sweep.data(settings)
    with Runner(scenario, sweep, workers, runs, progress, stop) as run:
        base = run.map(solve_task, [SolveTask(settings)], counted=False)[0]
        if not base.has_solution:
            empty = pd.DataFrame()
            return Robustness(
                spread, runs, seed, base, empty, empty, (math.nan,) * 2, (math.nan,) * 2, 0,
                {base.status: 1}, time.perf_counter() - start,
            )  # fmt: skip
        rng = np.random.default_rng(seed)
        tasks = [_Run(settings, need_factors(scenario, spread, rng)) for _ in range(runs)]
        done = _collect(run.map(_solve_run, tasks))
    keys = list(data.pairs.index)
    counted = _counted(data)
    pairs = districts = pd.DataFrame()
    e_range = z_range = (math.nan, math.nan)
    stable = math.nan
    if done.units:
        base_x = _units(base, keys).to_numpy()
        u = pd.concat(done.units, axis=1).to_numpy()
        moves = _Moves(keys, base_x, u, np.abs(u - base_x[:, None]) <= 1 + TOL)
        pairs = _pair_summary(moves)
        ids = list(data.districts.index)
        districts = _district_summary(moves, counted, base, done.coverage, ids)
        e_range = (min(done.efficiency), max(done.efficiency))
        z_range = (min(done.equity), max(done.equity))
        rows = [i for i, k in enumerate(keys) if k[1] in counted]
        stable = float(moves.within[rows].all(axis=0).mean())
    return Robustness(
        spread,
        runs,
        seed,
        base,
        pairs,
        districts,
        e_range,
        z_range,
        len(done.units),
        done.statuses,
        time.perf_counter() - start,
        stable,
        counted,
    )
