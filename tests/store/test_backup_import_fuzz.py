"""A backup imported into a real database: whatever the file holds, a workspace or the
project's own error, on SQLite and on PostgreSQL.

tests/store/test_backup.py fuzzes the reading of a backup (``parse_backup``); these tests
go on to the write, where a value the reading let through could still break the database
(a lone surrogate cannot be encoded for the driver, a NUL is no PostgreSQL text). The
hostile texts drawn here include surrogates and control characters, which hypothesis's
default text strategy leaves out.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govdecide.errors import ScenarioError
from govdecide.model.settings import Settings
from govdecide.store import Store, headline_figures

from .conftest import small_scenario

# Any character, with surrogates, controls and format characters (bidi overrides) as
# likely as the rest. Joined from a list: st.text() merges its alphabet's character
# strategies into one that leaves surrogates out.
HOSTILE_CHARS = st.one_of(
    st.characters(), st.characters(categories=["Cs"]), st.characters(categories=["Cc", "Cf"])
)
HOSTILE_TEXT = st.lists(HOSTILE_CHARS, max_size=12).map("".join) | st.sampled_from(
    ["", " ", "a" * 300]
)
NUMBERS = st.integers() | st.floats(allow_nan=False) | st.sampled_from([10**400, -(2**31), 2**63])
LEAF = st.none() | st.booleans() | NUMBERS | HOSTILE_TEXT
JSON = st.recursive(
    LEAF,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(HOSTILE_TEXT, children, max_size=3)
    ),
    max_leaves=12,
)
FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def backup(tmp_path_factory, result) -> dict:
    """A real backup: one scenario, an option with a weight, a decision."""
    path = tmp_path_factory.mktemp("fuzz_source") / "source.sqlite3"
    with Store.open(f"sqlite:///{path}") as source:
        ws = source.create_workspace()
        sc = ws.save_scenario(small_scenario(1), label="a.yaml")
        ws.save_option("A", scenario_id=sc.id, scenario_hash=sc.sha256,
                       settings=Settings(budget=300, staff=math.inf, weights={"clinic": 2}),
                       figures=headline_figures(result))  # fmt: skip
        ws.record_decision(scenario_id=sc.id, scenario_hash=sc.sha256,
                           settings=Settings(budget=300), result=result, note="first")  # fmt: skip
        return json.loads(ws.export_json())


def _imported_or_refused(store: Store, data: object) -> None:
    """The contract: a workspace that reads back, or a ScenarioError that renders."""
    try:
        restored = store.import_workspace(data)
    except ScenarioError as exc:
        assert all(exc.messages("en")) and all(exc.messages("zh"))
        return
    opened = store.open_workspace(restored.key)
    assert opened is not None
    opened.scenarios(), opened.options(), opened.decisions(), opened.export_json()


def _places(node: object, path: tuple = ()) -> list[tuple]:
    """Every place in a JSON document: (path to the container, key)."""
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            out += [(path, key), *_places(value, (*path, key))]
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += [(path, i), *_places(value, (*path, i))]
    return out


@FUZZ
@given(data=st.data())
def test_a_damaged_backup_is_imported_or_refused_in_words(store: Store, backup: dict, data):
    """One to three values anywhere in a real backup replaced by hostile ones, or a dict
    key renamed: nothing but a workspace or the project's error."""
    doc = json.loads(json.dumps(backup))
    for _ in range(data.draw(st.integers(1, 3))):
        places = _places(doc)
        path, key = data.draw(st.sampled_from(places))
        parent = doc
        for step in path:
            parent = parent[step]
        if isinstance(parent, dict) and data.draw(st.booleans()):
            parent[data.draw(HOSTILE_TEXT)] = parent.pop(key)
        else:
            parent[key] = data.draw(JSON)
        if not isinstance(doc, dict):
            break
    _imported_or_refused(store, doc)


SETTING_NAMES = st.sampled_from(["budget", "staff", "equity_weight", "weights", "solver",
                                 "time_limit_s", "gap", "integer", "method"])  # fmt: skip
WEIGHTS = st.dictionaries(HOSTILE_TEXT | st.sampled_from(["clinic"]), st.floats(0, 10), max_size=3)


@FUZZ
@given(data=st.data())
def test_any_settings_in_a_backup_are_imported_or_refused_in_words(
    store: Store, backup: dict, data
):
    """Settings are the one place where a backup stores a mapping of the file's own keys
    (the weights): one to three settings of an option or a decision replaced, the
    weights by hostile keys with weights that pass the number checks."""
    doc = json.loads(json.dumps(backup))  # the fixture is shared by every example
    entry = doc[data.draw(st.sampled_from(["options", "decisions"]))][0]
    for _ in range(data.draw(st.integers(1, 3))):
        name = data.draw(SETTING_NAMES | HOSTILE_TEXT)
        entry["settings"][name] = data.draw(WEIGHTS if name == "weights" else JSON)
    _imported_or_refused(store, doc)


@pytest.mark.parametrize("key", ["\ud800", "\x00", "\x1b[2J", "clinic 2", "Clinic"])
def test_a_weight_for_no_possible_program_is_refused(store: Store, backup: dict, key: str):
    """A weight keyed by a lone surrogate passed the reading and broke the write with
    UnicodeEncodeError (found while probing the write for these tests; the settings fuzz
    above finds it too). A weight must name a program by its id
    (a-z, 0-9, _), so any other key is refused before the write, in words."""
    backup["options"][0]["settings"]["weights"] = {key: 1}
    with pytest.raises(ScenarioError) as exc:
        store.import_workspace(backup)
    assert [p.code for p in exc.value.problems] == ["bad_id"]
    assert exc.value.problems[0].path == "options[0].settings.weights"
    assert all(exc.value.messages("zh"))


def test_a_weight_for_a_program_id_is_kept(store: Store, backup: dict):
    restored = store.import_workspace(backup)
    assert restored.options()[0].settings.weights == {"clinic": 2}
