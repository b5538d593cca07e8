"""The facilitator's Workshop page, in sections: open a room, show its code, steer it.

The facilitator's secret lives in the page's address (``?room=CODE&host=SECRET``): that
link, and nothing else, steers the room, and a reload or a server restart finds the room
as it was (everything is in the store). Actions are button callbacks that write one
transaction each; the live view (:mod:`ui.room_live`) refreshes by itself.
"""

from __future__ import annotations

import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import localize, t
from govdecide.io.exports import csv_bytes, excel_bytes
from govdecide.io.room_report import room_report
from govdecide.io.scenario import Scenario, display_names, scenario_to_yaml
from govdecide.present.room_tables import decision_note, params_text, rule_label, submissions_export
from govdecide.rooms import RULES, RoomConfig, check_config, combine
from govdecide.store import HostRoom, RoomInfo, Store
from ui import rendering, room_live
from ui import room_common as rc
from ui.state import current_scenario_key, entries, label_of, load_entry
from ui.text import md_escape

_HOSTS = "_govdecide_room_hosts"  # {code: secret} of this session
_NEW_WORKSPACE = "_govdecide_room_workspace_key"
QR_PX = 420  # the QR code's width on the projector


def find_host(store: Store) -> tuple[HostRoom | None, str | None, str | None]:
    """The room this page steers: (handle, code, secret) from the address or session."""
    code = rc.query(rc.ROOM_PARAM)
    secret = rc.query(rc.HOST_PARAM) or st.session_state.get(_HOSTS, {}).get(code or "")
    if not code or not secret:
        return None, code, None
    return store.rooms.host(code, secret), code, secret


def open_form(store: Store, lang: str) -> None:
    """Pick the scenario and what participants set; open the room."""
    known = entries()
    keys = list(known)
    current = current_scenario_key()
    key = st.selectbox(
        t("room.open.scenario", lang), keys, index=keys.index(current) if current in keys else 0,
        format_func=lambda k: label_of(known[k], lang), key="room_open_scenario",
    )  # fmt: skip
    try:
        scenario = load_entry(known[key])
    except ScenarioError as exc:
        rc.warn(exc, lang)
        return
    names = display_names(scenario, lang)
    with st.form("room_open_form"):
        programs = st.multiselect(
            t("room.open.programs", lang), [p.id for p in scenario.programs],
            default=[p.id for p in scenario.programs], format_func=lambda p: names.get(p, p),
        )  # fmt: skip
        equity = st.checkbox(t("room.open.equity", lang), value=True)
        floor = st.checkbox(t("room.open.floor", lang), value=False)
        rule = st.radio(t("room.open.rule", lang), RULES, index=1, horizontal=True,
                        format_func=lambda r: rule_label(r, lang))  # fmt: skip
        ws_key = st.text_input(t("room.open.workspace", lang), type="password",
                               help=t("room.open.workspace_help", lang))  # fmt: skip
        go = st.form_submit_button(t("room.open.button", lang), type="primary")
    if go:
        config = RoomConfig(programs=tuple(programs), equity=equity, floor=floor)
        create(store, key, scenario, config, rule, ws_key.strip(), lang)


def create(
    store: Store, key: str, scenario: Scenario, config: RoomConfig, rule: str, ws_key: str,
    lang: str,
) -> None:  # fmt: skip
    """Store the scenario in the workspace, open the room, put its link in the address."""
    entry = entries()[key]
    try:
        config = check_config(config, scenario)
        workspace = store.open_workspace(ws_key) if ws_key else None
        if ws_key and workspace is None:
            st.warning(t("room.open.no_workspace", lang))
            return
        if workspace is None:
            workspace = store.create_workspace()
            st.session_state[_NEW_WORKSPACE] = workspace.key
        text = entry.path.read_text(encoding="utf-8") if entry.path else scenario_to_yaml(scenario)
        label = entry.path.name if entry.path else label_of(entry, lang)
        stored = workspace.save_scenario(text, label=label[:200], origin="upload")
        host, secret = store.rooms.create_room(
            workspace, stored, config, rule=rule, source=key if entry.path else ""
        )
    except ScenarioError as exc:
        rc.warn(exc, lang)
        return
    code = host.info().code
    st.session_state.setdefault(_HOSTS, {})[code] = secret
    rc.set_query({rc.ROOM_PARAM: code, rc.HOST_PARAM: secret, "lang": lang})
    st.rerun()


def header(info: RoomInfo, secret: str, scenario: Scenario, lang: str) -> None:
    """The code, the join link and its QR code, large for the projector; the
    facilitator's own link kept apart."""
    root = rc.app_root()
    join = rc.link(root, rc.ROOM_PATH, {rc.ROOM_PARAM: info.code})
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.image(rc.qr_png(join), width=QR_PX, caption=t("room.host.scan", lang))
    with right:
        st.markdown(f"### {md_escape(localize(scenario.name, lang))}")
        st.caption(t("room.host.code", lang))
        st.markdown(f"# `{info.code}`")
        st.caption(t("room.host.join", lang))
        st.code(join, language=None)
        with st.expander(t("room.host.own_link", lang), icon=":material/key:"):
            st.warning(t("room.host.own_link_help", lang))
            st.code(
                rc.link(root, rc.WORKSHOP_PATH, {rc.ROOM_PARAM: info.code, rc.HOST_PARAM: secret}),
                language=None,
            )
            ws_key = st.session_state.get(_NEW_WORKSPACE)
            if ws_key:
                st.caption(t("room.host.workspace_key", lang))
                st.code(ws_key, language=None)


