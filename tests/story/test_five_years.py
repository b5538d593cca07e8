"""The bundled workshop story "Riverton over five years": it loads strictly, every plan step
solves to a proven five-year plan, and each number its captions give is the solve's.

The numbers below are the captions' own (en and zh say the same ones); each is read back
from the solved steps, so a change of Riverton's data or of the model that moves one of
them fails here before a trainer reads a wrong caption to a room.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govdecide import Allocator, load_scenario
from govdecide.i18n import LANGS, fmt_money, fmt_pct, fmt_people
from govdecide.story import tell_story, what_changed
from govdecide.story.bundled import bundled_stories, load_story

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
STORY = SCENARIOS / "stories" / "riverton_five_years.yaml"
NEW_TOWNS = ("eastfield", "south_marsh", "west_mill")


@pytest.fixture(scope="module")
def story():
    return load_story(STORY, SCENARIOS)


@pytest.fixture(scope="module")
def told(story):
    scenario = load_scenario(SCENARIOS / "riverton.yaml")
    allocator = Allocator(scenario)
    return tell_story(story.draft.steps, lambda s: scenario, lambda s, sc: allocator.solve)


def _coverage(step, district: str, year: int) -> float:
    frame = step.outcome.plan.district_years
    row = frame[(frame["district"] == district) & (frame["year"] == year)]
    return float(row["coverage"].iloc[0])


def _new_town_capital(step, year: int) -> float:
    a = step.outcome.plan.allocation
    return float(a[(a["year"] == year) & a["district"].isin(NEW_TOWNS)]["capital"].sum())


def _captions(step) -> str:
    return " ".join(step.step.caption[lang] for lang in LANGS)


def test_it_is_bundled_with_both_languages_and_plan_steps(story):
    assert "riverton_five_years" in bundled_stories(SCENARIOS / "stories")
    steps = story.draft.steps
    assert len(steps) == 5
    assert steps[0].plan is None
    assert all(s.plan is not None and s.plan.years == 5 for s in steps[1:])
    for text in [story.draft.title, *(s.title for s in steps), *(s.caption for s in steps)]:
        assert set(text) == set(LANGS) and all(text[lang].strip() for lang in LANGS)


def test_every_step_solves_and_every_plan_is_proven(told):
    assert told[0].outcome.plan is None and told[0].outcome.result.status == "optimal"
    for step in told[1:]:
        plan = step.outcome.plan
        assert plan is not None and plan.status == "optimal" and plan.years == 5, plan.status
        assert step.outcome.result is plan.final
    for before, after in zip(told, told[1:]):
        assert len(what_changed(before, after, "en")) >= 5


def _in_both(step, *numbers: str) -> None:
    """Every number is written in the step's caption in each language."""
    for lang in LANGS:
        for number in numbers:
            assert number in step.step.caption[lang], (lang, number)


def test_step_1_is_this_years_budget_alone(told):
    result = told[0].outcome.result
    assert result.budget == 40_000 and result.equity_weight == pytest.approx(0.3)
    _in_both(told[0], "40,000", fmt_pct(result.efficiency), fmt_pct(result.equity), "0.3")


def test_step_2_running_costs_crowd_out_new_building(told):
    one, step = told[0].outcome.result, told[1]
    years = step.outcome.plan.year_figures
    assert years["budget"].tolist() == [12_000.0] * 5
    last = years.iloc[-1]
    share = float(last["running"]) / float(last["budget"])
    assert years["capital"].iloc[0] == pytest.approx(12_000)
    assert list(years["capital"]) == sorted(years["capital"], reverse=True)  # it only falls
    _in_both(step, "12,000", "60,000", fmt_pct(share), fmt_money(round(last["capital"]), "en"))
    people = step.outcome.result.people_newly_served
    _in_both(step, fmt_people(people, "en"), fmt_people(one.people_newly_served, "en"))
    assert abs(people - one.people_newly_served) / one.people_newly_served < 0.01  # "about"


def test_step_3_need_grows_and_eastfield_falls_behind(told):
    held, grown = told[1], told[2]
    assert grown.step.district == "eastfield"
    final = grown.outcome.result.districts.sort_values("coverage_after")
    assert final["district"].iloc[0] == "eastfield"
    peak = [_coverage(grown, "eastfield", y) for y in range(1, 6)]
    assert max(peak) == peak[2] and peak[3] < peak[2] and peak[4] < peak[3]
    _in_both(
        grown,
        fmt_pct(_coverage(grown, "eastfield", 5)),
        fmt_pct(_coverage(held, "eastfield", 5)),
        fmt_pct(peak[2]),
        "4%",
        "3%",
        "2.5%",
    )


def test_step_4_the_cut_comes_out_of_new_building(told):
    before, tight = told[2].outcome.plan.year_figures, told[3].outcome.plan.year_figures
    assert tight["budget"].tolist() == [12_000.0, 12_000.0, 9_000.0, 9_000.0, 9_000.0]
    assert tight["running"].iloc[2] == pytest.approx(before["running"].iloc[2])
    cut = before["capital"].iloc[2] - tight["capital"].iloc[2]
    assert cut == pytest.approx(3_000)
    numbers = (fmt_money(round(v), "en") for v in (tight["running"].iloc[2],
               before["capital"].iloc[2], tight["capital"].iloc[2]))  # fmt: skip
    _in_both(told[3], "9,000", *numbers)
    _in_both(
        told[3],
        fmt_pct(_coverage(told[3], "eastfield", 5)),
        fmt_pct(_coverage(told[2], "eastfield", 5)),
    )


def test_step_5_fairness_moves_money_to_the_new_towns_earlier(told):
    tight, fair = told[3], told[4]
    assert fair.outcome.result.equity_weight == pytest.approx(0.8)
    early_before, early_now = _new_town_capital(tight, 2), _new_town_capital(fair, 2)
    assert early_now > early_before
    _in_both(fair, fmt_money(round(early_now), "en"), fmt_money(round(early_before), "en"))
    lost = tight.outcome.result.people_newly_served - fair.outcome.result.people_newly_served
    _in_both(fair, fmt_people(lost, "en"), "0.8", "0.3")
    _in_both(
        fair,
        fmt_pct(_coverage(tight, "eastfield", 5)),
        fmt_pct(_coverage(fair, "eastfield", 5)),
    )
    a = tight.outcome.result.districts.set_index("district")["coverage_after"]
    b = fair.outcome.result.districts.set_index("district")["coverage_after"]
    for district in ("riverside", "university", "north_hills"):
        assert b[district] < a[district], district
    assert b["eastfield"] > a["eastfield"]
    assert "Riverside" in _captions(fair) and "滨河区" in _captions(fair)
