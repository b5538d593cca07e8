"""What a link asked for that the app could not use, said once.

A link is opened as far as it makes sense (see :func:`ui.state.init_session` and
:func:`ui.controls.seed_from_url`); each part left out or changed (an unknown scenario or
language, a parameter no slider has, a value that is no number or is out of range) is
noted here as ``(kind, values)``, and :func:`show_link_notes` says them all in one warning
on the page the link opened, in the current language, until another page is opened.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from govdecide.i18n import t
from ui.text import bullet_list

_NOTES = "_govdecide_link_notes"
MAX_SHOWN_CHARS = 60  # a link's value is quoted up to this length (links can be long)

# (kind, values): kind is scenario | lang | unknown | not_number | clamped (said by
# ``app.link.<kind>``), or a whole catalogue key of another area (``ws.link.unknown``)
Note = tuple[str, dict[str, str]]


def quoted(value: object) -> str:
    """A link's value as it is quoted in a note: text, cut at :data:`MAX_SHOWN_CHARS`."""
    text = str(value)
    return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + "…"


def add_link_notes(notes: Iterable[Note]) -> None:
    """Keep notes about the link this session was opened with, to be said once."""
    store = st.session_state.setdefault(_NOTES, {"page": None, "notes": []})
    store["notes"].extend(notes)


def note_text(note: Note, lang: str, scenario_name: str) -> str:
    """One note in words (plain text; the caller escapes it for Markdown)."""
    kind, values = note
    words = {k: quoted(v) for k, v in values.items()}
    if "." in kind:
        return t(kind, lang, shown=scenario_name, **words)
    return t(f"app.link.{kind}", lang, shown=scenario_name, **words)


def show_link_notes(lang: str, page: str, scenario_name: str) -> None:
    """The notes as one warning, on the page the link opened (``page``: its URL path).

    It is shown again on reruns of that page (a rerun must not lose it) and dropped as
    soon as another page is shown: the user was told once.
    """
    store = st.session_state.get(_NOTES)
    if not store or not store["notes"]:
        return
    if store["page"] is None:
        store["page"] = page
    if store["page"] != page:
        st.session_state.pop(_NOTES, None)
        return
    items = [note_text(note, lang, scenario_name) for note in store["notes"]]
    st.warning(
        t("app.link.not_understood", lang) + "\n\n" + bullet_list(items),
        icon=":material/link_off:",
    )
