"""A story step that is a plan over several years: read from a story file (and refused
there when wrong, every problem with its line and path), told with the plan's words, and
shown in the report.

The hand-checked pair is the two districts of :mod:`.scenarios` (equity weight 0) with a
running cost of 0.5 per unit of p1 and a year:

- one year, budget 10: all 10 units to North (10 people a unit against South's 5):
  North 100%, South 0%, E = 100 / 200 = 50%, z = 0, 100 people newly served.
- two years, budgets 10 then 6, no discount: year 1 as above (E1 = 50%, the most year 1
  can give); year 2 pays 10 x 0.5 = 5 to run North's units, so 1 is left: one unit of p2
  serves 5 people in South, E2 = 105 / 200 = 52.5%, z2 = 5 / 100 = 5%. Building fewer in
  North in year 1 only moves the same money to later and loses year 1's people (a = 8:
  E1 = 40%, E2 = 50%). Running costs take 5 of year 2's budget of 6: 83.3%.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govdecide import Allocator
from govdecide.errors import ScenarioError
from govdecide.i18n import t
from govdecide.model.years import PlanSettings
from govdecide.story import tell_story, what_changed
from govdecide.story.bundled import load_story
from govdecide.story.plan_words import plan_line
from govdecide.story.report_section import story_section
from tests.conftest import SCENARIOS

from .scenarios import step, two

PLAN = PlanSettings(years=2, budget_by_year=(10.0, 6.0), discount_rate=0.0)


def _told(plan: PlanSettings = PLAN):
    scenario = two(running_cost=0.5)
    steps = [step("One year", budget=10, equity_weight=0), step("Two years", equity_weight=0)]
    steps[1] = steps[1].__class__(**{**steps[1].__dict__, "plan": plan})
    return tell_story(steps, lambda s: scenario, lambda s, sc: Allocator(sc).solve)


def test_a_plan_step_is_solved_as_a_plan_and_shows_its_last_year():
    one, both = _told()
    assert one.outcome.plan is None
    plan = both.outcome.plan
    assert plan is not None and plan.status == "optimal" and plan.years == 2
    last = both.outcome.result
    assert last.efficiency == pytest.approx(0.525) and last.equity == pytest.approx(0.05)
    assert last.people_newly_served == pytest.approx(105)
    assert plan.year_figures["running"].tolist() == pytest.approx([0.0, 5.0])
    assert both.outcome.price_of_fairness is None  # not measured for a plan


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_what_changed_says_the_plan_in_words(lang):
    one, both = _told()
    units = t("app.ctl.budget_units", lang)
    sentences = what_changed(one, both, lang)
    changes = t("story.chg.sep", lang).join(
        [
            t("story.plan.chg_to_plan", lang, years="2"),
            t(
                "story.plan.chg_budget",
                lang,
                a=t("story.plan.budget_one", lang, amount="10", units=units),
                b=t("story.plan.budget_list", lang, amounts="10 · 6", units=units),
            ),
        ]
    )
    assert sentences[0] == t("story.chg.settings", lang, changes=changes)
    assert sentences[1] == t("story.plan.chg_last_year", lang, a="1", b="2")
    assert sentences[2] == t("story.chg.people", lang, a="100", b="105", delta="+5")
    assert "50.0%" in sentences[3] and "52.5%" in sentences[3] and "5.0%" in sentences[3]
    assert sentences[4] == t("story.plan.chg_running", lang, a="0.0%", b="83.3%")
    assert not any(t("story.chg.pof_same", lang, a="", b="")[:12] in s for s in sentences)


def test_a_change_of_the_plan_alone_is_said():
    """The same plan with a discount rate of 3% and no need growth: only those move."""
    _, before = _told()
    _, after = _told(PLAN.with_(discount_rate=0.03, growth=False))
    first = what_changed(before, after, "en")[0]
    assert first == (
        "Since the last step: discount rate 0.0% → 3.0%; need now held at the first year's."
    )


def test_the_plan_line_names_length_budgets_rate_and_growth():
    line = plan_line(two(), step("x").settings, PLAN.with_(discount_rate=0.03), "en")
    units = t("app.ctl.budget_units", "en")
    assert line == (
        f"2-year plan · budget 10 · 6 {units} by year · discount rate 3.0% · "
        "need grows as the scenario says"
    )


def test_the_report_shows_the_plan_step():
    html = "".join(story_section({"en": "Plans"}, _told(), "en"))
    assert t("story.plan.rep_note", "en") in html
    assert "2-year plan · budget 10 · 6" in html
    assert "In year 1 build" in html and "Running costs take 83.3% of year 2" in html
    assert f"<li>{t('story.plan.no_pof', 'en')}</li>" in html
    assert "<td>Two years</td>" in html and "10 · 6" in html


GOOD = """\
format: govdecide-story/v1
title: {en: Plans, zh: 规划}
scenario: riverton
steps:
  - title: {en: One year, zh: 一年}
  - title: {en: Five years, zh: 五年}
    settings:
      budget: 9000
      plan: {years: 5, budget_by_year: [8000, 8000, 6000, 6000, 6000], discount_rate: 0.03}
  - title: {en: Growing budget, zh: 预算增长}
    settings: {plan: {years: 3, budget_growth: 0.02, growth: false}}
