"""Your own map (issue 16), on small boundary files the tests write themselves.

Each test states what the file is and what a person should see: which features match
which districts, and the note or refusal, in English and Chinese. The files are built in
:mod:`tests.io.boundary_files` (squares of one degree around 10-15 E, 50-51 N).
"""

from __future__ import annotations

import json

import pytest
import shapely

from govdecide.errors import ScenarioError
from govdecide.io.boundaries import (
    OBJECT_NAME,
    check_attribution,
    map_attribution,
    map_reference,
    prepare_map,
    read_map,
    read_map_file,
    scenario_with_map,
)
from govdecide.io.boundary_match import apply_fixes, match_counts, match_features, parse_fixes
from govdecide.io.scenario import load_scenario, scenario_to_yaml
from govdecide.present import maps
from tests.io import boundary_files as bf


def codes(exc: pytest.ExceptionInfo[ScenarioError]) -> list[str]:
    return [p.code for p in exc.value.problems]


def note_codes(boundaries) -> list[str]:
    return [n.code for n in boundaries.notes]


def arcs_of(geometry: dict) -> set[int]:
    """The arcs a TopoJSON polygon or multipolygon uses (a reversed arc ~i counts as i)."""
    rings = geometry["arcs"] if geometry["type"] == "Polygon" else sum(geometry["arcs"], [])
    return {i if i >= 0 else ~i for r in rings for i in r}


def test_two_squares_sharing_an_edge_keep_one_shared_border():
    """North and South match by name; the prepared topology stores their common edge
    (11 E, 50-51 N) once: one arc is used by both districts."""
    b = read_map(bf.as_bytes(bf.two_squares()), "twin.geojson")
    scenario = bf.twin_town()
    match = match_features(b, scenario, "name")
    assert match.by == "name"
    assert dict(match.assigned) == {1: "north", 2: "south"}
    assert match.missing(scenario) == ["isles"]
    prepared = prepare_map(b, match, scenario)
    north, south = prepared.topology["objects"][OBJECT_NAME]["geometries"]
    assert (north["id"], south["id"]) == ("north", "south")
    assert arcs_of(north) & arcs_of(south), "the shared border is one arc"
    assert prepared.districts == 2


def test_a_district_of_two_islands_is_one_multipolygon():
    """The Isles is one feature with two squares: kept whole, said in a note, drawn as one
    MultiPolygon with the district's id."""
    b = read_map(bf.as_bytes(bf.islands()), "isles.geojson")
    assert "multipart" in note_codes(b)
    note = next(n for n in b.notes if n.code == "multipart")
    assert "The Isles" in note.message("en") and "岛屿" in note.message("zh")
    scenario = bf.twin_town()
    match = match_features(b, scenario)
    assert match.missing(scenario) == []
    prepared = prepare_map(b, match, scenario)
    isles = prepared.topology["objects"][OBJECT_NAME]["geometries"][2]
    assert isles["id"] == "isles" and isles["type"] == "MultiPolygon"
    assert len(isles["arcs"]) == 2


def test_a_ring_drawn_clockwise_is_turned_and_said():
    """North runs clockwise (GeoJSON asks counter-clockwise): 1 of 2 outlines turned.
    The prepared TopoJSON follows TopoJSON's rule (clockwise outer rings, what d3 and Vega
    draw as the district), so reading it back notes no wrong winding."""
    b = read_map(bf.as_bytes(bf.clockwise()), "cw.geojson")
    note = next(n for n in b.notes if n.code == "winding_geojson")
    assert note.params == {"count": 1, "total": 2}
    assert "1 of 2" in note.message("en") and "顺时针" in note.message("zh")
    scenario = bf.twin_town()
    prepared = prepare_map(b, match_features(b, scenario), scenario)
    again = read_map(prepared.text.encode(), "prepared.topojson")
    assert not [c for c in note_codes(again) if c.startswith("winding")]


