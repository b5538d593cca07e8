"""The district map: tiles when every district has a position, boundaries when the
scenario names a TopoJSON object that is there, nothing otherwise."""

from __future__ import annotations

import pandas as pd

from govdecide import parse_scenario
from govdecide.present import maps

TILED = """
format: govdecide/v1
name: Twoton
districts:
  - {id: avon, name: {en: Avon, zh: 艾文}, population: 1000, tile: [0, 0]}
  - {id: brook, name: Brook, population: 3000, tile: [1, 2], map_id: B-1}
programs:
  - {id: clinic, name: Clinic, unit_cost: 10, capacity: 100, need: {indicator: population}}
policy: {budget: 100}
"""
TOPOLOGY = {
    "type": "Topology",
    "objects": {
        "areas": {
            "type": "GeometryCollection",
            "geometries": [{"type": "Polygon", "id": "Avon", "arcs": [[0]]}],
        }
    },
    "arcs": [[[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]]],
}
VALUES = pd.Series({"avon": 1.0, "brook": 3.0})


def _scenario(with_map: bool = False, tiles: bool = True):
    text = TILED if tiles else TILED.replace(", tile: [0, 0]", "")
    scenario = parse_scenario(text, "t.yaml")
    if with_map:
        scenario = parse_scenario(
            text.replace("policy:", "map: {topojson: t.json, object: areas}\npolicy:"), "t.yaml"
        )
    return scenario


def _rows(chart) -> list[dict]:
    return [row for rows in chart.to_dict()["datasets"].values() for row in rows]


def test_ids_are_map_id_else_the_english_name():
    assert maps.map_ids(_scenario()) == {"avon": "Avon", "brook": "B-1"}


def test_tile_map_with_values_and_extra_tooltips():
    chart = maps.district_map(
        _scenario(), VALUES, "zh", title="T", value_title="V", extra={"Pop": {"avon": "1,000"}}
    )
    rows = _rows(chart)
    assert [(r["district_name"], r["col"], r["row"], r["value"]) for r in rows] == [
        ("艾文", 0, 0, 1.0),
        ("Brook", 1, 2, 3.0),
    ]
    assert [r["extra_0"] for r in rows] == ["1,000", ""]


def test_boundaries_win_over_tiles_and_unmatched_districts_are_named():
    scenario = _scenario(with_map=True)
    chart = maps.district_map(scenario, VALUES, "en", topology=TOPOLOGY, title="T", value_title="V")
    spec = chart.to_dict()
    assert spec["data"]["format"] == {"type": "topojson", "feature": "areas"}  # inline
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["geoshape", "geoshape"]
    lookup = [r for r in _rows(chart) if "map_id" in r]
    assert [r["map_id"] for r in lookup] == ["Avon", "B-1"]
    assert maps.unmatched_features(scenario, TOPOLOGY) == ["Brook"]  # B-1 has no shape


def test_no_map_without_tiles_or_a_usable_topology():
    no_tiles = _scenario(with_map=True, tiles=False)
    assert maps.district_map(no_tiles, VALUES, "en", title="T", value_title="V") is None
    wrong = {"objects": {"other": {}}}
    assert maps.usable_topology(no_tiles, wrong) is None
    drawn = maps.district_map(no_tiles, VALUES, "en", topology=wrong, title="T", value_title="V")
    assert drawn is None
    assert maps.unmatched_features(no_tiles, None) == []
