"""The Story page's sections: choose or start a story, add the current setting as a step,
reorder, edit and delete steps.

Each change is one call of the store (:class:`govdecide.store.Stories`), then a rerun,
so what the page shows is always what the database holds (another window's change
included). A refused change (a limit, an empty title, a story deleted meanwhile) is said
in words, in the reader's language. The first story made starts the workspace: its key
joins the address, which is the way back to it.

A step is the current setting of the Allocate page's sliders for the scenario picked in
the sidebar, cited by the hash of its scenario's text. That text is kept in the workspace
first, a bundled file's too: a story must still show what it was built on after the
bundled file changes with a new version of govdecide, in any browser, by any viewer,
after a restart.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import LANGS, fmt_num, localize, t
from govdecide.io.scenario import Scenario, display_names, scenario_to_yaml
from govdecide.store import (
    Focus,
    StepDraft,
    Store,
    Stories,
    Story,
    StoryStep,
    headline_figures,
)
from govdecide.store.story_records import FOCUS_CHARTS, Text
from govdecide.story.bundled import BundledStory, bundled_stories, load_story
from ui import controls, solving
from ui.messages import warn_problems
from ui.state import SCENARIO_DIR, Entry, label_of
from ui.story_view import file_hash, settings_line, step_scenario
from ui.story_workspace import STORY_PARAM, current_stories, link_value, set_link_value
from ui.text import md_escape

STORY_DIR = SCENARIO_DIR / "stories"
LANG_NAMES = {"en": "English", "zh": "中文"}
_FLASH = "_govdecide_story_build_flash"


def _say_later(exc: ScenarioError) -> None:
    """Keep a refusal to say after the rerun that follows every change."""
    st.session_state[_FLASH] = exc


def said_later(lang: str) -> None:
    """Say what the last change could not do (once)."""
    exc = st.session_state.pop(_FLASH, None)
    if exc is not None:
        warn_problems(exc, lang)


def text_inputs(label: str, value: Text, key: str, lang: str, area: bool = False) -> Text:
    """A text in both languages: one input per language, the empty ones left out."""
    given = value if isinstance(value, dict) else ({"en": value} if value else {})
    columns = st.columns(len(LANGS))
    out = {}
    for column, code in zip(columns, LANGS):
        widget = column.text_area if area else column.text_input
        text = widget(
            t("story.build.in_lang", lang, what=label, lang=LANG_NAMES.get(code, code)),
            value=given.get(code, ""),
            key=f"{key}:{code}",
            max_chars=1000 if area else 200,
        )
        if text.strip():
            out[code] = text
    return out


@st.cache_resource(show_spinner=False, max_entries=8)
def _example(path: str, mtime: float) -> BundledStory:
    """A bundled example story, read once per server and file version."""
    return load_story(Path(path), SCENARIO_DIR)


def examples() -> dict[str, BundledStory]:
    """The bundled example stories by key (a broken file is left out, not fatal)."""
    out = {}
    for key, path in bundled_stories(STORY_DIR).items():
        try:
            out[key] = _example(str(path), path.stat().st_mtime)
        except ScenarioError:
            continue
    return out


def _change(work: object, *args: object) -> object | None:
    """Run one change of the store; a refusal is kept to be said."""
    try:
        return work(*args)  # type: ignore[operator]
    except ScenarioError as exc:
        _say_later(exc)
        return None


def choose_story(store: Store, lang: str) -> tuple[Stories | None, Story | None]:
    """The story this page works on: picked from the workspace's, new, or an example."""
    stories = current_stories(store)
    infos = {info.id: info for info in stories.list()} if stories is not None else {}
    chosen = link_value(STORY_PARAM)
    if infos:
        ids = list(infos)
        widget = f"story_pick:{lang}"
        st.selectbox(
            t("story.build.pick", lang),
            ids,
            index=ids.index(chosen) if chosen in infos else 0,
            format_func=lambda k: (
                f"{localize(infos[k].title, lang)} "
                + t("story.build.n_steps", lang, n=fmt_num(infos[k].steps, lang))
            ),
            key=widget,
            on_change=lambda: set_link_value(STORY_PARAM, st.session_state.get(widget)),
        )
        if chosen not in infos:
            chosen = ids[0]
            set_link_value(STORY_PARAM, chosen)
    with st.expander(t("story.build.new", lang), expanded=not infos, icon=":material/add:"):
        with st.form(f"story_new:{lang}", clear_on_submit=True, border=False):
            title = text_inputs(t("story.build.title", lang), "", f"story_new_title:{lang}", lang)
            if st.form_submit_button(t("story.build.create", lang), type="primary"):
                _start(store, title, lang)
        example_form(store, lang)
    if stories is None or chosen not in infos:
        return stories, None
    return stories, stories.get(chosen)


