"""Compare options: save the current settings as named snapshots and compare two by district."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from govdecide import analyses as an
from govdecide.analyses import equity_indices
from govdecide.errors import ScenarioError
from govdecide.i18n import fmt_num, fmt_pct, localize, t
from govdecide.present.analysis_charts import difference_chart
from ui import analysis_page, solving
from ui.text import md_escape

MAX_UPLOAD_MB = 5
_SNAPSHOTS = "_an_snapshots"


def headline(s: an.Snapshot, lang: str) -> str:
    """One line on a snapshot: need served, worst-served district, spend."""
    if s.efficiency is None:
        return t("an.cmp.no_solution", lang, name=s.name, status=s.status)
    return t(
        "an.cmp.headline",
        lang,
        name=s.name,
        e=fmt_pct(s.efficiency, lang, 2),
        z=fmt_pct(s.equity, lang),
        spend=fmt_num(s.spend, lang),
    )


def saved_table(snaps: list[an.Snapshot], lang: str) -> pd.DataFrame:
    """The saved options as a table."""
    return pd.DataFrame(
        {
            t("an.cmp.col_name", lang): [s.name for s in snaps],
            t("an.cmp.col_budget", lang): [s.budget for s in snaps],
            t("an.cmp.col_lam", lang): [s.settings.get("equity_weight") for s in snaps],
            t("an.col.efficiency", lang): [s.efficiency for s in snaps],
            t("an.col.equity", lang): [s.equity for s in snaps],
            t("an.col.spend", lang): [s.spend for s in snaps],
        }
    )


def side_by_side(frame: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """The comparison frame under readable headings, districts by name."""
    out = pd.DataFrame({t("an.page.district", lang): [names.get(d, d) for d in frame["district"]]})
    for col, key in (
        ("units", "an.cmp.units"),
        ("spend", "an.cmp.spend"),
        ("coverage", "an.cmp.coverage"),
    ):
        for suffix, label in (("a", "A"), ("b", "B"), ("diff", t("an.cmp.diff", lang))):
            out[t(key, lang, x=label)] = frame[f"{col}_{suffix}"].to_numpy()
    return out


def indicator_frame(a: an.Snapshot, b: an.Snapshot, lang: str) -> pd.DataFrame | None:
    """Equity indicators of A and B (population-weighted), or None for old files."""
    tables = [equity_indices.indicators_table(s.districts) for s in (a, b)]
    if any(tab.empty for tab in tables):
        return None
    ta, tb = (tab.set_index("indicator") for tab in tables)
    return pd.DataFrame(
        {
            t("an.trade.ind_name", lang): [
                equity_indices.indicator_name(n, lang) for n in ta.index
            ],
            t("an.trade.ind_before", lang): ta["before"].to_numpy(),
            a.name: ta["after"].to_numpy(),
            b.name if b.name != a.name else f"{b.name} (B)": tb["after"].to_numpy(),
            t("an.trade.ind_meaning", lang): [equity_indices.explain(n, lang) for n in ta.index],
        }
    )


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
        for message in exc.messages(lang):
            st.warning(md_escape(message))
        st.stop()
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
    saved_table(snaps, lang),
    hide_index=True,
    width="stretch",
    column_config={
        t("an.col.efficiency", lang): st.column_config.NumberColumn(format="percent"),
        t("an.col.equity", lang): st.column_config.NumberColumn(format="percent"),
    },
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
st.markdown(md_escape(headline(a, lang)) + "  \n" + md_escape(headline(b, lang)))
if a.districts.empty or b.districts.empty:
    st.stop()
frame = an.compare(a, b)
st.info(md_escape(an.compare_sentence(frame, a.name, b.name, names, lang)))
st.altair_chart(difference_chart(frame, names, a.name, b.name, lang), width="stretch")
st.subheader(t("an.cmp.table", lang))
st.dataframe(side_by_side(frame, names, lang), hide_index=True, width="stretch")
indicators = indicator_frame(a, b, lang)
if indicators is not None:
    st.subheader(t("an.trade.indicators", lang))
    st.dataframe(indicators, hide_index=True, width="stretch")
