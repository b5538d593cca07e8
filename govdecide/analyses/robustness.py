"""How far the optimum moves when need is uncertain: seeded re-solves under perturbed need."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from govdecide.analyses.common import TOL, Progress, tick
from govdecide.analyses.sweep import Sweep
from govdecide.io.scenario import Scenario
from govdecide.model.problem import ProblemData, problem_data
from govdecide.model.result import Result
from govdecide.model.settings import Settings


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
        tick(progress, i + 1, runs)
    solved = len(units)
    if solved:
        u = pd.concat(units, axis=1).to_numpy()
        within = np.abs(u - base_x.to_numpy()[:, None]) <= 1 + TOL
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
