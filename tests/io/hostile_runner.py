"""Read every file of the hostile corpus in this process, one JSON line per file.

``tests/io/test_hostile.py`` runs this module in a child process (``python -m
tests.io.hostile_runner``) so that a file that exhausts memory or never ends cannot take
the test session with it: the child limits its own address space (:data:`MEMORY_LIMIT`),
and each file gets :data:`HANG_GUARD_S` seconds before it is reported as a hang. Both
bounds are generous guards, not measurements: a file the entries handle correctly takes a
fraction of a second and a few megabytes.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import traceback
from pathlib import Path
from types import FrameType
from typing import Any

import yaml

HERE = Path(__file__).parent / "hostile"
MEMORY_LIMIT = 3 * 1024**3  # bytes of address space (the interpreter with pandas: ~1.5 GB)
HANG_GUARD_S = 60


class Hang(Exception):
    """A file took longer than the hang guard."""


def expected() -> dict[str, dict[str, Any]]:
    """The corpus manifest: file -> entry and expectation (written by make_hostile.py)."""
    return yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))


def limit_memory() -> None:
    """Cap this process's address space (a memory bomb then fails with MemoryError)."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang(f"more than {HANG_GUARD_S} s")


def read_one(name: str, entry: str) -> dict[str, Any]:
    """Give one corpus file to its entry; the outcome, or the error that broke the contract."""
    from tests.io import contract

    data = (HERE / name).read_bytes()
    signal.alarm(HANG_GUARD_S)
    try:
        if entry == "scenario_bytes":
            outcome = contract.scenario_bytes(data)
        elif entry == "table":
            outcome = contract.table(data, name)
        elif entry == "options":
            outcome = contract.options(data.decode("utf-8"))
        elif entry == "link":
            outcome = contract.link(json.loads(data))
        else:
            raise ValueError(f"unknown entry {entry!r}")
        return outcome.to_dict()
    except Hang as exc:
        return {"error": f"hang: {exc}"}
    except MemoryError:
        return {"error": "MemoryError: past the memory limit"}
    except BaseException:  # noqa: BLE001 - any other exception is what the test reports
        return {"error": traceback.format_exc(limit=-8)}
    finally:
        signal.alarm(0)


def main(names: list[str]) -> int:
    """Read the named files (all when none), printing {"start"} then the result of each."""
    limit_memory()
    signal.signal(signal.SIGALRM, _on_alarm)
    manifest = expected()
    for name in names or sorted(manifest):
        print(json.dumps({"start": name}), flush=True)
        record = {"file": name, **read_one(name, manifest[name]["entry"])}
        print(json.dumps(record, ensure_ascii=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
