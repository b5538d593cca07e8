"""Compare options: save the current settings as named snapshots and compare two by district."""

from __future__ import annotations

import streamlit as st

from govdecide import analyses as an
from govdecide.errors import ScenarioError
from govdecide.i18n import localize, t
from govdecide.present.analysis_charts import difference_chart
from govdecide.present.analysis_tables import (
    comparison_indicator_table,
    comparison_table,
    saved_options_table,
    snapshot_headline,
)
from ui import analysis_page, solving
from ui.messages import stop_on_problems
from ui.tables import PERCENT, number_columns
from ui.text import md_escape

MAX_UPLOAD_MB = 5
_SNAPSHOTS = "_an_snapshots"

page = analysis_page.start("an.cmp.title", "an.cmp.intro", time_limit=False)
lang, entry, scenario, names = page.lang, page.entry, page.scenario, page.names
settings = page.settings
scenario_name = localize(scenario.name, lang)

store: dict[str, list[an.Snapshot]] = st.session_state.setdefault(_SNAPSHOTS, {})
snaps = store.setdefault(entry.fingerprint, [])

with st.form("an_save", clear_on_submit=True, border=True):
    name = st.text_input(
        t("an.cmp.name", lang),
        max_chars=60,
        placeholder=t("an.cmp.name_hint", lang),
        key="an_cmp_name",
    )
    saved = st.form_submit_button(t("an.cmp.save", lang), type="primary", key="an_cmp_save")
if saved:
    name = name.strip() or t("an.cmp.default_name", lang, n=len(snaps) + 1)
    try:
        with st.spinner(t("an.page.computing", lang), show_time=True):
            result = solving.solve(entry.fingerprint, scenario, solving.interactive(settings))
    except ScenarioError as exc:
        stop_on_problems(exc, lang)
    snap = an.snapshot(name, settings, result, scenario=scenario_name)
    if any(s.name == name for s in snaps):
        st.info(t("an.cmp.exists", lang))
        snaps[:] = [s for s in snaps if s.name != name]
    snaps.append(snap)
    st.success(t("an.cmp.saved", lang, name=md_escape(name)))

upload = st.file_uploader(t("an.cmp.upload", lang), type=["json"], key="an_cmp_upload")
if upload is not None and st.session_state.get("an_cmp_loaded") != upload.file_id:
    st.session_state["an_cmp_loaded"] = upload.file_id
    if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
        st.warning(t("an.cmp.too_big", lang, mb=MAX_UPLOAD_MB))
    else:
        try:
            loaded = an.snapshots_from_json(upload.getvalue().decode("utf-8"))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            st.warning(t("an.cmp.bad_file", lang))
        else:
            names_loaded = {s.name for s in loaded}
            snaps[:] = [s for s in snaps if s.name not in names_loaded] + loaded
            st.success(t("an.cmp.loaded", lang, n=len(loaded)))

if not snaps:
    st.info(t("an.cmp.none", lang))
    st.stop()

st.subheader(t("an.cmp.saved_title", lang))
st.dataframe(
    saved_options_table(snaps, lang),
    hide_index=True,
    width="stretch",
    column_config=number_columns(
        {t("an.col.efficiency", lang): PERCENT, t("an.col.equity", lang): PERCENT}
    ),
)
c1, c2 = st.columns(2)
with c1:
    st.download_button(
        t("an.cmp.download", lang),
        data=an.snapshots_to_json(snaps),
        file_name="govdecide-options.json",
        mime="application/json",
        key="an_cmp_download",
    )
with c2:
    if st.button(t("an.cmp.clear", lang), key="an_cmp_clear"):
        snaps.clear()
        st.rerun()

if len(snaps) < 2:
    st.info(t("an.cmp.need_two", lang))
    st.stop()

labels = [s.name for s in snaps]
c1, c2 = st.columns(2)
with c1:
    a_name = st.selectbox(t("an.cmp.a", lang), labels, index=len(labels) - 2, key="an_cmp_a")
with c2:
    b_name = st.selectbox(t("an.cmp.b", lang), labels, index=len(labels) - 1, key="an_cmp_b")
a = next(s for s in snaps if s.name == a_name)
b = next(s for s in snaps if s.name == b_name)
st.markdown(md_escape(snapshot_headline(a, lang)) + "  \n" + md_escape(snapshot_headline(b, lang)))
if a.districts.empty or b.districts.empty:
    st.stop()
frame = an.compare(a, b)
st.info(md_escape(an.compare_sentence(frame, a.name, b.name, names, lang)))
st.altair_chart(difference_chart(frame, names, a.name, b.name, lang), width="stretch")
st.subheader(t("an.cmp.table", lang))
st.dataframe(comparison_table(frame, names, lang), hide_index=True, width="stretch")
indicators = comparison_indicator_table(a, b, lang)
if indicators is not None:
    st.subheader(t("an.trade.indicators", lang))
    st.dataframe(indicators, hide_index=True, width="stretch")
