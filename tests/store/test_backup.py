"""A workspace as JSON: exported, imported into an empty database, and bad files refused."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import URL

from govdecide.errors import ScenarioError
from govdecide.i18n import LANGS
from govdecide.model.settings import Settings
from govdecide.store import BACKUP_FORMAT, Store, headline_figures, parse_backup

from .conftest import small_scenario


def _fill(ws, result) -> None:
    """Two scenarios, three options, three decisions (one a correction)."""
    a = ws.save_scenario(small_scenario(1), label="a.yaml")
    b = ws.save_scenario(small_scenario(2), label="b.yaml", origin="table")
    for name, sc, budget in (("A", a, 300), ("B", a, 400), ("A", b, math.inf)):
        ws.save_option(name, scenario_id=sc.id, scenario_hash=sc.sha256,
                       settings=Settings(budget=budget if budget != math.inf else None,
                                         staff=math.inf, weights={"clinic": 2}),
                       figures=headline_figures(result))  # fmt: skip
    for note in ("first", "second", "Correction of #1"):
        ws.record_decision(scenario_id=a.id, scenario_hash=a.sha256,
                           settings=Settings(budget=300), result=result, note=note)  # fmt: skip


def _content(ws) -> tuple:
    """What a restore must bring back (option ids are the new database's own)."""
    options = [(o.name, o.scenario_id, o.scenario_hash, o.settings, o.figures, o.saved_at)
               for o in ws.options()]  # fmt: skip
    return ws.scenarios(), [ws.scenario(s.id) for s in ws.scenarios()], options, ws.decisions()


@pytest.fixture
def exported(tmp_path_factory, result) -> tuple[str, tuple]:
    """A filled workspace's backup, made in a SQLite database of its own."""
    path = tmp_path_factory.mktemp("source") / "source.sqlite3"
    with Store.open(f"sqlite:///{path}") as source:
        ws = source.create_workspace()
        _fill(ws, result)
        return ws.export_json(), _content(ws)


def test_export_then_import_into_an_empty_database_restores_everything(store: Store, exported):
    """Same scenarios (text, hash, id, times), options and decisions (numbers, times,
    versions, notes), in a new workspace with a new key."""
    text, before = exported
    data = json.loads(text)
    assert data["format"] == BACKUP_FORMAT and len(data["decisions"]) == 3
    restored = store.import_workspace(text)
    assert restored.key is not None
    assert _content(store.open_workspace(restored.key)) == before
    again = store.import_workspace(text.encode("utf-8"))
    assert again.key != restored.key and _content(again) == before


def test_keep_key_restores_the_old_links(db_url: URL, result):
    """After a lost database, importing with keep_key makes the old key open the
    workspace again; importing it twice is refused (the workspace exists)."""
    with Store.open(db_url) as first:
        ws = first.create_workspace()
        _fill(ws, result)
        text, key = ws.export_json(), ws.key
        assert key not in text  # the file opens no link by itself
        with pytest.raises(ScenarioError) as exc:
            first.import_workspace(text, keep_key=True)
        assert [p.code for p in exc.value.problems] == ["store_key_exists"]


def test_keep_key_into_an_empty_database(store: Store, result, tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'lost.sqlite3'}") as lost:
        ws = lost.create_workspace()
        _fill(ws, result)
        text, before, key = ws.export_json(), _content(ws), ws.key
    restored = store.import_workspace(text, keep_key=True)
    assert restored.key is None
    assert _content(store.open_workspace(key)) == before
    next_entry = store.open_workspace(key).record_decision(
        scenario_id="x", scenario_hash="0" * 64, settings=Settings(), result=result
    )
    assert next_entry.seq == 4  # the log goes on from where it was


def test_a_refused_import_writes_nothing(store: Store, exported):
    text, _ = exported
    data = json.loads(text)
    data["decisions"][2]["seq"] = 1  # a duplicate number, found before any write
    with pytest.raises(ScenarioError) as exc:
        store.import_workspace(json.dumps(data))
    assert [p.code for p in exc.value.problems] == ["store_duplicate"]
    assert exc.value.problems[0].path == "decisions[2].seq"


def _codes(data) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        parse_backup(data)
    for lang in LANGS:
        assert all(exc.value.messages(lang))
    return [p.code for p in exc.value.problems]


def test_bad_files_are_refused_with_catalogue_messages(exported):
    text, _ = exported
    good = json.loads(text)
    assert _codes(b"\xff\xfe not utf-8") == ["not_utf8"]
    assert _codes("{not json") == ["store_not_json"]
    assert _codes('{"format": "govdecide-workspace/v1", "x": NaN}') == ["store_not_json"]
    assert _codes("[]") == ["not_mapping"]
    assert _codes({"format": "other/v9"}) == ["bad_format"]
    assert _codes("[" * 100 + "]" * 100) == ["store_backup_deep"]
    assert _codes({"format": BACKUP_FORMAT}) == ["missing"] * 4
    tampered = json.loads(text)
    tampered["scenarios"][0]["yaml"] += "# edited\n"
    assert _codes(tampered) == ["store_backup_hash"]
    broken = json.loads(text)
    broken["options"][0]["settings"]["budget"] = -3
    broken["options"][1]["figures"] = {"efficiency": "high"}
    broken["decisions"][0]["recorded_at"] = "yesterday"
    broken["decisions"][1]["surprise"] = 1
    assert _codes(broken) == ["setting_negative", "not_number", "store_bad_time", "unknown_key"]
    assert parse_backup(good).key_hash == good["key_sha256"]


def test_a_backup_over_the_limits_is_refused(small_store: Store, exported):
    """The source has 3 options and decisions: within 4 options and 5 decisions."""
    text, _ = exported
    data = json.loads(text)
    data["options"] = data["options"] + [dict(data["options"][0], name=f"x{i}") for i in range(2)]
    with pytest.raises(ScenarioError) as exc:
        small_store.import_workspace(json.dumps(data))
    assert [p.code for p in exc.value.problems] == ["store_backup_limit"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_any_json_is_either_a_backup_or_a_scenario_error(value):
    """Whatever the parsed content, only ScenarioError comes out, and it renders."""
    for data in (value, json.dumps(value)):
        try:
            parse_backup(data)
        except ScenarioError as exc:
            assert all(exc.messages("en")) and all(exc.messages("zh"))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_a_damaged_backup_is_either_read_or_refused_in_words(exported, data):
    """Replace, drop or add one value anywhere in a real backup."""
    text, _ = exported
    doc = json.loads(text)
    node, path = doc, []
    while isinstance(node, dict | list) and node and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(node) if isinstance(node, dict)
                                        else range(len(node))))  # fmt: skip
        parent, node = node, node[key]
        path.append((parent, key))
    if path:
        parent, key = path[-1]
        action = data.draw(st.sampled_from(["replace", "drop"]))
        if action == "drop":
            del parent[key]
        else:
            parent[key] = data.draw(JSON)
    else:
        doc[data.draw(st.text(max_size=8))] = data.draw(JSON)
    try:
        parse_backup(json.dumps(doc))
    except ScenarioError as exc:
        assert all(exc.messages("en")) and all(exc.messages("zh"))


def test_a_lone_surrogate_or_a_control_character_is_refused(exported):
    """JSON can spell characters no database can keep (\\ud800) and controls (\\u0007)."""
    text, _ = exported
    for bad in ("\\ud800", "\\u0007"):
        damaged = text.replace('"note": "first"', f'"note": "fi{bad}rst"')
        assert damaged != text
        assert _codes(damaged) == ["store_control_char"]
