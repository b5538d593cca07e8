"""Charts of a workshop room: pure functions from a DataFrame to an ``alt.Chart``.

- :func:`spread_chart`: each participant's value of each parameter (a dot per person, a
  row per parameter) with the room's value under the chosen rule as a bar across the row;
- :func:`satisfaction_histogram`: how many participants the room's plan satisfies how
  well (10-point bins, 0-100%);
- :func:`rounds_chart`: how the room's value of each parameter moved from round to round.

Titles and axis titles as every chart of the app (:mod:`govdecide.present.charts`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from govdecide.i18n import fmt_num, t
from govdecide.present.charts import (
    OKABE_ITO,
    ROW_STEP,
    axis_title,
    chart_title,
    check_rows,
    row_axis,
    short_labels,
)
from govdecide.present.room_tables import parameter_label

ROOM_COLOUR = "#D55E00"
PERSON_COLOUR = "#0072B2"
BINS = 10


def spread_chart(
    spread: pd.DataFrame,
    room_values: Mapping[str, float] | None,
    names: Mapping[str, str],
    lang: str,
) -> alt.Chart:
    """Each participant's value per parameter (dots), the room's value (an orange tick).

    ``spread`` is :func:`govdecide.rooms.spread_frame` (values are shares in [0, 1]);
    ``room_values`` the room's parameters by id (None: no room value yet).
    """
    frame = spread.copy()
    frame["label"] = frame["parameter"].map(lambda p: parameter_label(p, names, lang))
    frame["percent"] = frame["value"].astype(float) * 100
    order = list(dict.fromkeys(frame["label"]))
    check_rows(frame)
    y = alt.Y("label:N", sort=order, title=axis_title(t("room.chart.parameter", lang)),
              axis=row_axis(260))  # fmt: skip
    x_title = t("room.chart.value_axis", lang)
    people = (
        alt.Chart(frame)
        .mark_circle(size=90, opacity=0.45, color=PERSON_COLOUR)
        .encode(
            x=alt.X("percent:Q", title=x_title, scale=alt.Scale(domain=[0, 100])),
            y=y,
            tooltip=[
                alt.Tooltip("label:N", title=t("room.chart.parameter", lang)),
                alt.Tooltip("participant:O", title=t("room.chart.seat", lang)),
                alt.Tooltip("percent:Q", title=x_title, format=".1f"),
            ],
        )
    )
    layers: list[alt.Chart] = [people]
    if room_values:
        room = pd.DataFrame(
            {
                "label": [parameter_label(p, names, lang) for p in room_values],
                "percent": [float(v) * 100 for v in room_values.values()],
            }
        )
        layers.append(
            alt.Chart(room)
            .mark_tick(color=ROOM_COLOUR, thickness=4, size=ROW_STEP)
            .encode(
                x="percent:Q",
                y=alt.Y("label:N", sort=order),
                tooltip=[
                    alt.Tooltip("label:N", title=t("room.chart.parameter", lang)),
                    alt.Tooltip("percent:Q", title=t("room.chart.room_value", lang), format=".1f"),
                ],
            )
        )
    return alt.layer(*layers).properties(
        title=chart_title(t("room.chart.spread_title", lang), t("room.chart.spread_sub", lang)),
        height=alt.Step(ROW_STEP * 2),
    )


def satisfaction_histogram(shares: Sequence[float | None], lang: str) -> alt.Chart:
    """How many participants have each satisfaction (shares in [0, 1]; None left out),
    in bins of 10 points from 0 to 100%; the lowest is said in the subtitle."""
    values = np.array([s for s in shares if s is not None], dtype=float) * 100
    edges = np.linspace(0, 100, BINS + 1)
    counts, _ = np.histogram(values, bins=edges)
    frame = pd.DataFrame({"start": edges[:-1], "end": edges[1:], "count": counts.astype(int)})
    frame["range"] = [f"{a:.0f}-{b:.0f}%" for a, b in zip(edges[:-1], edges[1:])]
    lowest = fmt_num(float(values.min()), lang, 1) + "%" if values.size else "-"
    title = chart_title(
        t("room.chart.satisfaction_title", lang),
        t("room.chart.satisfaction_sub", lang, lowest=lowest, count=fmt_num(values.size, lang)),
    )
    axis = t("room.chart.satisfaction_axis", lang)
    people = t("room.chart.participants", lang)
    return (
        alt.Chart(frame, title=title)
        .mark_bar(color=PERSON_COLOUR)
        .encode(
            x=alt.X("start:Q", bin="binned", title=axis, scale=alt.Scale(domain=[0, 100])),
            x2="end:Q",
            y=alt.Y("count:Q", title=people, axis=alt.Axis(tickMinStep=1)),
            tooltip=[
                alt.Tooltip("range:N", title=axis),
                alt.Tooltip("count:Q", title=people),
            ],
        )
        .properties(height=220)
    )


def rounds_chart(
    comparison: pd.DataFrame, parameter_ids: Sequence[str], names: Mapping[str, str], lang: str
) -> alt.Chart:
    """The room's value of each parameter per round (a line per parameter).

    ``comparison`` is :func:`govdecide.rooms.round_comparison` (columns ``<id>:room``).
    """
    rows = [
        {
            "round": int(r["round"]),
            "label": parameter_label(pid, names, lang),
            "percent": float(r[f"{pid}:room"]) * 100,
        }
        for _, r in comparison.iterrows()
        for pid in parameter_ids
        if pd.notna(r.get(f"{pid}:room"))
    ]
    frame = pd.DataFrame(rows, columns=["round", "label", "percent"])
    labels = list(dict.fromkeys(frame["label"]))
    colours = alt.Scale(domain=labels, range=[OKABE_ITO[i % 7] for i in range(len(labels))])
    axis = t("room.chart.room_value", lang)
    return (
        alt.Chart(frame, title=chart_title(t("room.chart.rounds_title", lang)))
        .mark_line(point=alt.OverlayMarkDef(size=80), strokeWidth=3)
        .encode(
            x=alt.X("round:O", title=t("room.chart.round", lang), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("percent:Q", title=axis_title(axis)),
            color=alt.Color(
                "label:N",
                scale=colours,
                title=t("room.chart.parameter", lang),
                legend=alt.Legend(orient="right", labelLimit=260, labelExpr=short_labels(260)),
            ),  # fmt: skip
            tooltip=[
                alt.Tooltip("round:O", title=t("room.chart.round", lang)),
                alt.Tooltip("label:N", title=t("room.chart.parameter", lang)),
                alt.Tooltip("percent:Q", title=axis, format=".1f"),
            ],
        )
        .properties(height=260)
    )