def _reveal(host: HostRoom, scenario: Scenario) -> None:
    """Callback: close the round and show participants the room's parameters."""
    info = host.info()
    subs = [r.submission for r in host.submissions()]
    chosen = combine(scenario, info.config, subs, info.rule)
    host.reveal(chosen.params, chosen.count)


def _set_rule(host: HostRoom, widget: str) -> None:
    """Callback: combine by the rule just picked."""
    rule = st.session_state.get(widget)
    if rule in RULES:
        host.set_rule(rule)


def controls(host: HostRoom, info: RoomInfo, scenario: Scenario, lang: str) -> None:
    """The rule and the round's buttons: close, reveal, next round."""
    widget = f"room_rule:{info.code}:{info.rule}"
    st.radio(
        t("room.open.rule", lang), RULES, index=RULES.index(info.rule), horizontal=True,
        format_func=lambda r: rule_label(r, lang), key=widget,
        on_change=_set_rule, args=(host, widget), help=t("room.host.rule_help", lang),
    )  # fmt: skip
    if not info.is_open:
        st.warning(t("room.state.room_closed", lang), icon=":material/lock:")
        return
    c1, c2, c3 = st.columns(3)
    c1.button(t("room.host.close_round", lang), on_click=host.close_round, width="stretch",
              disabled=not info.round.is_open, icon=":material/stop_circle:")  # fmt: skip
    c2.button(t("room.host.reveal", lang), on_click=_reveal, args=(host, scenario),
              type="primary", width="stretch", icon=":material/visibility:")  # fmt: skip
    c3.button(t("room.host.next_round", lang, round=info.round.number + 1),
              on_click=host.open_round, width="stretch", icon=":material/replay:")  # fmt: skip


def record_form(host: HostRoom, info: RoomInfo, scenario: Scenario, lang: str) -> None:
    """Record the room's decision (rule, parameters, count, plan, figures, a note) into
    the workspace's decision log, and list the log."""
    with st.form("room_decision_form"):
        st.markdown("**" + t("room.host.decide", lang) + "**")
        note = st.text_area(t("room.host.note", lang), max_chars=4000)
        go = st.form_submit_button(t("room.host.record", lang), icon=":material/gavel:")
    if go:
        subs = [r.submission for r in host.submissions()]
        chosen = combine(scenario, info.config, subs, info.rule)
        if chosen.params is None:
            st.warning(t("room.live.no_params", lang))
        else:
            plan = rc.room_solver(info.scenario_hash, scenario).solve(chosen.params)
            names = display_names(scenario, lang)
            text = decision_note(
                code=info.code, round_number=info.round.number, rule=info.rule,
                count=chosen.count, params_line=params_text(info.config, chosen.params, names,
                lang), note=note, lang=lang,
            )  # fmt: skip
            try:
                entry = host.record_decision(settings=chosen.params.settings(), result=plan,
                                             note=text)  # fmt: skip
                st.success(t("room.host.recorded", lang, seq=entry.seq))
            except ScenarioError as exc:
                rc.warn(exc, lang)
    log = host.workspace().decisions_frame()
    if not log.empty:
        st.dataframe(log, hide_index=True, width="stretch")


def exports(host: HostRoom, info: RoomInfo, scenario: Scenario, lang: str) -> None:
    """The room's submissions of every round, anonymised unless names were given."""
    records = [r for n in range(1, info.round.number + 1) for r in host.submissions(n)]
    frame = submissions_export(scenario, info.config, records, lang)
    c1, c2 = st.columns(2)
    c1.download_button(t("room.host.csv", lang), csv_bytes(frame), f"room-{info.code}.csv",
                       mime="text/csv", width="stretch")  # fmt: skip
    c2.download_button(
        t("room.host.excel", lang), excel_bytes({info.code: frame}), f"room-{info.code}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        width="stretch",
    )  # fmt: skip


def report(host: HostRoom, info: RoomInfo, scenario: Scenario, lang: str) -> None:
    """The HTML report of the room's plan with the room's section, made on request in the
    drawing worker (its charts hold the interpreter while they are drawn)."""
    key = f"_govdecide_room_report:{info.code}:{lang}"
    if st.button(t("room.host.report", lang), icon=":material/description:"):
        made = room_live.report_section(host, scenario, info, lang)
        if made is None:
            st.warning(t("room.live.no_params", lang))
        else:
            plan, params, section = made
            with st.spinner(t("room.host.report_making", lang)):
                st.session_state[key] = rendering.in_worker(
                    room_report, scenario, params.settings().key(), lang, plan, [section]
                )
    if key in st.session_state:
        st.download_button(t("room.host.report", lang), st.session_state[key],
                           f"room-{info.code}-report.html", mime="text/html",
                           key=f"{key}:download")  # fmt: skip


def close_form(host: HostRoom, info: RoomInfo, lang: str) -> None:
    """Close the room for good, optionally deleting names and submissions."""
    if not info.is_open:
        return
    with st.form("room_close_form"):
        delete = st.checkbox(t("room.host.delete", lang), value=False)
        sure = st.checkbox(t("room.host.sure", lang), value=False)
        go = st.form_submit_button(t("room.host.close_room", lang), icon=":material/lock:")
    if go and sure:
        host.close(delete_submissions=delete)
        st.rerun()
    elif go:
        st.warning(t("room.host.not_sure", lang))
