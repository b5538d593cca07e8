"""The Explore page's map: the districts coloured by a chosen indicator.

The tables beside it (districts, programs, sources) are built by
:mod:`govdecide.present.scenario_tables`; this module keeps what needs the session.
"""

from __future__ import annotations

import streamlit as st

from govdecide.i18n import fmt_num, localize, t
from govdecide.io.scenario import Scenario
from govdecide.present.scenario_tables import (
    indicator_label,
    indicator_options,
    indicator_values,
    value_format,
)
from ui.maps import district_map, unmatched_features
from ui.state import Entry
from ui.text import md_escape


def map_section(scenario: Scenario, entry: Entry, lang: str) -> None:
    """The map coloured by a chosen indicator, with population on hover."""
    options = indicator_options(scenario)
    # the choice is kept under its own key: the widget's label changes with the language,
    # which would otherwise reset it to the first option
    # (the index is fixed when the widget is created: a changing index would make it a
    # new widget and lose the user's next choice)
    chosen_key = f"_govdecide_explore_choice:{entry.key}"
    widget_key = f"explore_indicator:{entry.key}:{lang}"
    first = st.session_state.setdefault("_govdecide_explore_first", {})
    if widget_key not in st.session_state:
        chosen = st.session_state.get(chosen_key, options[0])
        first[widget_key] = options.index(chosen) if chosen in options else 0
    key = st.selectbox(
        t("app.explore.colour_by", lang),
        options,
        index=first.get(widget_key, 0),
        format_func=lambda k: indicator_label(scenario, k, lang),
        key=widget_key,
    )
    st.session_state[chosen_key] = key
    label = indicator_label(scenario, key, lang)
    values = indicator_values(scenario, key)
    population = {d.id: fmt_num(d.population, lang) for d in scenario.districts}
    chart = district_map(
        scenario,
        entry,
        values,
        lang,
        title=t("app.chart.indicator_title", lang, indicator=label),
        value_title=label,
        value_format=value_format(scenario, key, values),
        extra={t("app.explore.population", lang): population},
    )
    if chart is None:
        st.info(t("app.explore.no_map", lang))
        return
    st.altair_chart(chart, width="content")
    missing = unmatched_features(scenario, entry)
    if missing:
        st.warning(md_escape(t("app.explore.unmatched", lang, names=", ".join(missing))))
    if scenario.map is not None and scenario.attribution is not None:
        st.caption(md_escape(localize(scenario.attribution, lang)))
