"""The stories' side of the link and the store: ``?ws=KEY``, ``?story=ID``, ``?view=TOKEN``.

A trainer's stories live in a workspace (:mod:`govdecide.store`), named by the key in the
link (``ws``); the story being built or presented is ``story``; a participant's viewer
link carries only ``view``, the story's viewer token, which opens that story read-only
and nothing else of the workspace. The values are taken from the link the session was
opened with and kept in the session; :func:`keep_link_params` writes them back into the
address each run (the shared URL sync rewrites the address from the scenario, language
and sliders), so a reload keeps the workspace, the story and its step.

The store is opened once per server process and database URL (``st.cache_resource``),
which also migrates its schema. When it cannot be used, :func:`story_store` says so and
the story pages stop: a story exists only in the store.

(A small accessor of the workspace key of its own: the app's workspace module keeps the
same ``ws`` key, and the two become one when merged.)
"""

from __future__ import annotations

import streamlit as st

from govdecide.i18n import t
from govdecide.store import Store, StoreUnavailable, Stories, Workspace, database_url
from ui.state import initial_query

WS_PARAM = "ws"
STORY_PARAM = "story"
VIEW_PARAM = "view"
LINK_PARAMS = (WS_PARAM, STORY_PARAM, VIEW_PARAM)  # in the address, not slider settings
_LINKS = "_govdecide_story_links"


def _links() -> dict[str, str]:
    """This session's link values, read from the opening link on first use."""
    state = st.session_state
    if _LINKS not in state:
        query = initial_query()
        state[_LINKS] = {k: query[k] for k in LINK_PARAMS if isinstance(query.get(k), str)}
    return state[_LINKS]


def link_value(name: str) -> str | None:
    """The session's ``ws``, ``story`` or ``view`` (None when it has none)."""
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


@st.cache_resource(show_spinner=False)
def _open_store(url: str) -> Store:
    """The server's store for a database URL, opened (and migrated) once."""
    return Store.open(url)


def story_store(lang: str) -> Store | None:
    """The server's store, or None after saying why stories cannot be kept now."""
    try:
        return _open_store(database_url().render_as_string(hide_password=False))
    except StoreUnavailable as exc:
        st.error(exc.message(lang), icon=":material/cloud_off:")
        st.caption(t("story.store_needed", lang))
        return None


def current_workspace(store: Store, create: bool = False) -> Workspace | None:
    """The workspace of the link; with ``create``, a new one when there is none (its
    key joins the link at once)."""
    workspace = store.open_workspace(link_value(WS_PARAM))
    if workspace is None and create:
        workspace = store.create_workspace()
        set_link_value(WS_PARAM, workspace.key)
    return workspace


def current_stories(store: Store, create: bool = False) -> Stories | None:
    """The stories of the link's workspace (see :func:`current_workspace`)."""
    workspace = current_workspace(store, create)
    return None if workspace is None else Stories(workspace)