def _start(store: Store, title: Text, lang: str, steps: Sequence[StepDraft] = ()) -> None:
    """Make a story (and the workspace, the first time), then show it; when the store
    cannot make the workspace, the app's message says so (shown with the next run)."""
    stories = current_stories(store, create=True, lang=lang)
    if stories is None:
        st.rerun()
    for step in {s.scenario_hash: s for s in steps}.values():
        _change(keep_bundled_text, stories, step.scenario_id, step.scenario_hash)
    story = _change(stories.create, title, steps)
    if story is not None:
        set_link_value(STORY_PARAM, story.id)  # type: ignore[attr-defined]
        st.rerun()


def keep_bundled_text(stories: Stories, stem: str, sha256: str) -> None:
    """Keep the text of the bundled scenario ``stem`` in the story's workspace when it is
    the text a step cites (nothing when the file is gone or says something else now).

    Steps cite a scenario by the hash of its text, and a new version of govdecide may
    change a bundled file: the kept copy is what the story then still shows.
    """
    path = SCENARIO_DIR / f"{stem}.yaml"
    if not path.is_file() or file_hash(str(path), path.stat().st_mtime) != sha256:
        return
    stories.workspace.save_scenario(
        path.read_text(encoding="utf-8"), label=path.name, origin="bundled"
    )


def example_form(store: Store, lang: str) -> None:
    """Copy a bundled example story into the workspace, to present or adapt."""
    found = examples()
    if not found:
        return
    st.markdown(f"**{t('story.build.example', lang)}**")
    keys = list(found)
    key = st.selectbox(
        t("story.build.example_pick", lang),
        keys,
        format_func=lambda k: localize(found[k].title, lang),
        key=f"story_example:{lang}",
    )
    if found[key].description is not None:
        st.caption(md_escape(localize(found[key].description, lang)))
    if st.button(t("story.build.example_copy", lang), key=f"story_example_copy:{lang}"):
        _start(store, found[key].draft.title, lang, found[key].draft.steps)


def _focus_options(scenario: Scenario | None, lang: str) -> dict[str, str]:
    """The focus a step may have, as ``kind:value`` codes with their labels."""
    out = {"": t("story.build.focus_none", lang)}
    out |= {f"chart:{c}": t(f"story.chart.{c}", lang) for c in FOCUS_CHARTS}
    if scenario is not None:
        names = display_names(scenario, lang)
        for district in scenario.districts:
            out[f"district:{district.id}"] = t(
                "story.build.focus_district", lang, district=names[district.id]
            )
    return out


def _focus_of(code: str) -> Focus | None:
    """The focus of a ``kind:value`` code ('' is none)."""
    kind, _, value = code.partition(":")
    return Focus(kind, value) if kind else None


def _code_of(focus: Focus | None) -> str:
    """The ``kind:value`` code of a focus."""
    return "" if focus is None else f"{focus.kind}:{focus.value}"


def step_words(
    key: str, lang: str, scenario: Scenario | None, step: StoryStep | None = None
) -> tuple[Text, Text, Focus | None]:
    """The title, caption and focus inputs of a step (filled in from ``step``)."""
    title = text_inputs(
        t("story.build.step_title", lang), step.title if step else "", f"{key}:title", lang
    )
    caption = text_inputs(
        t("story.build.caption", lang),
        step.caption if step else "",
        f"{key}:caption",
        lang,
        area=True,
    )
    options = _focus_options(scenario, lang)
    current = _code_of(step.focus) if step else ""
    codes = list(options) if current in options else [*options, current]
    code = st.selectbox(
        t("story.build.focus", lang),
        codes,
        index=codes.index(current),
        format_func=lambda c: options.get(c, c),
        key=f"{key}:focus",
    )
    return title, caption, _focus_of(code)


def current_option(stories: Stories, entry: Entry, scenario: Scenario, lang: str) -> StepDraft:
    """The current setting as a step without words: the scenario it cites (kept in the
    workspace first when it is not bundled), the sliders' settings and their figures."""
    specs = controls.control_specs(scenario, lang)
    settings = controls.settings_from_values(controls.current_values(entry.key, specs))
    if entry.path is not None:
        scenario_id, sha = entry.key, file_hash(str(entry.path), entry.path.stat().st_mtime)
        keep_bundled_text(stories, entry.path.stem, sha)
    else:
        stored = stories.workspace.save_scenario(
            scenario_to_yaml(scenario), label=label_of(entry, lang), origin="upload"
        )
        scenario_id, sha = stored.id, stored.sha256
    result, _exact = solving.best_result(entry.fingerprint, scenario, settings)
    return StepDraft("", scenario_id, sha, settings, figures=headline_figures(result))


