"""Alembic's environment for the store: it migrates the connection the store hands over.

Run through :func:`govdecide.store.migrate.migrate` (which opens the transaction and
passes its connection in ``config.attributes``), never with an ``alembic.ini``. On
PostgreSQL the transaction first takes an advisory lock, so that servers starting
together upgrade one after the other.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from govdecide.store.migrate import ADVISORY_LOCK, VERSION_TABLE
from govdecide.store.schema import Base


def run_migrations() -> None:
    """Migrate the handed-over connection inside its transaction."""
    connection = context.config.attributes.get("connection")
    if connection is None or context.is_offline_mode():
        raise RuntimeError("run the store's migrations through govdecide.store.upgrade()")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        transactional_ddl=True,
        render_as_batch=True,  # SQLite alters tables by copying them
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
        context.run_migrations()


run_migrations()
