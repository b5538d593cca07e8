"""Charts of a scenario and a result: pure functions from a DataFrame to an ``alt.Chart``.

Every chart has a title, axis titles with units, tooltips and a colour-blind-safe palette
(Okabe & Ito's eight colours for programs, viridis for quantities). Words come from the
catalogue in the caller's language, names from :func:`govdecide.io.scenario.display_names`.
The app, the HTML report and the PNG/SVG exports all draw the same charts.

Altair refuses to embed more than 5,000 rows by default. No chart here disables that
limit; charts with one row per district and program keep the districts that matter most
(``max_districts``) and say so in their title, and :func:`check_rows` guards the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from govdecide.i18n import fmt_num, t

MAX_ROWS = 5000
DEFAULT_MAX_DISTRICTS = 40
ROW_STEP = 22  # pixels per row of a chart with one row per district (or district and program)
# Okabe, M. and Ito, K. (2008), "Color Universal Design": distinguishable with the common
# colour-vision deficiencies. Black last: it is reserved for the eighth category.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
BEFORE_COLOUR = "#E69F00"
AFTER_COLOUR = "#0072B2"
SEQUENTIAL_SCHEME = "viridis"


class TooManyRows(ValueError):
    """A chart would embed more rows than Altair allows (a programming error)."""


def check_rows(frame: pd.DataFrame, limit: int = MAX_ROWS) -> pd.DataFrame:
    """Return ``frame`` unchanged, or raise when it is over Altair's row limit."""
    if len(frame) > limit:
        raise TooManyRows(f"{len(frame)} rows is over the chart limit of {limit}")
    return frame


def program_colours(program_names: Sequence[str]) -> alt.Scale:
    """A colour per program, in scenario order, from the Okabe-Ito palette."""
    names = list(dict.fromkeys(program_names))
    colours = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(names))]
    return alt.Scale(domain=names, range=colours)


def top_districts(values: pd.Series, n: int, largest: bool = True) -> list[str]:
    """The ``n`` district ids with the largest (or smallest) values, ties by id.

    ``values`` is indexed by district id. Sorting by id as well keeps the pick stable.
    """
    frame = values.rename("v").rename_axis("district").reset_index()
    frame = frame.sort_values(["v", "district"], ascending=[not largest, True])
    return frame["district"].head(n).astype(str).tolist()


# Widths in display columns (a CJK character counts two): Vega never wraps text, and a
# rotated axis title longer than the plot's height makes an app that fits charts to the
# page shrink the plot to nothing (a flat line, no scale, the title pushed out of view).
AXIS_TITLE_COLUMNS = 24
TITLE_COLUMNS = 90


def _columns(text: str) -> int:
    """Display width of ``text``: two columns per wide (CJK) character, one otherwise."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


def wrap(text: str, columns: int) -> list[str]:
    """``text`` in lines of at most ``columns`` display columns: broken at spaces, and
    anywhere in a run of wide (CJK) characters, which have no spaces to break at."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if _columns(candidate) <= columns:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if _columns(line + char) > columns:
                lines.append(line)
                line = ""
            line += char
    if line or not lines:
        lines.append(line)
    return lines


def text_lines(text: str, columns: int) -> str | list[str]:
    """``text`` as it is when it fits in ``columns``, else as lines (Vega's multi-line)."""
    lines = wrap(text, columns)
    return lines[0] if len(lines) == 1 else lines


def axis_title(text: str) -> str | list[str]:
    """An axis title short enough per line to fit beside any plot of the app's charts."""
    return text_lines(text, AXIS_TITLE_COLUMNS)


PX_PER_CHAR = 7  # a label character's width at the charts' font size, roughly


def short_labels(label_limit: int) -> str:
    """A Vega expression that cuts a label to the characters ``label_limit`` pixels hold.

    Vega fits a longer label to its pixel limit by measuring ever shorter cuts of it; in
    the exports' renderer (vl-convert) a 900-character name (a hostile table's) makes that
    take seconds per chart, during which the renderer holds the interpreter and the whole
    server waits. Cutting by characters first is cheap; the pixel limit then rarely acts.
    The data keep the full names, so rows are never merged and tooltips show them whole.
    """
    return f"truncate(datum.label, {label_limit // PX_PER_CHAR})"


