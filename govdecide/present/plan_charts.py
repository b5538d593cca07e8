"""Charts of a plan over several years: pure functions from a DataFrame to an ``alt.Chart``.

The frames come from ``present.plan_tables`` (``*_frame``); words from the catalogue in
the caller's language. Like the single-year charts (``present.charts``) every chart has a
title, axis titles, tooltips and the Okabe-Ito colours for programs, viridis for
quantities; a heatmap of more districts than ``max_districts`` keeps the lowest-covered
ones and says so.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from govdecide.i18n import fmt_num, fmt_pct, t
from govdecide.present.charts import (
    OKABE_ITO,
    ROW_STEP,
    SEQUENTIAL_SCHEME,
    axis_title,
    chart_title,
    check_rows,
    program_colours,
    row_axis,
    short_labels,
    top_districts,
)

HEATMAP_MAX_DISTRICTS = 40


def commissioned_chart(frame: pd.DataFrame, lang: str) -> alt.LayerChart:
    """New units commissioned each year (``commissioned_frame``): a row per program, a
    circle per year a program builds in, its size the share of that program's new units
    built that year, its label the units.

    Units of different programs are not added up (a health station and a grant line's
    unit are not the same thing, so a stacked bar would let the cheapest unit drown the
    rest); each row reads on its own: when, and how much of it.
    """
    data = frame[frame["new_units"] > 1e-9].copy()
    totals = data.groupby("program")["new_units"].transform("sum")
    data["share"] = data["new_units"] / totals
    data["value_text"] = data["new_units"].map(lambda v: fmt_num(v, lang, 0 if v >= 10 else 1))
    data["share_text"] = data["share"].map(lambda v: fmt_pct(v, lang))
    programs = list(dict.fromkeys(frame["program_name"]))
    x = alt.X("year:O", title=t("plan.chart.year", lang), axis=alt.Axis(labelAngle=0),
              scale=alt.Scale(domain=sorted(frame["year"].unique().tolist())))  # fmt: skip
    y = alt.Y("program_name:N", sort=programs, title=axis_title(t("plan.chart.program", lang)),
              axis=alt.Axis(labelExpr=short_labels(200)))  # fmt: skip
    base = alt.Chart().encode(x=x, y=y)
    circles = base.mark_circle(opacity=0.85).encode(
        size=alt.Size("share:Q", scale=alt.Scale(domain=[0, 1], range=[30, 900]), legend=None),
        color=alt.Color("program_name:N", scale=program_colours(programs), legend=None),
        tooltip=[
            alt.Tooltip("year:O", title=t("plan.chart.year", lang)),
            alt.Tooltip("program_name:N", title=t("plan.chart.program", lang)),
            alt.Tooltip("value_text:N", title=t("plan.chart.units", lang)),
            alt.Tooltip("share_text:N", title=t("plan.chart.units_share", lang)),
        ],
    )
    labels = base.mark_text(dy=-19, fontSize=11).encode(text="value_text:N")
    title = chart_title(t("plan.chart.commissioned", lang), t("plan.chart.commissioned_note", lang))
    return alt.layer(circles, labels, data=check_rows(data), title=title).properties(
        height=alt.Step(max(ROW_STEP, 44)), width=alt.Step(60)
    )


def coverage_heatmap(
    frame: pd.DataFrame, lang: str, max_districts: int = HEATMAP_MAX_DISTRICTS
) -> alt.Chart:
    """Each district's weighted coverage by year (``coverage_frame``), a district x year
    heatmap; with more districts than ``max_districts``, the lowest-covered in the last
    year are drawn and the subtitle says how many of how many."""
    last = frame[frame["year"] == frame["year"].max()].set_index("district")["coverage"]
    subtitle = None
    data = frame
    if last.size > max_districts:
        keep = top_districts(last, max_districts, largest=False)
        data = frame[frame["district"].isin(keep)]
        subtitle = t("plan.chart.lowest", lang, shown=max_districts, total=fmt_num(last.size, lang))
    data = data.copy()
    data["value_text"] = data["coverage"].map(lambda v: fmt_pct(v, lang))
    order = (data[data["year"] == data["year"].max()].sort_values(["coverage", "district"]))[
        "district_name"
    ].tolist()
    return (
        alt.Chart(check_rows(data), title=chart_title(t("plan.chart.coverage", lang), subtitle))
        .mark_rect()
        .encode(
            x=alt.X("year:O", title=t("plan.chart.year", lang), axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "district_name:N",
                sort=order,
                title=axis_title(t("plan.chart.district", lang)),
                axis=row_axis(),
            ),
            color=alt.Color(
                "coverage:Q",
                scale=alt.Scale(scheme=SEQUENTIAL_SCHEME, domain=[0, 1]),
                title=t("plan.chart.coverage_legend", lang),
                legend=alt.Legend(format=".0%"),
            ),
            tooltip=[
                alt.Tooltip("district_name:N", title=t("plan.chart.district", lang)),
                alt.Tooltip("year:O", title=t("plan.chart.year", lang)),
                alt.Tooltip("value_text:N", title=t("plan.chart.coverage_legend", lang)),
            ],
        )
        .properties(height=alt.Step(ROW_STEP))
    )


def budget_use_chart(frame: pd.DataFrame, lang: str, currency: str = "") -> alt.Chart:
    """Each year's budget split into new building, running costs and what is left
    (``budget_frame``), stacked bars per year."""
    data = frame.copy()
    data["value_text"] = data["amount"].map(lambda v: fmt_num(v, lang, 0))
    data["share_text"] = data["share"].map(lambda v: fmt_pct(v, lang))
    parts = list(dict.fromkeys(data["part_name"]))
    colours = [OKABE_ITO[0], OKABE_ITO[5], "#BBBBBB"][: len(parts)]
    axis = (
        t("plan.chart.money", lang, currency=currency)
        if currency
        else t("plan.chart.money_plain", lang)
    )
    data["order"] = data["part"].map({"capital": 0, "running": 1, "unspent": 2})
    return (
        alt.Chart(check_rows(data), title=chart_title(t("plan.chart.budget", lang)))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=t("plan.chart.year", lang), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("amount:Q", title=axis_title(axis), stack="zero"),
            color=alt.Color(
                "part_name:N",
                scale=alt.Scale(domain=parts, range=colours),
                title=t("plan.chart.part", lang),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("year:O", title=t("plan.chart.year", lang)),
                alt.Tooltip("part_name:N", title=t("plan.chart.part", lang)),
                alt.Tooltip("value_text:N", title=axis),
                alt.Tooltip("share_text:N", title=t("plan.chart.share", lang)),
            ],
        )
    )


def scores_chart(frame: pd.DataFrame, lang: str) -> alt.Chart:
    """E and z per year (``scores_frame``), two lines with points."""
    data = frame.copy()
    data["value_text"] = data["value"].map(lambda v: fmt_pct(v, lang))
    names = list(dict.fromkeys(data["measure_name"]))
    return (
        alt.Chart(check_rows(data), title=chart_title(t("plan.chart.scores", lang)))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=t("plan.chart.year", lang), axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "value:Q",
                title=axis_title(t("plan.chart.score", lang)),
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format=".0%"),
            ),
            color=alt.Color(
                "measure_name:N",
                scale=alt.Scale(domain=names, range=[OKABE_ITO[0], OKABE_ITO[1]]),
                title=t("plan.chart.measure", lang),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("year:O", title=t("plan.chart.year", lang)),
                alt.Tooltip("measure_name:N", title=t("plan.chart.measure", lang)),
                alt.Tooltip("value_text:N", title=t("plan.chart.score", lang)),
            ],
        )
    )
