"""The hostile corpus (tests/io/hostile/): every file is read by its entry in a child
process with a memory limit and a hang guard (``hostile_runner``), and gives exactly what
``expected.yaml`` says: the codes of its refusal, or acceptance; never another exception,
never a hang, never the memory limit (issue 11).

``make_hostile.py`` there writes the files and says, for each, what it once did to the
server.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.io.hostile_runner import HERE, expected

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = expected()
FILES = sorted(EXPECTED)


@pytest.fixture(scope="module")
def results() -> dict:
    """Every file's record from one child run, and the child's stderr and last start."""
    run = subprocess.run(
        [sys.executable, "-m", "tests.io.hostile_runner"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60 * len(FILES),  # hang guard only: the whole corpus takes seconds
    )
    records, last = {}, None
    for line in run.stdout.splitlines():
        record = json.loads(line)
        if "start" in record:
            last = record["start"]
        else:
            records[record["file"]] = record
    return {"records": records, "last": last, "stderr": run.stderr[-3000:], "rc": run.returncode}


def test_every_file_has_its_expectation():
    files = {
        p.name
        for p in HERE.iterdir()
        if p.is_file() and p.name not in ("make_hostile.py", "expected.yaml")
    }
    assert files == set(EXPECTED)
    assert len(FILES) >= 40


@pytest.mark.parametrize("name", FILES)
def test_hostile_file(results: dict, name: str):
    """The file's outcome is the expected one, with messages in English and Chinese."""
    record = results["records"].get(name)
    assert record is not None, (
        f"the child stopped (exit {results['rc']}) while reading {results['last']}:\n"
        + results["stderr"]
    )
    assert "error" not in record, record["error"]
    want = EXPECTED[name]
    if want.get("accepted"):
        assert record["accepted"], record["messages"]
        return
    assert not record["accepted"]
    if not want.get("refused"):
        assert record["codes"] == want["codes"], record["messages"]["en"]
    for lang in ("en", "zh"):
        assert record["messages"][lang]
