"""'What changed since the last step' on pairs of steps computed on paper (see
tests/story/scenarios.py for the optima and the price of fairness)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from govdecide import Allocator, Settings
from govdecide.store import Focus
from govdecide.story import SolvedStep, focus_sentence, solve_step, tell_story, what_changed

from .scenarios import step, two


@pytest.fixture(scope="module")
def solved() -> dict[str, SolvedStep]:
    """The three hand-solved steps: efficient, fair, and efficient with more money."""
    scenario = two()
    allocator = Allocator(scenario)
    steps = [
        step("Efficient", equity_weight=0.0, focus=Focus("district", "north")),
        step("Fair", equity_weight=0.5),
        step("More money", equity_weight=0.0, budget=16),
        step("Fair again", equity_weight=0.5),
    ]
    told = tell_story(steps, lambda s: scenario, lambda s, sc: allocator.solve)
    return {s.step.title: s for s in told}


def test_the_hand_computed_optima_hold(solved):
    fair = solved["Fair"].outcome
    assert fair.result.status == "optimal"
    assert fair.result.efficiency == pytest.approx(1 / 3)
    assert fair.result.equity == pytest.approx(1 / 3)
    assert fair.efficient.efficiency == pytest.approx(0.5)
    assert fair.fairness_cost == pytest.approx(1 / 3)
    assert fair.price_of_fairness.people_lost == pytest.approx(100 / 3)
    assert solved["Efficient"].outcome.fairness_cost == 0
    more = solved["More money"].outcome.result
    assert (more.efficiency, more.equity) == (pytest.approx(0.65), pytest.approx(0.3))


def test_raising_the_equity_weight(solved):
    """Efficient -> Fair: North 100% -> 33.3% (-66.7 points), South 0% -> 33.3% (+33.3);
    100 -> 66.7 people; the price of fairness 0% -> 33.3%."""
    assert what_changed(solved["Efficient"], solved["Fair"], "en") == [
        "Since the last step: equity weight 0.00 → 0.50.",
        "People newly served: 100 → 67 (−33).",
        "Need served 50.0% → 33.3% (-16.7 points); the worst-served district 0.0% → 33.3% "
        "(+33.3 points).",
        "Going from Efficient to Fair, coverage rises in South (+33.3 points). "
        "It falls in North (−66.7 points).",
        "The price of fairness rose from 0.0% to 33.3% of the people served (+33.3 points).",
    ]


def test_more_money_and_the_weight_back_to_zero(solved):
    """Fair -> More money (B 10 -> 16, weight 0.5 -> 0): North 33.3% -> 100% (+66.7),
    South 33.3% -> 30% (-3.3); 66.7 -> 130 people (+63); the price 33.3% -> 0%."""
    assert what_changed(solved["Fair"], solved["More money"], "en") == [
        "Since the last step: budget 10 → 16 budget units; equity weight 0.50 → 0.00.",
        "People newly served: 67 → 130 (+63).",
        "Need served 33.3% → 65.0% (+31.7 points); the worst-served district 33.3% → 30.0% "
        "(-3.3 points).",
        "Going from Fair to More money, coverage rises in North (+66.7 points). "
        "It falls in South (−3.3 points).",
        "The price of fairness fell from 33.3% to 0.0% of the people served (-33.3 points).",
    ]


def test_the_same_settings_again_change_nothing(solved):
    fair, again = solved["Fair"], solved["Fair again"]
    assert what_changed(fair, again, "en") == [
        "The settings are those of the last step.",
        "People newly served: 67 → 67 (0).",
        "Need served 33.3% → 33.3% (+0.0 points); the worst-served district 33.3% → 33.3% "
        "(+0.0 points).",
        "Fair and Fair again give every district the same coverage.",
        "The price of fairness stayed at 33.3% of the people served (it was 33.3%).",
    ]


def test_in_chinese(solved):
    assert what_changed(solved["Efficient"], solved["Fair"], "zh") == [
        "与上一步相比：公平权重 0.00 → 0.50。",
        "新增服务人数：100 → 67（−33）。",
        "需求满足率 50.0% → 33.3%（-16.7 个百分点）；服务最差的区 0.0% → 33.3%（+33.3 个百分点）。",
        "从Efficient改为Fair，覆盖率上升的区：南区（+33.3 个百分点）。"
        "覆盖率下降的区：北区（−66.7 个百分点）。",
        "公平的代价从服务人数的 0.0% 升至 33.3%（+33.3 个百分点）。",
    ]


def test_titles_are_told_in_the_readers_language():
    scenario = two()
    told = tell_story(
        [step({"en": "Before", "zh": "之前"}), step({"en": "After", "zh": "之后"}, budget=16)],
        lambda s: scenario,
        lambda s, sc: Allocator(sc).solve,
    )
    assert "从之前改为之后" in what_changed(*told, "zh")[3]
    assert "Going from Before to After" in what_changed(*told, "en")[3]


def test_the_first_step_has_nothing_to_compare(solved):
    assert what_changed(None, solved["Fair"], "en") == []


def test_a_time_limited_step_says_its_price_is_not_proven(solved):
    fair = solved["Fair"]
    stopped = replace(fair.outcome, result=replace(fair.outcome.result, status="feasible"))
    sentences = what_changed(solved["Efficient"], replace(fair, outcome=stopped), "en")
    assert sentences[-1].endswith("so this cost is not proven (it may be smaller).")


def test_another_scenario_is_not_compared_district_by_district(solved):
    other = replace(solved["Fair"], step=replace(solved["Fair"].step, scenario_hash="b" * 64))
    assert what_changed(solved["Efficient"], other, "en") == [
        "This step uses another scenario (Two districts) than the last one, so the two are "
        "not compared district by district."
    ]


def test_a_step_without_an_allocation_is_said_once(solved):
    """North must get 20 units but the budget is 10: no allocation."""
    scenario = two(min_units=20)
    [after] = tell_story([step("Floor")], lambda s: scenario, lambda s, sc: Allocator(sc).solve)
    assert after.outcome.result.status == "infeasible"
    [sentence] = what_changed(solved["Fair"], after, "en")
    assert sentence.startswith("“Floor” has no allocation (Infeasible")
    [sentence] = what_changed(after, solved["Fair"], "en")
    assert sentence.startswith("“Floor” has no allocation (")
    unsolved = replace(after, scenario=None, outcome=None)
    assert what_changed(solved["Fair"], unsolved, "en") == [
        "“Floor” could not be solved here, so nothing is compared."
    ]


def test_the_focus_district_is_described(solved):
    """Efficient: North gets all 10 units: coverage 0% -> 100%, all the new spending."""
    assert focus_sentence(solved["Efficient"], "en") == (
        "Look at North: coverage 0.0% → 100.0%; it gets 10 of the new spending (100.0%)."
    )
    assert focus_sentence(solved["Fair"], "en") is None  # no district focus
    lost = replace(solved["Efficient"].step, focus=Focus("district", "east"))
    assert focus_sentence(replace(solved["Efficient"], step=lost), "en") == (
        "The district this step points at (east) has no allocation in this scenario."
    )


def test_a_step_at_weight_zero_is_its_own_efficient_point():
    calls: list[Settings] = []
    allocator = Allocator(two())

    def counting(settings: Settings):
        calls.append(settings)
        return allocator.solve(settings)

    outcome = solve_step(counting, Settings(equity_weight=0.0))
    assert outcome.efficient is outcome.result and len(calls) == 1
    outcome = solve_step(counting, Settings(equity_weight=0.5, budget=12))
    assert calls[-1] == Settings(equity_weight=0.0, budget=12) and len(calls) == 3


def test_settings_the_engine_refuses_are_kept_with_their_reason():
    scenario = two()
    told = tell_story([step("Bad", weights={"nope": 1.0})], lambda s: scenario,
                      lambda s, sc: Allocator(sc).solve)  # fmt: skip
    assert told[0].outcome is None and told[0].error is not None
    assert not told[0].solved
