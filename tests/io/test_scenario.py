"""The scenario loader (SCENARIO_FORMAT.md): what it accepts, and how it refuses the rest.

The malformed corpus (tests/test_malformed.py) covers one mistake per file; these tests
cover the accepted extension keys, texts in two languages, the round trip through YAML,
file-level refusals (size, encoding, unreadable, alias bombs) and that problems found by
different checks in one file are all reported together, in line order.
"""

from __future__ import annotations

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govdecide.errors import ScenarioError
from govdecide.i18n import localize
from govdecide.io.scenario import (
    MAX_FILE_BYTES,
    display_names,
    load_scenario,
    parse_scenario,
    parse_scenario_bytes,
    scenario_from_data,
    scenario_to_yaml,
)

FULL = """\
format: govdecide/v1
name: {en: Testville, zh: 测试市}
description: A town for tests
currency: {en: "CNY 10k", zh: 万元}
attribution: {en: "Contains public sector information (OGL v3)", zh: 含公共部门信息}
map: {topojson: maps/town.topojson, object: wards}
indicators:
  - id: elderly_share
    name: {en: Share aged 65+, zh: 65岁以上人口占比}
    unit: share
    source: "7th census 2020"
    description: {en: Residents aged 65 or more, zh: 65岁及以上居民}
    illustrative: true
districts:
  - id: north
    name: {en: North, zh: 北区}
    population: 2500000
    area_km2: 40.5
    tile: [0, 1]
    map_id: North Ward
    indicators: {elderly_share: 0.18}
    baseline: {clinic: 3}
  - id: south
    name: South
    population: 1_000_000
    indicators: {elderly_share: 0.1}
programs:
  - id: clinic
    name: {en: Community health station, zh: 社区卫生服务站}
    unit: {en: station, zh: 个}
    description: {en: A small clinic, zh: 小型诊所}
    unit_cost: 120
    capacity: 10000
    staff_per_unit: 8
    integer: true
    need: {indicator: population}
    min_units: 0
    max_units: 10
    weight: 1.5
    spend_min: 0
    spend_max: 2000
    district_bounds:
      north: {min_units: 1, max_units: 4}
  - id: care
    name: Care grant
    unit_cost: 1
    capacity: 100
    need: {indicator: elderly_share, per_capita: true, scale: 0.5}
policy:
  budget: 5000
  staff: 400
  equity_weight: 0.3
  solver: {time_limit_s: 20, gap: 0.0001}
controls:
  - {param: policy.budget, min: 1000, max: 10000, step: 100, label: {en: Budget, zh: 预算}}
  - {param: policy.equity_weight, min: 0, max: 1, step: 0.05}
  - {param: programs.clinic.weight, min: 0, max: 3, step: 0.1}
"""


def problems_of(text: str) -> list[str]:
    """The English messages a text is refused with (fails the test when it loads)."""
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "t.yaml")
    return info.value.messages("en")


def test_every_core_and_extension_key_is_accepted():
    """The full example of SCENARIO_FORMAT.md plus the extension keys loads as written."""
    s = parse_scenario(FULL, "t.yaml")
    assert localize(s.attribution, "en").startswith("Contains public sector")
    assert (s.map.topojson, s.map.object) == ("maps/town.topojson", "wards")
    ind = s.indicator("elderly_share")
    assert ind.illustrative is True and localize(ind.description, "zh") == "65岁及以上居民"
    assert s.district("north").map_id == "North Ward"
    assert s.district("south").population == 1_000_000  # YAML 1_000_000 is a number
    assert localize(s.program("clinic").description, "en") == "A small clinic"
    assert localize(s.controls[0].label, "zh") == "预算"
    assert s.program("clinic").bounds_for("north") == (1, 4)
    assert s.program("clinic").bounds_for("south") == (0, 10)
    assert s.policy.solver.time_limit_s == 20


def test_texts_plain_or_by_language_and_display_names():
    """A plain string serves every language; {en, zh} picks the language, falling back to en."""
    s = parse_scenario(FULL, "t.yaml")
    assert display_names(s, "zh") == {
        "north": "北区",
        "south": "South",
        "clinic": "社区卫生服务站",
        "care": "Care grant",
    }
    assert display_names(s, "en")["north"] == "North"
    assert display_names(s, "fr")["clinic"] == "Community health station"


def test_round_trip_through_yaml():
    """scenario_to_yaml gives text that loads back to an equal scenario."""
    s = parse_scenario(FULL, "t.yaml")
    again = parse_scenario(scenario_to_yaml(s), "again.yaml")
    assert again == s


def test_scenario_is_frozen():
    """A loaded scenario cannot be changed by accident (the app shares one between pages)."""
    s = parse_scenario(FULL, "t.yaml")
    with pytest.raises(pydantic.ValidationError):
        s.policy.budget = 1  # type: ignore[misc]


def test_problems_of_different_checks_come_together_in_line_order():
    """A type error (pydantic) and a duplicate id (cross-check) in one file: both, sorted.

    The second district repeats the id 'north' (line 23) and the budget is text (line 50).
    """
    text = FULL.replace("  - id: south\n", "  - id: north\n").replace(
        "budget: 5000", "budget: lots"
    )
    assert problems_of(text) == [
        "t.yaml: districts[1].id: the id 'north' is used twice (first at districts[0]); "
        "ids must be unique (line 23)",
        "t.yaml: policy.budget: must be a number, got 'lots' (line 50)",
    ]


