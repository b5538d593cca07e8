"""The analyses the pages run: kept on the server, small ones at once, long ones in the
background with a progress bar and a stop button.

Each result is kept by the scenario's fingerprint (its version), the settings' key and
the analysis' own inputs, for every session of the server: moving a slider back, or
another user asking the same, shows the answer at once.

An analysis too small to gain from worker processes (:meth:`Workers.local_here`) is
solved in the page's own run, with a progress bar. A longer one runs in a thread of its
own that only hands the solves to the server's pool of worker processes
(:mod:`govdecide.analyses.parallel`; one pool size for every session, each session using
as many of its processes as its setting says) and waits: the server keeps answering every
other session. The page shows the bar and a stop button in a fragment that polls the job,
and the figures appear with a rerun once all solves are done.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from govdecide import analyses as an
from govdecide.analyses import equity_rules
from govdecide.analyses.common import Progress
from govdecide.analyses.parallel import cores, expected_work
from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import t
from govdecide.io.scenario import Scenario
from govdecide.model.result import Result
from govdecide.model.settings import Settings
from ui.analysis_page import AnalysisPage

MAX_ENTRIES = 32  # results kept per server (a large scenario's are large)
MAX_RUNNING = 8  # background analyses per server; they share one pool of processes
POLL_S = 0.5  # how often a page looks at its running analysis
_JOBS = "_govdecide_analysis_jobs"

Call = Callable[[an.Workers, Progress, an.Stop | None], Any]
"""``call(workers, progress, stop) -> result``: the library call of one analysis."""

_FINISHED: OrderedDict[Hashable, Any] = OrderedDict()
_LOCK = threading.Lock()
_RUNNING: set[int] = set()  # ids of jobs whose thread is running


@dataclass
class AnalysisJob:
    """An analysis running (or ended) in a background thread for one session."""

    key: Hashable
    total: int
    text_key: str = "par.app.progress"  # the bar's text, with {done} and {total}
    stop: an.Stop = field(default_factory=an.Stop)
    done: int = 0
    result: Any = None
    error: ScenarioError | None = None
    cancelled: bool = False
    finished: bool = False


def app_workers(jobs: int) -> an.Workers:
    """Where the app's analyses run: ``jobs`` processes of the server's shared pool (one
    process per core), or the Dask cluster named by ``GOVDECIDE_DASK_SCHEDULER``."""
    return an.Workers.from_env(jobs=jobs, pool=cores())


def finished(key: Hashable) -> Any:
    """A result some session of this server computed for ``key``, if any."""
    with _LOCK:
        if key in _FINISHED:
            _FINISHED.move_to_end(key)
        return _FINISHED.get(key)


def clear() -> None:
    """Forget every kept result (as ``st.cache_data.clear()`` does for the cached solves)."""
    with _LOCK:
        _FINISHED.clear()


def _publish(key: Hashable, result: Any) -> None:
    """Keep a result for every session, the oldest dropped past :data:`MAX_ENTRIES`."""
    with _LOCK:
        _FINISHED[key] = result
        while len(_FINISHED) > MAX_ENTRIES:
            _FINISHED.popitem(last=False)


def _work(job: AnalysisJob, call: Call, workers: an.Workers) -> None:
    """The thread body: run the analysis, keep what it gave (result, error or a stop)."""

    def progress(done: int, total: int) -> None:
        job.done = done

    try:
        result = call(workers, progress, job.stop)
    except an.Cancelled:
        job.cancelled = True
    except ScenarioError as exc:
        job.error = exc
    except Exception as exc:  # noqa: BLE001 - shown to the user in words, not a trace
        detail = f"{type(exc).__name__}: {exc}"
        job.error = an.AnalysisFailed([Problem("", "parallel_task_failed", {"detail": detail})])
    else:
        job.result = result
        _publish(job.key, result)
    finally:
        job.stop.release()
        job.finished = True
        with _LOCK:
            _RUNNING.discard(id(job))


def _start(
    key: Hashable, total: int, text_key: str, call: Call, workers: an.Workers
) -> AnalysisJob | None:
    """Start this session's job for ``key``; None when the server runs enough already.

    The session's other running analyses of the same kind (``key[0]``: the same page,
    other settings) are stopped: the page no longer shows them.
    """
    job = AnalysisJob(key, total, text_key)
    with _LOCK:
        if len(_RUNNING) >= MAX_RUNNING:
            return None
        _RUNNING.add(id(job))
    jobs_of_session: dict[Hashable, AnalysisJob] = st.session_state.setdefault(_JOBS, {})
    for other_key, other in jobs_of_session.items():
        if other_key[0] == key[0] and not other.finished:  # type: ignore[index]
            other.stop.set()
    jobs_of_session[key] = job
    threading.Thread(
        target=_work, args=(job, call, workers), name="govdecide-analysis", daemon=True
    ).start()
    return job


@st.fragment(run_every=POLL_S)
def _progress_panel(job: AnalysisJob, lang: str) -> None:
    """The running job's bar and stop button; the whole page reruns once it has ended."""
    if job.finished:
        st.rerun()
    share = job.done / job.total if job.total else 0.0
    text = t(job.text_key, lang, done=job.done, total=job.total)
    st.progress(min(1.0, share), text=text)
    if st.button(t("par.app.stop", lang), key="par_stop", icon=":material/stop_circle:"):
        job.stop.set()
        st.caption(t("par.app.stopping", lang))


