"""Workspaces: made on first save, opened only by their key, kept across restarts."""

from __future__ import annotations

import re

from sqlalchemy import URL, create_engine, text

from govdecide.model.settings import Settings
from govdecide.store import Store, Workspace, content_hash

from .conftest import small_scenario


def test_a_new_workspace_has_a_long_random_key_and_opens_with_it(store: Store):
    """32 URL-safe characters of secrets.token_urlsafe(24): 192 random bits (>= 128)."""
    ws = store.create_workspace()
    assert ws.key is not None and re.fullmatch(r"[A-Za-z0-9_-]{32}", ws.key)
    assert store.create_workspace().key != ws.key
    opened = store.open_workspace(ws.key)
    assert opened is not None and opened.key == ws.key
    assert opened.options() == [] and opened.decisions() == [] and opened.scenarios() == []


def test_a_wrong_or_malformed_key_opens_nothing(store: Store):
    ws = store.create_workspace()
    assert ws.key is not None
    wrong = ws.key[:-1] + ("A" if ws.key[-1] != "A" else "B")
    for key in (wrong, "", None, "x" * 32, ws.key + " ", "../" * 11, "k" * 10_000, 42):
        assert store.open_workspace(key) is None  # type: ignore[arg-type]


def test_the_database_keeps_only_the_hash_of_a_key(store: Store, db_url: URL):
    """A dump of the database does not contain a link's key."""
    ws = store.create_workspace()
    assert ws.key is not None
    engine = create_engine(db_url)
    with engine.connect() as connection:
        dump = " ".join(str(row) for row in connection.execute(text("SELECT * FROM workspaces")))
    engine.dispose()
    assert ws.key not in dump
    assert len(re.findall(r"[0-9a-f]{64}", dump)) == 1


def test_there_is_no_way_to_list_workspaces():
    """The store's public methods: create, open by key, import, close; nothing lists.
    (``rooms`` are the workshop rooms, which cannot be listed either: tests/store/
    test_rooms_store.py.)"""
    public = {name for name in dir(Store) if not name.startswith("_")}
    assert public == {
        "open", "url", "backend", "limits", "create_workspace", "open_workspace",
        "import_workspace", "close", "rooms",
    }  # fmt: skip


def test_the_key_is_not_in_a_handles_repr(store: Store):
    ws = store.create_workspace()
    assert ws.key is not None and ws.key not in repr(ws)


def test_workspaces_do_not_see_each_other(store: Store):
    a, b = store.create_workspace(), store.create_workspace()
    sc = a.save_scenario(small_scenario())
    a.save_option("only in a", scenario_id=sc.id, scenario_hash=sc.sha256,
                  settings=Settings(), figures={})  # fmt: skip
    assert b.scenarios() == [] and b.options() == [] and b.scenario(sc.id) is None
    assert b.scenario_by_hash(sc.sha256) is None


def test_a_restart_keeps_everything(db_url: URL, result):
    """A new Store on the same URL (a restarted server) finds every saved thing."""
    with Store.open(db_url) as store:
        ws = store.create_workspace()
        sc = ws.save_scenario(small_scenario(), label="town.yaml")
        ws.save_option("A", scenario_id=sc.id, scenario_hash=sc.sha256,
                       settings=Settings(budget=300), figures={"efficiency": 0.5})  # fmt: skip
        ws.record_decision(scenario_id=sc.id, scenario_hash=sc.sha256,
                           settings=Settings(budget=300), result=result, note="kept")  # fmt: skip
        before = (ws.scenarios(), ws.options(), ws.decisions())
    with Store.open(db_url) as store:
        again = store.open_workspace(ws.key)
        assert isinstance(again, Workspace)
        assert (again.scenarios(), again.options(), again.decisions()) == before
        assert again.scenario(sc.id).yaml == small_scenario()


def test_two_stores_on_one_database_see_each_others_saves(db_url: URL):
    """Two servers sharing one database: a save on one is seen on the other at once."""
    with Store.open(db_url) as one, Store.open(db_url) as two:
        ws_one = one.create_workspace()
        ws_two = two.open_workspace(ws_one.key)
        assert ws_two is not None
        ws_one.save_option("from one", scenario_id="riverton", scenario_hash=content_hash("r"),
                           settings=Settings(), figures={})  # fmt: skip
        assert [o.name for o in ws_two.options()] == ["from one"]
