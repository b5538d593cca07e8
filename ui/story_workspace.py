"""The stories' side of the link: ``?story=ID`` and ``?view=TOKEN``, on the app's workspace.

A trainer's stories live in the session's workspace (:mod:`ui.workspace`, the ``ws`` key
of the link, kept by :mod:`ui.state`); the story being built or presented is ``story``; a
participant's viewer link carries only ``view``, the story's viewer token, which opens that
story read-only and nothing else of the workspace. These two values are taken from the
link the session was opened with and kept in the session; :func:`keep_link_params` writes
them back into the address each run (the shared URL sync rewrites the address from the
scenario, language, sliders and workspace), so a reload keeps the story and its step.

The store is the server's one (:func:`ui.workspace.current_store`). When it cannot be used,
:func:`story_store` says so and the story pages stop: a story exists only in the store.
"""

from __future__ import annotations

import streamlit as st

from govdecide.i18n import t
from govdecide.store import Store, Stories, Workspace
from ui import workspace as app_workspace
from ui.state import WORKSPACE_KEY, initial_query, workspace_key

WS_PARAM = WORKSPACE_KEY
STORY_PARAM = "story"
VIEW_PARAM = "view"
LINK_PARAMS = (STORY_PARAM, VIEW_PARAM)  # in the address, not slider settings
_LINKS = "_govdecide_story_links"


def _links() -> dict[str, str]:
    """This session's link values, read from the opening link on first use."""
    state = st.session_state
    if _LINKS not in state:
        query = initial_query()
        state[_LINKS] = {k: query[k] for k in LINK_PARAMS if isinstance(query.get(k), str)}
    return state[_LINKS]


def link_value(name: str) -> str | None:
    """The session's ``story`` or ``view``, or its workspace key for ``ws`` (None when
    it has none)."""
    if name == WS_PARAM:
        return workspace_key()
    return _links().get(name)


def set_link_value(name: str, value: str | None) -> None:
    """Keep (or, with None, drop) a link value; the address follows this run."""
    links = _links()
    if value is None:
        links.pop(name, None)
    else:
        links[name] = value


def keep_link_params() -> None:
    """Put the session's link values back into the address (after the shared sync)."""
    for name in LINK_PARAMS:
        value = link_value(name)
        if value is not None and st.query_params.get(name) != value:
            st.query_params[name] = value


def story_store(lang: str) -> Store | None:
    """The server's store, or None after saying why stories cannot be kept now."""
    store = app_workspace.current_store()
    if store is None:
        problem = app_workspace.store_problem()
        if problem is not None:
            st.error(problem.message(lang), icon=":material/cloud_off:")
        st.caption(t("story.store_needed", lang))
    return store


def current_workspace(store: Store, create: bool = False, lang: str = "en") -> Workspace | None:
    """The session's workspace; with ``create``, a new one when there is none (its key
    joins the link at once, as for any first save)."""
    del store  # the server's one, as ui.workspace keeps it
    found = app_workspace.current_workspace()
    if found is None and create:
        found = app_workspace.workspace_for_saving(lang)
    return found


def current_stories(store: Store, create: bool = False, lang: str = "en") -> Stories | None:
    """The stories of the session's workspace (see :func:`current_workspace`)."""
    found = current_workspace(store, create, lang)
    return None if found is None else Stories(found)
