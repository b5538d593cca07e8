"""Reading a TopoJSON file: its arcs and references checked, then decoded by ``topojson``.

A TopoJSON geometry is a list of references to shared arcs, so its size on disk says
little about the coordinates it stands for: one long arc referenced a million times is a
small file and a huge map. Before anything is decoded, every arc is checked (two or more
positions of finite numbers; integers of bounded size when the file is quantized), every
reference is checked against the number of arcs, and the positions all references stand
for are counted against :data:`~govdecide.io.boundary_read.MAX_POINTS`. Only then does the
``topojson`` package decode the object (``arc_coordinates``, ``geometry``), and the
polygons are built by the same code as GeoJSON's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from topojson.ops import arc_coordinates
from topojson.utils import geometry as decode_geometry

from govdecide.io.boundary_read import (
    MAX_FEATURES,
    MAX_NESTING,
    MAX_POINTS,
    POLYGONAL,
    BadMap,
    MapNote,
    PointBudget,
    RawFeature,
    RawMap,
    build_geometry,
    clean_value,
    counted_notes,
    feature_properties,
    map_error,
    new_counts,
    positions_array,
)


def _transform(data: Mapping[str, Any]) -> dict[str, list[float]] | None:
    """The file's quantization transform, checked: two finite scales (not 0), two
    finite translations."""
    transform = data.get("transform")
    if transform is None:
        return None
    if not isinstance(transform, Mapping):
        raise BadMap("map_bad_transform", "transform")
    out = {}
    for key in ("scale", "translate"):
        pair = transform.get(key)
        if not (
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pair)
            and all(np.isfinite(float(v)) and abs(float(v)) < 1e15 for v in pair)
        ):
            raise BadMap("map_bad_transform", f"transform.{key}")
        out[key] = [float(v) for v in pair]
    if 0.0 in out["scale"]:
        raise BadMap("map_bad_transform", "transform.scale")
    return out


def _arcs(data: Mapping[str, Any], quantized: bool) -> list[np.ndarray]:
    """Every arc as an (n, 2) array of two or more positions, at most MAX_POINTS in all."""
    arcs = data.get("arcs")
    if not isinstance(arcs, list):
        raise BadMap("map_bad_arcs", "arcs")
    if len(arcs) > MAX_POINTS:
        raise BadMap("map_too_many_points", "arcs", limit=f"{MAX_POINTS:,}")
    budget = PointBudget()
    out = []
    for i, arc in enumerate(arcs):
        if isinstance(arc, list):
            budget.take(len(arc))
        positions = positions_array(arc, f"arcs[{i}]", quantized)
        if len(positions) < 2:
            raise BadMap("map_bad_arcs", f"arcs[{i}]")
        out.append(positions)
    return out


def _check_rings(rings: Any, lengths: list[int], budget: PointBudget, path: str) -> None:
    """A polygon's arc references: a non-empty list of non-empty lists of valid indices;
    the positions they stand for go on the budget."""
    n = len(lengths)
    if not isinstance(rings, list) or not rings:
        raise BadMap("map_bad_arcs", path)
    for i, ring in enumerate(rings):
        if not isinstance(ring, list) or not ring:
            raise BadMap("map_bad_arcs", f"{path}[{i}]")
        for ref in ring:
            if not isinstance(ref, int) or isinstance(ref, bool) or not -n <= ref < n:
                raise BadMap("map_bad_arc_index", f"{path}[{i}]", count=n)
            budget.take(lengths[ref if ref >= 0 else ~ref])


def _check_geometry(
    obj: Any, lengths: list[int], budget: PointBudget, path: str, depth: int
) -> None:
    """A TopoJSON geometry object's references, checked before anything is decoded."""
    if obj is None:
        return
    if not isinstance(obj, Mapping) or not isinstance(obj.get("type"), (str, type(None))):
        raise BadMap("map_bad_geometry", path)
    kind = obj.get("type")
    if kind == "GeometryCollection":
        if depth >= MAX_NESTING:
            raise BadMap("map_too_deep", path, limit=MAX_NESTING)
        parts = obj.get("geometries")
        if not isinstance(parts, list) or len(parts) > MAX_FEATURES:
            raise BadMap("map_bad_geometry", path)
        for i, part in enumerate(parts):
            _check_geometry(part, lengths, budget, f"{path}.geometries[{i}]", depth + 1)
    elif kind == "Polygon":
        _check_rings(obj.get("arcs"), lengths, budget, f"{path}.arcs")
    elif kind == "MultiPolygon":
        polygons = obj.get("arcs")
        if not isinstance(polygons, list):
            raise BadMap("map_bad_arcs", f"{path}.arcs")
        for i, rings in enumerate(polygons):
            _check_rings(rings, lengths, budget, f"{path}.arcs[{i}]")


