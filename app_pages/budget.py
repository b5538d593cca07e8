"""What money buys: the budget curve, its marginal value, and the smallest budget for a floor."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from govdecide import analyses as an
from govdecide.errors import ScenarioError
from govdecide.i18n import fmt_num, t
from govdecide.io.scenario import Scenario
from govdecide.model.problem import problem_data
from govdecide.model.settings import Settings
from govdecide.present.analysis_charts import budget_curve_chart, marginal_chart, marginal_points
from ui import analysis_page
from ui.text import md_escape


@st.cache_data(show_spinner=False, max_entries=32)
def _curve(
    fingerprint: str, key: tuple, budgets: tuple[float, ...], _scenario: Scenario
) -> an.BudgetCurve:
    """The budget curve, cached by scenario version, settings and grid."""
    return an.budget_curve(_scenario, Settings.from_key(key), budgets=list(budgets))


@st.cache_data(show_spinner=False, max_entries=32)
def _min_budget(fingerprint: str, key: tuple, coverage: float, _scenario: Scenario) -> an.MinBudget:
    """The smallest budget for a coverage floor, cached likewise."""
    return an.min_budget(_scenario, Settings.from_key(key), coverage)


def curve_table(curve: an.BudgetCurve, lang: str) -> pd.DataFrame:
    """The curve's figures under readable headings: the marginal value at each budget (the
    engine's, per 1% of the current budget), the step average, and each point's status."""
    frame = curve.frame()
    chunk = fmt_num(curve.base_budget * 0.01, lang)
    return pd.DataFrame(
        {
            t("an.col.budget", lang): frame["budget"],
            t("an.col.spend", lang): frame["spend"],
            t("an.col.efficiency", lang): frame["efficiency"],
            t("an.col.equity", lang): frame["equity"],
            t("an.col.people", lang): frame["people_served"],
            t("an.chart.marginal_axis", lang, chunk=chunk): marginal_points(
                frame, curve.base_budget
            ),
            t("an.chart.step_people", lang): frame["step_people"],
            t("an.col.status", lang): [an.status_words(p.result, lang) for p in curve.points],
        }
    )


page = analysis_page.start("an.budget.title", "an.budget.intro")
lang, entry, scenario, names, key = page.lang, page.entry, page.scenario, page.names, page.key
settings = page.settings
try:
    base = problem_data(scenario, settings).budget
except ScenarioError as exc:
    for message in exc.messages(lang):
        st.warning(md_escape(message))
    st.stop()
equity_weight = settings.equity_weight
if equity_weight is None:
    equity_weight = scenario.policy.equity_weight
st.caption(
    t(
        "an.page.settings_line",
        lang,
        budget=fmt_num(base, lang),
        lam=fmt_num(equity_weight, lang, 2),
    )
)

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
analysis_page.compute_on_request(page, "curve", grid, len(grid))
with st.spinner(t("an.page.computing", lang), show_time=True):
    curve = _curve(entry.fingerprint, key, grid, scenario)

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
        curve_table(curve, lang),
        hide_index=True,
        width="stretch",
        column_config={
            t("an.col.efficiency", lang): st.column_config.NumberColumn(format="percent"),
            t("an.col.equity", lang): st.column_config.NumberColumn(format="percent"),
            t("an.col.budget", lang): st.column_config.NumberColumn(format="localized"),
            t("an.col.spend", lang): st.column_config.NumberColumn(format="localized"),
            t("an.col.people", lang): st.column_config.NumberColumn(format="localized"),
        },
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
        answer = _min_budget(entry.fingerprint, key, float(coverage) / 100, scenario)
    if answer.budget is not None:
        st.success(answer.sentence(lang))
        res = answer.result
        if res is not None:
            rows = res.allocation[res.allocation["new_units"] > 0]
            st.dataframe(
                pd.DataFrame(
                    {
                        t("an.page.district", lang): [names.get(d, d) for d in rows["district"]],
                        t("an.page.program", lang): [names.get(p, p) for p in rows["program"]],
                        t("an.page.new_units", lang): rows["new_units"].to_numpy(),
                        t("an.page.spend", lang): rows["spend"].to_numpy(),
                        t("an.page.coverage_after", lang): rows["coverage_after"].to_numpy(),
                    }
                ),
                hide_index=True,
                width="stretch",
                column_config={
                    t("an.page.coverage_after", lang): st.column_config.NumberColumn(
                        format="percent"
                    )
                },
            )
    else:
        st.warning(answer.sentence(lang))
