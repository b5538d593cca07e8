"""Saved work in the app (issue 12), run headless with AppTest on a database per test.

A second ``AppTest`` opened with the first one's link is another browser on the same
server; clearing Streamlit's caches before it is a server restart (the store is opened
anew from the same file). What is checked: nothing is stored for a person who saves
nothing; options, uploaded scenarios and decisions come back through the link; a database
that cannot be reached or written is said, and the app still solves; limits and user text.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from govdecide import Settings, parse_scenario, solve
from govdecide.i18n import t
from govdecide.present.summary import extra_budget, extra_budget_tile
from govdecide.store import Limits, Store, content_hash, headline_figures
from tests.store.conftest import small_scenario
from ui import solving

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
RIVERTON = ROOT / "scenarios" / "riverton.yaml"
TIMEOUT = 120
SAVE = "an_cmp_save"


def _open(page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _save_option(at: AppTest, name: str) -> AppTest:
    at.text_input(key="an_cmp_name").input(name)
    at.button(key=SAVE).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _workspaces(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "govdecide.sqlite3") as db:
        return db.execute("SELECT count(*) FROM workspaces").fetchone()[0]


def _picker(at: AppTest):
    return next(s for s in at.selectbox if (s.key or "").startswith("scenario_picker:"))


def _texts(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def _plain(at: AppTest, kind: str) -> str:
    """The elements' text with the escaping of user text (md_escape) undone."""
    return re.sub(r"\\(.)", r"\1", "\n".join(_texts(at, kind)))


def test_nothing_is_stored_for_a_person_who_saves_nothing(own_database):
    """Pages opened and sliders moved: the database exists (migrated on start) but holds
    no workspace, the address has no key, and the sidebar says nothing is saved yet."""
    at = _open()
    at.slider(key="ctl:riverton:policy.budget").set_value(30000.0).run()
    for page in ("app_pages/compare.py", "app_pages/decisions.py", "app_pages/data.py"):
        at.switch_page(page).run()
        assert not at.exception
    assert "ws" not in at.query_params
    assert t("ws.side.nothing_yet", "en") in _texts(at.sidebar, "caption")
    assert _workspaces(own_database) == 0


def test_two_saved_options_come_back_through_the_link(own_database):
    """Save "Base", move the budget to 30,000, save "Lean": the link's workspace holds
    both, and another browser (or the server after a restart) compares them."""
    at = _open("app_pages/compare.py")
    _save_option(at, "Base")
    key = at.query_params["ws"]
    assert len(key) >= 22 and t("an.cmp.saved", "en", name="Base") in _texts(at, "success")
    assert t("ws.side.saved", "en") in _texts(at.sidebar, "success")
    assert [c.value for c in at.sidebar.code] == [f"?ws={key}&scenario=riverton&lang=en"]
    at.switch_page("app_pages/allocate.py").run()
    at.slider(key="ctl:riverton:policy.budget").set_value(30000.0).run()
    at.switch_page("app_pages/compare.py").run()
    _save_option(at, "Lean")
    assert at.query_params["ws"] == key and _workspaces(own_database) == 1

    st.cache_resource.clear()  # a restart: the store is opened again from the file
    st.cache_data.clear()
    other = _open("app_pages/compare.py", ws=key, scenario="riverton")
    saved = other.dataframe[0].value
    assert list(saved["Option"]) == ["Base", "Lean"]
    assert list(saved["Budget"]) == [40000, 30000]
    assert any(i.value.startswith("It falls in Eastfield") for i in other.info)  # less money


def test_an_uploaded_scenario_opens_from_the_link_with_its_settings():
    """The upload is kept in the workspace; a link naming it (and a budget of 700) opens
    it in another browser with that budget on its slider."""
    text = small_scenario(7)
    at = _open("app_pages/data.py")
    upload = next(u for u in at.file_uploader if u.key == "io_upload_yaml")
    upload.upload("testville.yaml", text.encode(), "application/x-yaml").run()
    assert not at.exception
    picked = "testville"
    assert _picker(at).value == picked
    assert t("ws.data.saved", "en") in _plain(at, "markdown")
    key = at.query_params["ws"]

    st.cache_resource.clear()
    other = _open(ws=key, scenario=picked, budget="700")
    assert other.title[0].value == "Allocate — Testville 7"
    assert other.slider(key=f"ctl:{picked}:policy.budget").value == 700
    assert not [w for w in other.warning if "not understood" in w.value]
    other.button(key="ws_dec_go_alloc").click().run()  # a decision on it, named by name
    other.switch_page("app_pages/decisions.py").run()
    assert other.dataframe[0].value.iloc[0]["Scenario"] == "Testville 7"


