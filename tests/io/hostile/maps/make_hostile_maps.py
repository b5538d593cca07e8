"""Write the hostile boundary files of this folder and ``expected.yaml`` (what each gives).

``python tests/io/hostile/maps/make_hostile_maps.py`` rewrites them. Each entry says what
the file is and what it would do to a reader that trusted it. Files larger than a few
hundred kilobytes are not stored: the runner makes them (``GENERATED`` in
``tests/io/boundary_runner.py``).
"""

from __future__ import annotations

import gzip
import io
import json
import math
import zipfile
from pathlib import Path

import yaml

HERE = Path(__file__).parent


def square(x: float = 10, y: float = 50, side: float = 1) -> list:
    return [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]


def fc(*geometries: dict, **props: object) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": f"F{i}", **props}, "geometry": g}
            for i, g in enumerate(geometries)
        ],
    }


POLY = {"type": "Polygon", "coordinates": [square()]}
GOOD = json.dumps(fc(POLY)).encode()


def zipped() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("districts.geojson", GOOD)
    return buf.getvalue()


def star(n: int = 2001) -> dict:
    """A ring of n vertices joining every (n // 2)-th point of a circle: every edge
    crosses nearly every other, so repairing it takes time in the square of n and more."""
    k = n // 2
    ring = [
        [10 + math.cos(2 * math.pi * k * i / n), 50 + math.sin(2 * math.pi * k * i / n)]
        for i in range(n)
    ]
    return fc({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})


def nested(depth: int) -> dict:
    geometry: dict = POLY
    for _ in range(depth):
        geometry = {"type": "GeometryCollection", "geometries": [geometry]}
    return fc(geometry)


