"""The app, run headless with Streamlit's AppTest: every page, every slider, both languages.

The headline figures the app shows must be the engine's, to the digit: each test solves
the same settings directly with ``Allocator(scenario).solve(...)`` and formats the
figures with the same ``fmt_num`` / ``fmt_pct`` the page uses.

AppTest note: a widget inside a fragment reruns only the fragment, and AppTest then keeps
only the fragment's elements; tests that need the sidebar after a slider move start a
fresh AppTest (or open a URL with the settings in its query parameters).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from govdecide import Allocator, Settings, load_scenario, parse_scenario
from govdecide.i18n import fmt_num, fmt_pct, t
from govdecide.io.scenario import display_names
from ui import controls, solving

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
RIVERTON = ROOT / "scenarios" / "riverton.yaml"
TIMEOUT = 60

pytestmark = pytest.mark.skipif(not RIVERTON.exists(), reason="scenarios/riverton.yaml missing")


@pytest.fixture(scope="module")
def riverton():
    return load_scenario(RIVERTON)


@pytest.fixture(scope="module")
def allocator(riverton):
    return Allocator(riverton)


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _segmented(at: AppTest, key: str):
    found = [w for w in at.segmented_control if w.key == key]
    assert found, f"no segmented control {key!r}"
    return found[0]


def _settings(riverton, **changes: float) -> Settings:
    """The settings the page builds from its sliders: every slider's value, explicitly."""
    specs = controls.control_specs(riverton, "en")
    values = {s.param: s.default for s in specs} | changes
    return controls.settings_from_values(values).with_(
        time_limit_s=solving.INTERACTIVE_TIME_LIMIT_S
    )


def _expected_headline(result) -> list[str]:
    """The first five headline figures, formatted as the page formats them."""
    return [
        fmt_num(result.people_newly_served, "en"),
        fmt_pct(result.efficiency, "en"),
        fmt_pct(result.equity, "en"),
        fmt_num(result.budget_used, "en"),
        fmt_num(result.staff_used, "en"),
    ]


def _headline(at: AppTest) -> list[str]:
    return [m.value for m in at.metric][:5]


def test_allocate_opens_on_the_teaching_city_with_the_engine_figures(riverton, allocator):
    at = _app()
    assert not at.exception
    assert at.title[0].value == "Allocate — Riverton"
    expected = allocator.solve(_settings(riverton))
    assert expected.status == "optimal"
    assert _headline(at) == _expected_headline(expected)
    assert len(at.metric) == 6
    # the summary is there, in words
    assert any("more people" in m.value for m in at.markdown)


SLIDER_MOVES = [
    ("policy.budget", 30000.0),
    ("policy.staff", 1000.0),
    ("policy.equity_weight", 1.0),
    ("programs.health_station.weight", 3.0),
    ("programs.elderly_care.weight", 3.0),
    ("programs.school_places.weight", 3.0),
    ("programs.ambulance.weight", 3.0),
    ("programs.community_grant.weight", 0.2),
]


def test_every_riverton_slider_is_covered(riverton):
    params = {s.param for s in controls.control_specs(riverton, "en")}
    assert params == {p for p, _ in SLIDER_MOVES}


@pytest.mark.parametrize(("param", "value"), SLIDER_MOVES)
def test_moving_a_slider_changes_the_headline_as_the_engine_says(riverton, allocator, param, value):
    at = _app()
    before = _headline(at)
    at.slider(key=f"ctl:riverton:{param}").set_value(value).run()
    assert not at.exception
    expected = allocator.solve(_settings(riverton, **{param: value}))
    assert expected.has_solution
    assert _headline(at) == _expected_headline(expected)
    assert _headline(at) != before


def test_language_switch_changes_labels_and_keeps_the_figures(riverton, allocator):
    at = _app()
    english = _headline(at)
    _segmented(at, "lang_switch:en").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "分配 — 河湾市"
    labels = [m.label for m in at.metric]
    assert labels[0] == t("app.kpi.people", "zh") == "新增服务人数"
    assert _headline(at) == english  # numbers are formatted alike in both languages
    assert at.slider(key="ctl:riverton:policy.equity_weight").label == "公平权重"


