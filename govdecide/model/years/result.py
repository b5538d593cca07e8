"""The result of a plan: what is commissioned where and when, and each year's figures.

Every figure comes from the units in service X_dpt with MODEL.md's definitions, year by
year through the single-year ones (``model.coverage``): s_dpt = min(need_dpt, cap_p U_dpt),
coverage, E_t, z_t; capital cost . x_t, running cost run . X_t-1, staff . X_t. The v1
figures of the last year (MODEL.md: "besides the v1 figures for the last year") are the
single-year result of the last year's data with the plan's units (``final``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from govdecide.model.coverage import objective_value, plan_coverage
from govdecide.model.result import Result, empty_result, evaluate
from govdecide.model.years.data import PlanData

TOL = 1e-6
YEAR_COLUMNS = (
    "year", "budget", "capital", "running", "spend", "staff_limit", "staff_used",
    "efficiency", "equity", "objective", "weight", "people_served", "budget_binds",
    "staff_binds",
)  # fmt: skip
ALLOCATION_COLUMNS = (
    "year", "district", "program", "new_units", "units_in_service", "served", "need",
    "coverage", "capital", "running", "staff",
)  # fmt: skip


@dataclass(frozen=True)
class PlanResult:
    """What a plan's solve gives: status, the plan year by year, and its proven bound."""

    status: str
    method: str
    years: int
    objective: float | None
    bound: float | None
    gap: float | None
    equity_weight: float
    year_figures: pd.DataFrame  # YEAR_COLUMNS, one row per year
    allocation: pd.DataFrame  # ALLOCATION_COLUMNS, one row per (year, district, program)
    district_years: pd.DataFrame  # district, year, coverage, need, served
    final: Result  # the v1 figures of the last year
    diagnosis: Any = None  # years.diagnosis.PlanDiagnosis when infeasible
    timings: dict[str, float] = field(default_factory=dict)
    units: np.ndarray | None = None  # (T, D, P) new units in service

    @property
    def has_solution(self) -> bool:
        """True when there is a plan to show (optimal or stopped with one)."""
        return self.status in ("optimal", "feasible")

    def status_text(self, lang: str = "en") -> str:
        """The status in words, and no more than is proven: the single-year result's
        words (``Result.status_text``) for the plan's status and gap."""
        return replace(self.final, status=self.status, gap=self.gap).status_text(lang)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the headline, a ``years`` list and the allocation by year."""
        has = self.has_solution
        return {
            "status": self.status,
            "status_text": self.status_text("en"),
            "method": self.method,
            "years_count": self.years,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "equity_weight": self.equity_weight,
            "years": self.year_figures.to_dict(orient="records") if has else [],
            "allocation": self.allocation.to_dict(orient="records") if has else [],
            "diagnosis": None if self.diagnosis is None else self.diagnosis.to_dict(),
            "timings_s": self.timings,
        }


def plan_objective(data: PlanData, units: np.ndarray) -> float:
    """MODEL.md v1.1's objective of a plan: sum_t w_t ((1 - lambda) E_t + lambda z_t)."""
    lam = data.first.equity_weight
    total = 0.0
    for k, year in enumerate(data.years_data):
        cov = plan_coverage(year.arrays, units[k])
        total += data.weight[k] * objective_value(cov.efficiency, cov.equity, lam)
    return float(total)