def topology(arcs: list, geometries: list, transform: dict | None = None) -> dict:
    out = {
        "type": "Topology",
        "objects": {"d": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": arcs,
    }
    if transform is not None:
        out["transform"] = transform
    return out


ARC = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
CONTROL = "North\x01\x1b[2J\u202eevil"

# name -> (bytes, expectation, what it once would have done)
FILES: dict[str, tuple[bytes, dict, str]] = {
    "zip_renamed.json": (zipped(), {"codes": ["map_zip"]}, "a zipped shapefile read as text"),
    "gzip_renamed.geojson": (gzip.compress(GOOD), {"codes": ["map_gzip"]}, "gzip as text"),
    "shapefile_renamed.json": (
        b"\x00\x00\x27\x0a" + bytes(96),
        {"codes": ["map_shapefile"]},
        "a .shp renamed",
    ),  # fmt: skip
    "kml_renamed.json": (
        b'<?xml version="1.0"?><kml><Placemark/></kml>',
        {"codes": ["map_xml"]},
        "KML",
    ),  # fmt: skip
    "binary_noise.json": (
        bytes(range(256)) * 4,
        {"codes": ["map_binary"]},
        "random bytes decoded as text",
    ),  # fmt: skip
    "latin1.geojson": (
        GOOD.replace(b"F0", b"Caf\xe9"),
        {"codes": ["map_not_utf8"]},
        "a Latin-1 name",
    ),  # fmt: skip
    "truncated.geojson": (GOOD[:-7], {"codes": ["map_not_json"]}, "a cut download"),
    "empty.json": (b"", {"codes": ["map_not_json"]}, "an empty upload"),
    "deep_lists.json": (b"[" * 20_000, {"codes": ["map_json_deep"]}, "RecursionError"),
    "deep_objects.json": (b'{"a":' * 20_000, {"codes": ["map_json_deep"]}, "RecursionError"),
    "nan_coordinates.geojson": (
        GOOD.replace(b"[10, 50]", b"[NaN, 50]"),
        {"codes": ["map_bad_number"]},
        "NaN through Python's JSON reader into the geometry",
    ),  # fmt: skip
    "infinite_coordinates.geojson": (
        GOOD.replace(b"[10, 50]", b"[1e999, 50]"),
        {"codes": ["map_bad_number"]},
        "1e999 read as infinity",
    ),  # fmt: skip
    "huge_integer.geojson": (
        GOOD.replace(b"[10, 50]", b"[" + b"9" * 5000 + b", 50]"),
        {"codes": ["map_bad_number"]},
        "an integer of 5,000 digits (ValueError from the int limit)",
    ),  # fmt: skip
    "big_integer.geojson": (
        GOOD.replace(b"[10, 50]", b"[" + b"9" * 40 + b", 50]"),
        {"codes": ["map_bad_coordinates"]},
        "an integer beyond 64 bits (numpy object array)",
    ),  # fmt: skip
    "string_coordinates.geojson": (
        json.dumps(fc({"type": "Polygon", "coordinates": [[["10", "50"]] * 4]})).encode(),
        {"codes": ["map_bad_coordinates"]},
        "numpy turning strings into numbers",
    ),  # fmt: skip
    "ragged_positions.geojson": (
        json.dumps(
            fc({"type": "Polygon", "coordinates": [[[10, 50], [11], [11, 51], [10, 50]]]})
        ).encode(),
        {"codes": ["map_bad_coordinates"]},
        "a ragged array",
    ),  # fmt: skip
    "coordinates_object.geojson": (
        json.dumps(fc({"type": "Polygon", "coordinates": {"a": 1}})).encode(),
        {"codes": ["map_bad_coordinates"]},
        "an object where lists belong",
    ),  # fmt: skip
    "nested_collections.geojson": (
        json.dumps(nested(30)).encode(),
        {"codes": ["map_too_deep"]},
        "recursion per level",
    ),  # fmt: skip
    "not_geojson.json": (b'{"type": "Foo"}', {"codes": ["map_not_geojson"]}, "unknown type"),
    "json_list.json": (b"[1, 2, 3]", {"codes": ["map_not_geojson"]}, "a list at the top"),
    "features_not_list.geojson": (
        b'{"type": "FeatureCollection", "features": 5}',
        {"codes": ["map_bad_geometry"]},
        "iterating over a number",
    ),  # fmt: skip
    "points_only.geojson": (
        json.dumps(fc({"type": "Point", "coordinates": [10, 50]})).encode(),
        {"codes": ["map_no_polygons"]},
        "no area to draw",
    ),  # fmt: skip
    "control_characters.geojson": (
        json.dumps(fc(POLY, name=CONTROL)).encode(),
        {"accepted": True, "notes": ["control_characters"]},
        "a terminal escape and a bidi override in a name, shown in tables and tooltips",
    ),  # fmt: skip
    "property_junk.geojson": (
        json.dumps(fc(POLY, a=[1, 2], b={"c": None}, c=None, d=True, e="x" * 10_000)).encode(),
        {"accepted": True},
        "lists, objects, nulls and a 10,000-character value as properties",
    ),  # fmt: skip
    "arc_bomb.topojson": (
        json.dumps(
            topology([[[0, 0], [1, 0]] * 1000], [{"type": "Polygon", "arcs": [[0] * 1001]}])
        ).encode(),
        {"codes": ["map_too_many_points"]},
        "one arc of 2,000 positions referenced 1,001 times: 2 million positions from 17 KB",
    ),  # fmt: skip
    "bad_arc_index.topojson": (
        json.dumps(topology([ARC], [{"type": "Polygon", "arcs": [[7]]}])).encode(),
        {"codes": ["map_bad_arc_index"]},
        "IndexError in the decoder",
    ),  # fmt: skip
    "bool_arc_index.topojson": (
        json.dumps(topology([ARC], [{"type": "Polygon", "arcs": [[True]]}])).encode(),
        {"codes": ["map_bad_arc_index"]},
        "a boolean used as an index",
    ),  # fmt: skip
    "zero_scale.topojson": (
        json.dumps(
            topology(
                [ARC],
                [{"type": "Polygon", "arcs": [[0]]}],
                {"scale": [0, 1], "translate": [10, 50]},
            )
        ).encode(),
        {"codes": ["map_bad_transform"]},
        "every point on one line",
    ),  # fmt: skip
    "float_quantized.topojson": (
        json.dumps(
            topology(
                [[[0.5, 0], [1, 0], [0, 1], [-1.5, -1]]],
                [{"type": "Polygon", "arcs": [[0]]}],
                {"scale": [1, 1], "translate": [10, 50]},
            )
        ).encode(),
        {"codes": ["map_bad_arcs"]},
        "quantized arcs truncated to integers silently",
    ),  # fmt: skip
    "overflowing_deltas.topojson": (
        json.dumps(
            topology(
                [[[2**62, 0], [2**62, 0], [0, 1], [0, 0]]],
                [{"type": "Polygon", "arcs": [[0]]}],
                {"scale": [1, 1], "translate": [10, 50]},
            )
        ).encode(),
        {"codes": ["map_bad_arcs"]},
        "int64 overflow in the delta decoding",
    ),  # fmt: skip
    "one_point_arc.topojson": (
        json.dumps(topology([[[0, 0]]], [{"type": "Polygon", "arcs": [[0]]}])).encode(),
        {"codes": ["map_bad_arcs"]},
        "an arc of one position broke the decoder's offsets",
    ),  # fmt: skip
    "empty_ring.topojson": (
        json.dumps(topology([ARC], [{"type": "Polygon", "arcs": [[]]}])).encode(),
        {"codes": ["map_bad_arcs"]},
        "IndexError on an empty ring",
    ),  # fmt: skip
    "no_objects.topojson": (
        b'{"type": "Topology", "objects": {}, "arcs": []}',
        {"codes": ["map_no_objects"]},
        "max() of nothing",
    ),  # fmt: skip
    "star_2001.geojson": (
        json.dumps(star()).encode(),
        {"codes": ["map_too_slow"], "guard_s": 8},
        "a ring crossing itself at every edge: make_valid ran for hours (60 KB)",
    ),  # fmt: skip
}


def main() -> None:
    expected = {}
    for name, (data, want, why) in FILES.items():
        (HERE / name).write_bytes(data)
        expected[name] = {**want, "why": why}
    text = yaml.safe_dump(expected, allow_unicode=True, sort_keys=True, width=100)
    (HERE / "expected.yaml").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
