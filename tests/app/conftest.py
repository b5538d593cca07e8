"""Every AppTest runs on a database of its own: a SQLite file in the test's tmp_path.

The app opens its store once per server process and URL (``st.cache_resource``); a test
gets a new data directory, hence a new URL and a new store, so no test sees another's
workspaces and the repository's ``.govdecide/`` is never written by the suite.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from govdecide.store import ENV_DATA_DIR, ENV_URL


@pytest.fixture(autouse=True)
def own_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The test's data directory (its SQLite file is ``govdecide.sqlite3`` there)."""
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "data"))
    yield tmp_path / "data"
