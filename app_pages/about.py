"""About govdecide: what the app does, how the model decides, and how to read a result."""

from __future__ import annotations

import streamlit as st

from govdecide import MODEL_VERSION, __version__
from govdecide.i18n import t
from ui.state import current_lang

lang = current_lang()
st.title(t("app.about_page.title", lang))
st.markdown(t("app.about_page.what", lang))
st.subheader(t("app.about_page.model_title", lang))
st.markdown(t("app.about_page.model", lang))
st.subheader(t("app.about_page.read_title", lang))
st.markdown(t("app.about_page.read", lang))
st.caption(t("app.about_page.version", lang, version=__version__, model=MODEL_VERSION))
