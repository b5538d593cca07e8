"""Explore: the districts and what is known about them, the programs, and the sources."""

from __future__ import annotations

import streamlit as st

from govdecide.i18n import localize, t
from govdecide.present.scenario_tables import (
    district_profile_table,
    programs_table,
    sources_table,
)
from ui.explore_view import map_section
from ui.sidebar import require_scenario
from ui.state import current_lang
from ui.tables import LOCALIZED, number_columns
from ui.text import md_escape

lang = current_lang()
entry, scenario = require_scenario(lang)
st.title(t("app.explore.title", lang, name=md_escape(localize(scenario.name, lang))))
if scenario.description is not None:
    st.markdown(md_escape(localize(scenario.description, lang)))

map_section(scenario, entry, lang)

st.subheader(t("app.explore.districts", lang))
districts = district_profile_table(scenario, lang)
grouped = number_columns(  # digit grouping for every figure (1,106,214)
    {col: LOCALIZED for col in districts.columns if col != t("app.col.district", lang)}
)
st.dataframe(districts, hide_index=True, width="stretch", column_config=grouped)

st.subheader(t("app.explore.programs", lang))
st.caption(t("app.explore.programs_note", lang))
st.dataframe(programs_table(scenario, lang), hide_index=True, width="stretch")

st.subheader(t("app.explore.sources", lang))
if scenario.indicators:
    st.dataframe(sources_table(scenario, lang), hide_index=True, width="stretch")
else:
    st.info(t("app.explore.no_sources", lang))
if scenario.attribution is not None:
    st.caption(md_escape(localize(scenario.attribution, lang)))
