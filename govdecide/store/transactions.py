"""One transaction per write, retried when a concurrent writer took the same number.

Every change the store makes runs as one function inside ``with session.begin():``: it
commits whole or not at all, so a server killed in the middle of a save leaves nothing
half-written, and what was confirmed (the call returned) is on disk. Writes to one
workspace are serialised: on PostgreSQL by locking the workspace's row (``SELECT ... FOR
UPDATE``), on SQLite by the database's single writer (``BEGIN IMMEDIATE``). The unique
constraints stay the last word; a write that still collides with another (an
``IntegrityError``) is run again from the start, a few times, before the error is let
through.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from govdecide.store.database import unavailable_on_failure, writer
from govdecide.store.records import Limits
from govdecide.store.schema import WorkspaceRow

T = TypeVar("T")
WRITE_ATTEMPTS = 5


class Database:
    """An engine with a reading and a writing session factory, and a workspace's limits.

    Safe to share between threads (each call takes its own session and connection): the
    app keeps one per server process for all its sessions.
    """

    def __init__(self, engine: Engine, limits: Limits) -> None:
        self.engine = engine
        self.limits = limits
        self._reading = sessionmaker(engine, expire_on_commit=False)
        self._writing = sessionmaker(writer(engine), expire_on_commit=False)

    def read(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in a read transaction and return what it returns."""
        with unavailable_on_failure(), self._reading() as session, session.begin():
            return work(session)

    def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one write transaction, committed when it returns.

        An exception from ``work`` rolls everything back. On a unique-constraint collision
        with a concurrent writer the whole of ``work`` runs again (it must read what it
        depends on inside the transaction).
        """
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with unavailable_on_failure(), self._writing() as session, session.begin():
                    return work(session)
            except sa_exc.IntegrityError:
                if attempt == WRITE_ATTEMPTS:
                    raise
                time.sleep(random.uniform(0.0, 0.01 * attempt))  # noqa: S311 (jitter)
        raise AssertionError("unreachable")  # pragma: no cover

    def dispose(self) -> None:
        """Close every pooled connection (the store is not used any more)."""
        self.engine.dispose()


def lock_workspace(session: Session, workspace_id: int) -> None:
    """Hold the workspace's row until the transaction ends, so that its writers queue.

    PostgreSQL locks the row; SQLite has no row locks and needs none (the transaction
    already holds the database's write lock).
    """
    session.execute(
        select(WorkspaceRow.id).where(WorkspaceRow.id == workspace_id).with_for_update()
    ).one()