def test_lacking_need_indicator_without_declared_indicators():
    """With no indicators declared, a need indicator must still exist in every district.

    Removing the 7-line indicators block moves south's indicators from line 26 to 19.
    """
    text = FULL.replace("    indicators: {elderly_share: 0.1}\n", "    indicators: {income: 3}\n")
    text = text[: text.index("indicators:\n  - id")] + text[text.index("districts:") :]
    msgs = problems_of(text)
    assert msgs == [
        "t.yaml: districts[1].indicators: has no value for indicator 'elderly_share', which "
        "program 'care' needs (a missing value is not taken as zero) (line 19)"
    ]


def test_controls_negative_min_and_duplicate_param():
    """A budget slider may not start below 0; one setting gets one slider.

    FULL has 57 lines; controls[0] is on line 55 and the appended control on line 58.
    """
    text = FULL.replace("{param: policy.budget, min: 1000", "{param: policy.budget, min: -5")
    text += "  - {param: programs.clinic.weight, min: 0, max: 2, step: 0.5}\n"
    assert problems_of(text) == [
        "t.yaml: controls[0].min: the slider's min must be 0 or more, got -5 (line 55)",
        "t.yaml: controls[3].param: there is already a slider for programs.clinic.weight "
        "(controls[2]) (line 58)",
    ]


def test_alias_bomb_is_refused_quickly():
    """Nine levels of ten aliases expand to 10^9 values; the loader refuses, not hangs."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    text = "\n".join(lines) + "\n"
    msgs = problems_of(text)
    assert len(msgs) == 1 and "expands to more than 500,000 values" in msgs[0]


def test_file_level_refusals(tmp_path):
    """Too large, not UTF-8, missing: one plain message each, naming the file."""
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: Caf\xe9\n".encode("latin-1"))
    cases = {
        big: "big.yaml: the file is larger than 5 MB",
        latin: "latin.yaml: is not UTF-8 text; save it as UTF-8 and try again",
        tmp_path / "missing.yaml": "missing.yaml: cannot be read: No such file or directory",
    }
    for path, message in cases.items():
        with pytest.raises(ScenarioError) as info:
            load_scenario(path)
        assert info.value.messages("en") == [message]


def test_byte_order_mark_is_accepted(tmp_path):
    """Windows editors save UTF-8 with a BOM; that is still a good file."""
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + FULL.encode("utf-8"))
    assert load_scenario(path).policy.budget == 5000


def test_uploaded_bytes_are_checked_like_a_file():
    """The app's upload goes through parse_scenario_bytes, the same function load_scenario
    uses after reading: one byte over 5 MB, Latin-1 text and a valid file with a BOM give
    the same result as from disk, naming the uploaded file."""
    over = b"#" * (MAX_FILE_BYTES + 1)
    with pytest.raises(ScenarioError) as info:
        parse_scenario_bytes(over, "up.yaml")
    assert info.value.messages("en") == ["up.yaml: the file is larger than 5 MB"]
    with pytest.raises(ScenarioError) as info:
        parse_scenario_bytes("name: Caf\xe9\n".encode("latin-1"), "up.yaml")
    assert info.value.messages("en") == [
        "up.yaml: is not UTF-8 text; save it as UTF-8 and try again"
    ]
    good = parse_scenario_bytes(b"\xef\xbb\xbf" + FULL.encode("utf-8"), "up.yaml")
    assert good == parse_scenario(FULL, "other.yaml")
    assert good.policy.budget == 5000


def test_from_data_without_lines_and_not_a_mapping():
    """scenario_from_data (tables, the app's editor) reports paths without lines."""
    import yaml

    data = yaml.safe_load(FULL)
    data["policy"]["budget"] = -1
    with pytest.raises(ScenarioError) as info:
        scenario_from_data(data, file="edited")
    assert info.value.messages("en") == ["edited: policy.budget: must be at least 0, got -1"]
    with pytest.raises(ScenarioError) as info:
        scenario_from_data([1, 2], file="edited")  # type: ignore[arg-type]
    assert info.value.problems[0].code == "not_a_scenario"


def test_map_paths_inside_the_folder_only():
    """A relative path in a subfolder is fine; absolute and '..' paths are refused."""
    ok = FULL.replace("maps/town.topojson", "maps/sub/town.topojson")
    assert parse_scenario(ok, "t.yaml").map.topojson == "maps/sub/town.topojson"
    for bad in ("/etc/passwd", "C:/x.json", "maps/../../x.json"):
        msgs = problems_of(FULL.replace("maps/town.topojson", bad))
        assert len(msgs) == 1 and msgs[0].startswith("t.yaml: map.topojson: must be a path")


# random damage: whatever happens to the text, the loader answers with a Scenario or a
# ScenarioError whose every problem has a message in both languages, never another error
_LINES = FULL.splitlines()
_JUNK = [
    "",
    "-1",
    ".nan",
    ".inf",
    "x",
    "[1, 2, 3]",
    "{a: 1}",
    "null",
    "true",
    "1e6",
    "'12'",
    "- a",
    "&a 1",
    "*a",
    ": :",
    "\t",
    "北区",
    "9" * 40,
    "{",
    "]",
]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, len(_LINES) - 1),
            st.sampled_from(["delete", "value", "dup", "indent"]),
            st.sampled_from(_JUNK),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_damaged_files_never_raise_anything_else(edits):
    """Delete lines, replace values with junk, duplicate lines, shift indentation."""
    lines = list(_LINES)
    for index, action, junk in edits:
        index %= len(lines)
        line = lines[index]
        if action == "delete":
            del lines[index]
        elif action == "value" and ":" in line:
            lines[index] = line.split(":", 1)[0] + ": " + junk
        elif action == "dup":
            lines.insert(index, line)
        else:
            lines[index] = " " + line
        if not lines:
            lines = ["{}"]
    try:
        parse_scenario("\n".join(lines) + "\n", "damaged.yaml")
    except ScenarioError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.message("en") and problem.message("zh")
