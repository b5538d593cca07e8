"""Parallel analyses benchmark (issue 15): robustness serial, on every core (joblib, loky
worker processes) and on a two-worker local Dask cluster; the hand-over's cost per task.

Cases: 50 robustness runs on the bundled 300-district region (``scenarios/region_300.yaml``)
and 1,000 on Riverton, each serial (this process), with 2..cores worker processes, and on
``distributed.LocalCluster(n_workers=2, threads_per_worker=1)``. The pool and the cluster
are started and warmed before a case is timed (as in the app, where the pool outlives
an analysis); what starting them costs is measured on its own, as the command line pays
it once per command. Every parallel run is checked to give the serial run's tables.

The overhead rows time chunks of a task that does nothing, so what they measure is the
hand-over alone: pickling the chunk and the scenario, the round trip, joblib's and the
scheduler's book-keeping. The small-analysis rows are why ``SMALL_WORK`` is where it is.

    python -m benchmarks.bench_parallel            # all cases, 3 trials each (long)
    python -m benchmarks.bench_parallel --quick --repeat 1   # 10 and 100 runs: a smoke test
    python -m benchmarks.bench_parallel --write    # also refresh docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from collections.abc import Callable
from typing import Any

from benchmarks.common import command_line, machine, median, secs, stamp, timed, write_section
from benchmarks.instances import ROOT
from govdecide import Settings, load_scenario
from govdecide import analyses as an
from govdecide.analyses.parallel import (
    SMALL_WORK,
    Runner,
    close_clients,
    cores,
    expected_work,
)
from govdecide.io.scenario import Scenario

SCENARIOS = ROOT / "scenarios"


def noop(sweep: an.Sweep, task: int) -> int:
    """A task that does nothing (the overhead rows time the hand-over alone)."""
    return task


def shut_down_pool() -> None:
    """End loky's worker processes, so that the next use starts them again (cold)."""
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True, kill_workers=True)


def warm(scenario: Scenario, workers: an.Workers) -> float:
    """Start (or reach) the workers and give each the scenario; the seconds it took."""
    start = time.perf_counter()
    with Runner(scenario, an.Sweep(scenario), workers, 8) as run:
        run.map(noop, list(range(8)))
    return time.perf_counter() - start


def same_tables(a: an.Robustness, b: an.Robustness) -> bool:
    """The parallel run's tables are the serial run's, exactly."""
    return (
        a.pairs.equals(b.pairs)
        and a.districts.equals(b.districts)
        and a.statuses == b.statuses
        and a.efficiency == b.efficiency
        and a.equity == b.equity
    )


def cpu_seconds() -> float:
    """CPU seconds (user + system) used so far by this process and every process under it
    (loky's workers, the local cluster's): what the solves cost, whatever the load."""
    import psutil

    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.NoSuchProcess:
            continue
    return total


