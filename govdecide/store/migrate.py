"""Bring a database's schema up to date with Alembic, from inside the package.

The migration scripts live in ``govdecide/store/migrations/`` (no ``alembic.ini`` at the
repository root: the configuration is built here). They run on every
:meth:`govdecide.store.Store.open` and from :func:`upgrade`, which ``python -m govdecide
db upgrade`` calls. Two servers starting at once on a fresh database must not both
create the tables: the whole upgrade is one transaction, taken for writing on SQLite
(``BEGIN IMMEDIATE``) and under a transaction-scoped advisory lock on PostgreSQL, so the
second waits, then finds the schema at its head and does nothing. Within one process a
lock is held too: Alembic keeps its running context in module globals, so two threads
migrating at once would run each other's steps on each other's connections.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import URL, Connection, Engine

from govdecide.store.database import (
    StoreUnavailable,
    database_url,
    make_engine,
    unavailable_on_failure,
    writer,
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "govdecide_alembic_version"  # not alembic's default: the database may be shared
ADVISORY_LOCK = 0x60DEC1DE  # PostgreSQL: one upgrade at a time, across servers
_IN_PROCESS = threading.Lock()  # and one at a time in this process (Alembic's globals)


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration pointing at the package's scripts (and a connection)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this version of govdecide knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (None for an empty database)."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def migrate(engine: Engine) -> str:
    """Upgrade the database behind ``engine`` to the head revision and return it.

    A database written by a newer govdecide (a revision this one does not know) raises
    :class:`StoreUnavailable` rather than being touched.
    """
    with _IN_PROCESS, unavailable_on_failure(), writer(engine).begin() as connection:
        try:
            command.upgrade(alembic_config(connection), "head")
        except CommandError as exc:
            raise StoreUnavailable("schema", str(exc).splitlines()[0]) from exc
        return current_revision(connection) or head_revision()


def upgrade(url: str | URL | None = None) -> str:
    """Upgrade the database at ``url`` (default: as :func:`database_url` chooses) to the
    newest schema; return its revision. What ``python -m govdecide db upgrade`` runs."""
    engine = make_engine(database_url(url))
    try:
        return migrate(engine)
    finally:
        engine.dispose()
