"""The district map of a scenario: real boundaries when it has them, else its tile map.

A scenario with ``map: {topojson, object}`` gets a choropleth of the TopoJSON (passed in
parsed, and embedded inline, so the browser fetches nothing); districts are matched to
features by ``map_id`` or, failing that, their English name. The attribution a map
imported by the user carries (:func:`govdecide.io.boundaries.map_attribution`) is drawn
under the title, so it travels with every copy of the map: the app's, the report's and
the chart images'. A scenario whose districts all have ``tile`` positions gets a tile
map. Otherwise there is no map (None), and the caller says so. Reading the TopoJSON file
is the caller's business (:func:`govdecide.io.boundaries.read_map_file`, the app's
session, a workspace).

Every map of a result is :func:`gains_map` (the app's map of gains, the report, the chart
images): one builder, so they cannot disagree. :func:`match_frame` is the table of a map
import's matches that the data page lets the user correct.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from govdecide.i18n import fmt_pct, localize, t
from govdecide.io.boundaries import map_attribution
from govdecide.io.boundary_check import Boundaries
from govdecide.io.boundary_match import Match, field_value
from govdecide.io.scenario import Scenario
from govdecide.model.result import Result
from govdecide.present import charts


def map_ids(scenario: Scenario) -> dict[str, str]:
    """Feature id per district: ``map_id``, else the English name."""
    return {d.id: d.map_id or localize(d.name, "en") for d in scenario.districts}


def has_tiles(scenario: Scenario) -> bool:
    """True when every district has a tile position."""
    return all(d.tile is not None for d in scenario.districts)


def usable_topology(
    scenario: Scenario, topology: Mapping[str, Any] | None
) -> Mapping[str, Any] | None:
    """``topology`` when it holds the scenario's map object, else None."""
    if scenario.map is None or not isinstance(topology, Mapping):
        return None
    objects = topology.get("objects", {})
    return topology if isinstance(objects, Mapping) and scenario.map.object in objects else None


def map_frame(
    scenario: Scenario,
    values: pd.Series,
    lang: str,
    extra: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """One row per district (id, name, value) plus a text column per ``extra`` tooltip
    ({tooltip title: {district id: text}}), and the (column, title) pairs of those."""
    names = {d.id: localize(d.name, lang) for d in scenario.districts}
    ids = [d.id for d in scenario.districts]
    frame = pd.DataFrame(
        {
            "district": ids,
            "district_name": [names[i] for i in ids],
            "value": values.reindex(ids).astype(float).to_numpy(),
        }
    )
    tips: list[tuple[str, str]] = []
    for k, (tip_title, by_id) in enumerate((extra or {}).items()):
        col = f"extra_{k}"
        frame[col] = [by_id.get(i, "") for i in ids]
        tips.append((col, tip_title))
    return frame, tips


def district_map(
    scenario: Scenario,
    values: pd.Series,
    lang: str,
    *,
    topology: Mapping[str, Any] | None = None,
    title: str,
    value_title: str,
    value_format: str = ",.3~g",
    extra: Mapping[str, Mapping[str, str]] | None = None,
    diverging: bool = False,
) -> alt.Chart | None:
    """A map coloured by ``values`` (indexed by district id), or None when there is none.

    None also for more districts than a chart may hold (:data:`charts.MAX_ROWS`): no map
    rather than part of one. ``topology`` is the scenario's parsed TopoJSON, if read.
    ``extra`` maps a tooltip title to {district id: text}, shown on hover.
    """
    if len(scenario.districts) > charts.MAX_ROWS:
        return None  # one mark per district would break the chart row limit
    frame, tips = map_frame(scenario, values, lang, extra)
    style = {
        "title": title,
        "value_format": value_format,
        "extra_tooltips": tips,
        "diverging": diverging,
    }
    topology = usable_topology(scenario, topology)
    if topology is not None and scenario.map is not None:
        frame["map_id"] = frame["district"].map(map_ids(scenario))
        return charts.boundary_map(
            topology,
            scenario.map.object,
            frame,
            value_title,
            lang,
            attribution=map_attribution(topology, lang),
            **style,
        )
    if has_tiles(scenario):
        tiles = {d.id: d.tile for d in scenario.districts}
        frame["col"] = [tiles[i][0] for i in frame["district"]]  # type: ignore[index]
        frame["row"] = [tiles[i][1] for i in frame["district"]]  # type: ignore[index]
        return charts.tile_map(frame, value_title, lang, **style)
    return None


def unmatched_features(scenario: Scenario, topology: Mapping[str, Any] | None) -> list[str]:
    """District names with no boundary in the TopoJSON (shown as a warning)."""
    topology = usable_topology(scenario, topology)
    if topology is None or scenario.map is None:
        return []
    geoms = topology["objects"][scenario.map.object].get("geometries", [])
    ids = {str(g.get("id")) for g in geoms}
    by_id = map_ids(scenario)
    return [localize(d.name, "en") for d in scenario.districts if by_id[d.id] not in ids]


def gains_map(
    scenario: Scenario,
    result: Result,
    lang: str,
    topology: Mapping[str, Any] | None = None,
) -> alt.Chart | None:
    """The map of coverage gains (percentage points), coverage before and after on
    hover; None when the result has no allocation or the scenario no map."""
    if not result.has_solution:
        return None
    d = result.districts.set_index("district")
    extra = {
        t("app.chart.before", lang): {k: fmt_pct(v, lang) for k, v in d["coverage_before"].items()},
        t("app.chart.after", lang): {k: fmt_pct(v, lang) for k, v in d["coverage_after"].items()},
    }
    return district_map(
        scenario,
        (d["coverage_after"] - d["coverage_before"]) * 100,
        lang,
        topology=topology,
        title=t("app.chart.gain_title", lang),
        value_title=t("app.chart.gain_axis", lang),
        value_format=".1f",
        extra=extra,
    )


def match_frame(
    boundaries: Boundaries, match: Match, scenario: Scenario, lang: str
) -> pd.DataFrame:
    """One row per feature: how a person knows it, its value of the matching field, the
    district it draws (its name in ``lang``, empty for none) and how it was matched.
    Unmatched and ambiguous features first, so the ones to fix are on top."""
    names = {d.id: localize(d.name, lang) for d in scenario.districts}
    ambiguous, fixed = set(match.ambiguous), set(match.fixed)
    rows = []
    for feature in boundaries.features:
        district = match.assigned.get(feature.index)
        if feature.index in ambiguous:
            how = t("maps.ui.how_ambiguous", lang)
        elif district is None:
            how = t("maps.ui.how_none", lang)
        elif feature.index in fixed:
            how = t("maps.ui.how_hand", lang)
        else:
            how = t("maps.ui.how_auto", lang, field=match.by)
        rows.append(
            {
                "index": feature.index,
                "feature": feature.label(),
                "value": field_value(feature, match.by) or "",
                "district": names.get(district, "") if district else "",
                "how": how,
                "matched": district is not None,
            }
        )
    frame = pd.DataFrame(rows, columns=["index", "feature", "value", "district", "how", "matched"])
    return frame.sort_values(["matched", "index"], kind="stable").reset_index(drop=True)
