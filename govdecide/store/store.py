"""The store: a database of workspaces, opened once per server process.

``Store.open()`` finds the database (see :mod:`.database`), creates its file and folder
if they are missing, brings its schema up to date and returns a store that any number of
threads (the app's sessions) may share. From it a workspace is created, opened by its key
or restored from a backup; there is deliberately no way to list workspaces: knowing a
key is the only way in.

A key is 32 characters of ``secrets.token_urlsafe`` (192 random bits), made to live in a
link and typed on a command line (so never starting with ``-``). The database keeps only
its sha256, so a copy of the database opens nothing.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import URL, select
from sqlalchemy.orm import Session

from govdecide.errors import input_error
from govdecide.store import rows
from govdecide.store.backup import parse_backup
from govdecide.store.database import database_url, make_engine, show_url
from govdecide.store.map_tables import insert_maps
from govdecide.store.migrate import migrate
from govdecide.store.records import Limits, key_hash
from govdecide.store.rooms import RoomStore
from govdecide.store.schema import WorkspaceRow
from govdecide.store.story_backup import insert_stories
from govdecide.store.transactions import Database
from govdecide.store.workspace import Workspace

KEY_BYTES = 24  # 192 random bits; at least 128 are asked for
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{22,128}$")  # the shape of a key, checked before hashing


def new_key() -> str:
    """A fresh, unguessable workspace key (URL-safe text) that does not start with ``-``:
    such a key (1 draw in 64) reads as an option on every command line, so it is drawn
    again (the keys left are as random: 192 bits less a fraction of one)."""
    while True:
        key = secrets.token_urlsafe(KEY_BYTES)
        if not key.startswith("-"):
            return key


class Store:
    """Workspaces in one database: SQLite by default, PostgreSQL when servers share it."""

    def __init__(self, database: Database, url: URL) -> None:
        """Use :meth:`open`: it also migrates the schema."""
        self._db = database
        self._url = url

    @classmethod
    def open(cls, url: str | URL | None = None, *, limits: Limits | None = None) -> Store:
        """Open the database at ``url`` (default: ``GOVDECIDE_DATABASE_URL`` or the SQLite
        file in the data directory), upgrading its schema to this version's head.

        Raises :class:`~govdecide.store.StoreUnavailable` when it cannot be reached,
        created or upgraded. ``limits`` caps what each workspace may hold.
        """
        resolved = database_url(url)
        engine = make_engine(resolved)
        try:
            migrate(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(Database(engine, limits or Limits()), resolved)

    @property
    def url(self) -> str:
        """The database's URL with its password hidden (for messages and logs)."""
        return show_url(self._url)

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._url.get_backend_name()

    @property
    def limits(self) -> Limits:
        """What each workspace may hold."""
        return self._db.limits

    @property
    def rooms(self) -> RoomStore:
        """The workshop rooms kept in this database (see :mod:`govdecide.store.rooms`)."""
        return RoomStore(self._db)

    def create_workspace(self) -> Workspace:
        """A new, empty workspace; its :attr:`~Workspace.key` is the only way back to it."""
        key = new_key()

        def work(session: Session) -> int:
            row = WorkspaceRow(key_hash=key_hash(key), created_at=datetime.now(UTC))
            session.add(row)
            session.flush()
            return row.id

        return Workspace(self._db, self._db.write(work), key)

    def open_workspace(self, key: str | None) -> Workspace | None:
        """The workspace this key opens, or None for a wrong, malformed or missing key."""
        if not isinstance(key, str) or not KEY_RE.match(key):
            return None
        query = select(WorkspaceRow.id).where(WorkspaceRow.key_hash == key_hash(key))
        found = self._db.read(lambda session: session.scalar(query))
        return None if found is None else Workspace(self._db, found, key)

    def import_workspace(
        self, data: str | bytes | Mapping[str, Any], *, keep_key: bool = False
    ) -> Workspace:
        """Restore a backup (:meth:`Workspace.export_json`) in one transaction.

        By default into a new workspace with a new key (read it from the returned
        workspace's :attr:`~Workspace.key`). With ``keep_key`` under the exported key's
        hash, so the old links open it again; refused if that workspace exists. A bad
        file raises :class:`~govdecide.errors.ScenarioError`, and nothing is written.
        """
        backup = parse_backup(data, self.limits)
        key = None if keep_key else new_key()
        hashed = backup.key_hash if key is None else key_hash(key)

        def work(session: Session) -> int:
            if session.scalar(select(WorkspaceRow.id).where(WorkspaceRow.key_hash == hashed)):
                raise input_error("store_key_exists", path="key_sha256")
            row = WorkspaceRow(key_hash=hashed, created_at=datetime.now(UTC))
            session.add(row)
            session.flush()
            session.add_all(rows.scenario_row(row.id, s) for s in backup.scenarios)
            session.add_all(rows.option_row(row.id, o) for o in backup.options)
            session.add_all(rows.decision_row(row.id, d) for d in backup.decisions)
            session.flush()
            insert_stories(session, row.id, backup.stories)
            insert_maps(session, row.id, backup.maps)
            return row.id

        return Workspace(self._db, self._db.write(work), key)

    def close(self) -> None:
        """Close the database connections (a store is not used after this)."""
        self._db.dispose()

    def __enter__(self) -> Store:
        """``with Store.open() as store:`` closes it at the end."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the store."""
        self.close()

    def __repr__(self) -> str:
        """The URL without its password."""
        return f"<Store {self.url}>"
