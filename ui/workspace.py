"""The store in the app: one per server process, a workspace per link, saves that say so.

The database (:mod:`govdecide.store`) is opened once per server process and URL
(``st.cache_resource``), which also brings its schema up to date: the first run of the
first session after a start runs the migrations. When it cannot be opened, reached or
written, :func:`store_problem` says why (``StoreUnavailable.message``) and every page goes
on solving; the sidebar says that work is not being saved, and the Compare page keeps its
options in the session meanwhile. A failed open is tried again after :data:`RETRY_S`.

A session's workspace is named by the key in its link (``?ws=KEY``, kept by
:mod:`ui.state`). It is made by the first save only: a person who saves nothing leaves
nothing in the database. Each run the workspace's scenarios join the picker under a key
made of their file name (and their id in the workspace when an older one has that name,
:func:`picker_keys`), so a link to one of them opens it in any browser and after a
restart, with the link's slider values.
Options and decisions cite a scenario by its content hash: a stored scenario's, or a
bundled file's.

What a save has to say is kept with :func:`flash` and said after the rerun that follows
every save (the sidebar must show the new workspace's link at once).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import astuple
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import t
from govdecide.io.scenario import Scenario, parse_scenario
from govdecide.model.result import Result
from govdecide.model.settings import Settings
from govdecide.model.years import PlanResult, PlanSettings
from govdecide.store import (
    Decision,
    Limits,
    SavedOption,
    ScenarioInfo,
    Store,
    StoredScenario,
    StoreUnavailable,
    Workspace,
    content_hash,
    database_url,
    load_map,
    save_scenario_with_map,
)
from ui.links import add_link_notes
from ui.state import (
    WORKSPACE_KEY,
    Entry,
    clean_key,
    is_registered,
    register_scenario,
    set_workspace_key,
    workspace_key,
)

RETRY_S = 30.0  # a store that could not be opened is tried again after this long
LIMITS = Limits()  # what each workspace may hold (the store's defaults)
_LINK_READ = "_govdecide_ws_link_read"
_UNSAVED = "_govdecide_unsaved_options"  # options kept in the session while the store fails
_FLASH = "_govdecide_ws_flash"
T = TypeVar("T")


class StoreHolder:
    """The server's one store for a URL, opened on first use; a failure is remembered.

    ``failure`` is the last :class:`StoreUnavailable` (from opening, or from a write that
    the database refused, e.g. a read-only file); a successful write clears it.
    """

    def __init__(self, url: str, limits: Limits) -> None:
        self._url = url
        self._limits = limits
        self._lock = threading.Lock()
        self._failed_at = 0.0
        self.store: Store | None = None
        self.failure: StoreUnavailable | None = None

    def get(self) -> Store | None:
        """The store, opened (and migrated) now if it is not yet; None while it fails."""
        with self._lock:
            due = self.failure is None or time.monotonic() - self._failed_at >= RETRY_S
            if self.store is None and due:
                try:
                    self.store = Store.open(self._url, limits=self._limits)
                    self.failure = None
                except StoreUnavailable as exc:
                    self.failure, self._failed_at = exc, time.monotonic()
            return self.store

    def failed(self, exc: StoreUnavailable) -> None:
        """Remember that the database refused work (the sidebar says so to everyone)."""
        self.failure, self._failed_at = exc, time.monotonic()

    def worked(self) -> None:
        """A write went through: the database works again."""
        self.failure = None


@st.cache_resource(show_spinner=False)
def _holder(url: str, limits: tuple[int, ...]) -> StoreHolder:
    """The holder of this server process for a database URL and limits."""
    return StoreHolder(url, Limits(*limits))


def holder() -> StoreHolder | StoreUnavailable:
    """The holder for the configured database, or why there can be none (a bad URL)."""
    try:
        url = database_url()
    except StoreUnavailable as exc:
        return exc
    return _holder(url.render_as_string(hide_password=False), astuple(LIMITS))


def current_store() -> Store | None:
    """The server's store, or None when it cannot be used now."""
    held = holder()
    return None if isinstance(held, StoreUnavailable) else held.get()


