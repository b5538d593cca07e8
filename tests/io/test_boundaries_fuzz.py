"""The fuzz suite covers the map import (issue 16): hypothesis over boundary files, each
target in a child process with a memory limit (see :mod:`tests.io.boundary_fuzz`).
``GOVDECIDE_FUZZ_SCALE=10`` draws ten times as many, as the issue-11 suite does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCALE = float(os.environ.get("GOVDECIDE_FUZZ_SCALE", "1"))
TARGETS = {"map_text": 400, "map_data": 400}


@pytest.mark.parametrize("target", list(TARGETS))
def test_map_import_keeps_the_contract(target: str):
    examples = max(1, int(TARGETS[target] * SCALE))
    run = subprocess.run(
        [sys.executable, "-m", "tests.io.boundary_fuzz", target, str(examples)],
        capture_output=True, text=True, cwd=ROOT, timeout=600 * SCALE,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-8000:]
    assert "contract kept" in run.stdout
