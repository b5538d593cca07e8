"""What the Workshop and Room pages share: the store, the room's scenario and solver, the
language switch, links and the QR code.

One :class:`~govdecide.store.Store` per server process (``st.cache_resource``), opened on
``GOVDECIDE_DATABASE_URL`` or the SQLite default, so every session and every server
sharing the database sees the same rooms. A room's scenario is parsed once per server from
the text stored in its workspace (keyed by its hash), and one
:class:`~govdecide.rooms.RoomSolver` per scenario serves every session of the server, so
each distinct parameter set is solved once.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from urllib.parse import urlencode

import altair as alt
import segno
import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import LANGS, t
from govdecide.io.scenario import Scenario, parse_scenario
from govdecide.model.result import Result
from govdecide.present import maps
from govdecide.rooms import RoomSolver
from govdecide.store import RoomInfo, Store
from ui import workspace
from ui.maps import parsed_map, topology_for
from ui.state import LANG_KEY, Entry, bundled_paths, entries
from ui.text import md_escape

PUBLIC_URL_ENV = "GOVDECIDE_PUBLIC_URL"  # the address phones reach the app at
WORKSHOP_PATH = "workshop"
ROOM_PATH = "room"
ROOM_PARAM, HOST_PARAM, SEAT_PARAM = "room", "host", "seat"
LANG_NAMES = {"en": "English", "zh": "中文"}


def store_or_stop(lang: str) -> Store:
    """The server's store (the app's one, :func:`ui.workspace.current_store`), or a
    message that rooms need a database and the end of this run."""
    store = workspace.current_store()
    if store is None:
        problem = workspace.store_problem()
        detail = "" if problem is None else " " + md_escape(problem.message(lang))
        st.error(t("room.no_store", lang) + detail)
        st.stop()
        raise AssertionError("unreachable")  # st.stop() ends the run
    return store


@st.cache_resource(show_spinner=False, max_entries=16)
def _scenario(sha256: str, _text: str) -> Scenario:
    """A room's scenario, parsed once per server and text (keyed by the text's hash)."""
    return parse_scenario(_text, file="room")


def room_scenario(sha256: str, text: str) -> Scenario:
    """The room's scenario (its text was validated when it was stored)."""
    return _scenario(sha256, text)


@st.cache_resource(show_spinner=False, max_entries=16)
def room_solver(sha256: str, _scenario: Scenario) -> RoomSolver:
    """The server's one solver for a room's scenario: shared by every session."""
    return RoomSolver(_scenario)


def map_entry(info: RoomInfo, scenario: Scenario) -> Entry:
    """The picker entry that finds the scenario's map: the bundled file's, when the room
    was opened on one, else an entry without a folder (the tile map)."""
    known = entries()
    if info.source in bundled_paths() and info.source in known:
        return known[info.source]
    return Entry(key=f"room-{info.code}", label=scenario.name, scenario=scenario)


def room_gains_map(
    store: Store, info: RoomInfo, scenario: Scenario, plan: Result, lang: str
) -> alt.Chart | None:
    """The map of the room's plan: the scenario's own boundaries (a bundled file's, this
    session's, or the room's workspace's), else tiles."""
    entry = map_entry(info, scenario)
    topology = topology_for(scenario, entry)
    if topology is None and scenario.map is not None:
        text = store.rooms.map_text(info.code, scenario.map.topojson)
        topology = None if text is None else parsed_map(scenario.map.topojson, text)
    return maps.gains_map(scenario, plan, lang, topology)


def language_switch(lang: str, key: str) -> str:
    """A language switch at the top of a room page (these pages have no sidebar);
    returns the language to use now."""
    choice = st.segmented_control(
        t("room.language", lang),
        options=list(LANGS),
        default=lang,
        format_func=lambda code: LANG_NAMES.get(code, code),
        key=f"{key}:{lang}",
        required=True,
    )
    if choice in LANGS and choice != lang:
        st.session_state[LANG_KEY] = choice
        st.rerun()
    return lang


def app_root() -> str:
    """Where phones reach the app: ``GOVDECIDE_PUBLIC_URL``, else this browser's address
    without the page's path (a projector on localhost needs the variable set)."""
    public = os.environ.get(PUBLIC_URL_ENV, "").strip()
    if public:
        return public.rstrip("/")
    try:
        url = st.context.url or ""
    except Exception:  # noqa: BLE001 - no browser context (tests, bare mode)
        url = ""
    for path in (WORKSHOP_PATH, ROOM_PATH):
        if url.endswith("/" + path):
            return url[: -len(path) - 1]
    return url.rstrip("/")


def link(root: str, page: str, params: Mapping[str, str]) -> str:
    """An absolute link to a page with query parameters."""
    return f"{root}/{page}?{urlencode(dict(params))}"


def qr_png(text: str, scale: int = 12) -> bytes:
    """A QR code of ``text`` as PNG bytes (segno; error correction M, a quiet border)."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def query(name: str) -> str | None:
    """A query parameter of this page's address, or None."""
    value = st.query_params.get(name)
    return value if isinstance(value, str) and value else None


def set_query(params: Mapping[str, str]) -> None:
    """Make the address bar this page's link (so a reload finds the same room)."""
    wanted = {k: v for k, v in params.items() if v}
    current = {k: st.query_params.get(k) for k in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)


def warn(exc: ScenarioError, lang: str) -> None:
    """Each refusal as a warning (the messages quote the person's own input)."""
    for message in exc.messages(lang):
        st.warning(md_escape(message), icon=":material/warning:")
