"""The "Plan over years" page's widgets, its cached solve and what it shows.

The page reads the sidebar's settings (equity weight, weights, staff) like the analysis
pages, adds the plan's own sliders (years, yearly budget and its growth, discount rate,
growth on or off, and two illustrative assumptions where the scenario file is silent),
solves once through :func:`govdecide.model.years.solve_plan` (cached on the server by
scenario version and both settings' keys) and shows the plan's charts, sentences and
tables from ``govdecide.present``.
"""

from __future__ import annotations

import json

import streamlit as st

from govdecide.i18n import fmt_pct, t
from govdecide.io.scenario import Scenario
from govdecide.model.settings import Settings
from govdecide.model.years import PlanResult, PlanSettings, solve_plan
from govdecide.model.years.diagnosis import plan_diagnosis_text
from govdecide.model.years.engine import BY_YEARS_MIN_DISTRICTS
from govdecide.present import plan_charts, plan_tables
from govdecide.present.plan_summary import plan_summary
from govdecide.present.result_tables import table_formats
from govdecide.present.summary import budget_units
from ui.controls import nice_step
from ui.tables import number_columns
from ui.text import bullet_list, label_escape, md_escape

MAX_YEARS_SLIDER = 10
DEFAULT_YEARS = 5
DEFAULT_BUDGET_SHARE = 0.4  # a one-year scenario's yearly budget: this share of its budget
DEFAULT_RUNNING_SHARE = 0.10  # illustrative assumption where no program has a running cost
LARGE_PLAN_TIME_LIMIT_S = 120.0


def _default_budget(scenario: Scenario) -> float:
    """The yearly budget a slider starts at: the scenario's own when it is a plan, else a
    share of its one-year budget (the page's caption says so)."""
    budget = scenario.policy.first_budget
    if scenario.policy.years > 1:
        return budget
    return round(budget * DEFAULT_BUDGET_SHARE / nice_step(budget * 3)) * nice_step(budget * 3)


def plan_controls(scenario: Scenario, lang: str) -> tuple[float | None, PlanSettings]:
    """The plan's sliders; (the yearly budget, the plan's settings). The budget is None
    while the slider stands at a scenario's own first year of a list of yearly budgets:
    then the scenario's list is what the plan uses."""
    policy = scenario.policy
    base = _default_budget(scenario)
    top = max(scenario.policy.first_budget * 3, base * 2, 1.0)
    years_default = policy.years if policy.years > 1 else DEFAULT_YEARS
    left, right = st.columns(2)
    with left:
        years = st.slider(
            t("plan.page.years", lang),
            1,
            MAX_YEARS_SLIDER,
            min(years_default, 10),
            key="plan_years",
        )
        budget = st.slider(
            label_escape(t("plan.page.budget", lang, unit=budget_units(scenario, lang))),
            0.0, float(top), float(base), nice_step(top), format="%.0f", key="plan_budget",
        )  # fmt: skip
        growth_pct = st.slider(
            t("plan.page.budget_growth", lang), -10.0, 10.0, 0.0, 0.5, key="plan_budget_growth"
        )
    with right:
        rate_pct = st.slider(
            t("plan.page.discount", lang), 0.0, 10.0, float(policy.discount_rate * 100), 0.5,
            key="plan_discount",
        )  # fmt: skip
        growth = st.toggle(t("plan.page.growth", lang), value=True, key="plan_growth")
    running_share, need_growth = _assumptions(scenario, lang)
    plan = PlanSettings(
        years=int(years),
        budget_growth=growth_pct / 100 or None,
        discount_rate=rate_pct / 100,
        growth=bool(growth),
        running_share=running_share,
        need_growth=need_growth,
    )
    own_list = isinstance(policy.budget, list)
    if own_list and float(budget) == float(base) and not plan.budget_growth:
        return None, plan
    return float(budget), plan


