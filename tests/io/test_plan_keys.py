"""The v1.1 keys of the scenario format (a plan over several years), refused at the door
when the model cannot use them, with file, line and key path, every problem at once."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govdecide.errors import ScenarioError
from govdecide.io.scenario import parse_scenario, scenario_from_data, scenario_to_yaml

PLAN = """\
format: govdecide/v1
name: Plan town
districts:
  - {id: north, name: North, population: 1000, growth: GROWTH}
programs:
  - {id: clinic, name: Clinic, unit_cost: 10, capacity: 100, need: {indicator: population},
     running_cost: RUN}
policy:
  budget: BUDGET
  staff: STAFF
  years: YEARS
  discount_rate: RATE
"""

GOOD = {"GROWTH": "0.02", "RUN": "1.5", "BUDGET": "[10, 20, 30]", "STAFF": "5", "YEARS": "3",
        "RATE": "0.03"}  # fmt: skip


def text(**changes: str) -> str:
    out = PLAN
    for key, value in (GOOD | changes).items():
        out = out.replace(key, value)
    return out


def problems(**changes: str) -> list[tuple[str, str, int | None]]:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text(**changes), "plan.yaml")
    return [(p.path, p.code, p.line) for p in err.value.problems]


def test_a_plan_loads_and_round_trips():
    scenario = parse_scenario(text())
    policy = scenario.policy
    assert policy.years == 3 and policy.discount_rate == 0.03
    assert policy.yearly("budget") == [10, 20, 30] and policy.yearly("staff") == [5, 5, 5]
    assert policy.first_budget == 10 and policy.first_staff == 5
    assert scenario.districts[0].growth == 0.02 and scenario.programs[0].running_cost == 1.5
    assert parse_scenario(scenario_to_yaml(scenario)) == scenario


def test_every_bad_key_is_reported_at_once_with_its_line():
    found = problems(
        GROWTH="-1", RUN="-2", BUDGET="[10, 20]", STAFF="[1, -1, 2]", YEARS="3", RATE="2"
    )
    assert ("districts[0].growth", "greater_than", 4) in found
    assert ("programs[0].running_cost", "greater_than_equal", 7) in found
    assert ("policy.budget", "yearly_length", 9) in found
    assert ("policy.staff[1]", "greater_than_equal", 10) in found
    assert ("policy.discount_rate", "less_than_equal", 12) in found


@pytest.mark.parametrize("years", ["0", "21", "2.5", "true", "five"])
def test_years_must_be_a_whole_number_from_1_to_20(years):
    codes = {code for path, code, _ in problems(YEARS=years, BUDGET="10") if path == "policy.years"}
    assert codes, years


def test_a_list_for_a_one_year_plan_must_have_one_number():
    assert ("policy.budget", "yearly_length", 9) in problems(YEARS="1", BUDGET="[1, 2]")
    assert parse_scenario(text(YEARS="1", BUDGET="[7]")).policy.first_budget == 7


def test_a_growth_above_100_percent_and_a_typo_are_refused():
    assert ("districts[0].growth", "less_than_equal", 4) in problems(GROWTH="1.5")
    bad = text().replace("discount_rate:", "discount:")
    with pytest.raises(ScenarioError) as err:
        parse_scenario(bad)
    assert any(p.code == "unknown_key" and p.path == "policy.discount" for p in err.value.problems)


def test_messages_say_what_to_change_in_both_languages():
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text(BUDGET="[10, 20]"), "plan.yaml")
    assert "has 2 numbers but the plan has 3 years" in err.value.messages("en")[0]
    assert "有 2 个数值，但规划共 3 年" in err.value.messages("zh")[0]


@settings(max_examples=40, deadline=None)
@given(years=st.integers(1, 20), extra=st.integers(-3, 3), data=st.data())
def test_a_yearly_list_loads_exactly_when_it_has_one_number_per_year(years, extra, data):
    n = max(1, years + extra)
    values = data.draw(st.lists(st.integers(0, 10**6), min_size=n, max_size=n))
    raw = {
        "format": "govdecide/v1", "name": "x",
        "districts": [{"id": "a", "name": "A", "population": 10}],
        "programs": [{"id": "p", "name": "P", "unit_cost": 1, "capacity": 1,
                      "need": {"indicator": "population"}}],
        "policy": {"budget": values, "years": years},
    }  # fmt: skip
    if n == years:
        assert scenario_from_data(raw).policy.yearly("budget") == [float(v) for v in values]
    else:
        with pytest.raises(ScenarioError) as err:
            scenario_from_data(raw)
        assert [p.code for p in err.value.problems] == ["yearly_length"]