def store_problem() -> StoreUnavailable | None:
    """Why work is not being saved, or None when the store works."""
    held = holder()
    if isinstance(held, StoreUnavailable):
        return held
    held.get()
    return held.failure


def _guarded(work: Callable[[], T], default: T) -> T:
    """``work()``, or ``default`` after remembering a database failure; a read that works
    again after the database could not be reached clears that failure (one that could
    not be written is cleared only by a write)."""
    held = holder()
    try:
        out = work()
    except StoreUnavailable as exc:
        if isinstance(held, StoreHolder):
            held.failed(exc)
        return default
    if isinstance(held, StoreHolder) and held.failure is not None:
        if held.failure.reason == "unreachable":
            held.worked()
    return out


# -- the session's workspace -----------------------------------------------------------


def start() -> None:
    """Each run, before the session reads its link: open the store (the server's first
    run migrates it), take the link's workspace on the session's first run, and put the
    workspace's scenarios in the picker."""
    store = current_store()
    if _LINK_READ not in st.session_state:
        st.session_state[_LINK_READ] = True
        _take_link(store)
    workspace = current_workspace()
    if workspace is not None:
        register_stored(workspace)


def _take_link(store: Store | None) -> None:
    """The workspace a link names becomes the session's; an unknown key is said once."""
    key = st.query_params.get(WORKSPACE_KEY)
    if not key:
        return
    if store is None:
        set_workspace_key(key)  # kept in the address: the work is there once the store is
        return
    found = _guarded(lambda: store.open_workspace(key), None)
    if found is None and store_problem() is None:
        add_link_notes([("ws.link.unknown", {"value": key})])
        return
    set_workspace_key(key)


def current_workspace() -> Workspace | None:
    """This session's workspace, None before its first save or while the store fails."""
    key, store = workspace_key(), current_store()
    if key is None or store is None:
        return None
    return _guarded(lambda: store.open_workspace(key), None)


@st.cache_resource(show_spinner=False, max_entries=32)
def _parsed(sha256: str, label: str, _text: str) -> Scenario:
    """A stored scenario's text validated once per server (its hash is the cache key)."""
    return parse_scenario(_text, file=label or sha256[:12])


def picker_keys(infos: Sequence[ScenarioInfo]) -> dict[str, str]:
    """The picker key of each stored scenario (by id), the same in every browser: the name
    it was given (its file name without the ending), or, when an older scenario of the
    workspace already has that name, the name and its id (``my_town-3fa2b9c01d2e``).
    ``infos`` oldest first, as the workspace lists them (scenarios are never removed, so a
    key once given stays)."""
    keys: dict[str, str] = {}
    for info in infos:
        stem = Path(info.label).stem if info.label else ""
        key = clean_key(stem) if stem else ""
        if not key or key in keys.values():
            key = clean_key(f"{stem}-{info.id}" if stem else info.id)
        keys[info.id] = key
    return keys


def picker_key(stored: ScenarioInfo) -> str:
    """The picker key of a scenario just saved in the session's workspace."""
    workspace = current_workspace()
    infos = _guarded(workspace.scenarios, []) if workspace is not None else []
    return picker_keys(infos).get(stored.id) or picker_keys([stored])[stored.id]


def register_stored(workspace: Workspace) -> None:
    """Every scenario of the workspace in the picker (not selected): a link's
    ``scenario=`` then finds it in a fresh browser or after a restart."""
    infos: list[ScenarioInfo] = _guarded(workspace.scenarios, [])
    keys = picker_keys(infos)
    for info in infos:
        # a bundled file kept for a story is the bundled entry's (or an older edition's)
        # text: offered in the picker, it would take the bundled scenario's key
        if info.origin == "bundled" or is_registered(keys[info.id]):
            continue
        stored = _guarded(lambda i=info: workspace.scenario(i.id), None)
        if stored is None:
            continue
        try:
            scenario = _parsed(stored.sha256, stored.label, stored.yaml)
        except ScenarioError:  # valid when saved; this version refuses it: not offered
            continue
        register_scenario(
            keys[info.id], scenario, label=info.name, select=False, sha256=info.sha256,
            store_id=info.id,
        )  # fmt: skip


