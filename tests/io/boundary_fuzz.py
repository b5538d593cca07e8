"""The fuzz suite of the map import: hypothesis draws hostile boundary files.

Run by ``tests/io/test_boundaries_fuzz.py`` as a child process per target (``python -m
tests.io.boundary_fuzz TARGET EXAMPLES``) with the hostile runner's memory limit and a
hang guard per example. Two targets: ``map_text``, the issue-11 suite's mutations
(:func:`tests.io.fuzz_runner.mutate`, with its atoms) of valid GeoJSON and TopoJSON
files; and ``map_data``, GeoJSON built from parts, with extreme numbers, every geometry
type, nesting, properties of any kind. Every example is read by the app's entry
(:func:`govdecide.io.boundaries.read_map`) and must give boundaries, which are then
matched, prepared and drawn (:func:`tests.io.boundary_runner._use`), or the project's own
error with a message in English and Chinese. Draws are derandomized (repeatable in CI);
rings have at most a dozen corners (a ring crossing itself at every corner is the
guard's business, tested with the hostile files).
"""

from __future__ import annotations

import json
import signal
import sys
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from govdecide.errors import ScenarioError
from govdecide.io.boundaries import prepare_map, read_map
from govdecide.io.boundary_match import match_features
from tests.io import boundary_files as bf
from tests.io.boundary_runner import _use
from tests.io.fuzz_runner import ATOMS, mutate, op
from tests.io.hostile_runner import Hang, limit_memory

HANG_GUARD_S = 30
TALLY = {"accepted": 0, "refused": 0}


def _prepared_text() -> str:
    b = read_map(bf.as_bytes(bf.islands()), "isles.geojson")
    scenario = bf.twin_town()
    return prepare_map(b, match_features(b, scenario), scenario, "Fuzz").text


BASES = [json.dumps(bf.with_atlantis()), json.dumps(bf.clockwise()), _prepared_text()]

number = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(-200, 200),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, -0.0, 1e-320, 1e308, 180, -180, 90, 90.0000001, 2**63]),
)
# points on a 0.1-degree grid where Twin Town is (a grid, so rings are rarely degenerate)
lonlat = st.tuples(st.integers(0, 20), st.integers(0, 10)).map(
    lambda p: [10 + p[0] / 10, 50 + p[1] / 10]
)
position = st.one_of(lonlat, lonlat, lonlat, st.lists(number, min_size=0, max_size=4))
closed = st.lists(lonlat, min_size=3, max_size=11).map(lambda r: [*r, r[0]])
ring = st.one_of(closed, closed, st.lists(position, min_size=0, max_size=12))
scalar = st.one_of(st.none(), st.booleans(), number, st.text(max_size=20), st.sampled_from(ATOMS))


def geometry(depth: int = 0) -> st.SearchStrategy[Any]:
    """Any GeoJSON-ish geometry, valid or not (collections nest up to 6)."""
    kinds = st.sampled_from(
        [
            "Polygon",
            "Polygon",
            "MultiPolygon",
            "Point",
            "LineString",
            "Foo",
            None,
            "GeometryCollection",
        ]
    )
    polygon = st.lists(ring, min_size=1, max_size=3)
    coords = st.one_of(polygon, polygon, st.lists(polygon, max_size=3), ring, scalar)

    def build(kind: Any, c: Any, parts: Any) -> Any:
        if kind == "GeometryCollection":
            return {"type": kind, "geometries": parts}
        return {"type": kind, "coordinates": c}

    parts = st.just([]) if depth >= 6 else st.lists(st.deferred(lambda: geometry(depth + 1)),
                                                      max_size=2)  # fmt: skip
    return st.one_of(st.builds(build, kinds, coords, parts), scalar)


plausible = st.one_of(
    st.lists(closed, min_size=1, max_size=2).map(lambda r: {"type": "Polygon", "coordinates": r}),
    st.lists(st.lists(closed, min_size=1, max_size=2), min_size=1, max_size=3).map(
        lambda p: {"type": "MultiPolygon", "coordinates": p}
    ),
)
feature = st.fixed_dictionaries(
    {"type": st.just("Feature"), "geometry": st.one_of(plausible, plausible, geometry())},
    optional={
        "id": scalar,
        "properties": st.one_of(scalar, st.dictionaries(st.text(max_size=8), scalar, max_size=4)),
    },
)
collection = st.fixed_dictionaries(
    {"type": st.sampled_from(["FeatureCollection"] * 6 + ["Topology", "Feature"]),
     "features": st.lists(feature, min_size=1, max_size=4)},
    optional={"crs": scalar, "objects": scalar, "arcs": st.lists(ring, max_size=2)},
)  # fmt: skip


def check(data: bytes) -> None:
    """The contract for one file (see the module's doc)."""
    signal.alarm(HANG_GUARD_S)
    try:
        boundaries = read_map(data, "fuzz.json")
        _use(boundaries)
        TALLY["accepted"] += 1
    except ScenarioError as exc:
        assert exc.problems, "an error without a problem"
        for lang in ("en", "zh"):
            assert all(m.strip() for m in exc.messages(lang))
        TALLY["refused"] += 1
    finally:
        signal.alarm(0)


def run(target: str, examples: int) -> None:
    """Draw ``examples`` inputs for ``target`` and check each."""
    config = settings(
        max_examples=examples, derandomize=True, deadline=None, database=None,
        phases=[Phase.generate], suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    if target == "map_text":

        @config
        @given(st.sampled_from(BASES), st.lists(op, min_size=1, max_size=4))
        def text_case(base: str, ops: list) -> None:
            check(mutate(base, ops).encode("utf-8", "surrogatepass"))

        text_case()
    else:

        @config
        @given(collection)
        def data_case(data: dict) -> None:
            check(json.dumps(data, allow_nan=False).encode())

        data_case()


def _on_alarm(signum: int, frame: Any) -> None:
    raise Hang(f"more than {HANG_GUARD_S} s")


if __name__ == "__main__":
    limit_memory()
    signal.signal(signal.SIGALRM, _on_alarm)
    run(sys.argv[1], int(sys.argv[2]))
    print(f"contract kept: {TALLY}")