"""


def test_a_story_file_with_plan_steps_is_read(tmp_path):
    path = tmp_path / "plans.yaml"
    path.write_text(GOOD, encoding="utf-8")
    steps = load_story(path, SCENARIOS).draft.steps
    assert steps[0].plan is None
    assert steps[1].plan == PlanSettings(
        years=5, budget_by_year=(8000.0, 8000.0, 6000.0, 6000.0, 6000.0), discount_rate=0.03
    )
    assert steps[1].settings.budget == 9000
    assert steps[2].plan == PlanSettings(years=3, budget_growth=0.02, growth=False)


BAD = """\
format: govdecide-story/v1
title: {en: Bad plans, zh: 错误的规划}
scenario: riverton
steps:
  - title: A
    settings:
      plan: {years: 5, budget_by_year: [1, 2, 3]}
  - title: B
    settings:
      plan: {years: 0, colour: red}
  - title: C
    settings:
      plan: {budget_by_year: [1, -2], discount_rate: 2, growth: maybe}
  - title: D
    settings:
      plan: {years: 2, budget_by_year: [1, 2], budget_growth: 0.1, staff_by_year: [5]}
"""


def test_bad_plans_are_refused_with_every_problem_its_line_and_path(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_story(path, SCENARIOS)
    found = {(p.path, p.code, p.line) for p in exc.value.problems}
    assert {
        ("steps[1].settings.plan.years", "greater_than_equal", 10),
        ("steps[1].settings.plan.colour", "unknown_key", 10),
        ("steps[2].settings.plan.years", "missing", 13),
        ("steps[2].settings.plan.budget_by_year[1]", "greater_than_equal", 13),
        ("steps[2].settings.plan.discount_rate", "less_than_equal", 13),
        ("steps[2].settings.plan.growth", "not_bool", 13),
    } <= found, found
    # with the shapes right, the checks between the parts: every one at once
    fixed = BAD.replace("years: 0, colour: red", "years: 2").replace(
        "budget_by_year: [1, -2], discount_rate: 2, growth: maybe", "years: 1"
    )
    path.write_text(fixed, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_story(path, SCENARIOS)
    found = {(p.path, p.code, p.line) for p in exc.value.problems}
    assert found == {
        ("steps[0].settings.plan.budget_by_year", "yearly_length", 7),
        ("steps[3].settings.plan.budget_growth", "story_plan_both", 16),
        ("steps[3].settings.plan.staff_by_year", "yearly_length", 16),
    }, found
    messages = exc.value.messages("zh")
    assert all(m.startswith("bad.yaml: ") for m in messages)
    assert any("3" in m and "5" in m for m in exc.value.messages("en"))


WORDS = st.text(alphabet="abyz09 _-", max_size=14)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-30, 30) | st.floats(allow_nan=True) | WORDS,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(WORDS, inner, max_size=4),
    max_leaves=12,
)
PLAN_KEYS = st.sampled_from(
    ["years", "budget_by_year", "budget_growth", "staff_by_year", "discount_rate", "growth", "x"]
)


@settings(max_examples=60, deadline=None)
@given(plan=st.dictionaries(PLAN_KEYS, JSONISH, max_size=6))
def test_any_plan_in_a_story_file_is_read_or_refused_in_words(tmp_path_factory, plan):
    """Whatever a step's plan holds, the file is read, or refused with every problem
    placed under that plan and on a line of the file: never another error."""
    text = GOOD.replace(
        "{plan: {years: 3, budget_growth: 0.02, growth: false}}",
        "{plan: "
        + json.dumps(plan, allow_nan=True).replace("NaN", ".nan").replace("Infinity", ".inf")
        + "}",
    )
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        story = load_story(path, SCENARIOS)
    except ScenarioError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.path.startswith("steps[2].settings"), problem
            assert problem.line is not None, problem
        assert all(m for m in exc.messages("zh"))
    else:
        plan_settings = story.draft.steps[2].plan
        assert plan_settings is not None
        plan_settings.check()
