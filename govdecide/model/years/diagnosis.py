"""Why a plan is infeasible, naming the year, and the smallest changes that make it feasible.

The single-year diagnosis's method (``model.diagnosis``), on the plan's own rows: an
elastic form of the plan gives a slack to each year's budget and staff, to the unit bounds
and to the spend limits, weighted by the size of what it relaxes, and minimizes them; one
kind of change at a time first (each that suffices is an alternative), then pairs of
kinds, then all. Limits are rounded outward as there, and each option is checked by a
solve to suffice. A year's budget that must rise is said with its cause when it is the
running costs: "raise year 3's budget from 1,000 to 1,240 (the running costs of the
units built before then take 1,180 of it)"; when those running costs alone are more than
the year's budget, it says by how much ("the running costs of the units the plan needs by
then exceed year 3's budget by 240: raise it from 1,000 to 1,240").
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from govdecide.i18n import fmt_num, t
from govdecide.model.diagnosis import FAMILIES, round_down, round_up
from govdecide.model.formulation import BUDGET, NO_LIMIT, SPEND_MAX, SPEND_MIN, STAFF
from govdecide.model.result import Relaxation, relaxation_text
from govdecide.model.solvers.common import MatrixForm
from govdecide.model.years.data import PlanData
from govdecide.model.years.highs_run import run_form

SOLVE_S = 10.0


@dataclass(frozen=True)
class PlanRelaxation:
    """One change of an option; ``year`` (from 1) for a year's budget or staff."""

    family: str  # budget | staff | unit_min | unit_max | spend_min | spend_max
    current: float
    needed: float
    year: int | None = None
    district: str | None = None
    program: str | None = None
    running: float | None = None  # that year's running costs in the elastic plan

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        keys = ("family", "year", "district", "program", "current", "needed", "running")
        return {k: getattr(self, k) for k in keys}


