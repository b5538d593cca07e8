"""The bundled Riverton story: it loads strictly, keeps in a workspace, and its captions
say what the figures show (its last step a five-year plan); a wrong story file is refused
with every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from govdecide import Allocator, load_scenario
from govdecide.errors import ScenarioError
from govdecide.i18n import LANGS, fmt_pct
from govdecide.store import Store, Stories, content_hash
from govdecide.story import tell_story, what_changed
from govdecide.story.bundled import bundled_stories, load_story

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
STORY = SCENARIOS / "stories" / "riverton_story.yaml"


@pytest.fixture(scope="module")
def riverton_story():
    return load_story(STORY, SCENARIOS)


@pytest.fixture(scope="module")
def told(riverton_story):
    scenario = load_scenario(SCENARIOS / "riverton.yaml")
    allocator = Allocator(scenario)
    return tell_story(riverton_story.draft.steps, lambda s: scenario, lambda s, sc: allocator.solve)


def test_the_riverton_story_is_bundled_with_five_to_seven_steps(riverton_story):
    assert "riverton_story" in bundled_stories(SCENARIOS / "stories")
    steps = riverton_story.draft.steps
    assert 5 <= len(steps) <= 7
    sha = content_hash((SCENARIOS / "riverton.yaml").read_text(encoding="utf-8"))
    assert {(s.scenario_id, s.scenario_hash) for s in steps} == {("riverton", sha)}
    for text in [
        riverton_story.draft.title,
        *(s.title for s in steps),
        *(s.caption for s in steps),
    ]:
        assert set(text) == set(LANGS) and all(text[lang].strip() for lang in LANGS)


def test_it_goes_from_todays_plan_through_the_equity_weight_and_the_budget(told):
    """The first step is the scenario's own plan; the weight moves before the budget;
    the last step is a five-year plan (its figures are its last year's)."""
    results = [s.outcome.result for s in told]
    assert all(r.status == "optimal" for r in results)
    assert [s.step.plan is not None for s in told] == [False] * 5 + [True]
    assert told[0].step.settings.budget is None and told[0].step.settings.equity_weight is None
    weights = [r.equity_weight for r in results]
    budgets = [r.budget for r in results]
    assert weights[:3] == [0.3, 0.0, 1.0] and budgets[:3] == [40_000] * 3
    assert budgets[3:] == [50_000, 50_000, 12_000]
    for before, after in zip(told, told[1:]):
        assert len(what_changed(before, after, "en")) >= 4


def test_the_captions_say_what_the_figures_show(told):
    """Step 2: more people served and Eastfield the worst served; step 3: tens of
    thousands fewer people served; step 4: money left unspent while the staff limit binds;
    step 5: about ten thousand more people served and the worst-served district higher;
    step 6: five years at 12,000 a year, running costs 63.1% of year 5's budget, Eastfield
    the worst served at 85.5% by then."""
    today, efficient, fair, money, staff, _plan = (s.outcome.result for s in told)
    assert efficient.people_newly_served > today.people_newly_served
    assert efficient.equity < today.equity
    worst = efficient.districts.sort_values("coverage_after").iloc[0]["district"]
    assert told[1].step.district == worst == "eastfield"
    assert 10_000 <= efficient.people_newly_served - fair.people_newly_served < 100_000
    assert told[2].outcome.fairness_cost > told[1].outcome.fairness_cost
    assert "staff" in {b.family for b in money.binding}
    assert money.budget - money.budget_used > 0.5 * (money.budget - today.budget)
    assert 5_000 <= staff.people_newly_served - money.people_newly_served <= 15_000
    assert staff.equity > money.equity
    plan = told[5].outcome.plan
    assert plan.status == "optimal" and plan.years == 5
    assert plan.year_figures["budget"].tolist() == [12_000.0] * 5
    last = plan.year_figures.iloc[-1]
    share = fmt_pct(float(last["running"]) / float(last["budget"]))
    worst = plan.final.districts.sort_values("coverage_after").iloc[0]
    assert worst["district"] == told[5].step.district == "eastfield"
    for lang in LANGS:
        caption = told[5].step.caption[lang]
        assert share in caption and fmt_pct(float(worst["coverage_after"])) in caption
        assert "12,000" in caption and "1,500" in caption


def test_a_copy_is_an_ordinary_story_of_a_workspace(riverton_story, tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 's.sqlite3'}") as store:
        stories = Stories(store.create_workspace())
        story = stories.create(riverton_story.draft.title, riverton_story.draft.steps)
        assert [s.title for s in story.steps] == [s.title for s in riverton_story.draft.steps]
        assert story.steps[1].district == "eastfield" and story.steps[4].chart == "map"


BAD = """\
format: govdecide-story/v2
title: {en: Bad, fr: Mauvais}
scenario: riverton
steps:
  - title: One
    settings: {equity_weight: 2, weights: {parks: 1}}
    focus: {chart: pie}
  - title: Two
    focus: {district: atlantis}
    colour: red
  - title: Three
    scenario: gotham
  - title: Four
    focus: {chart: map, district: harbour}
"""


def test_a_wrong_story_file_is_refused_with_every_problem_at_once(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_story(path, SCENARIOS)
    found = {(p.path, p.line) for p in exc.value.problems}
    assert {("steps[0].settings.equity_weight", 6), ("steps[1].colour", 10)} <= found, found
    messages = exc.value.messages("en")
    assert all(m.startswith("bad.yaml: ") for m in messages)
    path.write_text(BAD.replace("    colour: red\n", "").replace("equity_weight: 2, ", ""))
    with pytest.raises(ScenarioError) as exc:
        load_story(path, SCENARIOS)
    found = {(p.path, p.code, p.line) for p in exc.value.problems}
    assert {
        ("format", "bad_format", 1),
        ("title.fr", "story_text_lang", 2),
        ("steps[0].settings.weights.parks", "unknown_program", 6),
        ("steps[0].focus.chart", "store_bad_choice", 7),
        ("steps[1].focus.district", "unknown_district", 9),
        ("steps[2].scenario", "story_no_scenario", 11),
        ("steps[3].focus", "story_focus_one", 13),
    } <= found, found
    assert any("gotham" in m for m in exc.value.messages("zh"))
