"""The result of a solve: status in plain words, the allocation and what it means.

Every figure is computed from the new units x_dp with MODEL.md's definitions, the same way
for every solve method: s_dp = min(need_dp, cap_p (base_dp + x_dp)) (the most a solution
can serve, which the optimum reaches whenever it matters), coverage, E, z, the objective,
spend and staff. So the app, the command line and the tests agree to the digit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from govdecide.data import ProblemData
from govdecide.i18n import fmt_num, fmt_pct, t

TOL = 1e-6


@dataclass(frozen=True)
class Binding:
    """A constraint that holds with equality at the solution."""

    family: str  # budget | staff | spend_min | spend_max | unit_min | unit_max
    district: str | None = None
    program: str | None = None
    value: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "district": self.district,
            "program": self.program,
            "value": self.value,
        }


@dataclass(frozen=True)
class Relaxation:
    """One change that, with the others of its option, makes an infeasible model feasible."""

    family: str  # budget | staff | unit_min | unit_max | spend_min | spend_max
    current: float
    needed: float
    district: str | None = None
    program: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "district": self.district,
            "program": self.program,
            "current": self.current,
            "needed": self.needed,
        }


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

    @property
    def has_solution(self) -> bool:
        """True when there is an allocation to show (optimal or stopped with a solution)."""
        return self.status in ("optimal", "feasible")

    def status_text(self, lang: str = "en") -> str:
        """The status in words a policymaker understands."""
        if self.status == "feasible":
            if self.gap is None:
                return t("status.feasible_nogap", lang)
            return t("status.feasible", lang, gap=fmt_pct(self.gap, lang, 2))
        return t(f"status.{self.status}", lang)

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
            "binding": [b.to_dict() for b in self.binding],
            "allocation": rows,
            "diagnosis": None
            if self.diagnosis is None
            else self.diagnosis.to_dict() | {"sentences": self.diagnosis_sentences("en")},
            "timings_s": self.timings,
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


def _weighted_coverage(frame: pd.DataFrame, served: str) -> pd.Series:
    """Per district: sum_p w_p s_dp / W_d (1 where W_d is 0), MODEL.md constraint 6."""
    num = (frame["weight"] * frame[served]).groupby(level="district", sort=False).sum()
    den = (frame["weight"] * frame["need"]).groupby(level="district", sort=False).sum()
    cov = (num / den.where(den > 0)).fillna(1.0)
    return cov.clip(upper=1.0)


def evaluate(
    data: ProblemData,
    x: dict[tuple[str, str], float],
    *,
    status: str,
    method: str,
    solver: str,
    bound: float | None,
    budget_marginal_value: float | None,
    timings: dict[str, float],
    budget_marginal_basis: str = "lp_relaxation",
) -> Result:
    """Every reported figure from the new units x (see the module docstring)."""
    programs = data.programs
    frame = data.pairs.copy()
    frame["new_units"] = pd.Series(x).reindex(frame.index).fillna(0.0)
    prog = frame.index.get_level_values("program")
    frame["weight"] = programs["weight"].reindex(prog).to_numpy()
    cap = programs["capacity"].reindex(prog).to_numpy()
    frame["served"] = pd.concat(
        [frame["need"], cap * (frame["base"] + frame["new_units"])], axis=1
    ).min(axis=1)
    frame["spend"] = programs["unit_cost"].reindex(prog).to_numpy() * frame["new_units"]
    frame["staff"] = programs["staff"].reindex(prog).to_numpy() * frame["new_units"]
    has_need = frame["need"] > 0
    frame["coverage_before"] = (frame["base_served"] / frame["need"].where(has_need)).fillna(1.0)
    frame["coverage_after"] = (frame["served"] / frame["need"].where(has_need)).fillna(1.0)

    total_w = float((frame["weight"] * frame["need"]).sum())
    eff = float((frame["weight"] * frame["served"]).sum() / total_w)
    eff0 = float((frame["weight"] * frame["base_served"]).sum() / total_w)
    cov_after = _weighted_coverage(frame, "served")
    cov_before = _weighted_coverage(frame, "base_served")
    den = (frame["weight"] * frame["need"]).groupby(level="district", sort=False).sum()
    z = float(cov_after[den > 0].min()) if (den > 0).any() else 1.0
    z0 = float(cov_before[den > 0].min()) if (den > 0).any() else 1.0
    lam = data.equity_weight
    objective = (1 - lam) * eff + lam * z

    allocation = frame.reset_index()[
        [
            "district",
            "program",
            "new_units",
            "served",
            "need",
            "coverage_before",
            "coverage_after",
            "spend",
            "staff",
        ]
    ]
    grouped = frame.groupby(level="district", sort=False)
    districts = pd.DataFrame(
        {
            "population": data.districts["population"],
            "new_units": grouped["new_units"].sum(),
            "spend": grouped["spend"].sum(),
            "staff": grouped["staff"].sum(),
            "need": grouped["need"].sum(),
            "served_before": grouped["base_served"].sum(),
            "served": grouped["served"].sum(),
            "coverage_before": cov_before,
            "coverage_after": cov_after,
        }
    )
    districts["newly_served"] = districts["served"] - districts["served_before"]
    districts = districts.rename_axis("district").reset_index()
    by_prog = frame.groupby(level="program", sort=False)
    programs_out = pd.DataFrame(
        {
            "new_units": by_prog["new_units"].sum(),
            "spend": by_prog["spend"].sum(),
            "staff": by_prog["staff"].sum(),
            "need": by_prog["need"].sum(),
            "served_before": by_prog["base_served"].sum(),
            "served": by_prog["served"].sum(),
        }
    )
    programs_out["newly_served"] = programs_out["served"] - programs_out["served_before"]
    programs_out = programs_out.rename_axis("program").reset_index()

    spend = float(frame["spend"].sum())
    staff_used = float(frame["staff"].sum())
    binding = _binding(data, frame, spend, staff_used)
    gap = None
    if bound is not None and math.isfinite(bound):
        gap = max(0.0, bound - objective) / max(abs(bound), 1e-12)
        if gap < 1e-9:
            gap = 0.0
    return Result(
        status=status,
        method=method,
        solver=solver,
        allocation=allocation,
        districts=districts,
        programs=programs_out,
        efficiency=eff,
        equity=z,
        objective=objective,
        bound=bound,
        gap=gap,
        budget=data.budget,
        budget_used=spend,
        staff=data.staff,
        staff_used=staff_used,
        people_newly_served=float((frame["served"] - frame["base_served"]).sum()),
        equity_weight=lam,
        binding=tuple(binding),
        budget_marginal_value=budget_marginal_value,
        budget_marginal_basis=budget_marginal_basis,
        timings=timings,
        efficiency_before=eff0,
        equity_before=z0,
    )


def _binding(
    data: ProblemData, frame: pd.DataFrame, spend: float, staff_used: float
) -> list[Binding]:
    """Constraints that hold with equality (within a small tolerance)."""
    out: list[Binding] = []

    def tight(value: float, limit: float) -> bool:
        return abs(value - limit) <= TOL * max(1.0, abs(limit))

    programs = data.programs
    min_cost = programs.loc[programs["unit_cost"] > 0, "unit_cost"]
    # the budget binds when what is left cannot buy one more unit of anything useful
    if tight(spend, data.budget) or (
        not min_cost.empty
        and data.budget - spend < float(min_cost.min()) - TOL
        and spend > 0
        and (programs["integer"] | (programs["unit_cost"] == 0)).all()
    ):
        out.append(Binding("budget", value=data.budget))
    if data.staff is not None and tight(staff_used, data.staff):
        out.append(Binding("staff", value=data.staff))
    prog_spend = frame.groupby(level="program", sort=False)["spend"].sum()
    for p, row in programs.iterrows():
        for col in ("spend_min", "spend_max"):
            limit = row[col]
            if limit is not None and not (isinstance(limit, float) and math.isnan(limit)):
                if tight(float(prog_spend[p]), float(limit)):
                    out.append(Binding(col, program=str(p), value=float(limit)))
    units, hi, lo = frame["new_units"], frame["hi"], frame["lo"]
    at_max = (hi != math.inf) & ((units - hi).abs() <= TOL * hi.abs().clip(lower=1.0))
    at_min = ~at_max & (lo > 0) & ((units - lo).abs() <= TOL * lo.abs().clip(lower=1.0))
    for family, mask, limit in (("unit_max", at_max, hi), ("unit_min", at_min, lo)):
        for (d, p), value in limit[mask].items():
            out.append(Binding(family, district=str(d), program=str(p), value=float(value)))
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
    cols = [
        "district",
        "program",
        "new_units",
        "served",
        "need",
        "coverage_before",
        "coverage_after",
        "spend",
        "staff",
    ]
    return Result(
        status=status,
        method=method,
        solver=solver,
        allocation=pd.DataFrame(columns=cols),
        districts=pd.DataFrame(columns=["district"]),
        programs=pd.DataFrame(columns=["program"]),
        budget=data.budget,
        staff=data.staff,
        equity_weight=data.equity_weight,
        diagnosis=diagnosis,
        timings=timings,
        bound=bound,
    )
