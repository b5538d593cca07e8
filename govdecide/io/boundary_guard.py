"""Reading and preparing a map in a child process, with a time and a memory limit.

The limits of :mod:`~govdecide.io.boundary_read` keep an honest file's work to seconds,
but geometry has costs no count before the work can bound: repairing a ring that crosses
itself at every vertex takes time in the square of its length, and the ``topojson``
package holds the interpreter while it works, so in the app's server process every other
session would wait. So the app and the command line read and prepare a map in a process of
its own (``spawn``: forking a process that runs threads is unsafe), which gets
:data:`GUARD_S` seconds and :data:`MEMORY_BYTES` more address space; past either it is
stopped and the user reads a message (``map_too_slow``, ``map_too_much_memory``), never a
traceback, and the server goes on answering. Both limits are guards, not measurements:
the benchmark's 3,000-district map takes a few seconds and a few hundred megabytes.
"""

from __future__ import annotations

import multiprocessing
import resource
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from govdecide.errors import ScenarioError
from govdecide.io.boundary_read import map_error

T = TypeVar("T")
GUARD_S = 120.0
MEMORY_BYTES = 3 * 1024**3  # beyond what the child already uses when it starts the work


def _address_space() -> int | None:
    """This process's address space in bytes (Linux), None when it cannot be read."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


def _child(conn: Connection, work: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In the child: limit memory, run ``work``, send back ("ok", result), ("error",
    problems), ("memory", None) or ("failed", detail)."""
    used = _address_space()
    if used is not None:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = used + MEMORY_BYTES
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)  # a parent's own limit stays the ceiling
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        message: tuple[str, Any] = ("ok", work(*args))
    except ScenarioError as exc:
        message = ("error", exc.problems)
    except MemoryError:
        message = ("memory", None)
    except Exception as exc:  # noqa: BLE001 - said to the user, never a traceback
        message = ("failed", f"{type(exc).__name__}: {str(exc)[:200]}")
    try:
        conn.send(message)
    except MemoryError:
        conn.send(("memory", None))
    finally:
        conn.close()


def run_guarded(
    work: Callable[..., T], *args: Any, file: str = "map", timeout_s: float = GUARD_S
) -> T:
    """``work(*args)`` in a child process (see the module's doc); its ScenarioError is
    raised here as it was there, and a hang, a memory bomb or a crash becomes one."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, work, args), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(timeout_s):
            raise map_error("map_too_slow", file, seconds=int(timeout_s))
        kind, value = receive.recv()
    except (EOFError, OSError):
        kind, value = "memory", None  # the child died without a word: killed for memory
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join(10)
    if kind == "ok":
        return value
    if kind == "error":
        raise ScenarioError(value)
    if kind == "memory":
        raise map_error("map_too_much_memory", file)
    raise map_error("map_worker_failed", file, detail=str(value))
