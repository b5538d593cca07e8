"""Results out: CSV and Excel tables, and the charts as PNG and SVG.

A decision has to be filed, forwarded and reopened in a spreadsheet. Four rules:

* Every text that goes into a file is first made one line of showable characters
  (:func:`plain_text`). Names come from uploads and tables; a control character in one
  made openpyxl refuse the workbook and made vl-convert panic, which aborts the whole
  process (a Rust panic is not a Python exception), and a bare carriage return split a
  CSV row so that a formula-like cell began a row of its own.
* Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
  formula, so a district named ``=HYPERLINK(...)`` could act when the file is opened.
  Every text cell and header that starts so, after any leading spaces, gets a leading
  apostrophe (:func:`neutralise`), the OWASP advice for CSV injection. Numbers stay
  numbers, so a negative figure is still a number.
* CSV is written as UTF-8 with a byte order mark, so Excel shows Chinese names correctly.
* Charts are drawn by vl-convert, which bundles Vega: no browser and no network (external
  data requests are refused with ``allowed_base_urls=[]``). Every string of a spec is
  cleaned before it is handed over (:func:`safe_spec`), and a chart vl-convert still
  cannot draw is a :class:`ChartError` with a message, never a crash.

Column headers are in the user's language; ids are kept beside names so the tables can
be joined back to the scenario.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from govdecide.i18n import catalogue, localize, t
from govdecide.i18n import fmt_quantity as fmt_quantity  # the report and CLI take it here
from govdecide.io.scenario import Scenario, display_names
from govdecide.model.result import Result

if TYPE_CHECKING:  # hints only: the command line imports neutralise() without loading Altair
    import altair as alt

FORMULA_PREFIXES = ("=", "+", "-", "@")
REPLACEMENT = "\ufffd"
# Line and paragraph breaks (those str.splitlines knows) and tabs: one space each.
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# What no output may carry: C0 and C1 controls and DEL (openpyxl refuses them, XML 1.0
# forbids most, a terminal runs ESC and CSI sequences), lone surrogates and U+FFFE/U+FFFF
# (not XML characters: vl-convert panics on them), and the bidirectional embeddings,
# overrides and isolates, which reorder the rest of a line (a figure after a name could
# be shown reversed). Each becomes U+FFFD, so a reader sees that something was there.
# (The part above U+001F is kept apart for JSON, which escapes C0 itself.)
UNSHOWABLE_ABOVE_C0 = "\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069"
_UNSHOWABLE = re.compile(f"[\x00-\x1f{UNSHOWABLE_ABOVE_C0}]")


def plain_text(text: str) -> str:
    """``text`` as one line that every output can carry: breaks and tabs become spaces,
    unshowable characters U+FFFD; anything else (any script, emoji) is kept as written.

    Used for every file this package writes (CSV, Excel, charts, the report) and for
    everything the command line prints, so a name reads the same in each.
    """
    return _UNSHOWABLE.sub(REPLACEMENT, _BREAKS.sub(" ", text))


def neutralise(value: Any) -> Any:
    """A text cell made safe for a spreadsheet: one plain line (:func:`plain_text`), with
    an apostrophe before it when, after any leading spaces, it starts like a formula.
    Other values (numbers, None) are returned unchanged."""
    if not isinstance(value, str):
        return value
    value = plain_text(value)
    if value.lstrip().startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# ---------------------------------------------------------------------------------------
# Numbers and words: one rule per kind of quantity (i18n.fmt_quantity, kept importable
# from here), the same in every file and on the command line.


def display_word(group: str, code: str, lang: str = "en") -> str:
    """A code the engine uses (a status, method, solver or unit word) as a reader's word:
    ``io.name.<group>.<code>`` from the catalogue, or the code itself when it has none."""
    key = f"io.name.{group}.{code}"
    return t(key, lang) if key in catalogue() else code


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and header neutralised."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise).astype(object)
    return out


def _clean(value: float) -> float:
    """Round away solver noise (2.9999999 -> 3) while keeping real fractions."""
    if value is None or not math.isfinite(value):
        return value
    return round(float(value), 6) + 0.0


def _labelled(
    frame: pd.DataFrame,
    ids: tuple[str, ...],
    measures: tuple[str, ...],
    scenario: Scenario,
    lang: str,
) -> pd.DataFrame:
    """Export columns: for each id column its id and its name, then the measures, each
    rounded clear of solver noise, under ``io.col.<column>`` headers in ``lang``."""
    names = display_names(scenario, lang)
    columns: dict[str, pd.Series] = {}
    for col in ids:
        columns[t(f"io.col.{col}_id", lang)] = frame[col].astype(str)
        columns[t(f"io.col.{col}", lang)] = frame[col].map(lambda x: names.get(x, x))
    for col in measures:
        columns[t(f"io.col.{col}", lang)] = frame[col].map(_clean)
    return pd.DataFrame(columns)


def allocation_sheet(result: Result, scenario: Scenario, lang: str = "en") -> pd.DataFrame:
    """One row per district and program: new units, people served, need, coverage, spend."""
    measures = (
        "new_units",
        "need",
        "served",
        "coverage_before",
        "coverage_after",
        "spend",
        "staff",
    )
    return _labelled(result.allocation, ("district", "program"), measures, scenario, lang)


def district_sheet(result: Result, scenario: Scenario, lang: str = "en") -> pd.DataFrame:
    """One row per district: population, spend, staff, people served, coverage before/after.

    New units are left out here: units of different programs (stations, beds, places) do
    not add up to a meaningful number; the allocation table has them per program.
    """
    measures = (
        "population",
        "spend",
        "staff",
        "need",
        "served_before",
        "served",
        "newly_served",
        "coverage_before",
        "coverage_after",
    )
    return _labelled(result.districts, ("district",), measures, scenario, lang)


def program_sheet(result: Result, scenario: Scenario, lang: str = "en") -> pd.DataFrame:
    """One row per program: new units, spend, staff, need and people served."""
    measures = ("new_units", "spend", "staff", "need", "served_before", "served", "newly_served")
    return _labelled(result.programs, ("program",), measures, scenario, lang)


def headline_sheet(
    result: Result, scenario: Scenario, lang: str = "en", extra: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """The headline figures and settings as (item, value) rows: the workbook's first sheet,
    so a filed spreadsheet says which scenario and settings its numbers belong to."""
    rows: list[tuple[str, Any]] = [
        (t("io.fig.scenario", lang), localize(scenario.name, lang)),
        (t("io.fig.status", lang), result.status_text(lang)),
        (t("io.fig.budget", lang), result.budget),
        (t("io.fig.budget_used", lang), result.budget_used),
        (t("io.fig.staff", lang), result.staff if result.staff is not None else "—"),
        (t("io.fig.staff_used", lang), result.staff_used),
        (t("io.fig.equity_weight", lang), result.equity_weight),
        (t("io.fig.people_newly_served", lang), result.people_newly_served),
        (t("io.fig.efficiency_before", lang), result.efficiency_before),
        (t("io.fig.efficiency", lang), result.efficiency),
        (t("io.fig.equity_before", lang), result.equity_before),
        (t("io.fig.equity", lang), result.equity),
        (t("io.fig.objective", lang), result.objective),
        (
            t("io.fig.method", lang),
            f"{display_word('method', result.method, lang)} / "
            f"{display_word('solver', result.solver, lang)}",
        ),
    ]
    for key, value in (extra or {}).items():
        rows.append((key, value))
    return pd.DataFrame(
        {
            t("io.col.item", lang): [r[0] for r in rows],
            t("io.col.value", lang): [
                _clean(v) if isinstance(v, float) else ("" if v is None else v) for _, v in rows
            ],
        }
    )


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV bytes (UTF-8 with BOM, cells neutralised)."""
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8-sig")


