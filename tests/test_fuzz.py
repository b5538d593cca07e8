"""The fuzz suite (issue 11, "how it is checked"): for each entry, hypothesis draws hostile
inputs and every one must give a result or the project's own error with a message in
English and Chinese, never another exception, within a memory limit and a hang guard.

Each target runs in a child process (``python -m tests.io.fuzz_runner TARGET N``, see
that module for the inputs drawn and :mod:`tests.io.contract` for what is checked), so a
memory bomb or an endless loop fails this test rather than the machine. The draws are
derandomized: the same inputs on every run. ``GOVDECIDE_FUZZ_SCALE=10`` draws ten times
as many, for a longer search by hand; the default keeps the suite near a minute.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCALE = float(os.environ.get("GOVDECIDE_FUZZ_SCALE", "1"))
# examples per target, chosen so that each child takes a few seconds
TARGETS = {
    "scenario_text": 1000,
    "scenario_data": 800,
    "table_csv": 600,
    "table_xlsx": 600,
    "editor": 200,
    "options": 500,
    "link": 150,
}


@pytest.mark.parametrize("target", list(TARGETS))
def test_entry_keeps_the_contract(target: str):
    examples = max(1, int(TARGETS[target] * SCALE))
    run = subprocess.run(
        [sys.executable, "-m", "tests.io.fuzz_runner", target, str(examples)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600 * SCALE,  # a hang guard for the whole child, not a measurement
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-8000:]
    assert "contract kept" in run.stdout


def test_settings_from_dict_refuses_with_its_own_error():
    """The plain-data form of settings (saved options, decision records) read back from
    hostile data: the project's own error, or settings that pass their check."""
    from govdecide.errors import ScenarioError
    from govdecide.model.settings import Settings

    for data in ({"weights": 5}, {"budget": 10**400}, {"weights": {"a": 10**400}}):
        try:
            Settings.from_dict(data).check({"a"})
        except ScenarioError:
            continue
