"""Downloads and report: the current allocation as CSV, Excel, chart images and a report.

The result is the one the Allocate page's sliders describe (the same settings), solved
with the scenario's own time limit so that a filed report is as exact as the scenario
asks. The files are made by :mod:`govdecide.io.exports` and :mod:`govdecide.io.report`; chart
images and the report are made on request (drawing them is slow) and cached. Below them,
the files of the plan over years last shown on the Plan over years page, if any
(:func:`ui.plan_downloads.show_last_plan`).
"""

from __future__ import annotations

import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import fmt_num, fmt_pct, localize, t
from govdecide.io.exports import (
    CHART_TITLES,
    allocation_sheet,
    csv_bytes,
    district_sheet,
    result_workbook,
)
from govdecide.io.scenario import Scenario
from govdecide.model.result import Result
from govdecide.model.settings import Settings
from ui import controls, plan_downloads, rendering, solving
from ui.maps import topology_for
from ui.messages import stop_on_problems
from ui.sidebar import require_scenario
from ui.state import current_lang
from ui.text import md_escape
from ui.workspace_view import report_log_added

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(show_spinner=False, max_entries=32)
def _files(
    fingerprint: str,
    key: str,
    lang: str,
    source: str,
    _scenario: Scenario,
    _result: Result,
    _topology: dict | None = None,  # the scenario's map (its reference is in the fingerprint)
) -> tuple[dict[str, bytes], list[str]]:
    """The report, the chart images of one result and what could not be drawn, cached by
    scenario, settings, language; drawn in the worker process (see :mod:`ui.rendering`:
    the server keeps answering)."""
    return rendering.files_in_worker(_scenario, key, lang, source, _result, _topology)


lang = current_lang()
entry, scenario = require_scenario(lang)
st.title(t("io.exp.title", lang, name=md_escape(localize(scenario.name, lang))))
st.caption(t("io.exp.intro", lang))
specs = controls.control_specs(scenario, lang)
settings: Settings = controls.settings_from_values(controls.current_values(entry.key, specs))
try:
    with st.spinner(t("io.exp.solving", lang)):
        result = solving.solve(entry.fingerprint, scenario, settings)
except ScenarioError as exc:
    stop_on_problems(exc, lang)

st.markdown(
    t(
        "io.exp.status",
        lang,
        status=md_escape(result.status_text(lang)),
        budget=fmt_num(result.budget, lang),
        equity=fmt_num(result.equity_weight, lang, 2),
    )
)
stem = entry.key
if result.has_solution:
    st.markdown(
        t(
            "io.exp.headline",
            lang,
            people=fmt_num(result.people_newly_served, lang),
            e1=fmt_pct(result.efficiency, lang),
            z1=fmt_pct(result.equity, lang),
        )
    )
    st.subheader(t("io.exp.tables", lang))
    tables = [  # (label, data, file name after the stem, type, widget key after io_dl_)
        (
            t("io.exp.alloc_csv", lang),
            csv_bytes(allocation_sheet(result, scenario, lang)),
            "allocation.csv",
            "text/csv",
            "alloc_csv",
        ),
        (
            t("io.exp.district_csv", lang),
            csv_bytes(district_sheet(result, scenario, lang)),
            "districts.csv",
            "text/csv",
            "district_csv",
        ),
        (
            t("io.exp.xlsx", lang),
            result_workbook(result, scenario, lang),
            "result.xlsx",
            XLSX_MIME,
            "xlsx",
        ),
    ]
    for column, (label, data, suffix, mime, key) in zip(st.columns(3), tables):
        column.download_button(
            label,
            data=data,
            file_name=f"{stem}-{suffix}",
            mime=mime,
            key=f"io_dl_{key}",
            on_click="ignore",
        )
    st.caption(t("io.exp.tables_help", lang))
else:
    st.warning(t("io.exp.no_allocation", lang))

st.subheader(t("io.exp.report", lang))
st.caption(t("io.exp.report_help", lang))
ready_key = f"io_ready:{entry.fingerprint}:{settings.key()}:{lang}"
st.button(
    t("io.exp.prepare", lang),
    key="io_prepare",
    type="primary",
    on_click=st.session_state.__setitem__,  # kept across the navigation's first rerun
    args=(ready_key, True),
)
if st.session_state.get(ready_key):
    with st.spinner(t("io.exp.preparing", lang)):
        source = entry.path.name if entry.path is not None else str(entry.key)
        topology = topology_for(scenario, entry)
        files, chart_problems = _files(
            entry.fingerprint, settings.key(), lang, source, scenario, result, topology
        )
    st.download_button(
        t("io.exp.report_html", lang),
        data=report_log_added(files["report.html"], lang),  # the workspace's log, if any
        file_name=f"{stem}-report.html",
        mime="text/html",
        key="io_dl_report",
        on_click="ignore",
        type="primary",
    )
    for problem in chart_problems:
        st.warning(problem)
    charts = [k for k in CHART_TITLES if f"{k}.svg" in files]
    if charts:
        st.markdown(t("io.exp.charts", lang))
        images = [  # (file extension, button label, type, help)
            ("svg", "SVG", "image/svg+xml", t("io.exp.svg_help", lang)),
            ("png", "PNG", "image/png", t("io.exp.png_help", lang)),
        ]
        for name in charts:
            a, b, c = st.columns([2, 1, 1])
            a.markdown(t(CHART_TITLES[name], lang))
            for column, (ext, button, mime, help_text) in zip((b, c), images):
                column.download_button(
                    button,
                    data=files[f"{name}.{ext}"],
                    file_name=f"{stem}-{name}.{ext}",
                    mime=mime,
                    key=f"io_dl_{name}_{ext}",
                    on_click="ignore",
                    help=help_text,
                )

plan_downloads.show_last_plan(entry, scenario, lang)  # the plan page's plan, if one was shown
