"""Checking and repairing the geometry of a boundary file, each repair said in words.

What a boundary file gets wrong, and what happens to it here (all with shapely):

* coordinates that are not longitude/latitude: a projected file (metres, say) cannot be
  drawn on a map of the world and is refused, naming the range it found and the system
  the file declares; longitude and latitude written the wrong way round are swapped back
  (a visible repair);
* invalid polygons (a ring that crosses itself, a hole outside its shell) are repaired by
  ``shapely.make_valid`` with its "structure" method (what is inside a ring is kept; a
  101-corner star took 28 s with the default "linework" method and 0.2 s with this one),
  naming the features and GEOS's reason; a ring that crosses itself at every corner still
  takes GEOS hours, which is why the app reads maps in a guarded child process
  (:mod:`govdecide.io.boundary_guard`);
* rings drawn the other way round from the format's rule (GeoJSON asks counter-clockwise
  outer rings, TopoJSON's drawing libraries clockwise) are counted and turned; a wrong
  winding draws a district as the whole world minus the district;
* features with no area (a point, a line, a polygon collapsed to a line, a null geometry)
  are left out and listed;
* multi-polygons (a district of several islands) are kept whole and counted.

A file with no usable polygon at all is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from govdecide.io.boundary_read import MapNote, RawFeature, RawMap, map_error

MAX_NAMED = 8  # features named one by one in a note; the rest are counted
# Coordinate systems that are longitude/latitude (WGS 84 and China's CGCS2000, which
# differs from it by centimetres), as a GeoJSON crs member may name them.
LONLAT_CRS = ("crs84", "4326", "4490", "wgs84", "wgs 84", "cgcs2000")


@dataclass(frozen=True)
class Feature:
    """A usable feature: its place in the file, id, properties and valid polygon(s)."""

    index: int
    id: str | None
    properties: dict[str, str]
    geometry: BaseGeometry  # a valid Polygon or MultiPolygon in longitude/latitude

    def label(self) -> str:
        """How a person recognises the feature (see :func:`feature_label`)."""
        return feature_label(self)


@dataclass(frozen=True)
class Boundaries:
    """A checked boundary file: its usable features and what the checks did to it."""

    kind: str
    features: tuple[Feature, ...]
    notes: tuple[MapNote, ...] = ()
    object_name: str | None = None
    points: int = 0
    fields: tuple[str, ...] = field(default=())  # "id" (when features have ids), properties

    def feature(self, index: int) -> Feature | None:
        """The feature at this place in the file (1-based), if it is usable."""
        return next((f for f in self.features if f.index == index), None)


def feature_label(feature: RawFeature | Feature) -> str:
    """How a person recognises a feature: its place in the file, and its id or else its
    first property (``#3 Camden``)."""
    first = next(iter(feature.properties.values()), None)
    return f"#{feature.index} {feature.id or first or ''}".strip()


def _names(features: Sequence[RawFeature | Feature]) -> str:
    """The first few features as a person recognises them (for a note)."""
    more = len(features) - MAX_NAMED
    labels = ", ".join(feature_label(f) for f in features[:MAX_NAMED])
    return labels + (f" (+{more})" if more > 0 else "")


def _polygonal(geometry: BaseGeometry | None) -> BaseGeometry | None:
    """The polygons of a geometry (a collection's polygon members joined), None if none."""
    if geometry is None or geometry.is_empty:
        return None
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    flat = [q for p in parts for q in shapely.get_parts(p)]
    return flat[0] if len(flat) == 1 else shapely.multipolygons(flat)


def _lonlat(raw: RawMap, geometries: list[BaseGeometry], file: str) -> tuple[list, list]:
    """The geometries in longitude/latitude: as they are, or swapped back (noted); a
    projected file is refused. Returns (geometries, notes)."""
    bounds = shapely.total_bounds(np.array(geometries, dtype=object))
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    declared = (raw.crs or "").lower()
    notes: list[MapNote] = []
    if -180 <= xmin and xmax <= 180 and -90 <= ymin and ymax <= 90:
        if declared and not any(code in declared for code in LONLAT_CRS):
            notes.append(MapNote("crs_ignored", {"crs": raw.crs}))
        return geometries, notes
    if -90 <= xmin and xmax <= 90 and -180 <= ymin and ymax <= 180:
        swapped = [shapely.transform(g, lambda xy: xy[:, ::-1]) for g in geometries]
        return swapped, [MapNote("swapped", {})]
    extent = f"x {xmin:,.6g} .. {xmax:,.6g}, y {ymin:,.6g} .. {ymax:,.6g}"
    if raw.crs:
        raise map_error("map_projected_crs", file, extent=extent, crs=raw.crs)
    raise map_error("map_projected", file, extent=extent)


def _repair(features: list[RawFeature], geometries: list[BaseGeometry]) -> list[MapNote]:
    """Make every geometry valid in place (``make_valid``), noting which and why."""
    array = np.array(geometries, dtype=object)
    invalid = np.flatnonzero(~shapely.is_valid(array))
    if not len(invalid):
        return []
    reason = str(shapely.is_valid_reason(array[invalid[0]])).split("[")[0]
    for i in invalid:
        geometries[i] = shapely.make_valid(geometries[i], method="structure", keep_collapsed=False)
    named = _names([features[i] for i in invalid])
    return [MapNote("repaired", {"count": len(invalid), "features": named, "reason": reason})]


def _winding(kind: str, geometries: Sequence[BaseGeometry]) -> list[MapNote]:
    """How many outer rings run against the format's rule (before they are turned)."""
    exteriors = [
        p.exterior for g in geometries for p in shapely.get_parts(g) if p.geom_type == "Polygon"
    ]
    if not exteriors:
        return []
    ccw = shapely.is_ccw(np.array(exteriors, dtype=object))
    wrong = int((~ccw).sum()) if kind == "geojson" else int(ccw.sum())
    if not wrong:
        return []
    return [MapNote(f"winding_{kind}", {"count": wrong, "total": len(exteriors)})]


def check_geometry(raw: RawMap, file: str) -> Boundaries:
    """The usable features of a raw map, each repair noted (see the module's doc)."""
    usable: list[RawFeature] = []
    geometries: list[BaseGeometry] = []
    no_area: list[RawFeature] = []
    for feature in raw.features:
        polygons = _polygonal(feature.geometry)
        if polygons is None:
            no_area.append(feature)
        else:
            usable.append(feature)
            geometries.append(polygons)
    if not usable:
        raise map_error("map_no_polygons", file, count=len(raw.features))
    notes = list(raw.notes)
    geometries, lonlat_notes = _lonlat(raw, geometries, file)
    notes += lonlat_notes
    notes += _winding(raw.kind, geometries)
    notes += _repair(usable, geometries)
    kept: list[Feature] = []
    for feature, geometry in zip(usable, geometries, strict=True):
        polygons = _polygonal(geometry)
        if polygons is None or polygons.area == 0:
            no_area.append(feature)
            continue
        polygons = shapely.orient_polygons(polygons)  # outer rings counter-clockwise
        kept.append(Feature(feature.index, feature.id, feature.properties, polygons))
    if not kept:
        raise map_error("map_no_polygons", file, count=len(raw.features))
    if no_area:
        no_area.sort(key=lambda f: f.index)
        notes.append(MapNote("no_area", {"count": len(no_area), "features": _names(no_area)}))
    multi = [f for f in kept if f.geometry.geom_type == "MultiPolygon"]
    if multi:
        notes.append(MapNote("multipart", {"count": len(multi), "features": _names(multi)}))
    return Boundaries(
        kind=raw.kind,
        features=tuple(kept),
        notes=tuple(notes),
        object_name=raw.object_name,
        points=int(shapely.get_num_coordinates(np.array(geometries, dtype=object)).sum()),
        fields=_fields(kept),
    )


def _fields(features: Sequence[Feature]) -> tuple[str, ...]:
    """What features can be matched by: their id (when they have one) and each property
    name, in the order they first appear."""
    names: dict[str, None] = {}
    if any(f.id for f in features):
        names["id"] = None
    for f in features:
        for key in f.properties:
            if len(names) >= 200:
                break
            names.setdefault(key, None)
    return tuple(names)
