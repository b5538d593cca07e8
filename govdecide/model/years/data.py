"""From a scenario and the caller's settings to a plan's data: one single-year model's
data per year, and what links the years (MODEL.md, "Plans over several years (v1.1)").

Year t's data is the single-year :class:`~govdecide.model.problem.ProblemData` with that
year's need (grown by (1 + g_d)^(t-1)), budget and staff, so that the plan's model can be
built from the single-year model's own steps (``years.formulation``). The plan's variables
in year t are the new units in service by then, U_dpt - base_dp, which is what the
single-year model's x means; so each year's data keeps the bounds that hold for them:
units never exceed hi_dp in any year, and the minimum lo_dp (like the spend limits, which
bound the whole plan's capital) holds in the last year only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from govdecide.errors import Problem, ScenarioError
from govdecide.io.scenario import Scenario
from govdecide.model.problem import ProblemData, problem_data
from govdecide.model.settings import Settings
from govdecide.model.years.settings import PlanSettings


@dataclass(frozen=True)
class PlanData:
    """A plan's data: the years' single-year data and what links them.

    ``years_data[t]`` is year t + 1's data (need grown, that year's budget and staff, the
    bounds that hold in that year); ``first`` is the single-year data of the scenario under
    the same settings (what the v1 model solves). ``weight[t]`` is delta_t / sum delta, the
    share of the objective that year t's (1 - lambda) E_t + lambda z_t has.
    """

    first: ProblemData
    years_data: tuple[ProblemData, ...]
    running: np.ndarray  # (P,) running cost per unit per year after commissioning
    growth: np.ndarray  # (D,) yearly growth of each district's need (0 when off)
    weight: np.ndarray  # (T,) year weights delta_t / sum delta
    budgets: tuple[float, ...]
    staff: tuple[float, ...] | None
    discount_rate: float

    @property
    def years(self) -> int:
        """T, the length of the plan."""
        return len(self.years_data)

    @property
    def last(self) -> ProblemData:
        """The last year's data (MODEL.md: the v1 figures are reported for it)."""
        return self.years_data[-1]


def _resized(values: list[float], years: int) -> list[float]:
    """A scenario's yearly list for a plan of another length: cut, or the last repeated."""
    return (values + [values[-1]] * years)[:years]


def _yearly_budgets(scenario: Scenario, s: Settings, plan: PlanSettings, years: int) -> list:
    """Every year's budget: the plan's list, else the caller's (every year), else the
    scenario's; then the plan's budget growth, if any, from the first year's."""
    if plan.budget_by_year is not None:
        if len(plan.budget_by_year) != years:
            got = len(plan.budget_by_year)
            raise ScenarioError(
                [Problem("budget_by_year", "yearly_length", {"got": got, "years": years})]
            )
        return [float(b) for b in plan.budget_by_year]
    if s.budget is not None:
        budgets = [float(s.budget)] * years
    else:
        budgets = _resized(scenario.policy.yearly("budget") or [0.0], years)
    if plan.budget_growth:
        budgets = [budgets[0] * (1 + plan.budget_growth) ** t for t in range(years)]
    return budgets


def _yearly_staff(scenario: Scenario, s: Settings, plan: PlanSettings, years: int) -> list | None:
    """Every year's staff limit (None: no limit), like the budgets without growth."""
    if plan.staff_by_year is not None:
        if len(plan.staff_by_year) != years:
            got = len(plan.staff_by_year)
            raise ScenarioError(
                [Problem("staff_by_year", "yearly_length", {"got": got, "years": years})]
            )
        return [float(v) for v in plan.staff_by_year]
    if s.staff is not None:
        return None if s.staff == math.inf else [float(s.staff)] * years
    own = scenario.policy.yearly("staff")
    return None if own is None else _resized(own, years)


def plan_data(
    scenario: Scenario, settings: Settings | None = None, plan: PlanSettings | None = None
) -> PlanData:
    """The plan's data for a scenario under the caller's settings (bad ones raise
    ScenarioError, in words)."""
    s = settings or Settings()
    p = plan or PlanSettings()
    p.check()
    first = problem_data(scenario, s)
    years = p.years if p.years is not None else scenario.policy.years
    budgets = _yearly_budgets(scenario, s, p, years)
    staff = _yearly_staff(scenario, s, p, years)
    rate = float(p.discount_rate if p.discount_rate is not None else scenario.policy.discount_rate)
    assumed = p.need_growth or 0.0
    growth = np.array(
        [(d.growth or assumed) if p.growth else 0.0 for d in scenario.districts], dtype=float
    )
    share = p.running_share or 0.0
    running = [q.running_cost or share * q.unit_cost for q in scenario.programs]
    delta = (1.0 + rate) ** -np.arange(years, dtype=float)
    return PlanData(
        first=first,
        years_data=tuple(
            _year(first, t, years, growth, budgets[t], None if staff is None else staff[t])
            for t in range(years)
        ),
        running=np.array(running, dtype=float),
        growth=growth,
        weight=delta / delta.sum(),
        budgets=tuple(budgets),
        staff=None if staff is None else tuple(staff),
        discount_rate=rate,
    )


def _year(
    first: ProblemData, t: int, years: int, growth: np.ndarray, budget: float, staff: float | None
) -> ProblemData:
    """Year t + 1's single-year data (module doc): grown need, its budget and staff, the
    minimum units and the spend limits only in the last year."""
    last = t == years - 1
    if t == 0 and last:
        return replace(first, budget=budget, staff=staff)
    arr = first.arrays
    factor = (1.0 + growth) ** t  # (D,)
    need = arr.need * factor[:, None]
    pairs = first.pairs.copy()
    pairs["need"] = need.reshape(-1)
    pairs["base_served"] = np.minimum(need, arr.cap[None, :] * arr.base).reshape(-1)
    programs = first.programs
    if not last:
        pairs["lo"] = 0.0
        programs = programs.copy()
        programs["spend_min"] = np.nan
        programs["spend_max"] = np.nan
    return replace(first, pairs=pairs, programs=programs, budget=budget, staff=staff)
