"""Store benchmark (issue 12): saving an option and listing 500 options, on SQLite and
PostgreSQL. Reported, never asserted; the issue asks for well under 50 ms each.

Each figure is the median of repeated runs (each save a new option of one workspace, one
transaction with its fsync; each listing reads 500 options and rebuilds their Settings).
SQLite is a file in a temporary folder; PostgreSQL is the server at
``GOVDECIDE_TEST_POSTGRES_URL`` (default: the test database .ci/run creates), in a schema
of its own that is dropped afterwards, or left out when no server answers.

    python -m benchmarks.bench_store                 # 200 saves, 30 listings per database
    python -m benchmarks.bench_store --repeats 50
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import URL, create_engine, make_url, text

from govdecide import Settings, load_scenario, solve
from govdecide.model.result import Result
from govdecide.store import Store, content_hash, headline_figures

ROOT = Path(__file__).resolve().parents[1]
RIVERTON = ROOT / "scenarios" / "riverton.yaml"
DEFAULT_PG = "postgresql+psycopg://govdecide:govdecide@localhost/govdecide_test"
OPTIONS = 500


def median_ms(run: Callable[[], object], repeats: int) -> float:
    """The median wall time of ``run`` in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


@contextmanager
def postgres_schema() -> Iterator[URL | None]:
    """A fresh schema on the test server (None when no server answers)."""
    server = make_url(os.environ.get("GOVDECIDE_TEST_POSTGRES_URL") or DEFAULT_PG)
    admin = create_engine(server, connect_args={"connect_timeout": 3})
    schema = f"bench_{secrets.token_hex(4)}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - no server: the row is left out
        print(f"PostgreSQL left out: {str(exc).splitlines()[0]}")
        admin.dispose()
        yield None
        return
    try:
        yield server.update_query_dict({"options": f"-csearch_path={schema}"})
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def measure(url: URL | str, result: Result, repeats: int) -> dict[str, float]:
    """Median milliseconds of each operation on the database at ``url``."""
    settings = Settings(budget=6000, equity_weight=0.3)
    figures = headline_figures(result)
    sha = content_hash(RIVERTON.read_text(encoding="utf-8"))
    with Store.open(url) as store:
        ws = store.create_workspace()
        count = iter(range(10**9))

        def save() -> None:
            ws.save_option(f"option {next(count)}", scenario_id="riverton",
                           scenario_hash=sha, settings=settings, figures=figures)  # fmt: skip

        out = {"save an option": median_ms(save, repeats)}
        full = store.create_workspace()
        for n in range(OPTIONS):
            full.save_option(f"option {n}", scenario_id="riverton", scenario_hash=sha,
                             settings=settings.with_(budget=n), figures=figures)  # fmt: skip
        assert len(full.options()) == OPTIONS
        out[f"list {OPTIONS} options"] = median_ms(full.options, max(10, repeats // 6))

        def record() -> None:
            ws.record_decision(scenario_id="riverton", scenario_hash=sha,
                               settings=settings, result=result, note="bench")  # fmt: skip

        out["record a decision"] = median_ms(record, repeats)
        out["open a workspace by key"] = median_ms(lambda: store.open_workspace(ws.key), repeats)
    return out


def main() -> None:
    """Measure both databases and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    result = solve(load_scenario(RIVERTON), Settings(budget=6000))
    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        rows["SQLite (WAL, full sync)"] = measure(
            f"sqlite:///{Path(folder) / 'bench.sqlite3'}", result, args.repeats
        )
    with postgres_schema() as pg:
        if pg is not None:
            rows["PostgreSQL (psycopg 3)"] = measure(pg, result, args.repeats)
    operations = list(next(iter(rows.values())))
    print(f"| database | {' | '.join(operations)} |")
    print("| --- |" + " ---: |" * len(operations))
    for name, figures in rows.items():
        print(f"| {name} | " + " | ".join(f"{figures[op]:.1f} ms" for op in operations) + " |")
    print(f"(median of {args.repeats} runs; listing: of {max(10, args.repeats // 6)})")


if __name__ == "__main__":
    main()
