"""Cached solves for the app: quick ones for sliders, long exact ones in the background.

* One :class:`~govdecide.model.engine.Allocator` per scenario per server (``st.cache_resource``):
  it keeps the built model, so a budget or equity move only changes the model in place.
* Results are cached by scenario and settings (``st.cache_data``): moving a slider back
  to a value seen before shows the allocation at once, for every user of the server.
* Interactive solves stop after :data:`INTERACTIVE_TIME_LIMIT_S`; the result says how
  close it is (``Result.gap``). An exact solve runs in a thread of its own, on a model of
  its own (so the shared allocator's lock is not held for minutes), and the page polls it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import streamlit as st

from govdecide.io.scenario import Scenario
from govdecide.model.engine import Allocator
from govdecide.model.engine import solve as engine_solve
from govdecide.model.result import Result
from govdecide.model.settings import Settings

INTERACTIVE_TIME_LIMIT_S = 2.0
EXACT_TIME_LIMIT_S = 300.0
EXACT_GAP = 1e-6
MAX_RUNNING_EXACT = 2  # per server: exact solves share the machine with everyone's sliders
_JOBS = "_govdecide_exact_jobs"
_BUSY = "_govdecide_exact_busy"


def interactive(settings: Settings) -> Settings:
    """The settings of a slider solve: a short time limit, the scenario's gap."""
    return settings.with_(time_limit_s=INTERACTIVE_TIME_LIMIT_S)


@st.cache_resource(show_spinner=False, max_entries=16)
def allocator(fingerprint: str, _scenario: Scenario) -> Allocator:
    """The server's one allocator for a scenario version (keyed by its fingerprint)."""
    return Allocator(_scenario)


# bounded: a result of a large scenario is large, and the cache is shared by every user
@st.cache_data(show_spinner=False, max_entries=128)
def _cached_solve(fingerprint: str, key: str, _scenario: Scenario) -> Result:
    """A solve, cached by scenario fingerprint and settings (bad settings raise, uncached)."""
    return allocator(fingerprint, _scenario).solve(Settings.from_key(key))


def solve(fingerprint: str, scenario: Scenario, settings: Settings) -> Result:
    """The result for these settings, from the cache when seen before on this server.

    Raises :class:`~govdecide.errors.ScenarioError` for settings the engine rejects.
    """
    return _cached_solve(fingerprint, settings.key(), scenario)


# -- exact solves in the background -------------------------------------------------------

_FINISHED: OrderedDict[tuple[str, str], Result] = OrderedDict()
_FINISHED_LOCK = threading.Lock()
_FINISHED_MAX = 64
_RUNNING: set[int] = set()  # ids of ExactJob objects whose thread is running


@dataclass
class ExactJob:
    """An exact solve running (or finished) in a background thread for one session."""

    fingerprint: str
    key: str
    time_limit_s: float
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    result: Result | None = None
    error: str | None = None
    thread: threading.Thread | None = None

    @property
    def done(self) -> bool:
        """True once the solve has returned (with a result or an error)."""
        return self.finished is not None

    def elapsed(self) -> float:
        """Seconds since the solve started (until it finished)."""
        return (self.finished or time.monotonic()) - self.started


def exact_settings(settings: Settings) -> Settings:
    """The settings of an exact solve: long time limit and a tight gap."""
    return settings.with_(time_limit_s=EXACT_TIME_LIMIT_S, gap=EXACT_GAP)


def finished_exact(fingerprint: str, settings: Settings) -> Result | None:
    """An exact result for these settings, if any session of this server computed one."""
    with _FINISHED_LOCK:
        return _FINISHED.get((fingerprint, settings.key()))


def best_result(fingerprint: str, scenario: Scenario, settings: Settings) -> tuple[Result, bool]:
    """The result to show for these settings and whether it is exact: a finished exact
    solve if any session of this server has one, else the quick (time-limited) solve."""
    exact = finished_exact(fingerprint, settings)
    if exact is not None:
        return exact, True
    return solve(fingerprint, scenario, interactive(settings)), False


def _run_job(job: ExactJob, scenario: Scenario, settings: Settings) -> None:
    """The thread body: solve on a fresh model (no shared lock) and publish the result."""
    try:
        result = engine_solve(scenario, exact_settings(settings))
    except Exception as exc:  # noqa: BLE001 - shown to the user as a status, not a trace
        job.error = str(exc)
    else:
        job.result = result
        with _FINISHED_LOCK:
            _FINISHED[(job.fingerprint, job.key)] = result
            while len(_FINISHED) > _FINISHED_MAX:
                _FINISHED.popitem(last=False)
    finally:
        job.finished = time.monotonic()
        with _FINISHED_LOCK:
            _RUNNING.discard(id(job))


def start_exact(fingerprint: str, scenario: Scenario, settings: Settings) -> ExactJob | None:
    """Start (or return the running) exact solve of these settings for this session.

    Returns None when the server already runs :data:`MAX_RUNNING_EXACT` exact solves:
    each takes a processor for up to :data:`EXACT_TIME_LIMIT_S`, and the sliders of every
    other user need one too.
    """
    jobs: dict[tuple[str, str], ExactJob] = st.session_state.setdefault(_JOBS, {})
    key = settings.key()
    job = jobs.get((fingerprint, key))
    if job is not None and (not job.done or job.result is not None):
        return job
    job = ExactJob(fingerprint, key, EXACT_TIME_LIMIT_S)
    with _FINISHED_LOCK:
        if len(_RUNNING) >= MAX_RUNNING_EXACT:
            st.session_state[_BUSY] = True
            return None
        _RUNNING.add(id(job))
    st.session_state.pop(_BUSY, None)
    job.thread = threading.Thread(
        target=_run_job, args=(job, scenario, settings), name="govdecide-exact", daemon=True
    )
    jobs[(fingerprint, key)] = job
    job.thread.start()
    return job


def server_was_busy() -> bool:
    """True when this session's last exact-solve request was turned away (server busy)."""
    return bool(st.session_state.pop(_BUSY, False))


def exact_job(fingerprint: str, settings: Settings) -> ExactJob | None:
    """This session's exact solve of these settings, running or finished, if any."""
    jobs: dict[tuple[str, str], ExactJob] = st.session_state.get(_JOBS, {})
    return jobs.get((fingerprint, settings.key()))
