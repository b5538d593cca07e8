"""What the benchmark scripts share: the instance as YAML text, timing, the markdown file.

Each script writes its own section of ``docs/benchmarks.md`` between two marker comments,
so the engine table and the structured-method table can be refreshed independently.
"""

from __future__ import annotations

import datetime as _dt
import gc
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from benchmarks.instances import ROOT, generator_name, region

DOC = ROOT / "docs" / "benchmarks.md"

HEADER = """# Benchmarks

Measured by the scripts in `benchmarks/` on generated regions (seeded, so every run solves
the same instances). These are measurements, not tests: the machine they ran on was shared
with other work at the time (other engineers' test runs and app sessions on the same 2
cores), so single figures can be noisy; medians over repeated runs are shown where a run is
short enough to repeat. Re-run the command of a section to refresh it.
"""


def machine() -> str:
    """One line about the machine: CPU model, cores, Python and solver versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import highspy
    import pulp

    from govdecide.model.solvers.highs import silence_highs_banner

    silence_highs_banner()
    try:
        highs_version = highspy.Highs().version()
    except Exception:  # noqa: BLE001 - a version string is a nicety
        highs_version = "?"
    try:
        cbc = subprocess.run(
            ["cbc", "-quit"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
        first = cbc.splitlines()[0] if cbc else ""
        cbc_version = first.split(" — ")[0].removeprefix("CBC ").strip() or "?"
    except (OSError, subprocess.SubprocessError):
        cbc_version = "not installed"
    return (
        f"{cpu}, {os.cpu_count()} cores (shared), Python {platform.python_version()}, "
        f"PuLP {pulp.__version__}, HiGHS {highs_version} (highspy, 1 thread), CBC {cbc_version}"
    )


def instance_text(n_districts: int, seed: int = 1, n_programs: int = 8) -> str:
    """The generated region as YAML text, so that 'load' includes parsing the file."""
    data = region(n_districts, seed, n_programs)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def instance_data(n_districts: int, seed: int = 1, n_programs: int = 8) -> dict[str, Any]:
    """The generated region as scenario data."""
    return region(n_districts, seed, n_programs)


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """Run ``fn`` once after a garbage collection; its value and wall time in seconds."""
    gc.collect()
    import time

    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def median(values: list[float]) -> float:
    """The median (of one value: that value)."""
    return statistics.median(values) if values else float("nan")


def ms(seconds: float) -> str:
    """Seconds as milliseconds for a table cell."""
    if seconds != seconds:
        return "–"
    return f"{seconds * 1000:,.1f}" if seconds < 10 else f"{seconds * 1000:,.0f}"


def secs(seconds: float) -> str:
    """Seconds for a table cell."""
    if seconds != seconds:
        return "–"
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def pct(share: float | None, digits: int = 1) -> str:
    """A share as a percentage cell."""
    if share is None or share != share:
        return "–"
    return f"{share * 100:.{digits}f}%"


def command_line(module: str) -> str:
    """How this script was run (for the section header)."""
    return " ".join(["python -m", module, *sys.argv[1:]])


def stamp() -> str:
    """Date and time (UTC) of the run."""
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def write_section(name: str, body: str, path: Path = DOC) -> None:
    """Replace (or append) the section between ``<!-- name:start -->`` and ``:end``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text() if path.exists() else HEADER
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        before = text.split(start, 1)[0]
        after = text.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def generator_line() -> str:
    """Which generator made the instances."""
    return f"Instances: `{generator_name()}`, seed 1, 8 programs (mixed integer and continuous)."
