"""What fairness costs: the efficiency-equity frontier, a point's allocation, equity rules."""

from __future__ import annotations

import streamlit as st

from govdecide import analyses as an
from govdecide.analyses import equity_rules
from govdecide.errors import ScenarioError
from govdecide.i18n import fmt_num, t
from govdecide.present.analysis_charts import frontier_chart
from govdecide.present.analysis_tables import (
    equity_indicator_table,
    frontier_option,
    rule_result_line,
    settings_line,
)
from govdecide.present.result_tables import units_and_coverage_table
from ui import analysis_cache, analysis_page
from ui.messages import stop_on_problems
from ui.tables import PERCENT, number_columns, show_table

_SEEN = "_an_pick_seen"

page = analysis_page.start("an.trade.title", "an.trade.intro")
lang, entry, scenario, names, key = page.lang, page.entry, page.scenario, page.names, page.key

points = st.slider(
    t("an.trade.points", lang),
    min_value=3,
    max_value=an.MAX_FRONTIER_POINTS,
    value=20,
    key="an_points",
)
jobs = analysis_page.jobs_setting(lang)
analysis_page.compute_on_request(page, "frontier", points, points + 3)
try:
    fr = analysis_cache.frontier(page, points, jobs)  # a long one: progress, stop button
except ScenarioError as exc:
    stop_on_problems(exc, lang)

cur = fr.current
st.caption(settings_line(cur.budget, fr.equity_weight, lang))
if not fr.points:
    st.warning(t("an.page.no_result", lang, status=cur.status_text(lang)))
    st.stop()

pof = fr.price_of_fairness()
if len(fr.points) == 1:
    st.info(t("an.trade.single", lang))
elif pof is not None:
    st.info(pof.sentence(lang), icon=":material/balance:")

default = fr.nearest(cur.equity) if cur.has_solution else 0
slider_key = f"an_point:{entry.key}:{len(fr.points)}"
chart_key = f"an_chart:{entry.key}:{len(fr.points)}"
picked = analysis_page.clicked_point(st.session_state.get(chart_key), len(fr.points))
if picked is not None and st.session_state.get(_SEEN) != (chart_key, picked):
    st.session_state[_SEEN] = (chart_key, picked)  # a new click moves the slider once
    st.session_state[slider_key] = picked
if slider_key not in st.session_state:
    st.session_state[slider_key] = default
choice = st.select_slider(
    t("an.trade.choose", lang),
    options=list(range(len(fr.points))),
    format_func=lambda i: frontier_option(fr, i, lang),
    key=slider_key,
)
current = {"efficiency": cur.efficiency, "equity": cur.equity} if cur.has_solution else None
st.altair_chart(
    frontier_chart(fr.frame(), current, lang, selected=choice, pick="pick"),
    width="stretch",
    on_select="rerun",
    selection_mode="pick",
    key=chart_key,
)
st.caption(t("an.trade.click", lang))
analysis_page.unproven_warning(fr.unproven, len(fr.points), lang)
st.caption(t("an.page.time_note", lang, seconds=fmt_num(analysis_page.TIME_LIMIT_S, lang)))

point = fr.points[choice]
st.subheader(t("an.trade.point_title", lang, n=choice + 1))
if choice > 0:
    st.markdown(t("an.trade.point_cost", lang) + " " + fr.price_of_fairness(choice).sentence(lang))
st.markdown(point.result.status_text(lang))
st.dataframe(
    units_and_coverage_table(point.result, names, lang),
    hide_index=True,
    width="stretch",
    column_config=number_columns(
        {t("an.page.coverage_before", lang): PERCENT, t("an.page.coverage_after", lang): PERCENT}
    ),
)

st.subheader(t("an.trade.indicators", lang))
columns = {t("an.trade.ind_point", lang): point.result.districts}
if cur.has_solution:
    columns = {t("an.trade.ind_current", lang): cur.districts} | columns
show_table(equity_indicator_table(columns, lang))

with st.expander(t("an.rule.title", lang)):
    st.caption(t("an.rule.intro", lang))
    kinds = [k for k in equity_rules.RULE_KINDS if k != "maxmin"]
    kind = st.radio(
        t("an.rule.kind", lang), kinds, format_func=lambda k: t(f"an.rule.{k}", lang), key="an_rule"
    )
    if kind == "spread":
        value = st.slider(t("an.rule.value_spread", lang), 0.0, 20.0, 2.0, 0.5, key="an_rule_v1")
    else:
        value = st.slider(t("an.rule.value_floor", lang), 0, 100, 60, 1, key="an_rule_v2")
    if st.button(t("an.rule.solve", lang), key="an_rule_go"):
        share = float(value) / 100
        with st.spinner(t("an.page.computing", lang), show_time=True):
            res = analysis_cache.rule_solve(entry.fingerprint, key, kind, share, scenario)
        if not res.has_solution:
            st.warning(t("an.rule.infeasible", lang))
        else:
            st.markdown(rule_result_line(res, lang))
            rule = equity_rules.EquityRule(kind, share)
            if equity_rules.rule_met(rule, res.allocation, res.districts):
                st.success(t("an.rule.met", lang))
            else:
                st.warning(t("an.rule.not_met", lang))
            show_table(equity_indicator_table({t(f"an.rule.{kind}", lang): res.districts}, lang))
