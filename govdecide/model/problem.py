"""From a validated scenario and the caller's settings to the model's data, as DataFrames.

Everything the optimizer needs is computed here once, keyed by district and program ids
(never by list position): need_dp from each program's need rule, baselines, bounds, and
the policy with the caller's overrides applied. The model (``model.py``) reads only these
frames, so analyses can change a setting without touching the scenario.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from govdecide.errors import Problem, ScenarioError
from govdecide.io.scenario import Scenario
from govdecide.model.settings import DEFAULT_GAP, DEFAULT_TIME_LIMIT_S, Settings


@dataclass(frozen=True)
class Arrays:
    """The model's data as numpy arrays, districts by rows and programs by columns.

    The pairs are the full product districts x programs, so every (district, program)
    quantity is a (D, P) matrix in the order of ``districts`` and ``programs``. The model,
    the result and the structured method compute with these instead of pandas lookups,
    which is what keeps a 20-district solve in milliseconds and a 3,000-district one
    dominated by the solver.
    """

    districts: list[str]
    programs: list[str]
    need: np.ndarray
    base: np.ndarray
    lo: np.ndarray
    hi: np.ndarray  # math.inf where unbounded
    base_served: np.ndarray
    cap: np.ndarray
    cost: np.ndarray
    staff: np.ndarray
    weight: np.ndarray
    integer: np.ndarray  # bool
    spend_min: np.ndarray  # nan where absent
    spend_max: np.ndarray  # nan where absent

    @property
    def wneed(self) -> np.ndarray:
        """w_p need_dp, the weight of each pair in E and in its district's coverage."""
        return self.need * self.weight[None, :]


@dataclass(frozen=True)
class ProblemData:
    """The model's data: districts, programs and (district, program) pairs as frames.

    ``pairs`` has a (district, program) MultiIndex and the columns need, base, lo, hi,
    base_served; ``programs`` has unit_cost, capacity, staff, integer, weight, spend_min,
    spend_max; ``districts`` has population. ``arrays`` gives the same as numpy matrices
    (computed from the frames on first use, so a ``dataclasses.replace`` with new frames
    gets fresh arrays).
    """

    districts: pd.DataFrame
    programs: pd.DataFrame
    pairs: pd.DataFrame
    budget: float
    staff: float | None
    equity_weight: float
    solver: str
    time_limit_s: float
    gap: float
    method: str

    @cached_property
    def arrays(self) -> Arrays:
        """The frames as (D, P) and (P,) arrays, in the districts' and programs' order."""
        d_ids = [str(d) for d in self.districts.index]
        p_ids = [str(p) for p in self.programs.index]
        full = pd.MultiIndex.from_product([self.districts.index, self.programs.index])
        pairs = self.pairs
        if not pairs.index.equals(full):
            pairs = pairs.reindex(full)
        shape = (len(d_ids), len(p_ids))

        def mat(column: str, fill: float) -> np.ndarray:
            return pairs[column].to_numpy(dtype=float, na_value=fill).reshape(shape)

        progs = self.programs

        def vec(column: str) -> np.ndarray:
            return progs[column].to_numpy(dtype=float, na_value=np.nan)

        return Arrays(
            districts=d_ids,
            programs=p_ids,
            need=mat("need", 0.0),
            base=mat("base", 0.0),
            lo=mat("lo", 0.0),
            hi=mat("hi", math.inf),
            base_served=mat("base_served", 0.0),
            cap=vec("capacity"),
            cost=vec("unit_cost"),
            staff=vec("staff"),
            weight=vec("weight"),
            integer=progs["integer"].to_numpy(dtype=bool),
            spend_min=vec("spend_min"),
            spend_max=vec("spend_max"),
        )


def _need(scenario: Scenario) -> np.ndarray:
    """need_dp from each program's need rule (MODEL.md, SCENARIO_FORMAT.md), a (D, P) array.

    Computed a program (column) at a time from the districts' indicator columns, so a
    3,000-district region costs a few array operations, not a Python step per pair.
    """
    districts = scenario.districts
    population = np.array([d.population for d in districts], dtype=float)
    columns: dict[str, np.ndarray] = {}
    out = np.empty((len(districts), len(scenario.programs)))
    for j, p in enumerate(scenario.programs):
        rule = p.need
        if rule.indicator == "population":
            value = population
        else:
            if rule.indicator not in columns:
                columns[rule.indicator] = np.array(
                    [d.indicators[rule.indicator] for d in districts], dtype=float
                )
            value = columns[rule.indicator]
            if rule.per_capita:
                value = value * population
        out[:, j] = value * rule.scale
    return out


