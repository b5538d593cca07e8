"""The report and the chart images, drawn in a worker process so the server keeps answering.

The exports' chart renderer (vl-convert) holds Python's interpreter lock while it draws:
0.3-1 s per chart on this machine, and the report draws several. In the server's own
process that is time in which no other session, and not even the health endpoint, gets an
answer. A worker process has an interpreter of its own: the session that asked for the
report waits for it, every other session carries on.

One worker per server (``st.cache_resource``), started with ``spawn`` (forking a process
that runs threads is unsafe); it imports this module and the library, never the app's
script (``app.py`` runs its ``main()`` only as the main script). Should the worker die,
the next request starts a new one; should the server die, the worker ends too.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

import streamlit as st

from govdecide.io.exports import chart_files
from govdecide.io.report import build_report
from govdecide.io.scenario import Scenario
from govdecide.model.result import Result
from govdecide.model.settings import Settings

T = TypeVar("T")
HANG_GUARD_S = 900.0  # a report of the largest table takes well under a minute


def report_files(
    scenario: Scenario,
    key: str,
    lang: str,
    source: str,
    result: Result,
    topology: Mapping[str, Any] | None = None,
) -> tuple[dict[str, bytes], list[str]]:
    """The report and the SVG and PNG images of a result's charts, by file name, and a
    sentence for each chart that could not be drawn (run in the worker: it draws with
    vl-convert). One chart that fails costs its own files, never the others';
    ``topology`` is the scenario's map, if any."""
    page, _ = build_report(
        scenario, Settings.from_key(key), lang, source=source, result=result, topology=topology
    )
    files, problems = chart_files(result, scenario, lang, topology=topology)
    return {"report.html": page.encode("utf-8"), **files}, problems


def _leave_with(parent: int) -> None:
    """In the worker: end as soon as the server that started it is gone (a killed server
    cannot stop its worker, which would otherwise wait for work for ever)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="govdecide-parent-watch", daemon=True).start()


@st.cache_resource(show_spinner=False)
def _worker() -> ProcessPoolExecutor:
    """The server's one drawing process (started on first use)."""
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_leave_with,
        initargs=(os.getpid(),),
    )


def files_in_worker(
    scenario: Scenario,
    key: str,
    lang: str,
    source: str,
    result: Result,
    topology: Mapping[str, Any] | None = None,
) -> tuple[dict[str, bytes], list[str]]:
    """:func:`report_files` in the worker process; a dead worker is replaced once."""
    return in_worker(report_files, scenario, key, lang, source, result, topology)


def in_worker(function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` in the worker process (a top-level function of the library or
    of this app, and picklable arguments); a dead worker is replaced once."""
    for attempt in (1, 2):
        try:
            job = _worker().submit(function, *args)
            return job.result(timeout=HANG_GUARD_S)
        except BrokenProcessPool:
            _worker.clear()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