def row_axis(label_limit: int = 200) -> alt.Axis:
    """The axis of a chart with one row per district (or pair): every row's label shown
    (Vega would hide every other one at the first sign of overlap), cut at ``label_limit``
    pixels. Such an axis is titled like any other (the rows are districts, or pairs),
    its title above the rows."""
    return alt.Axis(
        labelLimit=label_limit,
        labelOverlap=False,
        labelExpr=short_labels(label_limit),
        # the title sits above the rows, right-aligned on the axis: beside the labels
        # Vega placed it by their uncut width and drew it over the long ones
        titleAngle=0,
        titleAlign="right",
        titleBaseline="bottom",
        titleX=0,
        titleY=-6,
    )


def chart_title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    """A chart title anchored left, with an optional subtitle (used to say when rows were
    left out); every chart of the app and the report is titled so. Long lines wrap."""
    sub = text_lines(subtitle, TITLE_COLUMNS) if subtitle else alt.Undefined
    return alt.TitleParams(text=text_lines(text, TITLE_COLUMNS), subtitle=sub, anchor="start")


def district_program_bars(
    allocation: pd.DataFrame,
    measure: str,
    names: Mapping[str, str],
    lang: str,
    *,
    currency: str = "",
    max_districts: int = DEFAULT_MAX_DISTRICTS,
    program_order: Sequence[str] | None = None,
) -> alt.Chart:
    """New units or spend per district, stacked by program (horizontal bars).

    ``allocation`` has the columns district, program and ``measure`` (``spend`` or
    ``new_units``), one row per pair as in ``Result.allocation``. With more districts than
    ``max_districts`` only those with the largest total are drawn, and the subtitle says
    how many of how many.
    """
    if measure not in ("spend", "new_units"):
        raise ValueError(f"unknown measure {measure!r}")
    frame = allocation[["district", "program", measure]].copy()
    totals = frame.groupby("district", sort=False)[measure].sum()
    n_all = len(totals)
    subtitle = None
    if n_all > max_districts:
        keep = top_districts(totals, max_districts, largest=True)
        frame = frame[frame["district"].isin(keep)]
        subtitle = t(
            f"app.chart.top_{measure}", lang, shown=max_districts, total=fmt_num(n_all, lang)
        )
    frame = frame[frame[measure] > 0]
    programs = list(program_order or dict.fromkeys(allocation["program"]))
    frame["district_name"] = frame["district"].map(lambda d: names.get(d, d))
    frame["program_name"] = frame["program"].map(lambda p: names.get(p, p))
    frame["value_text"] = frame[measure].map(lambda v: fmt_num(v, lang, 0 if v >= 10 else 1))
    order = (
        frame.groupby("district_name", sort=False)[measure].sum().sort_values(ascending=False)
    ).index.tolist()
    check_rows(frame)
    if measure == "spend":
        title = t("app.chart.spend_title", lang)
        axis = (
            t("app.chart.spend_axis", lang, currency=currency)
            if currency
            else t("app.chart.spend_axis_plain", lang)
        )
    else:
        title = t("app.chart.units_title", lang)
        axis = t("app.chart.units_axis", lang)
    prog_names = [names.get(p, p) for p in programs]
    return (
        alt.Chart(frame, title=chart_title(title, subtitle))
        .mark_bar()
        .encode(
            y=alt.Y(
                "district_name:N",
                sort=order,
                title=axis_title(t("app.chart.district", lang)),
                axis=row_axis(),
            ),
            x=alt.X(f"sum({measure}):Q", title=axis, stack="zero"),
            color=alt.Color(
                "program_name:N",
                scale=program_colours(prog_names),
                title=t("app.chart.program", lang),
                legend=alt.Legend(
                    orient="bottom", columns=2, labelLimit=260, labelExpr=short_labels(260)
                ),
            ),
            order=alt.Order("program_name:N"),
            tooltip=[
                alt.Tooltip("district_name:N", title=t("app.chart.district", lang)),
                alt.Tooltip("program_name:N", title=t("app.chart.program", lang)),
                alt.Tooltip("value_text:N", title=axis),
            ],
        )
        .properties(height=alt.Step(ROW_STEP))
    )