def add_step_form(
    stories: Stories, story: Story, entry: Entry, scenario: Scenario, lang: str
) -> None:
    """Add the current setting (sidebar scenario, Allocate sliders) as the last step."""
    specs = controls.control_specs(scenario, lang)
    settings = controls.settings_from_values(controls.current_values(entry.key, specs))
    st.markdown(f"### {t('story.build.add', lang)}")
    st.caption(
        md_escape(
            t(
                "story.build.current",
                lang,
                scenario=label_of(entry, lang),
                settings=settings_line(scenario, settings, lang),
            )
        )
    )
    with st.form(f"story_add:{story.id}:{lang}", clear_on_submit=True):
        title, caption, focus = step_words(f"story_add:{story.id}:{lang}", lang, scenario)
        if st.form_submit_button(
            t("story.build.add_button", lang), type="primary", icon=":material/add_photo_alternate:"
        ):
            _add(stories, story, entry, scenario, (title, caption, focus), lang)


def _add(
    stories: Stories,
    story: Story,
    entry: Entry,
    scenario: Scenario,
    words: tuple[Text, Text, Focus | None],
    lang: str,
) -> None:
    """Store the new step (a refusal is said after the rerun)."""
    try:
        option = current_option(stories, entry, scenario, lang)
        title, caption, focus = words
        draft = StepDraft(
            title,
            option.scenario_id,
            option.scenario_hash,
            option.settings,
            caption,
            option.figures,
            focus,
        )
        stories.add_step(story.id, draft)
    except ScenarioError as exc:
        _say_later(exc)
    st.rerun()


def steps_list(stories: Stories, story: Story, lang: str) -> None:
    """Every step in order, each with its buttons: up, down, edit, delete."""
    st.markdown(f"### {t('story.build.steps', lang)}")
    if not story.steps:
        st.info(t("story.build.no_steps", lang))
        return
    for step in story.steps:
        _step_row(stories, story, step, lang)


def _step_row(stories: Stories, story: Story, step: StoryStep, lang: str) -> None:
    """One step: its number, title, caption and settings; move, edit, delete."""
    found = step_scenario(step, lambda sha: _stored_text(stories, sha))
    scenario = None if found is None else found[1]
    last = len(story.steps) - 1
    with st.container(border=True, key=f"story_step_{step.id}"):
        words, up, down, remove = st.columns([8, 1, 1, 1], vertical_alignment="center")
        heading = t(
            "story.build.step_heading",
            lang,
            n=fmt_num(step.position + 1, lang),
            title=localize(step.title, lang),
        )
        words.markdown(f"**{md_escape(heading)}**")
        if localize(step.caption, lang):
            words.markdown(md_escape(localize(step.caption, lang)))
        line = ""
        if scenario is not None:
            line = settings_line(scenario, step.settings, lang, step.plan)
        words.caption(
            md_escape(line or t("story.show.no_scenario", lang, scenario=step.scenario_id))
        )
        up.button(
            "",
            key=f"story_up_{step.id}",
            icon=":material/arrow_upward:",
            help=t("story.build.up", lang),
            disabled=step.position == 0,
            on_click=_change,
            args=(stories.move_step, story.id, step.id, step.position - 1),
        )
        down.button(
            "",
            key=f"story_down_{step.id}",
            icon=":material/arrow_downward:",
            help=t("story.build.down", lang),
            disabled=step.position == last,
            on_click=_change,
            args=(stories.move_step, story.id, step.id, step.position + 1),
        )
        remove.button(
            "",
            key=f"story_delete_{step.id}",
            icon=":material/delete:",
            help=t("story.build.delete_step", lang),
            on_click=_change,
            args=(stories.delete_step, story.id, step.id),
        )
        with st.expander(t("story.build.edit", lang), icon=":material/edit:"):
            with st.form(f"story_edit_{step.id}:{lang}", border=False):
                title, caption, focus = step_words(
                    f"story_edit_{step.id}:{lang}", lang, scenario, step
                )
                if st.form_submit_button(t("story.build.save", lang)):
                    _change(
                        lambda: stories.edit_step(
                            story.id, step.id, title=title, caption=caption, focus=focus
                        )
                    )
                    st.rerun()


def _stored_text(stories: Stories, sha256: str) -> str | None:
    """A scenario kept in the workspace, by hash."""
    found = stories.workspace.scenario_by_hash(sha256)
    return None if found is None else found.yaml


def story_settings(stories: Stories, story: Story, lang: str) -> None:
    """Rename the story, or delete it (after saying so)."""
    with st.expander(t("story.build.manage", lang), icon=":material/settings:"):
        with st.form(f"story_rename:{story.id}:{lang}", border=False):
            title = text_inputs(
                t("story.build.title", lang), story.title, f"story_rename:{story.id}:{lang}", lang
            )
            if st.form_submit_button(t("story.build.rename", lang)):
                _change(stories.rename, story.id, title)
                st.rerun()
        sure = st.checkbox(t("story.build.delete_sure", lang), key=f"story_sure:{story.id}")
        if st.button(
            t("story.build.delete", lang),
            disabled=not sure,
            key=f"story_delete:{story.id}",
            icon=":material/delete_forever:",
        ):
            _change(stories.delete, story.id)
            set_link_value(STORY_PARAM, None)
            st.rerun()
