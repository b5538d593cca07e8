"""A plan over years saved as an option and recorded as a decision (issue 14), with AppTest.

On the "Plan over years" page at its starting sliders (Riverton, five years, a budget of
16,000 each year, no discount; the running costs and growth are the file's own),
"Save this plan as an option" and "Record this plan as a decision" keep the plan's
settings with its figures; the Decision log page then says the plan in words, in English
and in Chinese; a new session on the same data directory (a refresh, or the server after
a restart) finds both through the link; the Compare page lists the option as a plan and
compares it by its last year, labelled.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from govdecide.analyses.snapshots import plan_snapshot
from govdecide.i18n import t
from govdecide.io.scenario import parse_scenario
from govdecide.model.years import PlanSettings, solve_plan
from govdecide.present.workspace_tables import plan_text
from govdecide.store import Store
from tests.store.test_plan_records import ONE, PLAN, SETTINGS
from ui.compare_view import snapshot_figures

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 120
PLAN_PAGE = "app_pages/plan.py"
LOG_PAGE = "app_pages/decisions.py"
# what the page's starting sliders set (tests/app/test_plan_page.py checks the plan itself)
STARTING = PlanSettings(years=5, discount_rate=0.0)
WORDS = {
    "en": "5-year plan, budget 16,000 each year, discount 0%",
    "zh": "5 年规划，每年预算 16,000，贴现率 0%",
}


def _open(lang: str, page: str, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest, kind: str) -> str:
    return "\n".join(e.value for e in getattr(at, kind)).replace("\\", "")


def _plan_column(at: AppTest, lang: str) -> list[str]:
    table = at.dataframe[0].value
    return list(table[t("plan_saving.col.plan", lang)])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_plan_saved_and_recorded_on_its_page_is_in_the_log(own_database, lang):
    at = _open(lang, PLAN_PAGE)
    at.text_input(key="plan_save_name").input("Five years")
    at.button(key="plan_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    saved = t("plan_saving.saved", lang, name="Five years", plan=WORDS[lang])
    assert saved in _texts(at, "success")
    key = at.query_params["ws"]
    at.text_area(key="ws_dec_note_plan").input("Adopted for 2026-2030")
    at.button(key="ws_dec_go_plan").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("ws.dec.recorded", lang, seq=1) in _texts(at, "success")

    at.switch_page(LOG_PAGE).run()
    assert not at.exception
    (cell,) = _plan_column(at, lang)
    assert cell.startswith(WORDS[lang])

    with Store.open(f"sqlite:///{own_database / 'govdecide.sqlite3'}") as store:
        ws = store.open_workspace(key)
        (option,), (decision,) = ws.options(), ws.decisions()
    assert cell == plan_text(decision, lang)  # with the spend over the 5 years
    assert option.plan == decision.plan == STARTING
    assert option.settings.budget == decision.settings.budget == 16000
    assert decision.figures["years"] == 5 and decision.note == "Adopted for 2026-2030"
    assert decision.figures["budget_total"] == pytest.approx(80000)
    assert "budget" not in decision.figures  # no plan total under a single year's name

    st.cache_resource.clear()  # a refresh in a new session, the server restarted
    st.cache_data.clear()
    again = _open(lang, LOG_PAGE, ws=key, scenario="riverton")
    assert _plan_column(again, lang) == [cell]


def test_the_compare_page_labels_a_plan_and_compares_it_by_its_last_year(own_database):
    """A plan option beside a single-year one: the saved table says which is the plan,
    and the comparison names it "(5-year plan)" and says that the two cover different
    numbers of years."""
    at = _open("en", PLAN_PAGE)
    at.text_input(key="plan_save_name").input("Five years")
    at.button(key="plan_save").click().run()
    at.switch_page("app_pages/compare.py").run()
    at.text_input(key="an_cmp_name").input("This year")
    at.button(key="an_cmp_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value.set_index("Option")
    assert table.loc["Five years", "Plan over years"].startswith(WORDS["en"])
    assert table.loc["This year", "Plan over years"] == ""
    assert "Five years (5-year plan)" in _texts(at, "markdown")
    assert t("plan_saving.cmp_note", "en") in _texts(at, "caption")
    assert t("plan_saving.cmp_mixed", "en", a=5, b=1) in _texts(at, "warning")
    # A (the plan) is the one to decide on at first: recorded as a plan's decision
    key = at.query_params["ws"]
    at.text_area(key="ws_dec_note_cmp").input("The plan")
    at.button(key="ws_dec_go_cmp").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with Store.open(f"sqlite:///{own_database / 'govdecide.sqlite3'}") as store:
        (decision,) = store.open_workspace(key).decisions()
    assert decision.plan == STARTING and decision.figures["years"] == 5


def test_a_plan_from_an_options_file_keeps_a_plans_figures():
    """An options file's plan (tests/analyses/test_plan_snapshots.py's town: 16 spent of
    20 over 2 years, E = z = 50% in year 2) is saved with a plan's figures, its spend
    and budget over the years never under a single year's names."""
    result = solve_plan(parse_scenario(ONE), SETTINGS, PLAN)
    snap = plan_snapshot("Two years", SETTINGS, PLAN, result)
    figures = snapshot_figures(snap)
    assert figures["years"] == 2 and figures["efficiency"] == pytest.approx(0.5)
    assert figures["spend_total"] == pytest.approx(16)
    assert figures["budget_total"] == pytest.approx(20)
    assert not {"budget", "budget_used"} & set(figures)
