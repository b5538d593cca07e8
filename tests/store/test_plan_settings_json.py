"""A plan's settings in a stored settings column: one plain-data form, checked both ways."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govdecide.errors import ScenarioError
from govdecide.model.settings import Settings
from govdecide.model.years import PlanSettings
from govdecide.store.records import PLAN_KEY, plan_of, settings_json


def test_a_single_year_option_keeps_no_plan_key() -> None:
    data = settings_json(Settings(budget=100.0))
    assert PLAN_KEY not in data
    assert plan_of(data) is None
    assert Settings.from_dict(data) == Settings(budget=100.0)


def test_a_plan_round_trips_beside_its_settings() -> None:
    plan = PlanSettings(years=5, budget_by_year=(10.0, 10.0, 8.0, 8.0, 6.0), discount_rate=0.03)
    data = settings_json(Settings(equity_weight=0.4), plan)
    assert data[PLAN_KEY]["years"] == 5
    assert plan_of(data) == plan
    assert Settings.from_dict(data) == Settings(equity_weight=0.4)


@pytest.mark.parametrize(
    "bad",
    [{"years": 0}, {"years": "five"}, {"budget_by_year": "1,2"}, {"discount_rate": 2.0},
     {"budget_by_year": [1.0, -3.0]}, "not a mapping"],
)  # fmt: skip
def test_a_stored_plan_that_cannot_be_used_is_refused_with_its_path(bad: object) -> None:
    with pytest.raises(ScenarioError) as caught:
        plan_of({PLAN_KEY: bad})
    assert all(p.path.startswith("settings.plan") for p in caught.value.problems)


def test_a_plan_that_cannot_be_used_is_not_saved() -> None:
    with pytest.raises(ScenarioError):
        settings_json(Settings(), PlanSettings(years=99))


@given(
    years=st.integers(1, 20),
    rate=st.floats(0, 1),
    growth=st.booleans(),
    budget_growth=st.none() | st.floats(-0.99, 1),
)
def test_every_usable_plan_reads_back_equal(
    years: int, rate: float, growth: bool, budget_growth: float | None
) -> None:
    plan = PlanSettings(years=years, discount_rate=rate, growth=growth, budget_growth=budget_growth)
    assert plan_of(settings_json(Settings(), plan)) == plan


@pytest.mark.parametrize("growth", ["yes", 1, None, [True]])
def test_a_stored_plan_whose_growth_is_no_yes_or_no_is_refused(growth: object) -> None:
    with pytest.raises(ScenarioError) as caught:
        plan_of({PLAN_KEY: {"years": 5, "growth": growth}})
    assert [p.path for p in caught.value.problems] == ["settings.plan.growth"]
