"""The schema comes from Alembic's migrations in the package, from an empty database."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import URL, create_engine, inspect, text

from govdecide.store import Store, StoreUnavailable, head_revision, upgrade
from govdecide.store.migrate import VERSION_TABLE
from govdecide.store.schema import Base

TABLES = {"workspaces", "scenarios", "saved_options", "decisions", VERSION_TABLE}
MAP_TABLES = {"maps"}  # 0003 (issue 16)
STORY_TABLES = {"stories", "story_steps", "story_presentations"}  # 0004 (issue 17)
ROOM_TABLES = {"rooms", "room_rounds", "room_seats", "room_submissions"}  # 0002 (issue 13)


def test_upgrade_from_empty_creates_the_tables_at_the_head(db_url: URL):
    assert upgrade(db_url) == head_revision() == "0004"
    engine = create_engine(db_url)
    try:
        expected = TABLES | MAP_TABLES | STORY_TABLES | ROOM_TABLES
        assert set(inspect(engine).get_table_names()) >= expected
        with engine.connect() as connection:
            version = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
            assert version.scalars().all() == [head_revision()]
    finally:
        engine.dispose()


def test_the_migrated_schema_is_the_models_schema(db_url: URL):
    """What the migration made and what the models declare do not differ (autogenerate
    finds nothing to add, drop or change)."""
    upgrade(db_url)
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"version_table": VERSION_TABLE, "compare_type": True}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_upgrading_again_changes_nothing(db_url: URL):
    with Store.open(db_url) as store:
        key = store.create_workspace().key
    assert upgrade(db_url) == head_revision()
    with Store.open(db_url) as store:
        assert store.open_workspace(key) is not None


def test_servers_starting_together_on_an_empty_database_all_open_it(db_url: URL):
    """Eight stores opened at once on a fresh database: one creates the tables, the others
    wait for it (a write lock on SQLite, an advisory lock on PostgreSQL) and find them."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        try:
            with Store.open(db_url) as store:
                store.create_workspace()
        except BaseException as exc:  # collected for the assert below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_a_database_from_a_newer_version_is_left_alone(db_url: URL):
    """A revision this version does not know: StoreUnavailable, nothing touched."""
    upgrade(db_url)
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreUnavailable) as exc:
        Store.open(db_url)
    assert exc.value.reason == "schema"
    assert "db upgrade" in exc.value.message("en")
