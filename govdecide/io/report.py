"""A decision, filed: one self-contained HTML file that opens without internet.

The report carries everything an auditor needs to see what was decided and why: the
scenario's name and data sources, every setting in effect, the headline figures, the
charts (inline SVG), the plain-language summary, the equity indicators, the allocation,
the app and model version and the time it was made; made from a workspace, also its whole
decision log (``ReportParts.decisions``, or :func:`with_decision_log` on a page drawn
without it). Text is in the reader's language.

Safety: every text goes through :func:`esc` (one plain line, then :func:`html.escape`), so
a district named ``<script>alert(1)</script>`` is shown, never run. The charts' SVG is
parsed and rebuilt from an allow-list (:func:`inline_svg`), never filtered by pattern: a
pattern cannot tell a name drawn as text from markup, and dropped whole charts for names
like ``x onload=y``. A chart that cannot be drawn or read is named in the report, never
left out unsaid. The file references nothing outside itself: no scripts, fonts, style
sheets, images or links, not even an XML namespace URL (inline SVG in HTML needs none).

The pieces come from their owners: charts from :mod:`govdecide.present.charts` (via
:func:`govdecide.io.exports.result_charts`), the summary from :mod:`govdecide.present.summary`, the
indicators from :mod:`govdecide.analyses.equity_indices`. :func:`render_report` takes them as
inputs so the page and the tests can pass their own; :func:`build_report` gathers them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pandas as pd

import govdecide
from govdecide.i18n import localize, normalize_lang, t
from govdecide.io.exports import CHART_TITLES, display_word
from govdecide.io.exports import fmt_quantity as num
from govdecide.io.html_safe import esc, html_table, inline_svg
from govdecide.io.scenario import Scenario, display_names
from govdecide.model.engine import Allocator
from govdecide.model.problem import ProblemData, problem_data
from govdecide.model.result import Result
from govdecide.model.settings import Settings
from govdecide.present.workspace_tables import decision_log_text
from govdecide.store.records import Decision

MAX_ALLOCATION_ROWS = 2000
LOG_MARK = "<!--govdecide:decision-log-->"  # where a workspace's decision log goes


@dataclass(frozen=True)
class PlanPart:
    """A plan over several years in the report (:mod:`govdecide.io.plan_report`): shown in
    place of the single-year figures, charts and allocation, which a plan's last year
    alone would misstate (its budget is one year's, its units the whole plan's)."""

    status: str  # the plan's status in words
    sections: Sequence[tuple[str, str]]  # (heading, escaped HTML body), in order


@dataclass(frozen=True)
class ReportParts:
    """What a report shows beside the result: made by their owners, passed in here."""

    charts_svg: Mapping[str, str] = field(default_factory=dict)  # title-less id -> SVG
    chart_problems: Sequence[str] = ()  # a sentence for each chart that could not be drawn
    summary: Sequence[str] = ()
    equity: pd.DataFrame | None = None  # govdecide.analyses.equity_indices.indicators_table
    source: str | None = None  # where the scenario came from (file name)
    generated_at: datetime | None = None
    # more sections from their owners (a workshop room's): (heading, escaped HTML body)
    sections: Sequence[tuple[str, str]] = ()
    decisions: Sequence[Decision] | None = None  # the log, when made from a workspace
    labels: Mapping[str, str] = field(default_factory=dict)  # scenario id -> name
    plan: PlanPart | None = None  # a plan over several years, when the report is of one


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","PingFang SC",
"Microsoft YaHei",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;
line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;
border-bottom:1px solid #ccc;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#555;font-size:.9rem}.status{font-weight:600}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.6rem}
.fig{border:1px solid #ddd;border-radius:6px;padding:.5rem .7rem}
.fig .v{font-size:1.3rem;font-weight:600}.fig .l{font-size:.85rem;color:#444}
figure{margin:1rem 0}figure svg{width:100%;max-width:44rem;height:auto}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}figure{break-inside:avoid}}
"""


