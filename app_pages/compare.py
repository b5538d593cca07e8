"""Compare options: save the current settings as named snapshots and compare two by district.

An options file comes from anywhere (a colleague, an old version, a hand edit), so nothing
in it may end in a traceback: the reader's own errors are refused in words, and a file is
taken only when every option in it can be shown (:func:`showable`); the comparison itself
is drawn inside a guard as a last line of defence (:func:`guarded`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

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
from ui.tables import LOCALIZED, PERCENT, number_columns
from ui.text import bullet_list, md_escape

MAX_UPLOAD_MB = 5
_SNAPSHOTS = "_an_snapshots"
_LOG = logging.getLogger(__name__)


def saved_columns(lang: str) -> dict[str, object]:
    """Display formats of the saved-options table (grouped money, shares as percent)."""
    return number_columns(
        {
            t("an.cmp.col_budget", lang): LOCALIZED,
            t("an.cmp.col_lam", lang): "%.2f",
            t("an.col.efficiency", lang): PERCENT,
            t("an.col.equity", lang): PERCENT,
            t("an.col.spend", lang): LOCALIZED,
        }
    )


def side_by_side_columns(lang: str) -> dict[str, object]:
    """Display formats of the side-by-side table: units, money and coverage of A, B, B − A."""
    formats = {}
    for x in ("A", "B", t("an.cmp.diff", lang)):
        formats[t("an.cmp.units", lang, x=x)] = "%.2f"
        formats[t("an.cmp.spend", lang, x=x)] = LOCALIZED
        formats[t("an.cmp.coverage", lang, x=x)] = PERCENT
    return number_columns(formats)


def indicator_columns(labels: Sequence[str]) -> dict[str, object]:
    """Display format of the equity indicators (indices, not shares): three decimals."""
    return number_columns(dict.fromkeys(labels, "%.3f"))


def showable(snaps: Sequence[an.Snapshot], names: dict[str, str], lang: str) -> bool:
    """True when every option can be shown and compared: its headline, its row of the
    saved table, and its comparison with itself (sentence, chart, tables) all build.

    A file that passes the reader can still hold values of the wrong type or shape (a
    list as a name, text as a share, a district twice); probing here keeps such a file
    out of the session, where it would break the page on every run.
    """
    try:
        saved_options_table(snaps, lang)
        an.snapshots_to_json(snaps)
        for snap in snaps:
            if not isinstance(snap.name, str):
                return False
            snapshot_headline(snap, lang)
            if snap.districts.empty:
                continue
            frame = an.compare(snap, snap)
            an.compare_sentence(frame, snap.name, snap.name, names, lang)
            difference_chart(frame, names, snap.name, snap.name, lang).to_dict()
            comparison_table(frame, names, lang)
            comparison_indicator_table(snap, snap, lang)
    except Exception:  # noqa: BLE001 - any failure means "cannot be shown": refuse the file
        _LOG.info("options file refused: an option cannot be shown", exc_info=True)
        return False
    return True


def read_options(data: bytes, lang: str) -> list[an.Snapshot] | None:
    """The options of an uploaded file, or None after saying why it was refused."""
    try:
        return an.snapshots_from_json(data.decode("utf-8"))
    except ScenarioError as exc:
        st.warning(t("an.cmp.bad_file", lang))
        st.markdown(bullet_list(exc.messages(lang)))
    except ValueError:  # the reader's refusal (bad JSON, bad text encoding, bad shape)
        st.warning(t("an.cmp.bad_file", lang))
    except Exception:  # noqa: BLE001 - a reader bug must not become a trace on a user's file
        _LOG.warning("options file: the reader failed", exc_info=True)
        st.warning(t("an.cmp.bad_file", lang))
    return None


def load_upload(snaps: list[an.Snapshot], names: dict[str, str], lang: str) -> None:
    """The file uploader: a new, readable file whose options can all be shown joins
    ``snaps`` (options of the same name are replaced)."""
    upload = st.file_uploader(t("an.cmp.upload", lang), type=["json"], key="an_cmp_upload")
    if upload is None or st.session_state.get("an_cmp_loaded") == upload.file_id:
        return
    st.session_state["an_cmp_loaded"] = upload.file_id
    if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
        st.warning(t("an.cmp.too_big", lang, mb=MAX_UPLOAD_MB))
        return
    loaded = read_options(upload.getvalue(), lang)
    if loaded is None:
        return
    if not showable(loaded, names, lang):
        st.warning(t("an.cmp.bad_file", lang))
        return
    names_loaded = {s.name for s in loaded}
    snaps[:] = [s for s in snaps if s.name not in names_loaded] + loaded
    st.success(t("an.cmp.loaded", lang, n=len(loaded)))


def guarded(draw: Callable[[], None], lang: str) -> None:
    """Draw a part of the page; if it fails anyway, say so instead of showing a trace."""
    try:
        draw()
    except Exception:  # noqa: BLE001 - the last line of defence against a file's values
        _LOG.warning("compare page: a part could not be shown", exc_info=True)
        st.warning(t("app.cmp.cannot_show", lang))


def show_comparison(a: an.Snapshot, b: an.Snapshot, names: dict[str, str], lang: str) -> None:
    """Headlines of A and B, then by district: a sentence, a chart and two tables."""
    st.markdown(
        md_escape(snapshot_headline(a, lang)) + "  \n" + md_escape(snapshot_headline(b, lang))
    )
    if a.districts.empty or b.districts.empty:
        return
    frame = an.compare(a, b)
    sentence = an.compare_sentence(frame, a.name, b.name, names, lang)
    st.info(md_escape(sentence))
    if sentence != t("an.cmp.same", lang, a=a.name, b=b.name):  # else no bar to draw
        st.altair_chart(difference_chart(frame, names, a.name, b.name, lang), width="stretch")
    st.subheader(t("an.cmp.table", lang))
    st.dataframe(
        comparison_table(frame, names, lang),
        hide_index=True,
        width="stretch",
        column_config=side_by_side_columns(lang),
    )
    indicators = comparison_indicator_table(a, b, lang)
    if indicators is not None:
        st.subheader(t("an.trade.indicators", lang))
        st.dataframe(
            indicators,
            hide_index=True,
            width="stretch",
            column_config=indicator_columns(list(indicators.columns[1:-1])),
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
        stop_on_problems(exc, lang)
    snap = an.snapshot(name, settings, result, scenario=scenario_name)
    if any(s.name == name for s in snaps):
        st.info(t("an.cmp.exists", lang))
        snaps[:] = [s for s in snaps if s.name != name]
    snaps.append(snap)
    st.success(t("an.cmp.saved", lang, name=md_escape(name)))

load_upload(snaps, names, lang)

if not snaps:
    st.info(t("an.cmp.none", lang))
    st.stop()

st.subheader(t("an.cmp.saved_title", lang))
guarded(
    lambda: st.dataframe(
        saved_options_table(snaps, lang),
        hide_index=True,
        width="stretch",
        column_config=saved_columns(lang),
    ),
    lang,
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
guarded(lambda: show_comparison(a, b, names, lang), lang)
