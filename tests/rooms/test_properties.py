"""Invariants of combining and satisfaction, over random rooms (hypothesis).

- combining does not depend on the order of the submissions;
- the room's weights are shares: non-negative, summing to 1;
- satisfaction lies in [0, 1] up to the solver's tolerance, before the cap at 1.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govdecide.rooms import (
    RULES,
    RoomConfig,
    RoomSolver,
    Submission,
    combine,
    participant_params,
    satisfaction,
)

from .scenarios import one_district, three_programs

CONFIG = RoomConfig(programs=("clinic", "school"), equity=True, floor=False)
SCENARIOS = {"one": one_district(), "three": three_programs()}
SOLVER = RoomSolver(SCENARIOS["one"])

priority = st.integers(min_value=0, max_value=10).map(float)
submission = st.builds(
    lambda c, s, e: Submission({"clinic": c, "school": s}, e),
    priority,
    priority,
    st.floats(min_value=0, max_value=1),
).filter(lambda sub: sum(sub.priorities.values()) > 0)
rooms = st.lists(submission, min_size=1, max_size=12)


@given(rooms, st.randoms(use_true_random=False), st.sampled_from(RULES),
       st.sampled_from(sorted(SCENARIOS)))  # fmt: skip
@settings(max_examples=150, deadline=None)
def test_combining_is_order_independent(subs, rnd, rule, which):
    scenario = SCENARIOS[which]
    shuffled = list(subs)
    rnd.shuffle(shuffled)
    a = combine(scenario, CONFIG, subs, rule)
    b = combine(scenario, CONFIG, shuffled, rule)
    assert a.reason == b.reason and a.count == b.count
    if a.params is not None:
        for program, weight in a.params.weights.items():
            assert math.isclose(weight, b.params.weights[program], abs_tol=1e-12)
        assert math.isclose(a.params.equity_weight, b.params.equity_weight, abs_tol=1e-12)


@given(rooms, st.sampled_from(RULES), st.sampled_from(sorted(SCENARIOS)))
@settings(max_examples=150, deadline=None)
def test_renormalised_weights_are_shares_summing_to_one(subs, rule, which):
    scenario = SCENARIOS[which]
    room = combine(scenario, CONFIG, subs, rule)
    if room.params is None:
        assert rule in ("median", "geometric") and room.reason == "all_vetoed"
        return
    weights = room.params.weights
    assert set(weights) == {p.id for p in scenario.programs}
    assert all(w >= 0 for w in weights.values())
    assert math.isclose(math.fsum(weights.values()), 1.0, abs_tol=1e-12)
    assert 0 <= room.params.equity_weight <= 1
    for sub in subs:  # each participant's own shares sum to 1 as well
        own = participant_params(scenario, CONFIG, sub).weights
        assert math.isclose(math.fsum(own.values()), 1.0, abs_tol=1e-12)


@given(rooms, st.sampled_from(("mean", "median")))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_satisfaction_is_a_share(subs, rule):
    """Before the cap, the room's plan is worth at most the participant's own optimum
    (up to the solver's gap, 1e-4 relative by default) and never less than nothing."""
    scenario = SCENARIOS["one"]
    plan = SOLVER.solve(combine(scenario, CONFIG, subs, rule).params)
    assert plan.status == "optimal"
    for sub in subs:
        got = satisfaction(SOLVER, participant_params(scenario, CONFIG, sub), plan)
        assert got.raw is not None
        assert -1e-9 <= got.raw <= 1 + 1e-4
        assert 0 <= got.share <= 1
