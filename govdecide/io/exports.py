"""Results out: CSV and Excel tables, and the charts as PNG and SVG.

A decision has to be filed, forwarded and reopened in a spreadsheet. Three rules:

* Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in
  some, a tab or carriage return) as a formula, so a district named ``=HYPERLINK(...)``
  could act when the file is opened. Every text cell and header that starts so gets a
  leading apostrophe (:func:`neutralise`), the OWASP advice for CSV injection. Numbers
  stay numbers, so a negative figure is still a number.
* CSV is written as UTF-8 with a byte order mark, so Excel shows Chinese names correctly.
* Charts are drawn by vl-convert, which bundles Vega: no browser and no network (external
  data requests are refused with ``allowed_base_urls=[]``).

Column headers are in the user's language; ids are kept beside names so the tables can
be joined back to the scenario.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from govdecide.i18n import localize, t
from govdecide.io.scenario import Scenario, display_names
from govdecide.model.result import Result

if TYPE_CHECKING:  # hints only: the command line imports neutralise() without loading Altair
    import altair as alt

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell that a spreadsheet would run as a formula, made plain text; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


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
        (t("io.fig.method", lang), f"{result.method} / {result.solver}"),
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
            sheet = "".join(c for c in str(name) if c not in "[]:*?/\\")[:31] or "Sheet"
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
            for column_cells in ws.columns:
                width = max(len(str(c.value or "")) for c in column_cells)
                ws.column_dimensions[column_cells[0].column_letter].width = min(40, width + 2)
    return buf.getvalue()


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


def result_charts(result: Result, scenario: Scenario, lang: str = "en") -> dict[str, alt.Chart]:
    """The charts of a result, drawn by :mod:`govdecide.present.charts` (the same as in the app):
    spend and new units per district stacked by program, and coverage before and after."""
    from govdecide.present import charts

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
    }


def _spec(chart: alt.TopLevelMixin | Mapping[str, Any]) -> dict[str, Any]:
    """A Vega-Lite spec from a chart (or a spec given as is)."""
    return dict(chart) if isinstance(chart, Mapping) else chart.to_dict()


def chart_svg(chart: alt.TopLevelMixin | Mapping[str, Any]) -> str:
    """A chart as SVG text, drawn offline by vl-convert."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(vl_spec=_spec(chart), allowed_base_urls=[])


def chart_png(chart: alt.TopLevelMixin | Mapping[str, Any], scale: float = 2.0) -> bytes:
    """A chart as PNG bytes (``scale`` 2 for print), drawn offline by vl-convert.

    PNG text is rasterised with the fonts installed on the machine; Chinese labels need a
    CJK font (e.g. Debian's fonts-noto-cjk). SVG leaves text to the viewer, so prefer it.
    """
    import vl_convert as vlc

    return vlc.vegalite_to_png(vl_spec=_spec(chart), scale=scale, allowed_base_urls=[])
