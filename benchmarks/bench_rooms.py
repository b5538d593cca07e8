"""Workshop-room benchmark (issue 13): N participants submitting at once on Riverton.

Each simulated participant goes through the pages' own code path: take a seat
(``RoomStore.join``), submit an answer (``Seat.submit``, one transaction checked against
the room) and solve their own plan on the server's room solver (``RoomSolver.solve``,
what the Room page shows). They start together (a barrier) on threads of one process,
each with its own connection from the store's pool: the sessions of one server. The
facilitator's live view meanwhile polls its tally as the Workshop page does every few
seconds (``HostRoom.submissions`` + every rule's combination); the tally latency is the
time from the last confirmed submission until a poll returns the full count (the page
adds at most its refresh interval, 3 s, to that). The room's plan is then solved once
(``room plan``), after the participants' own plans (they share the server's solver).

Reported, never asserted; the issue asks for 50 participants within 10 s all stored, and
the facilitator's tally right within 5 s.

    python -m benchmarks.bench_rooms               # 50 participants, SQLite and PostgreSQL
    python -m benchmarks.bench_rooms --participants 200
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import URL

from benchmarks.bench_store import RIVERTON, postgres_schema
from govdecide.io.scenario import load_scenario
from govdecide.rooms import (
    RoomConfig,
    RoomLimits,
    RoomSolver,
    check_config,
    combine_all,
    participant_params,
)
from govdecide.store import Store
from govdecide.store.rooms import RoomStore

POLL_S = 0.05  # the benchmark's facilitator polls often, to time the tally closely


def run(url: URL | str, participants: int, seed: int = 1) -> dict[str, float]:
    """One room of ``participants`` on the database at ``url``; the measured figures."""
    scenario = load_scenario(RIVERTON)
    config = check_config(RoomConfig(programs=tuple(p.id for p in scenario.programs)), scenario)
    rng = random.Random(seed)
    answers = [
        {"priorities": {p: float(rng.randint(0, 10)) or 1.0 for p in config.programs},
         "equity_weight": rng.choice([0.0, 0.2, 0.3, 0.5, 0.8])}
        for _ in range(participants)
    ]  # fmt: skip
    with Store.open(url) as store:
        rooms = RoomStore(store._db, RoomLimits(participants=max(250, participants)))
        ws = store.create_workspace()
        stored = ws.save_scenario(RIVERTON.read_text(encoding="utf-8"), label="riverton.yaml")
        host, _ = rooms.create_room(ws, stored, config)
        code = host.info().code
        solver = RoomSolver(scenario)
        barrier = threading.Barrier(participants + 1)
        done: list[float] = []
        errors: list[BaseException] = []

        def participant(n: int) -> None:
            barrier.wait()
            try:
                seat, _ = rooms.join(code, f"p{n}")
                record = seat.submit(answers[n])
                done.append(time.perf_counter())
                solver.solve(participant_params(scenario, config, record.submission))
            except BaseException as exc:  # noqa: BLE001 - counted and reported
                errors.append(exc)

        threads = [threading.Thread(target=participant, args=(n,)) for n in range(participants)]
        for thread in threads:
            thread.start()
        barrier.wait()
        start = time.perf_counter()
        polls: list[float] = []
        seen_all = None
        while seen_all is None:
            t0 = time.perf_counter()
            records = host.submissions()
            combined = combine_all(scenario, config, [r.submission for r in records])
            polls.append(time.perf_counter() - t0)
            if len(records) == participants:
                seen_all = time.perf_counter()
            elif errors:
                break
            time.sleep(POLL_S)
        for thread in threads:
            thread.join()
        t0 = time.perf_counter()
        solver.solve(combined[host.info().rule].params)
        plan_s = time.perf_counter() - t0
        all_stored = len(host.submissions()) == participants
        last = max(done) if done else start
    return {
        "submitted (s)": last - start,
        "submissions per s": len(done) / max(last - start, 1e-9),
        "tally latency (s)": (seen_all - last) if seen_all else float("nan"),
        "tally poll (ms)": 1000 * sorted(polls)[len(polls) // 2],
        "room plan (ms)": 1000 * plan_s,
        "own plans solved": solver.solves,
        "all stored": float(all_stored and not errors),
        "errors": float(len(errors)),
    }


def main() -> None:
    """Measure both databases and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=50)
    args = parser.parse_args()
    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        rows["SQLite (WAL, full sync)"] = run(url, args.participants)
    with postgres_schema() as pg:
        if pg is not None:
            rows["PostgreSQL (psycopg 3)"] = run(pg, args.participants)
    columns = list(next(iter(rows.values())))
    print(f"{args.participants} participants on Riverton")
    print(f"| database | {' | '.join(columns)} |")
    print("| --- |" + " ---: |" * len(columns))
    for name, figures in rows.items():
        print(f"| {name} | " + " | ".join(f"{figures[c]:.2f}" for c in columns) + " |")


if __name__ == "__main__":
    main()
