"""The "Plan over years" page's downloads: the plan shown, as files to file and forward.

The allocation by year as CSV and the workbook (a sheet per view) are made at once, from
:mod:`govdecide.io.plan_export`; the HTML report draws four charts with vl-convert, so it
is made on request, in the worker process (:func:`ui.rendering.in_worker`: the server
keeps answering), and cached by scenario version, both settings' keys and language.
Everything sits in one expander under the plan, so the page calls :func:`show_downloads`
with one line.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import streamlit as st

from govdecide.i18n import t
from govdecide.io.exports import csv_bytes
from govdecide.io.plan_export import plan_allocation_sheet, plan_workbook
from govdecide.io.plan_report import build_plan_report
from govdecide.io.scenario import Scenario
from govdecide.model.settings import Settings
from govdecide.model.years import PlanResult, PlanSettings
from ui import rendering

if TYPE_CHECKING:  # the worker process imports this module: no page helpers in it
    from ui.analysis_page import AnalysisPage

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    """The plan's downloads in one expander: CSV and workbook now, the report on request."""
    lang, entry, scenario = page.lang, page.entry, page.scenario
    stem = f"{entry.key}-plan-{result.years}y"
    with st.expander(t("plan.dl.title", lang), icon=":material/download:"):
        st.caption(t("plan.dl.intro", lang))
        left, right = st.columns(2)
        if result.has_solution:
            left.download_button(
                t("plan.dl.csv", lang),
                data=csv_bytes(plan_allocation_sheet(result, scenario, lang)),
                file_name=f"{stem}-allocation.csv",
                mime="text/csv",
                key="plan_dl_csv",
                on_click="ignore",
            )
        right.download_button(
            t("plan.dl.xlsx", lang),
            data=plan_workbook(result, scenario, plan, lang),
            file_name=f"{stem}.xlsx",
            mime=XLSX_MIME,
            key="plan_dl_xlsx",
            on_click="ignore",
        )
        ready = f"plan_dl_ready:{entry.fingerprint}:{settings.key()}:{plan.key()}:{lang}"
        st.button(
            t("plan.dl.prepare", lang),
            key="plan_dl_prepare",
            on_click=st.session_state.__setitem__,
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
            key="plan_dl_report",
            on_click="ignore",
            type="primary",
        )
