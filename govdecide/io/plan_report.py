"""The HTML report of a plan over several years: its sections, and the report made whole.

:func:`plan_part` makes the report's plan sections, each already escaped, for
:func:`govdecide.io.report.render_report` to place where a single-year report has its
figures: the plan's settings in words, its status (and for an infeasible plan the ways
out, naming the year), the plan in sentences (``present.plan_summary``), each year's
figures, what is commissioned when, each district's coverage by year, and the plan's
charts as inline SVG, drawn by vl-convert and rebuilt from the allow-list
(:func:`govdecide.io.report.charts_html`) as the report's own charts are. A chart that
cannot be drawn is named, never left out unsaid. :func:`build_plan_report` solves the
plan (unless given) and renders the whole report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from numbers import Number

import pandas as pd

from govdecide.i18n import SHARE, fmt_quantity, t
from govdecide.io.html_safe import esc, html_table
from govdecide.io.plan_export import (
    PLAN_CHART_TITLES,
    budget_split_table,
    plan_chart_svgs,
    plan_figure_lines,
    plan_settings_lines,
)
from govdecide.io.report import PlanPart, ReportParts, charts_html, render_report
from govdecide.io.scenario import Scenario, display_names
from govdecide.model.settings import Settings
from govdecide.model.years import PlanResult, PlanSettings, solve_plan
from govdecide.model.years.diagnosis import plan_diagnosis_text
from govdecide.present import plan_tables
from govdecide.present.plan_summary import plan_summary

MAX_PLAN_ROWS = 2000  # rows of a table in the report before it says how many are left out


def frame_html(frame: pd.DataFrame, lang: str, max_rows: int = MAX_PLAN_ROWS) -> str:
    """A table of ``present.plan_tables`` as escaped HTML, each figure written by its
    kind's rule (a share, kept there in percent, as a percentage), and a line saying how
    many rows are left out past ``max_rows``."""
    kinds = frame.attrs.get("kinds", {})
    rows = []
    for values in frame.head(max_rows).itertuples(index=False):
        row = []
        for column, value in zip(frame.columns, values):
            kind = kinds.get(column)
            if kind is None:
                row.append((esc(value), isinstance(value, Number) and not isinstance(value, bool)))
                continue
            shown = float(value) / 100 if kind == SHARE else value
            row.append((esc(fmt_quantity(shown, kind, lang)), True))
        rows.append(row)
    out = html_table([str(c) for c in frame.columns], rows)
    if len(frame) > max_rows:
        shown_n, total = (
            fmt_quantity(max_rows, "count", lang),
            fmt_quantity(len(frame), "count", lang),
        )
        out += f"<p>{esc(t('io.rep.rows_cut', lang, shown=shown_n, total=total))}</p>"
    return out


def _pairs_html(pairs: Sequence[tuple[str, str]]) -> str:
    """(item, value) pairs as a two-column table of escaped text."""
    return html_table([], [[(esc(k), False), (esc(v), False)] for k, v in pairs]).replace(
        "<thead><tr></tr></thead>", ""
    )


def plan_part(
    scenario: Scenario,
    result: PlanResult,
    plan: PlanSettings | None,
    lang: str = "en",
    charts_svg: Mapping[str, str] | None = None,
    chart_problems: Sequence[str] = (),
) -> PlanPart:
    """The report's plan sections, (heading, escaped HTML body) each, in reading order."""
    names = display_names(scenario, lang)
    settings_html = _pairs_html(plan_settings_lines(result, plan, scenario, lang))
    sections = [
        (t("plan.rep.h_plan", lang, years=result.years), settings_html),
        (t("plan.rep.h_status", lang), _pairs_html(plan_figure_lines(result, lang))),
    ]
    if not result.has_solution:
        text = plan_diagnosis_text(result.diagnosis, lang, names) if result.diagnosis else ""
        if text:
            sections.append((t("plan.rep.h_diagnosis", lang), f"<p>{esc(text)}</p>"))
        return PlanPart(status=result.status_text(lang), sections=sections)
    sentences = plan_summary(result, names, lang)
    bullets = "<ul>" + "".join(f"<li>{esc(s)}</li>" for s in sentences) + "</ul>"
    charts = charts_html(charts_svg or {}, chart_problems, PLAN_CHART_TITLES, lang)
    sections += [
        (t("plan.rep.h_summary", lang), bullets),
        (t("plan.rep.h_years", lang), frame_html(plan_tables.year_table(result, lang), lang)),
        (t("plan.rep.h_budget", lang), frame_html(budget_split_table(result, lang), lang)),
        (
            t("plan.rep.h_built", lang),
            frame_html(plan_tables.commissioning_table(result, names, lang), lang)
            if (result.allocation["new_units"] > 1e-9).any()
            else f"<p>{esc(t('io.rep.nothing_new', lang))}</p>",
        ),
        (
            t("plan.rep.h_coverage", lang),
            frame_html(plan_tables.district_year_table(result, names, lang), lang),
        ),
    ]
    if charts:
        sections.append((t("plan.rep.h_charts", lang), charts))
    return PlanPart(status=result.status_text(lang), sections=sections)


def build_plan_report(
    scenario: Scenario,
    settings: Settings | None = None,
    plan: PlanSettings | None = None,
    lang: str = "en",
    source: str | None = None,
    result: PlanResult | None = None,
    generated_at: datetime | None = None,
    sections: Sequence[tuple[str, str]] = (),
) -> tuple[str, PlanResult]:
    """Solve the plan (unless ``result`` is given), draw its charts and render the report;
    ``sections`` are more sections, (heading, escaped HTML), after the plan's."""
    settings = settings or Settings()
    if result is None:
        result = solve_plan(scenario, settings, plan)
    charts, problems = plan_chart_svgs(result, scenario, lang) if result.has_solution else ({}, [])
    part = plan_part(scenario, result, plan, lang, charts, problems)
    parts = ReportParts(
        source=source, generated_at=generated_at, plan=part, sections=tuple(sections)
    )
    return render_report(scenario, result.final, settings, lang, parts), result