def test_a_projected_file_is_refused_with_what_to_do():
    """Coordinates in metres (1.1 million and up) are no longitudes: refused, saying the
    range found and to export in WGS 84 (EPSG:4326)."""
    with pytest.raises(ScenarioError) as exc:
        read_map(bf.as_bytes(bf.projected()), "metres.geojson")
    assert codes(exc) == ["map_projected"]
    assert "EPSG:4326" in exc.value.messages("en")[0]
    assert "1.11e+06" in exc.value.messages("en")[0]
    assert "投影" in exc.value.messages("zh")[0]


def test_a_projected_file_that_names_its_system_is_refused_by_that_name():
    with pytest.raises(ScenarioError) as exc:
        read_map(bf.as_bytes(bf.projected("urn:ogc:def:crs:EPSG::3857")), "m.geojson")
    assert codes(exc) == ["map_projected_crs"]
    assert "EPSG::3857" in exc.value.messages("en")[0]


def test_one_feature_that_matches_no_district_is_listed_and_can_be_assigned():
    """Atlantis matches nothing: 3 of 3 districts matched, 1 of 4 features unmatched.
    Assigned by hand to The Isles, it is joined with the islands into one shape."""
    b = read_map(bf.as_bytes(bf.with_atlantis()), "atlantis.geojson")
    scenario = bf.twin_town()
    match = match_features(b, scenario)
    counts = match_counts(match, b, scenario)
    assert (counts.matched, counts.districts, counts.unmatched_features, counts.features) == (
        3, 3, 1, 4,
    )  # fmt: skip
    assert [f.label() for f in match.unmatched(b)] == ["#4 Atlantis"]
    fixed = apply_fixes(match, {4: "isles"}, b, scenario)
    assert fixed.unmatched(b) == [] and fixed.fixed == (4,)
    prepared = prepare_map(b, fixed, scenario)
    assert [n.code for n in prepared.notes] == ["joined"]
    assert "The Isles" in prepared.notes[0].message("en")


def test_a_feature_left_out_by_the_user_is_not_drawn():
    b = read_map(bf.as_bytes(bf.with_atlantis()), "atlantis.geojson")
    scenario = bf.twin_town()
    match = apply_fixes(match_features(b, scenario), {4: None, 1: None}, b, scenario)
    assert match.left_out == (1, 4) and match.missing(scenario) == ["north"]
    drawn = prepare_map(b, match, scenario).topology["objects"][OBJECT_NAME]["geometries"]
    assert [g["id"] for g in drawn] == ["south", "isles"]


def test_fixes_naming_no_feature_or_no_district_are_refused_all_at_once():
    b = read_map(bf.as_bytes(bf.two_squares()), "twin.geojson")
    scenario = bf.twin_town()
    with pytest.raises(ScenarioError) as exc:
        apply_fixes(match_features(b, scenario), {9: "north", 1: "nowhere"}, b, scenario)
    assert codes(exc) == ["map_fix_no_feature", "map_fix_no_district"]


def test_command_line_fixes_by_number_value_and_name():
    """``#2=north`` (by number), ``North=south`` (by value), ``#1=`` (leave out) and two
    bad ones (no '=', a district nobody is called)."""
    b = read_map(bf.as_bytes(bf.two_squares()), "twin.geojson")
    scenario = bf.twin_town()
    match = match_features(b, scenario)
    assert parse_fixes(["#2=north", "North=南区"], b, match, scenario) == {2: "north", 1: "south"}
    assert parse_fixes(["#1="], b, match, scenario) == {1: None}
    with pytest.raises(ScenarioError) as exc:
        parse_fixes(["North", "#1=Nowhere", "Atlantis=north"], b, match, scenario)
    assert codes(exc) == ["map_fix_format", "map_fix_unknown_district", "map_fix_unknown_feature"]


def test_names_match_in_chinese_and_without_the_district_suffix():
    """A file from a Chinese planning bureau names the districts 北区 and 南 (no 区): both
    match, the second by the loose comparison."""
    data = bf.collection(
        bf.feature(bf.polygon(10, 50), 名称="北区"), bf.feature(bf.polygon(11, 50), 名称="南")
    )
    b = read_map(bf.as_bytes(data), "cn.geojson")
    match = match_features(b, bf.twin_town(), "name")
    assert match.by == "名称" and dict(match.assigned) == {1: "north", 2: "south"}