def excel_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """Tables as one .xlsx workbook, one sheet each (names cut to Excel's 31 characters)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        used: set[str] = set()
        for name, frame in sheets.items():
            sheet = "".join(c for c in plain_text(str(name)) if c not in "[]:*?/\\")[:31]
            sheet = sheet.strip("' ") or "Sheet"
            n = 2
            while sheet in used:
                sheet = f"{sheet[:28]}_{n}"
                n += 1
            used.add(sheet)
            neutralise_frame(frame).to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            for cells in ws.iter_rows():
                for cell in cells:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # text is text, never a formula
            _format_numbers(ws, frame)
            for column_cells in ws.columns:
                width = max(len(str(c.value or "")) for c in column_cells)
                ws.column_dimensions[column_cells[0].column_letter].width = min(40, width + 2)
    return buf.getvalue()


# Excel's number format of a figure column by its kind (``frame.attrs["kinds"]``, set by
# ``present.result_tables.with_kinds``, a share there in percent): i18n.fmt_quantity's
# rules in Excel's words; money and units show decimals only in a column that has any.
_EXCEL_FORMATS = {"people": "#,##0", "count": "#,##0", "share": "0.0", "index": "0.000"}
_WITH_DECIMALS = {"money": ("#,##0", "#,##0.00"), "units": ("0", "0.00")}


def _format_numbers(ws: Any, frame: pd.DataFrame) -> None:
    """Give each figure column of a written sheet its kind's number format."""
    kinds = frame.attrs.get("kinds", {})
    for position, column in enumerate(frame.columns, start=1):
        kind = kinds.get(column)
        if kind in _WITH_DECIMALS:
            values = pd.to_numeric(frame[column], errors="coerce").dropna()
            whole = bool((values == values.round()).all())
            fmt = _WITH_DECIMALS[kind][0 if whole else 1]
        else:
            fmt = _EXCEL_FORMATS.get(kind or "")
        if fmt is None:
            continue
        for (cell,) in ws.iter_rows(min_row=2, min_col=position, max_col=position):
            cell.number_format = fmt