def test_browser_locale_is_not_needed_and_url_language_wins():
    at = _app(lang="zh")
    assert at.title[0].value == "分配 — 河湾市"
    assert [w.key for w in at.segmented_control] == ["lang_switch:zh"]


def test_infeasible_setting_shows_the_diagnosis_not_a_trace(riverton, allocator):
    """Budget 0 with 20 school places promised to Eastfield (120 each = 2,400): no plan."""
    at = _app()
    at.slider(key="ctl:riverton:policy.budget").set_value(0.0).run()
    assert not at.exception
    expected = allocator.solve(_settings(riverton, **{"policy.budget": 0.0}))
    assert expected.status == "infeasible"
    assert [w.value for w in at.warning] == [expected.status_text("en")]
    sentences = expected.diagnosis_sentences("en", display_names(riverton, "en"))
    assert sentences and [i.value for i in at.info] == sentences
    assert "raise the budget from 0 to 2,400" in sentences
    assert len(at.metric) == 0


def test_shared_link_reopens_the_same_view(riverton, allocator):
    at = _app(scenario="riverton", lang="zh", budget="50000", equity="0.8")
    assert not at.exception
    assert at.slider(key="ctl:riverton:policy.budget").value == 50000
    assert at.slider(key="ctl:riverton:policy.equity_weight").value == pytest.approx(0.8)
    expected = allocator.solve(
        _settings(riverton, **{"policy.budget": 50000.0, "policy.equity_weight": 0.8})
    )
    assert _headline(at) == _expected_headline(expected)
    assert at.query_params["budget"] == ["50000"] or at.query_params["budget"] == "50000"
    assert at.title[0].value == "分配 — 河湾市"


def test_a_moved_slider_goes_into_the_url():
    at = _app()
    at.slider(key="ctl:riverton:policy.budget").set_value(55000.0).run()
    params = dict(at.query_params)
    budget = params["budget"]
    assert (budget[0] if isinstance(budget, list) else budget) == "55000"
    assert "equity" not in params  # unchanged settings stay out of the link


def test_bad_url_values_are_ignored_or_clamped():
    at = _app(budget="lots", equity="7")
    assert not at.exception
    assert at.slider(key="ctl:riverton:policy.budget").value == 40000
    assert at.slider(key="ctl:riverton:policy.equity_weight").value == 1.0


def test_explore_page_shows_map_tables_and_sources():
    at = _app()
    at.switch_page("app_pages/explore.py").run()
    assert not at.exception
    assert at.title[0].value == "Explore — Riverton"
    assert len(at.dataframe) == 3  # districts, programs, sources
    districts = at.dataframe[0].value
    assert len(districts) == 10 and "Population" in districts.columns
    sources = at.dataframe[2].value
    assert set(sources["Source"]) == {"Fictional teaching data"}
    picker = at.selectbox(key="explore_indicator:riverton:en")
    picker.set_value("elderly_share").run()
    assert not at.exception
    charts_drawn = at.get("vega_lite_chart")
    assert len(charts_drawn) == 1
    assert "Share aged 65+ (share) by district" in charts_drawn[0].proto.spec


def test_explore_and_about_in_chinese():
    at = _app(lang="zh")
    at.switch_page("app_pages/explore.py").run()
    assert not at.exception and at.title[0].value == "了解地区 — 河湾市"
    at.switch_page("app_pages/about.py").run()
    assert not at.exception and at.title[0].value == "关于 govdecide"


TINY = """
format: govdecide/v1
name: {en: Tinyville, zh: 小镇}
districts:
  - {id: a, name: Alpha, population: 1000, tile: [0, 0]}
  - {id: b, name: Beta, population: 3000, tile: [1, 0], baseline: {clinic: 10}}
programs:
  - {id: clinic, name: Clinic, unit_cost: 10, capacity: 100, need: {indicator: population}}
policy: {budget: 100, equity_weight: 1}
"""