def yearly_spend(data: PlanData, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(capital, running) per year: cost . (X_t - X_t-1) and run . X_t-1, (T,) each."""
    arr = data.first.arrays
    before = np.concatenate((np.zeros_like(units[:1]), units[:-1]))
    capital = ((units - before) * arr.cost[None, None, :]).sum(axis=(1, 2))
    running = (before * data.running[None, None, :]).sum(axis=(1, 2))
    return capital, running


def evaluate_plan(
    data: PlanData,
    units: np.ndarray,
    *,
    status: str,
    method: str,
    bound: float | None,
    timings: dict[str, float],
    precision: float = 0.0,
    gap_asked: float | None = None,
) -> PlanResult:
    """Every figure of a plan from its units in service, and its honest status.

    "optimal" only when the gap to ``bound`` is within the one asked (``gap_asked``,
    else the data's), allowing the solver's ``precision`` as the single-year rule does.
    """
    objective = plan_objective(data, units)
    gap_asked = data.first.gap if gap_asked is None else gap_asked
    status, bound, gap = _honest(status, objective, bound, gap_asked, precision)
    last = data.last
    final = evaluate(
        last, units[-1], status=status, method=method, solver=last.solver, bound=None,
        budget_marginal_value=None, timings={},
    )  # fmt: skip
    return PlanResult(
        status=status,
        method=method,
        years=data.years,
        objective=objective,
        bound=bound,
        gap=gap,
        equity_weight=data.first.equity_weight,
        year_figures=_year_frame(data, units),
        allocation=_allocation_frame(data, units),
        district_years=_district_frame(data, units),
        final=final,
        timings=timings,
        units=units,
    )


def _honest(
    status: str, objective: float, bound: float | None, asked: float, precision: float
) -> tuple[str, float | None, float | None]:
    """(status, bound, gap): the bound kept only when it is one (not below the plan beyond
    rounding), "optimal" only within the gap asked (status.honest_status's rule)."""
    slack = precision + 1e-9 * abs(objective)
    if bound is not None and (not math.isfinite(bound) or bound < objective - slack):
        return "feasible", None, None
    if bound is None:
        return "feasible", None, None
    bound = max(bound, objective)
    gap = max(0.0, bound - objective) / max(abs(bound), 1e-12)
    gap = 0.0 if gap < 1e-9 else gap
    if gap <= asked:
        return status if status in ("optimal", "feasible") else "feasible", bound, gap
    beyond = max(0.0, bound - objective - precision) / max(abs(bound), 1e-300)
    if beyond <= asked:
        return "optimal", bound, beyond
    return "feasible", bound, gap


def _year_frame(data: PlanData, units: np.ndarray) -> pd.DataFrame:
    """One row per year: YEAR_COLUMNS."""
    arr = data.first.arrays
    capital, running = yearly_spend(data, units)
    lam = data.first.equity_weight
    rows = []
    cheapest = arr.cost[arr.cost > 0].min() if (arr.cost > 0).any() else math.inf
    whole = bool((arr.integer | (arr.cost == 0)).all())
    for k, year in enumerate(data.years_data):
        cov = plan_coverage(year.arrays, units[k])
        spend = float(capital[k] + running[k])
        staff_used = float((units[k] * arr.staff[None, :]).sum())
        budget = data.budgets[k]
        limit = None if data.staff is None else data.staff[k]
        left = budget - spend
        rows.append(
            {
                "year": k + 1,
                "budget": budget,
                "capital": float(capital[k]),
                "running": float(running[k]),
                "spend": spend,
                "staff_limit": limit,
                "staff_used": staff_used,
                "efficiency": cov.efficiency,
                "equity": cov.equity,
                "objective": objective_value(cov.efficiency, cov.equity, lam),
                "weight": float(data.weight[k]),
                "people_served": float(cov.served.sum()),
                "budget_binds": bool(_tight(spend, budget) or (whole and left < cheapest)),
                "staff_binds": bool(limit is not None and _tight(staff_used, limit)),
            }
        )
    return pd.DataFrame(rows, columns=list(YEAR_COLUMNS))


def _tight(value: float, limit: float) -> bool:
    return abs(value - limit) <= TOL * max(1.0, abs(limit))


def _allocation_frame(data: PlanData, units: np.ndarray) -> pd.DataFrame:
    """One row per (year, district, program): ALLOCATION_COLUMNS."""
    arr = data.first.arrays
    n_t, n_d, n_p = units.shape
    before = np.concatenate((np.zeros_like(units[:1]), units[:-1]))
    served = np.stack(
        [plan_coverage(y.arrays, units[k]).served for k, y in enumerate(data.years_data)]
    )
    share = np.stack(
        [plan_coverage(y.arrays, units[k]).share for k, y in enumerate(data.years_data)]
    )
    need = np.stack([y.arrays.need for y in data.years_data])
    return pd.DataFrame(
        {
            "year": np.repeat(np.arange(1, n_t + 1), n_d * n_p),
            "district": np.tile(np.repeat(np.asarray(arr.districts, dtype=object), n_p), n_t),
            "program": np.tile(np.asarray(arr.programs, dtype=object), n_t * n_d),
            "new_units": (units - before).reshape(-1),
            "units_in_service": (arr.base[None] + units).reshape(-1),
            "served": served.reshape(-1),
            "need": need.reshape(-1),
            "coverage": share.reshape(-1),
            "capital": ((units - before) * arr.cost[None, None, :]).reshape(-1),
            "running": (before * data.running[None, None, :]).reshape(-1),
            "staff": (units * arr.staff[None, None, :]).reshape(-1),
        }
    )


def _district_frame(data: PlanData, units: np.ndarray) -> pd.DataFrame:
    """One row per (district, year): weighted coverage, need and people served."""
    arr = data.first.arrays
    frames = []
    for k, year in enumerate(data.years_data):
        cov = plan_coverage(year.arrays, units[k])
        frames.append(
            pd.DataFrame(
                {
                    "district": np.asarray(arr.districts, dtype=object),
                    "year": k + 1,
                    "coverage": cov.district,
                    "need": year.arrays.need.sum(axis=1),
                    "served": cov.served.sum(axis=1),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def empty_plan(
    data: PlanData,
    status: str,
    method: str,
    timings: dict[str, float],
    diagnosis: Any = None,
    bound: float | None = None,
) -> PlanResult:
    """A result with no plan to show (infeasible, no plan in time, error)."""
    final = empty_result(data.last, status, method, data.first.solver, {}, None, None)
    return PlanResult(
        status=status,
        method=method,
        years=data.years,
        objective=None,
        bound=bound,
        gap=None,
        equity_weight=data.first.equity_weight,
        year_figures=pd.DataFrame(columns=list(YEAR_COLUMNS)),
        allocation=pd.DataFrame(columns=list(ALLOCATION_COLUMNS)),
        district_years=pd.DataFrame(columns=["district", "year", "coverage", "need", "served"]),
        final=final,
        diagnosis=diagnosis,
        timings=timings,
    )


def from_single(data: PlanData, result: Result) -> PlanResult:
    """A one-year plan from the single-year result (the v1 optimum, exactly)."""
    if not result.has_solution:
        plan = empty_plan(data, result.status, result.method, result.timings, None, result.bound)
        return replace(plan, final=result, diagnosis=result.diagnosis)
    units = (
        result.allocation["new_units"]
        .to_numpy(dtype=float)
        .reshape(1, *data.first.arrays.need.shape)
    )
    plan = evaluate_plan(
        data, units, status=result.status, method=result.method, bound=result.bound,
        timings=result.timings,
    )  # fmt: skip
    # the single-year engine's own status, bound and gap: the v1 result, exactly
    return replace(plan, status=result.status, gap=result.gap, bound=result.bound, final=result)
