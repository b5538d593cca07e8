"""The Workshop and Room pages under AppTest: open a room, join, answer, reveal, reload.

The store is a SQLite file of the module's own (``GOVDECIDE_DATABASE_URL``), opened by the
pages through their server-wide cache, which is cleared around the module so no other
test's store is reused. Each AppTest is a browser session of its own; a "reload" is a new
AppTest opened on the address the page wrote.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from govdecide.i18n import t
from govdecide.store import Store

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The module's database URL, set for the pages; their cached store dropped after."""
    url = f"sqlite:///{tmp_path_factory.mktemp('rooms') / 'rooms.sqlite3'}"
    patch = pytest.MonkeyPatch()
    patch.setenv("GOVDECIDE_DATABASE_URL", url)
    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()
    patch.undo()


@pytest.fixture(autouse=True)
def own_database(db: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The module's one database for every test (in place of tests/app/conftest's own
    per test): a room opened in one test is read by the store the test opens."""
    monkeypatch.setenv("GOVDECIDE_DATABASE_URL", db)
    return db


def _page(page: str, query: dict[str, str] | None = None) -> AppTest:
    """A new session on ``page`` with the address ``query``."""
    at = AppTest.from_file(APP, default_timeout=90)
    wanted = {"lang": "en", **(query or {})}
    at.query_params["lang"] = wanted["lang"]
    at.switch_page(page)  # the page's own address, as a link opens it
    for key, value in wanted.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _button(at: AppTest, label: str):
    """The button (or form button) with this label."""
    found = [b for b in at.button if b.label == label]
    assert found, [b.label for b in at.button]
    return found[0]


def _open_room(db: str) -> tuple[AppTest, str, str]:
    """The facilitator opens a room on Riverton: (their page, the code, the secret)."""
    host = _page("app_pages/workshop.py")
    _button(host, t("room.open.button", "en")).click().run()
    assert not host.exception, [e.value for e in host.exception]
    query = dict(host.query_params)
    return host, query["room"], query["host"]


def _join(code: str, name: str) -> AppTest:
    """A participant opens the join link and joins under ``name``."""
    at = _page("app_pages/room.py", {"room": code})
    at.text_input[0].input(name)
    _button(at, t("room.join.button", "en")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "seat" in at.query_params
    return at


def _texts(at: AppTest) -> str:
    """Everything the page says, as one text (markdown, captions, alerts, metrics)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [a.value for kind in ("info", "success", "warning", "error") for a in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def test_a_room_opens_with_its_code_and_a_qr_code(db: str):
    host, code, secret = _open_room(db)
    assert len(code) == 6 and len(secret) >= 22
    assert f"# `{code}`" in [m.value for m in host.markdown]
    assert host.image and host.image[0].captions == [t("room.host.scan", "en")]  # the QR code
    assert t("room.live.waiting", "en") in _texts(host)


def test_participants_join_answer_and_see_their_plan_then_the_rooms(db: str):
    host, code, secret = _open_room(db)
    ana = _join(code, "Ana")
    sliders = [s for s in ana.slider if s.key.endswith(":w:health_station")]
    sliders[0].set_value(10)
    _button(ana, t("room.answer.submit", "en")).click().run()
    assert not ana.exception
    text = _texts(ana)
    assert t("room.answer.in", "en", round=1) in text
    assert t("room.own.title", "en") in [s.value for s in ana.subheader]
    assert "people" in text  # the plain-language summary's headline
    _join(code, "Bo")  # joined, never answered
    with Store.open(db) as store:
        subs = store.rooms.host(code, secret).submissions()
    assert [(s.seat, s.name) for s in subs] == [(1, "Ana")]
    assert subs[0].submission.priorities["health_station"] == 10.0
    # the facilitator reveals; Ana's page (a reload of her link) shows the room's plan
    host.run()
    _button(host, t("room.host.reveal", "en")).click().run()
    assert not host.exception
    again = _page("app_pages/room.py", dict(ana.query_params))
    text = _texts(again)
    assert t("room.plan.title", "en", round=1) in [s.value for s in again.subheader]
    assert t("room.plan.closeness", "en") in text
    assert t("room.answer.title", "en") not in text  # the round is closed: no form


def test_a_reload_finds_the_seat_and_its_answer(db: str):
    _, code, _ = _open_room(db)
    ana = _join(code, "Ana")
    slider = [s for s in ana.slider if s.key.endswith(":w:school_places")][0]
    slider.set_value(2)
    _button(ana, t("room.answer.submit", "en")).click().run()
    again = _page("app_pages/room.py", dict(ana.query_params))
    assert "Ana" in _texts(again)
    assert [s for s in again.slider if s.key.endswith(":w:school_places")][0].value == 2
    assert t("room.answer.in", "en", round=1) in _texts(again)


def test_a_participant_link_opens_no_facilitator_view(db: str):
    _, code, secret = _open_room(db)
    ana = _join(code, "Ana")
    token = ana.query_params["seat"]
    as_host = _page("app_pages/workshop.py", {"room": code, "host": token})
    assert t("room.host.wrong_link", "en") in _texts(as_host)
    labels = [b.label for b in as_host.button]
    assert t("room.host.reveal", "en") not in labels
    assert t("room.open.button", "en") in labels
    real = _page("app_pages/workshop.py", {"room": code, "host": secret})
    assert t("room.host.reveal", "en") in [b.label for b in real.button]


def test_the_room_page_without_a_code_asks_for_one_in_chinese(db: str):
    at = _page("app_pages/room.py", {"lang": "zh"})
    assert at.text_input[0].label == t("room.join.code", "zh")
    at.text_input[0].input("no such")
    _button(at, t("room.join.find", "zh")).click().run()
    assert t("room.join.bad_code", "zh") in _texts(at)


def test_a_name_with_markdown_is_shown_as_text(db: str):
    _, code, _ = _open_room(db)
    at = _join(code, "*Ana* [x](http://e.com)")
    text = _texts(at)
    assert "\\*Ana\\* \\[x\\]" in text


def test_the_decision_is_recorded_and_the_report_has_the_room(db: str):
    """Record the room's decision: the workspace's log gets one entry whose note names the
    room, the rule and the count; the report (made in the drawing worker) has the room's
    section and no participant's name."""
    host, code, secret = _open_room(db)
    ana = _join(code, "Ana Secretname")
    _button(ana, t("room.answer.submit", "en")).click().run()
    host.run()
    host.text_area[0].input("Adopted after two rounds")
    _button(host, t("room.host.record", "en")).click().run()
    assert not host.exception
    assert t("room.host.recorded", "en", seq=1) in _texts(host)
    with Store.open(db) as store:
        log = store.rooms.host(code, secret).workspace().decisions()
    assert len(log) == 1
    assert code in log[0].note and "Median of 1" in log[0].note
    assert log[0].note.endswith("Adopted after two rounds")
    _button(host, t("room.host.report", "en")).click().run()
    assert not host.exception, [e.value for e in host.exception]
    report = [b for b in host.get("download_button") if b.label == t("room.host.report", "en")]
    assert report