def _app_with_upload() -> None:
    """Script for AppTest: register an uploaded scenario once, then run the app."""
    import runpy

    import streamlit as st

    from govdecide import parse_scenario
    from ui.state import ROOT, register_scenario

    if "tiny_registered" not in st.session_state:
        st.session_state["tiny_registered"] = True
        register_scenario("tiny", parse_scenario(st.session_state["tiny_yaml"], "tiny.yaml"))
    runpy.run_path(str(ROOT / "app.py"), run_name="__main__")


def test_an_uploaded_scenario_joins_the_picker_and_gets_default_sliders():
    """Tinyville has no controls: budget 0-300 (3x), equity 0-1 and a weight slider.
    Max-min with budget 100: 5 units each (see tests/test_summary.py), 1,000 people."""
    at = AppTest.from_function(_app_with_upload, default_timeout=TIMEOUT)
    at.session_state["tiny_yaml"] = TINY
    at.run()
    assert not at.exception
    picker = at.selectbox[0]
    assert "tiny" in picker.options or "Tinyville" in picker.options
    assert at.title[0].value == "Allocate — Tinyville"
    budget = at.slider(key="ctl:tiny:policy.budget")
    assert (budget.min, budget.max) == (0, 300)
    assert at.slider(key="ctl:tiny:programs.clinic.weight").max == 3
    scenario = parse_scenario(TINY)
    expected = Allocator(scenario).solve(Settings(budget=100, equity_weight=1, time_limit_s=2))
    assert _headline(at)[0] == fmt_num(expected.people_newly_served, "en") == "1,000"


BUNDLED = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml") if p.stem != "large_region")


@pytest.mark.parametrize("key", BUNDLED)
def test_every_bundled_scenario_opens_without_a_trace(key):
    """A scenario that loads shows figures; a broken file shows its problems, no trace."""
    at = _app(scenario=key)
    assert not at.exception
    try:
        load_scenario(ROOT / "scenarios" / f"{key}.yaml")
    except Exception:  # noqa: BLE001 - a file being written by others may not validate yet
        assert at.error, "a broken scenario must be reported"
        return
    assert at.metric or at.warning or at.info
    at.switch_page("app_pages/explore.py").run()
    assert not at.exception


def test_nice_steps_and_url_round_trip(riverton):
    """3 x 40,000 = 120,000 over 100 positions is 1,200 -> the round step 2,000."""
    assert controls.nice_step(120_000) == 2000
    assert controls.nice_step(3) == 0.05
    specs = controls.control_specs(riverton, "en")
    values = {s.param: s.default for s in specs} | {"policy.budget": 52000.0}
    query = controls.query_from_values(specs, values)
    assert query == {"budget": "52000"}
    assert controls.values_from_query(specs, query) == {"policy.budget": 52000.0}


def _exact_threads() -> list[threading.Thread]:
    """The background exact solves running now (ui.solving names their threads)."""
    return [th for th in threading.enumerate() if th.name == "govdecide-exact"]


def test_exact_solve_runs_in_a_thread_and_is_shared():
    """A session starts an exact solve; once its thread is done, the result is this
    session's job's and any session's finished exact result for those settings."""

    def ask() -> None:
        import streamlit as st

        from govdecide import load_scenario
        from ui import solving as s
        from ui.state import ROOT

        scenario = load_scenario(ROOT / "scenarios" / "riverton.yaml")
        settings = s.Settings(budget=41000.0)
        job = s.start_exact("shared-test", scenario, settings)
        job.thread.join(timeout=120)
        st.write(job.result.status if job.done and job.result else "not done")
        st.write(str(s.finished_exact("shared-test", settings) is job.result))
        st.write(str(s.exact_job("shared-test", settings) is job))

    at = AppTest.from_function(ask, default_timeout=180).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["optimal", "True", "True"]


def test_reset_returns_to_the_scenario_settings():
    at = _app(budget="50000")
    assert at.slider(key="ctl:riverton:policy.budget").value == 50000
    at.button(key="reset:riverton").click().run()
    assert not at.exception
    assert at.slider(key="ctl:riverton:policy.budget").value == 40000
    assert "budget" not in dict(at.query_params)


