"""The plan's downloads: on the "Plan over years" page, and again on the Downloads page.

The allocation by year as CSV and the workbook (a sheet per view) are made at once, from
:mod:`govdecide.io.plan_export`; the HTML report draws four charts with vl-convert, so it
is made on request, in the worker process (:func:`ui.rendering.in_worker`: the server
keeps answering), and cached by scenario version, both settings' keys and language.
The plan page calls :func:`show_downloads` with one line (everything sits in one
expander under the plan); it also notes which plan it showed, per scenario, under a key
of the session's own (Streamlit drops the plan sliders' state on a page that does not
draw them), so that the Downloads page can offer the same plan's files
(:func:`show_last_plan`), solved again from the plan page's cache.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import streamlit as st

from govdecide.i18n import fmt_num, t
from govdecide.io.exports import csv_bytes
from govdecide.io.plan_export import plan_allocation_sheet, plan_workbook
from govdecide.io.plan_report import build_plan_report
from govdecide.io.scenario import Scenario
from govdecide.model.settings import Settings
from govdecide.model.years import PlanResult, PlanSettings
from ui import rendering

if TYPE_CHECKING:  # the worker process imports this module: no page helpers in it
    from ui.analysis_page import AnalysisPage
    from ui.state import Entry

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHOWN = "_govdecide_plan_shown"  # scenario key -> (fingerprint, settings key, plan key)


def plan_report_bytes(
    scenario: Scenario, key: str, plan_key: str, lang: str, source: str, result: PlanResult
) -> bytes:
    """The plan's HTML report as bytes (run in the worker process: it draws the charts)."""
    page, _ = build_plan_report(
        scenario,
        Settings.from_key(key),
        PlanSettings.from_dict(json.loads(plan_key)),
        lang,
        source=source,
        result=result,
    )
    return page.encode("utf-8")


@st.cache_data(show_spinner=False, max_entries=16)
def _report(
    fingerprint: str,
    key: str,
    plan_key: str,
    lang: str,
    source: str,
    _scenario: Scenario,
    _result: PlanResult,
) -> bytes:
    """The report, cached by scenario version, settings and language."""
    args = (_scenario, key, plan_key, lang, source, _result)
    return rendering.in_worker(plan_report_bytes, *args)


def show_downloads(
    page: AnalysisPage, result: PlanResult, settings: Settings, plan: PlanSettings
) -> None:
    """The plan page's downloads in one expander, and a note of the plan it shows."""
    entry = page.entry
    shown = st.session_state.setdefault(_SHOWN, {})
    shown[entry.key] = (entry.fingerprint, settings.key(), plan.key())
    with st.expander(t("plan.dl.title", page.lang), icon=":material/download:"):
        st.caption(t("plan.dl.intro", page.lang))
        _buttons(entry, page.scenario, result, settings, plan, page.lang, "plan_dl")


def show_last_plan(entry: Entry, scenario: Scenario, lang: str) -> None:
    """On the Downloads page: the files of the plan last shown on the plan page for this
    scenario (this version of it), or a line saying where to make one."""
    from ui import plan_view  # the page helpers, only where a page draws this

    st.subheader(t("plan.dl.title", lang))
    noted = st.session_state.get(_SHOWN, {}).get(entry.key)
    if noted is None or noted[0] != entry.fingerprint:
        st.caption(t("plan.dl.none_yet", lang))
        return
    _, key, plan_key = noted
    plan = PlanSettings.from_dict(json.loads(plan_key))
    with st.spinner(t("plan.page.solving", lang)):
        result = plan_view.solve_cached(entry.fingerprint, key, plan_key, scenario)
    years = fmt_num(result.years, lang)
    st.caption(t("plan.dl.last", lang, years=years, status=result.status_text(lang)))
    _buttons(entry, scenario, result, Settings.from_key(key), plan, lang, "plan_dlx")


def _buttons(
    entry: Entry,
    scenario: Scenario,
    result: PlanResult,
    settings: Settings,
    plan: PlanSettings,
    lang: str,
    prefix: str,
) -> None:
    """CSV (with a plan to show) and workbook now; the report once asked for."""
    stem = f"{entry.key}-plan-{result.years}y"
    left, right = st.columns(2)
    if result.has_solution:
        left.download_button(
            t("plan.dl.csv", lang),
            data=csv_bytes(plan_allocation_sheet(result, scenario, lang)),
            file_name=f"{stem}-allocation.csv",
            mime="text/csv",
            key=f"{prefix}_csv",
            on_click="ignore",
        )
    right.download_button(
        t("plan.dl.xlsx", lang),
        data=plan_workbook(result, scenario, plan, lang),
        file_name=f"{stem}.xlsx",
        mime=XLSX_MIME,
        key=f"{prefix}_xlsx",
        on_click="ignore",
    )
    ready = f"{prefix}_ready:{entry.fingerprint}:{settings.key()}:{plan.key()}:{lang}"
    st.button(
        t("plan.dl.prepare", lang),
        key=f"{prefix}_prepare",
        on_click=st.session_state.__setitem__,  # kept across the navigation's first rerun
        args=(ready, True),
    )
    if not st.session_state.get(ready):
        return
    source = entry.path.name if entry.path is not None else str(entry.key)
    with st.spinner(t("plan.dl.preparing", lang)):
        html = _report(
            entry.fingerprint, settings.key(), plan.key(), lang, source, scenario, result
        )
    st.download_button(
        t("plan.dl.report", lang),
        data=html,
        file_name=f"{stem}-report.html",
        mime="text/html",
        key=f"{prefix}_report",
        on_click="ignore",
        type="primary",
    )
