"""Plan over years: phase the investments over a five-year plan, with running costs."""

from __future__ import annotations

import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import t
from ui import analysis_page, plan_downloads, plan_saving, plan_view
from ui.messages import stop_on_problems

page = analysis_page.start("plan.page.title", "plan.page.intro", time_limit=False, one_year=False)
lang, entry, scenario, names = page.lang, page.entry, page.scenario, page.names
budget, plan = plan_view.plan_controls(scenario, lang)
settings = plan_view.plan_settings(page.settings, scenario, budget)
analysis_page.compute_on_request(page, "plan", plan.key(), plan.years or 1)
try:
    with st.spinner(t("plan.page.solving", lang), show_time=True):
        result = plan_view.solve_cached(entry.fingerprint, settings.key(), plan.key(), scenario)
except ScenarioError as exc:
    stop_on_problems(exc, lang)
plan_view.show_status(result, names, lang)
if result.has_solution:
    plan_view.show_plan(result, scenario, names, lang)
    plan_saving.plan_saving(entry, settings, plan, result, lang)
plan_downloads.show_downloads(page, result, settings, plan)
