"""Scenario files a hostile or careless upload makes: refused at the door, in words.

Each test changes one line of a valid scenario (``BASE``) and checks that the loader
answers with :class:`ScenarioError` and the catalogue code that says why, in both
languages, never another exception, and never accepts a value that the charts, the
exports or the solver cannot use (issue 11, items 1-3). The memory-bomb files (recursive
aliases) live in the hostile corpus (tests/io/hostile/), run in a child process with a
memory limit.
"""

from __future__ import annotations

import pytest

from govdecide.errors import ScenarioError
from govdecide.i18n import LANGS
from govdecide.io.scenario import parse_scenario, scenario_from_data
from govdecide.io.scenario_schema import printable, unsafe_character
from govdecide.model.engine import solve
from tests.io.hostile.make_hostile import SCENARIO

# the hostile corpus's valid scenario, with a map region for north
BASE = SCENARIO.replace("population: 1000\n", "population: 1000\n    map_id: N1\n", 1)


def refused(text: str) -> ScenarioError:
    """The error of a changed BASE; every message renders in both languages and carries
    no character that cannot be printed (a lone surrogate would break the terminal)."""
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "t.yaml")
    for lang in LANGS:
        for message in info.value.messages(lang):
            assert message and unsafe_character(message) is None
            message.encode("utf-8")  # a lone surrogate raises here
    return info.value


def codes(text: str) -> set[str]:
    """The catalogue codes of the problems of a changed BASE."""
    return {p.code for p in refused(text).problems}


def changed(old: str, new: str) -> str:
    """BASE with one text replaced (which must be there)."""
    assert old in BASE
    return BASE.replace(old, new, 1)


def test_base_is_valid_and_solves():
    assert solve(parse_scenario(BASE, "t.yaml")).has_solution


# --- item 1: characters that cannot be shown, exported or saved -------------------------


@pytest.mark.parametrize(
    "escape", ["\\x00", "\\x01", "\\x08", "\\x0b", "\\x0c", "\\x0e", "\\x1f", "\\uFFFE", "\\uFFFF"]
)
def test_control_characters_in_a_name_are_refused(escape: str):
    """A YAML escape writes the character; the name is refused with its code point."""
    error = refused(changed("name: South", f'name: "So{escape}uth"'))
    assert [p.code for p in error.problems] == ["bad_character"]
    assert error.problems[0].path == "districts[1].name"
    point = escape[2:].upper().rjust(4, "0")
    assert f"U+{point}" in error.messages("en")[0]


def test_control_character_in_a_language_text_and_a_map_id():
    """Texts by language and plain strings (a map region) are checked alike."""
    text = changed("{en: North, zh: 北区}", '{en: North, zh: "北\\x07区"}')
    text = text.replace("map_id: N1", 'map_id: "N\\x1b1"')
    error = refused(text)
    assert {(p.path, p.code) for p in error.problems} == {
        ("districts[0].name", "bad_character"),
        ("districts[0].map_id", "bad_character"),
    }


def test_tab_and_line_breaks_are_fine():
    """Tab, newline and carriage return are ordinary text (not in the refused set)."""
    scenario = parse_scenario(changed("name: South", 'name: "So\\tu\\nth\\r"'), "t.yaml")
    assert scenario.districts[1].name == "So\tu\nth\r"


def test_lone_surrogate_is_refused():
    """'\\ud800' is half of a UTF-16 pair: no file, chart or terminal can hold it."""
    error = refused(changed("name: South", 'name: "\\ud800"'))
    assert [p.code for p in error.problems] == ["bad_character"]
    assert "U+D800" in error.messages("zh")[0]


def test_an_unknown_key_with_a_control_character_is_quoted_printably():
    """The key itself is user text in the message: it is shown escaped."""
    error = refused(changed("policy: {budget: 500}", 'policy: {budget: 500, "b\\x01x": 1}'))
    assert [p.code for p in error.problems] == ["unknown_key"]
    assert "\\x01" in error.problems[0].path


def test_data_from_a_caller_is_checked_too():
    """scenario_from_data (tables, the editor) refuses the same characters."""
    data = parse_scenario(BASE, "t.yaml").model_dump(exclude_none=True)
    data["districts"][0]["name"] = {"en": "North\x00"}
    with pytest.raises(ScenarioError) as info:
        scenario_from_data(data)
    assert [p.code for p in info.value.problems] == ["bad_character"]


def test_printable_and_unsafe_character():
    assert unsafe_character("North 北区\t\n") is None
    assert unsafe_character("a\x01b") == "U+0001"
    assert unsafe_character("\ud800") == "U+D800"
    assert printable("a\x01b\ud800\uffff") == "a\\x01b\\ud800\\uffff"


# --- item 3: numbers the model cannot use ------------------------------------------------


def test_integer_above_the_float_range():
    """10^400 is an int to YAML and no float at all: refused as too large."""
    assert "number_too_large" in codes(changed("population: 2000", "population: 1" + "0" * 400))


def test_integer_with_more_digits_than_python_converts():
    """4,301 digits: Python refuses to convert it (ValueError); the loader says why."""
    error = refused(changed("population: 2000", "population: " + "1" * 4301))
    assert [p.code for p in error.problems] == ["number_too_large"]
    assert error.problems[0].line == 13


def test_sexagesimal_integer_is_bounded():
    """YAML 1.1 reads 1:2:3 as a base-60 number; a long one must not take forever."""
    assert codes(changed("population: 2000", "population: " + ":".join(["1"] * 20000))) == {
        "number_too_large"
    }


