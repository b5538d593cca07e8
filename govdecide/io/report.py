"""A decision, filed: one self-contained HTML file that opens without internet.

The report carries everything an auditor needs to see what was decided and why: the
scenario's name and data sources, every setting in effect, the headline figures, the
charts (inline SVG), the plain-language summary, the equity indicators, the allocation,
the app and model version and the time it was made. Text is in the reader's language.

Safety: every text that comes from a scenario or a table (names, descriptions, sources)
goes through :func:`html.escape`, so a district named ``<script>alert(1)</script>`` is
shown, never run. The file references nothing outside itself: no scripts, fonts, style
sheets, images or links, not even an XML namespace URL (inline SVG in HTML needs none).

The pieces come from their owners: charts from :mod:`govdecide.present.charts` (via
:func:`govdecide.io.exports.result_charts`), the summary from :mod:`govdecide.present.summary`, the
indicators from :mod:`govdecide.analyses.equity_indices`. :func:`render_report` takes them as
inputs so the page and the tests can pass their own; :func:`build_report` gathers them.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

import govdecide
from govdecide.i18n import fmt_num, fmt_pct, localize, normalize_lang, t
from govdecide.io.scenario import Scenario, display_names
from govdecide.model.engine import Allocator
from govdecide.model.problem import ProblemData, problem_data
from govdecide.model.result import Result
from govdecide.model.settings import Settings

_UNSAFE_SVG = re.compile(r"<\s*script|<\s*foreignobject|\son[a-z]+\s*=|javascript:", re.I)
_XMLNS = re.compile(r'\s+xmlns(:[a-z]+)?="[^"]*"')
MAX_ALLOCATION_ROWS = 2000


def esc(value: object) -> str:
    """Any value as HTML-escaped text (quotes too, so it is safe inside attributes)."""
    return html.escape("" if value is None else str(value), quote=True)


def inline_svg(svg: str) -> str:
    """An SVG document made ready to sit inside the HTML: no XML prolog, no namespace URLs.

    Vega escapes the text it draws; this refuses (returns '') any SVG that would still carry
    a script, an event handler or foreign HTML, as a second line of defence.
    """
    body = re.sub(r"^\s*<\?xml[^>]*>\s*", "", svg)
    body = _XMLNS.sub("", body)
    if _UNSAFE_SVG.search(body):
        return ""
    return body


@dataclass(frozen=True)
class ReportParts:
    """What a report shows beside the result: made by their owners, passed in here."""

    charts_svg: Mapping[str, str] = field(default_factory=dict)  # title-less id -> SVG
    summary: Sequence[str] = ()
    equity: pd.DataFrame | None = None  # govdecide.analyses.equity_indices.indicators_table
    source: str | None = None  # where the scenario came from (file name)
    generated_at: datetime | None = None


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


def _digits(value: float | None) -> int:
    """Two decimals for fractional figures, none for whole ones."""
    if value is None or not math.isfinite(value) or float(value).is_integer():
        return 0
    return 2


def _amount(value: float | None, lang: str) -> str:
    """An amount as written in the report: decimals only when it has a fraction."""
    return fmt_num(value, lang, _digits(value))


def _table(headers: Sequence[str], rows: Sequence[Sequence[tuple[str, bool]]]) -> str:
    """An HTML table; each cell is (already escaped text, is_number)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{c}</td>' if n else f"<td>{c}</td>" for c, n in r)
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


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
            (esc(_amount(data.budget, lang)), True),
            (origin(settings.budget is not None and settings.budget != policy.budget), False),
        ],
        [
            (esc(t("io.fig.staff", lang)), False),
            (
                esc(
                    _amount(data.staff, lang)
                    if data.staff is not None
                    else t("io.rep.no_limit", lang)
                ),
                True,
            ),
            (origin(settings.staff is not None and settings.staff != policy.staff), False),
        ],
        [
            (esc(t("io.fig.equity_weight", lang)), False),
            (esc(fmt_num(data.equity_weight, lang, 2)), True),
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
                (esc(fmt_num(weight, lang, 2)), True),
                (origin(weight != p.weight), False),
            ]
        )
    for label, value in (
        (t("io.rep.solver", lang), data.solver),
        (t("io.rep.method", lang), data.method),
        (t("io.rep.time_limit", lang), _amount(data.time_limit_s, lang)),
        (t("io.rep.gap_setting", lang), fmt_pct(data.gap, lang, 2)),
        (
            t("io.rep.integer", lang),
            t("io.rep.yes" if settings.integer else "io.rep.no", lang),
        ),
    ):
        rows.append([(esc(label), False), (esc(value), True), ("", False)])
    return rows


