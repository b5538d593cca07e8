"""The sidebar every page shares: scenario picker, language switch, about this scenario.

Also :func:`sync_url`, which keeps the address bar a shareable link to the current view
(scenario, language, slider values), and :func:`require_scenario` for pages that need a
scenario that loads.
"""

from __future__ import annotations

import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import LANGS, localize, t
from govdecide.io.scenario import Scenario
from govdecide.present.scenario_tables import source_lines
from ui import controls
from ui.messages import stop_on_problems
from ui.state import (
    LANG_KEY,
    SCENARIO_KEY,
    Entry,
    current_entry,
    current_scenario,
    current_scenario_key,
    entries,
    initial_query,
    label_of,
    set_page_query,
    sync_query_params,
)
from ui.text import md_escape

LANG_NAMES = {"en": "English", "zh": "中文"}


def render_sidebar(lang: str) -> None:
    """Draw the picker, the language switch and the scenario's description and sources."""
    known = entries()
    keys = list(known)
    current = current_scenario_key()
    with st.sidebar:
        lang_widget = f"lang_switch:{lang}"
        st.segmented_control(
            t("app.sidebar.language", lang),
            options=list(LANGS),
            default=lang,
            format_func=lambda code: LANG_NAMES.get(code, code),
            key=lang_widget,
            required=True,
            on_change=_copy_choice,
            args=(lang_widget, LANG_KEY),
        )
        picker = f"scenario_picker:{lang}:{current}"
        st.selectbox(
            t("app.sidebar.scenario", lang),
            options=keys,
            index=keys.index(current) if current in keys else 0,
            format_func=lambda key: label_of(known[key], lang) if key in known else key,
            key=picker,
            help=t("app.sidebar.scenario_help", lang),
            on_change=_copy_choice,
            args=(picker, SCENARIO_KEY),
        )
        try:
            with st.spinner(t("app.sidebar.loading", lang)):
                scenario = current_scenario()
        except ScenarioError as exc:
            st.error(t("app.sidebar.scenario_broken", lang))
            for message in exc.messages(lang):
                st.caption(md_escape(message))
            return
        about_scenario(scenario, current_entry(), lang)


def _copy_choice(widget_key: str, choice_key: str) -> None:
    """Widget callback: copy the widget's new value to the session's choice key.

    Widget keys include the language and the current value, so a new label never meets
    stale widget state; the choice itself lives under a plain key (see ui.state).
    """
    value = st.session_state.get(widget_key)
    if value is not None:
        st.session_state[choice_key] = value


def about_scenario(scenario: Scenario, entry: Entry, lang: str) -> None:
    """Description, data sources (with illustrative flags) and attribution of a scenario."""
    with st.expander(t("app.about.title", lang), expanded=False):
        if scenario.description is not None:
            st.markdown(md_escape(localize(scenario.description, lang)))
        st.caption(
            t(
                "app.about.size",
                lang,
                districts=len(scenario.districts),
                programs=len(scenario.programs),
            )
        )
        if scenario.currency is not None:
            currency = md_escape(localize(scenario.currency, lang))
            st.caption(t("app.about.currency", lang, currency=currency))
        if scenario.indicators:
            st.markdown("**" + t("app.about.sources", lang) + "**")
            for line in source_lines(scenario, lang):
                st.caption(md_escape(line))
        if scenario.attribution is not None:
            st.markdown("**" + t("app.about.attribution", lang) + "**")
            st.caption(md_escape(localize(scenario.attribution, lang)))
        if entry.path is None:
            st.caption(t("app.about.uploaded", lang))


def sync_url(lang: str) -> None:
    """Make the address bar a link to this view: scenario, language, slider values."""
    key = current_scenario_key()
    try:
        scenario = current_scenario()
    except ScenarioError:
        set_page_query({})
        sync_query_params()
        return
    specs = controls.control_specs(scenario, lang)
    controls.seed_from_url(key, specs, initial_query())
    values = controls.current_values(key, specs)
    set_page_query(controls.query_from_values(specs, values))
    sync_query_params()


def require_scenario(lang: str) -> tuple[Entry, Scenario]:
    """The current scenario for a page; a broken file is shown and the page stops."""
    try:
        return current_entry(), current_scenario()
    except ScenarioError as exc:
        st.error(t("app.sidebar.scenario_broken", lang))
        stop_on_problems(exc, lang)
