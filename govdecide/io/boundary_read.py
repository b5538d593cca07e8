"""Reading a boundary file (GeoJSON or TopoJSON) into features with shapely geometries.

A planning bureau's boundary file is the most hostile upload the app takes: up to 10 MB
of numbers, nested as deep as the writer liked. So every step is bounded before it is
taken: the size (:data:`MAX_MAP_BYTES`), the kind of bytes (a zip, a shapefile, KML or any
binary renamed ``.json`` is named as what it is), JSON without NaN or Infinity, at most
:data:`MAX_FEATURES` features and :data:`MAX_POINTS` coordinates in all (counted before
they are built, and for TopoJSON counted over every reference to an arc, so a file that
reuses one long arc a million times is refused, not expanded), geometry collections at
most :data:`MAX_NESTING` deep, every coordinate a finite number. Property values are kept
as short plain text (:data:`MAX_PROPERTY_CHARS`), a character no chart can hold written
as its escape.

TopoJSON is decoded by the ``topojson`` package (``arc_coordinates``, ``geometry``) once
its arcs and references are checked. What this module returns is raw: the checks and
repairs of the geometry itself are :mod:`govdecide.io.boundary_check`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import t
from govdecide.io.scenario_schema import printable, unsafe_character
from govdecide.io.table_read import message_params

MAX_MAP_BYTES = 10 * 1024 * 1024
MAX_FEATURES = 20_000
MAX_POINTS = 2_000_000  # coordinates in all; a 10 MB GeoJSON holds at most about 1.7 million
MAX_NESTING = 4  # geometry collections inside geometry collections
MAX_PROPERTIES = 100  # per feature: the ones after are not offered for matching
MAX_PROPERTY_CHARS = 200
MAX_DELTA = 2**31  # a quantized TopoJSON step; beyond it the decoding would overflow
MAP_SUFFIXES = (".json", ".geojson", ".topojson")
POLYGONAL = ("Polygon", "MultiPolygon")
GEOMETRY_TYPES = (
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
    "GeometryCollection",
)  # fmt: skip
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
GZIP_MAGIC = b"\x1f\x8b"
SHAPEFILE_MAGIC = b"\x00\x00\x27\x0a"  # a .shp file's code 9994, big-endian
SQLITE_MAGIC = b"SQLite format 3"  # a GeoPackage is a SQLite database


@dataclass(frozen=True)
class MapNote:
    """Something the reading or a repair did that the user should see (not an error)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        """The note as a sentence in ``lang``."""
        return t(f"maps.note.{self.code}", lang, **message_params(self.params, lang))


@dataclass(frozen=True)
class RawFeature:
    """One feature as read: its place in the file (1-based), id, properties, geometry."""

    index: int
    id: str | None
    properties: dict[str, str]
    geometry: BaseGeometry | None


@dataclass(frozen=True)
class RawMap:
    """A boundary file as read, before its geometry is checked."""

    kind: str  # "geojson" or "topojson"
    features: tuple[RawFeature, ...]
    notes: tuple[MapNote, ...] = ()
    crs: str | None = None  # the coordinate system a GeoJSON file names, if any
    object_name: str | None = None  # the TopoJSON object read


def map_error(code: str, file: str, path: str = "", **params: Any) -> ScenarioError:
    """The one error of a boundary file (the file named, like every other input's)."""
    return ScenarioError([Problem(path, code, params, None, file)])


class BadMap(Exception):
    """A structural problem found deep in the file; turned into a :class:`ScenarioError`."""

    def __init__(self, code: str, path: str = "", **params: Any) -> None:
        super().__init__(code)
        self.code, self.path, self.params = code, path, params


# -- bytes and JSON -----------------------------------------------------------------------


