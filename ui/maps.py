"""The district map on the app's pages: the scenario's TopoJSON read once per server.

The map itself is drawn by :mod:`govdecide.present.maps`; this module finds the file in
the scenario's folder (never outside it), parses it once per file version, and passes
it on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from govdecide.io.scenario import Scenario
from govdecide.present import maps
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
        return _read_topology(str(path), path.stat().st_mtime)
    except (OSError, ValueError):
        return None


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


def unmatched_features(scenario: Scenario, entry: Entry) -> Sequence[str]:
    """District names with no boundary in the scenario's TopoJSON."""
    return maps.unmatched_features(scenario, topology_for(scenario, entry))
