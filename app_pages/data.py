"""Your data: upload a scenario file, build one from a spreadsheet, edit one in tables.

The three tabs are drawn by :mod:`ui.data_view`; a message kept from the run that added a
scenario (the app reruns after each) shows above them once.
"""

from __future__ import annotations

import streamlit as st

from govdecide.i18n import t
from ui.data_view import edit_section, show_flash, table_section, upload_section
from ui.map_import import map_section
from ui.state import current_lang

lang = current_lang()
st.title(t("io.data.title", lang))
st.caption(t("io.data.intro", lang))
show_flash()
tab_upload, tab_table, tab_edit = st.tabs(
    [t("io.data.tab_upload", lang), t("io.data.tab_table", lang), t("io.data.tab_edit", lang)]
)
with tab_upload:
    upload_section(lang)
with tab_table:
    table_section(lang)
with tab_edit:
    edit_section(lang)
map_section(lang)  # your own map (issue 16), below the tabs
