"""The structured method (issue 6): its bounds are true bounds, its allocations feasible.

References are exact optima computed independently of the structured code: the plain MILP
solved to a zero gap, and for the per-level bound a MILP with the equity floor z >= t.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govdecide import Allocator, Settings, load_scenario, solve
from govdecide.io.scenario import scenario_from_data
from govdecide.model.built import Built
from govdecide.model.coverage import plan_figures
from govdecide.model.decomposition.bounds import Lagrangian
from govdecide.model.decomposition.choice import auto_method, choose
from govdecide.model.decomposition.search import solve_structured
from govdecide.model.decomposition.subproblems import prepare
from govdecide.model.engine import solve_data
from govdecide.model.formulation import AllocationModel
from govdecide.model.problem import problem_data
from tests.conftest import SCENARIOS


@st.composite
def tiny(draw: st.DrawFn) -> dict:
    """2-3 districts, 2-3 programs (at least one integer, small unit ranges), random
    budget, staff and spend cap: small enough for an exact reference solve."""
    n_d = draw(st.integers(2, 3))
    n_p = draw(st.integers(2, 3))
    programs = []
    for j in range(n_p):
        integer = j == 0 or draw(st.booleans())
        prog = {
            "id": f"p{j}",
            "name": f"P{j}",
            "unit_cost": draw(st.sampled_from([1, 2, 3, 5])),
            "capacity": draw(st.sampled_from([50, 120, 300])),
            "staff_per_unit": draw(st.sampled_from([0, 1, 2])),
            "integer": integer,
            "need": {"indicator": "population", "scale": draw(st.sampled_from([0.2, 0.5, 1.0]))},
            "weight": draw(st.sampled_from([0.5, 1.0, 2.0])),
        }
        if integer:
            prog["max_units"] = draw(st.integers(1, 3))
        if not integer and draw(st.booleans()):
            prog["spend_max"] = draw(st.sampled_from([2, 4, 8]))
        programs.append(prog)
    districts = []
    for i in range(n_d):
        base = {}
        if draw(st.booleans()):
            base["p0"] = draw(st.integers(0, 1))
        districts.append(
            {
                "id": f"d{i}",
                "name": f"D{i}",
                "population": draw(st.sampled_from([100, 250, 400, 900])),
                "baseline": base,
            }
        )
    policy = {
        "budget": draw(st.sampled_from([3, 6, 10, 15])),
        "equity_weight": draw(st.sampled_from([0.0, 0.3, 0.7, 1.0])),
    }
    if draw(st.booleans()):
        policy["staff"] = draw(st.sampled_from([4, 8, 20]))
    return {
        "format": "govdecide/v1",
        "name": "tiny",
        "districts": districts,
        "programs": programs,
        "policy": policy,
    }


# HiGHS at gap 0 still stops within its absolute gap (1e-6 of the scaled objective) and
# feasibility tolerances, so "exact" references are good to about 1e-6.
REF_TOL = 1e-6


def exact(scenario_data: dict) -> float | None:
    """The optimum by the plain MILP at a zero relative gap (None when infeasible)."""
    result = solve(scenario_from_data(scenario_data), Settings(method="milp", gap=0.0))
    return result.objective if result.has_solution else None


def assert_feasible(data, x: np.ndarray) -> None:
    """Budget, staff, unit bounds, spend caps and whole units all hold."""
    arr = data.arrays
    assert (x * arr.cost).sum() <= data.budget + 1e-6
    if data.staff is not None:
        assert (x * arr.staff).sum() <= data.staff + 1e-6
    assert np.all(x >= arr.lo - 1e-9) and np.all(x <= arr.hi + 1e-9)
    ints = x[:, arr.integer]
    assert np.allclose(ints, np.round(ints))
    spend = (x * arr.cost).sum(axis=0)
    caps = arr.spend_max
    assert np.all(np.isnan(caps) | (spend <= caps + 1e-6))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny())
def test_structured_bound_is_a_true_bound(scenario_data):
    """Without the MILP finish, the structured bound is >= the exact optimum, the allocation
    is feasible, its objective <= the optimum, and 'optimal' only within the gap."""
    optimum = exact(scenario_data)
    data = problem_data(scenario_from_data(scenario_data), Settings(method="structured", gap=1e-6))
    model = AllocationModel(data)
    result = solve_structured(data, Built(model), 0.0, time.perf_counter(), finish_with_milp=False)
    if optimum is None:
        assert not result.has_solution
        return
    assert result.bound is None or result.bound >= optimum - REF_TOL
    if result.has_solution:
        x = result.allocation["new_units"].to_numpy().reshape(data.arrays.need.shape)
        assert_feasible(data, x)
        assert result.objective <= optimum + REF_TOL
        if result.status == "optimal":
            assert result.objective >= optimum - 1e-6 * abs(result.bound) - REF_TOL


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny(), st.floats(0.0, 1.0), st.lists(st.floats(0.0, 3.0), min_size=4, max_size=4))
def test_lagrangian_value_bounds_every_equity_level(scenario_data, t, coords):
    """For any t and any multipliers, U_F(t) >= max (1 - lambda) E subject to z >= t (exact:
    the MILP with the equity floor t and equity weight 0)."""
    scenario = scenario_from_data(scenario_data)
    data = problem_data(scenario, Settings(gap=0.0))
    lam = data.equity_weight
    lag = Lagrangian(data, prepare(data), lam)
    m = np.asarray(coords[: lag.scale.size])
    value, _, _ = lag.value(t, m)
    flat = problem_data(scenario, Settings(gap=0.0, equity_weight=0.0, method="milp"))
    model = AllocationModel(flat)
    model.set_equity_floor(t)
    reference = solve_data(flat, lambda d: (Built(model), 0.0))
    if not reference.has_solution:
        return  # nothing reaches t: any bound holds
    assert value >= (1 - lam) * reference.efficiency - REF_TOL


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny())
def test_structured_and_milp_agree(scenario_data):
    """Where both finish (status optimal at gap 1e-6), the objectives agree within it."""
    scenario = scenario_from_data(scenario_data)
    a = solve(scenario, Settings(method="structured", gap=1e-6))
    b = solve(scenario, Settings(method="milp", gap=1e-6))
    assert a.method == "structured" and b.method == "milp"
    if a.status == b.status == "optimal":
        assert a.objective == pytest.approx(b.objective, rel=2e-6, abs=1e-9)
    assert a.has_solution == b.has_solution


def test_riverton_structured_matches_milp():
    """The teaching city at its own settings (equity weight 0.3): both methods prove the
    same optimum within the scenario's gap; JSON output carries method, bound and gap."""
    scenario = load_scenario(SCENARIOS / "riverton.yaml")
    a = solve(scenario, Settings(method="structured"))
    b = solve(scenario, Settings(method="milp"))
    assert a.status == b.status == "optimal"
    assert a.objective == pytest.approx(b.objective, rel=2e-4)
    out = a.to_dict()
    assert out["method"] == "structured"
    assert out["bound"] >= out["objective"]
    assert out["gap"] is not None and out["gap"] <= 1e-4
    assert out["budget_marginal_basis"] == "lagrangian"
    assert "Lagrange multiplier" in a.marginal_basis_text("en")
    assert "relaxation" in b.marginal_basis_text("en")