def _settings_rows(
    scenario: Scenario, data: ProblemData, settings: Settings, lang: str
) -> list[list[tuple[str, bool]]]:
    """Every setting in effect, with where it came from (scenario or changed for this run)."""
    policy = scenario.policy

    def origin(changed: bool) -> str:
        """Whether a setting was changed for this run or is the scenario's own."""
        return esc(t("io.rep.changed" if changed else "io.rep.from_scenario", lang))

    rows = [
        [
            (esc(t("io.fig.budget", lang)), False),
            (esc(num(data.budget, "money", lang)), True),
            (origin(settings.budget is not None and settings.budget != policy.budget), False),
        ],
        [
            (esc(t("io.fig.staff", lang)), False),
            (
                esc(
                    num(data.staff, "units", lang)
                    if data.staff is not None
                    else t("io.rep.no_limit", lang)
                ),
                True,
            ),
            (origin(settings.staff is not None and settings.staff != policy.staff), False),
        ],
        [
            (esc(t("io.fig.equity_weight", lang)), False),
            (esc(num(data.equity_weight, "weight", lang)), True),
            (
                origin(
                    settings.equity_weight is not None
                    and settings.equity_weight != policy.equity_weight
                ),
                False,
            ),
        ],
    ]
    names = display_names(scenario, lang)
    for p in scenario.programs:
        weight = float(data.programs.loc[p.id, "weight"])
        rows.append(
            [
                (esc(t("io.rep.weight_of", lang, program=names[p.id])), False),
                (esc(num(weight, "weight", lang)), True),
                (origin(weight != p.weight), False),
            ]
        )
    for label, value, is_number in (
        (t("io.rep.solver", lang), display_word("solver", data.solver, lang), False),
        (t("io.rep.method", lang), display_word("method", data.method, lang), False),
        (t("io.rep.time_limit", lang), num(data.time_limit_s, "units", lang), True),
        (t("io.rep.gap_setting", lang), num(data.gap, "gap", lang), True),
        (
            t("io.rep.integer", lang),
            t("io.rep.yes" if settings.integer else "io.rep.no", lang),
            False,
        ),
    ):
        rows.append([(esc(label), False), (esc(value), is_number), ("", False)])
    return rows


def _before_after(before: float | None, after: float | None, lang: str) -> str:
    """Two shares as 'before → after'."""
    return f"{num(before, 'share', lang)} → {num(after, 'share', lang)}"


def _headline_cards(result: Result, lang: str) -> str:
    """The headline figures as cards: what a reader takes in before any table."""
    cards: list[tuple[str, str]] = [
        (t("io.fig.people_newly_served", lang), num(result.people_newly_served, "people", lang)),
        (
            t("io.rep.efficiency", lang),
            _before_after(result.efficiency_before, result.efficiency, lang),
        ),
        (
            t("io.rep.equity", lang),
            _before_after(result.equity_before, result.equity, lang),
        ),
        (
            t("io.fig.budget_used", lang),
            t(
                "io.rep.of",
                lang,
                used=num(result.budget_used, "money", lang),
                total=num(result.budget, "money", lang),
            ),
        ),
    ]
    if result.staff is not None:
        cards.append(
            (
                t("io.fig.staff_used", lang),
                t(
                    "io.rep.of",
                    lang,
                    used=num(result.staff_used, "units", lang),
                    total=num(result.staff, "units", lang),
                ),
            )
        )
    cards.append((t("io.fig.objective", lang), num(result.objective, "score", lang)))
    if result.gap is not None:
        cards.append((t("io.rep.gap", lang), num(result.gap, "gap", lang)))
    return (
        '<div class="figures">'
        + "".join(
            f'<div class="fig"><div class="v">{esc(v)}</div><div class="l">{esc(k)}</div></div>'
            for k, v in cards
        )
        + "</div>"
    )


def _unit(unit: str | Mapping[str, str] | None, lang: str) -> str:
    """An indicator's unit in ``lang``: a unit given as one plain word the catalogue knows
    (``share``, as in SCENARIO_FORMAT.md's example) is translated; other texts as given."""
    if unit is None:
        return ""
    if isinstance(unit, str):
        return display_word("unit", unit.strip().lower(), lang) if unit.strip() else ""
    return localize(unit, lang)


