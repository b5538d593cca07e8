"""A new model is solved while PuLP makes its objects: same numbers, same answer.

``AllocationModel`` (above OVERLAP_MIN_COLUMNS columns, or with ``lazy=True``) keeps its
rows as arrays until something asks for its PuLP objects; ``AllocationModel.solve`` hands those
arrays to HiGHS, runs HiGHS in a worker thread and makes the PuLP objects meanwhile. These
tests force that path on small models whose answers are worked out by hand, compare it
with the model made first (``lazy=False``), and check that nothing differs but the order
of the work.
"""

from __future__ import annotations

import threading

import numpy as np
import pulp
import pytest

from govdecide import Settings
from govdecide.model import solvers
from govdecide.model.built import Built
from govdecide.model.engine import solve_data
from govdecide.model.formulation import AllocationModel
from govdecide.model.problem import problem_data
from govdecide.model.solvers.handover import matrix, row_bounds
from tests.model.test_formulation import scenario

pytestmark = pytest.mark.filterwarnings("error::DeprecationWarning")


def _dense(starts: np.ndarray, index: np.ndarray, value: np.ndarray, shape: tuple) -> np.ndarray:
    out = np.zeros(shape)
    for r in range(shape[0]):
        for k in range(int(starts[r]), int(starts[r + 1])):
            out[r, index[k]] += value[k]
    return out


def test_matrix_form_is_the_materialized_model():
    """Budget, staff, equity weight and floor changed while the model is pending reach both
    the arrays HiGHS gets and the PuLP objects made afterwards, number for number."""
    data = problem_data(scenario((1000, 3000, 500), integer=True, staff=40, grant=True))
    model = AllocationModel(data, lazy=True)
    model.set_policy(budget=150.0, staff=30.0, equity_weight=0.4)
    model.set_equity_floor(0.2)
    form = model.matrix_form()
    assert model.pending
    model.materialize()
    assert not model.pending
    columns = model.columns
    rows = list(model.constraints.values())
    assert np.array_equal(form.lower, [v.lowBound for v in columns])
    assert np.array_equal(form.upper, [np.inf if v.upBound is None else v.upBound for v in columns])
    assert np.array_equal(form.integer, [v.cat == pulp.LpInteger for v in columns])
    col_of = {v.hash: i for i, v in enumerate(columns)}
    cost = np.zeros(len(columns))
    for var, coef in model.prob.objective.items():
        cost[col_of[var.hash]] = coef
    assert np.allclose(form.cost, cost, rtol=0, atol=1e-15)
    shape = (len(rows), len(columns))
    generic = _dense(*matrix(rows, col_of, None), shape)
    assert np.array_equal(_dense(form.starts, form.index, form.value, shape), generic)
    lo, up = row_bounds(rows)
    assert np.array_equal(form.row_lower, lo) and np.array_equal(form.row_upper, up)
    assert -model.constraints["budget"].constant == 150.0
    assert -model.constraints["staff"].constant == 30.0
    assert model.z.lowBound == 0.2


def test_overlapped_lp_solve_equals_the_eager_one():
    """Districts of 1,000 and 3,000 people, clinics of 100 people at 10 each, budget 200:
    20 clinics serve 2,000 of 4,000 people (E = 0.5) and one more budget unit serves 10
    more people; the lazy model gives the same values, names and duals as the eager one."""
    data = problem_data(scenario(), Settings(integer=False))
    lazy = AllocationModel(data, lazy=True)
    eager = AllocationModel(data, lazy=False)
    a = lazy.solve("highs", time_limit_s=10, gap=0)
    b = eager.solve("highs", time_limit_s=10, gap=0)
    assert a.status == b.status == "optimal"
    assert a.overlap_s is not None and b.overlap_s is None
    assert a.objective == pytest.approx(b.objective, abs=1e-12)
    assert set(lazy.constraints) == set(eager.constraints)
    assert np.array_equal(lazy.x_matrix(), eager.x_matrix())
    assert lazy.x_matrix().sum() == pytest.approx(20.0)
    assert lazy.budget_dual() == pytest.approx(eager.budget_dual())
    result = solve_data(data, lambda d: (Built(AllocationModel(d, lazy=True)), 0.0))
    assert result.efficiency == pytest.approx(0.5)
    assert "overlap_build_s" in result.timings
    assert result.budget_marginal_value == pytest.approx(10 / 4000)


