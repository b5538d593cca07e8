"""What money buys: the budget curve, its marginal value, and the smallest budget for a floor."""

from __future__ import annotations

import math

import streamlit as st

from govdecide import analyses as an
from govdecide.errors import ScenarioError
from govdecide.i18n import fmt_num, t
from govdecide.model.problem import problem_data
from govdecide.present.analysis_charts import budget_curve_chart, marginal_chart
from govdecide.present.analysis_tables import budget_curve_table, settings_line
from govdecide.present.result_tables import funded_pairs_table
from ui import analysis_cache, analysis_page
from ui.messages import stop_on_problems
from ui.tables import LOCALIZED, PERCENT, number_columns

page = analysis_page.start("an.budget.title", "an.budget.intro")
lang, entry, scenario, names, key = page.lang, page.entry, page.scenario, page.names, page.key
settings = page.settings
try:
    base = problem_data(scenario, settings).budget
except ScenarioError as exc:
    stop_on_problems(exc, lang)
equity_weight = settings.equity_weight
if equity_weight is None:
    equity_weight = scenario.policy.equity_weight
st.caption(settings_line(base, equity_weight, lang))

left, right = st.columns(2)
with left:
    low, high = st.slider(
        t("an.budget.range", lang), 0.0, 3.0, (0.5, 1.5), 0.1, key="an_budget_range"
    )
with right:
    n_points = st.slider(
        t("an.budget.points", lang), 3, an.MAX_CURVE_POINTS, 11, key="an_budget_points"
    )
if high <= low:
    high = low + 0.1
grid = tuple(an.budget_grid(base, n_points, low, high))
jobs = analysis_page.jobs_setting(lang)
analysis_page.compute_on_request(page, "curve", grid, len(grid))
try:
    curve = analysis_cache.budget_curve(page, grid, jobs)  # a long one: progress, stop button
except ScenarioError as exc:
    stop_on_problems(exc, lang)

sentence = curve.more_budget_sentence(0.1, lang)
if sentence:
    st.info(sentence, icon=":material/savings:")
if any(p.efficiency is not None for p in curve.points):
    st.altair_chart(budget_curve_chart(curve.frame(), base, lang), width="stretch")
    st.altair_chart(marginal_chart(curve.frame(), base, lang), width="stretch")
    bases = dict.fromkeys(
        p.result.marginal_basis_text(lang) for p in curve.points if p.marginal_value is not None
    )
    for basis in bases:
        st.caption(t("an.cli.marginal_basis", lang, chunk=fmt_num(base * 0.01, lang), basis=basis))
    st.caption(t("an.cli.step_note", lang))
    analysis_page.unproven_warning(curve.unproven, len(curve.points), lang)
else:
    st.warning(t("an.page.no_result", lang, status=curve.points[0].result.status_text(lang)))
with st.expander(t("an.budget.table", lang)):
    st.dataframe(
        budget_curve_table(curve, lang),
        hide_index=True,
        width="stretch",
        column_config=number_columns(
            {
                t("an.col.efficiency", lang): PERCENT,
                t("an.col.equity", lang): PERCENT,
                t("an.col.budget", lang): LOCALIZED,
                t("an.col.spend", lang): LOCALIZED,
                t("an.col.people", lang): LOCALIZED,
            }
        ),
    )
st.caption(t("an.page.time_note", lang, seconds=fmt_num(analysis_page.TIME_LIMIT_S, lang)))

st.subheader(t("an.budget.min_title", lang))
st.caption(t("an.budget.min_note", lang))
current_z = curve.at(base).equity if curve.at(base) is not None else None
start = (
    90 if current_z is None or not math.isfinite(current_z) else min(100, round(current_z * 100))
)
coverage = st.number_input(
    t("an.budget.min_coverage", lang),
    min_value=0.0,
    max_value=100.0,
    value=float(start),
    step=1.0,
    key="an_min_cov",
)
if st.button(t("an.budget.min_solve", lang), key="an_min_go"):
    with st.spinner(t("an.page.computing", lang), show_time=True):
        answer = analysis_cache.min_budget(entry.fingerprint, key, float(coverage) / 100, scenario)
    if answer.budget is not None:
        st.success(answer.sentence(lang))
        res = answer.result
        if res is not None:
            st.dataframe(
                funded_pairs_table(res, names, lang),
                hide_index=True,
                width="stretch",
                column_config=number_columns({t("an.page.coverage_after", lang): PERCENT}),
            )
    else:
        st.warning(answer.sentence(lang))
