"""Analyses on a Dask cluster (``distributed.LocalCluster``: two worker processes with one
thread each, as the README tells a cluster to be started): the serial run's figures, and a
bad task or an unreachable scheduler said in plain words, never a hang."""

from __future__ import annotations

import logging

import pytest
from distributed import LocalCluster

from govdecide import analyses as an
from govdecide.analyses import parallel
from govdecide.analyses.parallel import AnalysisFailed, Cancelled, Runner, Stop, Workers
from govdecide.errors import ScenarioError
from govdecide.io.scenario import load_scenario
from govdecide.model.settings import Settings
from tests.analyses.test_parallel import RIVERTON, explode_at_two, plain, same_points
from tests.conftest import SCENARIOS

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def address():
    """A local cluster for this module's tests, closed after them."""
    with LocalCluster(
        processes=True,
        n_workers=2,
        threads_per_worker=1,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        yield cluster.scheduler_address
        parallel.close_clients()


def test_on_a_cluster_the_analyses_give_the_serial_figures(address, monkeypatch):
    """Robustness, frontier and budget curve through joblib's Dask backend, the scheduler
    named by GOVDECIDE_DASK_SCHEDULER as a user would."""
    monkeypatch.setenv(parallel.SCHEDULER_ENV, address)
    cluster = Workers.from_env()
    beijing = load_scenario(SCENARIOS / "beijing.yaml")

    serial = an.robustness(RIVERTON, Settings(), spread=0.2, runs=6, seed=5)
    par = an.robustness(RIVERTON, Settings(), spread=0.2, runs=6, seed=5, workers=cluster)
    assert plain(par.to_dict()) == plain(serial.to_dict())
    assert par.pairs.equals(serial.pairs)

    same_points(
        an.frontier(beijing, Settings(), points=4),
        an.frontier(beijing, Settings(), points=4, workers=cluster),
    )
    same_points(
        an.budget_curve(RIVERTON, Settings(), points=4),
        an.budget_curve(RIVERTON, Settings(), points=4, workers=cluster),
    )


def test_a_failing_task_on_the_cluster_is_a_clear_message(address):
    with pytest.raises(AnalysisFailed) as caught:
        with Runner(RIVERTON, an.Sweep(RIVERTON), Workers(scheduler=address), 5) as run:
            run.map(explode_at_two, list(range(5)))
    assert "RuntimeError: boom at task 2" in caught.value.messages("en")[0]


def test_a_stop_cancels_the_cluster_tasks_and_the_cluster_carries_on(address):
    stop = Stop()
    with pytest.raises(Cancelled):
        an.robustness(
            RIVERTON, Settings(), runs=12, seed=2, workers=Workers(scheduler=address),
            progress=lambda done, total: stop.set(), stop=stop,
        )  # fmt: skip
    stop.release()
    again = an.budget_curve(RIVERTON, Settings(), points=3, workers=Workers(scheduler=address))
    assert all(p.status == "optimal" for p in again.points)


def test_an_unreachable_scheduler_is_bad_input_naming_the_address(monkeypatch):
    """Nothing listens on port 9 of this machine: the error names the address."""
    monkeypatch.setattr(parallel, "CONNECT_TIMEOUT_S", 2.0)
    with pytest.raises(ScenarioError) as caught:
        an.budget_curve(
            RIVERTON, Settings(), points=3, workers=Workers(scheduler="tcp://127.0.0.1:9")
        )
    message = caught.value.messages("en")[0]
    assert message.startswith("scheduler: no Dask scheduler answers at tcp://127.0.0.1:9")
