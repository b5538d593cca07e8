"""Where the database is, how to connect to it, and the one error when it cannot be used.

The URL comes from the caller (``--db`` on the command line), else from the environment
variable ``GOVDECIDE_DATABASE_URL``, else it is a SQLite file ``govdecide.sqlite3`` in the
data directory: ``GOVDECIDE_DATA_DIR``, or ``.govdecide/`` under the current working
directory (the app is started from the repository root). The directory is created on the
first connection, so a fresh machine needs nothing set up.

SQLite is made safe for the many sessions of one server: write-ahead logging (readers do
not wait for a writer), a busy timeout (a writer waits for another instead of failing),
foreign keys on, full sync (a confirmed write survives a power cut, not only a killed
process), and every write transaction opened with ``BEGIN IMMEDIATE`` so that two writers
queue at the start instead of one failing when it upgrades its read lock. PostgreSQL is
reached through psycopg 3; a plain ``postgresql://`` URL is given that driver.

Anything that stops the store from working (no server, a read-only file or role, a bad
URL, a full disk) is raised as :class:`StoreUnavailable`, with a catalogue message, so
that the app can say "work is not being saved" and go on solving.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy import exc as sa_exc

from govdecide.i18n import t

ENV_URL = "GOVDECIDE_DATABASE_URL"
ENV_DATA_DIR = "GOVDECIDE_DATA_DIR"
DEFAULT_DATA_DIR = ".govdecide"
SQLITE_FILE = "govdecide.sqlite3"
BUSY_TIMEOUT_S = 15.0
CONNECT_TIMEOUT_S = 5
WRITE_OPTION = "govdecide_write"  # execution option: this transaction writes


class StoreUnavailable(RuntimeError):
    """The database cannot be reached, opened or written: work is not being saved.

    ``reason`` is ``"unreachable"``, ``"read_only"``, ``"bad_url"`` or ``"schema"`` (the
    database was written by a newer govdecide); ``detail`` is the
    database's own first line (never the URL's password). :meth:`message` is what a person
    reads, in English or Chinese.
    """

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """The problem and its consequence, in ``lang``."""
        if self.reason == "read_only":
            return t("store.read_only", lang, detail=self.detail)
        if self.reason == "bad_url":
            return t("store.bad_url", lang, detail=self.detail)
        if self.reason == "schema":
            return t("store.schema", lang, detail=self.detail)
        return t("store.unavailable", lang, detail=self.detail)


def _first_line(exc: BaseException) -> str:
    """The database's own words, without SQLAlchemy's appended statement and parameters."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return (text[0] if text else type(orig).__name__)[:300]


def _unavailable(exc: BaseException) -> StoreUnavailable:
    """The :class:`StoreUnavailable` for a failure of the database or its file."""
    detail = _first_line(exc)
    lowered = detail.lower()
    read_only = any(w in lowered for w in ("readonly", "read-only", "read only", "permission"))
    return StoreUnavailable("read_only" if read_only else "unreachable", detail)


@contextmanager
def unavailable_on_failure() -> Iterator[None]:
    """Turn every failure of the database itself into :class:`StoreUnavailable`.

    A broken constraint (``IntegrityError``) is left alone: the store retries on it.
    """
    try:
        yield
    except sa_exc.IntegrityError:
        raise
    except (sa_exc.DBAPIError, sa_exc.TimeoutError, OSError) as exc:
        raise _unavailable(exc) from exc


def database_url(url: str | URL | None = None) -> URL:
    """The URL to use: ``url``, else ``GOVDECIDE_DATABASE_URL``, else the SQLite default.

    Only SQLite and PostgreSQL are supported; ``postgresql://`` and ``postgres://`` get
    the psycopg 3 driver. A URL that cannot be used raises :class:`StoreUnavailable`.
    """
    chosen = url if url is not None else os.environ.get(ENV_URL) or None
    if chosen is None:
        return make_url(f"sqlite:///{default_data_dir() / SQLITE_FILE}")
    try:
        parsed = make_url(chosen)
    except (sa_exc.ArgumentError, ValueError) as exc:  # ValueError: a port that is no number
        raise StoreUnavailable("bad_url", str(exc).splitlines()[0]) from exc
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        if parsed.database in (None, "", ":memory:"):
            raise StoreUnavailable("bad_url", "an in-memory database keeps nothing")
        return parsed
    raise StoreUnavailable("bad_url", parsed.drivername)


def default_data_dir() -> Path:
    """``GOVDECIDE_DATA_DIR``, else ``.govdecide/`` under the current working directory."""
    return Path(os.environ.get(ENV_DATA_DIR) or Path.cwd() / DEFAULT_DATA_DIR)


def show_url(url: URL) -> str:
    """The URL as a person may see it: the password hidden."""
    return url.render_as_string(hide_password=True)


def make_engine(url: URL) -> Engine:
    """An engine for ``url``: SQLite with its safety settings, or PostgreSQL via psycopg.

    The SQLite file's directory is made here (private to the user), on first use.
    """
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(
        url,
        pool_pre_ping=True,
        json_serializer=_json,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )


def _json(value: Any) -> str:
    """JSON columns as strict JSON (a NaN is refused, never written) in readable UTF-8."""
    return json.dumps(value, allow_nan=False, ensure_ascii=False)


def _sqlite_engine(url: URL) -> Engine:
    """SQLite in WAL mode with a busy timeout and foreign keys, writes ``BEGIN IMMEDIATE``."""
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        with unavailable_on_failure():
            Path(database).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = create_engine(url, json_serializer=_json, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transactions away from the sqlite3 module: the "begin" hook below opens
        # them, so that a write can say IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine (and pool), marked so that its transactions are opened for writing."""
    return engine.execution_options(**{WRITE_OPTION: True})
