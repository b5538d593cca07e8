"""Story mode of the Present page, and the participants' viewer that follows it.

On Present, a trainer whose workspace holds stories picks one (or the current setting, as
before). The story's current step is kept in the store (:meth:`Stories.present`): the
trainer moves it with the Previous and Next buttons or the keyboard's left and right
arrow keys (the buttons' own shortcuts, a Streamlit feature, so no script of ours runs
in the page), and a reload, a second screen and every viewer show the same step.

The viewer page reads one number a few seconds apart (the story's revision, in a
fragment that reruns itself, ``st.fragment(run_every=...)``) and redraws the page only
when it changed: the trainer moved, edited a caption or stopped presenting.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import fmt_num, localize, t
from govdecide.io.report import build_report
from govdecide.store import Store, Stories, Story, StoryViewer, open_viewer
from govdecide.story.report_section import story_report_part
from ui import rendering
from ui.maps import topology_for
from ui.messages import warn_problems
from ui.story_view import StoredText, show_step, solve_steps
from ui.story_workspace import (
    STORY_PARAM,
    VIEW_PARAM,
    WS_PARAM,
    current_stories,
    link_value,
    set_link_value,
    story_store,
)
from ui.text import md_escape

POLL_S = 2.0  # a viewer looks for the trainer's move this often
VIEWER_PAGE = "story_viewer"  # the viewer page's URL path (app.py)
_FLASH = "_govdecide_story_present_flash"


def viewer_url(token: str, lang: str) -> str:
    """The viewer link: this server's address, the viewer page and the token only."""
    try:
        here = urlsplit(st.context.url or "")
    except Exception:  # noqa: BLE001 - no browser context (tests, bare mode)
        here = urlsplit("")
    base = f"{here.scheme}://{here.netloc}" if here.scheme and here.netloc else ""
    return f"{base}/{VIEWER_PAGE}?{urlencode({VIEW_PARAM: token, 'lang': lang})}"


def _move(stories: Stories, story_id: str, delta: int) -> None:
    """Button callback: show the step ``delta`` places on (kept in the store)."""
    try:
        stories.move_by(story_id, delta)
    except ScenarioError as exc:
        st.session_state[_FLASH] = exc


def _stop(stories: Stories, story_id: str) -> None:
    """Button callback: stop presenting (the viewer link shows nothing) and leave story
    mode."""
    try:
        stories.stop(story_id)
    except ScenarioError as exc:
        st.session_state[_FLASH] = exc
    set_link_value(STORY_PARAM, None)


def _pick(widget: str) -> None:
    """Picker callback: the chosen story (or none: the current setting) joins the link."""
    set_link_value(STORY_PARAM, st.session_state.get(widget) or None)


def story_picker(stories: Stories, lang: str) -> str | None:
    """What Present shows: the current setting, or one of the workspace's stories."""
    infos = {info.id: info for info in stories.list()}
    if not infos:
        return None
    chosen = link_value(STORY_PARAM)
    if chosen is not None and chosen not in infos:  # deleted meanwhile: the link forgets it
        set_link_value(STORY_PARAM, None)
    options = ["", *infos]
    widget = f"present_story:{lang}"
    st.selectbox(
        t("story.present.show", lang),
        options,
        index=options.index(chosen) if chosen in infos else 0,
        format_func=lambda key: (
            localize(infos[key].title, lang)
            if key in infos
            else t("story.present.current_setting", lang)
        ),
        key=widget,
        on_change=_pick,
        args=(widget,),
    )
    return chosen if chosen in infos else None


