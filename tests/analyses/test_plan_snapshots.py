"""A plan over years as a Compare option: compared by its last year, its spend over all.

The town of tests/store/test_plan_records.py: one station (10 to build, 6 a year to run)
for 200 people, 10 a year for 2 years. The plan builds it in year 1 and runs it in year
2: by year 2 the town's coverage is 50% (100 of 200), E = z = 50%; the plan spends 10 + 6
= 16 of its 20 over the 2 years, all of it in the town. The single-year result of the
last year (``final``) would say a spend of 10 of a budget of 10: never what is shown.
"""

from __future__ import annotations

import json

import pytest

from govdecide.analyses.snapshots import (
    OPTIONS_FORMAT,
    plan_snapshot,
    snapshots_from_json,
    snapshots_to_json,
)
from govdecide.errors import ScenarioError
from govdecide.io.scenario import parse_scenario
from govdecide.model.years import solve_plan
from tests.store.test_plan_records import ONE, PLAN, SETTINGS


@pytest.fixture(scope="module")
def snap():
    result = solve_plan(parse_scenario(ONE), SETTINGS, PLAN)
    return plan_snapshot("Two years", SETTINGS, PLAN, result)


def test_a_plan_is_compared_by_its_last_year_and_spends_over_all(snap):
    assert snap.years == 2 and snap.plan == PLAN
    assert snap.efficiency == pytest.approx(0.5) and snap.equity == pytest.approx(0.5)
    assert snap.spend == pytest.approx(16) and snap.budget == pytest.approx(20)
    town = snap.districts.set_index("district").loc["town"]
    assert town["spend"] == pytest.approx(16)  # building 10 and running 6
    assert town["coverage_after"] == pytest.approx(0.5)
    assert town["new_units"] == pytest.approx(1)


def test_a_plan_option_round_trips_through_its_file(snap):
    (back,) = snapshots_from_json(snapshots_to_json([snap]))
    assert back == snap and back.plan == PLAN and back.years == 2


@pytest.mark.parametrize(
    ("change", "path"),
    [({"years": 0}, "snapshots[0].years"), ({"years": "2"}, "snapshots[0].years"),
     ({"plan": {"years": 99}}, "snapshots[0].settings.plan.years"),
     ({"plan": "two years"}, "snapshots[0].settings.plan")],
)  # fmt: skip
def test_a_tampered_plan_in_an_options_file_is_refused_where_it_is(snap, change, path):
    data = snap.to_dict()
    if "plan" in change:
        data["settings"] = data["settings"] | change
    else:
        data |= change
    text = json.dumps({"format": OPTIONS_FORMAT, "snapshots": [data]}, default=float)
    with pytest.raises(ScenarioError) as caught:
        snapshots_from_json(text)
    assert [p.path for p in caught.value.problems] == [path]
