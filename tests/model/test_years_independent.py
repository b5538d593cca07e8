"""The plan's optimum against a plain MILP of MODEL.md v1.1 written separately (hypothesis).

The independent model below is MODEL.md's text as it reads, with none of the plan's
reformulations: x_dpt new units commissioned in year t, s_dpt people served, z_t; rows
(1)-(7) of "Plans over several years" and its objective. On small random plans the
structured method and the plain MILP reach its optimum, their proven bound is never
below it, and every plan they return keeps every row (``rounding.violations``).
"""

from __future__ import annotations

import pulp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govdecide.io.scenario import scenario_from_data
from govdecide.model import solvers
from govdecide.model.settings import Settings
from govdecide.model.years import plan_data, solve_plan
from govdecide.model.years.rounding import violations


def independent_optimum(data: dict) -> float | None:
    """MODEL.md v1.1 as written, solved exactly; None when infeasible."""
    pol = data["policy"]
    years = range(pol["years"])
    lam, rate = pol.get("equity_weight", 0.0), pol.get("discount_rate", 0.0)
    budgets = pol["budget"] if isinstance(pol["budget"], list) else [pol["budget"]] * len(years)
    staff = pol.get("staff")
    delta = [(1 + rate) ** -t for t in years]
    dists, progs = data["districts"], data["programs"]
    prob = pulp.LpProblem("independent", pulp.LpMaximize)
    x, s = {}, {}
    for d in dists:
        for p in progs:
            for t in years:
                cat = "Integer" if p.get("integer") else "Continuous"
                x[d["id"], p["id"], t] = prob.add_variable(
                    f"x_{d['id']}_{p['id']}_{t}", 0, None, cat
                )
                s[d["id"], p["id"], t] = prob.add_variable(f"s_{d['id']}_{p['id']}_{t}", 0)
    z = {t: prob.add_variable(f"z_{t}", 0, 1) for t in years}

    def need(d, p, t):
        return d["population"] * (1 + d.get("growth", 0.0)) ** t

    def in_service(d, p, t):  # U_dpt - base_dp
        return pulp.lpSum(x[d["id"], p["id"], tau] for tau in range(t + 1))

    objective = []
    for t in years:
        total = sum(p.get("weight", 1.0) * need(d, p, t) for d in dists for p in progs)
        eff = pulp.lpSum(
            p.get("weight", 1.0) * s[d["id"], p["id"], t] for d in dists for p in progs
        )
        objective.append(delta[t] * ((1 - lam) * eff * (1 / total) + lam * z[t]))
        prob += (
            pulp.lpSum(p["unit_cost"] * x[d["id"], p["id"], t] for d in dists for p in progs)
            + pulp.lpSum(
                p.get("running_cost", 0.0) * in_service(d, p, t - 1) for d in dists for p in progs
            )
            <= budgets[t]
        ) if t else (
            pulp.lpSum(p["unit_cost"] * x[d["id"], p["id"], t] for d in dists for p in progs)
            <= budgets[t]
        )  # fmt: skip
        if staff is not None:
            prob += (
                pulp.lpSum(
                    p.get("staff_per_unit", 0.0) * in_service(d, p, t) for d in dists for p in progs
                )
                <= staff
            )
        for d in dists:
            w_d = sum(p.get("weight", 1.0) * need(d, p, t) for p in progs)
            for p in progs:
                key = (d["id"], p["id"], t)
                prob += s[key] <= need(d, p, t)
                prob += s[key] <= p["capacity"] * in_service(d, p, t)
            if w_d > 0:
                prob += z[t] * w_d <= pulp.lpSum(
                    p.get("weight", 1.0) * s[d["id"], p["id"], t] for p in progs
                )
    for d in dists:
        for p in progs:
            units = in_service(d, p, len(years) - 1)
            prob += units >= p.get("min_units", 0.0)
            if p.get("max_units") is not None:
                prob += units <= p["max_units"]
    prob += pulp.lpSum(objective) * (1 / sum(delta))
    outcome = solvers.run(prob, "highs", time_limit_s=60, gap=0.0)
    if outcome.status == "infeasible":
        return None
    assert outcome.status == "optimal"
    return pulp.value(prob.objective)


@st.composite
def plans(draw) -> dict:
    """A small plan: 1-3 districts, 1-2 programs, 2-3 years, everything else random."""
    n_d, n_p, years = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(2, 3))
    districts = [
        {
            "id": f"d{i}",
            "name": f"D{i}",
            "population": draw(st.integers(50, 400)),
            "growth": draw(st.sampled_from([0.0, 0.1, 0.5, -0.2])),
        }
        for i in range(n_d)
    ]
    programs = []
    for j in range(n_p):
        program = {
            "id": f"p{j}",
            "name": f"P{j}",
            "unit_cost": draw(st.integers(1, 20)),
            "capacity": draw(st.integers(40, 300)),
            "integer": draw(st.booleans()),
            "need": {"indicator": "population"},
            "running_cost": draw(st.sampled_from([0.0, 1.0, 4.0])),
            "staff_per_unit": draw(st.sampled_from([0.0, 1.0])),
        }
        cap = draw(st.sampled_from([None, 1, 3]))
        if cap is not None:
            program["max_units"] = cap
        programs.append(program)
    budget = [draw(st.integers(0, 40)) for _ in range(years)]
    policy = {
        "budget": budget,
        "years": years,
        "equity_weight": draw(st.sampled_from([0.0, 0.5, 1.0])),
        "discount_rate": draw(st.sampled_from([0.0, 0.2])),
    }
    if draw(st.booleans()):
        policy["staff"] = draw(st.integers(0, 4))
    return {
        "format": "govdecide/v1", "name": "random plan", "districts": districts,
        "programs": programs, "policy": policy,
    }  # fmt: skip


@pytest.mark.parametrize("method", ["structured", "milp"])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=plans())
def test_plan_optimum_equals_the_independent_milp(method, data):
    optimum = independent_optimum(data)
    scenario = scenario_from_data(data)
    result = solve_plan(scenario, Settings(gap=0.0, method=method, time_limit_s=60))
    if optimum is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal"
    assert result.objective == pytest.approx(optimum, abs=1e-6)
    assert result.bound >= optimum - 1e-6
    assert violations(plan_data(scenario, Settings()), result.units) == []


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=plans())
def test_by_years_bound_and_plan_against_the_independent_milp(data):
    """The large plans' method (single-year solves, ``years.by_year``): its bound is never
    below the optimum, its plan keeps every row and is never above the optimum."""
    import time

    from govdecide.model.years.by_year import bound_by_years, plan_by_years
    from govdecide.model.years.result import plan_objective

    optimum = independent_optimum(data)
    plan = plan_data(scenario_from_data(data), Settings(gap=0.0))
    deadline = time.perf_counter() + 60
    bound = bound_by_years(plan, deadline, 0.0, plan.years)
    units, how = plan_by_years(plan, deadline, 0.0, plan.years)
    if optimum is None:
        assert units is None
        return
    assert bound is not None and bound >= optimum - 1e-6
    if units is not None:
        assert violations(plan, units) == []
        assert plan_objective(plan, units) <= optimum + 1e-6