def test_scenario_text_cannot_inject_markdown_or_latex():
    """'R$ 1 and R$ 2' would become LaTeX between the dollars; [x](y) a link."""
    from ui.text import label_escape, md_escape

    assert md_escape("R$ 1 and R$ 2 [x](y)") == "R\\$ 1 and R\\$ 2 \\[x\\](y)"
    assert md_escape("- item\n1. first") == "\\- item\n1\\. first"
    assert label_escape("Budget (R$ thousand)") == "Budget (R$ thousand)"  # one $ is literal
    assert label_escape("a $x$ b") == "a \\$x\\$ b"
    assert label_escape("*bold*") == "\\*bold\\*"


def test_a_time_limited_answer_says_how_close_it_is_and_offers_an_exact_solve(
    monkeypatch, riverton, allocator
):
    """Quick solves are made to report 'stopped at the time limit, gap 0.8%' (a stand-in
    for a hard model; the allocation itself is the engine's). The page says so in words,
    offers the exact solve, and shows the exact result once the background job is done."""
    from collections import OrderedDict
    from dataclasses import replace

    real = solving.solve

    def time_limited(fingerprint, scenario, settings):
        result = real(fingerprint, scenario, settings)
        if settings.time_limit_s == solving.INTERACTIVE_TIME_LIMIT_S:
            return replace(result, status="feasible", gap=0.008)
        return result

    monkeypatch.setattr(solving, "solve", time_limited)
    monkeypatch.setattr(solving, "_FINISHED", OrderedDict())  # no exact result yet
    at = _app()
    assert not at.exception
    assert at.info[0].value == (
        "Stopped at the time limit: a good allocation, within 0.80% of the best possible"
    )
    at.button(key="exact_start").click().run()
    for thread in _exact_threads():  # started by the click (it may be done already)
        thread.join(timeout=120)
    assert not _exact_threads()
    at = at.run()
    assert not at.exception
    assert at.success[0].value.startswith("Optimal")
    assert any(c.value == "From the exact solve." for c in at.caption)
    # the exact optimum is the engine's proven best for these settings
    assert _headline(at) == _expected_headline(allocator.solve(_settings(riverton)))


def test_exact_solves_are_capped_per_server(monkeypatch):
    """With the cap reached (here: a cap of none), a request is turned away, the session
    is told the server is busy, and no solve starts."""
    monkeypatch.setattr(solving, "MAX_RUNNING_EXACT", 0)

    def ask() -> None:
        import streamlit as st

        from govdecide import load_scenario
        from ui import solving as s
        from ui.state import ROOT

        scenario = load_scenario(ROOT / "scenarios" / "riverton.yaml")
        job = s.start_exact("capped", scenario, s.Settings(budget=1000.0))
        st.write("none" if job is None else "started")
        st.write("busy" if s.server_was_busy() else "free")
        st.write("busy" if s.server_was_busy() else "free")  # said once

    before = len(_exact_threads())
    at = AppTest.from_function(ask, default_timeout=TIMEOUT).run()
    assert [m.value for m in at.markdown] == ["none", "busy", "free"]
    assert len(_exact_threads()) == before


@pytest.mark.parametrize("scenario", ["riverton", "london"])
@pytest.mark.parametrize(
    ("tab", "title"),
    [
        ("Spending", "New spending per district, by program"),
        ("New units", "New units per district, by program"),
        ("Coverage", "Coverage before and after, per district"),
        ("Map of gains", "Coverage gain per district"),
    ],
)
def test_each_chart_tab_draws_its_chart(scenario, tab, title):
    """Only the open tab is drawn: exactly one chart, whichever tab is open."""
    if not (ROOT / "scenarios" / f"{scenario}.yaml").exists():
        pytest.skip(f"{scenario}.yaml missing")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["scenario"] = scenario
    at.session_state["alloc_tabs:en"] = tab
    at.run()
    assert not at.exception
    charts_drawn = at.get("vega_lite_chart")
    assert len(charts_drawn) == 1
    assert title in charts_drawn[0].proto.spec
    assert 0 < _chart_rows(charts_drawn[0]) <= 5000


