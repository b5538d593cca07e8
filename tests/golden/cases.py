"""The golden check of the reorganisation: commands whose output must not change.

Every bundled scenario is solved at a few settings (budget, equity weight, program weights,
whole units on and off) and each analysis runs at a small size, through the public API
only (``govdecide.cli.main`` and ``govdecide.solve``), so that the same cases can run on the
code before and after a change of layout. ``python -m tests.golden.cases --write`` stores
their JSON output (minus timings) in ``tests/golden/expected/``; ``tests/test_golden.py``
checks that the code of today gives the same output.

Settings are chosen so that every solve finishes well inside its time limit: a result cut
by a clock would depend on the machine's load, not on the code.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EXPECTED = Path(__file__).parent / "expected"
S = "scenarios"

# keys whose values are clocks or depend on them, dropped at every depth before comparing
VOLATILE = {"timings_s", "seconds", "trace", "total_s", "solve_s", "build_s"}

CLI_CASES: dict[str, list[str]] = {
    "riverton_default": ["solve", f"{S}/riverton.yaml"],
    "riverton_budget_equity": [
        "solve", f"{S}/riverton.yaml", "--budget", "30000", "--equity-weight", "0.5",
    ],
    "riverton_weights_nostaff": [
        "solve", f"{S}/riverton.yaml", "--weight", "health_station=2", "--staff", "none",
    ],
    "riverton_structured": [
        "solve", f"{S}/riverton.yaml", "--equity-weight", "0.8", "--method", "structured",
    ],
    "riverton_cbc": ["solve", f"{S}/riverton.yaml", "--solver", "cbc", "--budget", "20000"],
    "riverton_infeasible": ["solve", f"{S}/riverton.yaml", "--budget", "0"],
    "beijing_default": ["solve", f"{S}/beijing.yaml"],
    "beijing_equity": ["solve", f"{S}/beijing.yaml", "--equity-weight", "0.9"],
    "london_default": ["solve", f"{S}/london.yaml"],
    "london_equity": ["solve", f"{S}/london.yaml", "--equity-weight", "0.6", "--gap", "0.001"],
    "region300_default": ["solve", f"{S}/region_300.yaml", "--gap", "0.005"],
    "riverton_frontier": ["frontier", f"{S}/riverton.yaml", "--points", "5"],
    "riverton_budget_curve": ["budget-curve", f"{S}/riverton.yaml", "--points", "5"],
    "riverton_min_budget": ["min-budget", f"{S}/riverton.yaml", "--coverage", "90%"],
    "riverton_robustness": [
        "robustness", f"{S}/riverton.yaml", "--runs", "5", "--seed", "3", "--spread", "0.2",
    ],
    "beijing_frontier": ["frontier", f"{S}/beijing.yaml", "--points", "4"],
    "london_budget_curve": ["budget-curve", f"{S}/london.yaml", "--points", "3"],
    "validate_all": [
        "validate", f"{S}/riverton.yaml", f"{S}/beijing.yaml", f"{S}/london.yaml",
        f"{S}/region_300.yaml",
    ],
}  # fmt: skip

# (scenario file, Settings keyword arguments): through the library, for what the command
# line cannot ask (whole units off)
LIBRARY_CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "riverton_lp": ("riverton.yaml", {"integer": False, "equity_weight": 0.4}),
    "beijing_lp": ("beijing.yaml", {"integer": False}),
    "london_lp_budget": ("london.yaml", {"integer": False, "budget": 250000}),
    "region300_lp": ("region_300.yaml", {"integer": False, "equity_weight": 0.3}),
    "large_region_lp": ("large_region.yaml", {"integer": False}),
}


def strip(value: Any) -> Any:
    """The output without clocks: volatile keys dropped at every depth."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def run_cli(argv: list[str]) -> dict[str, Any]:
    """One command line run in this process: its exit code and its JSON (or text) output."""
    from govdecide.cli import main

    fmt = [] if argv[0] == "validate" else ["--format", "json"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main([*argv, *fmt])
    text = out.getvalue()
    try:
        body: Any = json.loads(text)
    except json.JSONDecodeError:
        body = text.splitlines()
    return {"exit": code, "output": strip(body)}


def run_library(file: str, settings: dict[str, Any]) -> dict[str, Any]:
    """One solve through ``govdecide.solve``: the result's plain data."""
    from govdecide import Settings, load_scenario, solve

    result = solve(load_scenario(ROOT / S / file), Settings(**settings))
    data = json.loads(json.dumps(result.to_dict(), default=_plain))
    # the allocation as (district, program, new units): the rest of a row follows from it
    # (result.evaluate), and 3,000 districts' full rows would make a 5 MB file
    data["allocation"] = [[r["district"], r["program"], r["new_units"]] for r in data["allocation"]]
    return {"output": strip(data)}


def _plain(value: Any) -> Any:
    """numpy scalars and the like as plain numbers for JSON."""
    return float(value)


def cases() -> dict[str, Callable[[], dict[str, Any]]]:
    """Every golden case by name, as a function that computes its output now."""
    out: dict[str, Callable[[], dict[str, Any]]] = {}
    for name, argv in CLI_CASES.items():
        out[name] = lambda argv=argv: run_cli(argv)
    for name, (file, settings) in LIBRARY_CASES.items():
        out[name] = lambda file=file, settings=settings: run_library(file, settings)
    return out


def differences(expected: Any, actual: Any, path: str = "", rel: float = 1e-9) -> list[str]:
    """Where two outputs differ: numbers beyond ``rel`` relative, anything else at all.

    The tolerance only absorbs the last bits of a float printed through JSON; a changed
    allocation, status or figure differs by far more.
    """
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = [f"{path}.{k}: missing" for k in expected if k not in actual]
        out += [f"{path}.{k}: unexpected" for k in actual if k not in expected]
        for k in expected:
            if k in actual:
                out += differences(expected[k], actual[k], f"{path}.{k}", rel)
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(expected)} items, now {len(actual)}"]
        out = []
        for i, (a, b) in enumerate(zip(expected, actual, strict=True)):
            out += differences(a, b, f"{path}[{i}]", rel)
        return out
    numbers = (int, float)
    if (
        isinstance(expected, numbers)
        and isinstance(actual, numbers)
        and not isinstance(expected, bool)
        and not isinstance(actual, bool)
    ):
        if math.isclose(expected, actual, rel_tol=rel, abs_tol=1e-12):
            return []
        return [f"{path}: {expected!r}, now {actual!r}"]
    return [] if expected == actual else [f"{path}: {expected!r}, now {actual!r}"]


def write() -> None:
    """Store every case's output (run before a change of layout, from the repository root)."""
    EXPECTED.mkdir(parents=True, exist_ok=True)
    for name, case in cases().items():
        data = case()
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        (EXPECTED / f"{name}.json").write_text(text + "\n", encoding="utf-8")
        print(name, data.get("exit", ""))


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write()
    else:
        print("usage: python -m tests.golden.cases --write")