def test_a_code_property_matches_the_districts_map_id():
    """The scenario's map_id holds adcodes; the file has an adcode property (a number, as
    GeoJSON writers often give it) and a name in another spelling. By adcode both match;
    automatically the adcode field is chosen too, as it matches the most."""
    scenario = bf.twin_town(north={"map_id": "110101"}, south={"map_id": "110102"})
    data = bf.collection(
        bf.feature(bf.polygon(10, 50), adcode=110101, name="Nord"),
        bf.feature(bf.polygon(11, 50), adcode=110102.0, name="Sud"),
    )
    b = read_map(bf.as_bytes(data), "codes.geojson")
    assert b.fields == ("adcode", "name")
    assert dict(match_features(b, scenario, "adcode").assigned) == {1: "north", 2: "south"}
    assert match_features(b, scenario).by == "adcode"
    assert match_features(b, scenario, "name").assigned == {}


def test_a_value_naming_two_districts_matches_neither():
    """Two districts whose names compare equal ("North" and "north "): the feature North is
    ambiguous, not matched to one of them at random."""
    text = bf.TWIN_TOWN.replace("{en: South, zh: 南区}", "'north '")
    from govdecide import parse_scenario

    scenario = parse_scenario(text)
    b = read_map(bf.as_bytes(bf.two_squares()), "twin.geojson")
    match = match_features(b, scenario, "name")
    assert match.ambiguous == (1,) and 1 not in match.assigned


def test_matching_by_a_field_the_file_does_not_have_is_refused():
    b = read_map(bf.as_bytes(bf.two_squares()), "twin.geojson")
    with pytest.raises(ScenarioError) as exc:
        match_features(b, bf.twin_town(), "adcode")
    assert codes(exc) == ["map_no_field"] and "name" in exc.value.messages("en")[0]


def test_swapped_longitude_and_latitude_are_swapped_back():
    """Beijing's squares (116-118 E, 39-40 N) written latitude first: y runs to 118, past
    any latitude, while x stays within one; swapped back, and noted."""
    data = bf.collection(
        bf.feature(bf.polygon(116, 39), name="North"), bf.feature(bf.polygon(117, 39), name="South")
    )
    for f in data["features"]:
        f["geometry"]["coordinates"] = [
            [[y, x] for x, y in r] for r in f["geometry"]["coordinates"]
        ]
    b = read_map(bf.as_bytes(data), "swapped.geojson")
    assert "swapped" in note_codes(b)
    assert b.features[0].geometry.bounds == (116.0, 39.0, 117.0, 40.0)


def test_a_ring_that_crosses_itself_is_repaired_and_named():
    """A bow tie (10,50)-(11,51)-(11,50)-(10,51): invalid; make_valid gives its two
    triangles (area 0.5 in all), noted with GEOS's reason."""
    bow = {"type": "Polygon", "coordinates": [[[10, 50], [11, 51], [11, 50], [10, 51], [10, 50]]]}
    b = read_map(bf.as_bytes(bf.collection(bf.feature(bow, name="North"))), "bow.geojson")
    note = next(n for n in b.notes if n.code == "repaired")
    assert "Self-intersection" in note.message("en") and "#1 North" in note.message("en")
    assert b.features[0].geometry.is_valid
    assert b.features[0].geometry.area == pytest.approx(0.5)


def test_features_with_no_area_are_left_out_and_listed():
    """A point, a line, a null geometry and a ring with two corners have no area."""
    data = bf.collection(
        bf.feature(bf.polygon(10, 50), name="North"),
        bf.feature({"type": "Point", "coordinates": [10, 50]}, name="Well"),
        bf.feature({"type": "LineString", "coordinates": [[10, 50], [11, 50]]}, name="Road"),
        bf.feature(None, name="Nothing"),
        bf.feature(
            {"type": "Polygon", "coordinates": [[[10, 50], [11, 50], [10, 50]]]}, name="Flat"
        ),
    )
    b = read_map(bf.as_bytes(data), "mixed.geojson")
    assert [f.index for f in b.features] == [1]
    note = next(n for n in b.notes if n.code == "no_area")
    assert note.params["count"] == 4
    assert "#2 Well" in note.message("en") and "#5 Flat" in note.message("en")


