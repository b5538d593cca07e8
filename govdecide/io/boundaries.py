"""Your own map: a boundary file read, checked, matched to districts and prepared to draw.

The steps, each its own module, in the order the data flows:

1. :func:`read_map` reads a GeoJSON or TopoJSON file of at most 10 MB
   (:mod:`~govdecide.io.boundary_read`, :mod:`~govdecide.io.boundary_topo`: bounded, a
   hostile file refused in words) and checks its geometry
   (:mod:`~govdecide.io.boundary_check`: each repair a note the user sees);
2. :func:`~govdecide.io.boundary_match.match_features` matches features to districts by
   id, name or a code property, and ``apply_fixes`` applies the user's corrections;
3. :func:`prepare_map` joins each district's features, simplifies the shapes for display
   with the ``topojson`` package (one topology, so a border two districts share is
   simplified once and stays shared) and writes the TopoJSON with the attribution the
   user gave (:data:`ATTRIBUTION_KEY`, drawn beside every map);
4. :func:`scenario_with_map` gives the scenario the existing map reference
   (``map: {topojson, object}``, ``map_id`` per district).

:func:`read_map_file` reads the map a scenario references back, from inside the
scenario's folder only. The app runs steps 1 and 3 in a child process
(:mod:`~govdecide.io.boundary_guard`) so that no file can stall the server.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import topojson

from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import localize
from govdecide.io.boundary_check import Boundaries, check_geometry
from govdecide.io.boundary_match import Match
from govdecide.io.boundary_read import (
    GEOMETRY_TYPES,
    MAX_MAP_BYTES,
    MapNote,
    RawMap,
    map_error,
    parse_json,
    read_geojson,
)
from govdecide.io.boundary_topo import read_topojson
from govdecide.io.scenario import Scenario, scenario_from_data, scenario_to_data
from govdecide.io.scenario_schema import unsafe_character

OBJECT_NAME = "districts"
ATTRIBUTION_KEY = "attribution"  # a member of the TopoJSON (foreign members are allowed)
MAX_ATTRIBUTION_CHARS = 300
QUANTIZE = 100_000  # grid of the prepared map: 1e5 steps across its extent
# Simplification for display: a tolerance of 1/2,000 of the map's larger side (half a
# pixel on a 1,000-pixel map), doubled until the map has at most DRAW_POINTS coordinates.
SIMPLIFY_SHARE = 1 / 2000
DRAW_POINTS = 150_000
MAP_DIR = "maps"
_STEM = re.compile(r"[^a-z0-9_-]+")


def read_raw(data: bytes, file: str, object_name: str | None = None) -> RawMap:
    """A boundary file's features, or the :class:`ScenarioError` that says why not."""
    parsed = parse_json(data, file)
    if not isinstance(parsed, Mapping) or not isinstance(parsed.get("type"), str):
        raise map_error("map_not_geojson", file)
    if parsed["type"] == "Topology":
        return read_topojson(parsed, file, object_name)
    if parsed["type"] not in ("FeatureCollection", "Feature", *GEOMETRY_TYPES):
        raise map_error("map_not_geojson", file)
    return read_geojson(parsed, file)


def read_map(data: bytes, file: str = "map.json", object_name: str | None = None) -> Boundaries:
    """A boundary file read and its geometry checked (a :class:`ScenarioError` if it
    cannot be used; every repair is one of the result's notes)."""
    return check_geometry(read_raw(data, file, object_name), file)


def check_attribution(text: str | None) -> str | None:
    """The attribution as given (trimmed), None when empty; refused with a message when
    too long or holding a character no chart can draw."""
    if text is None or not text.strip():
        return None
    text = " ".join(text.split())
    if len(text) > MAX_ATTRIBUTION_CHARS:
        raise ScenarioError(
            [Problem("attribution", "map_attribution_long", {"limit": MAX_ATTRIBUTION_CHARS})]
        )
    char = unsafe_character(text)
    if char is not None:
        raise ScenarioError([Problem("attribution", "bad_character", {"char": char})])
    return text


@dataclass(frozen=True)
class PreparedMap:
    """A map ready to store and draw: the TopoJSON as data and as text, and what the
    preparation did (points before and after simplification, joined features)."""

    topology: dict[str, Any]
    text: str
    sha256: str
    districts: int
    points_before: int
    points_after: int
    notes: tuple[MapNote, ...] = ()


def _district_shapes(
    boundaries: Boundaries, match: Match, scenario: Scenario
) -> tuple[list[str], list[Any], list[MapNote]]:
    """Each matched district's shape (its features joined), in scenario order."""
    parts: dict[str, list[Any]] = {}
    for feature in boundaries.features:
        district = match.assigned.get(feature.index)
        if district is not None:
            parts.setdefault(district, []).append(feature.geometry)
    ids = [d.id for d in scenario.districts if d.id in parts]
    if not ids:
        raise ScenarioError([Problem("", "map_nothing_matched", {})])
    shapes = [parts[i][0] if len(parts[i]) == 1 else shapely.union_all(parts[i]) for i in ids]
    joined = [i for i in ids if len(parts[i]) > 1]
    notes = []
    if joined:
        names = ", ".join(localize(scenario.district(i).name, "en") for i in joined[:8])
        notes.append(MapNote("joined", {"count": len(joined), "districts": names}))
    return ids, shapes, notes


