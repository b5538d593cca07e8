"""One step of a story on screen: the trainer's Present page and a participant's viewer.

Both draw a step the same way (:func:`show_step`): the step number, the title, the
caption large, the headline figures, the step's chart (or its focus district's words and
the coverage chart), and the "what changed since the last step" sentences, which come
from the library (:func:`govdecide.story.what_changed`), never from the page.

A step cites its scenario by the hash of the scenario's text: a bundled file's (matched
against ``scenarios/*.yaml``), or one stored in the workspace (read through
``stored_text``: the workspace's, or the viewer's, which reads only what its story cites).
Solves go through the app's caches (:mod:`ui.solving`), so stepping back and forth, and
every viewer following the same step, solves nothing twice. A step that is a plan over
several years is solved through the Plan page's cache (:func:`ui.plan_view.solve_cached`)
and shown with that page's sentences, figures and charts (:func:`ui.plan_view.show_plan`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import altair as alt
import streamlit as st

from govdecide.errors import ScenarioError
from govdecide.i18n import fmt_num, fmt_pct, localize, t
from govdecide.io.scenario import Scenario, display_names, parse_scenario
from govdecide.model.result import Result
from govdecide.model.settings import Settings
from govdecide.model.years import PlanResult, PlanSettings
from govdecide.present import charts
from govdecide.store import StepDraft, Story, content_hash
from govdecide.story import SolvedStep, focus_sentence, tell_story, what_changed
from govdecide.story.plan_words import plan_line
from ui import controls, plan_view, solving
from ui.allocate_view import people_and_shares
from ui.maps import district_map
from ui.state import Entry, entries, load_entry, scenario_fingerprint
from ui.text import bullet_list, md_escape

StoredText = Callable[[str], str | None]  # a scenario's YAML by its hash, if stored


@st.cache_data(show_spinner=False, max_entries=64)
def file_hash(path: str, mtime: float) -> str:
    """The content hash of a bundled scenario file, once per file version."""
    return content_hash(Path(path).read_text(encoding="utf-8"))


def bundled_by_hash() -> dict[str, Entry]:
    """The bundled scenarios by the hash of their file's text (what a step cites)."""
    out = {}
    for entry in entries().values():
        if entry.path is not None:
            out[file_hash(str(entry.path), entry.path.stat().st_mtime)] = entry
    return out


@st.cache_resource(show_spinner=False, max_entries=32)
def _stored_scenario(sha256: str, _text: str) -> Scenario:
    """A stored scenario, validated once per server (its text is fixed by its hash)."""
    return parse_scenario(_text, file=sha256[:12])


def step_scenario(step: StepDraft, stored_text: StoredText) -> tuple[Entry, Scenario] | None:
    """The scenario a step cites and its picker entry (for caches and maps); None when
    it is neither bundled (as it was) nor stored."""
    bundled = bundled_by_hash().get(step.scenario_hash)
    try:
        if bundled is not None:
            return bundled, load_entry(bundled)
        text = stored_text(step.scenario_hash)
        if text is None:
            return None
        scenario = _stored_scenario(step.scenario_hash, text)
    except ScenarioError:
        return None
    fingerprint = "upload:" + scenario_fingerprint(scenario)
    entry = Entry(
        f"story-{step.scenario_hash[:12]}",
        scenario.name,
        scenario=scenario,
        fingerprint=fingerprint,
    )
    return entry, scenario


@dataclass(frozen=True)
class ShownStep:
    """A solved step and its scenario's entry (the map needs the scenario's folder)."""

    solved: SolvedStep
    entry: Entry | None


def solve_steps(steps: Sequence[StepDraft], stored_text: StoredText) -> list[ShownStep]:
    """The steps solved with the app's cached solves (see :func:`govdecide.story.tell_story`)."""
    found: dict[str, tuple[Entry, Scenario] | None] = {}

    def scenario_of(step: StepDraft) -> Scenario | None:
        found[step.scenario_hash] = step_scenario(step, stored_text)
        pair = found[step.scenario_hash]
        return None if pair is None else pair[1]

    def solver_of(step: StepDraft, scenario: Scenario) -> Callable[[Settings], Result]:
        entry = found[step.scenario_hash][0]  # type: ignore[index]
        return lambda settings: solving.best_result(entry.fingerprint, scenario, settings)[0]

    def plan_solver_of(
        step: StepDraft, scenario: Scenario
    ) -> Callable[[Settings, PlanSettings], PlanResult]:
        entry = found[step.scenario_hash][0]  # type: ignore[index]
        return lambda settings, plan: plan_view.solve_cached(
            entry.fingerprint, settings.key(), plan.key(), scenario
        )

    told = tell_story(steps, scenario_of, solver_of, plan_solver_of)
    return [ShownStep(s, (found.get(s.step.scenario_hash) or (None,))[0]) for s in told]


def settings_line(
    scenario: Scenario, settings: Settings, lang: str, plan: PlanSettings | None = None
) -> str:
    """The step's policy settings as the Present page writes them (budget, staff, weight),
    the scenario's own values where the step keeps them; then a plan step's plan."""
    specs = controls.control_specs(scenario, lang)
    given = {
        "policy.budget": settings.budget,
        "policy.staff": settings.staff,
        "policy.equity_weight": settings.equity_weight,
    }
    parts = []
    for spec in specs:
        if spec.param in given:
            value = given[spec.param]
            value = spec.default if value is None else value
            parts.append(f"{spec.label}: {fmt_num(value, lang, spec.digits)}")
    if plan is not None:
        parts.append(plan_line(scenario, settings, plan, lang))
    return " · ".join(parts)


