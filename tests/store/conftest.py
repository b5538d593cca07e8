"""The store's fixtures: every store test runs on SQLite and on a real PostgreSQL.

``db_url`` is parametrised over both. SQLite is a file in the test's own tmp_path;
PostgreSQL is the server at ``GOVDECIDE_TEST_POSTGRES_URL`` (default: the role and
database that .ci/run creates on localhost), with a fresh schema per test (first on the
search path, dropped afterwards), so tests never see each other's rows. When no server
answers, the PostgreSQL half is skipped locally, and fails under ``CI=true``, where a
missing server is a broken install.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import URL, create_engine, make_url, text

from govdecide import Settings, parse_scenario, solve
from govdecide.model.result import Result
from govdecide.store import Limits, Store

ROOT = Path(__file__).resolve().parents[2]
RIVERTON = (ROOT / "scenarios" / "riverton.yaml").read_text(encoding="utf-8")
DEFAULT_PG = "postgresql+psycopg://govdecide:govdecide@localhost/govdecide_test"
PG_URL = make_url(os.environ.get("GOVDECIDE_TEST_POSTGRES_URL") or DEFAULT_PG)

SMALL = """\
format: govdecide/v1
name: {{en: Testville {n}, zh: 测试市 {n}}}
districts:
  - {{id: north, name: North, population: {pop}}}
  - {{id: south, name: South, population: 2000}}
programs:
  - {{id: clinic, name: Clinic, unit_cost: 100, capacity: 500, need: {{indicator: population}}}}
policy: {{budget: 500}}
"""


def small_scenario(n: int = 1) -> str:
    """A valid two-district scenario; a different ``n`` gives a different text (and hash)."""
    return SMALL.format(n=n, pop=1000 + n)


def full_url(url: URL) -> str:
    """A URL as text with its password (for a child process)."""
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_server() -> URL:
    """The test server's URL, after checking that it answers (skip, or fail in CI)."""
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to connect means: no server here
        message = f"no PostgreSQL at {PG_URL.render_as_string()}: {str(exc).splitlines()[0]}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} (CI must run the PostgreSQL tests; see .ci/run)")
        pytest.skip(message)
    finally:
        engine.dispose()
    return PG_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[URL]:
    """An empty database of each kind, private to the test."""
    if request.param == "sqlite":
        yield make_url(f"sqlite:///{tmp_path / 'data' / 'store.sqlite3'}")
        return
    server: URL = request.getfixturevalue("postgres_server")
    schema = f"test_{secrets.token_hex(6)}"
    admin = create_engine(server)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield server.update_query_dict({"options": f"-csearch_path={schema}"})
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(db_url: URL) -> Iterator[Store]:
    """A store on the test's own empty database, migrated."""
    with Store.open(db_url) as opened:
        yield opened


@pytest.fixture
def small_store(db_url: URL) -> Iterator[Store]:
    """A store whose workspaces hold at most 3 scenarios, 4 options and 5 decisions."""
    with Store.open(db_url, limits=Limits(scenarios=3, options=4, decisions=5)) as opened:
        yield opened


@pytest.fixture(scope="session")
def result() -> Result:
    """Riverton solved at a budget of 6000 (what a decision records)."""
    return solve(parse_scenario(RIVERTON), Settings(budget=6000))
