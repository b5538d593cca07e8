"""Which scenario and language this browser session uses, shared by every page.

Pages ask :func:`current_scenario` and :func:`current_lang`; the upload and table pages
(issue 5) add their scenarios with :func:`register_scenario` so they join the picker.
Bundled scenarios are the ``scenarios/*.yaml`` files, loaded once per server (a large
file is slow to validate) and only when picked; the picker shows their
names from the file's header alone.

The first run of a session reads the URL (``?scenario=...&lang=...``) so a shared link
reopens the same view (what it names that the app does not know is noted for the user, see
:mod:`ui.links`); :func:`sync_query_params` writes the current state back each run. A
link may also name a workspace (``ws=KEY``, see :mod:`ui.workspace`): its key is kept here
and written back with the rest, so the address bar always leads back to the saved work.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
import yaml

from govdecide.errors import ScenarioError
from govdecide.i18n import LANGS, localize, normalize_lang
from govdecide.io.scenario import BUNDLED_DIR, Scenario, load_scenario
from ui.links import add_link_notes

SCENARIO_DIR = BUNDLED_DIR
ROOT = SCENARIO_DIR.parent  # the repository (the scripts tests run inside the app use it)
DEFAULT_SCENARIO = "riverton"

# The session's choices, under these keys in st.session_state and in the URL. They are not
# widget keys: a widget's identity changes with its label (i.e. with the language), which
# would drop its state, so the sidebar widgets copy their value here in a callback.
SCENARIO_KEY = "scenario"
LANG_KEY = "lang"
WORKSPACE_KEY = "ws"  # in the URL only: the workspace's key (see ui.workspace)
_WORKSPACE = "_govdecide_workspace_key"
_UPLOADS = "_govdecide_uploaded"
_PENDING = "_govdecide_pending_scenario"
_INITIAL_QUERY = "_govdecide_initial_query"
_EXTRA_QUERY = "_govdecide_extra_query"


@dataclass(frozen=True)
class Entry:
    """One scenario in the picker: bundled (a path) or uploaded this session (a model).

    ``sha256`` and ``store_id`` are the content hash and the workspace's id of a scenario
    kept in the session's workspace; empty for a bundled file and for an upload the store
    could not keep.
    """

    key: str
    label: Any  # a text or {language: text}
    path: Path | None = None
    scenario: Scenario | None = None
    base_dir: Path | None = None
    fingerprint: str = ""
    sha256: str = ""
    store_id: str = ""


# -- bundled scenarios --------------------------------------------------------------------


def bundled_paths() -> dict[str, Path]:
    """``scenarios/*.yaml`` by file stem, the teaching city first (it is the default)."""
    paths = {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.yaml"))}
    ordered = {k: paths[k] for k in (DEFAULT_SCENARIO,) if k in paths}
    ordered.update({k: v for k, v in paths.items() if k not in ordered})
    return ordered


@st.cache_data(show_spinner=False)
def _header_name(path: str, mtime: float) -> Any:
    """The scenario's name from the lines before ``districts:``, without a full load.

    A full load validates every district, which is slow for a large file; the picker only
    needs its name. ``mtime`` is part of the cache key so an edited file shows its new name.
    """
    lines: list[str] = []
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            if line.startswith(("districts:", "indicators:", "programs:")):
                break
            lines.append(line)
    try:
        head = yaml.safe_load("".join(lines)) or {}
    except yaml.YAMLError:
        head = {}
    name = head.get("name") if isinstance(head, dict) else None
    return name if isinstance(name, (str, dict)) else Path(path).stem


@st.cache_resource(show_spinner=False, max_entries=16)
def _load_bundled(path: str, mtime: float) -> Scenario:
    """A bundled scenario, validated once per server and file version."""
    return load_scenario(path)


# -- registry -----------------------------------------------------------------------------


def _uploads() -> dict[str, Entry]:
    """The scenarios uploaded or built in this session, by key."""
    return st.session_state.setdefault(_UPLOADS, {})


def scenario_fingerprint(scenario: Scenario) -> str:
    """A content hash: cache key for the solver of an uploaded or edited scenario."""
    return hashlib.sha256(scenario.model_dump_json().encode("utf-8")).hexdigest()[:16]


def entries() -> dict[str, Entry]:
    """Every scenario the picker offers: bundled files, then this session's uploads."""
    out: dict[str, Entry] = {}
    for key, path in bundled_paths().items():
        mtime = path.stat().st_mtime
        out[key] = Entry(
            key=key,
            label=_header_name(str(path), mtime),
            path=path,
            base_dir=path.parent,
            fingerprint=f"{path.name}:{mtime}",
        )
    out.update(_uploads())
    return out


def register_scenario(
    key: str,
    scenario: Scenario,
    label: Any = None,
    base_dir: Path | None = None,
    select: bool = True,
    sha256: str = "",
    store_id: str = "",
) -> str:
    """Add a scenario to this session's picker and return the key it got.

    ``label`` is a text or ``{en: ..., zh: ...}`` (default: the scenario's name).
    ``base_dir`` is where a ``map.topojson`` path is resolved (none for an upload: the
    tile map is used). A key that a bundled file already uses gets an ``upload-`` prefix,
    so an upload never hides a bundled scenario. With ``select`` the picker switches to it
    on the next run (call ``st.rerun()`` to show it at once). ``sha256`` and ``store_id``
    mark a scenario kept in the workspace (see :class:`Entry`).
    """
    clean = clean_key(key)
    entry = Entry(
        key=clean,
        label=label if label is not None else scenario.name,
        scenario=scenario,
        base_dir=base_dir,
        fingerprint="upload:" + scenario_fingerprint(scenario),
        sha256=sha256,
        store_id=store_id,
    )
    _uploads()[clean] = entry
    if select:
        st.session_state[_PENDING] = clean
    return clean


def clean_key(key: str) -> str:
    """The picker key ``key`` gets: letters, digits, ``-`` and ``_`` only, never a bundled
    file's (an upload never hides a bundled scenario)."""
    clean = "".join(c if c.isalnum() or c in "-_" else "-" for c in key.lower()) or "upload"
    return f"upload-{clean}" if clean in bundled_paths() else clean


def is_registered(key: str) -> bool:
    """True when this session's picker already has an upload under ``key``."""
    return key in _uploads()


def label_of(entry: Entry, lang: str) -> str:
    """The picker label of a scenario in ``lang``."""
    return localize(entry.label, lang)


# -- session start and URL ----------------------------------------------------------------


def init_session() -> None:
    """On a session's first run, take scenario and language from the URL or the browser.

    Later runs keep what the user chose. A scenario picked by :func:`register_scenario`
    is applied here, before the picker is drawn (a widget's state cannot change after).
    """
    state = st.session_state
    if _INITIAL_QUERY not in state:
        query = {k: st.query_params.get(k) for k in st.query_params.keys()}
        state[_INITIAL_QUERY] = query
        known = entries()
        wanted = query.get(SCENARIO_KEY)
        state[SCENARIO_KEY] = wanted if wanted in known else _default_key(known)
        lang = query.get(LANG_KEY)
        state[LANG_KEY] = lang if lang in LANGS else normalize_lang(_browser_locale())
        if wanted is not None and wanted not in known:
            add_link_notes([("scenario", {"value": wanted})])
            settings = [k for k in query if k not in (SCENARIO_KEY, LANG_KEY, WORKSPACE_KEY)]
            if settings:  # they were meant for that scenario: none is applied to another
                add_link_notes([("not_applied", {"value": ", ".join(settings)})])
        if lang is not None and lang not in LANGS:
            add_link_notes([("lang", {"value": lang})])
    pending = state.pop(_PENDING, None)
    if pending is not None and pending in entries():
        state[SCENARIO_KEY] = pending
    if state.get(LANG_KEY) not in LANGS:
        state[LANG_KEY] = normalize_lang(_browser_locale())


def _default_key(known: Mapping[str, Entry]) -> str:
    """The teaching city when present, else the first scenario."""
    return DEFAULT_SCENARIO if DEFAULT_SCENARIO in known else next(iter(known), "")


def _browser_locale() -> str | None:
    """The browser's language (``st.context.locale``), None outside a browser."""
    try:
        return st.context.locale
    except Exception:  # noqa: BLE001 - no browser context (tests, bare mode)
        return None


def initial_query() -> dict[str, str]:
    """The URL parameters this session was opened with (for the pages' own settings; the
    workspace key is no setting and is left out)."""
    query = dict(st.session_state.get(_INITIAL_QUERY, {}))
    query.pop(WORKSPACE_KEY, None)
    return query


def workspace_key() -> str | None:
    """The key of this session's workspace, once it has one (opened by a link or made by
    the first save)."""
    key = st.session_state.get(_WORKSPACE)
    return key if isinstance(key, str) else None


def set_workspace_key(key: str | None) -> None:
    """Make ``key`` this session's workspace (None: none); the URL carries it from the
    next :func:`sync_query_params` on."""
    if key is None:
        st.session_state.pop(_WORKSPACE, None)
    else:
        st.session_state[_WORKSPACE] = key


def set_page_query(params: Mapping[str, str]) -> None:
    """Parameters a page adds to the shared URL (e.g. slider values), written each run."""
    st.session_state[_EXTRA_QUERY] = dict(params)


def sync_query_params() -> None:
    """Write the workspace, scenario, language and the page's settings to the URL (a
    shareable link)."""
    wanted = {SCENARIO_KEY: current_scenario_key(), LANG_KEY: current_lang()}
    key = workspace_key()
    if key is not None:
        wanted = {WORKSPACE_KEY: key, **wanted}
    wanted.update(st.session_state.get(_EXTRA_QUERY, {}))
    current = {k: st.query_params.get(k) for k in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)


# -- what the pages read ------------------------------------------------------------------


def current_lang() -> str:
    """The language chosen in the sidebar (``en`` or ``zh``)."""
    lang = st.session_state.get(LANG_KEY)
    return lang if lang in LANGS else normalize_lang(_browser_locale())


def current_scenario_key() -> str:
    """The picker's key of the current scenario."""
    known = entries()
    key = st.session_state.get(SCENARIO_KEY)
    return key if key in known else _default_key(known)


def current_entry() -> Entry:
    """The picker entry of the current scenario."""
    return entries()[current_scenario_key()]


def load_entry(entry: Entry) -> Scenario:
    """The scenario of an entry; a bad bundled file raises :class:`ScenarioError`."""
    if entry.scenario is not None:
        return entry.scenario
    if entry.path is None:
        raise ScenarioError([])
    return _load_bundled(str(entry.path), entry.path.stat().st_mtime)


def current_scenario() -> Scenario:
    """The scenario the user picked (raises :class:`ScenarioError` for a broken file)."""
    return load_entry(current_entry())