def _text(data: bytes, file: str) -> str:
    """The file's text: refused when too large, another kind of file, or not UTF-8."""
    if len(data) > MAX_MAP_BYTES:
        raise map_error("map_too_large", file, mb=MAX_MAP_BYTES // (1024 * 1024))
    # what other files start with: named, so the message can say how to get GeoJSON
    if data.startswith(ZIP_MAGIC):
        raise map_error("map_zip", file)
    if data.startswith(GZIP_MAGIC):
        raise map_error("map_gzip", file)
    if data.startswith(SHAPEFILE_MAGIC):
        raise map_error("map_shapefile", file)
    if data.startswith(SQLITE_MAGIC):
        raise map_error("map_geopackage", file)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<"):  # XML: KML, GML, an SVG or an HTML page saved as .json
        raise map_error("map_xml", file)
    if b"\x00" in data[:4096]:
        raise map_error("map_binary", file)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise map_error("map_not_utf8", file) from None


def _no_constant(name: str) -> Any:
    """NaN and Infinity are not JSON numbers (Python's reader takes them by default)."""
    raise ValueError(f"{name} is not a number")


def _finite_float(text: str) -> float:
    """A JSON number with a fraction or exponent; 1e999 (infinite as a float) is refused."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is too large a number")
    return value


def parse_json(data: bytes, file: str) -> Any:
    """The parsed JSON of a boundary file (see :func:`_text` for what is refused first)."""
    text = _text(data, file)
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        raise map_error("map_not_json", file, detail=exc.msg, line=exc.lineno) from None
    except RecursionError:
        raise map_error("map_json_deep", file) from None
    except ValueError as exc:  # NaN, Infinity, 1e999, an integer of thousands of digits
        raise map_error("map_bad_number", file, detail=printable(str(exc)[:80])) from None


# -- properties ---------------------------------------------------------------------------


def clean_value(value: Any) -> str | None:
    """A property value or id as short plain text; None for what cannot name anything
    (a list, an object, a null)."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)  # an adcode written 110101.0 is the code 110101
    text = str(value)
    if isinstance(value, int) and len(text) > MAX_PROPERTY_CHARS:
        return None
    text = text.strip()[:MAX_PROPERTY_CHARS]
    return printable(text) if unsafe_character(text) else text


def feature_properties(raw: Any, counts: dict[str, int]) -> dict[str, str]:
    """The scalar properties of a feature as text (the first :data:`MAX_PROPERTIES`)."""
    if not isinstance(raw, Mapping):
        return {}
    out: dict[str, str] = {}
    for key, value in raw.items():
        if len(out) >= MAX_PROPERTIES:
            counts["cut"] += 1
            break
        text = clean_value(value)
        if text is None or not text:
            continue
        name = clean_value(key) or ""
        if name and name != "id":
            if isinstance(value, str) and unsafe_character(value):
                counts["control"] += 1
            out[name] = text
    return out


# -- coordinates --------------------------------------------------------------------------


def positions_array(value: Any, path: str, quantized: bool = False) -> np.ndarray:
    """An (n, 2) float array of positions; refused unless every one is 2 or 3 finite
    numbers (integers of a bounded size when ``quantized``)."""
    if not isinstance(value, list):
        raise BadMap("map_bad_coordinates", path)
    if not value:
        return np.zeros((0, 2))
    try:
        array = np.asarray(value)
    except (ValueError, TypeError, OverflowError):
        raise BadMap("map_bad_coordinates", path) from None
    if array.ndim != 2 or array.shape[1] not in (2, 3) or array.dtype.kind not in "iuf":
        raise BadMap("map_bad_coordinates", path)
    array = array[:, :2]
    if quantized and (array.dtype.kind == "f" or np.abs(array).max() > MAX_DELTA):
        raise BadMap("map_bad_arcs", path)
    array = array.astype(float)
    if not np.isfinite(array).all():
        raise BadMap("map_bad_coordinates", path)
    return array


class PointBudget:
    """Counts coordinates against :data:`MAX_POINTS` before they are built."""

    def __init__(self) -> None:
        self.points = 0

    def take(self, n: int) -> None:
        self.points += n
        if self.points > MAX_POINTS:
            raise BadMap("map_too_many_points", limit=f"{MAX_POINTS:,}")


def _count_positions(coords: Any, depth: int, budget: PointBudget, path: str) -> None:
    """Count the positions of a coordinates array of known depth (1 ring, 2 polygon, 3
    multipolygon) without building it; a wrong shape is refused."""
    if not isinstance(coords, list):
        raise BadMap("map_bad_coordinates", path)
    if depth == 1:
        budget.take(len(coords))
        return
    for i, part in enumerate(coords):
        _count_positions(part, depth - 1, budget, f"{path}[{i}]")


def _ring(coords: Any, path: str, counts: dict[str, int]) -> np.ndarray | None:
    """A closed ring's positions, or None for one with fewer than three corners."""
    array = positions_array(coords, path)
    if len(array) and not np.array_equal(array[0], array[-1]):
        counts["unclosed"] += 1
        array = np.vstack([array, array[:1]])
    if len(np.unique(array, axis=0)) < 3:
        counts["degenerate"] += 1
        return None
    return array


def _polygon(rings: Any, path: str, counts: dict[str, int]) -> BaseGeometry | None:
    """A shapely polygon from GeoJSON rings (outer first); None when the outer collapsed."""
    if not isinstance(rings, list) or not rings:
        return None
    built = [_ring(r, f"{path}[{i}]", counts) for i, r in enumerate(rings)]
    if built[0] is None:
        return None
    holes = [r for r in built[1:] if r is not None]
    return shapely.polygons(shapely.linearrings(built[0]), holes=holes or None)


def build_geometry(
    obj: Any, path: str, budget: PointBudget, counts: dict[str, int], depth: int = 0
) -> BaseGeometry | None:
    """A shapely geometry from a GeoJSON geometry object; None for a null geometry.

    Points and lines are built as empty polygons (they have no area: the check lists
    them); polygon coordinates are counted against the budget before any is built.
    """
    if obj is None:
        return None
    if not isinstance(obj, Mapping) or obj.get("type") not in GEOMETRY_TYPES:
        raise BadMap("map_bad_geometry", path)
    kind = obj["type"]
    if kind == "GeometryCollection":
        if depth >= MAX_NESTING:
            raise BadMap("map_too_deep", path, limit=MAX_NESTING)
        parts = obj.get("geometries")
        if not isinstance(parts, list):
            raise BadMap("map_bad_geometry", path)
        if len(parts) > MAX_FEATURES:
            raise BadMap("map_too_many_features", path, limit=f"{MAX_FEATURES:,}")
        built = [
            build_geometry(p, f"{path}.geometries[{i}]", budget, counts, depth + 1)
            for i, p in enumerate(parts)
        ]
        return shapely.geometrycollections([g for g in built if g is not None])
    coords = obj.get("coordinates")
    if kind not in POLYGONAL:
        if not isinstance(coords, list):
            raise BadMap("map_bad_coordinates", f"{path}.coordinates")
        return shapely.Polygon()  # a point or a line: no area
    _count_positions(coords, 2 if kind == "Polygon" else 3, budget, f"{path}.coordinates")
    if kind == "Polygon":
        return _polygon(coords, f"{path}.coordinates", counts)
    polygons = [_polygon(p, f"{path}.coordinates[{i}]", counts) for i, p in enumerate(coords)]
    kept = [p for p in polygons if p is not None]
    return shapely.multipolygons(kept) if kept else None


def counted_notes(counts: Mapping[str, int]) -> list[MapNote]:
    """The notes for what was quietly fixed while reading (rings closed, dropped, texts)."""
    codes = {
        "unclosed": "ring_closed",
        "degenerate": "ring_dropped",
        "control": "control_characters",
        "cut": "properties_cut",
    }
    return [MapNote(code, {"count": counts[k]}) for k, code in codes.items() if counts.get(k)]


def new_counts() -> dict[str, int]:
    """The counters the readers fill (see :func:`counted_notes`)."""
    return {"unclosed": 0, "degenerate": 0, "control": 0, "cut": 0}


# -- GeoJSON ------------------------------------------------------------------------------


def _crs_name(data: Mapping[str, Any]) -> str | None:
    """The coordinate system a GeoJSON file names (the 2008 format's ``crs`` member)."""
    crs = data.get("crs")
    props = crs.get("properties") if isinstance(crs, Mapping) else None
    name = props.get("name") if isinstance(props, Mapping) else None
    return clean_value(name) if isinstance(name, str) else None


def read_geojson(data: Mapping[str, Any], file: str) -> RawMap:
    """Features of a GeoJSON FeatureCollection, Feature or bare geometry."""
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise map_error("map_bad_geometry", file, "features")
    elif kind == "Feature":
        features = [data]
    else:
        features = [{"type": "Feature", "geometry": data}]
    if len(features) > MAX_FEATURES:
        raise map_error("map_too_many_features", file, limit=f"{MAX_FEATURES:,}")
    budget, counts = PointBudget(), new_counts()
    out = []
    for i, feature in enumerate(features):
        path = f"features[{i}]"
        try:
            if not isinstance(feature, Mapping):
                raise BadMap("map_bad_geometry", path)
            geometry = build_geometry(feature.get("geometry"), f"{path}.geometry", budget, counts)
        except BadMap as bad:
            raise map_error(bad.code, file, bad.path, **bad.params) from None
        out.append(
            RawFeature(
                index=i + 1,
                id=clean_value(feature.get("id")),
                properties=feature_properties(feature.get("properties"), counts),
                geometry=geometry,
            )
        )
    return RawMap("geojson", tuple(out), tuple(counted_notes(counts)), _crs_name(data))