@pytest.mark.slow
def test_the_3000_district_region_stays_within_the_chart_limits():
    """3,000 districts x 8 programs: the time-limited answer says how close it is, every
    chart is drawn from at most 5,000 rows, and Explore shows a 3,000-tile map."""
    if not (ROOT / "scenarios" / "large_region.yaml").exists():
        pytest.skip("large_region.yaml missing")
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["scenario"] = "large_region"
    at.run()
    assert not at.exception
    assert len(at.metric) == 6 or at.warning  # a solution, or an honest "no solution yet"
    drawn = at.get("vega_lite_chart")
    assert drawn and all(_chart_rows(chart) <= 5000 for chart in drawn)
    at.switch_page("app_pages/explore.py").run()
    assert not at.exception
    (tiles,) = at.get("vega_lite_chart")
    assert _chart_rows(tiles) == 3000


def _chart_rows(chart) -> int:
    """Rows a drawn chart carries: Streamlit moves its data frames out as Arrow tables."""
    import json

    import pyarrow as pa

    spec = json.loads(chart.proto.spec)
    rows = sum(len(v) for v in spec.get("datasets", {}).values())
    tables = [d.data.data for d in chart.proto.datasets] + (
        [chart.proto.data.data] if chart.proto.HasField("data") else []
    )
    for data in tables:
        if data:
            rows += pa.ipc.open_stream(data).read_all().num_rows
    return rows


def test_present_page_shows_the_chosen_settings_big(riverton, allocator):
    """The settings of the link (budget 50,000) carry over to the projector view."""
    at = _app(budget="50000", lang="zh")
    at.switch_page("app_pages/present.py").run()
    assert not at.exception
    assert at.title[0].value == "河湾市"
    expected = allocator.solve(_settings(riverton, **{"policy.budget": 50000.0}))
    assert [m.value for m in at.metric] == _expected_headline(expected)[:3]
    assert "50,000" in at.caption[0].value
    assert len(at.get("vega_lite_chart")) == 2  # coverage, and the map of gains (tiles)


def test_present_page_with_an_infeasible_setting():
    at = _app(budget="0")
    at.switch_page("app_pages/present.py").run()
    assert not at.exception
    assert any("raise the budget from 0 to 2,400" in i.value for i in at.info)


def test_the_open_chart_tab_survives_a_language_switch():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["alloc_tabs:en"] = "Coverage"
    at.run()
    _segmented(at, "lang_switch:en").set_value("zh").run()
    assert not at.exception
    (chart,) = at.get("vega_lite_chart")
    import json

    assert json.loads(chart.proto.spec)["title"]["text"] == "各区覆盖率：分配前与分配后"


def test_explore_keeps_the_chosen_indicator_across_a_language_switch():
    at = _app()
    at.switch_page("app_pages/explore.py").run()
    at.selectbox(key="explore_indicator:riverton:en").set_value("elderly_share").run()
    at.selectbox(key="explore_indicator:riverton:en").set_value("children_share").run()
    _segmented(at, "lang_switch:en").set_value("zh").run()
    assert not at.exception
    assert at.selectbox(key="explore_indicator:riverton:zh").value == "children_share"
    at.selectbox(key="explore_indicator:riverton:zh").set_value("median_income").run()
    assert at.selectbox(key="explore_indicator:riverton:zh").value == "median_income"


def test_about_page_says_what_the_app_does_and_its_versions():
    from govdecide import MODEL_VERSION, __version__

    at = _app()
    at.switch_page("app_pages/about.py").run()
    assert not at.exception
    assert at.title[0].value == t("app.about_page.title", "en")
    assert [h.value for h in at.subheader] == [
        t("app.about_page.model_title", "en"),
        t("app.about_page.read_title", "en"),
    ]
    version = t("app.about_page.version", "en", version=__version__, model=MODEL_VERSION)
    assert version in [c.value for c in at.caption]


def test_the_status_says_its_proven_gap_once():
    """Riverton's optimum is proven within its gap (0.01%), which the status text itself
    says; the Allocate page used to append the same clause again."""
    at = _app()
    text = at.success[0].value
    assert text.startswith("Optimal")
    assert text.count("proven within") == 1, text
