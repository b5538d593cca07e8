"""Numbers valid one by one that no solver can take together (issue 11, item 3).

Every population 1e-300 made the capacity ratio cap / need overflow and the solve fail
with "zip() argument 2 is shorter than argument 1" deep in the solver adapter; an
indicator of 1e-320 made PuLP refuse a NaN right-hand side. The model refuses such data
with a ScenarioError naming the pair, whatever the door let through: the data here is
changed after validation (``dataclasses.replace`` of the model's frames), so these tests
hold however strict the validation of scenario files becomes.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from govdecide.errors import ScenarioError
from govdecide.io.scenario import scenario_from_data
from govdecide.model.engine import solve_data
from govdecide.model.problem import ProblemData, problem_data
from govdecide.model.settings import Settings
from tests.analyses.scenarios import TWO


def data(**policy: object) -> ProblemData:
    """The two-district hand case of the analyses' tests as model data."""
    scenario = copy.deepcopy(TWO)
    scenario["policy"].update(policy)
    return problem_data(scenario_from_data(scenario), Settings())


def with_pairs(base: ProblemData, column: str, value: float) -> ProblemData:
    """``base`` with one pairs column set to ``value`` everywhere (fresh arrays)."""
    pairs = base.pairs.copy()
    pairs[column] = value
    return replace(base, pairs=pairs)


def with_programs(base: ProblemData, column: str, value: float) -> ProblemData:
    """``base`` with one programs column set to ``value`` for every program."""
    programs = base.programs.copy()
    programs[column] = value
    return replace(base, programs=programs)


@pytest.mark.parametrize("need", [1e-300, 1e-320, 1e20, 1e300])
def test_a_need_far_from_a_units_capacity_is_refused(need):
    """Need 1e-300 (a population of 1e-300) or 1e-320 (an indicator of 1e-320): the ratio
    cap / need overflows; 1e20 or 1e300: it falls below what HiGHS keeps (1e-9)."""
    with pytest.raises(ScenarioError) as err:
        solve_data(with_pairs(data(), "need", need))
    problem = err.value.problems[0]
    assert problem.code == "model_need_range"
    assert problem.params["district"] == "a" and problem.params["program"] == "p1"
    text = err.value.messages("en")[0]
    assert "the need for p1 in a" in text and "people" in text
    assert "需求" in err.value.messages("zh")[0]


def test_an_overflowing_need_is_refused():
    """inf need (population times indicator overflowing) is refused, never a NaN row."""
    with pytest.raises(ScenarioError):
        solve_data(with_pairs(data(), "need", float("inf")))


def test_a_cost_beyond_the_solvers_range_is_refused():
    """A unit cost of 1e300 made the budget row unreadable to HiGHS (a length error)."""
    with pytest.raises(ScenarioError) as err:
        solve_data(with_programs(data(), "unit_cost", 1e300))
    assert {p.path for p in err.value.problems} == {
        "programs.p1.unit_cost",
        "programs.p2.unit_cost",
    }
    assert "1e300" in err.value.messages("en")[0]


def test_a_baseline_beyond_the_solvers_range_is_refused():
    """1e300 baseline units make the capacity row's right-hand side infinite."""
    with pytest.raises(ScenarioError) as err:
        solve_data(with_pairs(data(), "base", 1e300))
    assert {p.code for p in err.value.problems} == {"model_units_range"}
    assert "baseline" in err.value.messages("en")[0]


def test_overflowing_weights_are_refused():
    """A weight of 1e300 times a need of 1e10 is inf: refused, not NaN shares."""
    base = with_pairs(data(), "need", 1e10)
    base = with_pairs(base, "base", 0.0)
    with pytest.raises(ScenarioError) as err:
        solve_data(with_programs(with_programs(base, "capacity", 1e4), "weight", 1e300))
    assert [p.code for p in err.value.problems] == ["model_weight_range"]


def test_many_bad_pairs_are_named_five_at_a_time():
    """3,000 bad pairs would be 3,000 lines: the first five, then how many more."""
    big = copy.deepcopy(TWO)
    big["districts"] = [
        {"id": f"d{i}", "name": f"D{i}", "population": 100, "indicators": {"i1": 1, "i2": 1}}
        for i in range(8)
    ]
    base = problem_data(scenario_from_data(big), Settings())
    with pytest.raises(ScenarioError) as err:
        solve_data(with_pairs(base, "need", 1e-300))
    codes = [p.code for p in err.value.problems]
    assert codes == ["model_need_range"] * 5 + ["model_more_pairs"]
    assert err.value.problems[-1].params["n"] == 16 - 5
    assert "11 more" in err.value.messages("en")[-1]


def test_tiny_but_representable_numbers_still_solve():
    """Within the ranges the solve goes on: at a cost of 1e-300 both programs are free for
    the solver, so a gets p1's 5 units at most (50 of 100 people) and b as many of p2 as
    it needs (100 of 100): E = 150 / 200 = 0.75."""
    free = with_programs(data(), "unit_cost", 1e-300)
    result = solve_data(free)
    assert result.status == "optimal"
    assert result.efficiency == pytest.approx(0.75)