def present_story(stories: Stories, story_id: str, lang: str) -> None:
    """The story's current step with the buttons that move it, and the viewer link."""
    flash = st.session_state.pop(_FLASH, None)
    if flash is not None:
        warn_problems(flash, lang)
    shown = stories.presentation(story_id)
    if shown is None or not shown.shared:
        shown = stories.present(story_id)
    story = stories.get(story_id)
    if story is None or shown.position is None:
        st.info(t("story.present.no_steps", lang), icon=":material/info:")
        st.page_link("app_pages/story.py", label=t("story.present.build", lang))
        return
    position, total = shown.position, len(story.steps)
    back, where, on = st.columns([1, 2, 1], vertical_alignment="center")
    back.button(
        t("story.present.previous", lang),
        key="story_prev",
        icon=":material/arrow_back:",
        on_click=_move,
        args=(stories, story_id, -1),
        disabled=position == 0,
        shortcut="Left",
        width="stretch",
    )
    where.markdown(
        t("story.present.where", lang, n=fmt_num(position + 1, lang), total=fmt_num(total, lang))
    )
    on.button(
        t("story.present.next", lang),
        key="story_next",
        icon=":material/arrow_forward:",
        on_click=_move,
        args=(stories, story_id, 1),
        disabled=position >= total - 1,
        shortcut="Right",
        width="stretch",
        type="primary",
    )
    workspace_text = stories_text(stories)
    show_step(story, position, lang, workspace_text)
    with st.expander(t("story.present.report", lang), icon=":material/description:"):
        story_report(story, position, lang, workspace_text)
    with st.expander(t("story.present.viewers", lang), icon=":material/groups:"):
        st.caption(t("story.present.viewers_help", lang, seconds=fmt_num(POLL_S, lang)))
        st.code(viewer_url(stories.viewer_token(story_id), lang), language=None)
        st.button(
            t("story.present.stop", lang),
            key="story_stop",
            on_click=_stop,
            args=(stories, story_id),
        )


def story_report(story: Story, position: int, lang: str, stored_text: StoredText) -> None:
    """The HTML report of the step shown, with the whole story as its last section ("the
    story we told"); made on request and drawn in the worker process (its charts)."""
    st.caption(t("story.present.report_help", lang))
    if not st.button(t("story.present.report_make", lang), key="story_report"):
        return
    shown = solve_steps(story.steps, stored_text)
    part = story_report_part(story.title, [s.solved for s in shown], lang)
    solved, entry = shown[position].solved, shown[position].entry
    if part is None or solved.outcome is None or solved.scenario is None or entry is None:
        st.warning(t("story.present.report_none", lang))
        return
    with st.spinner(t("story.present.report_making", lang)):
        page, _ = rendering.in_worker(
            build_report, solved.scenario, solved.step.settings, lang, entry.key,
            solved.outcome.result, None, (part,), topology_for(solved.scenario, entry),
        )  # fmt: skip
    st.download_button(
        t("story.present.report_download", lang),
        data=page.encode("utf-8"),
        file_name=f"story-{story.id}-report.html",
        mime="text/html",
        key="story_report_file",
        on_click="ignore",
        type="primary",
    )


def stories_text(stories: Stories) -> StoredText:
    """The workspace's stored scenario texts by hash (for steps of uploaded scenarios)."""

    def text(sha256: str) -> str | None:
        found = stories.workspace.scenario_by_hash(sha256)
        return None if found is None else found.yaml

    return text


def story_mode(lang: str) -> bool:
    """On Present: draw the chosen story and return True, or return False (the page then
    shows the current setting as before; so it does without a workspace or a store)."""
    if link_value(WS_PARAM) is None:
        return False
    store = story_store(lang)
    stories = None if store is None else current_stories(store)
    if stories is None:
        return False
    story_id = story_picker(stories, lang)
    if story_id is None:
        return False
    present_story(stories, story_id, lang)
    return True


# -- the viewer ------------------------------------------------------------------------


def _revision(store: Store, token: str | None) -> int | None:
    """The followed story's revision now (None: not presented, or no such link)."""
    viewer = open_viewer(store, token)
    return None if viewer is None else viewer.revision()


@st.fragment(run_every=POLL_S)
def follow(store: Store, token: str | None, shown: int | None) -> None:
    """Every :data:`POLL_S` seconds: redraw the page when the story moved."""
    if _revision(store, token) != shown:
        st.rerun()


def viewer_page(lang: str) -> None:
    """A participant's screen: the presented step, read-only, following the trainer."""
    store = story_store(lang)
    if store is None:
        return
    token = link_value(VIEW_PARAM)
    viewer: StoryViewer | None = open_viewer(store, token)
    state = None if viewer is None else viewer.state()
    if state is None or state.presentation.position is None:
        key = "story.view.no_link" if token is None else "story.view.waiting"
        st.info(t(key, lang), icon=":material/hourglass_empty:")
        follow(store, token, None if state is None else state.story.revision)
        return
    st.caption(md_escape(t("story.view.following", lang, seconds=fmt_num(POLL_S, lang))))
    show_step(state.story, state.presentation.position, lang, viewer.scenario_text)
    follow(store, token, state.story.revision)
