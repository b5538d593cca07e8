"""Why a model is infeasible, and the smallest changes that make it feasible.

An elastic copy of the model adds a slack to the constraints a policymaker can change
(MODEL.md 3, 4, 5 and 7: budget, staff, unit bounds, program spend limits) and minimizes
the slacks, each weighted by the size of what it relaxes so that "raise the budget by 1%"
and "lower one minimum by 1%" weigh alike. It is solved once per kind of relaxation on its
own (each feasible one is an alternative: "raise the budget ..., or lower the minimum
...") and, when no single kind suffices, once with all kinds together.
"""

from __future__ import annotations

import math

import pulp

from govdecide import solvers
from govdecide.data import ProblemData
from govdecide.result import Diagnosis, Relaxation

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


def _relaxations(data: ProblemData, slack: dict) -> tuple[Relaxation, ...]:
    """Read the nonzero slacks as changes, rounded outward so that they suffice."""
    out = []
    for key, var in slack.items():
        amount = var.varValue or 0.0
        if amount <= EPS:
            continue
        family = key[0]
        if family == "budget":
            out.append(Relaxation("budget", data.budget, math.ceil(data.budget + amount - EPS)))
        elif family == "staff":
            out.append(
                Relaxation(
                    "staff", data.staff or 0.0, math.ceil((data.staff or 0.0) + amount - EPS)
                )
            )
        elif family in ("unit_min", "unit_max"):
            d, p = key[1], key[2]
            col = "lo" if family == "unit_min" else "hi"
            current = float(data.pairs.at[(d, p), col])
            needed = current - amount if family == "unit_min" else current + amount
            needed = math.floor(needed + EPS) if family == "unit_min" else math.ceil(needed - EPS)
            out.append(Relaxation(family, current, max(needed, 0), district=d, program=p))
        else:
            p = key[1]
            current = float(data.programs.at[p, family])
            needed = (
                math.floor(current - amount + EPS)
                if family == "spend_min"
                else math.ceil(current + amount - EPS)
            )
            out.append(Relaxation(family, current, max(needed, 0), program=p))
    return tuple(
        sorted(out, key=lambda r: (FAMILIES.index(r.family), r.district or "", r.program or ""))
    )


def diagnose(data: ProblemData, time_limit_s: float = 10.0) -> Diagnosis:
    """Options that make the model feasible: single kinds of change first, then all."""
    options: list[tuple[Relaxation, ...]] = []
    for family in FAMILIES:
        prob, slack = _elastic(data, (family,))
        if not slack:
            continue
        outcome = solvers.run(prob, data.solver, time_limit_s=time_limit_s, gap=1e-6)
        if outcome.has_solution:
            relax = _relaxations(data, slack)
            if relax:
                options.append(relax)
    if not options:
        prob, slack = _elastic(data, FAMILIES)
        outcome = solvers.run(prob, data.solver, time_limit_s=time_limit_s, gap=1e-6)
        if outcome.has_solution:
            relax = _relaxations(data, slack)
            if relax:
                options.append(relax)
    return Diagnosis(tuple(options))