def test_a_decision_recorded_on_allocate_is_in_the_log(own_database):
    """The entry keeps the settings as solved (the quick solve's time limit), the result's
    status and figures, the scenario's hash and the note, exactly as typed."""
    at = _open(budget="30000")
    note = '=HYPERLINK("x") **adopted** on 12 March'
    at.text_area(key="ws_dec_note_alloc").input(note)
    at.button(key="ws_dec_go_alloc").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("ws.dec.recorded", "en", seq=1) in _texts(at, "success")
    key = at.query_params["ws"]
    at.switch_page("app_pages/decisions.py").run()
    assert not at.exception
    row = at.dataframe[0].value.iloc[0]
    assert row["No."] == 1 and row["Note"] == note and row["Scenario"] == "Riverton"
    assert len(at.get("download_button")) == 3
    at.button(key="ws_log_prepare").click().run()
    assert not at.exception
    labels = [d.label for d in at.get("download_button")]
    assert t("ws.log.report", "en") in labels

    with Store.open(f"sqlite:///{own_database / 'govdecide.sqlite3'}") as store:
        (decision,) = store.open_workspace(key).decisions()
    riverton = RIVERTON.read_text(encoding="utf-8")
    assert decision.scenario_hash == content_hash(riverton)
    assert decision.settings.budget == 30000 and decision.settings.time_limit_s == 2.0
    expected = solve(parse_scenario(riverton), decision.settings)
    assert decision.figures == headline_figures(expected) and decision.note == note


def test_a_decision_recorded_on_compare_is_the_chosen_option():
    """Base (Riverton's equity weight 0.3) and Even (1.0) saved; Even decided on."""
    at = _open("app_pages/compare.py")
    _save_option(at, "Base")
    at.switch_page("app_pages/allocate.py").run()
    at.slider(key="ctl:riverton:policy.equity_weight").set_value(1.0).run()
    at.switch_page("app_pages/compare.py").run()
    _save_option(at, "Even")
    assert at.radio(key="an_cmp_decide").options == ["Base", "Even"]
    at.radio(key="an_cmp_decide").set_value(2).run()  # the options' ids: 1, 2 in a new database
    at.button(key="ws_dec_go_cmp").click().run()
    assert not at.exception
    at.switch_page("app_pages/decisions.py").run()
    table = at.dataframe[0].value
    assert list(table["Equity weight"]) == ["1.00"]


def test_an_unreachable_database_is_said_and_the_app_still_solves(monkeypatch):
    """Nothing listens on port 9: the sidebar says work is not being saved, Allocate
    shows its figures, and Compare keeps options in the session, saying so."""
    monkeypatch.setenv("GOVDECIDE_DATABASE_URL", "postgresql://nobody:secret@127.0.0.1:9/x")
    at = _open()
    warnings = _texts(at.sidebar, "warning")
    assert any("cannot be reached" in w and "not being saved" in w for w in warnings)
    assert not any("secret" in w for w in warnings)
    assert len(at.metric) == 6
    at.switch_page("app_pages/compare.py").run()
    _save_option(at, "Base")
    assert t("ws.cmp.session_only", "en") in _plain(at, "warning")
    assert list(at.dataframe[0].value["Option"]) == ["Base"]
    assert "ws" not in at.query_params