def _headline_cards(result: Result, lang: str) -> str:
    """The headline figures as cards: what a reader takes in before any table."""
    cards: list[tuple[str, str]] = [
        (t("io.fig.people_newly_served", lang), fmt_num(result.people_newly_served, lang)),
        (
            t("io.rep.efficiency", lang),
            f"{fmt_pct(result.efficiency_before, lang)} → {fmt_pct(result.efficiency, lang)}",
        ),
        (
            t("io.rep.equity", lang),
            f"{fmt_pct(result.equity_before, lang)} → {fmt_pct(result.equity, lang)}",
        ),
        (
            t("io.fig.budget_used", lang),
            t(
                "io.rep.of",
                lang,
                used=_amount(result.budget_used, lang),
                total=_amount(result.budget, lang),
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
                    used=_amount(result.staff_used, lang),
                    total=_amount(result.staff, lang),
                ),
            )
        )
    cards.append((t("io.fig.objective", lang), fmt_num(result.objective, lang, 4)))
    if result.gap is not None:
        cards.append((t("io.rep.gap", lang), fmt_pct(result.gap, lang, 2)))
    return (
        '<div class="figures">'
        + "".join(
            f'<div class="fig"><div class="v">{esc(v)}</div><div class="l">{esc(k)}</div></div>'
            for k, v in cards
        )
        + "</div>"
    )


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
                (esc(localize(ind.unit, lang)) if ind.unit is not None else "", False),
                (esc(localize(ind.source, lang)) if ind.source is not None else "", False),
            ]
        )
    if rows:
        parts.append(
            _table(
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
                (esc(fmt_num(float(r["before"]), lang, 3)), True),
                (esc(fmt_num(float(r["after"]), lang, 3)), True),
                (esc(fmt_num(float(r["change"]), lang, 3)), True),
                (esc(eq.explain(name, lang)), False),
            ]
        )
    return _table(
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
            (esc(fmt_num(r["population"], lang)), True),
            (esc(_amount(r["spend"], lang)), True),
            (esc(fmt_num(r["newly_served"], lang)), True),
            (esc(fmt_pct(r["coverage_before"], lang)), True),
            (esc(fmt_pct(r["coverage_after"], lang)), True),
        ]
        for _, r in d.iterrows()
    ]
    out = (
        "<h3>"
        + esc(t("io.rep.by_district", lang))
        + "</h3>"
        + _table(
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
            (esc(fmt_num(r["new_units"], lang, _digits(round(r["new_units"], 6)))), True),
            (esc(fmt_num(r["spend"], lang, _digits(round(r["spend"], 6)))), True),
        ]
        for _, r in a.head(MAX_ALLOCATION_ROWS).iterrows()
    ]
    out += "<h3>" + esc(t("io.rep.new_units", lang)) + "</h3>"
    if not rows:
        out += f"<p>{esc(t('io.rep.nothing_new', lang))}</p>"
    else:
        out += _table(
            [
                t("io.col.district", lang),
                t("io.col.program", lang),
                t("io.col.new_units", lang),
                t("io.col.spend", lang),
            ],
            rows,
        )
        if len(a) > MAX_ALLOCATION_ROWS:
            out += (
                f"<p>{esc(t('io.rep.rows_cut', lang, shown=MAX_ALLOCATION_ROWS, total=len(a)))}</p>"
            )
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
    body = [
        f"<h1>{esc(title)}</h1>",
        *_opening(scenario, result, lang, parts.generated_at or datetime.now(UTC)),
        *_findings(scenario, result, lang, parts),
        _section("io.rep.h_settings", lang, _settings_table(scenario, settings, lang)),
    ]
    if result.has_solution:
        body += _result_sections(scenario, result, lang, parts)
    body.append(_section("io.rep.h_sources", lang, _sources(scenario, parts.source, lang)))
    footer = t(
        "io.rep.footer", lang, status=result.status, method=result.method, solver=result.solver
    )
    body.append(f'<p class="meta">{esc(footer)}</p>')
    return _page(title, lang, body)


