"""Analyses in worker processes (joblib, loky): the same figures as the serial run, in the
same order, and a bad task, a lost worker or a stop ends the analysis in plain words.

The serial run is the reference: ``workers=None`` solves one task after another on one
sweep, exactly as the analyses did before there were workers. Each parallel test runs the
same analysis with two worker processes and compares every figure and allocation.
"""

from __future__ import annotations

import os

import pytest

from govdecide import analyses as an
from govdecide.analyses import parallel
from govdecide.analyses.parallel import (
    SMALL_WORK,
    AnalysisFailed,
    Cancelled,
    Runner,
    Stop,
    Workers,
    chunks,
)
from govdecide.errors import ScenarioError
from govdecide.io.scenario import load_scenario
from govdecide.model.formulation import AllocationModel
from govdecide.model.problem import problem_data
from govdecide.model.settings import Settings
from tests.conftest import SCENARIOS

pytestmark = pytest.mark.timeout(300)  # a hang fails the test instead of the suite

RIVERTON = load_scenario(SCENARIOS / "riverton.yaml")
TWO = Workers(jobs=2)
VOLATILE = {"seconds", "models_built"}  # clocks, and builds (they depend on the chunks)


def plain(data: dict) -> dict:
    """An analysis' plain data without what depends on the clock or on the chunking."""
    return {k: v for k, v in data.items() if k not in VOLATILE}


def same_points(a: object, b: object) -> None:
    """Two frontiers or budget curves have the same figures and allocations, in order."""
    assert plain(a.to_dict()) == plain(b.to_dict())
    assert a.frame().equals(b.frame())
    for p, q in zip(a.points, b.points, strict=True):
        assert p.result.allocation.equals(q.result.allocation)
        assert p.result.districts.equals(q.result.districts)


# -- task functions run in the workers (module level, so a worker imports them by name) --


def explode_at_two(sweep: an.Sweep, task: int) -> int:
    """A bad task: the third one raises."""
    if task == 2:
        raise RuntimeError("boom at task 2")
    return task


def leave_process(sweep: an.Sweep, task: int) -> int:
    """A worker that dies mid-chunk (as one killed by the system would)."""
    os._exit(3)


def highs_threads(sweep: an.Sweep, task: int) -> tuple[object, str | None]:
    """Solve the scenario in this worker and read HiGHS's own thread option back."""
    model = AllocationModel(problem_data(sweep.scenario))
    model.solve("highs", time_limit_s=30, gap=1e-4)
    status, threads = model.handover.copy.highs.getOptionValue("threads")
    return threads, os.environ.get("OMP_NUM_THREADS")


# -- pure parts -------------------------------------------------------------------------


def test_chunks_cut_the_tasks_into_consecutive_near_equal_pieces():
    """10 tasks in 4 pieces: 3, 3, 2, 2 (the first pieces take the remainder); never more
    pieces than tasks, and no task when there is none."""
    assert chunks(10, 4) == [range(0, 3), range(3, 6), range(6, 8), range(8, 10)]
    assert chunks(2, 8) == [range(0, 1), range(1, 2)]
    assert chunks(0, 3) == []


def test_where_an_analysis_runs():
    """One job without a shared pool: here. Jobs left to the machine, or a shared pool (the
    app): here only when small (at most SMALL_WORK pair-solves). Two jobs asked for, or a
    cluster: never here."""
    assert Workers(jobs=1).local_here(10**9)
    assert not Workers(jobs=2).local_here(1)
    assert Workers().local_here(SMALL_WORK) and not Workers().local_here(SMALL_WORK + 1)
    assert Workers(jobs=1, pool=2).local_here(1)
    assert not Workers(jobs=1, pool=2).local_here(SMALL_WORK + 1)
    assert Workers(jobs=2, pool=2).local_here(SMALL_WORK)
    assert not Workers(scheduler="tcp://127.0.0.1:8786").local_here(1)
    assert Workers(jobs=3).in_flight(2) == 2 and Workers().in_flight(5) == 5


def test_a_job_count_below_one_is_refused_in_plain_words():
    with pytest.raises(ScenarioError) as caught:
        Workers(jobs=0)
    assert caught.value.messages("en") == ["jobs: must be a whole number of at least 1, got 0"]
    assert "不小于 1" in caught.value.messages("zh")[0]


def test_the_scheduler_comes_from_the_environment_unless_given(monkeypatch):
    monkeypatch.setenv(parallel.SCHEDULER_ENV, "tcp://10.0.0.5:8786")
    assert Workers.from_env().scheduler == "tcp://10.0.0.5:8786"
    assert Workers.from_env(scheduler="tcp://other:1").scheduler == "tcp://other:1"
    monkeypatch.setenv(parallel.SCHEDULER_ENV, " ")
    assert Workers.from_env(jobs=2) == Workers(jobs=2)