def test_auto_choice():
    """Auto: plain MILP for a small city (10 districts) and for an LP, structured for a
    generated region of 60 districts; 'milp' and 'structured' force either."""
    riverton = problem_data(load_scenario(SCENARIOS / "riverton.yaml"))
    assert choose(riverton) == "milp"
    assert choose(replace(riverton, method="structured")) == "structured"
    from benchmarks.instances import region

    big = problem_data(scenario_from_data(region(60, 2)))
    assert choose(big) == "structured"
    lp = problem_data(scenario_from_data(region(60, 2)), Settings(integer=False))
    assert choose(lp) == "milp"
    assert solve(scenario_from_data(region(60, 2)), Settings(time_limit_s=30)).method == (
        "structured"
    )


def test_auto_choice_by_size_and_equity_weight():
    """Below 40 districts the plain MILP runs at equity weights below 0.75 (the hull rows
    make it fast there), the structured method above (the max-min term makes it slow)."""
    beijing = load_scenario(SCENARIOS / "beijing.yaml")  # 16 districts
    assert choose(problem_data(beijing, Settings(equity_weight=0.3))) == "milp"
    assert choose(problem_data(beijing, Settings(equity_weight=0.9))) == "structured"
    assert solve(beijing, Settings(equity_weight=0.3)).method == "milp"
    assert solve(beijing, Settings(equity_weight=0.9)).method == "structured"
    assert auto_method(14, 1.0) == "milp"
    assert auto_method(39, 0.74) == "milp"
    assert auto_method(40, 0.0) == "structured"


def test_spend_minimum_falls_back_to_milp():
    """A program with a minimum spend is outside the structured method: forced or not, the
    plain MILP solves it and says so."""
    data = {
        "format": "govdecide/v1",
        "name": "min spend",
        "districts": [
            {"id": "a", "name": "A", "population": 300},
            {"id": "b", "name": "B", "population": 500},
        ],
        "programs": [
            {
                "id": "clinic",
                "name": "Clinic",
                "unit_cost": 2,
                "capacity": 100,
                "integer": True,
                "max_units": 4,
                "need": {"indicator": "population"},
                "spend_min": 4,
            }
        ],
        "policy": {"budget": 10, "equity_weight": 0.5},
    }
    result = solve(scenario_from_data(data), Settings(method="structured"))
    assert result.method == "milp"
    assert result.status == "optimal"