def _here(
    page: AnalysisPage, key: Hashable, total: int, text_key: str, call: Call, workers: an.Workers
) -> Any:
    """A small analysis in this run of the page, with a bar that counts finished solves."""
    lang = page.lang
    bar = st.progress(0.0, text=t(text_key, lang, done=0, total=total))

    def tick(done: int, of: int) -> None:
        bar.progress(min(1.0, done / of), text=t(text_key, lang, done=done, total=of))

    result = call(workers, tick, None)
    bar.empty()
    _publish(key, result)
    return result


def run(
    page: AnalysisPage,
    key: Hashable,
    total: int,
    call: Call,
    jobs: int,
    restart: bool = False,
    text_key: str = "par.app.progress",
) -> Any:
    """The analysis' result for ``key``: kept, computed now, or from a background job.

    While a background job runs (or after it was stopped) the page shows its bar (or what
    was done) and its run ends here (``st.stop``); the figures come with the rerun after
    the job. ``text_key`` is the bar's text (with ``{done}`` and ``{total}``);
    ``restart`` starts a stopped analysis again (its button was pressed). Bad settings
    raise :class:`ScenarioError` as the library does, a failed worker
    :class:`~govdecide.analyses.parallel.AnalysisFailed` (one of them).
    """
    kept = finished(key)
    if kept is not None:
        return kept
    workers = app_workers(jobs)
    if workers.local_here(expected_work(page.scenario, total)):
        return _here(page, key, total, text_key, call, workers)
    jobs_of_session: dict[Hashable, AnalysisJob] = st.session_state.setdefault(_JOBS, {})
    job = jobs_of_session.get(key)
    if job is not None and job.finished and not job.cancelled:
        jobs_of_session.pop(key)
        if job.error is not None:
            raise job.error
        return job.result
    if job is None or (job.cancelled and restart):
        job = _start(key, total, text_key, call, workers)
        if job is None:
            st.warning(t("par.app.busy", page.lang), icon=":material/hourglass_top:")
            st.stop()
    assert job is not None  # noqa: S101 - for the type checker: st.stop() ends the run
    if job.cancelled:
        st.info(t("par.app.stopped", page.lang, done=job.done, total=job.total))
        if st.button(t("par.app.again", page.lang), key="par_again"):
            jobs_of_session.pop(key, None)
            st.rerun()
    else:
        _progress_panel(job, page.lang)
    st.stop()


def frontier(page: AnalysisPage, points: int, jobs: int) -> an.Frontier:
    """The efficiency-equity frontier with ``points`` points."""
    key = ("frontier", page.entry.fingerprint, page.key, points)

    def call(workers: an.Workers, progress: Progress, stop: an.Stop | None) -> an.Frontier:
        return an.frontier(
            page.scenario, page.settings, points, progress, workers=workers, stop=stop
        )

    return run(page, key, points + 3, call, jobs)


def budget_curve(page: AnalysisPage, budgets: tuple[float, ...], jobs: int) -> an.BudgetCurve:
    """The budget curve over the grid ``budgets``."""
    key = ("budget_curve", page.entry.fingerprint, page.key, budgets)

    def call(workers: an.Workers, progress: Progress, stop: an.Stop | None) -> an.BudgetCurve:
        return an.budget_curve(
            page.scenario, page.settings, list(budgets), progress=progress, workers=workers,
            stop=stop,
        )  # fmt: skip

    return run(page, key, len(budgets), call, jobs)


def robustness(
    page: AnalysisPage, spread: float, runs: int, seed: int, jobs: int, restart: bool = False
) -> an.Robustness:
    """Robustness under need varied by ±``spread`` in ``runs`` seeded runs."""
    key = ("robustness", page.entry.fingerprint, page.key, spread, runs, seed)

    def call(workers: an.Workers, progress: Progress, stop: an.Stop | None) -> an.Robustness:
        return an.robustness(
            page.scenario, page.settings, spread, runs, seed, progress, workers=workers, stop=stop
        )

    return run(page, key, runs, call, jobs, restart, "an.robust.progress")


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def rule_solve(fingerprint: str, key: str, kind: str, value: float, _scenario: Scenario) -> Result:
    """A solve under an alternative equity rule (``kind`` at ``value``)."""
    sweep = an.Sweep(_scenario, equity_rules.EquityRule(kind, value))
    return sweep.solve(Settings.from_key(key))


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def min_budget(fingerprint: str, key: str, coverage: float, _scenario: Scenario) -> an.MinBudget:
    """The smallest budget that gives every district at least ``coverage``."""
    return an.min_budget(_scenario, Settings.from_key(key), coverage)