def result_workbook(result: Result, scenario: Scenario, lang: str = "en") -> bytes:
    """The whole result as a workbook: headline figures, districts, programs, allocation."""
    return excel_bytes(
        {
            t("io.sheet.figures", lang): headline_sheet(result, scenario, lang),
            t("io.sheet.districts", lang): district_sheet(result, scenario, lang),
            t("io.sheet.programs", lang): program_sheet(result, scenario, lang),
            t("io.sheet.allocation", lang): allocation_sheet(result, scenario, lang),
        }
    )


# ---------------------------------------------------------------------------------------
# Charts


def result_charts(
    result: Result,
    scenario: Scenario,
    lang: str = "en",
    topology: Mapping[str, Any] | None = None,
) -> dict[str, alt.Chart]:
    """The charts of a result, drawn by :mod:`govdecide.present.charts` (the same as in the app):
    spend and new units per district stacked by program, coverage before and after, and
    the map of gains (:func:`govdecide.present.maps.gains_map`: the user's map
    ``topology`` when given, else the tiles; none when the scenario has neither)."""
    from govdecide.present import charts, maps

    if not result.has_solution:
        return {}
    names = display_names(scenario, lang)
    currency = localize(scenario.currency, lang) if scenario.currency else ""
    order = [p.id for p in scenario.programs]
    return {
        "spend": charts.district_program_bars(
            result.allocation, "spend", names, lang, currency=currency, program_order=order
        ),
        "units": charts.district_program_bars(
            result.allocation, "new_units", names, lang, program_order=order
        ),
        "coverage": charts.coverage_dumbbell(result.districts, names, lang),
    } | ({"map": gains} if (gains := maps.gains_map(scenario, result, lang, topology)) else {})


class ChartError(RuntimeError):
    """A chart vl-convert could not draw: said in words (:meth:`message`), not a crash."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def message(self, lang: str = "en", chart: str | None = None) -> str:
        """What went wrong, for a person: which chart, and vl-convert's first line."""
        if chart is None:
            return t("io.exp.chart_failed_any", lang, detail=self.detail)
        return t("io.exp.chart_failed", lang, chart=chart, detail=self.detail)


# Vega cuts long labels by halving them in UTF-16 code units and measures each cut; a cut
# inside a character beyond U+FFFF (an emoji, a rare CJK character) leaves half of it,
# which vl-convert cannot read back. A spec with such characters is drawn uncut.
_LENGTH_LIMITS = ("limit", "labelLimit", "titleLimit")
_UNCUT = {
    "axis": {"labelLimit": 0, "titleLimit": 0},
    "legend": {"labelLimit": 0, "titleLimit": 0},
    "title": {"limit": 0},
}


# Vega-Lite writes the title of every channel into an expression (the marks' ARIA
# description) without escaping a backslash, so a title typed as k\u0000 (six characters
# after the k) puts a NUL in the SVG and k\" breaks the expression. In titles a backslash
# is drawn as U+2216, which looks the same and means nothing to an expression.
_TITLE_KEYS = ("title", "subtitle")
TITLE_BACKSLASH = "\u2216"