def test_structured_respects_an_equity_floor():
    """With z >= 0.5 set on the model (the frontier's epsilon-constraint), the structured
    allocation has z >= 0.5 and its objective equals the plain MILP's under the same floor."""
    from benchmarks.instances import region

    scenario = scenario_from_data(region(40, 3))
    out = {}
    for method in ("structured", "milp"):
        data = problem_data(scenario, Settings(method=method, equity_weight=0.0, gap=1e-6))
        model = AllocationModel(data)
        model.set_equity_floor(0.5)
        out[method] = solve_data(data, lambda d, m=model: (Built(m), 0.0))
    assert out["structured"].method == "structured"
    assert out["structured"].equity >= 0.5 - 1e-9
    if out["milp"].status == out["structured"].status == "optimal":
        assert out["structured"].objective == pytest.approx(out["milp"].objective, rel=2e-6)


def test_allocator_reuse_with_structured():
    """One allocator, three slider moves on a 60-district region: one build, the districts'
    enumeration prepared once and reused by the later solves."""
    from benchmarks.instances import region

    allocator = Allocator(scenario_from_data(region(60, 2)))
    results = [
        allocator.solve(Settings(budget=b, equity_weight=w, time_limit_s=30))
        for b, w in ((None, 0.3), (None, 0.6), (500_000.0, 0.6))
    ]
    assert allocator.builds == 1
    assert all(r.method == "structured" for r in results)
    assert [r.timings["structure_reused"] for r in results] == [0.0, 1.0, 1.0]
    assert all(math.isfinite(r.bound) and r.bound >= r.objective for r in results)
    x = results[-1].allocation["new_units"].to_numpy()
    data = problem_data(allocator.scenario, Settings(budget=500_000.0))
    plan = x.reshape(-1, len(allocator.scenario.programs))
    assert plan_figures(data.arrays, plan, data.equity_weight).spend <= 500_000.0 + 1e-6


@pytest.mark.parametrize(
    ("budget", "staff", "cap"),
    [(20, None, None), (100, 3, None), (100, None, 10)],
    ids=["budget", "staff", "spend_cap"],
)
def test_structured_reports_infeasible_with_a_diagnosis(budget, staff, cap):
    """Two districts with a floor on clinics (cost 5, staff 1 each): a floor of 3 costs
    30 > budget 20; a floor of 2 needs 4 staff > 3, or spends 20 > a cap of 10. Each is
    infeasible, and the structured method says so with a diagnosis, like the plain MILP."""
    program = {
        "id": "clinic",
        "name": "Clinic",
        "unit_cost": 5,
        "capacity": 100,
        "staff_per_unit": 1,
        "integer": True,
        "min_units": 3 if staff is None and cap is None else 2,
        "max_units": 5,
        "need": {"indicator": "population"},
    }
    if cap is not None:
        program["spend_max"] = cap
    policy = {"budget": budget, "equity_weight": 0.5}
    if staff is not None:
        policy["staff"] = staff
    data = {
        "format": "govdecide/v1",
        "name": "infeasible",
        "districts": [
            {"id": "a", "name": "A", "population": 300},
            {"id": "b", "name": "B", "population": 500},
        ],
        "programs": [program],
        "policy": policy,
    }
    result = solve(scenario_from_data(data), Settings(method="structured"))
    assert result.method == "structured"
    assert result.status == "infeasible"
    assert result.diagnosis is not None and result.diagnosis.options


def test_analyses_sweep_uses_the_structured_method():
    """The analyses' Sweep adds an efficiency-floor row E >= 0 (slack until used) to its
    model: a row no allocation can violate, so the structured method still applies, with
    and without an equity floor (the frontier's z >= epsilon); an active efficiency floor
    is a row it does not know, and the Sweep then asks for the plain MILP."""
    from benchmarks.instances import region
    from govdecide.analyses import Sweep

    sweep = Sweep(scenario_from_data(region(60, 2)))
    settings = Settings(time_limit_s=30, gap=1e-3)
    plain = sweep.solve(settings)
    floored = sweep.solve(settings, floor=0.5)
    assert plain.method == floored.method == "structured"
    assert floored.equity >= 0.5 - 1e-9
    assert sweep.solve(settings, efficiency_floor=0.5).method == "milp"
