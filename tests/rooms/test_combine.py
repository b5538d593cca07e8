"""Combining rules and each participant's parameters, checked on paper.

Onetown (tests/rooms/scenarios.py) has two programs of scenario weight 1 each, so the
room's programs share the whole weight (m_S = 1) and a participant's priorities (c, s)
become shares (c / (c + s), s / (c + s)).
"""

from __future__ import annotations

import pytest

from govdecide.errors import ScenarioError
from govdecide.rooms import (
    RoomConfig,
    Submission,
    check_config,
    check_submission,
    combine,
    participant_weights,
)

from .scenarios import one_district, three_programs

BOTH = RoomConfig(programs=("clinic", "school"), equity=True)
P1 = Submission({"clinic": 10, "school": 0}, 0.2)
P2 = Submission({"clinic": 0, "school": 10}, 0.6)
P3 = Submission({"clinic": 2, "school": 8}, 0.7)


def test_shares_ignore_the_scale_of_priorities():
    """(10, 10) and (1, 1) both say "equal": shares (0.5, 0.5); (2, 8) is (0.2, 0.8)."""
    s = one_district()
    half = {"clinic": 0.5, "school": 0.5}
    assert participant_weights(s, BOTH, {"clinic": 10, "school": 10}) == half
    assert participant_weights(s, BOTH, {"clinic": 1, "school": 1}) == half
    w = participant_weights(s, BOTH, {"clinic": 2, "school": 8})
    assert w["clinic"] == pytest.approx(0.2) and w["school"] == pytest.approx(0.8)


def test_two_opposite_participants():
    """P1 (10, 0) and P2 (0, 10): shares (1, 0) and (0, 1). Mean (0.5, 0.5); the median of
    two values is their mean, (0.5, 0.5); the geometric mean is 0 for both programs (each
    has a 0): no weights. Equity weights 0.2 and 0.6: mean and median 0.4."""
    s = one_district()
    for rule in ("mean", "median"):
        room = combine(s, BOTH, [P1, P2], rule)
        assert room.count == 2 and room.reason is None
        assert room.params.weights == pytest.approx({"clinic": 0.5, "school": 0.5})
        assert room.params.equity_weight == pytest.approx(0.4)
    geo = combine(s, BOTH, [P1, P2], "geometric")
    assert geo.params is None and geo.reason == "all_vetoed"


def test_three_participants_mean_median_geometric():
    """Shares of clinics 1, 0, 0.2 and of schools 0, 1, 0.8.
    Mean: clinic 1.2/3 = 0.4, school 1.8/3 = 0.6 (sum 1). Median: clinic 0.2, school 0.8
    (sum 1). Equity 0.2, 0.6, 0.7: mean 0.5, median 0.6; the geometric rule averages a
    single number (0.5). With P3 and (5, 5): geometric clinic sqrt(0.2 * 0.5) = 0.3162,
    school sqrt(0.8 * 0.5) = 0.6325, renormalised to 1/3 and 2/3."""
    s = one_district()
    mean = combine(s, BOTH, [P1, P2, P3], "mean").params
    assert mean.weights == pytest.approx({"clinic": 0.4, "school": 0.6})
    assert mean.equity_weight == pytest.approx(0.5)
    median = combine(s, BOTH, [P1, P2, P3], "median").params
    assert median.weights == pytest.approx({"clinic": 0.2, "school": 0.8})
    assert median.equity_weight == pytest.approx(0.6)
    p4 = Submission({"clinic": 5, "school": 5}, 0.3)
    geo = combine(s, BOTH, [P3, p4], "geometric").params
    assert geo.weights == pytest.approx({"clinic": 1 / 3, "school": 2 / 3})
    assert geo.equity_weight == pytest.approx(0.5)


def test_a_program_the_room_does_not_set_keeps_its_share():
    """Threetown's weights 1, 1, 2: the park keeps 2/4 = 0.5 and the room's two programs
    share m_S = 0.5. P1 (10, 0) gives clinic 0.5, school 0, park 0.5; the mean of P1 and
    P2 gives clinic 0.25, school 0.25, park 0.5."""
    s = three_programs()
    assert participant_weights(s, BOTH, P1.priorities) == pytest.approx(
        {"clinic": 0.5, "school": 0.0, "park": 0.5}
    )
    room = combine(s, BOTH, [P1, P2], "mean").params
    assert room.weights == pytest.approx({"clinic": 0.25, "school": 0.25, "park": 0.5})


def test_lowest_coverage_is_combined_like_the_equity_weight():
    """Floors 0.1, 0.3, 0.8: mean 0.4, median 0.3; a room without floors has none."""
    s = one_district()
    config = RoomConfig(programs=("clinic", "school"), equity=False, floor=True)
    subs = [Submission({"clinic": 1, "school": 1}, None, f) for f in (0.1, 0.3, 0.8)]
    assert combine(s, config, subs, "mean").params.floor == pytest.approx(0.4)
    assert combine(s, config, subs, "median").params.floor == pytest.approx(0.3)
    assert combine(s, BOTH, [P1], "mean").params.floor is None
    # the equity weight the room does not set is the scenario's (0)
    assert combine(s, config, subs, "mean").params.equity_weight == 0.0


def test_no_submissions_no_parameters():
    room = combine(one_district(), BOTH, [], "median")
    assert room.params is None and room.reason == "no_submissions" and room.count == 0


def test_a_room_config_is_checked_against_the_scenario():
    s = one_district()
    assert check_config(RoomConfig(programs=("school", "clinic")), s).programs == (
        "clinic", "school")  # fmt: skip
    for bad, code in [
        (RoomConfig(programs=("clinic",)), "room_one_program"),
        (RoomConfig(programs=(), equity=False, floor=False), "room_nothing_to_set"),
        (RoomConfig(programs=("clinic", "nope")), "unknown_program_weight"),
    ]:
        with pytest.raises(ScenarioError) as exc:
            check_config(bad, s)
        assert exc.value.problems[0].code == code


def test_a_submission_keeps_only_what_the_room_sets():
    got = check_submission(BOTH, {"priorities": {"clinic": 3, "school": 4.5}, "equity_weight": 1})
    assert got == Submission({"clinic": 3.0, "school": 4.5}, 1.0, None)
    for bad in (None, [], {"priorities": []}, {"priorities": {"clinic": True, "school": 1},
                                                "equity_weight": 0},
                {"priorities": {"clinic": float("nan"), "school": 1}, "equity_weight": 0},
                {"priorities": {"clinic": 10**400, "school": 1}, "equity_weight": 0},
                {"priorities": {"clinic": 1, "school": 1}}):  # fmt: skip
        with pytest.raises(ScenarioError):
            check_submission(BOTH, bad)


def test_an_unknown_rule_is_a_programming_error():
    with pytest.raises(ValueError):
        combine(one_district(), BOTH, [P1], "vote")
