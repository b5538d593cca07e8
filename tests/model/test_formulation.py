"""The PuLP model of MODEL.md: names, scaling, in-place updates and the fast evaluation.

Every expected number is worked out by hand in the test's docstring.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from govdecide import Settings
from govdecide.io.scenario import scenario_from_data
from govdecide.model.built import Built
from govdecide.model.coverage import plan_figures
from govdecide.model.engine import solve_data
from govdecide.model.formulation import NO_LIMIT, AllocationModel
from govdecide.model.problem import problem_data
from govdecide.model.result import evaluate
from govdecide.model.solvers.handover import matrix


def scenario(
    pops: tuple[float, ...] = (1000, 3000),
    *,
    integer: bool = False,
    capacity: float = 100,
    cost: float = 10,
    budget: float = 200,
    staff: float | None = None,
    equity_weight: float = 0.0,
    base: tuple[float, ...] | None = None,
    max_units: float | None = None,
    grant: bool = False,
):
    """Districts a, b, ... with one clinic program (need = population), optionally a grant."""
    programs = [
        {
            "id": "clinic",
            "name": "Clinic",
            "unit_cost": cost,
            "capacity": capacity,
            "staff_per_unit": 2,
            "integer": integer,
            "need": {"indicator": "population"},
            **({"max_units": max_units} if max_units is not None else {}),
        }
    ]
    if grant:
        programs.append(
            {
                "id": "grant",
                "name": "Grant",
                "unit_cost": 1,
                "capacity": 10,
                "need": {"indicator": "population", "scale": 0.1},
                "spend_max": 50,
            }
        )
    districts = []
    for i, pop in enumerate(pops):
        d = {"id": "abcdefgh"[i], "name": "abcdefgh"[i].upper(), "population": pop}
        if base is not None:
            d["baseline"] = {"clinic": base[i]}
        districts.append(d)
    policy = {"budget": budget, "equity_weight": equity_weight}
    if staff is not None:
        policy["staff"] = staff
    return scenario_from_data(
        {
            "format": "govdecide/v1",
            "name": "tiny",
            "districts": districts,
            "programs": programs,
            "policy": policy,
        }
    )


def test_constraints_have_stable_names():
    """One capacity row per pair with need, budget, staff, spend limit, one equity row per
    district: a, b with clinic and grant -> 4 capacity, 2 equity, budget, staff, spend_max."""
    model = AllocationModel(problem_data(scenario(grant=True)))
    assert set(model.constraints) == {
        "capacity__a__clinic",
        "capacity__a__grant",
        "capacity__b__clinic",
        "capacity__b__grant",
        "budget",
        "staff",
        "spend_max__grant",
        "equity__a",
        "equity__b",
    }


def test_capacity_row_is_in_coverage_shares():
    """capacity__b__clinic: c - (100/3000) x <= 100 * 2 / 3000 with 2 clinics already in b."""
    model = AllocationModel(problem_data(scenario(base=(0, 2))))
    row = model.constraints["capacity__b__clinic"]
    assert row[model.c[("b", "clinic")]] == 1.0
    assert row[model.x[("b", "clinic")]] == pytest.approx(-100 / 3000)
    assert -row.constant == pytest.approx(200 / 3000)


def test_no_staff_limit_is_a_free_row_not_a_large_number():
    """Without a staff limit the staff row's bound is NO_LIMIT (1e30), which HiGHS (>= 1e20)
    and CLP (> 1e27) read as infinite; setting a limit and removing it again round-trips."""
    model = AllocationModel(problem_data(scenario()))
    assert -model.constraints["staff"].constant == NO_LIMIT
    model.set_policy(staff=40.0)
    assert -model.constraints["staff"].constant == 40.0
    model.set_policy(staff=None)
    assert -model.constraints["staff"].constant == NO_LIMIT


def test_matrix_hint_equals_the_pulp_rows():
    """The arrays the model leaves for the HiGHS adapter are exactly its PuLP rows."""
    model = AllocationModel(problem_data(scenario(pops=(1000, 3000, 500), grant=True)))
    rows = list(model.constraints.values())
    col_of = {v.hash: i for i, v in enumerate(model.columns)}

    def dense(starts, index, value):
        out = np.zeros((len(rows), len(model.columns)))
        for r in range(len(rows)):
            for k in range(starts[r], starts[r + 1]):
                out[r, index[k]] += value[k]
        return out

    hinted = dense(*matrix(rows, col_of, model.handover.rows))
    generic = dense(*matrix(rows, col_of, None))
    assert np.array_equal(hinted, generic)
    assert np.count_nonzero(generic) > 0


def test_equity_floor_is_a_bound_on_z():
    """set_equity_floor(0.4) makes z >= 0.4; None lifts it (z >= 0 again)."""
    model = AllocationModel(problem_data(scenario()))
    model.set_equity_floor(0.4)
    assert model.z.lowBound == 0.4
    model.set_equity_floor(None)
    assert model.z.lowBound == 0.0


def test_city_sized_populations_are_allocated():
    """Populations of 3 and 5 million, clinics serving 10,000 at cost 1, budget 100: all 100
    clinics are placed (1,000,000 people). E = 1e6 / 8e6 = 0.125. (Unscaled, the objective
    coefficients would be ~1e-8 and MIP presolve could return 'optimal' with nothing.)"""
    sc = scenario(pops=(3_000_000, 5_000_000), integer=True, capacity=10_000, cost=1, budget=100)
    result = solve_data(problem_data(sc))
    assert result.status == "optimal"
    assert result.allocation["new_units"].sum() == 100
    assert result.people_newly_served == pytest.approx(1_000_000)
    assert result.efficiency == pytest.approx(0.125)


def test_evaluate_by_hand():
    """a (1000 people), b (3000), clinics cap 100 cost 10, x = (5, 15): served 500 and 1500,
    coverage 0.5 both, E = 2000/4000 = 0.5, z = 0.5, spend 200 (the budget: binding),
    staff 2*20 = 40, newly served 2000."""
    data = problem_data(scenario())
    result = evaluate(
        data,
        {("a", "clinic"): 5.0, ("b", "clinic"): 15.0},
        status="optimal",
        method="lp",
        solver="highs",
        bound=0.5,
        budget_marginal_value=None,
        timings={},
    )
    assert result.efficiency == pytest.approx(0.5)
    assert result.equity == pytest.approx(0.5)
    assert result.budget_used == pytest.approx(200)
    assert result.staff_used == pytest.approx(40)
    assert result.people_newly_served == pytest.approx(2000)
    assert result.gap == 0.0
    assert [b.family for b in result.binding] == ["budget"]
    assert list(result.allocation["served"]) == [500.0, 1500.0]
    assert list(result.districts["coverage_after"]) == [0.5, 0.5]
    plan = np.array([[5.0], [15.0]])
    assert plan_figures(data.arrays, plan, data.equity_weight).objective == pytest.approx(0.5)


def test_equity_weight_one_equalises_coverage():
    """LP, lambda = 1: maximize min(100 x_a / 1000, 100 x_b / 3000) with x_a + x_b = 20
    gives x_a = 5, x_b = 15 and z = 0.5 (the only max-min point)."""
    result = solve_data(problem_data(scenario(equity_weight=1.0)))
    assert result.status == "optimal"
    units = dict(zip(result.allocation["district"], result.allocation["new_units"], strict=True))
    assert units["a"] == pytest.approx(5)
    assert units["b"] == pytest.approx(15)
    assert result.equity == pytest.approx(0.5)


def test_budget_marginal_value_is_the_lp_dual():
    """LP, lambda = 0, one program: each budget unit buys 1/10 clinic = 10 people of 4000,
    so E rises by 10/4000 = 0.0025 per budget unit while need is unmet."""
    result = solve_data(problem_data(scenario()))
    assert result.budget_marginal_basis == "lp_relaxation"
    assert result.budget_marginal_value == pytest.approx(0.0025)


def test_unbounded_units_are_none_upper_bounds():
    """No max_units: x has no upper bound in PuLP (None), not an infinite float."""
    model = AllocationModel(problem_data(scenario()))
    assert model.x[("a", "clinic")].upBound is None
    capped = AllocationModel(problem_data(scenario(max_units=3)))
    assert capped.x[("a", "clinic")].upBound == 3


def test_arrays_follow_the_frames():
    """ProblemData.arrays are the frames as (D, P) matrices in district/program order."""
    data = problem_data(scenario(grant=True), Settings(weights={"grant": 2.0}))
    arr = data.arrays
    assert arr.districts == ["a", "b"] and arr.programs == ["clinic", "grant"]
    assert arr.need.tolist() == [[1000, 100], [3000, 300]]
    assert arr.weight.tolist() == [1.0, 2.0]
    assert math.isinf(arr.hi[0, 0])
    assert arr.spend_max[1] == 50 and math.isnan(arr.spend_max[0])


def test_integer_hull_row_by_hand():
    """One district of 250 people, clinics of 100 places: the need is met at x* = 2.5 units.
    Whole units reach coverage 0.8 at 2 and 1 at 3, so the chord through (2, 0.8) and
    (3, 1) is the row integer_hull__a__clinic: c - 0.2 x <= 0.8 - 0.2 * 2 = 0.4."""
    model = AllocationModel(problem_data(scenario((250,), integer=True)))
    row = model.constraints["integer_hull__a__clinic"]
    assert row[model.c[("a", "clinic")]] == 1.0
    assert row[model.x[("a", "clinic")]] == pytest.approx(-0.2)
    assert -row.constant == pytest.approx(0.4)


def test_integer_hull_tightens_the_relaxation_not_the_optimum():
    """Budget 25 buys 2.5 clinics at 10 each. Without the row the LP relaxation would serve
    everyone (c = 2.5 * 100 / 250 = 1); with it c <= 0.4 + 0.2 * 2.5 = 0.9. The whole-unit
    optimum is 2 clinics, 200 of 250 people: E = 0.8, as before. The budget's marginal
    value on that relaxation: 0.2 coverage per clinic / 10 per clinic = 0.02."""
    data = problem_data(scenario((250,), integer=True, budget=25))
    model = AllocationModel(data)
    relaxed = model.solve("highs", time_limit_s=10, gap=0.0, mip=False)
    assert relaxed.objective / model.scale == pytest.approx(0.9)
    result = solve_data(data)
    assert result.efficiency == pytest.approx(0.8)
    assert result.allocation["new_units"].tolist() == [2.0]
    assert result.budget_marginal_value == pytest.approx(0.02)


def test_integer_hull_rows_only_where_they_cut():
    """No row for fractional units (it would cut off real plans), none where whole units
    meet the need exactly (200 people: 2 clinics), none where the pair's maximum stops
    short of the need (max 2 clinics for 250 people: the capacity row is the hull)."""

    def hull_rows(s) -> list[str]:
        model = AllocationModel(problem_data(s))
        return [n for n in model.constraints if n.startswith("integer_hull__")]

    assert hull_rows(scenario((250, 330), integer=True)) == [
        "integer_hull__a__clinic",
        "integer_hull__b__clinic",
    ]
    assert hull_rows(scenario((250,), integer=False)) == []
    assert hull_rows(scenario((200,), integer=True)) == []
    assert hull_rows(scenario((250,), integer=True, max_units=2)) == []


def test_prefilled_arrays_equal_the_frames():
    """problem_data fills ``arrays`` from what it computed; they equal the ones read back
    from the frames (what a ``dataclasses.replace`` of the data computes)."""
    import dataclasses

    data = problem_data(scenario((1000, 3000), base=(1, 0), grant=True, max_units=4))
    fresh = dataclasses.replace(data)
    assert "arrays" not in fresh.__dict__
    for field in dataclasses.fields(data.arrays):
        mine, theirs = getattr(data.arrays, field.name), getattr(fresh.arrays, field.name)
        if isinstance(mine, np.ndarray):
            assert np.array_equal(mine, theirs, equal_nan=True), field.name
            assert mine.dtype == theirs.dtype, field.name
        else:
            assert mine == theirs, field.name


def test_no_integer_hull_rows_in_large_models(monkeypatch):
    """Above SMALL_MODEL_COLUMNS columns the model keeps MODEL.md's rows only (HiGHS spent
    long past its time limit on the extra rows at 3,000 districts); the optimum is the same."""
    import govdecide.model.formulation as model_module

    data = problem_data(scenario((250, 330), integer=True, budget=50))
    small = AllocationModel(data)
    assert any(n.startswith("integer_hull__") for n in small.constraints)
    monkeypatch.setattr(model_module, "SMALL_MODEL_COLUMNS", 2)
    large = AllocationModel(data)
    assert not any(n.startswith("integer_hull__") for n in large.constraints)
    assert solve_data(data, lambda d: (Built(large), 0.0)).objective == pytest.approx(
        solve_data(data, lambda d: (Built(small), 0.0)).objective
    )


def test_objective_arrays_equal_the_pulp_objective():
    """The objective the model leaves as arrays for the HiGHS adapter is exactly its PuLP
    objective, after an equity-weight change too (the adapter uses it by identity)."""
    model = AllocationModel(problem_data(scenario((1000, 3000, 500), grant=True)))
    for lam in (None, 0.4, 1.0):
        if lam is not None:
            model.set_policy(equity_weight=lam)
        expr, cols, values = model.handover.objective
        assert expr is model.prob.objective
        dense = np.zeros(len(model.columns))
        dense[cols] = values
        col_of = {v.hash: i for i, v in enumerate(model.columns)}
        pulp_dense = np.zeros(len(model.columns))
        for var, coef in model.prob.objective.items():
            pulp_dense[col_of[var.hash]] = coef
        assert np.array_equal(dense, pulp_dense)
