"""The district map on the app's pages: the scenario's boundaries, found once per server.

The map itself is drawn by :mod:`govdecide.present.maps`; this module finds the
scenario's TopoJSON and passes it on. A map the user imported on the data page is kept in
the session under its reference (:func:`keep_map`; the reference holds the map's content
hash, so one reference is one map), and a bundled scenario's map is read from the
scenario's folder (never outside it, :func:`govdecide.io.boundaries.map_path`). Each is
parsed once per server (by reference, or by file and version).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from govdecide.io.boundaries import map_path
from govdecide.io.scenario import Scenario
from govdecide.model.result import Result
from govdecide.present import maps
from ui.state import Entry
from ui.workspace import stored_map_text

_KEPT = "_govdecide_maps"  # this session's imported maps: reference -> TopoJSON text


@st.cache_data(show_spinner=False, max_entries=8)
def _read_topology(path: str, mtime: float) -> dict[str, Any] | None:
    """A TopoJSON file, parsed once per server and file version."""
    try:
        with open(path, encoding="utf-8") as fh:
            parsed = json.load(fh)
    except (OSError, ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None


@st.cache_data(show_spinner=False, max_entries=8)
def parsed_map(reference: str, _text: str) -> dict[str, Any]:
    """An imported map's text, parsed once per server (the reference names the content)."""
    return json.loads(_text)


def keep_map(reference: str, text: str) -> None:
    """Keep an imported map for this session's pages, under the scenario's reference."""
    st.session_state.setdefault(_KEPT, {})[reference] = text


def kept_map_text(reference: str) -> str | None:
    """The text of a map imported in this session, if any (for a download)."""
    return st.session_state.get(_KEPT, {}).get(reference)


def topology_for(scenario: Scenario, entry: Entry) -> dict[str, Any] | None:
    """The scenario's boundaries, or None (no ``map`` key, no such map, unreadable file)."""
    if scenario.map is None:
        return None
    kept = kept_map_text(scenario.map.topojson) or stored_map_text(scenario.map.topojson)
    if kept is not None:
        return parsed_map(scenario.map.topojson, kept)
    path = map_path(entry.base_dir, scenario.map.topojson)
    if path is None:
        return None
    return _read_topology(str(path), path.stat().st_mtime)


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
) -> alt.Chart | None:
    """:func:`govdecide.present.maps.district_map` with the scenario's own boundaries."""
    return maps.district_map(
        scenario,
        values,
        lang,
        topology=topology_for(scenario, entry),
        title=title,
        value_title=value_title,
        value_format=value_format,
        extra=extra,
    )


def gains_map(scenario: Scenario, entry: Entry, result: Result, lang: str) -> alt.Chart | None:
    """:func:`govdecide.present.maps.gains_map` with the scenario's own boundaries."""
    return maps.gains_map(scenario, result, lang, topology_for(scenario, entry))


def unmatched_features(scenario: Scenario, entry: Entry) -> Sequence[str]:
    """District names with no boundary in the scenario's TopoJSON."""
    return maps.unmatched_features(scenario, topology_for(scenario, entry))
