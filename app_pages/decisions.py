"""The decision log: what this workspace decided, in order, never changed afterwards.

A decision is recorded on the Allocate or Compare page; here the log is listed, offered
as CSV, Excel (formula cells neutralised) and JSON, and put into the HTML report.
"""

from __future__ import annotations

import streamlit as st

from govdecide.i18n import t
from govdecide.present.result_tables import table_formats
from govdecide.present.workspace_tables import decision_log_table
from ui import workspace
from ui.state import current_lang
from ui.tables import number_columns
from ui.text import md_escape
from ui.workspace_view import log_downloads, report_with_log, scenario_labels

lang = current_lang()
st.title(t("ws.log.title", lang))
st.caption(t("ws.log.intro", lang))
problem = workspace.store_problem()
if problem is not None:
    st.warning(md_escape(problem.message(lang)), icon=":material/cloud_off:")
log = workspace.decisions()
if not log:
    st.info(t("ws.log.none", lang))
    st.stop()
labels = scenario_labels(lang)
table = decision_log_table(log, lang, labels)
st.dataframe(
    table, hide_index=True, width="stretch", column_config=number_columns(table_formats(table))
)
log_downloads(log, lang)
st.subheader(t("ws.log.report_title", lang))
st.caption(t("ws.log.report_help", lang))
report_with_log(log, labels, lang)
