"""Many independent solves at once: in worker processes (joblib), or on a Dask cluster.

The frontier's points, the budget curve's budgets and the robustness runs are independent
solves of one scenario. An analysis hands them to a :class:`Runner`, which either solves
them here, one after another on the caller's :class:`~govdecide.analyses.sweep.Sweep`, or
splits them into chunks for joblib: worker processes on this machine (loky), or, given a
scheduler address, the workers of a Dask cluster through joblib's Dask backend. Either way
the answers come back in the order asked, so an analysis gives the same figures.

Why it is shaped so:

* Processes, never threads: several HiGHS instances in threads of one process are not
  safe, and PuLP's model building holds the interpreter. Inside a worker HiGHS runs with
  one thread (the engine asks every HiGHS for ``threads=1``), loky caps the numeric
  libraries' threads at one, and a lock lets a worker run one chunk at a time even when a
  Dask worker was started with several threads.
* Chunks, not one task per solve: a worker keeps one sweep (built models) per scenario and
  equity rule, found by a fingerprint of the pickled scenario, and reuses it across its
  chunks and across analyses of the same scenario.
* A worker never lets a task's exception out: it returns it as a record, so that a bad
  task ends the analysis with the project's error (:class:`AnalysisFailed`, or the task's
  own :class:`~govdecide.errors.ScenarioError`) and never tears down the process pool that
  other analyses (other sessions of the app) share. The same goes for :class:`Stop`: a
  request to stop is a file the workers look for before each solve, so stopping one
  analysis leaves the pool alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govdecide.analyses.common import Progress, tick
from govdecide.analyses.equity_rules import EquityRule
from govdecide.analyses.sweep import Sweep
from govdecide.errors import Problem, ScenarioError
from govdecide.io.scenario import Scenario
from govdecide.model.result import Result
from govdecide.model.settings import Settings

SCHEDULER_ENV = "GOVDECIDE_DASK_SCHEDULER"
# Chunks handed out per worker: more give a finer progress bar and a better balance when
# solves differ in length, fewer cost less hand-over (docs/benchmarks.md, "Parallel
# analyses", measures the overhead per chunk).
CHUNKS_PER_WORKER = 4
# With ``jobs`` left to the machine, an analysis of at most this many pair-solves (solves
# times district-program pairs) runs in this process: starting worker processes and
# handing work over costs more than such an analysis (docs/benchmarks.md).
SMALL_WORK = 5_000
CONNECT_TIMEOUT_S = 10.0  # reaching a Dask scheduler
WORKERS_TIMEOUT_S = 30.0  # a cluster that has no worker yet
KEEP_SWEEPS = 2  # sweeps a worker keeps (scenario and rule), the most recently used

TaskFn = Callable[[Sweep, Any], Any]
"""``fn(sweep, task) -> answer``: one solve on a worker's sweep; a module-level function,
so that a worker process can import it by name."""


class AnalysisFailed(ScenarioError):  # noqa: N818 - read as "the analysis failed"
    """A solve of an analysis failed in a worker, or the workers could not be reached.

    Not bad input, but shown the same way (every problem in the user's language), so that
    every caller that shows the project's errors shows this one; the command line gives it
    exit code 3 (no answer), not 1.
    """


class Cancelled(Exception):  # noqa: N818 - an outcome, not a failure
    """The analysis was stopped on request (:class:`Stop`) before all its solves ended."""


class Stop:
    """A request to stop an analysis early, seen by the caller and by its workers.

    The workers look for a file before each solve, so a stop takes effect within one solve
    without ending any process; on a cluster the analysis' pending tasks are cancelled too.
    ``release`` removes the file once the analysis is over.
    """

    def __init__(self) -> None:
        self.path = str(Path(tempfile.gettempdir()) / f"govdecide-stop-{uuid.uuid4().hex}")
        self._event = threading.Event()

    def set(self) -> None:
        """Ask the analysis to stop."""
        self._event.set()
        Path(self.path).touch()

    def is_set(self) -> bool:
        """Whether a stop was asked for."""
        return self._event.is_set()

    def release(self) -> None:
        """Remove the stop file (the analysis has ended)."""
        Path(self.path).unlink(missing_ok=True)


@dataclass(frozen=True)
class Workers:
    """Where an analysis' solves run.

    ``jobs``: solves at once; ``None`` = one per core (or per thread of the cluster), and
    then an analysis too small to gain from processes (:data:`SMALL_WORK`) stays in this
    process; 1 = in this process, one after another; more = always in processes.
    ``scheduler``: a Dask scheduler's address (``tcp://host:8786``); ``None`` reads
    ``GOVDECIDE_DASK_SCHEDULER`` (:meth:`from_env`). ``pool``: the size of this machine's
    process pool when several callers share it (the app: one size for every session, so
    that no session's choice resizes the pool under another's analysis); then only a
    small analysis runs in the calling process, whatever ``jobs`` says.
    """

    jobs: int | None = None
    scheduler: str | None = None
    pool: int | None = None

    def __post_init__(self) -> None:
        """Counts below one cannot be meant (the command line and the app check first)."""
        for value in (self.jobs, self.pool):
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ScenarioError([Problem("jobs", "parallel_jobs", {"got": value})])

    @classmethod
    def from_env(
        cls, jobs: int | None = None, scheduler: str | None = None, pool: int | None = None
    ) -> Workers:
        """Workers with the scheduler from ``GOVDECIDE_DASK_SCHEDULER`` unless given."""
        address = scheduler or os.environ.get(SCHEDULER_ENV, "").strip() or None
        return cls(jobs, address, pool)

    def in_flight(self, available: int) -> int:
        """How many chunks to keep running at once, given ``available`` worker slots."""
        return max(1, min(self.jobs or available, available))

    def local_here(self, pair_solves: int) -> bool:
        """Whether to solve in this process: asked for (one job, no shared pool), or too
        small to gain from processes (``pair_solves`` at most :data:`SMALL_WORK`) when the
        jobs are left to the machine or the pool is shared. More jobs asked for explicitly
        always use processes; a cluster always does the solving."""
        if self.scheduler is not None:
            return False
        if self.jobs == 1 and self.pool is None:
            return True
        if self.jobs is None or self.pool is not None:
            return pair_solves <= SMALL_WORK
        return False


# -- in a worker --------------------------------------------------------------------------

_SWEEPS: OrderedDict[tuple[str, EquityRule], Sweep] = OrderedDict()
_WORKER_LOCK = threading.Lock()  # one chunk at a time per process (HiGHS is not thread-safe)


@dataclass(frozen=True)
class _Failure:
    """A task that raised in a worker: the task's place, and its problems or its text."""

    index: int
    problems: tuple[Problem, ...] | None
    text: str


class _Skipped:
    """A task left unsolved because a stop was asked for."""


def _worker_sweep(token: str, payload: bytes, rule: EquityRule) -> Sweep:
    """This process's sweep for the scenario (by fingerprint) and rule, kept for reuse."""
    key = (token, rule)
    sweep = _SWEEPS.get(key)
    if sweep is None:
        # the bytes are the parent process's own pickle of a validated scenario
        sweep = Sweep(pickle.loads(payload), rule)  # noqa: S301
        _SWEEPS[key] = sweep
        while len(_SWEEPS) > KEEP_SWEEPS:
            _SWEEPS.popitem(last=False)
    else:
        _SWEEPS.move_to_end(key)
    return sweep


def run_chunk(
    token: str,
    payload: bytes,
    rule: EquityRule,
    fn: TaskFn,
    tasks: Sequence[Any],
    first: int,
    stop_path: str,
) -> tuple[int, list[Any], int]:
    """Solve a chunk of tasks on this worker's sweep: (first index, answers, models built).

    A task that raises ends the chunk with a :class:`_Failure` record; after a stop each
    remaining task is a :class:`_Skipped` record.
    """
    with _WORKER_LOCK:
        sweep = _worker_sweep(token, payload, rule)
        built = sweep.models_built
        out: list[Any] = []
        for i, task in enumerate(tasks):
            if os.path.exists(stop_path):
                out.append(_Skipped())
                continue
            try:
                out.append(fn(sweep, task))
            except ScenarioError as exc:
                out.append(_Failure(first + i, tuple(exc.problems), ""))
                break
            except Exception as exc:  # noqa: BLE001 - returned, reported by the caller
                out.append(_Failure(first + i, None, f"{type(exc).__name__}: {exc}"))
                break
        return first, out, sweep.models_built - built


# -- the caller's side --------------------------------------------------------------------


def chunks(count: int, parts: int) -> list[range]:
    """``range(count)`` cut into at most ``parts`` consecutive pieces of near-equal size."""
    parts = max(1, min(parts, count))
    size, extra = divmod(count, parts)
    out, start = [], 0
    for k in range(parts):
        stop = start + size + (1 if k < extra else 0)
        out.append(range(start, stop))
        start = stop
    return [r for r in out if len(r)]


_CLIENTS: dict[str, Any] = {}
_CLIENTS_LOCK = threading.Lock()


def dask_client(address: str) -> Any:
    """A client of the Dask scheduler at ``address``, one per address in this process.

    A scheduler that cannot be reached is bad input (the address, or a cluster not
    started): said in plain words, naming the address.
    """
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(address)
        if client is not None and client.status == "running":
            return client
        from distributed import Client  # only a cluster's user pays for importing it

        try:
            client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError):
            problem = Problem("scheduler", "parallel_scheduler", {"address": address})
            raise ScenarioError([problem]) from None
        _CLIENTS[address] = client
        return client


