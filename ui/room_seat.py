"""The participant's Room page, in sections: find the room, take a seat, answer, see.

Made for a phone held in one hand: one column, full-width controls, no sidebar. The seat's
token lives in the page's address (``?room=CODE&seat=TOKEN``) as well as the session, so a
reload, a lost connection or a server restart finds the same seat and submission; the
token changes only that seat's own submission.
"""

from __future__ import annotations

import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import fmt_num, fmt_pct, localize, t
from govdecide.io.scenario import Scenario, display_names
from govdecide.model.result import Result
from govdecide.present.summary import summarize
from govdecide.rooms import (
    PRIORITY_MAX,
    PlanParams,
    RoomConfig,
    Submission,
    default_submission,
    normalise_code,
    participant_params,
    satisfaction,
)
from govdecide.store import RoomInfo, Seat, Store
from ui import room_common as rc
from ui.text import bullet_list, label_escape, md_escape

_SEATS = "_govdecide_room_seats"  # {code: token} of this session
_SEEN = "_govdecide_room_seen"  # the round state this page last drew
POLL_S = 4.0


def ask_code(lang: str) -> None:
    """A box for the room code (when the page was opened without one)."""
    with st.form("room_code_form"):
        typed = st.text_input(t("room.join.code", lang), max_chars=12, key="room_code_input")
        go = st.form_submit_button(t("room.join.find", lang), type="primary", width="stretch")
    if go:
        code = normalise_code(typed)
        if code is None:
            st.warning(t("room.join.bad_code", lang))
            return
        rc.set_query({rc.ROOM_PARAM: code, "lang": lang})
        st.rerun()


def find_seat(store: Store, code: str) -> tuple[Seat | None, str | None]:
    """This browser's seat in the room: from the address, else from the session."""
    token = rc.query(rc.SEAT_PARAM) or st.session_state.get(_SEATS, {}).get(code)
    seat = store.rooms.seat(code, token) if token else None
    return seat, (token if seat is not None else None)


def join_form(store: Store, info: RoomInfo, lang: str) -> None:
    """Name (or anonymous) and a join button; on joining the seat goes into the link."""
    if not info.is_open:
        st.warning(t("err.room_closed", lang))
        return
    with st.form("room_join_form"):
        name = st.text_input(
            t("room.join.name", lang),
            max_chars=store.rooms.limits.name_chars,
            help=t("room.join.name_help", lang),
        )
        anonymous = st.checkbox(t("room.join.anonymous", lang), value=False)
        go = st.form_submit_button(t("room.join.button", lang), type="primary", width="stretch")
    if not go:
        return
    try:
        _, token = store.rooms.join(info.code, None if anonymous or not name.strip() else name)
    except ScenarioError as exc:
        rc.warn(exc, lang)
        return
    st.session_state.setdefault(_SEATS, {})[info.code] = token
    rc.set_query({rc.ROOM_PARAM: info.code, rc.SEAT_PARAM: token, "lang": lang})
    st.rerun()


def round_line(info: RoomInfo, lang: str) -> None:
    """Where the room is: round n open, closed, or revealed."""
    r = info.round
    if not info.is_open:
        st.warning(t("room.state.room_closed", lang), icon=":material/lock:")
    elif r.is_open:
        st.info(t("room.state.open", lang, round=r.number), icon=":material/how_to_vote:")
    elif r.revealed:
        st.success(t("room.state.revealed", lang, round=r.number), icon=":material/visibility:")
    else:
        st.info(t("room.state.closed", lang, round=r.number), icon=":material/hourglass_top:")


@st.fragment(run_every=POLL_S)
def watch_round(seat: Seat) -> None:
    """Poll the room's state; rerun the page when a round opens, closes or is revealed."""
    info = seat.info()
    state = (info.state, info.round.number, info.round.is_open, info.round.revealed)
    seen = st.session_state.get(_SEEN)
    st.session_state[_SEEN] = state
    if seen is not None and seen != state:
        st.rerun(scope="app")


def answer_form(
    seat: Seat, info: RoomInfo, scenario: Scenario, start: Submission, lang: str
) -> None:
    """The sliders of the room's parameters and a submit button (a form: moving a slider
    sends nothing until the participant submits)."""
    config = info.config
    names = display_names(scenario, lang)
    prefix = f"room:{info.code}:{info.round.number}"
    with st.form("room_answer_form"):
        st.markdown("**" + t("room.answer.title", lang) + "**")
        priorities = {}
        for p in config.programs:
            priorities[p] = st.slider(
                label_escape(t("room.answer.priority", lang, program=names.get(p, p))),
                min_value=0, max_value=int(PRIORITY_MAX), step=1,
                value=int(round(start.priorities.get(p, 5))), key=f"{prefix}:w:{p}",
            )  # fmt: skip
        equity = floor = None
        if config.equity:
            equity = st.slider(
                t("room.answer.equity", lang), 0, 100, step=5, format="%d%%",
                value=int(round((start.equity_weight or 0) * 100)), key=f"{prefix}:equity",
                help=t("room.answer.equity_help", lang),
            )  # fmt: skip
        if config.floor:
            floor = st.slider(
                t("room.answer.floor", lang), 0, 100, step=5, format="%d%%",
                value=int(round((start.floor or 0) * 100)), key=f"{prefix}:floor",
                help=t("room.answer.floor_help", lang),
            )  # fmt: skip
        go = st.form_submit_button(t("room.answer.submit", lang), type="primary", width="stretch")
    if go:
        data = {
            "priorities": {p: float(v) for p, v in priorities.items()},
            "equity_weight": None if equity is None else equity / 100,
            "floor": None if floor is None else floor / 100,
        }
        try:
            seat.submit(data)
        except ScenarioError as exc:
            rc.warn(exc, lang)
            return
        st.toast(t("room.answer.saved", lang), icon=":material/check:")
        st.rerun()


