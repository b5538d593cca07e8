"""Plans and satisfaction on Onetown, computed on paper (see tests/rooms/scenarios.py).

With weight shares (a, 1 - a): for a > 1/3 the optimum is all clinics (E = a), for
a < 1/3 all schools (E = (1 - a) / 2); a plan of all clinics is worth a under shares
(a, 1 - a), a plan of all schools (1 - a) / 2.
"""

from __future__ import annotations

import pytest

from govdecide.rooms import (
    PlanParams,
    RoomConfig,
    RoomSolver,
    Submission,
    combine,
    participant_params,
    satisfaction,
    satisfactions,
)

from .scenarios import one_district

BOTH = RoomConfig(programs=("clinic", "school"), equity=False)
P1 = Submission({"clinic": 10, "school": 0})  # a = 1
P2 = Submission({"clinic": 0, "school": 10})  # a = 0
P3 = Submission({"clinic": 2, "school": 8})  # a = 0.2


def _units(result) -> dict[str, float]:
    return dict(zip(result.allocation["program"], result.allocation["new_units"], strict=True))


def test_the_mean_and_median_plans_and_everyones_satisfaction():
    """Mean shares (0.4, 0.6): a = 0.4 > 1/3, all clinics. Own optima: P1 1 (clinics),
    P2 0.5 (schools), P3 0.4 (schools). The clinics plan is worth 1, 0 and 0.2 to them:
    satisfaction 1, 0, 0.5. Median shares (0.2, 0.8): all schools, worth 0, 0.5 and 0.4:
    satisfaction 0, 1, 1."""
    s = one_district()
    solver = RoomSolver(s)
    everyone = [participant_params(s, BOTH, p) for p in (P1, P2, P3)]
    mean_plan = solver.solve(combine(s, BOTH, [P1, P2, P3], "mean").params)
    assert _units(mean_plan) == pytest.approx({"clinic": 10, "school": 0})
    got = satisfactions(solver, everyone, mean_plan)
    assert [g.share for g in got] == pytest.approx([1.0, 0.0, 0.5])
    assert [g.own_value for g in got] == pytest.approx([1.0, 0.5, 0.4])
    median_plan = solver.solve(combine(s, BOTH, [P1, P2, P3], "median").params)
    assert _units(median_plan) == pytest.approx({"clinic": 0, "school": 10})
    assert [g.share for g in satisfactions(solver, everyone, median_plan)] == pytest.approx(
        [0.0, 1.0, 1.0]
    )


def test_two_opposite_participants():
    """P1 and P2: mean = median = (0.5, 0.5), a = 0.5 > 1/3: all clinics; P1 is fully
    satisfied (1), P2 not at all (their schools get nothing: 0 of 0.5)."""
    s = one_district()
    solver = RoomSolver(s)
    for rule in ("mean", "median"):
        plan = solver.solve(combine(s, BOTH, [P1, P2], rule).params)
        shares = [satisfaction(solver, participant_params(s, BOTH, p), plan).share
                  for p in (P1, P2)]  # fmt: skip
        assert shares == pytest.approx([1.0, 0.0])


def test_each_parameter_set_is_solved_once_and_models_are_reused():
    """The same parameters again: no solve. Another equity weight or floor with the same
    weights: a solve on the same model (one build)."""
    solver = RoomSolver(one_district())
    a = PlanParams({"clinic": 0.5, "school": 0.5}, 0.0)
    first = solver.solve(a)
    assert solver.solve(PlanParams({"school": 0.5, "clinic": 0.5}, 0.0)) is first
    assert solver.solves == 1 and solver.kept(a) is first
    solver.solve(PlanParams({"clinic": 0.5, "school": 0.5}, 0.7))
    solver.solve(PlanParams({"clinic": 0.5, "school": 0.5}, 0.0, 0.4))
    assert solver.solves == 3 and solver.builds == 1
    solver.solve(PlanParams({"clinic": 0.2, "school": 0.8}, 0.0))
    assert solver.builds == 2


def test_an_unreachable_lowest_coverage_is_a_status_and_no_satisfaction():
    """Shares (0, 1): the most the district's weighted coverage can reach is 50% (all
    schools); a floor of 60% is infeasible, so that participant has no own plan to compare
    with (None). A floor of 40% is met by the schools plan (own value 0.5)."""
    s = one_district()
    solver = RoomSolver(s)
    plan = solver.solve(PlanParams({"clinic": 0.5, "school": 0.5}, 0.0))
    high = PlanParams({"clinic": 0.0, "school": 1.0}, 0.0, 0.6)
    assert solver.solve(high).status == "infeasible"
    assert satisfaction(solver, high, plan).share is None
    low = PlanParams({"clinic": 0.0, "school": 1.0}, 0.0, 0.4)
    assert solver.solve(low).objective == pytest.approx(0.5)


def test_a_solve_does_not_wait_for_another():
    """While one thread holds the kept models (a long solve), another solves on a model of
    its own and returns: the answer is the same as on the kept models."""
    import threading

    s = one_district()
    solver = RoomSolver(s)
    params = PlanParams({"clinic": 0.2, "school": 0.8}, 0.0)
    got: list = []
    with solver._models:  # a solve in progress elsewhere
        thread = threading.Thread(target=lambda: got.append(solver.solve(params)))
        thread.start()
        thread.join(30)
    assert got and _units(got[0]) == pytest.approx({"clinic": 0, "school": 10})
    assert solver.builds == 0  # it did not touch the kept models