def _sources(scenario: Scenario, source: str | None, lang: str) -> str:
    """Where the data come from: the file, the attribution, each indicator's source."""
    parts = []
    if source:
        parts.append(f"<p>{esc(t('io.rep.file', lang, file=source))}</p>")
    if scenario.attribution is not None:
        parts.append(f"<p>{esc(localize(scenario.attribution, lang))}</p>")
    rows = []
    for ind in scenario.indicators:
        name = localize(ind.name, lang) if ind.name is not None else ind.id
        if ind.illustrative:
            name += " " + t("io.rep.illustrative", lang)
        rows.append(
            [
                (esc(name), False),
                (esc(_unit(ind.unit, lang)), False),
                (esc(localize(ind.source, lang)) if ind.source is not None else "", False),
            ]
        )
    if rows:
        parts.append(
            html_table(
                [t("io.rep.indicator", lang), t("io.rep.unit", lang), t("io.rep.source", lang)],
                rows,
            )
        )
    if not parts:
        parts.append(f"<p>{esc(t('io.rep.no_sources', lang))}</p>")
    return "".join(parts)


def _equity_html(equity: pd.DataFrame | None, lang: str) -> str:
    """The equity indicators before and after, with one line on how to read each."""
    if equity is None or equity.empty:
        return f"<p>{esc(t('io.rep.no_equity', lang))}</p>"
    from govdecide.analyses import equity_indices as eq

    rows = []
    for _, r in equity.iterrows():
        name = str(r["indicator"])
        rows.append(
            [
                (esc(eq.indicator_name(name, lang)), False),
                (esc(num(r["before"], "index", lang)), True),
                (esc(num(r["after"], "index", lang)), True),
                (esc(num(r["change"], "index", lang)), True),
                (esc(eq.explain(name, lang)), False),
            ]
        )
    return html_table(
        [
            t("io.rep.indicator", lang),
            t("io.rep.before", lang),
            t("io.rep.after", lang),
            t("io.rep.change", lang),
            t("io.rep.meaning", lang),
        ],
        rows,
    )


def _allocation_html(result: Result, scenario: Scenario, lang: str) -> str:
    """Districts (coverage before/after) and the non-zero new units, district by program."""
    names = display_names(scenario, lang)
    d = result.districts
    district_rows = [
        [
            (esc(names.get(r["district"], r["district"])), False),
            (esc(num(r["population"], "people", lang)), True),
            (esc(num(r["spend"], "money", lang)), True),
            (esc(num(r["newly_served"], "people", lang)), True),
            (esc(num(r["coverage_before"], "share", lang)), True),
            (esc(num(r["coverage_after"], "share", lang)), True),
        ]
        for _, r in d.iterrows()
    ]
    out = (
        "<h3>"
        + esc(t("io.rep.by_district", lang))
        + "</h3>"
        + html_table(
            [
                t("io.col.district", lang),
                t("io.col.population", lang),
                t("io.col.spend", lang),
                t("io.col.newly_served", lang),
                t("io.rep.coverage_before", lang),
                t("io.rep.coverage_after", lang),
            ],
            district_rows,
        )
    )
    a = result.allocation
    a = a[a["new_units"] > 1e-9]
    rows = [
        [
            (esc(names.get(r["district"], r["district"])), False),
            (esc(names.get(r["program"], r["program"])), False),
            (esc(num(r["new_units"], "units", lang)), True),
            (esc(num(r["spend"], "money", lang)), True),
        ]
        for _, r in a.head(MAX_ALLOCATION_ROWS).iterrows()
    ]
    out += "<h3>" + esc(t("io.rep.new_units", lang)) + "</h3>"
    if not rows:
        out += f"<p>{esc(t('io.rep.nothing_new', lang))}</p>"
    else:
        out += html_table(
            [
                t("io.col.district", lang),
                t("io.col.program", lang),
                t("io.col.new_units", lang),
                t("io.col.spend", lang),
            ],
            rows,
        )
        if len(a) > MAX_ALLOCATION_ROWS:
            shown, total = num(MAX_ALLOCATION_ROWS, "count", lang), num(len(a), "count", lang)
            out += f"<p>{esc(t('io.rep.rows_cut', lang, shown=shown, total=total))}</p>"
    return out


