"""The analysis pages, run headless with Streamlit's AppTest, on the teaching city.

Each page's headline sentence must be the library's, to the character: the tests compute
the same analysis directly with the settings the page builds from the Allocate sliders
(their defaults: the scenario's own settings) and compare.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from govdecide import Allocator, load_scenario
from govdecide import analyses as an
from govdecide.i18n import t
from govdecide.io.scenario import display_names
from ui import analysis_cache, controls
from ui.solving import INTERACTIVE_TIME_LIMIT_S
from ui.text import md_escape

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
RIVERTON = ROOT / "scenarios" / "riverton.yaml"
TIMEOUT = 120


@pytest.fixture(scope="module")
def riverton():
    return load_scenario(RIVERTON)


def page_settings(scenario, time_limit_s: float = 10.0, **changes: float):
    """The settings an analysis page uses: every slider at its default, the page's limit."""
    specs = controls.control_specs(scenario, "en")
    values = {s.param: s.default for s in specs} | changes
    return controls.settings_from_values(values).with_(time_limit_s=time_limit_s)


def open_page(page: str, lang: str = "en", scenario: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    if scenario is not None:
        at.query_params["scenario"] = scenario
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> list[str]:
    return [m.value for m in (*at.markdown, *at.info, *at.success, *at.warning, *at.caption)]


def test_tradeoffs_page_shows_the_price_of_fairness(riverton):
    """The info box is the library's price-of-fairness sentence for the default settings;
    choosing the first point shows its allocation under "Allocation at point 1"."""
    fr = an.frontier(riverton, page_settings(riverton), points=20)
    at = open_page("app_pages/tradeoffs.py")
    assert at.title[0].value == "What fairness costs: Riverton"
    assert at.info[0].value == fr.price_of_fairness().sentence("en")
    slider = at.select_slider[0]
    slider.set_value(0).run()
    assert not at.exception
    assert "Allocation at point 1" in [s.value for s in at.subheader]
    assert len(at.dataframe) >= 2  # allocation and indicators


def test_tradeoffs_equity_rule(riverton):
    """A floor the budget cannot reach (100%) is said to be infeasible; a spread cap of
    5 points solves, and the page says whether the reported coverage meets it."""
    at = open_page("app_pages/tradeoffs.py")
    at.slider(key="an_rule_v2").set_value(100)
    at.button(key="an_rule_go").click().run()
    assert t("an.rule.infeasible", "en") in [w.value for w in at.warning]
    at.radio(key="an_rule").set_value("spread").run()
    at.slider(key="an_rule_v1").set_value(5.0)
    at.button(key="an_rule_go").click().run()
    assert not at.exception
    shown = texts(at)
    assert t("an.rule.met", "en") in shown or t("an.rule.not_met", "en") in shown


def test_tradeoffs_page_in_chinese():
    """Titles and sentences come out in Chinese."""
    at = open_page("app_pages/tradeoffs.py", "zh")
    assert at.title[0].value.startswith("公平的代价")
    assert "代价" in at.info[0].value


def test_budget_page_and_smallest_budget(riverton):
    """The "another 10%" sentence is the library's; asking for 90% coverage in every
    district gives the library's smallest budget, in the same words."""
    settings = page_settings(riverton)
    base = riverton.policy.budget
    curve = an.budget_curve(riverton, settings, budgets=an.budget_grid(base, 11, 0.5, 1.5))
    at = open_page("app_pages/budget.py")
    assert at.info[0].value == curve.more_budget_sentence(0.1, "en")
    at.number_input(key="an_min_cov").set_value(90.0)
    at.button(key="an_min_go").click().run()
    assert not at.exception
    answer = an.min_budget(riverton, settings, 0.9)
    assert answer.budget is not None
    assert at.success[0].value == answer.sentence("en")


def test_robustness_page_runs_and_repeats(riverton):
    """Three runs at ±10% with seed 5: the summary is the library's, and pressing Run again
    with the same seed gives the same summary."""
    at = open_page("app_pages/robustness.py")
    at.number_input(key="an_rob_runs").set_value(3)
    at.number_input(key="an_rob_seed").set_value(5)
    at.button(key="an_rob_go").click().run()
    assert not at.exception
    rob = an.robustness(riverton, page_settings(riverton), spread=0.1, runs=3, seed=5)
    first = [m.value for m in at.markdown if m.value.startswith("3 of 3 runs")]
    assert first and first[0].startswith(f"{rob.solved} of 3 runs found an allocation.")
    at.button(key="an_rob_go").click().run()
    again = [m.value for m in at.markdown if m.value.startswith("3 of 3 runs")]
    assert again == first


def test_compare_page_saves_and_compares(riverton):
    """Save the default settings as "Base", then (after moving the Allocate page's budget
    slider to 30,000) "Lean": the page states the library's who-gains-who-loses sentence
    and offers the JSON download."""
    at = open_page("app_pages/compare.py")
    assert t("an.cmp.none", "en") in [i.value for i in at.info]
    at.text_input[0].input("Base")
    at.button(key="an_cmp_save").click().run()
    assert not at.exception
    assert t("an.cmp.need_two", "en") in [i.value for i in at.info]
    at.switch_page("app_pages/allocate.py").run()  # the budget slider to 30,000
    at.slider(key="ctl:riverton:policy.budget").set_value(30000.0).run()
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    at.text_input[0].input("Lean")
    at.button(key="an_cmp_save").click().run()
    assert not at.exception
    allocator = Allocator(riverton)
    base_s = page_settings(riverton, INTERACTIVE_TIME_LIMIT_S)
    lean_s = page_settings(riverton, INTERACTIVE_TIME_LIMIT_S, **{"policy.budget": 30000.0})
    base = an.snapshot("Base", base_s, allocator.solve(base_s))
    lean = an.snapshot("Lean", lean_s, allocator.solve(lean_s))
    names = display_names(riverton, "en")
    sentence = an.compare_sentence(an.compare(base, lean), "Base", "Lean", names, "en")
    assert md_escape(sentence) in [i.value for i in at.info]
    assert "loses" in sentence or "falls" in sentence
    assert len(at.get("download_button")) == 1
    assert t("an.trade.indicators", "en") in [h.value for h in at.subheader]


def test_large_scenario_waits_for_a_click():
    """On the 3,000-district region the frontier and the curve start only on request."""
    at = open_page("app_pages/tradeoffs.py", scenario="large_region")
    assert any("3,000 districts" in i.value for i in at.info)
    assert at.button(key="an_frontier_button")
    at.switch_page("app_pages/budget.py").run()
    assert not at.exception
    assert any("3,000 districts" in i.value for i in at.info)


def test_compare_page_loads_a_file_and_refuses_others(riverton):
    """A downloaded options file loads back (two options -> a comparison); any other
    JSON is refused with a message, not a traceback."""
    allocator = Allocator(riverton)
    s1 = page_settings(riverton, INTERACTIVE_TIME_LIMIT_S)
    s2 = page_settings(riverton, INTERACTIVE_TIME_LIMIT_S, **{"policy.equity_weight": 1.0})
    text = an.snapshots_to_json(
        [an.snapshot("Even", s2, allocator.solve(s2)), an.snapshot("Now", s1, allocator.solve(s1))]
    )
    at = open_page("app_pages/compare.py")
    at.file_uploader(key="an_cmp_upload").upload("options.json", text.encode(), "application/json")
    at.run()
    assert not at.exception
    assert t("an.cmp.loaded", "en", n=2) in [s.value for s in at.success]
    assert any(i.value.startswith("Going from Even to Now") for i in at.info)
    at = open_page("app_pages/compare.py")
    at.file_uploader(key="an_cmp_upload").upload(
        "x.json", b'{"format": "other"}', "application/json"
    )
    at.run()
    assert not at.exception
    assert t("an.cmp.bad_file", "en") in [w.value for w in at.warning]


def test_pages_share_the_command_lines_limits():
    """The frontier slider, the budget-points slider and the runs box stop where the
    command line does (analyses.MAX_*: 40 points, 25 budgets, 500 runs)."""
    at = open_page("app_pages/tradeoffs.py")
    assert at.slider(key="an_points").max == an.MAX_FRONTIER_POINTS == 40
    at.switch_page("app_pages/budget.py").run()
    assert at.slider(key="an_budget_points").max == an.MAX_CURVE_POINTS == 25
    at.switch_page("app_pages/robustness.py").run()
    assert at.number_input(key="an_rob_runs").max == an.MAX_ROBUSTNESS_RUNS == 500


def test_budget_page_marginal_value_is_the_engines(riverton):
    """The table's marginal value at the current budget (40,000) is the engine's dual there
    times 1% of that budget in percentage points (dual x 40,000), as the library
    computes it; the captions name its basis and say the step average depends on the grid."""
    settings = page_settings(riverton)
    base = riverton.policy.budget
    curve = an.budget_curve(riverton, settings, budgets=an.budget_grid(base, 11, 0.5, 1.5))
    at = open_page("app_pages/budget.py")
    table = at.dataframe[0].value
    column = t("an.chart.marginal_axis", "en", chunk="400")
    row = table[table[t("an.col.budget", "en")] == base]
    assert row[column].iloc[0] == pytest.approx(curve.at(base).marginal_value * base)
    shown = texts(at)
    assert t("an.cli.step_note", "en") in shown
    basis = curve.at(base).result.marginal_basis_text("en")
    assert any(c.startswith("marginal value: percentage points") and basis in c for c in shown)


def test_tradeoffs_page_flags_unproven_points(monkeypatch):
    """A frontier point stopped at the time limit is marked in the point chooser and
    counted in a warning (the page never presents it as proven best)."""
    import dataclasses

    import streamlit as st

    real = an.frontier

    def frontier(*args, **kwargs):
        fr = real(*args, **kwargs)
        last = fr.points[-1]
        stopped = dataclasses.replace(last.result, status="feasible", gap=0.012)
        last = dataclasses.replace(last, status="feasible", result=stopped)
        return dataclasses.replace(fr, points=(*fr.points[:-1], last))

    monkeypatch.setattr(an, "frontier", frontier)
    st.cache_data.clear()
    analysis_cache.clear()  # the analyses' results are kept there, for every session
    try:
        at = open_page("app_pages/tradeoffs.py")
        n = len(at.select_slider[0].options)
        warning = t("an.status.unproven_count", "en", n=1, total=n)
        assert warning in [w.value for w in at.warning]
        assert at.select_slider[0].options[-1].endswith(t("an.chart.unproven_mark", "en"))
    finally:
        st.cache_data.clear()
        analysis_cache.clear()
