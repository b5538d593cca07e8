"""The facilitator's live view of a room: it refreshes itself every few seconds.

One fragment (``st.fragment(run_every=...)``) reads the room from the store and shows the
submissions so far, every combining rule side by side, the spread of each parameter, the
room's plan (figures and map), each participant's satisfaction with it (a histogram and
the lowest) and, from round 2 on, how the rounds compare. Plans come from the server's
room solver, so a refresh solves only what is new.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import fmt_num, fmt_pct, t
from govdecide.io.room_report import room_section
from govdecide.io.scenario import Scenario, display_names
from govdecide.model.result import Result
from govdecide.present import room_charts
from govdecide.present.room_tables import (
    combined_table,
    decision_note,
    params_text,
    rounds_table,
    rule_label,
    spread_table,
)
from govdecide.rooms import (
    RULES,
    Combined,
    PlanParams,
    RoomConfig,
    RoundSummary,
    Submission,
    combine,
    combine_all,
    combined_frame,
    parameter_ids,
    participant_params,
    round_comparison,
    satisfaction,
    spread_frame,
    spread_summary,
)
from govdecide.rooms.rounds import param_values
from govdecide.store import HostRoom, RoomInfo, SubmissionRecord
from ui import room_common as rc
from ui.allocate_view import people_and_shares, status_box
from ui.tables import number_columns

REFRESH_S = 3.0


@st.fragment(run_every=REFRESH_S)
def live_view(host: HostRoom, scenario: Scenario, lang: str) -> None:
    """Everything that changes while participants submit (reruns alone every few s)."""
    info = host.info()
    records = host.submissions()
    subs = [r.submission for r in records]
    config = info.config
    names = display_names(scenario, lang)
    c1, c2, c3 = st.columns(3)
    c1.metric(t("room.live.seats", lang), fmt_num(info.seats, lang), border=True)
    c2.metric(t("room.live.submitted", lang, round=info.round.number),
              fmt_num(info.submitted, lang), border=True)  # fmt: skip
    c3.metric(t("room.live.rule", lang), rule_label(info.rule, lang), border=True)
    combined = combine_all(scenario, config, subs)
    if not subs:
        st.info(t("room.live.waiting", lang))
        return
    rules_side_by_side(config, combined, names, lang)
    chosen = combined[info.rule]
    spread = spread_frame(scenario, config, subs, [r.seat for r in records])
    values = param_values(config, chosen.params) if chosen.params is not None else None
    st.altair_chart(room_charts.spread_chart(spread, values, names, lang), width="stretch")
    with st.expander(t("room.live.spread_table", lang)):
        st.dataframe(spread_table(spread_summary(spread), names, lang), hide_index=True)
    plan = room_plan(scenario, info, chosen, lang)
    if plan is not None and plan.has_solution:
        satisfaction_view(scenario, info, subs, plan, lang)
    rounds_view(host, scenario, info, lang)


def rules_side_by_side(
    config: RoomConfig, combined: dict[str, Combined], names: dict[str, str], lang: str
) -> None:
    """The room's parameters under every rule, in percent, one column per rule."""
    st.markdown("**" + t("room.live.rules", lang) + "**")
    table = combined_table(combined_frame(config, combined), names, lang, RULES)
    fmt = number_columns({rule_label(r, lang): "%.1f%%" for r in RULES})
    st.dataframe(table, hide_index=True, column_config=fmt, width="stretch")
    for rule, result in combined.items():
        if result.reason == "all_vetoed":
            st.caption(t("room.live.vetoed", lang, rule=rule_label(rule, lang)))


def room_plan(scenario: Scenario, info: RoomInfo, chosen: Combined, lang: str) -> Result | None:
    """The optimizer on the room's parameters: status, headline figures and the map."""
    st.subheader(t("room.live.plan", lang, rule=rule_label(info.rule, lang)))
    if chosen.params is None:
        st.warning(t("room.live.no_params", lang))
        return None
    solver = rc.room_solver(info.scenario_hash, scenario)
    try:
        with st.spinner(t("room.solving", lang), show_time=True):
            plan = solver.solve(chosen.params)
    except ScenarioError as exc:
        rc.warn(exc, lang)
        return None
    status_box(plan, lang, exact=False)
    if not plan.has_solution:
        return plan
    people_and_shares(plan, lang)
    chart = rc.room_gains_map(rc.store_or_stop(lang), info, scenario, plan, lang)
    if chart is not None:
        st.altair_chart(chart, width="content")
    return plan


