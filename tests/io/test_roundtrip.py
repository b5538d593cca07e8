"""Round trips: YAML -> model -> YAML -> model is the identity, and table -> scenario ->
YAML -> scenario -> solve gives the same allocation.

The property test draws random *valid* scenarios (ids, texts in one or two languages,
positive populations, indicators, baselines, bounds, spend limits, policy, controls) and
checks that ``scenario_to_yaml`` writes a file that loads back to an equal model.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govdecide import Settings, solve
from govdecide.errors import ScenarioError
from govdecide.io.scenario import (
    load_scenario,
    parse_scenario,
    scenario_from_data,
    scenario_to_yaml,
)
from govdecide.io.scenario_checks import NEED_SCALE_LIMIT
from govdecide.io.table_edit import scenario_frames, scenario_from_frames
from govdecide.io.table_import import import_table

ROOT = Path(__file__).resolve().parents[2]
# the large generated region is slow to parse with pure-Python YAML; the loader's own
# tests cover it, these cover the hand-written places
BUNDLED = sorted(p for p in (ROOT / "scenarios").glob("*.yaml") if p.stat().st_size < 200_000)

ids = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
# any text a user could type, including quotes, colons, '#', YAML words ('yes', 'null',
# '1e5'), leading/trailing spaces, tabs, YAML line breaks (NEL, U+2028, U+2029, CR; see
# test_nel_in_text_round_trips), C1 controls, CJK and emoji; not the characters the loader
# refuses (surrogates, C0 controls other than tab and line breaks, U+FFFE/U+FFFF: see
# test_scenario_limits.py)
REFUSED = [chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)]
plain_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=REFUSED),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip())
texts = st.one_of(
    plain_text,
    st.fixed_dictionaries({"en": plain_text}),
    st.fixed_dictionaries({"en": plain_text, "zh": plain_text}),
)
# numbers of the sizes a scenario may hold: 0, or at least MIN_NONZERO (1e-9)
finite = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False).map(
    lambda v: v if v >= 1e-9 else 0.0
)
positive = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)
share = st.floats(min_value=0, max_value=1, allow_nan=False).map(lambda v: v if v >= 1e-9 else 0.0)
numbers = st.one_of(finite, st.integers(min_value=0, max_value=10**9))
positives = st.one_of(positive, st.integers(min_value=1, max_value=10**9))


@st.composite
def scenarios(draw: st.DrawFn) -> dict:
    """A random valid scenario as plain data (every need is population-based or an
    indicator every district has, so the cross-checks pass)."""
    district_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    program_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    indicator_ids = draw(st.lists(ids.filter(lambda s: s != "population"), max_size=3, unique=True))
    declare = draw(st.booleans())
    districts = draw_districts(draw, district_ids, program_ids, indicator_ids)
    programs = [draw_program(draw, p, indicator_ids, district_ids) for p in program_ids]
    # total weighted need must be > 0: give the first district a population-based need
    programs[0]["need"] = {"indicator": "population"}
    data = {
        "format": "govdecide/v1",
        "name": draw(texts),
        "districts": districts,
        "programs": programs,
        "policy": {"budget": draw(numbers), "equity_weight": draw(share)},
    }
    draw_optional_parts(draw, data, indicator_ids if declare else [], program_ids)
    for program in programs:
        fit_capacity(program, districts)
    return data


def fit_capacity(program: dict, districts: list[dict]) -> None:
    """Bring a program's capacity within a factor of NEED_SCALE_LIMIT (1e9) of its need in
    every district (the loader refuses needs a unit's capacity cannot serve at a sane
    scale); a need too large or too small for that becomes the population (1e-6 to 1e9,
    so the capacity lies between 1e-3 and 1e3 times the limit's reach, inside the schema's
    range)."""
    limit = NEED_SCALE_LIMIT

    def needs() -> list[float]:
        rule = program["need"]
        out = []
        for d in districts:
            if rule["indicator"] == "population":
                value = d["population"]
            else:
                value = d["indicators"][rule["indicator"]]
                value *= d["population"] if rule.get("per_capita") else 1
            out.append(value * rule.get("scale", 1.0))
        return [n for n in out if n > 0]

    found = needs()
    if found and (max(found) > 1e12 or min(found) < 1e-3):
        program["need"] = {"indicator": "population"}  # between 1e-6 and 1e9
        found = needs()
    if found:
        low, high = max(found) / limit * 1.01, min(found) * limit / 1.01
        program["capacity"] = min(max(program["capacity"], low), high)


def draw_districts(
    draw: st.DrawFn, district_ids: list[str], program_ids: list[str], indicator_ids: list[str]
) -> list[dict]:
    """Districts with every indicator, and optionally an area, a tile and units in place."""
    tiles = draw(
        st.lists(
            st.tuples(st.integers(0, 20), st.integers(0, 20)),
            min_size=len(district_ids),
            max_size=len(district_ids),
            unique=True,
        )
    )
    districts = []
    for d, tile in zip(district_ids, tiles, strict=True):
        item = {"id": d, "name": draw(texts), "population": draw(positives)}
        if draw(st.booleans()):
            item["area_km2"] = draw(positives)
        if draw(st.booleans()):
            item["tile"] = list(tile)  # two districts never share a tile
        if indicator_ids:
            item["indicators"] = {i: draw(numbers) for i in indicator_ids}
        if draw(st.booleans()):
            item["baseline"] = {p: draw(numbers) for p in program_ids if draw(st.booleans())}
        districts.append(item)
    return districts


def draw_program(
    draw: st.DrawFn, p: str, indicator_ids: list[str], district_ids: list[str]
) -> dict:
    """A program whose bounds, spend limits and per-district bound are consistent."""
    need_ind = draw(st.sampled_from(["population", *indicator_ids]))
    need = {"indicator": need_ind}
    if need_ind != "population" and draw(st.booleans()):
        need["per_capita"] = True
    if draw(st.booleans()):
        need["scale"] = draw(positive)
    integer = draw(st.booleans())
    # whole-unit programs take whole bounds
    bound = st.integers(0, 10**6).map(float) if integer else finite
    lo = draw(st.one_of(st.just(0.0), bound))
    item = {
        "id": p,
        "name": draw(texts),
        "unit_cost": draw(numbers),
        "capacity": draw(positives),
        "need": need,
        "integer": integer,
        "weight": draw(st.floats(min_value=0.5, max_value=5)),
        "min_units": lo,
    }
    if draw(st.booleans()):
        item["max_units"] = lo + draw(bound)
    if draw(st.booleans()):
        item["unit"] = draw(texts)
    if draw(st.booleans()):
        smin = draw(finite)
        item["spend_min"] = smin
        item["spend_max"] = smin + draw(finite)
    if draw(st.booleans()):
        d = draw(st.sampled_from(district_ids))
        item["district_bounds"] = {d: {"max_units": draw(bound) + lo}}
    return item


def draw_optional_parts(
    draw: st.DrawFn, data: dict, declared_ids: list[str], program_ids: list[str]
) -> None:
    """Add, each maybe: description, currency, staff, solver options, declared indicators
    (for ``declared_ids``) and two workshop sliders."""
    if draw(st.booleans()):
        data["description"] = draw(texts)
    if draw(st.booleans()):
        data["currency"] = draw(texts)
    if draw(st.booleans()):
        data["policy"]["staff"] = draw(numbers)
    if draw(st.booleans()):
        data["policy"]["solver"] = {"time_limit_s": draw(positive), "gap": draw(share)}
    if declared_ids:
        data["indicators"] = [
            {"id": i, "name": draw(texts), "unit": draw(texts), "source": draw(texts)}
            for i in declared_ids
        ]
    if draw(st.booleans()):
        lo = draw(st.floats(min_value=0, max_value=100).map(lambda v: v if v >= 1e-9 else 0.0))
        data["controls"] = [
            {"param": "policy.budget", "min": lo, "max": lo + draw(positive), "step": 1.0},
            {"param": f"programs.{program_ids[0]}.weight", "min": 0, "max": 3, "step": 0.1},
        ]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_yaml_model_yaml_model_is_identity(data):
    """Any valid scenario: model -> YAML -> model gives an equal model, and writing it
    again gives the same text (the YAML is a fixed point)."""
    first = scenario_from_data(data)
    text = scenario_to_yaml(first)
    second = parse_scenario(text, "roundtrip.yaml")
    assert second == first
    assert scenario_to_yaml(second) == text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_edit_tables_round_trip(data):
    """The app's edit tables, read back unedited, give the same scenario (nothing the
    tables do not show is lost), and so does its YAML."""
    first = scenario_from_data(data)
    again = scenario_from_frames(first, scenario_frames(first))
    assert again == first
    assert scenario_to_yaml(again) == scenario_to_yaml(first)


def test_edits_are_applied_and_validated():
    """Riverton with Old Town's population set to 170,000, a new district added and the
    budget lowered: the edits arrive; a blank population or a negative budget is reported
    with its table path, not used."""
    riverton = load_scenario(ROOT / "scenarios" / "riverton.yaml")
    frames = scenario_frames(riverton)
    districts = frames["districts"].copy()
    districts.loc[0, "population"] = 170000
    new = {c: None for c in districts.columns} | {
        "id": "new_town",
        "name_en": "New Town",
        "name_zh": "新城",
        "population": 5000.0,
    }
    new |= {c: 0.1 for c in districts.columns if c.startswith("ind:")}
    districts.loc[len(districts)] = new
    policy = frames["policy"].copy()
    policy.loc[0, "budget"] = 12345
    edited = scenario_from_frames(riverton, frames | {"districts": districts, "policy": policy})
    assert edited.district("old_town").population == 170000
    assert edited.district("old_town").tile == riverton.district("old_town").tile
    assert edited.district("new_town").name == {"en": "New Town", "zh": "新城"}
    assert edited.policy.budget == 12345
    assert edited.policy.solver == riverton.policy.solver
    assert parse_scenario(scenario_to_yaml(edited)) == edited

    districts.loc[1, "population"] = None
    policy.loc[0, "budget"] = -1
    with pytest.raises(ScenarioError) as exc:
        scenario_from_frames(
            riverton, frames | {"districts": districts, "policy": policy}, file="edited"
        )
    text = "\n".join(exc.value.messages("en"))
    assert "Districts table, row 2: population: is required but missing" in text
    assert "Policy table, row 1: budget: must be at least 0, got -1" in text


def test_nel_in_text_round_trips():
    """Found by the property above. U+0085 is what a Windows-1252 ellipsis (byte 0x85)
    becomes when a file is decoded as Latin-1, so it can reach a name. 'North\\x85' once
    came back as 'North ' (a space). The other YAML line breaks (U+2028, U+2029, CR), at
    the end, in the middle and next to a newline, must survive too; the YAML writes them as
    double-quoted escapes (\\N for NEL)."""
    data = {
        "format": "govdecide/v1",
        "name": "North\x85",
        "districts": [{"id": "a", "name": "A", "population": 1.0}],
        "programs": [
            {
                "id": "p",
                "name": "P",
                "unit_cost": 1.0,
                "capacity": 1.0,
                "need": {"indicator": "population"},
            }
        ],
        "policy": {"budget": 1.0},
    }
    first = scenario_from_data(data)
    text = scenario_to_yaml(first)
    assert 'name: "North\\N"' in text
    assert parse_scenario(text) == first
    for name in ("a\u2028b", "end\u2029", "x\ry", "a \x85 b", "北区\x85…", "two\x85\nlines"):
        scenario = scenario_from_data(data | {"name": {"en": name, "zh": name}})
        back = parse_scenario(scenario_to_yaml(scenario))
        assert back == scenario
        assert back.name == {"en": name, "zh": name}


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_scenarios_round_trip(path):
    scenario = load_scenario(path)
    assert parse_scenario(scenario_to_yaml(scenario), path.name) == scenario


def test_table_to_scenario_to_yaml_to_solve():
    """A table with Chinese and English names builds a scenario whose YAML loads back to
    an equal scenario, and both solve to the same allocation. Template: Riverton (its
    programs need population, elderly_share, children_share, hotline_calls_per_10k)."""
    riverton = load_scenario(ROOT / "scenarios" / "riverton.yaml")
    table = (
        "name,区,population,elderly_share,children_share,hotline_calls_per_10k\n"
        "North,北区,120000,0.2,0.12,150\n"
        "South,南区,80000,0.15,0.14,90\n"
        "Old Port,旧港,200000,0.1,0.1,60\n"
    )
    built = import_table(table.encode(), "mine.csv", riverton).scenario
    again = parse_scenario(scenario_to_yaml(built), "mine.yaml")
    assert again == built
    s = Settings(budget=20000)
    r1, r2 = solve(built, s), solve(again, s)
    assert r1.status == r2.status == "optimal"
    a1 = r1.allocation.set_index(["district", "program"])["new_units"]
    a2 = r2.allocation.set_index(["district", "program"])["new_units"]
    assert (a1 - a2).abs().max() < 1e-9
    assert math.isclose(r1.objective, r2.objective, rel_tol=1e-12)
