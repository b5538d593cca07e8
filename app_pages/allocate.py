"""Allocate: move the workshop sliders and see the best allocation, explained."""

from __future__ import annotations

import streamlit as st

from govdecide.i18n import localize, t
from ui.allocate_view import allocate_fragment
from ui.messages import one_year_note
from ui.sidebar import require_scenario
from ui.state import current_lang
from ui.text import md_escape

lang = current_lang()
entry, scenario = require_scenario(lang)
st.title(t("app.alloc.title", lang, name=md_escape(localize(scenario.name, lang))))
st.caption(t("app.alloc.intro", lang))
one_year_note(scenario.policy.years, lang)
allocate_fragment(entry, scenario, lang)
