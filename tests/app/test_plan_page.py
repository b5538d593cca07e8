"""The "Plan over years" page, run headless with Streamlit's AppTest on the teaching city.

The page's sentences must be the library's for the settings its sliders start at (the
sidebar's defaults, five years, 40% of Riverton's budget each year), to the character.
Riverton's file gives running costs and growth of need (v1.1 keys), so the page offers no
illustrative assumption and the plan uses the file's; a copy of Riverton without those
keys, uploaded on the data page, gets the two assumption sliders and the illustrative
running cost of 10% of a unit's cost. Moving the years slider changes the plan; a budget
of 0 makes the plan infeasible (Eastfield's promised school places cost money) and the
page says which year's budget to raise.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from govdecide import load_scenario
from govdecide.i18n import t
from govdecide.io.scenario import (
    display_names,
    scenario_from_data,
    scenario_to_data,
    scenario_to_yaml,
)
from govdecide.model.years import PlanSettings, solve_plan
from govdecide.model.years.diagnosis import plan_diagnosis_text
from govdecide.present.plan_summary import plan_summary
from tests.app.test_analysis_pages import page_settings
from ui import plan_view

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 120


@pytest.fixture(scope="module")
def riverton():
    return load_scenario(ROOT / "scenarios" / "riverton.yaml")


def open_plan(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def sliders(at: AppTest) -> set[str]:
    return {s.key for s in at.slider if s.key}


def test_plan_page_shows_the_library_plan(riverton):
    """Riverton has running costs and growth in its file: no assumption sliders."""
    assert all(p.running_cost > 0 for p in riverton.programs)
    at = open_plan()
    assert not {"plan_running_share", "plan_need_growth"} & sliders(at)
    budget = plan_view._default_budget(riverton)
    assert budget == pytest.approx(16000)  # 40% of 40,000 on the slider's steps
    plan = PlanSettings(years=5, discount_rate=0.0)
    settings = page_settings(riverton).with_(time_limit_s=None, budget=budget)
    expected = solve_plan(riverton, settings, plan)
    names = display_names(riverton, "en")
    for sentence in plan_summary(expected, names, "en"):
        assert sentence in markdown(at).replace("\\", "")
    charts = at.get("vega_lite_chart")
    assert len(charts) == 4
    for title in ("What is commissioned when", "running costs", "lowest district each year"):
        assert any(title in c.proto.spec for c in charts), title
    assert at.success[0].value == expected.status_text("en")
    # the years slider down to 2: the plan follows
    at.slider(key="plan_years").set_value(2).run()
    assert not at.exception
    text = markdown(at).replace("\\", "")
    assert "In year 2" in text and "In year 3" not in text
    assert "By year 2 the lowest district" in text


def test_infeasible_plan_names_the_year(riverton):
    """A budget of 0 every year: Eastfield's 20 promised school places (120 each) cannot
    be paid; the page gives the library's ways out, which name the year."""
    at = open_plan()
    at.slider(key="plan_budget").set_value(0.0).run()
    assert not at.exception
    assert at.error, "an infeasible plan is said so"
    plan = PlanSettings(years=5, discount_rate=0.0)
    settings = page_settings(riverton).with_(time_limit_s=None, budget=0.0)
    expected = solve_plan(riverton, settings, plan)
    text = plan_diagnosis_text(expected.diagnosis, "en", display_names(riverton, "en"))
    assert "year" in text
    assert [i.value.replace("\\", "") for i in at.info] == [text]


def without_plan_keys(riverton):
    """Riverton renamed, with no running cost and no growth (a file written for v1)."""
    data = scenario_to_data(riverton)
    data["name"] = {"en": "Riverton without plans", "zh": "无规划数据的河湾市"}
    for program in data["programs"]:
        program.pop("running_cost", None)
    for district in data["districts"]:
        district.pop("growth", None)
    return scenario_from_data(data)


def test_a_scenario_without_running_costs_gets_the_illustrative_assumptions(riverton):
    """Uploaded on the data page, the copy without v1.1 keys: the page offers both
    assumption sliders, and its sentences are the library's with a running cost of 10%
    of each unit's cost (the sliders' start) and no growth."""
    plain = without_plan_keys(riverton)
    assert all(p.running_cost == 0 for p in plain.programs)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("app_pages/data.py").run()
    upload = next(u for u in at.file_uploader if u.key == "io_upload_yaml")
    upload.upload("plain.yaml", scenario_to_yaml(plain).encode(), "application/x-yaml").run()
    assert not at.exception
    at.switch_page("app_pages/plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert {"plan_running_share", "plan_need_growth"} <= sliders(at)
    assert at.slider(key="plan_running_share").value == pytest.approx(10.0)
    plan = PlanSettings(years=5, discount_rate=0.0, running_share=0.1)
    settings = page_settings(plain).with_(time_limit_s=None, budget=16000.0)
    expected = solve_plan(plain, settings, plan)
    text = markdown(at).replace("\\", "")
    for sentence in plan_summary(expected, display_names(plain, "en"), "en"):
        assert sentence in text
    # and it is not Riverton's own plan: the file's running costs differ from 10%
    own = solve_plan(riverton, settings, PlanSettings(years=5, discount_rate=0.0))
    assert own.objective != pytest.approx(expected.objective)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_one_year_page_says_the_file_is_a_plan_and_shows_its_first_year(riverton, lang):
    """A file whose policy says years: 5, uploaded: Allocate and the analysis pages say
    they look at its first year and link to the plan page; the plan page does not."""
    data = scenario_to_data(riverton)
    data["name"] = {"en": "Riverton five years", "zh": "河湾市五年"}
    data["policy"]["years"] = 5
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/data.py").run()
    upload = next(u for u in at.file_uploader if u.key == "io_upload_yaml")
    yaml_text = scenario_to_yaml(scenario_from_data(data))
    upload.upload("five.yaml", yaml_text.encode(), "application/x-yaml").run()
    note = t("plan.page.one_year_note", lang, years=5)
    for page in ("app_pages/allocate.py", "app_pages/budget.py"):
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        assert note in [i.value for i in at.info], page
    at.switch_page("app_pages/plan.py").run()
    assert note not in [i.value for i in at.info]