def close_clients() -> None:
    """Close this process's clients of Dask schedulers (a cluster about to be shut down:
    a client left open would keep trying to reach it)."""
    with _CLIENTS_LOCK:
        for client in _CLIENTS.values():
            client.close()
        _CLIENTS.clear()


@dataclass(frozen=True)
class SolveTask:
    """One solve of a sweep: settings, and the floors on z and E if any."""

    settings: Settings
    floor: float | None = None
    efficiency_floor: float | None = None


def solve_task(sweep: Sweep, task: SolveTask) -> Result:
    """The task function of plain solves (the frontier's points, the curve's budgets)."""
    return sweep.solve(task.settings, task.floor, task.efficiency_floor)


class Runner:
    """Solves an analysis' tasks here or on workers, in order, counting progress.

    ``total`` is the number of solves the analysis expects (its progress bar's end);
    with it and the scenario's size the runner decides whether the analysis is small
    enough to stay in this process (:meth:`Workers.local_here`). ``workers=None`` solves
    here, on ``sweep``, exactly as before there were workers. Use it as a context manager:
    it removes its stop file at the end.
    """

    def __init__(
        self,
        scenario: Scenario,
        sweep: Sweep,
        workers: Workers | None,
        total: int,
        progress: Progress | None = None,
        stop: Stop | None = None,
    ) -> None:
        self.scenario = scenario
        self.sweep = sweep
        self.workers = workers
        self.total = total
        self.progress = progress
        self.stop = stop or Stop()
        self._own_stop = stop is None
        self.done = 0
        self.worker_builds = 0
        self.here = workers is None or workers.local_here(expected_work(scenario, total))
        self._payload: tuple[str, bytes] | None = None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._own_stop:
            self.stop.release()

    @property
    def builds(self) -> int:
        """Models built for the analysis: by the caller's sweep and by the workers."""
        return self.sweep.models_built + self.worker_builds

    def finish(self) -> None:
        """Report the analysis done (some expected solves may have been unnecessary)."""
        tick(self.progress, self.total, self.total)

    def map(self, fn: TaskFn, tasks: Sequence[Any], counted: bool = True) -> list[Any]:
        """``[fn(sweep, task) for task in tasks]``, here or on the workers, in that order.

        ``counted`` solves move the progress bar. Raises :class:`Cancelled` after a stop,
        the task's own :class:`ScenarioError`, or :class:`AnalysisFailed`.
        """
        tasks = list(tasks)
        if not tasks:
            return []
        if self.here:
            out = []
            for task in tasks:
                if self.stop.is_set():
                    raise Cancelled()
                out.append(fn(self.sweep, task))
                self._advance(1, counted)
            return out
        return self._map_on_workers(fn, tasks, counted)

    def _advance(self, solved: int, counted: bool) -> None:
        """Count finished solves and report progress."""
        if counted and solved:
            self.done += solved
            tick(self.progress, min(self.done, self.total), self.total)

    def _scenario_payload(self) -> tuple[str, bytes]:
        """The scenario pickled once, and its fingerprint (what a worker keeps it by)."""
        if self._payload is None:
            data = pickle.dumps(self.scenario, protocol=pickle.HIGHEST_PROTOCOL)
            self._payload = (hashlib.sha256(data).hexdigest(), data)
        return self._payload

    @contextlib.contextmanager
    def _backend(self) -> Iterator[tuple[int, int]]:
        """Inside joblib's configuration for these workers: (worker slots, n_jobs)."""
        import joblib  # only an analysis that uses workers pays for importing it

        w = self.workers
        assert w is not None  # noqa: S101 - only called when not solving here
        if w.scheduler is None:
            size = w.pool or w.jobs or cores()
            with joblib.parallel_config(backend="loky", inner_max_num_threads=1):
                yield size, size
            return
        client = dask_client(w.scheduler)
        if not client.nthreads():
            try:
                client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
            except TimeoutError:
                problem = Problem("", "parallel_no_workers", {"address": w.scheduler})
                raise AnalysisFailed([problem]) from None
        slots = max(1, sum(client.nthreads().values()))
        # the scenario travels with each chunk rather than scattered once: a worker that is
        # lost then costs only its chunks, which the scheduler gives to another worker
        with joblib.parallel_config(
            backend="dask", client=client, wait_for_workers_timeout=WORKERS_TIMEOUT_S
        ):
            yield slots, -1

    def _map_on_workers(self, fn: TaskFn, tasks: list[Any], counted: bool) -> list[Any]:
        """The tasks in chunks on the workers; answers put back in the tasks' order.

        Chunk answers are taken as they finish (so progress counts finished solves). On a
        failure or a stop the stop file tells the other chunks to skip their solves; the
        local pool is drained, never aborted (it may be shared), while a cluster's pending
        tasks are cancelled.
        """
        import joblib

        workers = self.workers
        assert workers is not None  # noqa: S101 - only called when not solving here
        token, payload = self._scenario_payload()
        answers: list[Any] = [None] * len(tasks)
        failures: list[_Failure] = []
        with self._backend() as (slots, n_jobs):
            flight = workers.in_flight(slots)
            calls = (
                joblib.delayed(run_chunk)(
                    token, payload, self.sweep.rule, fn, tasks[r.start : r.stop], r.start,
                    self.stop.path,
                )
                for r in chunks(len(tasks), flight * CHUNKS_PER_WORKER)
            )  # fmt: skip
            parallel = joblib.Parallel(
                n_jobs=n_jobs, pre_dispatch=flight, batch_size=1, return_as="generator_unordered"
            )
            results = parallel(calls)
            try:
                for first, out, built in results:
                    self.worker_builds += built
                    self._take(first, out, answers, failures, counted)
                    if self.stop.is_set() and workers.scheduler is not None:
                        break  # closing the generator cancels the cluster's pending tasks
            except Exception as exc:  # noqa: BLE001 - a worker lost, a cluster gone ...
                detail = f"{type(exc).__name__}: {exc}"
                problem = Problem("", "parallel_worker_lost", {"detail": detail})
                raise AnalysisFailed([problem]) from exc
            finally:
                results.close()
        if failures:
            first_failure = min(failures, key=lambda f: f.index)  # as the serial run would
            if first_failure.problems is not None:
                raise ScenarioError(list(first_failure.problems))
            problem = Problem("", "parallel_task_failed", {"detail": first_failure.text})
            raise AnalysisFailed([problem])
        if self.stop.is_set():
            raise Cancelled()
        return answers

    def _take(
        self,
        first: int,
        out: list[Any],
        answers: list[Any],
        failures: list[_Failure],
        counted: bool,
    ) -> None:
        """Put a chunk's answers in place; a failure asks the other chunks to stop."""
        solved = 0
        for i, answer in enumerate(out):
            if isinstance(answer, _Failure):
                failures.append(answer)
                self.stop.set()
            elif not isinstance(answer, _Skipped):
                answers[first + i] = answer
                solved += 1
        self._advance(solved, counted)


def expected_work(scenario: Scenario, solves: int) -> int:
    """Pair-solves of an analysis (solves times district-program pairs): its size."""
    return solves * len(scenario.districts) * len(scenario.programs)


def cores() -> int:
    """The cores this process may use (joblib's count: affinity and container limits)."""
    import joblib

    return max(1, int(joblib.cpu_count()))