def _bounds(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """lo_dp and hi_dp (inf where unbounded): program defaults, then district overrides."""
    n_d, n_p = len(scenario.districts), len(scenario.programs)
    lo = np.empty((n_d, n_p))
    hi = np.empty((n_d, n_p))
    row = {d.id: i for i, d in enumerate(scenario.districts)}
    for j, p in enumerate(scenario.programs):
        lo[:, j] = p.min_units
        hi[:, j] = math.inf if p.max_units is None else p.max_units
        for district_id in p.district_bounds:
            if district_id in row:
                low, high = p.bounds_for(district_id)
                lo[row[district_id], j] = low
                hi[row[district_id], j] = math.inf if high is None else high
    return lo, hi


def problem_data(scenario: Scenario, settings: Settings | None = None) -> ProblemData:
    """The model's data frames for a scenario under the caller's settings."""
    s = settings or Settings()
    s.check({p.id for p in scenario.programs})
    arr = _arrays(scenario, s)
    if float((arr.need * arr.weight[None, :]).sum()) <= 0:
        raise ScenarioError([Problem("weights", "weights_all_zero", {})])
    districts = pd.DataFrame(
        {"population": [d.population for d in scenario.districts]},
        index=pd.Index(arr.districts, name="district"),
    )
    programs = pd.DataFrame(
        {
            "unit_cost": arr.cost,
            "capacity": arr.cap,
            "staff": arr.staff,
            "integer": arr.integer,
            "weight": arr.weight,
            "spend_min": arr.spend_min,
            "spend_max": arr.spend_max,
        },
        index=pd.Index(arr.programs, name="program"),
    )
    pairs = pd.DataFrame(
        {k: getattr(arr, k).reshape(-1) for k in ("need", "base", "lo", "hi", "base_served")},
        index=pd.MultiIndex.from_product(
            [districts.index, programs.index], names=["district", "program"]
        ),
    )
    data = ProblemData(districts=districts, programs=programs, pairs=pairs, **_policy(scenario, s))
    # the arrays just computed, so they need not be read back from the frames (``arrays``
    # caches on the instance; a ``dataclasses.replace`` with new frames computes its own)
    data.__dict__["arrays"] = arr
    return data


def _arrays(scenario: Scenario, s: Settings) -> Arrays:
    """The scenario's numbers as (D, P) and (P,) arrays, with the caller's weights."""
    progs = scenario.programs

    def vector(values: list) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in values], dtype=float)

    need = _need(scenario)
    lo, hi = _bounds(scenario)
    base = np.array(
        [[float(d.baseline.get(p.id, 0.0)) for p in progs] for d in scenario.districts],
        dtype=float,
    ).reshape(need.shape)
    cap = vector([p.capacity for p in progs])
    return Arrays(
        districts=[d.id for d in scenario.districts],
        programs=[p.id for p in progs],
        need=need,
        base=base,
        lo=lo,
        hi=hi,
        base_served=np.minimum(need, cap[None, :] * base),
        cap=cap,
        cost=vector([p.unit_cost for p in progs]),
        staff=vector([p.staff_per_unit for p in progs]),
        weight=vector([float(s.weights.get(p.id, p.weight)) for p in progs]),
        integer=np.array([bool(p.integer and s.integer) for p in progs], dtype=bool),
        spend_min=vector([p.spend_min for p in progs]),
        spend_max=vector([p.spend_max for p in progs]),
    )


def _policy(scenario: Scenario, s: Settings) -> dict[str, object]:
    """Budget, staff, equity weight and solver options: the caller's, else the scenario's."""
    policy = scenario.policy
    opts = policy.solver
    # a plan's budget and staff may be given per year (v1.1); the single-year model is
    # the plan's first year
    own_staff = policy.first_staff
    staff = own_staff if s.staff is None else (None if s.staff == math.inf else s.staff)
    limit = s.time_limit_s or (opts.time_limit_s if opts and opts.time_limit_s else None)
    gap = s.gap if s.gap is not None else (opts.gap if opts and opts.gap is not None else None)
    return {
        "budget": float(policy.first_budget if s.budget is None else s.budget),
        "staff": None if staff is None else float(staff),
        "equity_weight": float(
            policy.equity_weight if s.equity_weight is None else s.equity_weight
        ),
        "solver": s.solver or "highs",
        "time_limit_s": float(limit or DEFAULT_TIME_LIMIT_S),
        "gap": float(DEFAULT_GAP if gap is None else gap),
        "method": s.method,
    }
