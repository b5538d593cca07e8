"""Cross-checks of a scenario file: references between its parts, on the raw data.

Pydantic checks each part of a file against the schema (:mod:`govdecide.io.scenario_schema`);
what relates one part to another (duplicate ids, a baseline for an unknown program, a need
indicator a district lacks, bounds that contradict each other) is checked here. The checks
read the raw mapping, not the model, so that they still run when pydantic has found type
errors elsewhere and every problem of the file is reported at once. A key the file leaves
out reads as the schema's default for it (:func:`_value`), so the defaults are said once.

Each check returns raw problems ``(key path, catalogue code, params)``; they are written as
tuple literals so that the catalogue check (``tests/test_i18n.py``) can see every code and
its parameters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from govdecide.io.scenario_schema import (
    CONTROL_PARAM,
    MAX_NUMBER,
    MAX_TILE,
    MIN_NONZERO,
    Need,
    Policy,
    Program,
)
from govdecide.io.scenario_yaml import yaml_quote

Raw = tuple[tuple[Any, ...], str, dict]
_SECTIONS = ("indicators", "districts", "programs")  # the parts whose entries have ids
_BOUND_KEYS = ("min_units", "max_units")
# How far a pair's need and one unit's capacity may differ (need / capacity is the number
# of units that meets the need). The model's capacity row has capacity / need as its
# coefficient, and HiGHS drops coefficients below 1e-9 as zero and refuses huge ones: past
# this factor the optimizer would compute with numbers it cannot represent.
NEED_SCALE_LIMIT = 1e9


def cross_checks(data: dict) -> list[Raw]:
    """Everything that relates one part of the file to another, in file order by part.

    "The file has no need at all" is only said when nothing else is wrong, because a
    wrong reference elsewhere is its usual cause and the better message.
    """
    found: list[Raw] = []
    ids = {section: _unique_ids(data, section, found) for section in _SECTIONS}
    declared = bool(_items(data.get("indicators")))
    districts = _items(data.get("districts"))
    programs = _items(data.get("programs"))
    found += _district_references(districts, ids, declared)
    weighted_need = 0.0
    for j, p in programs:
        need_found, need = _need_checks(j, p, districts, ids["indicators"], declared)
        found += need_found
        weighted_need += need
        found += _bounds_checks(j, p, ids["districts"])
    if districts and programs and weighted_need <= 0 and not found:
        found.append((("programs",), "no_need", {}))
    found += _control_checks(_items(data.get("controls")), ids["programs"])
    found += _district_layout_checks(districts)
    found += _map_checks(data.get("map"))
    found += _plan_checks(data.get("policy"))
    return found


def _items(value: Any) -> list[tuple[int, dict]]:
    """The (index, mapping) entries of a list, ignoring malformed ones."""
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]


def _num(value: Any) -> float | None:
    """A number of a size the schema accepts, or None: bad numbers (text, infinite, too
    large or too close to 0) are reported by pydantic, and checking them again here would
    only repeat the problem in other words."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer no float can hold
        return None
    if not math.isfinite(number) or abs(number) >= MAX_NUMBER:
        return None
    return None if number != 0 and abs(number) < MIN_NONZERO else number


def _value(raw: Mapping[str, Any], model: type[BaseModel], key: str) -> Any:
    """``raw[key]``, or the schema's default for it when the file leaves the key out: the
    checks see the value the validated scenario will have."""
    return raw.get(key, model.model_fields[key].default)


def _unique_ids(data: dict, section: str, found: list[Raw]) -> set[str]:
    """The ids of one section; a repeated id is added to ``found``, naming the first."""
    seen: dict[str, int] = {}
    for i, item in _items(data.get(section)):
        ident = item.get("id")
        if not isinstance(ident, str):
            continue
        if ident in seen:
            found.append(
                (
                    (section, i, "id"),
                    "duplicate_id",
                    {"id": ident, "first": f"{section}[{seen[ident]}]"},
                )
            )
        else:
            seen[ident] = i
    return set(seen)


def _district_references(
    districts: list[tuple[int, dict]], ids: Mapping[str, set[str]], declared: bool
) -> list[Raw]:
    """A district's indicator values must be declared indicators (when the file declares
    any), and its units in place must belong to programs of the file."""
    found: list[Raw] = []
    for i, d in districts:
        inds = d.get("indicators")
        if declared and isinstance(inds, dict):
            for key in inds:
                if key not in ids["indicators"]:
                    found.append(
                        (("districts", i, "indicators", key), "unknown_indicator", {"id": key})
                    )
        base = d.get("baseline")
        if isinstance(base, dict):
            for key in base:
                if key not in ids["programs"]:
                    found.append(
                        (("districts", i, "baseline", key), "unknown_program", {"id": key})
                    )
    return found