def starting_answer(seat: Seat, info: RoomInfo, scenario: Scenario) -> Submission | None:
    """This seat's submission in this round, else in the round before (None: none yet)."""
    mine = seat.submission()
    if mine is None and info.round.number > 1:
        mine = seat.submission(info.round.number - 1)
    return None if mine is None else mine.submission


def solve(solver_key: str, scenario: Scenario, params: PlanParams, lang: str) -> Result | None:
    """A plan from the server's room solver (each parameter set solved once), with a
    spinner while it runs; bad parameters are shown, not raised."""
    solver = rc.room_solver(solver_key, scenario)
    try:
        with st.spinner(t("room.solving", lang), show_time=True):
            return solver.solve(params)
    except ScenarioError as exc:
        rc.warn(exc, lang)
        return None


def plan_figures(result: Result, lang: str) -> None:
    """Status, people newly served, efficiency and equity, one under the other."""
    st.caption(md_escape(result.status_text(lang)))
    if not result.has_solution:
        return
    st.metric(t("app.kpi.people", lang), fmt_num(result.people_newly_served, lang), border=True)
    st.metric(t("app.kpi.efficiency", lang), fmt_pct(result.efficiency, lang), border=True)
    st.metric(t("app.kpi.equity", lang), fmt_pct(result.equity, lang), border=True)


def own_plan(
    scenario: Scenario, key: str, config: RoomConfig, sub: Submission, lang: str
) -> tuple[PlanParams, Result | None]:
    """The participant's own plan with its plain-language summary."""
    st.subheader(t("room.own.title", lang))
    params = participant_params(scenario, config, sub)
    result = solve(key, scenario, params, lang)
    if result is not None:
        plan_figures(result, lang)
        if result.has_solution:
            settings = params.settings()
            st.markdown(bullet_list(summarize(scenario, result, lang, settings, marginal=False)))
    return params, result


def room_plan(
    scenario: Scenario, key: str, info: RoomInfo, mine: PlanParams | None, own: Result | None,
    lang: str,
) -> None:  # fmt: skip
    """After the reveal: the room's plan and how close it comes to the participant's own."""
    shown = info.round.shown or {}
    st.subheader(t("room.plan.title", lang, round=info.round.number))
    if shown.get("params") is None:
        st.info(t("room.plan.none", lang))
        return
    data = shown["params"]
    params = PlanParams(data["weights"], data["equity_weight"], data.get("floor"))
    st.caption(t("room.plan.count", lang, count=fmt_num(shown.get("count", 0), lang)))
    result = solve(key, scenario, params, lang)
    if result is None:
        return
    plan_figures(result, lang)
    if mine is not None and result.has_solution:
        solver = rc.room_solver(key, scenario)
        score = satisfaction(solver, mine, result, own)
        if score.share is not None:
            st.metric(t("room.plan.closeness", lang), fmt_pct(score.share, lang), border=True,
                      help=t("room.plan.closeness_help", lang))  # fmt: skip
    if result.has_solution:
        sentences = summarize(scenario, result, lang, params.settings(), marginal=False)
        st.markdown(bullet_list(sentences))


def show_seat(store: Store, seat: Seat, info: RoomInfo, lang: str) -> None:
    """Everything a seated participant sees, top to bottom."""
    stored = seat_scenario(store, info)
    scenario = rc.room_scenario(info.scenario_hash, stored)
    number, name = seat.identity()
    who = md_escape(name) if name else t("room.anonymous", lang)
    st.caption(t("room.seat.who", lang, seat=number, name=who))
    st.markdown("### " + md_escape(localize(scenario.name, lang)))
    round_line(info, lang)
    watch_round(seat)
    start = starting_answer(seat, info, scenario)
    mine = seat.submission()
    if info.is_open and info.round.is_open:
        if mine is not None:
            st.success(t("room.answer.in", lang, round=info.round.number), icon=":material/check:")
        answer_form(seat, info, scenario, start or default_submission(info.config, scenario), lang)
    params = own = None
    current = mine.submission if mine is not None else start
    if current is not None:
        params, own = own_plan(scenario, info.scenario_hash, info.config, current, lang)
    if info.round.revealed:
        room_plan(scenario, info.scenario_hash, info, params, own, lang)


def seat_scenario(store: Store, info: RoomInfo) -> str:
    """The room's scenario text, read once per server and hash."""
    return _scenario_text(info.code, info.scenario_hash, store)


@st.cache_data(show_spinner=False, max_entries=16)
def _scenario_text(code: str, sha256: str, _store: Store) -> str:
    """The text of the room's scenario (cached: a room never changes its scenario)."""
    return _store.rooms.scenario_text(code)