def test_a_read_only_database_shows_what_was_saved_and_says_new_work_is_not(tmp_path):
    """Saved before, opened read-only: the options are listed, a new save is refused with
    the store's words, and the sidebar says so from then on."""
    path = tmp_path / "ro.sqlite3"
    with Store.open(f"sqlite:///{path}") as store:
        ws = store.create_workspace()
        sha = content_hash(RIVERTON.read_text(encoding="utf-8"))
        ws.save_option(
            "Kept", scenario_id="riverton", scenario_hash=sha,
            settings=Settings(time_limit_s=2.0), figures={"budget": 40000.0},
        )  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOVDECIDE_DATABASE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
        at = _open("app_pages/compare.py", ws=ws.key, scenario="riverton")
        assert list(at.dataframe[0].value["Option"]) == ["Kept"]
        _save_option(at, "Lost")
        assert "cannot be written" in _plain(at.main, "warning")
        assert any("cannot be written" in w for w in _texts(at.sidebar, "warning"))


def test_a_link_to_an_unknown_workspace_says_so_once():
    at = _open(ws="x" * 32, scenario="riverton")
    notes = [w.value for w in at.warning if w.value.startswith(t("app.link.not_understood", "en"))]
    assert len(notes) == 1 and "no workspace has this key" in notes[0]
    assert "ws" not in at.query_params


def test_a_full_workspace_says_its_limit(monkeypatch):
    monkeypatch.setattr("ui.workspace.LIMITS", Limits(options=1))
    at = _open("app_pages/compare.py")
    _save_option(at, "One")
    _save_option(at, "Two")
    said = _plain(at, "warning")
    assert "already holds 1 saved options, the most it may hold" in said
    assert list(at.dataframe[0].value["Option"]) == ["One"]


def test_user_text_is_escaped_where_shown():
    at = _open("app_pages/compare.py")
    _save_option(at, "**Plan** $x$ [a](b)")
    success = " ".join(_texts(at, "success"))
    assert "\\*\\*Plan\\*\\* \\$x\\$ \\[a\\]" in success


def test_the_percent_fix_is_offered_and_confirmed():
    """elderly_share holds 23.1 and 18.0 where Riverton's template wants a share: the
    build is refused with the fix offered; confirmed, the shares are 0.231 and 0.18."""
    table = (
        b"District,Population,elderly_share,children_share,hotline_calls_per_10k\n"
        b"Alpha,1000,23.1,0.1,50\nBeta,2000,18.0,0.12,60\n"
    )
    at = _open("app_pages/data.py")
    upload = next(u for u in at.file_uploader if u.key == "io_upload_table")
    upload.upload("ages.csv", table, "text/csv").run()
    build = next(b.key for b in at.button if (b.key or "").startswith("io_build_"))
    at.button(key=build).click().run()
    assert "look like percentages" in _plain(at, "markdown")
    offer = _plain(at, "info")
    assert "“elderly_share”" in offer and "Divide them by 100?" in offer
    fix = next(b.key for b in at.button if (b.key or "").startswith("io_percent_fix_"))
    at.button(key=fix).click().run()
    assert not at.exception
    assert "'ages' was added to the scenario list" in at.success[0].value
    assert _picker(at).value == "ages"
    at.switch_page("app_pages/explore.py").run()
    assert not at.exception


def test_the_extra_budget_tile_is_the_summarys_figure():
    """The Allocate tile on what more budget buys is summary.extra_budget_tile's."""
    riverton = parse_scenario(RIVERTON.read_text(encoding="utf-8"))
    at = _open()
    settings = Settings(time_limit_s=solving.INTERACTIVE_TIME_LIMIT_S)
    result = solve(riverton, settings)
    step = extra_budget(riverton, result, settings)
    assert step is not None
    more = solve(riverton, settings.with_(budget=result.budget + step.step))
    label, value, _ = extra_budget_tile(
        riverton, result, extra_budget(riverton, result, settings, more), "en"
    )
    tile = at.metric[5]
    assert (tile.label, tile.value) == (label, value)


def test_the_decision_log_page_in_chinese_before_any_decision():
    at = _open("app_pages/decisions.py", lang="zh")
    assert at.title[0].value == "决策记录"
    assert t("ws.log.none", "zh") in _texts(at, "info")
    assert t("ws.side.nothing_yet", "zh") in _texts(at.sidebar, "caption")