def measured(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """``fn``'s value, wall seconds and CPU seconds (all processes of this benchmark)."""
    before = cpu_seconds()
    value, wall = timed(fn)
    return value, wall, cpu_seconds() - before


def robustness_rows(
    label: str,
    scenario: Scenario,
    runs: int,
    engines: list[tuple[str, an.Workers]],
    repeat: int,
) -> list[list[str]]:
    """One row per engine, over ``repeat`` trials taken in turn (serial, then each engine,
    then serial again ...), so that a burst of other work on the machine falls on every
    engine alike: median wall and CPU time, and the median (lowest, highest) of each
    trial's speed-up over that trial's serial run."""
    settings = Settings()
    wall: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    same: dict[str, bool] = {}
    for _ in range(repeat):
        serial, s_wall, s_cpu = measured(
            lambda: an.robustness(scenario, settings, runs=runs, seed=1)
        )
        wall.setdefault("serial", []).append(s_wall)
        cpu.setdefault("serial", []).append(s_cpu)
        for name, workers in engines:
            warm(scenario, workers)
            rob, w_wall, w_cpu = measured(
                lambda w=workers: an.robustness(scenario, settings, runs=runs, seed=1, workers=w)
            )
            wall.setdefault(name, []).append(w_wall)
            cpu.setdefault(name, []).append(w_cpu)
            same[name] = same.get(name, True) and same_tables(serial, rob)
            print(label, name, f"{w_wall:.1f} s against serial {s_wall:.1f} s", flush=True)
    pairs = str(len(scenario.districts) * len(scenario.programs))
    rows = [[label, pairs, str(runs), "serial (this process)", "1", secs(median(wall["serial"])),
             "1.00", secs(median(cpu["serial"])), "reference"]]  # fmt: skip
    for name, workers in engines:
        ups = [s / w for s, w in zip(wall["serial"], wall[name])]
        spread = f"{median(ups):.2f} ({min(ups):.2f}–{max(ups):.2f})"
        rows.append(
            [label, pairs, str(runs), name, str(workers.jobs or 2), secs(median(wall[name])),
             spread, secs(median(cpu[name])), "yes" if same[name] else "NO"]
        )  # fmt: skip
    return rows


def overhead_rows(scenario: Scenario, engines: list[tuple[str, an.Workers]]) -> list[list[str]]:
    """Per engine: ms per chunk of one no-op task, and per task in chunks of many."""
    rows = []
    for name, workers in engines:
        warm(scenario, workers)
        sweep = an.Sweep(scenario)
        with Runner(scenario, sweep, workers, 8) as run:
            _, one = timed(lambda r=run: r.map(noop, list(range(8))))  # 8 chunks of 1
        with Runner(scenario, sweep, workers, 2000) as run:
            _, many = timed(lambda r=run: r.map(noop, list(range(2000))))  # 8 chunks of 250
        rows.append([name, f"{one / 8 * 1000:.1f}", f"{many / 2000 * 1000:.3f}"])
        print(rows[-1], flush=True)
    return rows


def small_rows(scenario: Scenario) -> list[list[str]]:
    """Riverton's frontier and 100 runs: serial, 2 processes warm, 2 processes cold."""
    two = an.Workers(jobs=2)
    cases: list[tuple[str, int, Callable[[an.Workers | None], Any]]] = [
        ("frontier, 20 points", 23, lambda w: an.frontier(scenario, Settings(), 20, workers=w)),
        ("robustness, 100 runs", 100,
         lambda w: an.robustness(scenario, Settings(), runs=100, workers=w)),
    ]  # fmt: skip
    rows = []
    for label, solves, fn in cases:
        _, serial = timed(lambda f=fn: f(None))
        warm(scenario, two)
        _, hot = timed(lambda f=fn: f(two))
        shut_down_pool()
        _, cold = timed(lambda f=fn: f(two))
        work = expected_work(scenario, solves)
        rows.append([label, f"{work:,}", secs(serial), secs(hot), secs(cold)])
        print(rows[-1], flush=True)
    return rows


def table(header: list[str], rows: list[list[str]]) -> str:
    """A markdown table."""
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(out + ["| " + " | ".join(r) + " |" for r in rows])


def start_cluster() -> tuple[Any, float]:
    """A two-worker local Dask cluster (processes, one thread each) and its start time."""
    from distributed import LocalCluster

    start = time.perf_counter()
    cluster = LocalCluster(
        processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None,
        silence_logs=logging.ERROR,
    )  # fmt: skip
    return cluster, time.perf_counter() - start


def run_all(region_runs: int, city_runs: int, repeat: int) -> dict[str, Any]:
    """Every measurement, as table rows and single figures."""
    region = load_scenario(SCENARIOS / "region_300.yaml")
    city = load_scenario(SCENARIOS / "riverton.yaml")
    load_before = os.getloadavg()
    shut_down_pool()
    cold_pool = warm(city, an.Workers(jobs=cores()))
    cluster, cluster_s = start_cluster()
    try:
        dask = an.Workers(scheduler=cluster.scheduler_address)
        engines = [(f"{n} worker processes (joblib, loky)", an.Workers(jobs=n))
                   for n in range(2, cores() + 1)]  # fmt: skip
        engines.append(("local Dask cluster, 2 workers x 1 thread", dask))
        rows = robustness_rows("300-district region", region, region_runs, engines, repeat)
        rows += robustness_rows("Riverton", city, city_runs, engines, repeat)
        overhead = overhead_rows(region, engines)
    finally:
        close_clients()
        cluster.close()
    small = small_rows(city)
    return {
        "rows": rows, "overhead": overhead, "small": small, "cold_pool": cold_pool,
        "cluster_s": cluster_s, "load": (load_before, os.getloadavg()), "repeat": repeat,
    }  # fmt: skip


def body(found: dict[str, Any]) -> str:
    """The markdown section."""
    (b1, b5, b15), (a1, a5, a15) = found["load"]
    header = ["scenario", "pairs", "runs", "engine", "processes", "median wall s",
              "speed-up, median (range)", "median CPU s", "same tables as serial"]  # fmt: skip
    return "\n".join(
        [
            "## Parallel analyses (issue 15)",
            "",
            f"Run {stamp()} with `{command_line('benchmarks.bench_parallel')}`; {machine()}.",
            f"Load average (1, 5, 15 min) {b1:.1f}, {b5:.1f}, {b15:.1f} at the start and "
            f"{a1:.1f}, {a5:.1f}, {a15:.1f} at the end: the 2 cores were shared with other "
            "engineers' work, so a speed-up here is what was left to this run, not the "
            "machine's best.",
            "",
            f"Robustness at ±10%, seed 1, the scenario's own settings, {found['repeat']} "
            "trials per case taken in turn (serial, each parallel engine, serial again ...). "
            "The pool and the cluster were started and warmed first; a trial's speed-up is "
            "its serial wall time over its parallel wall time; CPU s is what the solving "
            "processes used (this one and every worker), which the load changes less than "
            "the wall time:",
            "",
            table(header, found["rows"]),
            "",
            f"Starting the pool (2 processes importing the library, first chunk each): "
            f"{secs(found['cold_pool'])} s; starting the local cluster: "
            f"{secs(found['cluster_s'])} s.",
            "",
            "Hand-over cost per task (no-op tasks on the 300-district region, warm workers): "
            "a chunk of one task, and a task within chunks of 250:",
            "",
            table(["engine", "ms per chunk", "ms per task in chunks"], found["overhead"]),
            "",
            f"Small analyses on Riverton (`SMALL_WORK` = {SMALL_WORK:,} pair-solves: an "
            "analysis of at most that much work, with jobs left to the machine, stays in the "
            "calling process):",
            "",
            table(
                [
                    "analysis",
                    "pair-solves",
                    "serial s",
                    "2 processes, warm s",
                    "2 processes, cold s",
                ],
                found["small"],
            ),  # fmt: skip
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (optionally write) its markdown section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 and 100 runs")
    parser.add_argument("--repeat", type=int, default=3, help="trials per case (in turn)")
    parser.add_argument("--write", action="store_true", help="refresh docs/benchmarks.md")
    args = parser.parse_args(argv)
    region_runs, city_runs = (10, 100) if args.quick else (50, 1000)
    text = body(run_all(region_runs, city_runs, max(1, args.repeat)))
    print(text)
    if args.write:
        write_section("bench_parallel", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
