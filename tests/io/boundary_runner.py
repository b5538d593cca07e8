"""Read every hostile boundary file in this process, one JSON line per file.

``tests/io/test_boundaries_hostile.py`` runs this module in a child process (``python -m
tests.io.boundary_runner``) with a memory limit, so that a file that exhausts memory
cannot take the test session with it. Each file is read by the app's own entry
(:func:`govdecide.io.boundaries.read_map`) under an alarm (:data:`HANG_GUARD_S`); a file
whose expectation names ``guard_s`` is read through the child-process guard the app and
the command line use (:func:`govdecide.io.boundary_guard.run_guarded`), since its work
is in GEOS, which no alarm interrupts. What is accepted is also matched, prepared and
drawn, as the data page does, so a value that passes the door but breaks what follows is
found. :data:`GENERATED` files are made here, too large to keep in the repository.
"""

from __future__ import annotations

import json
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import yaml

from tests.io.hostile_runner import limit_memory

HERE = Path(__file__).parent / "hostile" / "maps"
HANG_GUARD_S = 60


def _square(i: int) -> dict:
    x, y = 10 + (i % 100) * 0.01, 50 + (i // 100) * 0.01
    ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
    return {"type": "Feature", "properties": {"name": f"D{i}"},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip


def _big_ring() -> bytes:
    """A large honest file: one district outlined by 400,000 points (8 MB)."""
    import math

    n = 400_000
    ring = [[round(10 + math.cos(6.283185 * i / n), 5), round(50 + math.sin(6.283185 * i / n),
                                                               5)] for i in range(n)]  # fmt: skip
    ring.append(ring[0])
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "North"},
         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}  # fmt: skip
    return json.dumps(data, separators=(",", ":")).encode()


GENERATED: dict[str, tuple[Callable[[], bytes], dict[str, Any]]] = {
    "generated_too_large.geojson": (
        lambda: b'{"type": "FeatureCollection", "features": []}' + b" " * (10 * 2**20),
        {"codes": ["map_too_large"]},
    ),
    "generated_20001_features.geojson": (
        lambda: json.dumps(
            {"type": "FeatureCollection", "features": [_square(i) for i in range(20_001)]}
        ).encode(),
        {"codes": ["map_too_many_features"]},
    ),  # fmt: skip
    "generated_big_ring.geojson": (_big_ring, {"accepted": True}),
}


class Hang(Exception):
    """A file took longer than the hang guard."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang(f"more than {HANG_GUARD_S} s")


def expected() -> dict[str, dict[str, Any]]:
    """Every file's expectation: the stored ones' manifest and the generated ones."""
    stored = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))
    return {**stored, **{name: want for name, (_, want) in GENERATED.items()}}


def _use(boundaries: Any) -> list[str]:
    """Match, prepare and draw an accepted map as the data page does; its notes."""
    from govdecide.io.boundaries import prepare_map, read_map
    from govdecide.io.boundary_match import apply_fixes, match_features
    from govdecide.present import maps
    from tests.io.boundary_files import twin_town

    scenario = twin_town()
    match = match_features(boundaries, scenario)
    if not match.assigned:  # as a user would: assign the first feature by hand
        match = apply_fixes(match, {boundaries.features[0].index: "north"}, boundaries, scenario)
    prepared = prepare_map(boundaries, match, scenario, "Hostile test")
    maps.match_frame(boundaries, match, scenario, "zh")
    json.dumps(prepared.topology, allow_nan=False)
    read_map(prepared.text.encode(), "prepared.topojson")  # what is written reads back
    return [n.code for n in boundaries.notes]


def read_one(name: str, want: dict[str, Any]) -> dict[str, Any]:
    """One file through the app's entry: its outcome, or the error that broke the contract."""
    from govdecide.errors import ScenarioError
    from govdecide.io.boundaries import read_map
    from govdecide.io.boundary_guard import run_guarded

    data = GENERATED[name][0]() if name in GENERATED else (HERE / name).read_bytes()
    signal.alarm(HANG_GUARD_S)
    try:
        if want.get("guard_s"):
            boundaries = run_guarded(read_map, data, name, file=name, timeout_s=want["guard_s"])
        else:
            boundaries = read_map(data, name)
        notes = _use(boundaries)
        return {"accepted": True, "codes": [], "notes": notes}
    except ScenarioError as exc:
        messages = {lang: exc.messages(lang) for lang in ("en", "zh")}
        return {"accepted": False, "codes": [p.code for p in exc.problems], "messages": messages}
    except Hang as exc:
        return {"error": f"hang: {exc}"}
    except MemoryError:
        return {"error": "MemoryError: past the memory limit"}
    except BaseException:  # noqa: BLE001 - any other exception is what the test reports
        return {"error": traceback.format_exc(limit=-8)}
    finally:
        signal.alarm(0)


def main(names: list[str]) -> int:
    """Read the named files (all when none), printing {"start"} then each result."""
    limit_memory()
    signal.signal(signal.SIGALRM, _on_alarm)
    manifest = expected()
    for name in names or sorted(manifest):
        print(json.dumps({"start": name}), flush=True)
        record = read_one(name, manifest[name])
        print(json.dumps({"file": name, **record}, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