@pytest.mark.parametrize("value", ["1.0e-300", "1.0e-320", "5.0e-324"])
def test_tiny_positive_populations_are_refused(value: str):
    """Every population 1e-300 made the solver crash; subnormal 1e-320 too."""
    text = changed("population: 1000", f"population: {value}")
    text = text.replace("population: 2000", f"population: {value}")
    assert "number_too_small" in codes(text)


def test_tiny_indicator_is_refused_zero_is_not():
    """An indicator of 1e-320 gave PuLP a NaN right-hand side; 0 is an ordinary value."""
    assert "number_too_small" in codes(changed("elderly_share: 0.1", "elderly_share: 1.0e-320"))
    parse_scenario(changed("elderly_share: 0.1", "elderly_share: 0"), "t.yaml")


def test_numbers_above_the_ceiling_are_refused():
    """A budget of 1e300 is finite but no figure any place has."""
    assert "number_too_large" in codes(changed("budget: 500", "budget: 1.0e+300"))


def test_huge_tile_coordinates_are_refused_and_quoted_short():
    """Tiles are grid places; an integer of thousands of digits must not reach a message."""
    text = changed("map_id: N1", "tile: [" + "9" * 4000 + ", 0]")
    text = text.replace("population: 2000", "population: 2000\n    tile: [" + "9" * 4000 + ", 0]")
    assert "number_too_large" in codes(text)


def test_need_and_capacity_of_absurd_scale():
    """Need 1,000 people and capacity 10^14 per unit: 10^-11 units meet the need; the
    capacity coefficient (capacity / need = 10^11) is beyond what the solver handles."""
    error = refused(changed("capacity: 500", "capacity: 1.0e+14"))
    assert "need_scale" in {p.code for p in error.problems}
    assert any("programs[0]" in p.path for p in error.problems)


def test_need_scale_reports_once_per_program():
    """Many districts with the same mistake: one message, not one per district."""
    base = parse_scenario(BASE, "t.yaml").model_dump(exclude_none=True)
    base["districts"] = [
        {"id": f"d{i}", "name": f"D{i}", "population": 1000, "indicators": {"elderly_share": 0.1}}
        for i in range(50)
    ]
    base["programs"][0]["capacity"] = 1.0e14
    with pytest.raises(ScenarioError) as info:
        scenario_from_data(base)
    assert [p.code for p in info.value.problems] == ["need_scale"]


# --- item 3: nesting --------------------------------------------------------------------


@pytest.mark.parametrize("depth", [30, 600, 2000, 100_000])
def test_deep_flow_nesting(depth: int):
    """[[[...]]] 600 deep broke the error formatter, 2,000 deep the parser fallback."""
    assert codes(changed("name: South", "name: " + "[" * depth + "]" * depth)) == {"too_deep"}


def test_deep_block_nesting():
    """Indentation nests too: 3,000 levels of 'a:' in a row."""
    deep = "\n".join(" " * i + "a:" for i in range(3000))
    assert codes(BASE + "extra:\n" + "\n".join(" " + line for line in deep.splitlines())) == {
        "too_deep"
    }


def test_unclosed_deep_nesting():
    """A syntax error deep inside: the parser that finds the message must not recurse."""
    assert codes("name: " + "[" * 5000) <= {"too_deep", "yaml_syntax", "yaml_bracket"}


def test_deep_data_from_a_caller():
    """A deeply nested name passed as data (not YAML) is refused, not a RecursionError."""
    data = parse_scenario(BASE, "t.yaml").model_dump(exclude_none=True)
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    data["name"] = deep
    with pytest.raises(ScenarioError) as info:
        scenario_from_data(data)
    assert info.value.messages("zh")


# --- values YAML cannot construct --------------------------------------------------------


@pytest.mark.parametrize("value", ["!!int abc", "!!float abc", "2024-13-45", "!!timestamp x"])
def test_values_yaml_cannot_build(value: str):
    """These raised ValueError inside the YAML reader (not a YAMLError)."""
    error = refused(changed("budget: 500", f"budget: 500, extra: {value}"))
    assert error.problems[0].line == 22


def test_a_raw_lone_surrogate_in_the_text():
    """parse_scenario takes text: a raw lone surrogate (not a YAML escape) made the YAML
    reader raise UnicodeEncodeError; it is refused at its line."""
    error = refused(changed("name: South", "name: So\udc80uth"))
    assert [p.code for p in error.problems] == ["bad_character"]
    assert error.problems[0].line == 12


def test_the_ceiling_itself_is_refused_just_below_it_solves():
    """HiGHS takes a matrix entry of 1e15 or more as infinite and refuses the model (the
    fuzz suite found a unit cost of exactly 1e15 crashing the solve): the ceiling is
    exclusive. A cost or staff per unit is a coefficient of the budget and staff rows,
    and above 1e12 the model cannot compute with it: such a file is refused at the door,
    with its path, where it used to pass and fail at the solve (the fuzz suite found
    1,000,000,000,001); a large cost the model takes solves."""
    assert "number_too_large" in codes(changed("unit_cost: 100", "unit_cost: 1.0e+15"))
    for too_much in ("9.99e+14", "1000000000001"):
        error = refused(changed("unit_cost: 100", f"unit_cost: {too_much}"))
        assert [p.path for p in error.problems] == ["programs[0].unit_cost"], too_much
    scenario = parse_scenario(changed("unit_cost: 100", "unit_cost: 1.0e+12"), "t.yaml")
    assert solve(scenario).status in ("optimal", "feasible", "infeasible")
    scenario = parse_scenario(changed("unit_cost: 100", "unit_cost: 9.99e+11"), "t.yaml")
    assert solve(scenario).status in ("optimal", "feasible", "infeasible")
