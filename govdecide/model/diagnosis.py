"""Why a model is infeasible, and the smallest changes that make it feasible.

An elastic copy of the model adds a slack to the constraints a policymaker can change
(MODEL.md 3, 4, 5 and 7: budget, staff, unit bounds, program spend limits) and minimizes
the slacks, each weighted by the size of what it relaxes so that "raise the budget by 1%"
and "lower one minimum by 1%" weigh alike. It is solved once per kind of relaxation on its
own (each feasible one is an alternative: "raise the budget ..., or lower the minimum
..."), when no single kind suffices once per pair of kinds, and when no pair suffices once
with all kinds together. Limits are rounded outward for people to read (whole units for
programs with whole units), each option is checked by a solve to suffice after rounding,
and options are listed smallest first.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import replace

import pulp

from govdecide.i18n import t
from govdecide.model import solvers
from govdecide.model.problem import ProblemData
from govdecide.model.result import Diagnosis, Relaxation, relaxation_text

FAMILIES = ("budget", "staff", "unit_min", "unit_max", "spend_min", "spend_max")
EPS = 1e-7


def _elastic(data: ProblemData, families: tuple[str, ...]) -> tuple[pulp.LpProblem, dict]:
    """The feasibility problem with slack on ``families`` only; returns the slack vars."""
    prob = pulp.LpProblem("govdecide_elastic", pulp.LpMinimize)
    programs, pairs = data.programs, data.pairs
    keys = list(pairs.index)
    x = {}
    for key in keys:
        integer = bool(programs.at[key[1], "integer"])
        hi = pairs.at[key, "hi"]
        x[key] = prob.add_variable(
            "x__" + "__".join(key),
            lowBound=0,
            upBound=None if "unit_max" in families or math.isinf(hi) else float(hi),
            cat="Integer" if integer else "Continuous",
        )
    slack: dict[tuple, pulp.LpVariable] = {}
    cost_terms = []

    def new_slack(name: str, key: tuple, scale: float) -> pulp.LpVariable:
        var = prob.add_variable(name, lowBound=0)
        slack[key] = var
        cost_terms.append(var / max(scale, 1.0))
        return var

    cost = programs["unit_cost"]
    staff = programs["staff"]
    spend = pulp.lpSum(float(cost[p]) * x[(d, p)] for d, p in keys if cost[p])
    rhs = spend
    if "budget" in families:
        rhs = spend - new_slack("s_budget", ("budget",), data.budget)
    prob += rhs <= data.budget, "budget"
    if data.staff is not None:
        used = pulp.lpSum(float(staff[p]) * x[(d, p)] for d, p in keys if staff[p])
        if "staff" in families:
            used = used - new_slack("s_staff", ("staff",), data.staff)
        prob += used <= data.staff, "staff"
    for key in keys:
        lo, hi = float(pairs.at[key, "lo"]), float(pairs.at[key, "hi"])
        if lo > 0:
            expr = x[key]
            if "unit_min" in families:
                expr = expr + new_slack("s_min__" + "__".join(key), ("unit_min",) + key, lo)
            prob += expr >= lo, "unit_min__" + "__".join(key)
        if "unit_max" in families and not math.isinf(hi):
            prob += (
                x[key] - new_slack("s_max__" + "__".join(key), ("unit_max",) + key, hi) <= hi,
                ("unit_max__" + "__".join(key)),
            )
    for p, row in programs.iterrows():
        total = pulp.lpSum(float(cost[p]) * x[(d, q)] for d, q in keys if q == p and cost[p])
        smin, smax = row["spend_min"], row["spend_max"]
        if smin is not None and not math.isnan(smin):
            expr = total
            if "spend_min" in families:
                expr = expr + new_slack(f"s_smin__{p}", ("spend_min", p), smin)
            prob += expr >= float(smin), f"spend_min__{p}"
        if smax is not None and not math.isnan(smax):
            expr = total
            if "spend_max" in families:
                expr = expr - new_slack(f"s_smax__{p}", ("spend_max", p), smax)
            prob += expr <= float(smax), f"spend_max__{p}"
    prob.setObjective(pulp.lpSum(cost_terms) if cost_terms else pulp.LpAffineExpression())
    return prob, slack


def _step(value: float) -> float:
    """The rounding step of a relaxed limit: 4 significant digits, between 0.01 and 1.

    A limit of 5,359.2 becomes 5,360 (whole units), one of 12.534 becomes 12.54: precise
    enough to be the smallest change, coarse enough to read, and never finer than the two
    decimals a sentence shows.
    """
    magnitude = abs(value)
    if magnitude < 1e-12:
        return 0.01
    step = 10.0 ** (math.floor(math.log10(magnitude)) - 3)
    return min(1.0, max(0.01, step))


def _round_up(value: float, whole: bool = False) -> float:
    """``value`` rounded up to its step (or to a whole number), so a raise suffices."""
    step = 1.0 if whole else _step(value)
    return round(math.ceil(value / step - EPS) * step, 10)


def _round_down(value: float, whole: bool = False) -> float:
    """``value`` rounded down to its step (or to a whole number), so a cut suffices."""
    step = 1.0 if whole else _step(value)
    return max(0.0, round(math.floor(value / step + EPS) * step, 10))


def _relaxations(data: ProblemData, slack: dict) -> tuple[Relaxation, ...]:
    """Read the nonzero slacks as changes, rounded outward so that they suffice.

    Unit bounds of programs with whole units are rounded to whole units; every other limit
    to its :func:`_step` (a continuous minimum of 1 that must drop by 0.048 becomes 0.95,
    not 0).
    """
    out = []
    for key, var in slack.items():
        amount = var.varValue or 0.0
        if amount <= EPS:
            continue
        family = key[0]
        if family == "budget":
            out.append(Relaxation("budget", data.budget, _round_up(data.budget + amount)))
        elif family == "staff":
            current = data.staff or 0.0
            out.append(Relaxation("staff", current, _round_up(current + amount)))
        elif family in ("unit_min", "unit_max"):
            d, p = key[1], key[2]
            whole = bool(data.programs.at[p, "integer"])
            col = "lo" if family == "unit_min" else "hi"
            current = float(data.pairs.at[(d, p), col])
            if family == "unit_min":
                needed = _round_down(current - amount, whole)
            else:
                needed = _round_up(current + amount, whole)
            out.append(Relaxation(family, current, needed, district=d, program=p))
        else:
            p = key[1]
            current = float(data.programs.at[p, family])
            needed = (
                _round_down(current - amount)
                if family == "spend_min"
                else _round_up(current + amount)
            )
            out.append(Relaxation(family, current, needed, program=p))
    return tuple(
        sorted(out, key=lambda r: (FAMILIES.index(r.family), r.district or "", r.program or ""))
    )


def _size(option: tuple[Relaxation, ...]) -> float:
    """How big an option is: the sum of its relative changes (what the elastic minimizes)."""
    return sum(abs(r.needed - r.current) / max(abs(r.current), 1.0) for r in option)


def relaxed_data(data: ProblemData, option: tuple[Relaxation, ...]) -> ProblemData:
    """The model's data with one option's relaxations applied."""
    budget, staff = data.budget, data.staff
    pairs, programs = data.pairs.copy(), data.programs.copy()
    for r in option:
        if r.family == "budget":
            budget = r.needed
        elif r.family == "staff":
            staff = r.needed
        elif r.family in ("unit_min", "unit_max"):
            pairs.at[(r.district, r.program), "lo" if r.family == "unit_min" else "hi"] = r.needed
        else:
            programs.at[r.program, r.family] = r.needed
    return replace(data, budget=budget, staff=staff, pairs=pairs, programs=programs)


def suffices(data: ProblemData, option: tuple[Relaxation, ...], time_limit_s: float) -> bool:
    """True when the model with ``option`` applied has an allocation (checked by a solve).

    The elastic solve finds the changes; this check makes sure that, after rounding for
    people, the sentence we print really is enough.
    """
    prob, _ = _elastic(relaxed_data(data, option), ())
    return solvers.run(prob, data.solver, time_limit_s=time_limit_s, gap=1e-6).has_solution


def _option(
    data: ProblemData, families: tuple[str, ...], time_limit_s: float
) -> tuple[Relaxation, ...] | None:
    """The smallest relaxation using only ``families``, or None if they cannot suffice."""
    prob, slack = _elastic(data, families)
    if not slack:
        return None
    outcome = solvers.run(prob, data.solver, time_limit_s=time_limit_s, gap=1e-6)
    if not outcome.has_solution:
        return None
    relax = _relaxations(data, slack)
    if not relax or not suffices(data, relax, time_limit_s):
        return None
    return relax


def diagnose(data: ProblemData, time_limit_s: float = 10.0) -> Diagnosis:
    """Ways out of infeasibility, smallest first.

    Each kind of change on its own first (each that suffices is an alternative); when none
    does, each pair of kinds; when no pair does either, all kinds together. Every option is
    the smallest of its kinds (minimum weighted slack) and is checked to suffice.
    """
    options: list[tuple[Relaxation, ...]] = []
    for family in FAMILIES:
        option = _option(data, (family,), time_limit_s)
        if option is not None:
            options.append(option)
    if not options:
        for pair in itertools.combinations(FAMILIES, 2):
            option = _option(data, pair, time_limit_s)
            if option is not None and len({r.family for r in option}) == 2:
                options.append(option)
    if not options:
        option = _option(data, FAMILIES, time_limit_s)
        if option is not None:
            options.append(option)
    options.sort(key=_size)
    return Diagnosis(tuple(options))


def diagnosis_text(
    diagnosis: Diagnosis | None, lang: str = "en", names: Mapping[str, str] | None = None
) -> str:
    """The whole diagnosis as one sentence a person reads aloud.

    "Raise the budget from 5,120 to 5,360, or lower the minimum of clinics in North from 3
    to 1." Options are joined by "or" (by "; or" when an option has several changes), the
    changes within one option by "and"; names are
    display names (:func:`govdecide.io.scenario.display_names`). Empty when there is nothing
    to say (no diagnosis, or no relaxation of the limits suffices).
    """
    if diagnosis is None or not diagnosis.options:
        return ""
    names = dict(names or {})
    joiner_and = t("dx.and", lang)
    clauses = [
        joiner_and.join(relaxation_text(r, lang, names) for r in option)
        for option in diagnosis.options
    ]
    # "a, or b" reads well; with "and" inside the options, "a and b; or c and d" does
    several = any(len(option) > 1 for option in diagnosis.options)
    text = t("dx.or_multi" if several else "dx.or", lang).join(clauses)
    return t("dx.sentence", lang, text=text[:1].upper() + text[1:])
