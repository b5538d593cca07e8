"""Hostile boundary files (tests/io/hostile/maps/): each gives what ``expected.yaml``
says, the refusal's codes with a message in English and Chinese, or acceptance (and then
it is matched, prepared and drawn); never another exception, a hang or the memory limit.
All are read in one child process (``boundary_runner``); the file that would run for hours
in GEOS goes through the app's child-process guard and is stopped by it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from govdecide.errors import ScenarioError
from govdecide.io.boundary_guard import run_guarded
from tests.io.boundary_runner import GENERATED, HERE, expected

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = expected()
FILES = sorted(EXPECTED)


@pytest.fixture(scope="module")
def results() -> dict:
    run = subprocess.run(
        [sys.executable, "-m", "tests.io.boundary_runner"],
        capture_output=True, text=True, cwd=ROOT, timeout=60 * len(FILES),
    )  # fmt: skip
    records, last = {}, None
    for line in run.stdout.splitlines():
        record = json.loads(line)
        if "start" in record:
            last = record["start"]
        else:
            records[record["file"]] = record
    return {"records": records, "last": last, "stderr": run.stderr[-3000:], "rc": run.returncode}


def test_every_stored_file_has_its_expectation():
    stored = {p.name for p in HERE.iterdir() if p.is_file()} - {
        "make_hostile_maps.py", "expected.yaml",
    }  # fmt: skip
    assert stored == set(EXPECTED) - set(GENERATED)
    assert len(FILES) >= 30


@pytest.mark.parametrize("name", FILES)
def test_hostile_map(results: dict, name: str):
    record = results["records"].get(name)
    assert record is not None, (
        f"the child stopped (exit {results['rc']}) while reading {results['last']}:\n"
        + results["stderr"]
    )
    assert "error" not in record, record["error"]
    want = EXPECTED[name]
    if want.get("accepted"):
        assert record["accepted"], record
        assert set(want.get("notes", [])) <= set(record["notes"])
        return
    assert not record["accepted"]
    assert record["codes"] == want["codes"], record["messages"]["en"]
    for lang in ("en", "zh"):
        assert record["messages"][lang] and all(
            m.startswith(name) for m in record["messages"][lang]
        )


def test_the_guard_stops_work_that_runs_too_long():
    """Work past the time limit ends the child and says so (time.sleep stands in for a
    repair that would run for hours)."""
    import time

    with pytest.raises(ScenarioError) as exc:
        run_guarded(time.sleep, 30, file="slow.geojson", timeout_s=2)
    assert [p.code for p in exc.value.problems] == ["map_too_slow"]


def test_the_guard_stops_work_that_needs_too_much_memory():
    """A child asking for 8 GB more than it has is refused by its address-space limit
    (bytearray stands in for a file that inflates)."""
    with pytest.raises(ScenarioError) as exc:
        run_guarded(bytearray, 8 * 1024**3, file="big.geojson")
    assert [p.code for p in exc.value.problems] == ["map_too_much_memory"]


def test_the_guard_reports_a_crash_in_words():
    with pytest.raises(ScenarioError) as exc:
        run_guarded(int, "not a number", file="x.geojson")
    assert [p.code for p in exc.value.problems] == ["map_worker_failed"]
    assert "ValueError" in exc.value.messages("en")[0]
