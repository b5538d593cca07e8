"""``import-map`` (issue 16), run through ``cli.main``: a boundary file matched to a
scenario, fixed by hand, written as NEW.yaml with its map in maps/ beside it."""

from __future__ import annotations

import json
from pathlib import Path

from govdecide.cli import main
from govdecide.io.boundaries import read_map_file
from govdecide.io.scenario import load_scenario
from tests.io import boundary_files as bf

ROOT = Path(__file__).resolve().parents[2]


def files(tmp_path: Path, data: dict) -> tuple[Path, Path]:
    scenario, boundaries = tmp_path / "twin.yaml", tmp_path / "twin.geojson"
    scenario.write_text(bf.TWIN_TOWN, encoding="utf-8")
    boundaries.write_bytes(bf.as_bytes(data))
    return scenario, boundaries


def test_import_map_matches_fixes_and_writes_the_scenario_with_its_map(tmp_path, capsys):
    """Atlantis (feature #4) matches no district and is given to The Isles by --fix; the
    output lists the match, the notes, and the files written; the new scenario loads,
    its map is beside it, and the report draws it with the attribution."""
    scenario, boundaries = files(tmp_path, bf.with_atlantis())
    out = tmp_path / "out" / "twin_map.yaml"
    code = main([
        "import-map", str(boundaries), "--scenario", str(scenario), "--out", str(out),
        "--fix", "#4=isles", "--attribution", "© Twin Town Planning 2026",
    ])  # fmt: skip
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "3 of 3 districts matched by name; 0 of 4 features match no district" in printed.out
    assert "made of several parts" in printed.out
    assert "wrote" in printed.out and "3 districts" in printed.out
    loaded = load_scenario(out)
    assert loaded.map is not None and loaded.map.topojson.startswith("maps/twin_map-")
    topology = read_map_file(loaded, out.parent)
    assert topology["attribution"] == "© Twin Town Planning 2026"
    ids = [g["id"] for g in topology["objects"]["districts"]["geometries"]]
    assert ids == ["north", "south", "isles"]
    report = tmp_path / "r.html"
    assert main(["report", str(out), "--out", str(report)]) == 0
    assert "© Twin Town Planning 2026" in report.read_text(encoding="utf-8")


def test_unmatched_features_and_districts_are_listed(tmp_path, capsys):
    north, south, _, atlantis = bf.with_atlantis()["features"]
    scenario, boundaries = files(tmp_path, bf.collection(north, south, atlantis))
    out = tmp_path / "twin_map.yaml"
    assert (
        main(["import-map", str(boundaries), "--scenario", str(scenario), "--out", str(out)]) == 0
    )
    printed = capsys.readouterr().out
    assert "2 of 3 districts matched by name; 1 of 3 features match no district" in printed
    assert "no district: #3 Atlantis" in printed and "no shape: isles (The Isles)" in printed


def test_a_bundled_scenario_by_name_and_match_by_id(tmp_path, capsys):
    """London by its bundled name; its boundary file's ids are the borough names."""
    out = tmp_path / "london.yaml"
    source = ROOT / "scenarios" / "maps" / "london_boroughs.topojson"
    code = main(["import-map", str(source), "--scenario", "london", "--out", str(out),
                 "--match-by", "id"])  # fmt: skip
    assert code == 0
    assert "33 of 33 districts matched by id" in capsys.readouterr().out
    assert len(json.loads((tmp_path / load_scenario(out).map.topojson).read_text())["arcs"]) > 33


def test_bad_input_is_listed_and_nothing_is_written(tmp_path, capsys):
    """A projected file, a fix that names nothing, and a .csv output: exit 1, a message
    on stderr (in Chinese with --lang zh), no file."""
    scenario, boundaries = files(tmp_path, bf.projected())
    out = tmp_path / "new.yaml"
    args = ["import-map", str(boundaries), "--scenario", str(scenario), "--out", str(out)]
    assert main([*args, "--lang", "zh"]) == 1
    assert "投影" in capsys.readouterr().err and not out.exists()
    scenario, boundaries = files(tmp_path, bf.two_squares())
    assert main([*args, "--fix", "Atlantis=north", "--fix", "North"]) == 1
    err = capsys.readouterr().err
    assert "no single feature is called Atlantis" in err and "FEATURE=DISTRICT" in err
    assert main([*args[:-1], str(tmp_path / "new.csv")]) == 1
    assert "must end in .yaml" in capsys.readouterr().err
    zipped = tmp_path / "zip.json"
    zipped.write_bytes(b"PK\x03\x04" + bytes(50))
    assert main(["import-map", str(zipped), "--scenario", str(scenario), "--out", str(out)]) == 1
    assert "zip archive" in capsys.readouterr().err
    assert not out.exists()