def _gains_map(scenario: Scenario, entry: Entry, result: Result, lang: str) -> alt.Chart | None:
    """The map of coverage gains, as the Allocate page's map tab draws it (one builder
    for both once the maps of issue 16 are merged: ``ui.maps.gains_map``)."""
    d = result.districts.set_index("district")
    extra = {
        t("app.chart.before", lang): {k: fmt_pct(v, lang) for k, v in d["coverage_before"].items()},
        t("app.chart.after", lang): {k: fmt_pct(v, lang) for k, v in d["coverage_after"].items()},
    }
    return district_map(
        scenario,
        entry,
        (d["coverage_after"] - d["coverage_before"]) * 100,
        lang,
        title=t("app.chart.gain_title", lang),
        value_title=t("app.chart.gain_axis", lang),
        value_format=".1f",
        extra=extra,
    )


def step_chart(shown: ShownStep, lang: str) -> None:
    """The chart the step asks for (a district focus shows the coverage chart)."""
    solved = shown.solved
    scenario, result = solved.scenario, solved.outcome.result  # type: ignore[union-attr]
    assert scenario is not None
    names = display_names(scenario, lang)
    chart = solved.step.chart
    if chart == "map" and shown.entry is not None:
        drawn = _gains_map(scenario, shown.entry, result, lang)
        if drawn is None:
            st.info(t("app.explore.no_map", lang))
        else:
            st.altair_chart(drawn, width="content")
        return
    if chart in ("spend", "units"):
        measure = "spend" if chart == "spend" else "new_units"
        currency = localize(scenario.currency, lang) if measure == "spend" else ""
        order = [p.id for p in scenario.programs]
        drawn = charts.district_program_bars(
            result.allocation, measure, names, lang, currency=currency, program_order=order
        )
    else:
        drawn = charts.coverage_dumbbell(result.districts, names, lang)
    st.altair_chart(drawn, width="stretch")


def show_step(story: Story, position: int, lang: str, stored_text: StoredText) -> None:
    """Draw the step at ``position`` of ``story`` with what changed since the one before."""
    steps = story.steps
    current = steps[position]
    pair = [steps[position - 1], current] if position > 0 else [current]
    shown = solve_steps(pair, stored_text)
    before, now = (shown[0].solved if len(shown) == 2 else None), shown[-1]
    st.caption(
        t(
            "story.show.step_of",
            lang,
            n=fmt_num(position + 1, lang),
            total=fmt_num(len(steps), lang),
            story=localize(story.title, lang),
        )
    )
    st.title(md_escape(localize(current.title, lang)), anchor=False)
    caption = " ".join(localize(current.caption, lang).split())
    if caption:
        st.subheader(md_escape(caption), anchor=False)
    solved = now.solved
    if not solved.solved:
        key = "story.show.no_scenario" if solved.scenario is None else "story.show.refused"
        st.warning(t(key, lang, scenario=md_escape(current.scenario_id)))
        for message in solved.error.messages(lang) if solved.error else []:
            st.caption(md_escape(message))
        return
    assert solved.scenario is not None and solved.outcome is not None
    st.caption(md_escape(settings_line(solved.scenario, current.settings, lang, current.plan)))
    result, planned = solved.outcome.result, solved.outcome.plan
    if planned is not None:
        result = replace(result, status=planned.status, gap=planned.gap)  # the plan's words
    if result.status != "optimal" or not result.has_solution:
        st.markdown(f"**{md_escape(result.status_text(lang))}**")
    if result.has_solution:
        if planned is not None:
            st.caption(t("story.plan.rep_note", lang))
        people_and_shares(result, lang)
    left, right = st.columns([2, 3], gap="large")
    with left:
        _changes(before, solved, lang)
    with right:
        if result.has_solution:
            step_chart(now, lang)
        else:
            for sentence in result.diagnosis_sentences(lang, display_names(solved.scenario, lang)):
                st.info(md_escape(sentence))
    if planned is not None:
        _plan(planned, solved.scenario, lang)


def _plan(planned: PlanResult, scenario: Scenario, lang: str) -> None:
    """A plan step's plan: the Plan page's status, sentences, figures and charts."""
    st.markdown(f"### {t('story.plan.heading', lang)}")
    names = display_names(scenario, lang)
    if not planned.has_solution:
        plan_view.show_status(planned, names, lang)
        return
    plan_view.show_plan(planned, scenario, names, lang)


def _changes(before: SolvedStep | None, solved: SolvedStep, lang: str) -> None:
    """What changed since the last step, and what the focus district shows."""
    focus = focus_sentence(solved, lang)
    if focus is not None:
        st.markdown(f"**{md_escape(focus)}**")
    st.markdown(f"#### {t('story.show.changed', lang)}")
    sentences = what_changed(before, solved, lang)
    if not sentences:
        st.markdown(md_escape(t("story.show.first", lang)))
    else:
        st.markdown(bullet_list(sentences))
