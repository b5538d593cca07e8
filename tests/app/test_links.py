"""A link the app cannot fully use says so, once (issue 11, new-user item 5).

An unknown scenario, an unknown language, a parameter no slider of the scenario has, a
value that is not a number or lies outside its slider's range: the page opens with what
it can use and one warning that names each part it did not understand (user text,
escaped). The warning stays while that page is open and is gone on the next page; a
link the app understands shows none.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from govdecide.i18n import t

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def _open(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _notes(at: AppTest) -> list[str]:
    head = t("app.link.not_understood", "en")
    return [w.value for w in at.warning if w.value.startswith(head)]


def test_an_unknown_scenario_is_named_and_riverton_opens():
    """The link's settings were meant for that scenario: none is applied to Riverton."""
    at = _open(scenario="nowhere", lang="en", budget="50000")
    assert not at.exception
    assert at.title[0].value == "Allocate — Riverton"
    notes = _notes(at)
    assert len(notes) == 1
    assert "nowhere" in notes[0] and "Riverton" in notes[0] and "budget" in notes[0]
    assert at.slider(key="ctl:riverton:policy.budget").value == 40000


def test_unusable_values_are_named_each_once():
    """budget=lots is no number, w.nothing no slider of Riverton, equity=7 over its
    slider's top (1, which is used), lang=fr no language of the app."""
    at = _open(scenario="riverton", lang="fr", budget="lots", equity="7", **{"w.nothing": "2"})
    assert not at.exception
    notes = _notes(at)
    assert len(notes) == 1
    note = notes[0]
    for part in ("fr", "budget", "lots", "w.nothing", "equity", "7"):
        assert part in note
    assert at.slider(key="ctl:riverton:policy.equity_weight").value == 1.0


def test_user_text_in_the_note_is_escaped():
    """A value is shown literally: Markdown or a link in it does nothing."""
    at = _open(scenario="**bold** [x](http://example.com)", lang="en")
    note = _notes(at)[0]
    assert "\\*\\*bold\\*\\*" in note and "\\[x\\]" in note


def test_the_note_is_said_once():
    """It stays on reruns of the page it was opened on, and is gone on the next page."""
    at = _open(scenario="riverton", lang="en", budget="lots")
    assert len(_notes(at)) == 1
    at.run()
    assert len(_notes(at)) == 1
    at.switch_page("app_pages/explore.py").run()
    assert not _notes(at)
    at.switch_page("app_pages/allocate.py").run()
    assert not _notes(at)


def test_an_understood_link_says_nothing():
    at = _open(scenario="riverton", lang="zh", budget="50000", equity="0.8")
    assert not at.exception
    assert not [w for w in at.warning if w.value.startswith(t("app.link.not_understood", "zh"))]
    assert not _notes(at)
