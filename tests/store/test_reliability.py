"""Many writers at once lose nothing; a killed writer loses nothing it confirmed and
leaves nothing half-written."""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter

from sqlalchemy import URL, create_engine, text

from govdecide.model.settings import Settings
from govdecide.store import Store, content_hash

from .conftest import small_scenario

HASH = content_hash("shared scenario")
WRITERS = 20
EACH = 3


def _write_some(url: URL | str, key: str, writer: int, result) -> None:
    """One writer (a session or a server): its own store, EACH options and decisions."""
    with Store.open(url) as store:
        ws = store.open_workspace(key)
        assert ws is not None
        for n in range(EACH):
            ws.save_option(
                f"w{writer}-{n}",
                scenario_id="riverton",
                scenario_hash=HASH,
                settings=Settings(budget=writer * 100 + n),
                figures={"n": n},
            )
            ws.record_decision(scenario_id="riverton", scenario_hash=HASH,
                               settings=Settings(budget=writer), result=result,
                               note=f"w{writer}-{n}")  # fmt: skip


def _check_nothing_lost(store: Store, key: str) -> None:
    """Every option and decision of every writer is there, numbered 1..N without gaps."""
    ws = store.open_workspace(key)
    assert ws is not None
    expected = {f"w{w}-{n}" for w in range(WRITERS) for n in range(EACH)}
    assert {o.name for o in ws.options()} == expected
    log = ws.decisions()
    assert Counter(d.note for d in log) == Counter(expected)
    assert [d.seq for d in log] == list(range(1, WRITERS * EACH + 1))


def test_twenty_threads_sharing_one_store_lose_nothing(store: Store, result):
    """Twenty sessions of one server (one store, one pool), writing at the same moment."""
    key = store.create_workspace().key
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def session(writer: int) -> None:
        barrier.wait()
        try:
            ws = store.open_workspace(key)
            for n in range(EACH):
                ws.save_option(
                    f"w{writer}-{n}",
                    scenario_id="riverton",
                    scenario_hash=HASH,
                    settings=Settings(budget=n),
                    figures={},
                )
                ws.record_decision(
                    scenario_id="riverton",
                    scenario_hash=HASH,
                    settings=Settings(),
                    result=result,
                    note=f"w{writer}-{n}",
                )
        except BaseException as exc:  # collected for the assert below
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    _check_nothing_lost(store, key)


def test_twenty_processes_with_their_own_stores_lose_nothing(store: Store, db_url: URL, result):
    """Twenty server processes, each with its own engine, on one database."""
    key = store.create_workspace().key
    context = multiprocessing.get_context("fork")
    url = db_url.render_as_string(hide_password=False)
    processes = [
        context.Process(target=_write_some, args=(url, key, w, result)) for w in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * WRITERS
    _check_nothing_lost(store, key)


def _save_until_killed(url: str, key: str, backup: str, confirmed) -> None:
    """Save options and import whole workspaces, reporting each one once it returned."""
    with Store.open(url) as store:
        ws = store.open_workspace(key)
        n = 0
        while True:
            ws.save_option(f"o{n}", scenario_id="riverton", scenario_hash=HASH,
                           settings=Settings(budget=n), figures={})  # fmt: skip
            confirmed.put(("option", f"o{n}"))
            confirmed.put(("workspace", store.import_workspace(backup).key))
            n += 1


def test_a_killed_writer_loses_nothing_confirmed_and_leaves_nothing_half_written(
    store: Store, db_url: URL, result
):
    """SIGKILL a process in the middle of its writes: every option it confirmed is there,
    every imported workspace it confirmed opens whole, and no workspace in the database
    is partly imported (each has all 40 options and 40 decisions of the backup, or is
    not there at all)."""
    source = store.create_workspace()
    sc = source.save_scenario(small_scenario())
    for n in range(40):
        source.save_option(
            f"b{n}",
            scenario_id=sc.id,
            scenario_hash=sc.sha256,
            settings=Settings(budget=n),
            figures={},
        )
        source.record_decision(
            scenario_id=sc.id,
            scenario_hash=sc.sha256,
            settings=Settings(),
            result=result,
            note=str(n),
        )
    backup = source.export_json()
    ws = store.create_workspace()
    context = multiprocessing.get_context("fork")
    confirmed = context.Queue()
    url = db_url.render_as_string(hide_password=False)
    child = context.Process(target=_save_until_killed, args=(url, ws.key, backup, confirmed))
    child.start()
    seen: list[tuple[str, str]] = []
    while sum(kind == "workspace" for kind, _ in seen) < 4:
        seen.append(confirmed.get(timeout=120))
    child.kill()
    child.join()
    assert child.exitcode == -9
    options = {o.name for o in ws.options()}
    assert {name for kind, name in seen if kind == "option"} <= options
    for kind, key in seen:
        if kind == "workspace":
            restored = store.open_workspace(key)
            assert len(restored.options()) == 40 and len(restored.decisions()) == 40
    _assert_no_partial_workspace(db_url, live_options=len(options))


def _assert_no_partial_workspace(db_url: URL, live_options: int) -> None:
    """Straight from the tables: every workspace has the backup's 40 options and 40
    decisions (the source and each import), but the one the child saved options into."""
    engine = create_engine(db_url)
    with engine.connect() as connection:
        if db_url.get_backend_name() == "sqlite":
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        counts = connection.execute(text(
            "SELECT w.id, COUNT(DISTINCT o.id), COUNT(DISTINCT d.id) FROM workspaces w "
            "LEFT JOIN saved_options o ON o.workspace_id = w.id "
            "LEFT JOIN decisions d ON d.workspace_id = w.id GROUP BY w.id"
        )).all()  # fmt: skip
    engine.dispose()
    whole = [(o, d) for _, o, d in counts if (o, d) == (40, 40)]
    others = [(o, d) for _, o, d in counts if (o, d) != (40, 40)]
    assert len(whole) >= 1 + 4 and others == [(live_options, 0)], counts