def workspace_for_saving(lang: str) -> Workspace | None:
    """This session's workspace, made now on its first save; None (said) when the store
    cannot be used."""
    store = current_store()
    if store is None:
        flash("warning", [_problem_text(lang)])
        return None
    workspace = current_workspace()
    if workspace is not None:
        return workspace
    try:
        workspace = store.create_workspace()
    except StoreUnavailable as exc:
        _failed(exc, lang)
        return None
    set_workspace_key(workspace.key)
    return workspace


def _problem_text(lang: str) -> str:
    """Why nothing is saved, in ``lang``."""
    problem = store_problem()
    return problem.message(lang) if problem is not None else t("ws.not_saved", lang)


def _failed(exc: StoreUnavailable, lang: str) -> None:
    """A save the database refused: remember it for everyone and say it."""
    held = holder()
    if isinstance(held, StoreHolder):
        held.failed(exc)
    flash("warning", [exc.message(lang)])


def _write(work: Callable[[Workspace], T], lang: str) -> T | None:
    """``work`` on the session's workspace (made now if needed), or None after saying why
    not: the store fails, or the store refuses the input (a limit reached, a bad name)."""
    workspace = workspace_for_saving(lang)
    if workspace is None:
        return None
    try:
        out = work(workspace)
    except StoreUnavailable as exc:
        _failed(exc, lang)
        return None
    except ScenarioError as exc:
        flash("warning", [t("ws.refused", lang), *exc.messages(lang)])
        return None
    held = holder()
    if isinstance(held, StoreHolder):
        held.worked()
    return out


# -- what the pages save ---------------------------------------------------------------


def save_scenario(text: str, label: str, origin: str, lang: str) -> StoredScenario | None:
    """Keep a scenario's YAML text in the workspace (``origin``: one of store ORIGINS)."""
    return _write(lambda ws: ws.save_scenario(text, label=label[:200], origin=origin), lang)


def save_scenario_with_its_map(
    text: str, map_text: str, label: str, lang: str
) -> StoredScenario | None:
    """Keep a scenario and the map it draws in the workspace (the map first, so no stored
    scenario is without its map); None (said) when the store cannot keep them."""
    return _write(
        lambda ws: save_scenario_with_map(ws, text, map_text, label=label[:200], origin="edit"),
        lang,
    )


def stored_map_text(reference: str) -> str | None:
    """The TopoJSON text of a map this session's workspace holds, or None."""
    found = current_workspace()
    if found is None:
        return None
    stored = _guarded(lambda: load_map(found, reference), None)
    return None if stored is None else stored.text


@st.cache_data(show_spinner=False, max_entries=64)
def _file_hash(path: str, mtime: float) -> str:
    """The content hash of a bundled scenario file (as the store hashes a text)."""
    return content_hash(Path(path).read_bytes().decode("utf-8-sig"))


def scenario_ref(entry: Entry) -> tuple[str, str] | None:
    """(id, content hash) by which options and decisions cite the entry's scenario: a
    stored one's, or a bundled file's; None for an upload the store could not keep."""
    if entry.sha256:
        return entry.store_id, entry.sha256
    if entry.path is not None:
        return entry.key, _file_hash(str(entry.path), entry.path.stat().st_mtime)
    return None


def _unsaved(entry: Entry) -> list[SavedOption]:
    """The options of ``entry`` this session keeps because the store could not."""
    return st.session_state.setdefault(_UNSAVED, {}).setdefault(entry.fingerprint, [])