def render_report(
    scenario: Scenario,
    result: Result,
    settings: Settings | None = None,
    lang: str = "en",
    parts: ReportParts | None = None,
) -> str:
    """The report as one HTML document (a string), from a solved result and its pieces."""
    lang = normalize_lang(lang)
    settings = settings or Settings()
    parts = parts or ReportParts()
    title = t("io.rep.title", lang, scenario=localize(scenario.name, lang))
    status = parts.plan.status if parts.plan else result.status_text(lang)
    body = [
        f"<h1>{esc(title)}</h1>",
        *_opening(scenario, status, lang, parts.generated_at or datetime.now(UTC)),
    ]
    if parts.plan is not None:
        body += [
            f"<h2>{esc(heading)}</h2>{html_body}" for heading, html_body in parts.plan.sections
        ]
    else:
        body += _findings(scenario, result, lang, parts)
    body.append(_section("io.rep.h_settings", lang, _settings_table(scenario, settings, lang)))
    if result.has_solution and parts.plan is None:
        body += _result_sections(scenario, result, lang, parts)
    body += [f"<h2>{esc(heading)}</h2>{html_body}" for heading, html_body in parts.sections]
    body.append(_decision_log(parts.decisions, parts.labels, lang))
    body.append(_section("io.rep.h_sources", lang, _sources(scenario, parts.source, lang)))
    footer = t(
        "io.rep.footer",
        lang,
        status=display_word("status", result.status, lang),
        method=display_word("method", result.method, lang),
        solver=display_word("solver", result.solver, lang),
    )
    body.append(f'<p class="meta">{esc(footer)}</p>')
    return _page(title, lang, body)


def _decision_log(
    decisions: Sequence[Decision] | None, labels: Mapping[str, str], lang: str
) -> str:
    """A workspace's decision log, every entry (or the mark where it goes, when none)."""
    if decisions is None:
        return LOG_MARK
    if not decisions:
        return _section("ws.rep.h_log", lang, f"<p>{esc(t('ws.rep.no_log', lang))}</p>")
    headings, rows = decision_log_text(decisions, lang, labels)
    cells = [[(esc(text), number) for text, number in row] for row in rows]
    return _section("ws.rep.h_log", lang, html_table(headings, cells))


def with_decision_log(
    page: str, decisions: Sequence[Decision], lang: str, labels: Mapping[str, str] | None = None
) -> str:
    """A rendered report with a workspace's decision log in its place: the app's worker
    draws the report, and the log is put in after, without drawing a chart again."""
    section = _decision_log(decisions, labels or {}, lang)
    if LOG_MARK in page:
        return page.replace(LOG_MARK, section, 1)
    return page.replace("\n</body>", f"\n{section}\n</body>", 1)


def _section(heading_key: str, lang: str, html_body: str) -> str:
    """A report section: its heading (a catalogue key) and its already-escaped body."""
    return f"<h2>{esc(t(heading_key, lang))}</h2>{html_body}"


def _bullets(sentences: Sequence[str]) -> str:
    """Sentences as an HTML list, each escaped."""
    return "<ul>" + "".join(f"<li>{esc(s)}</li>" for s in sentences) + "</ul>"


def _opening(scenario: Scenario, status_text: str, lang: str, now: datetime) -> list[str]:
    """Under the title: when and with which versions it was made, the scenario's own
    description, and the status in words, so a filed copy says what it is at once."""
    stamp = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    meta = t(
        "io.rep.meta", lang, time=stamp, app=govdecide.__version__, model=govdecide.MODEL_VERSION
    )
    out = [f'<p class="meta">{esc(meta)}</p>']
    if scenario.description is not None:
        out.append(f"<p>{esc(localize(scenario.description, lang))}</p>")
    status = t("io.rep.status", lang, status=status_text)
    out.append(f'<p class="status">{esc(status)}</p>')
    return out


def _findings(scenario: Scenario, result: Result, lang: str, parts: ReportParts) -> list[str]:
    """The headline cards and the summary for a result; for none, why there is none."""
    if result.has_solution:
        out = [_section("io.rep.h_figures", lang, _headline_cards(result, lang))]
        if parts.summary:
            out.append(_section("io.rep.h_summary", lang, _bullets(parts.summary)))
        return out
    sentences = result.diagnosis_sentences(lang, display_names(scenario, lang))
    return [_section("io.rep.h_diagnosis", lang, _bullets(sentences))] if sentences else []


