"""The Allocate page's body: sliders, headline figures, summary, charts and table.

Everything below the page title is one fragment, so moving a slider reruns only this
part of the page (no full-page flash), and solves come from the caches of
:mod:`ui.solving`. The exact solve runs in a background thread; a small polling fragment
shows its progress and reruns the page once when it is done.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from govdecide.errors import ScenarioError
from govdecide.i18n import fmt_num, fmt_pct, localize, t
from govdecide.io.scenario import Scenario, display_names
from govdecide.model.result import Result
from govdecide.model.settings import Settings
from govdecide.present import charts
from govdecide.present.result_tables import district_outcome_table
from govdecide.present.summary import (
    basis_text,
    budget_step,
    budget_units,
    effective_weights,
    marginal_sentences,
    marginal_text,
    marginal_value,
    points_change,
    resolved_gain,
    signed,
    summarize,
)
from ui import controls, solving
from ui.maps import district_map
from ui.messages import warn_problems
from ui.state import Entry, set_page_query, sync_query_params
from ui.tables import LOCALIZED, number_columns
from ui.text import bullet_list, label_escape, md_escape

NEXT_BUDGET_MAX_DISTRICTS = 200  # re-solve for "what more money buys" only when quick
_OPEN_TAB = "_govdecide_open_chart_tab"
_TAB_DEFAULTS = "_govdecide_chart_tab_defaults"


def slider_panel(entry: Entry, specs: list[controls.ControlSpec], lang: str) -> dict[str, float]:
    """Draw the sliders (policy first, program weights in an expander); return values."""
    store = controls.stored_values(entry.key)
    values = controls.current_values(entry.key, specs)
    policy = [s for s in specs if s.param.startswith("policy.")]
    weights = [s for s in specs if s.param.startswith("programs.")]

    def draw(spec: controls.ControlSpec) -> None:
        """One slider, seeded from the store (its own state may have been dropped).

        The seed is the slider's default value, not a session-state assignment: a value
        the browser sends for it wins over a default. After a server restart the browser
        reconnects to a new session and sends the values its sliders show, which can be
        newer than the address (moves made while a long solve ran); assigning the seed
        would overwrite them with the address's older values.
        """
        key = controls.widget_key(entry.key, spec)
        seed = {} if key in st.session_state else {"value": values[spec.param]}
        fmt = "localized" if spec.digits == 0 else f"%.{spec.digits}f"
        value = st.slider(
            label_escape(spec.label),
            min_value=spec.min,
            max_value=spec.max,
            step=spec.step,
            key=key,
            help=spec.help,
            format=fmt,
            **seed,
        )
        store[spec.param] = float(value)
        values[spec.param] = float(value)

    for spec in policy:
        draw(spec)
    if weights:
        with st.expander(t("app.alloc.weights", lang), expanded=False):
            for spec in weights:
                draw(spec)
    st.button(
        t("app.alloc.reset", lang),
        key=f"reset:{entry.key}",
        type="tertiary",
        on_click=_reset,
        args=(entry.key, specs),
    )
    return values


def _reset(scenario_key: str, specs: list[controls.ControlSpec]) -> None:
    """Button callback: every slider back to the scenario's own setting.

    It must be a callback: widget state set during the script run would be overwritten by
    the browser's copy of the old values on the rerun that follows.
    """
    for spec in specs:
        st.session_state[controls.widget_key(scenario_key, spec)] = spec.default
    controls.stored_values(scenario_key).clear()


def status_box(result: Result, lang: str, exact: bool) -> None:
    """The solve status in words, honest about how close a time-limited answer is."""
    text = result.status_text(lang)  # says "proven within" the gap itself when there is one
    if result.status == "optimal":
        st.success(text, icon=":material/verified:")
    elif result.status == "feasible":
        st.info(text, icon=":material/timer:")
    elif result.status == "infeasible":
        st.warning(text, icon=":material/block:")
    else:
        st.warning(text, icon=":material/error:")
    if exact:
        st.caption(t("app.alloc.from_exact", lang))


def headline(
    scenario: Scenario,
    result: Result,
    lang: str,
    settings: Settings,
    next_result: Result | None = None,
    wait_for_next: bool = False,
) -> DeltaGenerator:
    """The headline figures, each with its meaning on hover; returns the last tile's slot.

    With ``wait_for_next`` the last tile (what more budget buys) shows "…" until the page
    fills it with :func:`marginal_tile`, after the re-solve with more budget.
    """
    currency = budget_units(scenario, lang)
    people_and_shares(result, lang)
    c4, c5, c6 = st.columns(3)
    c4.metric(
        t("app.kpi.budget", lang),
        fmt_num(result.budget_used, lang),
        help=t("app.kpi.budget_help", lang, budget=fmt_num(result.budget, lang), currency=currency),
        border=True,
    )
    staff_help = (
        t("app.kpi.staff_help", lang, staff=fmt_num(result.staff, lang))
        if result.staff is not None
        else t("app.kpi.staff_nolimit", lang)
    )
    c5.metric(
        t("app.kpi.staff", lang),
        fmt_num(result.staff_used, lang),
        help=staff_help,
        border=True,
    )
    slot = c6.empty()
    if next_result is not None or not wait_for_next:
        marginal_tile(slot, scenario, result, lang, settings, next_result)
    else:
        slot.metric(
            t("app.kpi.marginal", lang, step=fmt_num(budget_step(scenario, result.budget), lang)),
            "…",
            border=True,
        )
    return slot


def marginal_tile(
    slot: DeltaGenerator,
    scenario: Scenario,
    result: Result,
    lang: str,
    settings: Settings,
    next_result: Result | None,
) -> None:
    """What more budget buys: re-solved people when available, else the shadow price."""
    currency = budget_units(scenario, lang)
    step = budget_step(scenario, result.budget)
    gain = resolved_gain(result, next_result)
    if gain is not None:
        label = t("app.kpi.marginal_people", lang, step=fmt_num(step, lang))
        value = signed(gain, lang)
        basis = t("app.sum.basis_resolve", lang, step=fmt_num(step, lang))
    else:
        label = t("app.kpi.marginal", lang, step=fmt_num(step, lang))
        mv = marginal_value(result, effective_weights(scenario, settings), step)
        value, basis = marginal_text(mv, lang), basis_text(mv, lang)
    slot.metric(
        label,
        value,
        help=t("app.kpi.marginal_help", lang, basis=basis, currency=currency),
        border=True,
    )


def people_and_shares(result: Result, lang: str) -> None:
    """The first row of headline figures (people newly served, E and z with their change),
    shared by the Allocate page and the presenter view so both say the same thing."""
    c1, c2, c3 = st.columns(3)
    c1.metric(
        t("app.kpi.people", lang),
        fmt_num(result.people_newly_served, lang),
        help=t("app.kpi.people_help", lang),
        border=True,
    )
    c2.metric(
        t("app.kpi.efficiency", lang),
        fmt_pct(result.efficiency, lang),
        delta=points_change(result.efficiency, result.efficiency_before, lang),
        help=t("app.kpi.efficiency_help", lang),
        border=True,
    )
    c3.metric(
        t("app.kpi.equity", lang),
        fmt_pct(result.equity, lang),
        delta=points_change(result.equity, result.equity_before, lang),
        help=t("app.kpi.equity_help", lang),
        border=True,
    )


def diagnosis(result: Result, scenario: Scenario, lang: str) -> None:
    """Why no allocation fits, and the smallest changes that would make one fit."""
    sentences = result.diagnosis_sentences(lang, display_names(scenario, lang))
    if not sentences:
        if result.status == "infeasible":
            st.info(t("app.alloc.no_diagnosis", lang))
        return
    st.markdown("**" + t("app.alloc.ways_out", lang) + "**")
    for sentence in sentences:
        st.info(md_escape(sentence), icon=":material/lightbulb:")


def charts_tabs(scenario: Scenario, entry: Entry, result: Result, lang: str) -> None:
    """Spend and units per district by program, coverage dumbbell, map of coverage gain."""
    names = display_names(scenario, lang)
    currency = localize(scenario.currency, lang)
    order = [p.id for p in scenario.programs]
    # Only the open tab is drawn (a tab switch reruns this fragment from the cache), so
    # a slider move sends one chart to the browser instead of four.
    labels = [
        t("app.alloc.tab_spend", lang),
        t("app.alloc.tab_units", lang),
        t("app.alloc.tab_coverage", lang),
        t("app.alloc.tab_map", lang),
    ]
    # the tab widget is keyed by language (its value is a label); the open tab's position
    # is kept separately so a language switch keeps the same chart open. The default is
    # fixed when the widget is created: a changing default would make it a new widget.
    key = f"alloc_tabs:{lang}"
    defaults = st.session_state.setdefault(_TAB_DEFAULTS, {})
    if key not in st.session_state:
        opened = st.session_state.get(_OPEN_TAB, 0)
        defaults[lang] = labels[opened] if 0 <= opened < len(labels) else labels[0]
    tabs = st.tabs(labels, key=key, default=defaults.get(lang), on_change="rerun")
    st.session_state[_OPEN_TAB] = next((i for i, tab in enumerate(tabs) if tab.open), 0)
    if tabs[0].open:
        tabs[0].altair_chart(
            charts.district_program_bars(
                result.allocation, "spend", names, lang, currency=currency, program_order=order
            ),
            width="stretch",
        )
    if tabs[1].open:
        tabs[1].altair_chart(
            charts.district_program_bars(
                result.allocation, "new_units", names, lang, program_order=order
            ),
            width="stretch",
        )
    if tabs[2].open:
        tabs[2].altair_chart(
            charts.coverage_dumbbell(result.districts, names, lang), width="stretch"
        )
    if tabs[3].open:
        d = result.districts.set_index("district")
        gain = (d["coverage_after"] - d["coverage_before"]) * 100
        extra = {
            t("app.chart.before", lang): {k: fmt_pct(v, lang) for k, v in
                                          d["coverage_before"].items()},
            t("app.chart.after", lang): {k: fmt_pct(v, lang) for k, v in
                                         d["coverage_after"].items()},
        }
        chart = district_map(
            scenario,
            entry,
            gain,
            lang,
            title=t("app.chart.gain_title", lang),
            value_title=t("app.chart.gain_axis", lang),
            value_format=".1f",
            extra=extra,
        )
        if chart is None:
            tabs[3].info(t("app.explore.no_map", lang))
        else:
            tabs[3].altair_chart(chart, width="content")


def allocation_table(scenario: Scenario, result: Result, lang: str) -> None:
    """The full allocation, one row per district and program, sortable by any column."""
    table = district_outcome_table(scenario, result, lang)
    only_new = st.toggle(t("app.alloc.only_new", lang), value=False, key="alloc_only_new")
    if only_new:
        table = table[table[t("app.col.new_units", lang)] > 0]
    number = number_columns(
        {
            t("app.col.new_units", lang): "%.2f",
            t("app.col.spend", lang): LOCALIZED,
            t("app.col.staff", lang): "%.1f",
            t("app.col.need", lang): LOCALIZED,
            t("app.col.served", lang): LOCALIZED,
            t("app.col.coverage_before", lang): "%.1f",
            t("app.col.coverage_after", lang): "%.1f",
        }
    )
    st.dataframe(table, hide_index=True, column_config=number, width="stretch")


def exact_panel(entry: Entry, scenario: Scenario, settings: Settings, lang: str) -> None:
    """Offer an exact solve of a time-limited answer, and show its progress while it runs."""
    job = solving.exact_job(entry.fingerprint, settings)
    if job is None or (job.done and job.result is None):
        if job is not None and job.error:
            st.warning(t("app.alloc.exact_failed", lang))
        if solving.server_was_busy():
            st.warning(
                t("app.alloc.exact_busy", lang, n=solving.MAX_RUNNING_EXACT),
                icon=":material/hourglass_disabled:",
            )
        label = t("app.alloc.exact_button", lang, minutes=int(solving.EXACT_TIME_LIMIT_S // 60))
        st.button(
            label,
            key="exact_start",
            icon=":material/hourglass_top:",
            on_click=solving.start_exact,
            args=(entry.fingerprint, scenario, settings),
        )
        st.caption(t("app.alloc.exact_note", lang))
        return
    if not job.done:
        _exact_progress(entry.fingerprint, settings, lang)


@st.fragment(run_every=1.0)
def _exact_progress(fingerprint: str, settings: Settings, lang: str) -> None:
    """Poll the background solve once a second; rerun the page when it has finished."""
    job = solving.exact_job(fingerprint, settings)
    if job is None:
        return
    if job.done:
        st.rerun()
    elapsed = job.elapsed()
    st.progress(
        min(elapsed / job.time_limit_s, 1.0),
        text=t(
            "app.alloc.exact_running",
            lang,
            seconds=fmt_num(elapsed, lang),
            limit=fmt_num(job.time_limit_s, lang),
        ),
    )


@st.fragment
def allocate_fragment(entry: Entry, scenario: Scenario, lang: str) -> None:
    """Sliders and everything that depends on them (reruns alone when a slider moves)."""
    specs = controls.control_specs(scenario, lang)
    left, right = st.columns([1, 3], gap="large")
    with left:
        st.subheader(t("app.alloc.settings", lang))
        values = slider_panel(entry, specs, lang)
    set_page_query(controls.query_from_values(specs, values))
    sync_query_params()
    settings = controls.settings_from_values(values)
    with right:
        show_result(entry, scenario, settings, lang)


def show_result(entry: Entry, scenario: Scenario, settings: Settings, lang: str) -> None:
    """Status, headline figures, summary, charts and table for these settings."""
    try:
        with st.spinner(t("app.alloc.solving", lang), show_time=True):
            result, exact = solving.best_result(entry.fingerprint, scenario, settings)
    except ScenarioError as exc:
        warn_problems(exc, lang, icon=":material/warning:")
        return
    status_box(result, lang, exact)
    if not result.has_solution:
        diagnosis(result, scenario, lang)
        if result.status == "no_solution":
            exact_panel(entry, scenario, settings, lang)
        return
    resolve = result.status == "optimal" and len(scenario.districts) <= NEXT_BUDGET_MAX_DISTRICTS
    # Everything that depends on this solve is drawn first; the re-solve with more budget
    # (for "what more money buys") comes last, so the new allocation shows at once.
    marginal_slot = headline(scenario, result, lang, settings, wait_for_next=resolve)
    if result.status == "feasible" and not exact:
        exact_panel(entry, scenario, settings, lang)
    st.subheader(t("app.alloc.summary", lang))
    sentences = summarize(scenario, result, lang, settings, marginal=False)
    st.markdown(bullet_list(sentences))
    marginal_slot_text = st.empty()
    marginal_slot_text.caption("…")
    charts_tabs(scenario, entry, result, lang)
    st.subheader(t("app.alloc.table", lang))
    allocation_table(scenario, result, lang)
    next_result = next_budget_result(entry, scenario, settings, result) if resolve else None
    if resolve:
        marginal_tile(marginal_slot, scenario, result, lang, settings, next_result)
    more = marginal_sentences(scenario, result, lang, settings, next_result)
    marginal_slot_text.markdown(bullet_list(more) or " ")


def next_budget_result(
    entry: Entry, scenario: Scenario, settings: Settings, result: Result
) -> Result | None:
    """The same solve with one budget step more (None when the settings are rejected)."""
    step = budget_step(scenario, result.budget)
    try:
        return solving.solve(
            entry.fingerprint,
            scenario,
            solving.interactive(settings.with_(budget=result.budget + step)),
        )
    except ScenarioError:
        return None
