"""A workspace's maps (issue 16): a scenario saved with its map keeps it, and reopened
from the workspace resolves it; on SQLite and PostgreSQL (see conftest)."""

from __future__ import annotations

import pytest

from govdecide.errors import ScenarioError
from govdecide.io.boundaries import map_reference, prepare_map, read_map, scenario_with_map
from govdecide.io.boundary_match import match_features
from govdecide.io.scenario import parse_scenario, scenario_to_yaml
from govdecide.store import load_map, map_topology, save_map, save_scenario_with_map
from govdecide.store.maps import MAX_MAPS, list_maps
from tests.io import boundary_files as bf


def twin_with_map(attribution: str = "© Test") -> tuple[str, str, str]:
    """(scenario YAML, map reference, map text) of Twin Town drawn with two squares."""
    b = read_map(bf.as_bytes(bf.islands()), "isles.geojson")
    scenario = bf.twin_town()
    prepared = prepare_map(b, match_features(b, scenario), scenario, attribution)
    reference = map_reference("twin", prepared)
    return (
        scenario_to_yaml(scenario_with_map(scenario, reference, prepared)),
        reference,
        prepared.text,
    )


def codes(exc: pytest.ExceptionInfo[ScenarioError]) -> list[str]:
    return [p.code for p in exc.value.problems]


def test_a_scenario_saved_with_its_map_reopens_with_it(store):
    text, reference, map_text = twin_with_map()
    ws = store.create_workspace()
    saved = save_scenario_with_map(ws, text, map_text, label="twin.yaml")
    again = store.open_workspace(ws.key)
    scenario = parse_scenario(again.scenario(saved.id).yaml)
    topology = map_topology(again, scenario)
    assert topology["attribution"] == "© Test"
    assert [g["id"] for g in topology["objects"]["districts"]["geometries"]] == [
        "north", "south", "isles",
    ]  # fmt: skip
    assert [m.reference for m in list_maps(again)] == [reference]
    assert list_maps(again)[0].text == ""  # a list does not read the text


def test_saving_the_same_map_again_keeps_one_and_another_under_its_name_is_refused(store):
    text, reference, map_text = twin_with_map()
    ws = store.create_workspace()
    first = save_map(ws, reference, map_text)
    assert save_map(ws, reference, map_text) == first
    _, _, other = twin_with_map("© Someone else")
    with pytest.raises(ScenarioError) as exc:
        save_map(ws, reference, other)
    assert codes(exc) == ["map_reference_taken"]
    assert load_map(ws, reference).text == map_text


def test_maps_are_private_to_their_workspace(store):
    _, reference, map_text = twin_with_map()
    mine, theirs = store.create_workspace(), store.create_workspace()
    save_map(mine, reference, map_text)
    assert load_map(theirs, reference) is None


def test_a_map_that_is_no_map_or_a_bad_reference_is_refused(store):
    ws = store.create_workspace()
    with pytest.raises(ScenarioError) as exc:
        save_map(ws, "maps/x.topojson", '{"type": "Topology", "objects": {}, "arcs": []}')
    assert codes(exc) == ["map_no_objects"]
    _, _, map_text = twin_with_map()
    for bad in (
        "../secret.topojson",
        "maps/a b.topojson",
        "maps/x.json",
        "maps/'; DROP TABLE maps",
    ):
        with pytest.raises(ScenarioError) as exc:
            save_map(ws, bad, map_text)
        assert codes(exc) == ["map_reference_bad"]
    assert list_maps(ws) == []


def test_a_scenario_without_a_map_reference_cannot_be_saved_with_a_map(store):
    ws = store.create_workspace()
    _, _, map_text = twin_with_map()
    with pytest.raises(ScenarioError) as exc:
        save_scenario_with_map(ws, bf.TWIN_TOWN, map_text)
    assert codes(exc) == ["map_scenario_no_map"]
    assert ws.scenarios() == []


def test_a_workspace_holds_at_most_max_maps(store, monkeypatch):
    """With the limit set to 2 for the test: the third map is refused with a message."""
    from govdecide.store import maps

    monkeypatch.setattr(maps, "MAX_MAPS", 2)
    _, _, map_text = twin_with_map()
    ws = store.create_workspace()
    save_map(ws, "maps/a.topojson", map_text)
    save_map(ws, "maps/b.topojson", map_text)
    with pytest.raises(ScenarioError) as exc:
        save_map(ws, "maps/c.topojson", map_text)
    assert codes(exc) == ["store_limit_maps"] and "2 maps" in exc.value.messages("en")[0]
    assert MAX_MAPS == 50


def test_a_workspace_backup_restores_its_maps_and_refuses_a_tampered_one(store, tmp_path):
    """Issue 12's backup restores everything, the maps of issue 16 too: exported, then
    imported into an empty database, the scenario draws its map there; a map whose text
    no longer matches its hash is refused with its place in the file, nothing written."""
    import json

    from govdecide.store import Store

    text, reference, map_text = twin_with_map()
    ws = store.create_workspace()
    saved = save_scenario_with_map(ws, text, map_text, label="twin.yaml")
    backup = ws.export_json()
    with Store.open(f"sqlite:///{tmp_path / 'empty.db'}") as fresh:
        restored = fresh.import_workspace(backup)
        scenario = parse_scenario(restored.scenario(saved.id).yaml)
        assert map_topology(restored, scenario)["attribution"] == "© Test"
        assert [m.reference for m in list_maps(restored)] == [reference]
        data = json.loads(backup)
        data["maps"][0]["topojson"] = data["maps"][0]["topojson"].replace("Test", "Tampered")
        with pytest.raises(ScenarioError) as err:
            fresh.import_workspace(json.dumps(data))
        assert [p.path for p in err.value.problems] == ["maps[0].sha256"]
