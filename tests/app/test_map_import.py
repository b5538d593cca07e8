"""The data page's map section (issue 16), run headless with Streamlit's AppTest.

London's bundled boundaries are imported as if they were a user's file onto a copy of
the London scenario without its map: matched by name, used, and then drawn on the data
page, Explore and Present. A small file with one feature that matches no district is
fixed in the match table; a zip renamed .json is refused in words.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from streamlit.testing.v1 import AppTest

from tests.io import boundary_files as bf

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
LONDON = ROOT / "scenarios" / "london.yaml"
BOUNDARIES = ROOT / "scenarios" / "maps" / "london_boroughs.topojson"
TIMEOUT = 180


def london_without_map() -> bytes:
    """The London scenario with no map key and no map_id: what an analyst has."""
    data = yaml.safe_load(LONDON.read_text(encoding="utf-8"))
    data.pop("map")
    for district in data["districts"]:
        district.pop("map_id", None)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


def open_data_page(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, key: str, name: str, data: bytes) -> None:
    next(u for u in at.file_uploader if u.key == key).upload(name, data, "application/json").run()
    assert not at.exception, [e.value for e in at.exception]


def text(at: AppTest) -> str:
    """Everything the page says in Markdown, captions and alerts, escapes undone."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [a.value for kind in ("success", "info", "warning", "error") for a in at.get(kind)]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def map_specs(at: AppTest) -> list[dict]:
    """The Vega-Lite specs of the page's charts that draw a TopoJSON."""
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    return [s for s in specs if '"topojson"' in json.dumps(s)]


def drawn_ids(spec: object) -> set[str]:
    """The feature ids of the TopoJSON a chart embeds (found wherever the spec keeps it)."""
    stack = [spec]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("type") == "Topology":
                return {g["id"] for g in item["objects"]["districts"]["geometries"]}
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return set()


def test_london_boundaries_imported_by_name_draw_on_every_page():
    """33 of 33 boroughs match by name (the file's ids are borough names); after "Use this
    map" the new scenario "London (your map)" is current and its map, with the attribution
    typed, is what the data page, Explore and Present draw (33 shapes, district ids)."""
    at = open_data_page()
    upload(at, "io_upload_yaml", "london_copy.yaml", london_without_map())
    upload(at, "maps_upload", "boroughs.topojson", BOUNDARIES.read_bytes())
    assert "33 features with an area" in text(at)
    assert "were repaired: #20 Richmond upon Thames" in text(at)
    by = next(s for s in at.selectbox if (s.key or "").startswith("maps_by:"))
    by.set_value("name").run()
    assert "33 of 33 districts matched by id; 0 of 33 features match no district" in text(at)
    assert "Every district has a shape." in text(at)
    at.text_input(key="maps_attribution").input("Contains OS data © Crown copyright 2015").run()
    at.button(key="maps_use").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "'London' now draws its districts with your map (33 districts" in text(at)
    picker = next(s for s in at.selectbox if (s.key or "").startswith("scenario_picker:"))
    assert picker.value == "london_copy-map"
    specs = map_specs(at)
    assert len(specs) == 1 and len(drawn_ids(specs[0])) == 33
    assert specs[0]["title"]["subtitle"] == "Contains OS data © Crown copyright 2015"
    assert any(b.proto.label.startswith("Download the scenario with its map") for b in
               at.get("download_button"))  # fmt: skip
    # kept in the workspace with its map: the link opens it, drawn, in a new session
    again = AppTest.from_file(APP, default_timeout=120)
    for key in ("ws", "scenario"):
        again.query_params[key] = at.query_params[key][0] if isinstance(
            at.query_params[key], list) else at.query_params[key]  # fmt: skip
    again.run()
    again.switch_page("app_pages/explore.py").run()
    assert not again.exception, [e.value for e in again.exception]
    specs = map_specs(again)
    assert specs and len(drawn_ids(specs[0])) == 33

    at.switch_page("app_pages/explore.py").run()
    assert not at.exception
    (explore,) = map_specs(at)
    assert "city_of_london" in drawn_ids(explore) and len(drawn_ids(explore)) == 33

    at.switch_page("app_pages/present.py").run()
    assert not at.exception
    (gains,) = map_specs(at)
    assert gains["title"]["text"] == "Coverage gain per district"
    assert len(drawn_ids(gains)) == 33


def test_a_feature_that_matches_no_district_is_fixed_in_the_table():
    """Twin Town and a file with Atlantis: 1 of 4 features matches no district. Giving
    Atlantis (the table's first row: unmatched rows come first) to The Isles leaves none."""
    at = open_data_page()
    upload(at, "io_upload_yaml", "twin.yaml", bf.TWIN_TOWN.encode())
    upload(at, "maps_upload", "twin.geojson", bf.as_bytes(bf.with_atlantis()))
    assert "3 of 3 districts matched by name; 1 of 4 features match no district" in text(at)
    key = next(e.key for e in at.data_editor if (e.key or "").startswith("maps_fix:"))
    at.session_state[key] = {
        "edited_rows": {0: {"District": "The Isles · isles"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    assert "3 of 3 districts matched by name; 0 of 4 features match no district" in text(at)
    at.button(key="maps_use").click().run()
    assert "3 districts are drawn by several features" not in text(at)
    assert "1 districts are drawn by several features, joined into one shape: The Isles" in text(at)


def test_a_zip_renamed_json_is_refused_in_words_in_both_languages():
    for lang, words in (("en", "is a zip archive, not a map"), ("zh", "是 zip 压缩包")):
        at = open_data_page(lang)
        upload(at, "maps_upload", "districts.json", b"PK\x03\x04" + bytes(200))
        assert words in text(at)
        assert not any((e.key or "").startswith("maps_fix:") for e in at.data_editor)


def test_the_map_section_in_chinese():
    at = open_data_page("zh")
    assert "您的区界地图" in [h.value for h in at.subheader]