def coverage_dumbbell(
    districts: pd.DataFrame,
    names: Mapping[str, str],
    lang: str,
    *,
    max_districts: int = DEFAULT_MAX_DISTRICTS,
) -> alt.Chart:
    """Coverage before and after per district: two dots joined by a line (a dumbbell).

    ``districts`` has the columns district, coverage_before and coverage_after (shares in
    [0, 1], as ``Result.districts``). Districts are sorted by coverage after, lowest first
    (equity is about the bottom); with more than ``max_districts`` only the lowest are
    drawn, and the subtitle says so.
    """
    frame = districts[["district", "coverage_before", "coverage_after"]].copy()
    n_all = len(frame)
    subtitle = t("app.chart.coverage_sub", lang)
    if n_all > max_districts:
        keep = top_districts(
            frame.set_index("district")["coverage_after"], max_districts, largest=False
        )
        frame = frame[frame["district"].isin(keep)]
        subtitle = t(
            "app.chart.lowest_coverage", lang, shown=max_districts, total=fmt_num(n_all, lang)
        )
    frame["district_name"] = frame["district"].map(lambda d: names.get(d, d))
    frame = frame.sort_values(["coverage_after", "district"])
    order = frame["district_name"].tolist()
    before, after = t("app.chart.before", lang), t("app.chart.after", lang)
    long = frame.melt(
        id_vars=["district", "district_name"],
        value_vars=["coverage_before", "coverage_after"],
        var_name="when",
        value_name="coverage",
    )
    long["when"] = long["when"].map({"coverage_before": before, "coverage_after": after})
    check_rows(long)
    axis = t("app.chart.coverage_axis", lang)
    y = alt.Y(
        "district_name:N",
        sort=order,
        title=axis_title(t("app.chart.district", lang)),
        axis=row_axis(),
    )
    base = alt.Chart(frame)
    rule = base.mark_rule(color="#999999", strokeWidth=2).encode(
        y=y,
        x=alt.X("coverage_before:Q", axis=alt.Axis(format="%"), title=axis),
        x2="coverage_after:Q",
    )
    dots = (
        alt.Chart(long)
        .mark_circle(size=90, opacity=1)
        .encode(
            y=y,
            x=alt.X("coverage:Q", axis=alt.Axis(format="%"), title=axis),
            color=alt.Color(
                "when:N",
                scale=alt.Scale(domain=[before, after], range=[BEFORE_COLOUR, AFTER_COLOUR]),
                title=None,
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("district_name:N", title=t("app.chart.district", lang)),
                alt.Tooltip("when:N", title=t("app.chart.when", lang)),
                alt.Tooltip("coverage:Q", title=axis, format=".1%"),
            ],
        )
    )
    return alt.layer(
        rule, dots, title=chart_title(t("app.chart.coverage_title", lang), subtitle)
    ).properties(height=alt.Step(ROW_STEP))


def _value_scale(diverging: bool) -> alt.Scale:
    """The colour scale of a map: blue-orange around 0 for a change, else viridis."""
    if diverging:
        return alt.Scale(scheme="blueorange", domainMid=0)
    return alt.Scale(scheme=SEQUENTIAL_SCHEME)


def _value_color(scale: alt.Scale, value_title: str, value_format: str) -> alt.Color:
    """The colour channel of a map (tile or boundary): the value, legend below the map."""
    return alt.Color(
        "value:Q",
        scale=scale,
        title=value_title,
        legend=alt.Legend(orient="bottom", format=value_format, gradientLength=240, titleLimit=400),
    )