def _settings_table(scenario: Scenario, settings: Settings, lang: str) -> str:
    """Every setting in effect as a table, with where each came from."""
    rows = _settings_rows(scenario, problem_data(scenario, settings), settings, lang)
    headers = [t("io.rep.setting", lang), t("io.col.value", lang), t("io.rep.origin", lang)]
    return html_table(headers, rows)


def _result_sections(
    scenario: Scenario, result: Result, lang: str, parts: ReportParts
) -> list[str]:
    """Charts, equity indicators and the allocation; a chart that could not be drawn or
    read is named under the others."""
    out = []
    charts = charts_html(parts.charts_svg, parts.chart_problems, CHART_TITLES, lang)
    if charts:
        out.append(_section("io.rep.h_charts", lang, charts))
    out.append(_section("io.rep.h_equity", lang, _equity_html(parts.equity, lang)))
    out.append(_section("io.rep.h_allocation", lang, _allocation_html(result, scenario, lang)))
    return out


def charts_html(
    charts_svg: Mapping[str, str],
    chart_problems: Sequence[str],
    titles: Mapping[str, str],
    lang: str,
) -> str:
    """Charts inline (:func:`inline_svg`), then a sentence for each that could not be
    drawn (``chart_problems``) or read (named by its ``titles`` catalogue key); '' for
    none. Shared by a result's charts and a plan's (:mod:`govdecide.io.plan_report`)."""
    figures, problems = [], list(chart_problems)
    for key, svg in charts_svg.items():
        body = inline_svg(svg)
        if body:
            figures.append(f"<figure>{body}</figure>")
        else:
            title = t(titles[key], lang) if key in titles else key
            problems.append(t("io.rep.chart_unreadable", lang, chart=title))
    return "".join(figures) + "".join(f'<p class="meta">{esc(p)}</p>' for p in problems)


def _page(title: str, lang: str, body: Sequence[str]) -> str:
    """The HTML document around the sections: language, charset, generator and style."""
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="govdecide {esc(govdecide.__version__)}">\n'
        f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def gather_parts(
    scenario: Scenario,
    result: Result,
    settings: Settings | None = None,
    lang: str = "en",
    source: str | None = None,
    allocator: Allocator | None = None,
    generated_at: datetime | None = None,
    topology: Mapping[str, object] | None = None,  # the user's map (present.maps.gains_map)
) -> ReportParts:
    """The charts (SVG), summary and equity indicators of a result, from their modules.

    The summary compares with one more solve at a slightly higher budget (what more money
    would buy), reusing ``allocator``'s model when given.
    """
    from govdecide.analyses import equity_indices
    from govdecide.io.exports import chart_files
    from govdecide.present import summary

    settings = settings or Settings()
    if not result.has_solution:
        return ReportParts(source=source, generated_at=generated_at)
    files, chart_problems = chart_files(result, scenario, lang, ("svg",), topology)
    charts = {name.removesuffix(".svg"): svg.decode("utf-8") for name, svg in files.items()}
    step = summary.budget_step(scenario, result.budget)
    allocator = allocator or Allocator(scenario)
    next_result = allocator.solve(settings.with_(budget=result.budget + step))
    sentences = summary.summarize(scenario, result, lang, settings, next_result)
    return ReportParts(
        charts_svg=charts,
        chart_problems=chart_problems,
        summary=sentences,
        equity=equity_indices.indicators_table(result.districts),
        source=source,
        generated_at=generated_at,
    )


def build_report(
    scenario: Scenario,
    settings: Settings | None = None,
    lang: str = "en",
    source: str | None = None,
    result: Result | None = None,
    generated_at: datetime | None = None,
    sections: Sequence[tuple[str, str]] = (),
    topology: Mapping[str, object] | None = None,  # the user's map, drawn in the map of gains
) -> tuple[str, Result]:
    """Solve (unless ``result`` is given), gather the pieces, and render the report;
    ``sections`` are more sections, (heading, escaped HTML), after the result's."""
    settings = settings or Settings()
    allocator = Allocator(scenario)
    if result is None:
        result = allocator.solve(settings)
    parts = gather_parts(
        scenario, result, settings, lang, source, allocator, generated_at, topology
    )
    parts = replace(parts, sections=tuple(sections))
    return render_report(scenario, result, settings, lang, parts), result