def test_a_stop_asked_before_a_serial_solve_ends_it():
    stop = Stop()
    stop.set()
    with pytest.raises(Cancelled):
        an.budget_curve(RIVERTON, Settings(), points=3, stop=stop)
    stop.release()
    assert not os.path.exists(stop.path)


# -- in worker processes ----------------------------------------------------------------


def test_parallel_robustness_equals_serial_and_counts_every_run():
    """Run k draws the same need however it is solved: the tables are equal exactly, and
    progress counts finished runs up to 8 of 8."""
    serial = an.robustness(RIVERTON, Settings(), spread=0.2, runs=8, seed=3)
    calls: list[tuple[int, int]] = []
    par = an.robustness(
        RIVERTON, Settings(), spread=0.2, runs=8, seed=3, workers=TWO,
        progress=lambda d, n: calls.append((d, n)),
    )  # fmt: skip
    assert plain(par.to_dict()) == plain(serial.to_dict())
    assert par.pairs.equals(serial.pairs) and par.districts.equals(serial.districts)
    assert par.base.allocation.equals(serial.base.allocation)
    done = [d for d, _ in calls]
    assert done == sorted(done) and calls[-1] == (8, 8)


def test_parallel_frontier_equals_serial():
    serial = an.frontier(RIVERTON, Settings(), points=5)
    calls: list[tuple[int, int]] = []
    par = an.frontier(
        RIVERTON, Settings(), points=5, workers=TWO, progress=lambda d, n: calls.append((d, n))
    )
    same_points(serial, par)
    assert par.current.allocation.equals(serial.current.allocation)
    assert calls[-1] == (8, 8)


def test_parallel_budget_curve_equals_serial():
    serial = an.budget_curve(RIVERTON, Settings(equity_weight=0.4), points=5)
    par = an.budget_curve(RIVERTON, Settings(equity_weight=0.4), points=5, workers=TWO)
    same_points(serial, par)


def test_highs_runs_with_one_thread_in_a_worker():
    """The engine asks HiGHS for one thread, and loky caps the numeric libraries' too."""
    with Runner(RIVERTON, an.Sweep(RIVERTON), TWO, 1) as run:
        (answer,) = run.map(highs_threads, [0])
    assert answer == (1, "1")


def test_a_bad_setting_in_a_worker_is_the_same_error_as_in_the_serial_run():
    """A negative budget on the grid is bad input: the worker's ScenarioError comes back
    with its problems, said as the serial run says it."""
    with pytest.raises(ScenarioError) as serial:
        an.budget_curve(RIVERTON, Settings(), budgets=[-5.0, 1000.0, 2000.0])
    with pytest.raises(ScenarioError) as par:
        an.budget_curve(RIVERTON, Settings(), budgets=[-5.0, 1000.0, 2000.0], workers=TWO)
    assert not isinstance(par.value, AnalysisFailed)
    assert par.value.messages("zh") == serial.value.messages("zh")


def test_a_failing_task_ends_the_analysis_with_a_clear_message():
    with pytest.raises(AnalysisFailed) as caught:
        with Runner(RIVERTON, an.Sweep(RIVERTON), TWO, 6) as run:
            run.map(explode_at_two, list(range(6)))
    message = caught.value.messages("en")[0]
    assert "a solve of the analysis failed in a worker process" in message
    assert "RuntimeError: boom at task 2" in message


def test_a_stop_ends_a_parallel_analysis_and_the_pool_still_works():
    """The first finished chunk asks for a stop: the analysis ends with Cancelled, the
    workers skip what is left, and the next analysis on the same pool gives its figures."""
    stop = Stop()

    def ask_stop(done: int, total: int) -> None:
        stop.set()

    with pytest.raises(Cancelled):
        an.robustness(
            RIVERTON, Settings(), runs=16, seed=1, workers=TWO, progress=ask_stop, stop=stop
        )
    stop.release()
    again = an.robustness(RIVERTON, Settings(), runs=4, seed=1, workers=TWO)
    assert again.solved == 4


def test_a_lost_worker_process_is_reported_not_hung():
    """A worker that dies (killed, out of memory) ends the analysis with the project's
    error. (Last in this file: the pool is started again by the next user.)"""
    with pytest.raises(AnalysisFailed) as caught:
        with Runner(RIVERTON, an.Sweep(RIVERTON), TWO, 2) as run:
            run.map(leave_process, [0, 1])
    assert "a worker process stopped before its solves were done" in caught.value.messages()[0]