def _section(heading_key: str, lang: str, html_body: str) -> str:
    """A report section: its heading (a catalogue key) and its already-escaped body."""
    return f"<h2>{esc(t(heading_key, lang))}</h2>{html_body}"


def _bullets(sentences: Sequence[str]) -> str:
    """Sentences as an HTML list, each escaped."""
    return "<ul>" + "".join(f"<li>{esc(s)}</li>" for s in sentences) + "</ul>"


def _opening(scenario: Scenario, result: Result, lang: str, now: datetime) -> list[str]:
    """Under the title: when and with which versions it was made, the scenario's own
    description, and the status in words, so a filed copy says what it is at once."""
    stamp = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    meta = t(
        "io.rep.meta", lang, time=stamp, app=govdecide.__version__, model=govdecide.MODEL_VERSION
    )
    out = [f'<p class="meta">{esc(meta)}</p>']
    if scenario.description is not None:
        out.append(f"<p>{esc(localize(scenario.description, lang))}</p>")
    status = t("io.rep.status", lang, status=result.status_text(lang))
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
    return _table(headers, rows)


def _result_sections(
    scenario: Scenario, result: Result, lang: str, parts: ReportParts
) -> list[str]:
    """Charts (those that pass :func:`inline_svg`), equity indicators and the allocation."""
    out = []
    charts = [svg for svg in (inline_svg(s) for s in parts.charts_svg.values()) if svg]
    if charts:
        out.append(
            _section("io.rep.h_charts", lang, "".join(f"<figure>{c}</figure>" for c in charts))
        )
    out.append(_section("io.rep.h_equity", lang, _equity_html(parts.equity, lang)))
    out.append(_section("io.rep.h_allocation", lang, _allocation_html(result, scenario, lang)))
    return out


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
) -> ReportParts:
    """The charts (SVG), summary and equity indicators of a result, from their modules.

    The summary compares with one more solve at a slightly higher budget (what more money
    would buy), reusing ``allocator``'s model when given.
    """
    from govdecide.analyses import equity_indices
    from govdecide.io.exports import chart_svg, result_charts
    from govdecide.present import summary

    settings = settings or Settings()
    if not result.has_solution:
        return ReportParts(source=source, generated_at=generated_at)
    charts = {key: chart_svg(chart) for key, chart in result_charts(result, scenario, lang).items()}
    step = summary.budget_step(scenario, result.budget)
    allocator = allocator or Allocator(scenario)
    next_result = allocator.solve(settings.with_(budget=result.budget + step))
    sentences = summary.summarize(scenario, result, lang, settings, next_result)
    return ReportParts(
        charts_svg=charts,
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
) -> tuple[str, Result]:
    """Solve (unless ``result`` is given), gather the pieces, and render the report."""
    settings = settings or Settings()
    allocator = Allocator(scenario)
    if result is None:
        result = allocator.solve(settings)
    parts = gather_parts(scenario, result, settings, lang, source, allocator, generated_at)
    return render_report(scenario, result, settings, lang, parts), result
