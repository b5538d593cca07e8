"""The district map of a scenario: real boundaries when it has them, else its tile map.

A scenario with ``map: {topojson, object}`` gets a choropleth of the TopoJSON (read from
the scenario's folder and embedded inline, so the browser fetches nothing); districts are
matched to features by ``map_id`` or, failing that, their English name. A scenario whose
districts all have ``tile`` positions gets a tile map. Otherwise there is no map, and the
page says so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from govdecide.i18n import localize
from govdecide.io.scenario import Scenario
from govdecide.present import charts
from ui.state import Entry


@st.cache_data(show_spinner=False, max_entries=8)
def _read_topology(path: str, mtime: float) -> dict[str, Any]:
    """A TopoJSON file, parsed once per server and file version."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def topology_for(scenario: Scenario, entry: Entry) -> dict[str, Any] | None:
    """The scenario's boundaries, or None (no ``map`` key, no folder, unreadable file)."""
    if scenario.map is None or entry.base_dir is None:
        return None
    path = (entry.base_dir / scenario.map.topojson).resolve()
    try:
        path.relative_to(entry.base_dir.resolve())  # stay inside the scenario's folder
        topology = _read_topology(str(path), path.stat().st_mtime)
    except (OSError, ValueError):
        return None
    objects = topology.get("objects", {}) if isinstance(topology, dict) else {}
    return topology if scenario.map.object in objects else None


def map_ids(scenario: Scenario) -> dict[str, str]:
    """Feature id per district: ``map_id``, else the English name."""
    return {d.id: d.map_id or localize(d.name, "en") for d in scenario.districts}


def has_tiles(scenario: Scenario) -> bool:
    """True when every district has a tile position."""
    return all(d.tile is not None for d in scenario.districts)


def district_map(
    scenario: Scenario,
    entry: Entry,
    values: pd.Series,
    lang: str,
    *,
    title: str,
    value_title: str,
    value_format: str = ",.3~g",
    extra: Mapping[str, Mapping[str, str]] | None = None,
    diverging: bool = False,
) -> alt.Chart | None:
    """A map coloured by ``values`` (indexed by district id), or None when there is none.

    None also for more districts than a chart may hold (:data:`charts.MAX_ROWS`); the
    pages then say that there is no map rather than drawing part of one.

    ``extra`` maps a tooltip title to {district id: text}, shown on hover.
    """
    if len(scenario.districts) > charts.MAX_ROWS:
        return None  # one mark per district would break the chart row limit
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
    topology = topology_for(scenario, entry)
    if topology is not None and scenario.map is not None:
        frame["map_id"] = frame["district"].map(map_ids(scenario))
        return charts.boundary_map(
            topology,
            scenario.map.object,
            frame,
            value_title,
            lang,
            title=title,
            value_format=value_format,
            extra_tooltips=tips,
            diverging=diverging,
        )
    if has_tiles(scenario):
        tiles = {d.id: d.tile for d in scenario.districts}
        frame["col"] = [tiles[i][0] for i in ids]  # type: ignore[index]
        frame["row"] = [tiles[i][1] for i in ids]  # type: ignore[index]
        return charts.tile_map(
            frame,
            value_title,
            lang,
            title=title,
            value_format=value_format,
            extra_tooltips=tips,
            diverging=diverging,
        )
    return None


def unmatched_features(scenario: Scenario, entry: Entry) -> Sequence[str]:
    """District names with no boundary in the TopoJSON (shown as a warning)."""
    topology = topology_for(scenario, entry)
    if topology is None or scenario.map is None:
        return []
    geoms = topology["objects"][scenario.map.object].get("geometries", [])
    ids = {str(g.get("id")) for g in geoms}
    by_id = map_ids(scenario)
    return [localize(d.name, "en") for d in scenario.districts if by_id[d.id] not in ids]