def test_a_file_of_points_only_is_refused():
    data = bf.collection(bf.feature({"type": "Point", "coordinates": [10, 50]}))
    with pytest.raises(ScenarioError) as exc:
        read_map(bf.as_bytes(data), "points.geojson")
    assert codes(exc) == ["map_no_polygons"]


def test_the_prepared_topojson_reads_back_and_matches_by_id():
    """The written map is a TopoJSON whose feature ids are the district ids: read as an
    upload it matches every district by id, each shape where it was (centroids agree to
    the quantization grid)."""
    b = read_map(bf.as_bytes(bf.islands()), "isles.geojson")
    scenario = bf.twin_town()
    prepared = prepare_map(b, match_features(b, scenario), scenario, "Made up for a test")
    again = read_map(prepared.text.encode(), "prepared.topojson")
    assert again.kind == "topojson"
    match = match_features(again, scenario, "id")
    assert dict(match.assigned) == {1: "north", 2: "south", 3: "isles"}
    for old, new in zip(b.features, again.features, strict=True):
        assert shapely.centroid(new.geometry).distance(shapely.centroid(old.geometry)) < 1e-4
    assert json.loads(prepared.text)["attribution"] == "Made up for a test"


def test_a_scenario_with_its_map_is_written_loaded_and_drawn(tmp_path):
    """scenario_with_map sets the map reference and map_id per drawn district; written
    beside its map, the scenario loads, finds the map and draws a boundary map whose
    subtitle is the attribution."""
    b = read_map(bf.as_bytes(bf.two_squares()), "twin.geojson")
    scenario = bf.twin_town()
    prepared = prepare_map(b, match_features(b, scenario), scenario, "© Test Bureau")
    reference = map_reference("Twin Town!", prepared)
    assert reference.startswith("maps/twin-town-") and reference.endswith(".topojson")
    new = scenario_with_map(scenario, reference, prepared)
    assert [d.map_id for d in new.districts] == ["north", "south", None]
    (tmp_path / "maps").mkdir()
    (tmp_path / reference).write_text(prepared.text, encoding="utf-8")
    (tmp_path / "twin.yaml").write_text(scenario_to_yaml(new), encoding="utf-8")
    loaded = load_scenario(tmp_path / "twin.yaml")
    topology = read_map_file(loaded, tmp_path)
    assert map_attribution(topology) == "© Test Bureau"
    import pandas as pd

    chart = maps.district_map(
        loaded, pd.Series({"north": 1.0, "south": 2.0, "isles": 3.0}), "en",
        topology=topology, title="T", value_title="V",
    )  # fmt: skip
    spec = chart.to_dict()
    assert spec["title"]["subtitle"] == "© Test Bureau"
    assert maps.unmatched_features(loaded, topology) == ["The Isles"]


def test_a_map_reference_outside_the_scenario_folder_is_not_read(tmp_path):
    b = read_map(bf.as_bytes(bf.two_squares()), "twin.geojson")
    scenario = bf.twin_town()
    prepared = prepare_map(b, match_features(b, scenario), scenario)
    (tmp_path / "outside.topojson").write_text(prepared.text)
    inner = tmp_path / "inner"
    inner.mkdir()
    escaping = scenario_with_map(scenario, "maps/x.topojson", prepared).model_copy(
        update={
            "map": scenario_with_map(scenario, "maps/x.topojson", prepared).map.model_copy(
                update={"topojson": "../outside.topojson"}
            )
        }  # fmt: skip
    )
    assert read_map_file(escaping, inner) is None


def test_attribution_is_one_plain_line():
    assert check_attribution("  Boundaries ©\n Bureau  ") == "Boundaries © Bureau"
    assert check_attribution("   ") is None
    with pytest.raises(ScenarioError) as exc:
        check_attribution("Bureau\x07")
    assert codes(exc) == ["bad_character"]
    with pytest.raises(ScenarioError) as exc:
        check_attribution("x" * 301)
    assert codes(exc) == ["map_attribution_long"]
