"""The workspace's widgets: the sidebar's "saved" panel, "record this decision", messages.

The panel says whether work is being saved: not yet (nothing saved, nothing stored), saved
(with the workspace's link to copy, in a code box: text, never HTML), or not being saved
(the store's own message, e.g. an unreachable or read-only database). The link carries
the workspace, the scenario and the language; the address bar carries the slider values
too. Every text shown here that the user or the database wrote is escaped.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import t
from govdecide.io.exports import csv_bytes, excel_bytes
from govdecide.io.report import with_decision_log
from govdecide.io.scenario import Scenario
from govdecide.model.result import Result
from govdecide.model.settings import Settings
from govdecide.model.years import PlanResult, PlanSettings
from govdecide.present.workspace_tables import decision_log_file_frame, plan_text
from govdecide.store import Decision
from govdecide.store.backup import decision_data
from govdecide.store.records import MAX_NOTE_CHARS
from ui import controls, rendering, solving, workspace
from ui.messages import warn_problems
from ui.sidebar import require_scenario
from ui.state import (
    LANG_KEY,
    SCENARIO_KEY,
    WORKSPACE_KEY,
    Entry,
    current_scenario_key,
    entries,
    label_of,
    workspace_key,
)
from ui.text import bullet_list, md_escape

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workspace_link(key: str, lang: str) -> str:
    """The link to this workspace on this page, with the current scenario and language."""
    try:
        base = st.context.url or ""
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        base = ""
    query = {WORKSPACE_KEY: key, SCENARIO_KEY: current_scenario_key(), LANG_KEY: lang}
    return f"{base}?{urlencode(query)}"


def workspace_panel(lang: str) -> None:
    """In the sidebar: whether the work is saved, and the link that opens it again."""
    st.markdown("**" + t("ws.side.title", lang) + "**")
    problem = workspace.store_problem()
    key = workspace_key()
    if problem is not None:
        st.warning(md_escape(problem.message(lang)), icon=":material/cloud_off:")
        if key is not None:
            st.caption(t("ws.side.kept_link", lang))
        return
    if key is None:
        st.caption(t("ws.side.nothing_yet", lang))
        return
    st.success(t("ws.side.saved", lang), icon=":material/cloud_done:")
    st.code(workspace_link(key, lang), language=None, wrap_lines=True)
    st.caption(t("ws.side.link_help", lang))


def show_flash() -> None:
    """What the last save had to say (kept over the rerun that followed it), escaped."""
    for kind, messages in workspace.take_flash():
        if not messages:
            continue
        box = st.success if kind == "success" else st.warning
        text = md_escape(messages[0])
        if len(messages) > 1:
            text += "\n\n" + bullet_list(messages[1:])
        box(text)


def decision_form(
    entry: Entry,
    settings: Settings,
    result: Result | PlanResult,
    lang: str,
    key: str,
    plan: PlanSettings | None = None,
) -> None:
    """The "record this decision" form: a note and a button; the entry is appended to the log with
    these settings (as solved) and this result's status and figures; for a plan over
    years (``plan``, with its :class:`PlanResult`) "record this plan as a decision"."""
    title, helped, button = (
        ("plan_saving.record_title", "plan_saving.record_help", "plan_saving.record")
        if plan is not None
        else ("ws.dec.title", "ws.dec.help", "ws.dec.record")
    )
    with st.expander(t(title, lang), icon=":material/gavel:"):
        st.caption(t(helped, lang))
        with st.form(f"ws_dec_form_{key}", clear_on_submit=True, border=False):
            note = st.text_area(
                t("ws.dec.note", lang),
                max_chars=MAX_NOTE_CHARS,
                placeholder=t("ws.dec.note_hint", lang),
                key=f"ws_dec_note_{key}",
            )
            submitted = st.form_submit_button(
                t(button, lang), type="primary", key=f"ws_dec_go_{key}"
            )
    if submitted:
        workspace.record_decision(entry, settings, result, note, lang, plan=plan)
        st.rerun()


def log_downloads(decisions: list[Decision], lang: str) -> None:
    """The whole log as CSV, Excel (text cells neutralised) and JSON (exact records); a
    plan over years is said in words in a ``plan`` column of the CSV and Excel files."""
    frame = decision_log_file_frame(decisions, lang)
    records = [
        decision_data(d) | ({"plan_in_words": plan_text(d, lang)} if d.plan is not None else {})
        for d in decisions
    ]
    files = [  # (label, data, file name, type)
        (t("ws.log.csv", lang), csv_bytes(frame), "decision-log.csv", "text/csv"),
        (
            t("ws.log.xlsx", lang),
            excel_bytes({t("ws.log.sheet", lang): frame}),
            "decision-log.xlsx",
            XLSX_MIME,
        ),
        (
            t("ws.log.json", lang),
            json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8"),
            "decision-log.json",
            "application/json",
        ),
    ]
    for column, (label, data, name, mime) in zip(st.columns(3), files):
        column.download_button(
            label, data=data, file_name=name, mime=mime, key=f"ws_log_{name}", on_click="ignore"
        )
    st.caption(t("ws.log.files_help", lang))


@st.cache_data(show_spinner=False, max_entries=16)
def _report_page(
    fingerprint: str, key: str, lang: str, source: str, _scenario: Scenario, _result: Result
) -> str:
    """The report of one result without the log, drawn in the worker process (cached by
    scenario, settings and language: the log is put in afresh on every download)."""
    files, _problems = rendering.files_in_worker(_scenario, key, lang, source, _result)
    return files["report.html"].decode("utf-8")


def scenario_labels(lang: str) -> dict[str, str]:
    """The picker's names of the scenarios a decision may cite: a bundled one by its key,
    a stored one by its id in the workspace."""
    return {entry.store_id or key: label_of(entry, lang) for key, entry in entries().items()}


def report_log_added(page: bytes, lang: str) -> bytes:
    """A report (as the Downloads page makes it) with the workspace's decision log as its
    last section, when the session has a workspace with a log; else as it is."""
    log = workspace.decisions()
    if not log:
        return page
    return with_decision_log(page.decode("utf-8"), log, lang, scenario_labels(lang)).encode()


def report_with_log(log: list[Decision], labels: dict[str, str], lang: str) -> None:
    """The HTML report of the current scenario at the Allocate page's settings, with this
    workspace's whole decision log, made on request (drawing its charts takes a while)."""
    entry, scenario = require_scenario(lang)
    specs = controls.control_specs(scenario, lang)
    settings = controls.settings_from_values(controls.current_values(entry.key, specs))
    ready = f"ws_report:{entry.fingerprint}:{settings.key()}:{lang}"
    st.button(
        t("ws.log.prepare_report", lang),
        key="ws_log_prepare",
        on_click=st.session_state.__setitem__,  # kept across the navigation's first rerun
        args=(ready, True),
    )
    if not st.session_state.get(ready):
        return
    try:
        with st.spinner(t("ws.log.preparing", lang)):
            result = solving.solve(entry.fingerprint, scenario, settings)
            source = entry.path.name if entry.path is not None else str(entry.key)
            page = _report_page(entry.fingerprint, settings.key(), lang, source, scenario, result)
    except ScenarioError as exc:
        warn_problems(exc, lang)
        return
    st.download_button(
        t("ws.log.report", lang),
        data=with_decision_log(page, log, lang, labels).encode("utf-8"),
        file_name=f"{entry.key}-report.html",
        mime="text/html",
        key="ws_log_report",
        on_click="ignore",
        type="primary",
    )