def safe_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a Vega-Lite spec whose every string (keys too) is :func:`plain_text`.

    vl-convert panics on a non-XML character in a text it measures, which aborts the
    process; a line break in a name breaks the expressions Vega-Lite writes with it. The
    same cleaning of keys and values keeps field names and the data that uses them equal.
    Titles also lose their backslashes (:data:`TITLE_BACKSLASH`), and a spec with
    characters beyond U+FFFF is drawn without cutting labels (:data:`_UNCUT`).
    """
    wide = False

    def clean(value: Any, title: bool = False) -> Any:
        nonlocal wide
        if isinstance(value, str):
            text = plain_text(value)
            wide = wide or any(ord(c) > 0xFFFF for c in text)
            return text.replace("\\", TITLE_BACKSLASH) if title else text
        if isinstance(value, Mapping):
            return {
                clean(str(k)): clean(v, title or str(k) in _TITLE_KEYS) for k, v in value.items()
            }
        if isinstance(value, (list, tuple)):
            return [clean(v, title) for v in value]
        return value

    out = clean(spec)
    if wide:
        out = _uncut(out)
        config = dict(out.get("config") or {})
        for part, limits in _UNCUT.items():
            config[part] = {**(config.get(part) or {}), **limits}
        out["config"] = config
    return out


def _uncut(value: Any) -> Any:
    """``value`` with every length limit of a label or title set to 0 (no limit)."""
    if isinstance(value, dict):
        return {
            k: 0 if k in _LENGTH_LIMITS and isinstance(v, (int, float)) else _uncut(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_uncut(v) for v in value]
    return value


def _spec(chart: alt.TopLevelMixin | Mapping[str, Any]) -> dict[str, Any]:
    """A Vega-Lite spec from a chart (or a spec given as is), made safe to draw."""
    return safe_spec(chart if isinstance(chart, Mapping) else chart.to_dict())


def _draw(chart: alt.TopLevelMixin | Mapping[str, Any], kind: str, scale: float = 1.0) -> Any:
    """SVG text or PNG bytes from vl-convert; any failure of it is a :class:`ChartError`."""
    import vl_convert as vlc

    try:
        spec = _spec(chart)
        if kind == "svg":
            return vlc.vegalite_to_svg(vl_spec=spec, allowed_base_urls=[])
        return vlc.vegalite_to_png(vl_spec=spec, scale=scale, allowed_base_urls=[])
    except Exception as exc:  # vl-convert raises ValueError, Altair its own errors
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        detail = " ".join(lines[:2])[:300] or type(exc).__name__
        raise ChartError(plain_text(detail)) from exc


def chart_svg(chart: alt.TopLevelMixin | Mapping[str, Any]) -> str:
    """A chart as SVG text, drawn offline by vl-convert (:class:`ChartError` if it cannot)."""
    return _draw(chart, "svg")


def chart_png(chart: alt.TopLevelMixin | Mapping[str, Any], scale: float = 2.0) -> bytes:
    """A chart as PNG bytes (``scale`` 2 for print), drawn offline by vl-convert.

    PNG text is rasterised with the fonts installed on the machine; Chinese labels need a
    CJK font (e.g. Debian's fonts-noto-cjk). SVG leaves text to the viewer, so prefer it.
    """
    return _draw(chart, "png", scale)


CHART_TITLES = {
    "spend": "io.exp.chart_spend",
    "units": "io.exp.chart_units",
    "coverage": "io.exp.chart_coverage",
    "map": "maps.chart_gains",
}


def chart_files(
    result: Result,
    scenario: Scenario,
    lang: str = "en",
    kinds: tuple[str, ...] = ("svg", "png"),
    topology: Mapping[str, Any] | None = None,
) -> tuple[dict[str, bytes], list[str]]:
    """Each chart of a result as ``<name>.svg`` and ``<name>.png`` (those of ``kinds``), and
    a message for each chart that could not be drawn (:func:`draw_chart_files`)."""
    return draw_chart_files(
        lambda: result_charts(result, scenario, lang, topology), CHART_TITLES, lang, kinds
    )


def draw_chart_files(
    make_charts: Callable[[], Mapping[str, Any]],
    titles: Mapping[str, str],
    lang: str = "en",
    kinds: tuple[str, ...] = ("svg", "png"),
) -> tuple[dict[str, bytes], list[str]]:
    """The charts ``make_charts`` builds, each as ``<name>.<kind>``, and a message for each
    that could not be built or drawn (named by its ``titles`` catalogue key): one bad chart
    costs its own files, not the others'. Shared by a result's charts and a plan's."""
    files: dict[str, bytes] = {}
    problems: list[str] = []
    try:
        charts = make_charts()
    except Exception as exc:  # a chart that cannot be built is said, like one not drawn
        return files, [ChartError(plain_text(str(exc))[:300]).message(lang)]
    for name, chart in charts.items():
        try:
            drawn = {
                f"{name}.{kind}": chart_svg(chart).encode("utf-8")
                if kind == "svg"
                else chart_png(chart)
                for kind in kinds
            }
        except ChartError as exc:
            problems.append(exc.message(lang, t(titles[name], lang)))
            continue
        files.update(drawn)
    return files, problems