def _value_tooltips(
    value_title: str, value_format: str, extra: Sequence[tuple[str, str]], lang: str
) -> list[alt.Tooltip]:
    """Tooltips of a map: the district, the coloured value and any extra columns."""
    tips = [
        alt.Tooltip("district_name:N", title=t("app.chart.district", lang)),
        alt.Tooltip("value:Q", title=value_title, format=value_format),
    ]
    tips.extend(alt.Tooltip(f"{col}:N", title=title) for col, title in extra)
    return tips


def tile_map(
    frame: pd.DataFrame,
    value_title: str,
    lang: str,
    *,
    title: str,
    value_format: str = ",.3~g",
    extra_tooltips: Sequence[tuple[str, str]] = (),
    diverging: bool = False,
) -> alt.Chart:
    """A tile map: one square per district at its ``tile`` position, coloured by a value.

    ``frame`` has the columns district_name, col, row, value (and the ``extra_tooltips``
    columns, as text). Tiles carry short labels only when there are few enough to read.
    """
    check_rows(frame)
    frame = frame.copy()
    frame["label"] = frame["district_name"].astype(str).str.slice(0, 14)
    n = len(frame)
    cols = int(frame["col"].max()) + 1 if n else 1
    rows = int(frame["row"].max()) + 1 if n else 1
    size = max(6, min(110, int(760 / max(cols, 1))))
    scale = _value_scale(diverging)
    base = alt.Chart(frame, title=chart_title(title)).encode(
        x=alt.X("col:O", axis=None),
        y=alt.Y("row:O", axis=None),
    )
    tiles = base.mark_rect(stroke="white", strokeWidth=2 if n <= 400 else 0).encode(
        color=_value_color(scale, value_title, value_format),
        tooltip=_value_tooltips(value_title, value_format, extra_tooltips, lang),
    )
    chart: alt.Chart | alt.LayerChart = tiles
    if n <= 60:
        # dark text on the light (high) end of viridis, white on the dark end
        values = frame["value"].dropna()
        mid = float(values.min() + 0.6 * (values.max() - values.min())) if len(values) else 0.0
        labels = base.mark_text(fontSize=11, limit=size - 6).encode(
            text="label:N",
            color=alt.condition(f"datum.value > {mid!r}", alt.value("black"), alt.value("white")),
        )
        chart = alt.layer(tiles, labels, title=chart_title(title))
    return chart.properties(width=size * cols, height=size * rows)


def boundary_map(
    topology: Mapping[str, Any],
    object_name: str,
    frame: pd.DataFrame,
    value_title: str,
    lang: str,
    *,
    title: str,
    value_format: str = ",.3~g",
    extra_tooltips: Sequence[tuple[str, str]] = (),
    diverging: bool = False,
    attribution: str | None = None,
) -> alt.Chart:
    """A choropleth of real boundaries: a TopoJSON embedded inline (no network needed).

    ``topology`` is the parsed TopoJSON; its features' ``id`` must equal ``frame``'s
    ``map_id`` column. ``frame`` also has district_name, value and the extra tooltip
    columns. Features without a district stay grey, so a missing match is visible.
    """
    check_rows(frame)
    fields = ["district_name", "value", *[col for col, _ in extra_tooltips]]
    scale = _value_scale(diverging)
    shapes = alt.Data(
        values=dict(topology), format=alt.DataFormat(type="topojson", feature=object_name)
    )
    background = alt.Chart(shapes).mark_geoshape(fill="#dddddd", stroke="white")
    choropleth = (
        alt.Chart(shapes)
        .mark_geoshape(stroke="white", strokeWidth=0.8)
        .transform_lookup(lookup="id", from_=alt.LookupData(frame, key="map_id", fields=fields))
        .transform_filter("isValid(datum.value)")
        .encode(
            color=_value_color(scale, value_title, value_format),
            tooltip=_value_tooltips(value_title, value_format, extra_tooltips, lang),
        )
    )
    return (
        alt.layer(
            background,
            choropleth,
            title=chart_title(title, attribution),
        )
        .project(type="mercator")
        .properties(width=640, height=480)
    )