def _pick_object(data: Mapping[str, Any], wanted: str | None, file: str) -> tuple[str, Any]:
    """The object to read: the one asked for, the only one, or the largest (noted)."""
    objects = data.get("objects")
    if not isinstance(objects, Mapping) or not objects:
        raise map_error("map_no_objects", file, "objects")
    names = [str(k) for k in objects]
    if wanted is not None:
        if wanted not in objects:
            shown = ", ".join(clean_value(n) or "?" for n in names[:10])
            raise map_error("map_no_object", file, "objects", name=wanted, names=shown)
        return wanted, objects[wanted]

    def size(name: str) -> int:
        obj = objects[name]
        parts = obj.get("geometries") if isinstance(obj, Mapping) else None
        return len(parts) if isinstance(parts, list) else 1

    return max(names, key=size), objects[max(names, key=size)]


def _members(obj: Any) -> list[Any]:
    """The geometries of a TopoJSON object (a collection's members, or the one)."""
    if isinstance(obj, Mapping) and obj.get("type") == "GeometryCollection":
        parts = obj.get("geometries")
        return parts if isinstance(parts, list) else []
    return [obj]


def read_topojson(data: Mapping[str, Any], file: str, object_name: str | None) -> RawMap:
    """The features of one object of a TopoJSON topology (see the module's doc)."""
    name, obj = _pick_object(data, object_name, file)
    members = _members(obj)
    if len(members) > MAX_FEATURES:
        raise map_error("map_too_many_features", file, limit=f"{MAX_FEATURES:,}")
    counts = new_counts()
    try:
        transform = _transform(data)
        arcs = _arcs(data, quantized=transform is not None)
        lengths = [len(a) for a in arcs]
        budget = PointBudget()
        for i, member in enumerate(members):
            _check_geometry(member, lengths, budget, f"objects.{name}.geometries[{i}]", 0)
        decoded = arc_coordinates(arcs, transform) if arcs else []
        features = [
            _feature(i, member, decoded, transform, counts, f"objects.{name}.geometries[{i}]")
            for i, member in enumerate(members)
        ]
    except BadMap as bad:
        raise map_error(bad.code, file, bad.path, **bad.params) from None
    notes = counted_notes(counts)
    if len(data["objects"]) > 1:
        names = ", ".join(clean_value(str(n)) or "?" for n in list(data["objects"])[:10])
        notes.insert(0, MapNote("object_chosen", {"name": clean_value(name), "names": names}))
    return RawMap("topojson", tuple(features), tuple(notes), None, name)


def _feature(
    i: int,
    member: Any,
    arcs: list[np.ndarray],
    transform: dict[str, list[float]] | None,
    counts: dict[str, int],
    path: str,
) -> RawFeature:
    """One decoded feature: id, properties and its polygons (anything else has no area)."""
    if not isinstance(member, Mapping):
        raise BadMap("map_bad_geometry", path)
    kind = member.get("type")
    geometry = None
    if kind in POLYGONAL or kind == "GeometryCollection":
        decoded = decode_geometry(_polygonal_only(member), arcs, transform)
        geometry = build_geometry(decoded, path, PointBudget(), counts)
    elif kind is not None:
        geometry = build_geometry({"type": "Point", "coordinates": []}, path, PointBudget(), counts)
    return RawFeature(
        index=i + 1,
        id=clean_value(member.get("id")),
        properties=feature_properties(member.get("properties"), counts),
        geometry=geometry,
    )


def _polygonal_only(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a checked geometry with only its polygons (lines and points have no area,
    and ``topojson``'s decoder needs nothing else)."""
    if obj.get("type") == "GeometryCollection":
        parts = [_polygonal_only(p) for p in obj.get("geometries", []) if isinstance(p, Mapping)]
        return {"type": "GeometryCollection", "geometries": [p for p in parts if p]}
    if obj.get("type") in POLYGONAL:
        return {"type": obj["type"], "arcs": obj["arcs"]}
    return {}