def satisfaction_view(
    scenario: Scenario, info: RoomInfo, subs: Sequence[Submission], plan: Result, lang: str
) -> None:
    """Each participant's satisfaction with the room's plan: histogram and the lowest.

    Every participant's own plan is solved once on this server (kept by the room solver);
    while new ones are solved a progress bar says how far it is.
    """
    solver = rc.room_solver(info.scenario_hash, scenario)
    everyone = [participant_params(scenario, info.config, s) for s in subs]
    new = [p for p in everyone if solver.kept(p) is None]
    if new:
        bar = st.progress(0.0, text=t("room.live.own_plans", lang, count=len(new)))
        for i, params in enumerate(new, start=1):
            solver.solve(params)
            bar.progress(i / len(new), text=t("room.live.own_plans", lang, count=len(new)))
        bar.empty()
    shares = [satisfaction(solver, p, plan).share for p in everyone]
    known = [s for s in shares if s is not None]
    st.subheader(t("room.live.satisfaction", lang))
    if known:
        st.metric(t("room.live.lowest", lang), fmt_pct(min(known), lang), border=True,
                  help=t("room.plan.closeness_help", lang))  # fmt: skip
    st.altair_chart(room_charts.satisfaction_histogram(shares, lang), width="stretch")
    if len(known) < len(shares):
        st.caption(t("room.live.no_own_plan", lang, count=len(shares) - len(known)))


def round_summaries(host: HostRoom, scenario: Scenario, info: RoomInfo) -> list[RoundSummary]:
    """Each round's participants, room parameters (by the rule it used), plan and spread."""
    solver = rc.room_solver(info.scenario_hash, scenario)
    out = []
    for r in host.rounds():
        records: list[SubmissionRecord] = host.submissions(r.number)
        subs = [x.submission for x in records]
        chosen = combine(scenario, info.config, subs, r.rule)
        plan = solver.solve(chosen.params) if chosen.params is not None else None
        spread = spread_frame(scenario, info.config, subs, [x.seat for x in records])
        out.append(RoundSummary(r.number, len(subs), chosen.params, plan, spread))
    return out


def rounds_view(host: HostRoom, scenario: Scenario, info: RoomInfo, lang: str) -> None:
    """From round 2 on: how the room's parameters, the spread and the plan moved."""
    if info.round.number < 2:
        return
    st.subheader(t("room.live.rounds", lang))
    names = display_names(scenario, lang)
    comparison = round_comparison(info.config, round_summaries(host, scenario, info))
    ids = parameter_ids(info.config)
    st.altair_chart(room_charts.rounds_chart(comparison, ids, names, lang), width="stretch")
    st.dataframe(rounds_table(comparison, info.config, names, lang), hide_index=True)


def report_section(
    host: HostRoom, scenario: Scenario, info: RoomInfo, lang: str
) -> tuple[Result, PlanParams, tuple[str, str]] | None:
    """The room's plan, its parameters and the report's room section (None: no plan)."""
    subs = [r.submission for r in host.submissions()]
    combined = combine_all(scenario, info.config, subs)
    chosen = combined[info.rule]
    if chosen.params is None:
        return None
    solver = rc.room_solver(info.scenario_hash, scenario)
    plan = solver.solve(chosen.params)
    names = display_names(scenario, lang)
    everyone = [participant_params(scenario, info.config, s) for s in subs]
    shares = [satisfaction(solver, p, plan).share for p in everyone] if plan.has_solution else []
    rounds = None
    if info.round.number > 1:
        comparison = round_comparison(info.config, round_summaries(host, scenario, info))
        rounds = rounds_table(comparison, info.config, names, lang)
    summary_line = decision_note(
        code=info.code, round_number=info.round.number, rule=info.rule, count=chosen.count,
        params_line=params_text(info.config, chosen.params, names, lang), note="", lang=lang,
    )  # fmt: skip
    section = room_section(
        code=info.code, round_number=info.round.number, summary_line=summary_line,
        rules=combined_table(combined_frame(info.config, combined), names, lang, RULES),
        spread=spread_table(spread_summary(spread_frame(scenario, info.config, subs)), names, lang),
        satisfaction=shares, rounds=rounds, lang=lang,
    )  # fmt: skip
    return plan, chosen.params, section
