"""Scenarios in a workspace: validated, kept as given, idempotent by content hash."""

from __future__ import annotations

import hashlib

import pytest

from govdecide.errors import ScenarioError
from govdecide.io.scenario import parse_scenario
from govdecide.store import Store

from .conftest import RIVERTON, small_scenario


def test_a_scenario_is_kept_exactly_as_given_under_its_hash(store: Store):
    """Comments, Windows line ends and Chinese text survive; the hash is sha256 of the
    UTF-8 text, the id its first 12 hex digits."""
    text = "# a comment\r\n" + small_scenario().replace("\n", "\r\n")
    ws = store.create_workspace()
    sc = ws.save_scenario(text, label="town.yaml", origin="edit")
    assert sc.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert sc.id == sc.sha256[:12]
    assert sc.name == {"en": "Testville 1", "zh": "测试市 1"}
    assert (sc.label, sc.origin, sc.size_bytes) == ("town.yaml", "edit", len(text.encode()))
    stored = ws.scenario(sc.id)
    assert stored is not None and stored.yaml == text
    assert parse_scenario(stored.yaml) == parse_scenario(text)


def test_saving_the_same_text_twice_stores_it_once(store: Store):
    ws = store.create_workspace()
    first = ws.save_scenario(RIVERTON, label="riverton.yaml")
    again = ws.save_scenario(RIVERTON, label="another name.yaml", origin="table")
    assert again == first
    assert len(ws.scenarios()) == 1


def test_lookup_by_hash_and_by_id(store: Store):
    ws = store.create_workspace()
    a = ws.save_scenario(small_scenario(1))
    b = ws.save_scenario(small_scenario(2))
    assert ws.scenario_by_hash(b.sha256) == b and ws.scenario(a.id) == a
    assert ws.scenario_by_hash("0" * 64) is None and ws.scenario("nope") is None
    assert [s.id for s in ws.scenarios()] == [a.id, b.id]
    assert not hasattr(ws.scenarios()[0], "yaml")  # a list does not carry every text


def test_the_same_text_has_the_same_id_in_every_workspace(store: Store):
    """So a link's scenario id means the same text wherever it is opened."""
    one, two = store.create_workspace(), store.create_workspace()
    assert one.save_scenario(RIVERTON).id == two.save_scenario(RIVERTON).id


def test_an_invalid_scenario_is_refused_with_its_problems(store: Store):
    ws = store.create_workspace()
    bad = small_scenario().replace("population: 2000", "population: -5")
    with pytest.raises(ScenarioError) as exc:
        ws.save_scenario(bad, label="bad.yaml")
    assert exc.value.problems[0].file == "bad.yaml"
    assert "greater_than" in {p.code for p in exc.value.problems}
    assert ws.scenarios() == []


def test_a_scenario_over_the_size_limit_is_refused_before_parsing(store: Store):
    ws = store.create_workspace()
    huge = small_scenario() + "#" * (5 * 1024 * 1024)
    with pytest.raises(ScenarioError) as exc:
        ws.save_scenario(huge)
    assert [p.code for p in exc.value.problems] == ["file_too_large"]
    assert "5 MB" in exc.value.messages("en")[0]


def test_the_scenario_limit_is_a_clear_message(small_store: Store):
    """At most 3 here (50 by default): the fourth is refused, saying the limit; saving
    one of the three again still works (it is not a new scenario)."""
    ws = small_store.create_workspace()
    for n in range(3):
        ws.save_scenario(small_scenario(n))
    with pytest.raises(ScenarioError) as exc:
        ws.save_scenario(small_scenario(99))
    assert [p.code for p in exc.value.problems] == ["store_limit_scenarios"]
    assert "3 scenarios" in exc.value.messages("en")[0]
    assert "3 个情景" in exc.value.messages("zh")[0]
    ws.save_scenario(small_scenario(1))


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"label": "bad\x07name"}, "store_control_char"),
        ({"label": "x" * 201}, "store_too_long"),
        ({"origin": "somewhere"}, "store_bad_choice"),
    ],
)
def test_bad_labels_and_origins_are_refused(store: Store, kwargs: dict, code: str):
    ws = store.create_workspace()
    with pytest.raises(ScenarioError) as exc:
        ws.save_scenario(small_scenario(), **kwargs)
    assert [p.code for p in exc.value.problems] == [code]
