"""Why a model is infeasible, and the smallest changes that make it feasible.

An elastic form of the model adds a slack to the constraints a policymaker can change
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
from collections.abc import Callable, Mapping
from dataclasses import replace

import pulp

from govdecide.i18n import t
from govdecide.model import solvers
from govdecide.model.formulation import BUDGET, SPEND_MAX, SPEND_MIN, STAFF, AllocationModel, cname
from govdecide.model.problem import ProblemData
from govdecide.model.result import Diagnosis, Relaxation, relaxation_text

FAMILIES = ("budget", "staff", "unit_min", "unit_max", "spend_min", "spend_max")
EPS = 1e-7
_LE = pulp.LpConstraintLE
_GE = pulp.LpConstraintGE


def _elastic(data: ProblemData, families: tuple[str, ...]) -> tuple[pulp.LpProblem, dict]:
    """The model's own feasibility problem with slack on ``families``; and the slacks.

    Built from the model itself (``AllocationModel``, the same named rows): each row of
    a family that may be relaxed gets a slack, each slack weighted by the size of what it
    relaxes; unit bounds, variable bounds in the model, become named rows here so that
    they can take a slack too. Capacity, equity and hull rows stay: with no coverage they
    always hold, so they never make the elastic problem infeasible.
    """
    model = AllocationModel(data, lazy=False)
    prob = model.prob
    slack: dict[tuple, pulp.LpVariable] = {}
    cost: list[tuple[pulp.LpVariable, float]] = []

    def relax(con: pulp.LpConstraint, name: str, key: tuple, scale: float) -> None:
        """Give ``con`` a slack that loosens it (minus on a <= row, plus on a >= row)."""
        var = prob.add_variable(name, lowBound=0)
        con.addInPlace(var, -1 if con.sense == pulp.LpConstraintLE else 1)
        slack[key] = var
        cost.append((var, 1.0 / max(scale, 1.0)))

    if "budget" in families:
        relax(model.constraints[BUDGET], "s_budget", ("budget",), data.budget)
    if "staff" in families and data.staff is not None:
        relax(model.constraints[STAFF], "s_staff", ("staff",), data.staff)
    for p in data.programs.index:
        for family, short in ((SPEND_MIN, "smin"), (SPEND_MAX, "smax")):
            con = model.constraints.get(cname(family, p))
            if con is not None and family in families:
                limit = float(data.programs.at[p, family])
                relax(con, f"s_{short}__{p}", (family, p), limit)
    _unit_rows(model, families, relax)
    prob.sense = pulp.LpMinimize
    prob.setObjective(pulp.LpAffineExpression(cost))
    return prob, slack


def _unit_rows(model: AllocationModel, families: tuple[str, ...], relax: Callable) -> None:
    """Unit minimums (and maximums, when they may be relaxed) as named rows of ``model``."""
    prob = model.prob
    for key, var in model.x.items():
        lo = float(var.lowBound or 0.0)
        hi = var.upBound
        if lo > 0:
            var.lowBound = 0
            row = pulp.LpConstraint(pulp.LpAffineExpression([(var, 1.0)]), _GE, None, lo)
            prob.addConstraint(row, cname("unit_min", *key))
            if "unit_min" in families:
                relax(row, cname("s_min", *key), ("unit_min", *key), lo)
        if "unit_max" in families and hi is not None:
            var.upBound = None
            row = pulp.LpConstraint(pulp.LpAffineExpression([(var, 1.0)]), _LE, None, float(hi))
            prob.addConstraint(row, cname("unit_max", *key))
            relax(row, cname("s_max", *key), ("unit_max", *key), float(hi))


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


# the outward rounding of a relaxed limit, said once (the plan's diagnosis, model/years)
round_up = _round_up
round_down = _round_down


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
