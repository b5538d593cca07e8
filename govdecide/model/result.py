"""The result of a solve: status in plain words, the allocation and what it means.

Every figure is computed from the new units x_dp with MODEL.md's definitions, the same way
for every solve method: s_dp = min(need_dp, cap_p (base_dp + x_dp)) (the most a solution
can serve, which the optimum reaches whenever it matters), coverage, E, z, the objective,
spend and staff. So the app, the command line and the tests agree to the digit.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from govdecide.i18n import fmt_gap, fmt_num, t
from govdecide.model.coverage import Coverage, coverage_of, objective_value, plan_coverage
from govdecide.model.problem import Arrays, ProblemData

TOL = 1e-6
# the columns of Result.allocation, in order (an empty result has the same columns)
ALLOCATION_COLUMNS = (
    "district",
    "program",
    "new_units",
    "served",
    "need",
    "coverage_before",
    "coverage_after",
    "spend",
    "staff",
)


@dataclass(frozen=True)
class Binding:
    """A constraint that holds with equality at the solution."""

    family: str  # budget | staff | spend_min | spend_max | unit_min | unit_max
    district: str | None = None
    program: str | None = None
    value: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: family, district, program, value."""
        return asdict(self)


@dataclass(frozen=True)
class Relaxation:
    """One change that, with the others of its option, makes an infeasible model feasible."""

    family: str  # budget | staff | unit_min | unit_max | spend_min | spend_max
    current: float
    needed: float
    district: str | None = None
    program: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: what changes (family, district, program), from and to."""
        keys = ("family", "district", "program", "current", "needed")
        return {k: getattr(self, k) for k in keys}


@dataclass(frozen=True)
class Diagnosis:
    """Ways out of infeasibility: each option is a set of relaxations that together suffice."""

    options: tuple[tuple[Relaxation, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"options": [[r.to_dict() for r in opt] for opt in self.options]}


@dataclass(frozen=True)
class Result:
    """What one solve gives: status, allocation frames and the headline figures."""

    status: str
    method: str
    solver: str
    allocation: pd.DataFrame
    districts: pd.DataFrame
    programs: pd.DataFrame
    efficiency: float | None = None
    equity: float | None = None
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    budget: float = 0.0
    budget_used: float | None = None
    staff: float | None = None
    staff_used: float | None = None
    people_newly_served: float | None = None
    equity_weight: float = 0.0
    binding: tuple[Binding, ...] = ()
    budget_marginal_value: float | None = None
    budget_marginal_basis: str = "lp_relaxation"
    diagnosis: Diagnosis | None = None
    timings: dict[str, float] = field(default_factory=dict)
    efficiency_before: float | None = None
    equity_before: float | None = None
    # structured method: (seconds since the start, best objective, proven bound) each time
    # either improved, so a benchmark can read the time to reach a gap
    trace: tuple[tuple[float, float, float], ...] = ()

    @property
    def has_solution(self) -> bool:
        """True when there is an allocation to show (optimal or stopped with a solution)."""
        return self.status in ("optimal", "feasible")

    def status_text(self, lang: str = "en") -> str:
        """The status in words a policymaker understands, and no more than is proven:
        "the best possible" only at a proven gap of 0, else "proven within" the gap."""
        if self.status == "feasible":
            if self.gap is None:
                return t("status.feasible_nogap", lang)
            return t("status.feasible", lang, gap=fmt_gap(self.gap, lang))
        if self.status == "optimal" and self.gap:
            return t("status.optimal_within", lang, gap=fmt_gap(self.gap, lang))
        return t(f"status.{self.status}", lang)

    def method_text(self, lang: str = "en") -> str:
        """How the allocation was computed, in words (lp, milp or structured)."""
        return t(f"method.{self.method}", lang)

    def marginal_basis_text(self, lang: str = "en") -> str:
        """What the budget's marginal value is based on, in words.

        An LP's own budget dual is exact at the margin; a MILP's is the LP relaxation's; the
        structured method's is the budget's Lagrange multiplier. Callers should say which.
        """
        return t(f"basis.{self.marginal_basis}", lang)

    @property
    def marginal_basis(self) -> str:
        """``lp`` (a pure LP's own dual), ``lp_relaxation`` or ``lagrangian``."""
        basis = self.budget_marginal_basis
        return "lp" if basis == "lp_relaxation" and self.method == "lp" else basis

    def diagnosis_sentences(
        self, lang: str = "en", names: dict[str, str] | None = None
    ) -> list[str]:
        """The diagnosis as sentences: one per option, relaxations joined by 'and'."""
        if self.diagnosis is None:
            return []
        names = names or {}
        out = []
        for option in self.diagnosis.options:
            parts = [relaxation_text(r, lang, names) for r in option]
            out.append(t("diag.and", lang).join(parts))
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output (the command line's ``--format json``)."""
        rows = self.allocation.to_dict(orient="records") if self.has_solution else []
        return {
            "status": self.status,
            "status_text": self.status_text("en"),
            "method": self.method,
            "solver": self.solver,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "efficiency": self.efficiency,
            "equity": self.equity,
            "equity_weight": self.equity_weight,
            "budget": self.budget,
            "spend": self.budget_used,
            "staff": self.staff,
            "staff_used": self.staff_used,
            "people_newly_served": self.people_newly_served,
            "budget_marginal_value": self.budget_marginal_value,
            "budget_marginal_basis": self.budget_marginal_basis,
            "method_text": self.method_text("en"),
            "binding": [b.to_dict() for b in self.binding],
            "allocation": rows,
            "diagnosis": None
            if self.diagnosis is None
            else self.diagnosis.to_dict() | {"sentences": self.diagnosis_sentences("en")},
            "timings_s": self.timings,
            "trace": [list(p) for p in self.trace],
        }


def relaxation_text(r: Relaxation, lang: str, names: dict[str, str]) -> str:
    """One relaxation as a clause: 'raise the budget from 5,000 to 5,360'."""

    def name(ident: str | None) -> str:
        return names.get(ident or "", ident or "")

    digits = 0 if float(r.current).is_integer() and float(r.needed).is_integer() else 2
    return t(
        f"diag.{r.family}",
        lang,
        current=fmt_num(r.current, lang, digits),
        needed=fmt_num(r.needed, lang, digits),
        district=name(r.district),
        program=name(r.program),
    )


def as_matrix(data: ProblemData, x: object) -> np.ndarray:
    """New units as a (D, P) array in ``data.arrays`` order, from a dict, Series or array."""
    arr = data.arrays
    shape = arr.need.shape
    if isinstance(x, np.ndarray):
        return np.asarray(x, dtype=float).reshape(shape)
    if isinstance(x, pd.Series):
        x = x.to_dict()
    if not isinstance(x, dict):
        raise TypeError("x must be a dict keyed by (district, program), a Series or an array")
    d_pos = {d: i for i, d in enumerate(arr.districts)}
    p_pos = {p: j for j, p in enumerate(arr.programs)}
    out = np.zeros(shape)
    for (d, p), v in x.items():
        out[d_pos[d], p_pos[p]] = 0.0 if v is None else float(v)
    return out


def evaluate(
    data: ProblemData,
    x: object,
    *,
    status: str,
    method: str,
    solver: str,
    bound: float | None,
    budget_marginal_value: float | None,
    timings: dict[str, float],
    budget_marginal_basis: str = "lp_relaxation",
) -> Result:
    """Every reported figure from the new units x (see the module docstring).

    ``x`` is a dict keyed by (district, program), a Series with that index, or a (D, P)
    array in ``data.arrays`` order. All arithmetic is on numpy arrays (``coverage``); the
    frames are assembled once at the end (pandas per-row work took longer than the solve
    on small scenarios).
    """
    arr = data.arrays
    xm = as_matrix(data, x)
    after = plan_coverage(arr, xm)
    before = coverage_of(arr, arr.base_served)
    spend = xm * arr.cost[None, :]
    staff = xm * arr.staff[None, :]
    lam = data.equity_weight
    objective = objective_value(after.efficiency, after.equity, lam)
    served_before_d = arr.base_served.sum(axis=1)
    spend_total = float(spend.sum())
    staff_used = float(staff.sum())
    return Result(
        status=status,
        method=method,
        solver=solver,
        allocation=_allocation_frame(arr, xm, after, before, spend, staff),
        districts=_district_frame(data, xm, after, before, spend, staff),
        programs=_program_frame(arr, xm, after, spend, staff),
        efficiency=after.efficiency,
        equity=after.equity,
        objective=objective,
        bound=bound,
        gap=_gap(bound, objective),
        budget=data.budget,
        budget_used=spend_total,
        staff=data.staff,
        staff_used=staff_used,
        people_newly_served=float(after.served.sum(axis=1).sum() - served_before_d.sum()),
        equity_weight=lam,
        binding=tuple(_binding(data, xm, spend.sum(axis=0), spend_total, staff_used)),
        budget_marginal_value=budget_marginal_value,
        budget_marginal_basis=budget_marginal_basis,
        timings=timings,
        efficiency_before=before.efficiency,
        equity_before=before.equity,
    )


def _gap(bound: float | None, objective: float) -> float | None:
    """(bound - objective) / |bound|, clamped at 0 (a bound below the plan is rounding)."""
    if bound is None or not math.isfinite(bound):
        return None
    gap = max(0.0, bound - objective) / max(abs(bound), 1e-12)
    return 0.0 if gap < 1e-9 else gap


def _allocation_frame(
    arr: Arrays,
    xm: np.ndarray,
    after: Coverage,
    before: Coverage,
    spend: np.ndarray,
    staff: np.ndarray,
) -> pd.DataFrame:
    """One row per (district, program): ``ALLOCATION_COLUMNS``."""
    n_d, n_p = xm.shape
    return pd.DataFrame(
        {
            "district": np.repeat(np.asarray(arr.districts, dtype=object), n_p),
            "program": np.tile(np.asarray(arr.programs, dtype=object), n_d),
            "new_units": xm.reshape(-1),
            "served": after.served.reshape(-1),
            "need": arr.need.reshape(-1),
            "coverage_before": before.share.reshape(-1),
            "coverage_after": after.share.reshape(-1),
            "spend": spend.reshape(-1),
            "staff": staff.reshape(-1),
        }
    )


def _district_frame(
    data: ProblemData,
    xm: np.ndarray,
    after: Coverage,
    before: Coverage,
    spend: np.ndarray,
    staff: np.ndarray,
) -> pd.DataFrame:
    """One row per district: units, spend, staff, need, people and weighted coverage."""
    arr = data.arrays
    served_before = arr.base_served.sum(axis=1)
    served = after.served.sum(axis=1)
    return pd.DataFrame(
        {
            "district": np.asarray(arr.districts, dtype=object),
            "population": data.districts["population"].to_numpy(),
            "new_units": xm.sum(axis=1),
            "spend": spend.sum(axis=1),
            "staff": staff.sum(axis=1),
            "need": arr.need.sum(axis=1),
            "served_before": served_before,
            "served": served,
            "coverage_before": before.district,
            "coverage_after": after.district,
            "newly_served": served - served_before,
        }
    )


def _program_frame(
    arr: Arrays, xm: np.ndarray, after: Coverage, spend: np.ndarray, staff: np.ndarray
) -> pd.DataFrame:
    """One row per program: units, spend, staff, need and people served."""
    served_before = arr.base_served.sum(axis=0)
    served = after.served.sum(axis=0)
    return pd.DataFrame(
        {
            "program": np.asarray(arr.programs, dtype=object),
            "new_units": xm.sum(axis=0),
            "spend": spend.sum(axis=0),
            "staff": staff.sum(axis=0),
            "need": arr.need.sum(axis=0),
            "served_before": served_before,
            "served": served,
            "newly_served": served - served_before,
        }
    )


def _binding(
    data: ProblemData,
    x: np.ndarray,
    prog_spend: np.ndarray,
    spend: float,
    staff_used: float,
) -> list[Binding]:
    """Constraints that hold with equality (within a small tolerance)."""
    out: list[Binding] = []
    arr = data.arrays

    def tight(value: float, limit: float) -> bool:
        return abs(value - limit) <= TOL * max(1.0, abs(limit))

    positive_cost = arr.cost[arr.cost > 0]
    # the budget binds when what is left cannot buy one more unit of anything useful
    if tight(spend, data.budget) or (
        positive_cost.size
        and data.budget - spend < float(positive_cost.min()) - TOL
        and spend > 0
        and bool((arr.integer | (arr.cost == 0)).all())
    ):
        out.append(Binding("budget", value=data.budget))
    if data.staff is not None and tight(staff_used, data.staff):
        out.append(Binding("staff", value=data.staff))
    for j, p in enumerate(arr.programs):
        for col, limits in (("spend_min", arr.spend_min), ("spend_max", arr.spend_max)):
            limit = float(limits[j])
            if not math.isnan(limit) and tight(float(prog_spend[j]), limit):
                out.append(Binding(col, program=p, value=limit))
    hi, lo = arr.hi, arr.lo
    finite_hi = np.isfinite(hi)
    at_max = finite_hi & (
        np.abs(x - np.where(finite_hi, hi, 0.0))
        <= TOL * np.maximum(np.abs(np.where(finite_hi, hi, 0.0)), 1.0)
    )
    at_min = ~at_max & (lo > 0) & (np.abs(x - lo) <= TOL * np.maximum(np.abs(lo), 1.0))
    for family, mask, limit in (("unit_max", at_max, hi), ("unit_min", at_min, lo)):
        for i, j in zip(*np.nonzero(mask), strict=True):
            out.append(
                Binding(
                    family,
                    district=arr.districts[i],
                    program=arr.programs[j],
                    value=float(limit[i, j]),
                )
            )
    return out


def empty_result(
    data: ProblemData,
    status: str,
    method: str,
    solver: str,
    timings: dict[str, float],
    diagnosis: Diagnosis | None = None,
    bound: float | None = None,
) -> Result:
    """A result with no allocation to show (infeasible, no solution in time, error)."""
    return Result(
        status=status,
        method=method,
        solver=solver,
        allocation=pd.DataFrame(columns=list(ALLOCATION_COLUMNS)),
        districts=pd.DataFrame(columns=["district"]),
        programs=pd.DataFrame(columns=["program"]),
        budget=data.budget,
        staff=data.staff,
        equity_weight=data.equity_weight,
        diagnosis=diagnosis,
        timings=timings,
        bound=bound,
    )