@dataclass(frozen=True)
class PlanDiagnosis:
    """Ways out of infeasibility, each a set of changes that together suffice."""

    options: tuple[tuple[PlanRelaxation, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "options": [[r.to_dict() for r in opt] for opt in self.options],
            "sentence": plan_diagnosis_text(self, "en"),
        }


class _Elastic:
    """The plan's rows with slacks on the families asked for (as arrays)."""

    def __init__(self, data: PlanData, families: tuple[str, ...]) -> None:
        from govdecide.model.years.formulation import PlanModel

        self.data = data
        self.model = PlanModel(data)
        form = self.model.matrix_form()
        self.n = form.lower.size
        self.lower, self.upper = form.lower.copy(), form.upper.copy()
        self.rows: list[tuple[np.ndarray, np.ndarray, float, float]] = []  # cols, coefs, lo, up
        self.slacks: list[tuple[tuple, float]] = []  # (key, weight)
        self.form = form
        self.extra_rows: dict[int, int] = {}  # row of the form -> slack column
        self._relax_rows(families)
        self._relax_bounds(families)

    def _slack(self, key: tuple, scale: float) -> int:
        self.slacks.append((key, 1.0 / max(scale, 1.0)))
        return self.n + len(self.slacks) - 1

    def _relax_rows(self, families: tuple[str, ...]) -> None:
        """Budget and staff of each year, the plan's spend limits: a slack per row."""
        form = self.form
        names = self.model.row_names()
        for family, start, end in self.model.row_families():
            if family not in (BUDGET, STAFF, SPEND_MIN, SPEND_MAX) or family not in families:
                continue
            for r in range(start, end):
                limit = form.row_upper[r] if family != SPEND_MIN else form.row_lower[r]
                if family == STAFF and limit >= NO_LIMIT:
                    continue
                year = int(names[r].rsplit("__y", 1)[1])
                program = names[r].split("__")[1] if family in (SPEND_MIN, SPEND_MAX) else None
                self.extra_rows[r] = self._slack((family, year, program), float(limit))

    def _relax_bounds(self, families: tuple[str, ...]) -> None:
        """Unit minimums (last year) and maximums (every year) as rows with slacks."""
        model, data = self.model, self.data
        last = model.x_cols(data.years - 1)
        arr = data.last.arrays
        lo, hi = arr.lo.reshape(-1), arr.hi.reshape(-1)
        for k, (d, p) in enumerate(model.pairs):
            if "unit_min" in families and lo[k] > 0:
                self.lower[last[k]] = 0.0
                s = self._slack(("unit_min", d, p), lo[k])
                self.rows.append((np.array([last[k], s]), np.array([1.0, 1.0]), lo[k], np.inf))
            if "unit_max" in families and math.isfinite(hi[k]):
                for t in range(data.years):
                    self.upper[model.x_cols(t)[k]] = np.inf
                s = self._slack(("unit_max", d, p), hi[k])
                self.rows.append(
                    (np.array([last[k], s]), np.array([1.0, -1.0]), -np.inf, float(hi[k]))
                )

    def form_with_slacks(self) -> MatrixForm:
        """The elastic problem: minimize the weighted slacks (as a maximum of minus them)."""
        form, n_s = self.form, len(self.slacks)
        index, value, starts = _with_slacks(form, self.extra_rows)
        row_lo, row_up = [form.row_lower], [form.row_upper]
        for cols, coefs, lo, up in self.rows:
            index.append(cols)
            value.append(coefs)
            starts.append(starts[-1] + cols.size)
            row_lo.append(np.array([lo]))
            row_up.append(np.array([up]))
        return MatrixForm(
            lower=np.concatenate((self.lower, np.zeros(n_s))),
            upper=np.concatenate((self.upper, np.full(n_s, np.inf))),
            integer=np.concatenate((form.integer, np.zeros(n_s, dtype=bool))),
            cost=np.concatenate((np.zeros(self.n), -np.array([w for _, w in self.slacks]))),
            maximize=True,
            starts=np.asarray(starts, dtype=np.int64),
            index=np.concatenate(index).astype(np.int64),
            value=np.concatenate(value).astype(float),
            row_lower=np.concatenate(row_lo),
            row_upper=np.concatenate(row_up),
        )


def _with_slacks(form: MatrixForm, extra: dict[int, int]) -> tuple[list, list, list]:
    """The form's rows as (index, value, starts) pieces, with one slack entry appended to
    each relaxed row: a slack loosens its row (minus on a <= row, plus on a >= row)."""
    idx: list[np.ndarray] = []
    val: list[np.ndarray] = []
    starts = [0]
    for r in range(form.starts.size - 1):
        a, b = int(form.starts[r]), int(form.starts[r + 1])
        idx.append(form.index[a:b])
        val.append(form.value[a:b])
        if r in extra:
            idx.append(np.array([extra[r]]))
            val.append(np.array([-1.0 if math.isinf(form.row_lower[r]) else 1.0]))
        starts.append(starts[-1] + (b - a) + (1 if r in extra else 0))
    return idx, val, starts


def _option(data: PlanData, families: tuple[str, ...]) -> tuple[PlanRelaxation, ...] | None:
    """The smallest relaxation using only ``families``, or None if they cannot suffice."""
    elastic = _Elastic(data, families)
    if not elastic.slacks:
        return None
    run = run_form(elastic.form_with_slacks(), time_limit_s=SOLVE_S, gap=1e-6)
    if run.values is None:
        return None
    option = _relaxations(data, elastic, run.values)
    if not option or not suffices(data, option):
        return None
    return option


def _relaxations(data: PlanData, elastic: _Elastic, values: np.ndarray) -> tuple:
    """The nonzero slacks as changes, rounded outward so that they suffice."""
    out = []
    units = elastic.model.units(values[: elastic.n])
    before = np.concatenate((np.zeros_like(units[:1]), units[:-1]))
    running = (before * data.running[None, None, :]).sum(axis=(1, 2))
    programs = data.last.programs
    for (key, _), amount in zip(elastic.slacks, values[elastic.n :].tolist(), strict=True):
        if amount <= 1e-7:
            continue
        family = key[0]
        if family in (BUDGET, STAFF):
            year = key[1]
            limits = data.budgets if family == BUDGET else (data.staff or ())
            cur = float(limits[year - 1])
            run = float(running[year - 1]) if family == BUDGET else None
            out.append(PlanRelaxation(family, cur, round_up(cur + amount), year, running=run))
        elif family in ("unit_min", "unit_max"):
            d, p = key[1], key[2]
            whole = bool(programs.at[p, "integer"])
            col = "lo" if family == "unit_min" else "hi"
            cur = float(data.last.pairs.at[(d, p), col])
            needed = (
                round_down(cur - amount, whole) if col == "lo" else round_up(cur + amount, whole)
            )
            out.append(PlanRelaxation(family, cur, needed, district=d, program=p))
        else:
            p = key[2]
            cur = float(programs.at[p, family])
            needed = round_down(cur - amount) if family == SPEND_MIN else round_up(cur + amount)
            out.append(PlanRelaxation(family, cur, needed, program=p))
    order = {f: i for i, f in enumerate(FAMILIES)}
    return tuple(sorted(out, key=lambda r: (order[r.family], r.year or 0, r.district or "")))


def relaxed_plan(data: PlanData, option: tuple[PlanRelaxation, ...]) -> PlanData:
    """The plan's data with one option's changes applied."""
    budgets, staff = list(data.budgets), None if data.staff is None else list(data.staff)
    years = list(data.years_data)
    for r in option:
        if r.family == BUDGET:
            budgets[r.year - 1] = r.needed  # type: ignore[operator]
        elif r.family == STAFF and staff is not None:
            staff[r.year - 1] = r.needed  # type: ignore[operator]
    for k, year in enumerate(years):
        pairs, programs = year.pairs, year.programs
        for r in option:
            if r.family == "unit_max" or (r.family == "unit_min" and k == len(years) - 1):
                pairs = pairs.copy() if pairs is year.pairs else pairs
                col = "lo" if r.family == "unit_min" else "hi"
                pairs.at[(r.district, r.program), col] = r.needed
            elif r.family in (SPEND_MIN, SPEND_MAX) and k == len(years) - 1:
                programs = programs.copy() if programs is year.programs else programs
                programs.at[r.program, r.family] = r.needed
        years[k] = replace(
            year, pairs=pairs, programs=programs, budget=budgets[k],
            staff=None if staff is None else staff[k],
        )  # fmt: skip
    return replace(
        data, years_data=tuple(years), budgets=tuple(budgets),
        staff=None if staff is None else tuple(staff),
    )  # fmt: skip


def suffices(data: PlanData, option: tuple[PlanRelaxation, ...]) -> bool:
    """True when the plan with ``option`` applied has a feasible plan (checked by a solve)."""
    relaxed = _Elastic(relaxed_plan(data, option), ())
    form = relaxed.form_with_slacks()
    return run_form(form, time_limit_s=SOLVE_S, gap=1e-6).values is not None


def diagnose_plan(data: PlanData) -> PlanDiagnosis:
    """Ways out of infeasibility, smallest first (the single-year order of trying)."""
    options: list[tuple[PlanRelaxation, ...]] = []
    for family in FAMILIES:
        option = _option(data, (family,))
        if option is not None:
            options.append(option)
    if not options:
        for pair in itertools.combinations(FAMILIES, 2):
            option = _option(data, pair)
            if option is not None and len({r.family for r in option}) == 2:
                options.append(option)
    if not options:
        option = _option(data, FAMILIES)
        if option is not None:
            options.append(option)
    options.sort(key=lambda o: sum(abs(r.needed - r.current) / max(abs(r.current), 1) for r in o))
    return PlanDiagnosis(tuple(options))


def relaxation_clause(r: PlanRelaxation, lang: str, names: Mapping[str, str]) -> str:
    """One change as a clause, naming the year for a budget or staff."""
    digits = 0 if float(r.current).is_integer() and float(r.needed).is_integer() else 2
    if r.family in (BUDGET, STAFF):
        fields = {
            "year": r.year,
            "current": fmt_num(r.current, lang, digits),
            "needed": fmt_num(r.needed, lang, digits),
        }
        if r.family == BUDGET and r.running and r.running > r.current:
            over = fmt_num(r.running - r.current, lang, digits)
            return t("plan.dx.budget_running_over", lang, over=over, **fields)
        if r.family == BUDGET and r.running and r.running > 0.5 * r.current:
            return t("plan.dx.budget_running", lang, running=fmt_num(r.running, lang, 0), **fields)
        return t(f"plan.dx.{r.family}", lang, **fields)
    single = Relaxation(r.family, r.current, r.needed, r.district, r.program)
    return relaxation_text(single, lang, dict(names))


def plan_diagnosis_text(
    diagnosis: Any, lang: str = "en", names: Mapping[str, str] | None = None
) -> str:
    """The whole diagnosis as one sentence; a one-year plan's is the single-year one."""
    if diagnosis is None or not diagnosis.options:
        return ""
    if not isinstance(diagnosis, PlanDiagnosis):
        from govdecide.model.diagnosis import diagnosis_text

        return diagnosis_text(diagnosis, lang, names)
    names = dict(names or {})
    clauses = [
        t("dx.and", lang).join(relaxation_clause(r, lang, names) for r in option)
        for option in diagnosis.options
    ]
    several = any(len(option) > 1 for option in diagnosis.options)
    text = t("dx.or_multi" if several else "dx.or", lang).join(clauses)
    return t("dx.sentence", lang, text=text[:1].upper() + text[1:])
