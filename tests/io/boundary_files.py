"""Small boundary files the tests write themselves, each with what it should give.

Coordinates are longitude/latitude in Europe (10-15 E, 50-51 N), so every square is about
70 km by 111 km; a "square" is given by its lower-left corner and side in degrees, its
outer ring counter-clockwise (GeoJSON's rule) unless asked otherwise.
"""

from __future__ import annotations

import json
from typing import Any

from govdecide import parse_scenario

TWIN_TOWN = """\
format: govdecide/v1
name: {en: Twin Town, zh: 双城}
districts:
  - {id: north, name: {en: North, zh: 北区}, population: 1000}
  - {id: south, name: {en: South, zh: 南区}, population: 2000}
  - {id: isles, name: {en: The Isles, zh: 群岛}, population: 500}
programs:
  - {id: clinic, name: Clinic, unit_cost: 100, capacity: 500, need: {indicator: population}}
policy: {budget: 500}
"""


def twin_town(**district_keys: dict[str, Any]):
    """The three-district scenario (North and South side by side, The Isles apart);
    ``district_keys`` adds keys per district id, e.g. ``north={"map_id": "110101"}``."""
    scenario = parse_scenario(TWIN_TOWN, file="twin.yaml")
    if not district_keys:
        return scenario
    from govdecide.io.scenario import scenario_from_data, scenario_to_data

    data = scenario_to_data(scenario)
    for d in data["districts"]:
        d.update(district_keys.get(d["id"], {}))
    return scenario_from_data(data)


def ring(x: float, y: float, side: float = 1.0, clockwise: bool = False) -> list[list[float]]:
    """A closed square ring from (x, y), counter-clockwise unless ``clockwise``."""
    corners = [[x, y], [x + side, y], [x + side, y + side], [x, y + side]]
    if clockwise:
        corners = corners[::-1]
    return [*corners, corners[0]]


def polygon(x: float, y: float, side: float = 1.0, clockwise: bool = False) -> dict:
    return {"type": "Polygon", "coordinates": [ring(x, y, side, clockwise)]}


def feature(geometry: dict | None, fid: Any = None, **properties: Any) -> dict:
    out: dict[str, Any] = {"type": "Feature", "properties": properties, "geometry": geometry}
    if fid is not None:
        out["id"] = fid
    return out


def collection(*features: dict, **extra: Any) -> dict:
    return {"type": "FeatureCollection", "features": list(features), **extra}


def two_squares() -> dict:
    """North (10-11 E) and South (11-12 E) share the edge along 11 E."""
    return collection(
        feature(polygon(10, 50), name="North"), feature(polygon(11, 50), name="South")
    )


def islands() -> dict:
    """The Isles: one feature of two squares half a degree apart."""
    isles = {
        "type": "MultiPolygon",
        "coordinates": [[ring(13, 50, 0.5)], [ring(14, 50, 0.5)]],
    }
    return collection(*two_squares()["features"], feature(isles, name="The Isles"))


def with_atlantis() -> dict:
    """The three districts and a fourth feature, Atlantis, that matches none."""
    return collection(*islands()["features"], feature(polygon(20, 50), name="Atlantis"))


def clockwise() -> dict:
    """North drawn clockwise (against GeoJSON's rule), South counter-clockwise."""
    return collection(
        feature(polygon(10, 50, clockwise=True), name="North"),
        feature(polygon(11, 50), name="South"),
    )


def projected(crs: str | None = None) -> dict:
    """The two squares in metres (Web Mercator-like numbers), optionally naming a crs."""

    def metres(x: float, y: float) -> dict:
        return {"type": "Polygon", "coordinates": [[[a * 111_000, b * 111_000] for a, b in
                                                    ring(x, y)]]}  # fmt: skip

    extra = {} if crs is None else {"crs": {"type": "name", "properties": {"name": crs}}}
    return collection(
        feature(metres(10, 50), name="North"), feature(metres(11, 50), name="South"), **extra
    )


def as_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