def test_overlapped_milp_keeps_the_solver_copy_for_the_next_solve():
    """Whole clinics (hull rows included): the overlapped MILP finds the eager optimum, and
    a budget change afterwards re-solves the same kept HiGHS model, matching a fresh one."""
    data = problem_data(scenario((250, 330), integer=True, budget=50, equity_weight=0.5))
    lazy = AllocationModel(data, lazy=True)
    first = lazy.solve("highs", time_limit_s=10, gap=0)
    fresh = AllocationModel(data, lazy=False)
    assert first.status == "optimal"
    assert first.objective == pytest.approx(
        fresh.solve("highs", time_limit_s=10, gap=0).objective, abs=1e-9
    )
    assert np.array_equal(lazy.x_matrix(), fresh.x_matrix())
    kept = lazy.handover.copy
    lazy.set_policy(budget=30.0)
    fresh.set_policy(budget=30.0)
    again = lazy.solve("highs", time_limit_s=10, gap=0)
    assert again.reused and lazy.handover.copy is kept
    assert again.objective == pytest.approx(
        fresh.solve("highs", time_limit_s=10, gap=0).objective, abs=1e-9
    )
    assert np.array_equal(lazy.x_matrix(), fresh.x_matrix())


@pytest.mark.skipif("cbc" not in solvers.available_solvers(), reason="CBC not installed")
def test_cbc_materializes_first():
    """CBC reads files written from the PuLP objects, so a pending model is made first."""
    data = problem_data(scenario(), Settings(integer=False, solver="cbc"))
    lazy = AllocationModel(data, lazy=True)
    outcome = lazy.solve("cbc", time_limit_s=10, gap=0)
    assert not lazy.pending and outcome.overlap_s is None
    assert lazy.x_matrix().sum() == pytest.approx(20.0)


def test_a_failure_while_making_the_objects_waits_for_the_solver_and_is_raised(monkeypatch):
    """The error reaches the caller, no solver thread is left running, and the model stays
    pending (a later use makes it again)."""
    data = problem_data(scenario(), Settings(integer=False))
    model = AllocationModel(data, lazy=True)

    def broken(prob: pulp.LpProblem) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(model, "_make_variables", broken)
    with pytest.raises(RuntimeError, match="boom"):
        model.solve("highs", time_limit_s=10, gap=0)
    assert not any(t.name == "govdecide-highs" for t in threading.enumerate())
    assert model.pending
    monkeypatch.undo()
    assert model.solve("highs", time_limit_s=10, gap=0).status == "optimal"


def test_large_models_wait_for_first_use_and_small_ones_do_not(monkeypatch):
    """Above OVERLAP_MIN_COLUMNS columns the PuLP objects wait for first use (or a solve);
    smaller models make them at once; ``lazy`` forces either way."""
    import govdecide.model.formulation as model_module

    data = problem_data(scenario(), Settings(integer=False))
    assert not AllocationModel(data).pending
    assert AllocationModel(data, lazy=True).pending
    monkeypatch.setattr(model_module, "OVERLAP_MIN_COLUMNS", 2)
    assert not AllocationModel(data, lazy=False).pending
    model = AllocationModel(data)
    assert model.pending
    assert "budget" in model.constraints  # first use makes them
    assert not model.pending


@pytest.mark.skipif("cbc" not in solvers.available_solvers(), reason="CBC not installed")
def test_objects_made_before_the_solve_count_as_building():
    """With CBC (or the structured method) a pending model is made before the solve: that
    time is added to the build's, and nothing is reported as made while solving."""
    data = problem_data(scenario(), Settings(integer=False, solver="cbc"))
    model = AllocationModel(data, lazy=True)
    result = solve_data(data, lambda d: (Built(model), 0.0))
    assert not model.pending
    assert result.timings["build_s"] > 0.0
    assert "overlap_build_s" not in result.timings
    assert result.efficiency == pytest.approx(0.5)