def options_for(entry: Entry) -> list[SavedOption]:
    """The saved options of the entry's scenario, in saved order: the workspace's, then
    those kept in this session only (ids below 0) while the store failed."""
    workspace, ref = current_workspace(), scenario_ref(entry)
    stored: list[SavedOption] = []
    if workspace is not None and ref is not None:
        stored = _guarded(lambda: workspace.options(ref[1]), [])
    return [*stored, *_unsaved(entry)]


def save_option(
    entry: Entry,
    name: str,
    settings: Settings,
    figures: dict[str, float | None],
    lang: str,
    plan: PlanSettings | None = None,
) -> bool:
    """Save an option of the entry's scenario (a name saved before is replaced) with its
    headline figures (``store.headline_figures`` of its result, ``store.plan_figures``
    of a plan over years, whose settings are ``plan``); when the store cannot keep it
    (the database fails), keep it in this session and say so. True when it was stored;
    False when it was not (said), e.g. when the workspace is full."""
    ref = scenario_ref(entry)
    if ref is not None:
        saved = _write(
            lambda ws: ws.save_option(
                name, scenario_id=ref[0], scenario_hash=ref[1], settings=settings,
                figures=figures, plan=plan,
            ),
            lang,
        )  # fmt: skip
        if saved is not None:
            return True
        if store_problem() is None:  # the store refused the option itself (a limit)
            return False
    kept = [o for o in _unsaved(entry) if o.name != name]
    ids = [o.id for o in kept]
    option = SavedOption(
        id=min([0, *ids]) - 1, name=name, scenario_id=entry.key, scenario_hash=ref[1] if ref
        else "", settings=settings, figures=figures, saved_at=datetime.now(UTC), plan=plan,
    )  # fmt: skip
    _unsaved(entry)[:] = [*kept, option]
    flash("warning", [t("ws.cmp.session_only", lang)])
    return False


def delete_options(entry: Entry, ids: list[int], lang: str) -> None:
    """Remove saved options of the entry (stored ones from the workspace)."""
    unsaved = _unsaved(entry)
    unsaved[:] = [o for o in unsaved if o.id not in ids]
    stored = [i for i in ids if i > 0]
    if stored:
        _write(lambda ws: [ws.delete_option(i) for i in stored], lang)


def record_decision(
    entry: Entry,
    settings: Settings,
    result: Result | PlanResult,
    note: str,
    lang: str,
    plan: PlanSettings | None = None,
) -> Decision | None:
    """Append a decision on the entry's scenario to the workspace's log (said either way);
    a plan over years with its settings (``plan``) and its :class:`PlanResult`."""
    ref = scenario_ref(entry)
    if ref is None:
        flash("warning", [t("ws.dec.no_scenario", lang)])
        return None
    decision = _write(
        lambda ws: ws.record_decision(
            scenario_id=ref[0], scenario_hash=ref[1], settings=settings, result=result,
            note=note, plan=plan,
        ),
        lang,
    )  # fmt: skip
    if decision is not None:
        flash("success", [t("ws.dec.recorded", lang, seq=decision.seq)])
    return decision


def decisions() -> list[Decision]:
    """The workspace's decision log (empty without a workspace or while the store fails)."""
    workspace = current_workspace()
    return [] if workspace is None else _guarded(workspace.decisions, [])


# -- messages after a save -------------------------------------------------------------


def flash(kind: str, messages: list[str]) -> None:
    """Keep messages (``success``, ``warning``) to say after the rerun that follows a save
    (plain text: escaped where shown)."""
    kept = st.session_state.setdefault(_FLASH, [])
    if (kind, list(messages)) not in kept:  # e.g. a file of ten options, none kept: once
        kept.append((kind, list(messages)))


def take_flash() -> list[tuple[str, list[str]]]:
    """The kept messages, once."""
    return st.session_state.pop(_FLASH, [])
