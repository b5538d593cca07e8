"""Charts of the analyses: pure functions from a DataFrame to an ``alt.Chart``.

Same conventions as :mod:`govdecide.present.charts` (whose palette and helpers they reuse): a
title, axis titles, tooltips, colour-blind-safe colours, words from the catalogue in the
caller's language and names from :func:`govdecide.io.scenario.display_names`.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from govdecide.i18n import t
from govdecide.present.charts import (
    AFTER_COLOUR,
    BEFORE_COLOUR,
    OKABE_ITO,
    ROW_STEP,
    axis_title,
    chart_title,
    check_rows,
    row_axis,
)

CURRENT_COLOUR = "#000000"
GAIN_COLOUR = OKABE_ITO[2]  # bluish green
LOSS_COLOUR = OKABE_ITO[5]  # vermillion


def frontier_chart(
    frame: pd.DataFrame,
    current: Mapping[str, float] | None,
    lang: str,
    selected: int | None = None,
    pick: str | None = None,
) -> alt.Chart:
    """E against z along the frontier, the current setting as a black diamond.

    ``frame`` is :meth:`govdecide.analyses.Frontier.frame` (point, efficiency, equity...);
    ``current`` has the current solve's efficiency and equity; ``selected`` rings a point.
    ``pick`` names a click selection on the points (field ``point``), so that an app can
    show the clicked point's allocation.
    """
    data = check_rows(frame[["point", "efficiency", "equity", "people_served"]].copy())
    proven = frame["proven"] if "proven" in frame else pd.Series(True, index=frame.index)
    data["label"] = [
        t("an.chart.point_n", lang, n=int(p) + 1)
        + ("" if ok else t("an.chart.unproven_mark", lang))
        for p, ok in zip(data["point"], proven.reindex(data.index, fill_value=True))
    ]
    x = alt.X("equity:Q", title=t("an.chart.equity_axis", lang), axis=alt.Axis(format="%"))
    x = x.scale(zero=False)
    y = alt.Y("efficiency:Q", title=t("an.chart.efficiency_axis", lang), axis=alt.Axis(format="%"))
    y = y.scale(zero=False)
    tips = [
        alt.Tooltip("label:N", title=t("an.col.point", lang)),
        alt.Tooltip("equity:Q", title=t("an.col.equity", lang), format=".2%"),
        alt.Tooltip("efficiency:Q", title=t("an.col.efficiency", lang), format=".2%"),
        alt.Tooltip("people_served:Q", title=t("an.col.people", lang), format=",.0f"),
    ]
    base = alt.Chart(data).encode(x=x, y=y)
    line = base.mark_line(color=AFTER_COLOUR, interpolate="step-before", strokeDash=[4, 3])
    dots = base.mark_circle(size=90, color=AFTER_COLOUR, opacity=1).encode(tooltip=tips)
    if pick:
        dots = dots.add_params(alt.selection_point(name=pick, fields=["point"], on="click"))
    layers: list[alt.Chart] = [line, dots]
    if selected is not None and 0 <= selected < len(data):
        ring = alt.Chart(data.iloc[[selected]]).mark_point(
            size=400, color=BEFORE_COLOUR, strokeWidth=3
        )
        layers.append(ring.encode(x=x, y=y, tooltip=tips))
    if current is not None and current.get("efficiency") is not None:
        cur = pd.DataFrame(
            [
                {
                    "equity": current["equity"],
                    "efficiency": current["efficiency"],
                    "label": t("an.chart.current", lang),
                }
            ]
        )
        mark = alt.Chart(cur).mark_point(shape="diamond", size=220, filled=True)
        layers.append(
            mark.encode(
                x=x,
                y=y,
                color=alt.value(CURRENT_COLOUR),
                tooltip=[
                    alt.Tooltip("label:N", title=t("an.col.point", lang)),
                    alt.Tooltip("equity:Q", title=t("an.col.equity", lang), format=".2%"),
                    alt.Tooltip("efficiency:Q", title=t("an.col.efficiency", lang), format=".2%"),
                ],
            )
        )
    return alt.layer(*layers).properties(
        title=chart_title(t("an.chart.frontier_title", lang), t("an.chart.frontier_sub", lang)),
        height=360,
    )


def budget_curve_chart(frame: pd.DataFrame, base_budget: float, lang: str) -> alt.Chart:
    """E and z against the budget, the current budget as a vertical rule."""
    data = check_rows(frame[frame["efficiency"].notna()].copy())
    e_name, z_name = t("an.col.efficiency", lang), t("an.col.equity", lang)
    long = pd.concat(
        [
            pd.DataFrame(
                {"budget": data["budget"], "value": data["efficiency"], "measure": e_name}
            ),
            pd.DataFrame({"budget": data["budget"], "value": data["equity"], "measure": z_name}),
        ],
        ignore_index=True,
    )
    colour = alt.Color(
        "measure:N",
        title=None,
        scale=alt.Scale(domain=[e_name, z_name], range=[AFTER_COLOUR, BEFORE_COLOUR]),
        legend=alt.Legend(orient="bottom"),
    )
    x = alt.X("budget:Q", title=t("an.col.budget", lang), axis=alt.Axis(format=",.0f"))
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y(
                "value:Q",
                title=t("an.chart.share_axis", lang),
                axis=alt.Axis(format="%"),
                scale=alt.Scale(zero=False),
            ),
            color=colour,
            tooltip=[
                alt.Tooltip("budget:Q", title=t("an.col.budget", lang), format=",.0f"),
                alt.Tooltip("measure:N", title=t("an.chart.measure", lang)),
                alt.Tooltip("value:Q", title=t("an.chart.value", lang), format=".2%"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"budget": [base_budget], "label": [t("an.chart.current", lang)]}))
        .mark_rule(color=CURRENT_COLOUR, strokeDash=[4, 3])
        .encode(x="budget:Q", tooltip=[alt.Tooltip("label:N", title=t("an.col.budget", lang))])
    )
    return alt.layer(lines, rule).properties(
        title=chart_title(t("an.chart.curve_title", lang)), height=320
    )


def marginal_points(frame: pd.DataFrame, base_budget: float) -> pd.Series:
    """Each budget's marginal value as percentage points of the objective per 1% of the
    current budget more: a per-unit dual is a tiny number nobody reads, 1% is a step a
    policymaker thinks in. Scaling by one fixed chunk keeps the points comparable."""
    return frame["marginal_value"].astype(float) * base_budget


def marginal_chart(frame: pd.DataFrame, base_budget: float, lang: str) -> alt.Chart:
    """The marginal value of the budget at each budget of the grid (the engine's dual, so
    it does not depend on how many budgets the grid has), with the people served per budget
    unit averaged over the step from the previous budget in the tooltip."""
    data = frame[frame["marginal_value"].notna()].copy()
    data["points"] = marginal_points(data, base_budget)
    data = check_rows(data)
    title = t("an.chart.marginal_axis", lang, chunk=f"{base_budget * 0.01:,.0f}")
    return (
        alt.Chart(data)
        .mark_line(point=True, color=AFTER_COLOUR)
        .encode(
            x=alt.X("budget:Q", title=t("an.col.budget", lang), axis=alt.Axis(format=",.0f")),
            y=alt.Y("points:Q", title=axis_title(title)),
            tooltip=[
                alt.Tooltip("budget:Q", title=t("an.col.budget", lang), format=",.0f"),
                alt.Tooltip("points:Q", title=title, format=",.3f"),
                alt.Tooltip("step_people:Q", title=t("an.chart.step_people", lang), format=",.2f"),
            ],
        )
        .properties(
            title=chart_title(t("an.chart.marginal_title", lang), t("an.chart.marginal_sub", lang)),
            # the app fits a chart into this height, title and axes included: the plot
            # must stay taller than its (wrapped) y title, or it is squeezed to nothing
            height=300,
        )
    )


def robustness_chart(
    pairs: pd.DataFrame, names: Mapping[str, str], lang: str, max_rows: int = 40
) -> alt.Chart:
    """Per district and program: the range of units over the runs, the base as a dot.

    Pairs that never get a unit are left out; at most ``max_rows`` pairs with the widest
    ranges are drawn (the subtitle says so).
    """
    data = pairs[(pairs["max_units"] > 0) | (pairs["base_units"] > 0)].copy()
    data["width"] = data["max_units"] - data["min_units"]
    total = len(data)
    subtitle = None
    if total > max_rows:
        data = data.sort_values(["width", "district"], ascending=[False, True]).head(max_rows)
        subtitle = t("an.chart.widest", lang, n=max_rows, total=total)
    data["label"] = [
        f"{names.get(d, d)} / {names.get(p, p)}" for d, p in zip(data["district"], data["program"])
    ]
    y = alt.Y("label:N", sort=None, title=axis_title(t("an.col.pair", lang)), axis=row_axis(320))
    tips = [
        alt.Tooltip("label:N", title=t("an.col.pair", lang)),
        alt.Tooltip("base_units:Q", title=t("an.col.base_units", lang), format=",.2~f"),
        alt.Tooltip("min_units:Q", title=t("an.chart.min", lang), format=",.2~f"),
        alt.Tooltip("max_units:Q", title=t("an.chart.max", lang), format=",.2~f"),
        alt.Tooltip("within_one:Q", title=t("an.col.within_one", lang), format=".0%"),
    ]
    base = alt.Chart(data)
    bars = base.mark_rule(strokeWidth=6, color=AFTER_COLOUR, opacity=0.5).encode(
        y=y, x=alt.X("min_units:Q", title=t("an.col.units", lang)), x2="max_units:Q", tooltip=tips
    )
    dots = base.mark_circle(size=80, color=CURRENT_COLOUR).encode(
        y=y, x="base_units:Q", tooltip=tips
    )
    return alt.layer(bars, dots).properties(
        title=chart_title(t("an.chart.robust_title", lang), subtitle),
        height=alt.Step(ROW_STEP),
    )


def difference_chart(
    frame: pd.DataFrame, names: Mapping[str, str], name_a: str, name_b: str, lang: str
) -> alt.Chart:
    """Change in weighted coverage by district from A to B (points), gains green, losses red."""
    data = check_rows(frame[["district", "coverage_diff", "spend_diff"]].copy())
    data["name"] = [names.get(d, d) for d in data["district"]]
    data["points"] = data["coverage_diff"] * 100
    gain, loss = t("an.chart.gain", lang), t("an.chart.loss", lang)
    data["direction"] = [gain if v >= 0 else loss for v in data["coverage_diff"].fillna(0)]
    # symmetric about no change, so gains and losses read alike; at least one point each
    # way, so a tiny change is not blown up to the chart's full width
    reach = max(float(data["points"].fillna(0).abs().max()) if len(data) else 0.0, 1.0)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(
                "name:N",
                sort="-x",
                title=axis_title(t("an.chart.district", lang)),
                axis=row_axis(),
            ),
            x=alt.X(
                "points:Q",
                title=t("an.chart.diff_axis", lang),
                scale=alt.Scale(domain=[-reach, reach]),
            ),
            color=alt.Color(
                "direction:N",
                title=None,
                scale=alt.Scale(domain=[gain, loss], range=[GAIN_COLOUR, LOSS_COLOUR]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=t("an.chart.district", lang)),
                alt.Tooltip("points:Q", title=t("an.chart.diff_axis", lang), format="+.1f"),
                alt.Tooltip("spend_diff:Q", title=t("an.chart.spend_diff", lang), format="+,.0f"),
            ],
        )
        .properties(
            title=chart_title(t("an.chart.diff_title", lang, a=name_a, b=name_b)),
            height=alt.Step(ROW_STEP),
        )
    )