def _arc_points(topology: Mapping[str, Any]) -> int:
    """The coordinates a topology stores (each shared border once)."""
    return sum(len(arc) for arc in topology.get("arcs", []))


def _simplified(shapes: list[Any]) -> dict[str, Any]:
    """One topology of all shapes, simplified for display and keeping shared borders
    shared (:data:`SIMPLIFY_SHARE`, :data:`DRAW_POINTS`)."""
    xmin, ymin, xmax, ymax = shapely.total_bounds(np.array(shapes, dtype=object))
    tolerance = max(xmax - xmin, ymax - ymin) * SIMPLIFY_SHARE
    topo = topojson.Topology(
        shapes, prequantize=QUANTIZE, object_name=OBJECT_NAME, winding_order="CW_CCW"
    )
    for _ in range(6):
        simple = topo.toposimplify(tolerance, prevent_oversimplify=True).to_dict()
        if _arc_points(simple) <= DRAW_POINTS:
            break
        tolerance *= 2
    return simple


def prepare_map(
    boundaries: Boundaries, match: Match, scenario: Scenario, attribution: str | None = None
) -> PreparedMap:
    """The TopoJSON to draw: one feature per matched district (id = district id), its
    shape simplified for display, the attribution kept in the file (see the module)."""
    attribution = check_attribution(attribution)
    ids, shapes, notes = _district_shapes(boundaries, match, scenario)
    topology = _simplified(shapes)
    geometries = topology["objects"][OBJECT_NAME]["geometries"]
    for geometry, district in zip(geometries, ids, strict=True):
        geometry["id"] = district
        geometry["properties"] = {"name": localize(scenario.district(district).name, "en")}
    topology.pop("bbox", None)
    if attribution is not None:
        topology[ATTRIBUTION_KEY] = attribution
    text = json.dumps(topology, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    if len(text.encode("utf-8")) > MAX_MAP_BYTES:
        raise ScenarioError([Problem("", "map_prepared_large", {"mb": MAX_MAP_BYTES >> 20})])
    return PreparedMap(
        topology=topology,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        districts=len(ids),
        points_before=boundaries.points,
        points_after=_arc_points(topology),
        notes=tuple(notes),
    )


def map_reference(stem: str, prepared: PreparedMap) -> str:
    """Where the scenario finds its map, relative to its file: ``maps/<stem>-<hash>``
    (the hash makes two different maps of one scenario two different files)."""
    clean = _STEM.sub("-", stem.lower()).strip("-")[:60] or "map"
    return f"{MAP_DIR}/{clean}-{prepared.sha256[:12]}.topojson"


def scenario_with_map(scenario: Scenario, reference: str, prepared: PreparedMap) -> Scenario:
    """The scenario drawing its districts with the prepared map: the map reference, and
    each drawn district's ``map_id`` (the feature id, which is the district id)."""
    drawn = {g["id"] for g in prepared.topology["objects"][OBJECT_NAME]["geometries"]}
    data = scenario_to_data(scenario)
    data["map"] = {"topojson": reference, "object": OBJECT_NAME}
    for district in data["districts"]:
        if district["id"] in drawn:
            district["map_id"] = district["id"]
        else:
            district.pop("map_id", None)
    return scenario_from_data(data)


def read_topology(data: bytes | str, file: str = "map.topojson") -> dict[str, Any]:
    """A stored TopoJSON parsed and checked like an upload (a stored map is input too)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    read_map(raw, file)  # refuses what the drawing could not use
    parsed = json.loads(raw.decode("utf-8-sig"))
    if parsed.get("type") != "Topology":
        raise map_error("map_not_topology", file)
    return parsed


def map_path(base_dir: Path | None, reference: str) -> Path | None:
    """The file a map reference names inside ``base_dir``; None outside it (``../``, an
    absolute path), when there is no folder, or when the file is missing or too large."""
    if base_dir is None:
        return None
    path = (base_dir / reference).resolve()
    try:
        path.relative_to(base_dir.resolve())
        return path if path.stat().st_size <= MAX_MAP_BYTES else None
    except (OSError, ValueError):
        return None


def read_map_file(scenario: Scenario, base_dir: Path | None) -> dict[str, Any] | None:
    """The TopoJSON a scenario references, read from inside ``base_dir`` (never outside
    it); None when there is no reference, no folder, or no readable file."""
    path = None if scenario.map is None else map_path(base_dir, scenario.map.topojson)
    if path is None:
        return None
    try:
        with path.open(encoding="utf-8") as fh:
            parsed = json.load(fh)
    except (OSError, ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None


def map_attribution(topology: Mapping[str, Any] | None, lang: str = "en") -> str | None:
    """The attribution a prepared map carries, as one line of text (None if it has none)."""
    if not isinstance(topology, Mapping):
        return None
    value = topology.get(ATTRIBUTION_KEY)
    if isinstance(value, (str, dict)):
        text = localize(value, lang) if isinstance(value, dict) else value
        text = " ".join(str(text).split())[:MAX_ATTRIBUTION_CHARS]
        return text if text and unsafe_character(text) is None else None
    return None