def _assumptions(scenario: Scenario, lang: str) -> tuple[float | None, float | None]:
    """The two illustrative assumptions, offered only where the file gives nothing."""
    no_running = all(p.running_cost == 0 for p in scenario.programs)
    no_growth = all(d.growth == 0 for d in scenario.districts)
    if not (no_running or no_growth):
        return None, None
    with st.expander(t("plan.page.assumptions", lang), expanded=True):
        st.caption(t("plan.page.assumptions_note", lang))
        running = growth = None
        if no_running:
            running = st.slider(
                t("plan.page.running_share", lang), 0.0, 30.0, DEFAULT_RUNNING_SHARE * 100, 1.0,
                key="plan_running_share",
            ) / 100  # fmt: skip
        if no_growth:
            growth = (
                st.slider(
                    t("plan.page.need_growth", lang), 0.0, 5.0, 0.0, 0.5, key="plan_need_growth"
                )
                / 100
            )
    return running or None, growth or None


def plan_settings(settings: Settings, scenario: Scenario, budget: float | None) -> Settings:
    """The sidebar's settings with the plan's yearly budget; a plan of many districts gets
    LARGE_PLAN_TIME_LIMIT_S unless a time limit is set (its ten single-year solves took
    29-101 s at 3,000 districts, README), so that it can prove its gap."""
    out = settings.with_(budget=budget)
    many = len(scenario.districts) >= BY_YEARS_MIN_DISTRICTS
    own = scenario.policy.solver.time_limit_s if scenario.policy.solver else None
    if many and out.time_limit_s is None and own is None:
        out = out.with_(time_limit_s=LARGE_PLAN_TIME_LIMIT_S)
    return out


@st.cache_data(show_spinner=False, max_entries=32)
def solve_cached(fingerprint: str, key: str, plan_key: str, _scenario: Scenario) -> PlanResult:
    """The plan for these settings, cached by scenario version and settings."""
    return solve_plan(
        _scenario, Settings.from_key(key), PlanSettings.from_dict(json.loads(plan_key))
    )


def show_status(result: PlanResult, names: dict[str, str], lang: str) -> None:
    """The status in words; for an infeasible plan, the ways out naming the year."""
    if result.status == "optimal":
        st.success(result.status_text(lang), icon=":material/check_circle:")
    elif result.status == "feasible":
        st.warning(result.status_text(lang), icon=":material/timer:")
    else:
        st.error(result.status_text(lang))
        text = plan_diagnosis_text(result.diagnosis, lang, names)
        if text:
            st.info(md_escape(text), icon=":material/lightbulb:")


def show_plan(result: PlanResult, scenario: Scenario, names: dict[str, str], lang: str) -> None:
    """The plan: sentences, the four charts, the tables."""
    st.markdown(bullet_list(plan_summary(result, names, lang)))
    cols = st.columns(3)
    last = result.year_figures.iloc[-1]
    cols[0].metric(t("plan.page.objective", lang), fmt_pct(result.objective, lang))
    cols[1].metric(
        t("plan.page.last_e", lang, year=result.years), fmt_pct(last["efficiency"], lang)
    )
    cols[2].metric(t("plan.page.last_z", lang, year=result.years), fmt_pct(last["equity"], lang))
    left, right = st.columns(2)
    with left:
        frame = plan_tables.commissioned_frame(result, names)
        st.altair_chart(plan_charts.commissioned_chart(frame, lang), width="stretch")
    with right:
        frame = plan_tables.budget_frame(result, lang)
        currency = budget_units(scenario, lang)
        st.altair_chart(plan_charts.budget_use_chart(frame, lang, currency), width="stretch")
    left, right = st.columns(2)
    with left:
        frame = plan_tables.scores_frame(result, lang)
        st.altair_chart(plan_charts.scores_chart(frame, lang), width="stretch")
    with right:
        frame = plan_tables.coverage_frame(result, names)
        st.altair_chart(plan_charts.coverage_heatmap(frame, lang), width="stretch")
    for title, table in (
        ("plan.page.table_years", plan_tables.year_table(result, lang)),
        ("plan.page.table_built", plan_tables.commissioning_table(result, names, lang)),
        ("plan.page.table_districts", plan_tables.district_year_table(result, names, lang)),
    ):
        with st.expander(t(title, lang)):
            st.dataframe(
                table, hide_index=True, width="stretch",
                column_config=number_columns(table_formats(table)),
            )  # fmt: skip
