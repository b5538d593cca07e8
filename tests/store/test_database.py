"""Where the database is, how SQLite is set up, and the one error when it cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import URL, make_url, text

from govdecide.i18n import LANGS
from govdecide.model.settings import Settings
from govdecide.store import Store, StoreUnavailable, database_url, default_data_dir
from govdecide.store.database import make_engine, show_url


def test_the_url_comes_from_the_caller_then_the_environment_then_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    """--db wins over GOVDECIDE_DATABASE_URL, which wins over the SQLite file in
    GOVDECIDE_DATA_DIR, which defaults to ./.govdecide under the working directory."""
    monkeypatch.delenv("GOVDECIDE_DATABASE_URL", raising=False)
    monkeypatch.delenv("GOVDECIDE_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_data_dir() == tmp_path / ".govdecide"
    assert database_url().database == str(tmp_path / ".govdecide" / "govdecide.sqlite3")
    monkeypatch.setenv("GOVDECIDE_DATA_DIR", str(tmp_path / "elsewhere"))
    assert database_url().database == str(tmp_path / "elsewhere" / "govdecide.sqlite3")
    monkeypatch.setenv("GOVDECIDE_DATABASE_URL", "sqlite:////srv/shared.sqlite3")
    assert database_url().database == "/srv/shared.sqlite3"
    assert database_url("sqlite:////tmp/given.sqlite3").database == "/tmp/given.sqlite3"


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg"])
def test_a_postgresql_url_gets_psycopg_3(scheme: str):
    url = database_url(f"{scheme}://u:secret@db.example/govdecide")
    assert url.drivername == "postgresql+psycopg"
    assert "secret" not in show_url(url)


@pytest.mark.parametrize("url", ["mysql://u@h/db", "not a url at all", "oracle://x"])
def test_an_unusable_url_is_store_unavailable(url: str):
    with pytest.raises(StoreUnavailable) as exc:
        database_url(url)
    assert exc.value.reason == "bad_url"
    assert all(exc.value.message(lang) for lang in LANGS)


def test_first_use_creates_the_data_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """A fresh machine needs nothing set up: the default store makes its own folder."""
    monkeypatch.delenv("GOVDECIDE_DATABASE_URL", raising=False)
    monkeypatch.setenv("GOVDECIDE_DATA_DIR", str(tmp_path / "new" / "dir"))
    with Store.open() as store:
        assert store.backend == "sqlite"
        store.create_workspace()
    assert (tmp_path / "new" / "dir" / "govdecide.sqlite3").is_file()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(tmp_path: Path):
    engine = make_engine(make_url(f"sqlite:///{tmp_path / 's.sqlite3'}"))
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    engine.dispose()


def test_the_password_is_never_shown(db_url: URL):
    with Store.open(db_url) as store:
        assert "govdecide:govdecide@" not in store.url
        assert "govdecide:govdecide@" not in repr(store)


def test_an_unreachable_server_is_store_unavailable():
    """Nothing listens on port 1: the store says so in a sentence, in both languages."""
    with pytest.raises(StoreUnavailable) as exc:
        Store.open("postgresql+psycopg://nobody:pw@127.0.0.1:1/none")
    assert exc.value.reason == "unreachable"
    assert "not being saved" in exc.value.message("en")
    assert "没有被保存" in exc.value.message("zh")
    assert "pw" not in str(exc.value)


def test_a_data_directory_that_cannot_be_made_is_store_unavailable(tmp_path: Path):
    """A file where the folder should be (or a disk that refuses) is not a crash."""
    (tmp_path / "blocker").write_text("a file, not a folder")
    with pytest.raises(StoreUnavailable):
        Store.open(f"sqlite:///{tmp_path / 'blocker' / 'store.sqlite3'}")


def test_a_file_that_is_not_a_database_is_store_unavailable(tmp_path: Path):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(StoreUnavailable):
        Store.open(f"sqlite:///{path}")


def _read_only(url: URL) -> str | URL:
    """The same database, opened so that it can be read but not written."""
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///file:{url.database}?mode=ro&uri=true"
    options = url.query["options"]
    return url.update_query_dict({"options": f"{options} -cdefault_transaction_read_only=on"})


def test_a_read_only_database_is_store_unavailable_and_still_readable(db_url: URL):
    """The app can still show what was saved and says that new work is not saved."""
    with Store.open(db_url) as store:
        ws = store.create_workspace()
        ws.save_option("kept", scenario_id="riverton", scenario_hash="a" * 64,
                       settings=Settings(budget=1), figures={})  # fmt: skip
    key = ws.key
    with Store.open(_read_only(db_url)) as store:
        ro = store.open_workspace(key)
        assert ro is not None and [o.name for o in ro.options()] == ["kept"]
        with pytest.raises(StoreUnavailable) as exc:
            ro.save_option("lost", scenario_id="riverton", scenario_hash="a" * 64,
                           settings=Settings(budget=2), figures={})  # fmt: skip
        assert exc.value.reason == "read_only"
        with pytest.raises(StoreUnavailable):
            store.create_workspace()


def test_an_in_memory_database_is_refused():
    """Saved work must survive: a database that vanishes with the process is no store."""
    for url in ("sqlite://", "sqlite:///:memory:"):
        with pytest.raises(StoreUnavailable) as exc:
            database_url(url)
        assert exc.value.reason == "bad_url"
