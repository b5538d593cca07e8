"""From a validated scenario and the caller's settings to the model's data, as DataFrames.

Everything the optimizer needs is computed here once, keyed by district and program ids
(never by list position): need_dp from each program's need rule, baselines, bounds, and
the policy with the caller's overrides applied. The model (``model.py``) reads only these
frames, so analyses can change a setting without touching the scenario.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from govdecide.errors import Problem, ScenarioError
from govdecide.scenario import Scenario

SOLVERS = ("highs", "cbc")
DEFAULT_TIME_LIMIT_S = 30.0
DEFAULT_GAP = 1e-4


@dataclass(frozen=True)
class Settings:
    """What the caller (a slider, the command line) sets on top of the scenario's policy.

    ``None`` means "as in the scenario". ``staff`` uses ``math.inf`` for "no staff limit".
    ``integer=False`` relaxes every program to continuous units (the LP of the benchmark).
    """

    budget: float | None = None
    staff: float | None = None
    equity_weight: float | None = None
    weights: Mapping[str, float] = field(default_factory=dict)
    solver: str | None = None
    time_limit_s: float | None = None
    gap: float | None = None
    integer: bool = True
    method: str = "auto"

    def with_(self, **changes: object) -> Settings:
        """A copy with some settings changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ProblemData:
    """The model's data: districts, programs and (district, program) pairs as frames.

    ``pairs`` has a (district, program) MultiIndex and the columns need, base, lo, hi,
    base_served; ``programs`` has unit_cost, capacity, staff, integer, weight, spend_min,
    spend_max; ``districts`` has population.
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


def _need(scenario: Scenario) -> dict[tuple[str, str], float]:
    """need_dp from each program's need rule (MODEL.md, SCENARIO_FORMAT.md)."""
    out: dict[tuple[str, str], float] = {}
    for p in scenario.programs:
        rule = p.need
        for d in scenario.districts:
            if rule.indicator == "population":
                value = d.population
            else:
                value = d.indicators[rule.indicator]
                if rule.per_capita:
                    value *= d.population
            out[(d.id, p.id)] = value * rule.scale
    return out


def _check_settings(scenario: Scenario, s: Settings) -> None:
    """Reject settings that cannot be used, all at once, in plain words."""
    problems: list[Problem] = []

    def bad(path: str, code: str, got: object, **params: object) -> None:
        problems.append(Problem(path, code, {"got": got, **params}))

    def finite(value: float | None) -> bool:
        return value is None or (isinstance(value, (int, float)) and math.isfinite(value))

    if s.budget is not None and (not finite(s.budget) or s.budget < 0):
        bad("budget", "setting_negative", s.budget)
    if s.staff is not None and not (s.staff == math.inf or (finite(s.staff) and s.staff >= 0)):
        bad("staff", "setting_negative", s.staff)
    if s.equity_weight is not None and not (finite(s.equity_weight) and 0 <= s.equity_weight <= 1):
        bad("equity_weight", "setting_range01", s.equity_weight)
    if s.time_limit_s is not None and not (finite(s.time_limit_s) and s.time_limit_s > 0):
        bad("time_limit", "setting_positive", s.time_limit_s)
    if s.gap is not None and not (finite(s.gap) and 0 <= s.gap <= 1):
        bad("gap", "setting_range01", s.gap)
    if s.solver is not None and s.solver not in SOLVERS:
        bad("solver", "unknown_solver", s.solver)
    ids = {p.id for p in scenario.programs}
    for pid, w in s.weights.items():
        if pid not in ids:
            bad(f"weight.{pid}", "unknown_program_weight", pid)
        elif not (finite(w) and w >= 0):
            bad(f"weight.{pid}", "setting_negative", w)
    if problems:
        raise ScenarioError(problems)


def problem_data(scenario: Scenario, settings: Settings | None = None) -> ProblemData:
    """The model's data frames for a scenario under the caller's settings."""
    s = settings or Settings()
    _check_settings(scenario, s)
    policy = scenario.policy
    weights = {p.id: float(s.weights.get(p.id, p.weight)) for p in scenario.programs}

    districts = pd.DataFrame(
        {"population": [d.population for d in scenario.districts]},
        index=pd.Index([d.id for d in scenario.districts], name="district"),
    )
    programs = pd.DataFrame(
        {
            "unit_cost": [p.unit_cost for p in scenario.programs],
            "capacity": [p.capacity for p in scenario.programs],
            "staff": [p.staff_per_unit for p in scenario.programs],
            "integer": [bool(p.integer and s.integer) for p in scenario.programs],
            "weight": [weights[p.id] for p in scenario.programs],
            "spend_min": [p.spend_min for p in scenario.programs],
            "spend_max": [p.spend_max for p in scenario.programs],
        },
        index=pd.Index([p.id for p in scenario.programs], name="program"),
    )
    need = _need(scenario)
    rows = []
    for d in scenario.districts:
        for p in scenario.programs:
            lo, hi = p.bounds_for(d.id)
            base = float(d.baseline.get(p.id, 0.0))
            n = need[(d.id, p.id)]
            rows.append(
                (d.id, p.id, n, base, lo, math.inf if hi is None else hi, min(n, p.capacity * base))
            )
    pairs = pd.DataFrame(
        rows, columns=["district", "program", "need", "base", "lo", "hi", "base_served"]
    ).set_index(["district", "program"])

    weighted = (pairs["need"] * programs["weight"].reindex(pairs.index, level="program")).sum()
    if weighted <= 0:
        raise ScenarioError([Problem("weights", "weights_all_zero", {})])

    solver_opts = policy.solver
    staff = policy.staff if s.staff is None else (None if s.staff == math.inf else s.staff)
    return ProblemData(
        districts=districts,
        programs=programs,
        pairs=pairs,
        budget=float(policy.budget if s.budget is None else s.budget),
        staff=None if staff is None else float(staff),
        equity_weight=float(policy.equity_weight if s.equity_weight is None else s.equity_weight),
        solver=s.solver or "highs",
        time_limit_s=float(
            s.time_limit_s
            or (solver_opts.time_limit_s if solver_opts and solver_opts.time_limit_s else None)
            or DEFAULT_TIME_LIMIT_S
        ),
        gap=float(
            s.gap
            if s.gap is not None
            else (solver_opts.gap if solver_opts and solver_opts.gap is not None else DEFAULT_GAP)
        ),
        method=s.method,
    )