def _need_checks(
    j: int,
    program: dict,
    districts: list[tuple[int, dict]],
    indicator_ids: set[str],
    declared: bool,
) -> tuple[list[Raw], float]:
    """The need indicator of program ``j`` must be declared and given for every district,
    and the need must be of a scale its capacity can serve (:func:`_need_scale`).

    Returns the problems and the program's weighted need summed over the districts that
    have the indicator (so that a scenario in which nothing is needed can be told apart).
    """
    need = program.get("need")
    if not (isinstance(need, dict) and isinstance(need.get("indicator"), str)):
        return [], 0.0
    ind = need["indicator"]
    if ind != "population" and declared and ind not in indicator_ids:
        return [(("programs", j, "need", "indicator"), "unknown_need", {"id": ind})], 0.0
    found: list[Raw] = []
    weight = _num(_value(program, Program, "weight"))
    scale = _num(_value(need, Need, "scale")) or 0.0
    needs: list[tuple[dict, float]] = []
    for i, d in districts:
        pop = _num(d.get("population")) or 0.0
        if ind == "population":
            value = pop
        else:
            inds = d.get("indicators") if isinstance(d.get("indicators"), dict) else {}
            if ind not in inds:
                where = ("districts", i, "indicators") if inds else ("districts", i)
                found.append(
                    (
                        where,
                        "lacks_need_indicator",
                        {"indicator": ind, "program": program.get("id", j)},
                    )
                )
                continue
            value = _num(inds[ind]) or 0.0
            if _value(need, Need, "per_capita"):
                value *= pop
        needs.append((d, value * scale))
    found += _need_scale(j, _num(program.get("capacity")), needs)
    return found, sum(n for _, n in needs) * (weight or 0.0)


def _need_scale(j: int, capacity: float | None, needs: list[tuple[dict, float]]) -> list[Raw]:
    """Program ``j``'s need in some district and one unit's capacity must not differ by
    more than :data:`NEED_SCALE_LIMIT` (either way); said once, for the district where they
    differ most, because one wrong unit usually affects every district alike."""
    if capacity is None or capacity <= 0:
        return []
    worst: tuple[float, dict, float] | None = None
    for district, n in needs:
        if n > 0:
            spread = max(n / capacity, capacity / n)
            if worst is None or spread > worst[0]:
                worst = (spread, district, n)
    if worst is None or worst[0] <= NEED_SCALE_LIMIT:
        return []
    _, district, n = worst
    return [
        (
            ("programs", j, "capacity"),
            "need_scale",
            {
                "district": str(district.get("id", "?")),
                "need": yaml_quote(n),
                "capacity": yaml_quote(capacity),
                "limit": f"{NEED_SCALE_LIMIT:,.0f}",
            },
        )
    ]


def _bounds_checks(j: int, program: dict, district_ids: set[str]) -> list[Raw]:
    """Bounds of program ``j`` that cannot all hold: per-district overrides for unknown
    districts or with a minimum above the maximum, the program's own minimum above its
    maximum, fractional bounds of whole units, and a spending floor above its ceiling."""
    found = _district_bounds_checks(j, program, district_ids)
    lo = _num(_value(program, Program, "min_units"))
    hi = _num(_value(program, Program, "max_units"))
    if lo is not None and hi is not None and lo > hi:
        found.append(
            (
                ("programs", j, "min_units"),
                "min_above_max",
                {"lo": yaml_quote(lo), "hi": yaml_quote(hi)},
            )
        )
    if program.get("integer") is True:
        found.extend(_whole_bounds(j, program))
    smin, smax = _num(program.get("spend_min")), _num(program.get("spend_max"))
    if smin is not None and smax is not None and smin > smax:
        found.append(
            (
                ("programs", j, "spend_min"),
                "spend_min_above_max",
                {"lo": yaml_quote(smin), "hi": yaml_quote(smax)},
            )
        )
    return found


def _district_bounds_checks(j: int, program: dict, district_ids: set[str]) -> list[Raw]:
    """Per-district overrides of program ``j``: the district must exist, and the bounds in
    effect there (the override, else the program's own) must not cross."""
    bounds = program.get("district_bounds")
    if not isinstance(bounds, dict):
        return []
    found: list[Raw] = []
    for key, b in bounds.items():
        if key not in district_ids:
            found.append((("programs", j, "district_bounds", key), "unknown_district", {"id": key}))
        lo = _num(b.get("min_units")) if isinstance(b, dict) else None
        hi = _num(b.get("max_units")) if isinstance(b, dict) else None
        lo = lo if lo is not None else _num(_value(program, Program, "min_units"))
        hi = hi if hi is not None else _num(_value(program, Program, "max_units"))
        if lo is not None and hi is not None and lo > hi:
            found.append(
                (
                    ("programs", j, "district_bounds", key),
                    "min_above_max",
                    {"lo": yaml_quote(lo), "hi": yaml_quote(hi)},
                )
            )
    return found


def _whole_bounds(j: int, program: dict) -> list[Raw]:
    """Bounds of a program with whole units must be whole numbers.

    A minimum of 1.5 stations would silently mean 2 in the optimizer; a person who wrote it
    meant something else, so it is reported instead of rounded.
    """
    found: list[Raw] = []
    places: list[tuple[tuple[Any, ...], Any]] = [
        (("programs", j, key), program.get(key)) for key in _BOUND_KEYS
    ]
    bounds = program.get("district_bounds")
    if isinstance(bounds, dict):
        for district, b in bounds.items():
            if isinstance(b, dict):
                places += [
                    (("programs", j, "district_bounds", district, key), b.get(key))
                    for key in _BOUND_KEYS
                ]
    for path, value in places:
        number = _num(value)
        if number is not None and not float(number).is_integer():
            found.append((path, "not_whole_units", {"got": yaml_quote(value)}))
    return found


def _control_checks(controls: list[tuple[int, dict]], program_ids: set[str]) -> list[Raw]:
    """Workshop sliders: a known program, one slider per setting, a range that is one,
    and never a value the setting cannot take (negative, or an equity weight above 1)."""
    found: list[Raw] = []
    controls_seen: dict[str, int] = {}
    for k, c in controls:
        param = c.get("param")
        if isinstance(param, str) and CONTROL_PARAM.match(param):
            parts = param.split(".")
            if parts[0] == "programs" and parts[1] not in program_ids:
                found.append((("controls", k, "param"), "unknown_program", {"id": parts[1]}))
            if param in controls_seen:
                found.append(
                    (
                        ("controls", k, "param"),
                        "duplicate_control",
                        {"param": param, "first": f"controls[{controls_seen[param]}]"},
                    )
                )
            else:
                controls_seen[param] = k
        lo, hi = _num(c.get("min")), _num(c.get("max"))
        if lo is not None and hi is not None and lo >= hi:
            found.append(
                (
                    ("controls", k, "max"),
                    "control_range",
                    {"lo": yaml_quote(lo), "hi": yaml_quote(hi)},
                )
            )
        if param == "policy.equity_weight" and lo is not None and hi is not None:
            if lo < 0 or hi > 1:
                found.append((("controls", k), "equity_range", {}))
        elif isinstance(param, str) and lo is not None and lo < 0:
            # budget, staff and weights are never negative: a slider must not offer it
            found.append((("controls", k, "min"), "control_negative", {"got": yaml_quote(lo)}))
    return found


def _district_layout_checks(districts: list[tuple[int, dict]]) -> list[Raw]:
    """Two districts on one tile (or one map region) is a typo that hides a district."""
    found: list[Raw] = []
    tiles: dict[tuple[int, int], int] = {}
    regions: dict[str, int] = {}
    for i, d in districts:
        tile = d.get("tile")
        if (
            isinstance(tile, list)
            and len(tile) == 2
            and all(
                isinstance(v, int) and not isinstance(v, bool) and abs(v) <= MAX_TILE for v in tile
            )
        ):
            key = (tile[0], tile[1])
            if key in tiles:
                found.append(
                    (
                        ("districts", i, "tile"),
                        "duplicate_tile",
                        {"tile": f"[{key[0]}, {key[1]}]", "first": tiles[key]},
                    )
                )
            else:
                tiles[key] = i
        map_id = d.get("map_id")
        if isinstance(map_id, str):
            if map_id in regions:
                found.append(
                    (
                        ("districts", i, "map_id"),
                        "duplicate_map_id",
                        {"id": map_id, "first": regions[map_id]},
                    )
                )
            else:
                regions[map_id] = i
    return found


def _map_checks(spec: Any) -> list[Raw]:
    """The map file must sit next to the scenario: relative, inside its folder tree.

    A scenario can be uploaded by anyone; a path such as ``/etc/passwd`` or ``../../x``
    must not make the app read files outside the scenario's own folder.
    """
    if not isinstance(spec, dict) or not isinstance(spec.get("topojson"), str):
        return []
    path = spec["topojson"]
    parts = path.replace("\\", "/").split("/")
    if (
        not path.strip()
        or path.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", path)
        or ".." in parts
    ):
        return [(("map", "topojson"), "map_path", {"got": yaml_quote(path)})]
    return []


def _plan_checks(policy: Any) -> list[Raw]:
    """A yearly budget or staff given as a list must have one number per year of the plan
    (``policy.years``, v1.1): a list of 4 for a 5-year plan leaves a year without a limit,
    and the model would have to guess it."""
    if not isinstance(policy, dict):
        return []
    years = _value(policy, Policy, "years")
    if isinstance(years, bool) or not isinstance(years, int):
        return []  # pydantic reports a years that is no whole number
    found: list[Raw] = []
    for key in ("budget", "staff"):
        value = policy.get(key)
        if isinstance(value, list) and len(value) != years:
            found.append(
                (("policy", key), "yearly_length", {"key": key, "got": len(value), "years": years})
            )
    return found
