"""Scenario files (format ``govdecide/v1``) as strict, frozen pydantic models.

A file is validated once, at load, and every problem in it is reported at once with the
file name, the line and the key path (``districts[3].population: must be greater than 0,
got -5 (line 41)``). Structure and types are checked by pydantic; references between parts
of the file (duplicate ids, unknown programs, a need indicator a district lacks) by
:func:`_cross_checks`, which reads the raw data so that it still runs when pydantic has
found type errors elsewhere.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from govdecide.errors import Problem, ScenarioError

FORMAT = "govdecide/v1"
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
LANG_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")
MAX_FILE_BYTES = 5 * 1024 * 1024
CONTROL_PARAM = re.compile(
    r"^(policy\.(budget|staff|equity_weight)|programs\.[a-z][a-z0-9_]*\.weight)$"
)


def _validate_text(value: Any) -> str | dict[str, str]:
    """A text shown to people: a plain string or ``{language code: string}``."""
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, dict) and value:
        if all(
            isinstance(k, str) and LANG_PATTERN.match(k) and isinstance(v, str) and v.strip()
            for k, v in value.items()
        ):
            return dict(value)
    raise PydanticCustomError("text_type", "must be a text")


Text = Annotated[Any, PlainValidator(_validate_text)]
Id = Annotated[str, Field(pattern=ID_PATTERN)]
NonNeg = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]


class _Strict(BaseModel):
    """Unknown keys are errors, numbers must be finite, and nothing changes after load."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Indicator(_Strict):
    """Metadata of one district indicator, with its provenance."""

    id: Id
    name: Text | None = None
    unit: Text | None = None
    source: Text | None = None
    description: Text | None = None
    illustrative: bool = False


class District(_Strict):
    """A district and what is known about it."""

    id: Id
    name: Text
    population: Positive
    area_km2: Positive | None = None
    tile: Annotated[list[int], Field(min_length=2, max_length=2)] | None = None
    indicators: dict[Id, NonNeg] = Field(default_factory=dict)
    baseline: dict[Id, NonNeg] = Field(default_factory=dict)
    map_id: str | None = None


class Need(_Strict):
    """How a program's need in a district is computed from the district's data."""

    indicator: Id
    per_capita: bool = False
    scale: NonNeg = 1.0


class Bounds(_Strict):
    """Per-district override of a program's bounds on new units."""

    min_units: NonNeg | None = None
    max_units: NonNeg | None = None


class Program(_Strict):
    """A kind of public resource that can be funded, unit by unit."""

    id: Id
    name: Text
    unit: Text | None = None
    description: Text | None = None
    unit_cost: NonNeg
    capacity: Positive
    staff_per_unit: NonNeg = 0.0
    integer: bool = False
    need: Need
    min_units: NonNeg = 0.0
    max_units: NonNeg | None = None
    weight: NonNeg = 1.0
    spend_min: NonNeg | None = None
    spend_max: NonNeg | None = None
    district_bounds: dict[Id, Bounds] = Field(default_factory=dict)

    def bounds_for(self, district_id: str) -> tuple[float, float | None]:
        """The bounds on new units in one district, overrides applied."""
        override = self.district_bounds.get(district_id)
        lo, hi = self.min_units, self.max_units
        if override is not None:
            if override.min_units is not None:
                lo = override.min_units
            if override.max_units is not None:
                hi = override.max_units
        return lo, hi


class SolverOptions(_Strict):
    """Limits for the solver: a time limit and the relative optimality gap."""

    time_limit_s: Positive | None = None
    gap: Annotated[float, Field(ge=0, le=1)] | None = None


class Policy(_Strict):
    """The decision settings: budget, staff and the equity weight."""

    budget: NonNeg
    staff: NonNeg | None = None
    equity_weight: Annotated[float, Field(ge=0, le=1)] = 0.0
    solver: SolverOptions | None = None


class Control(_Strict):
    """A slider a workshop shows: which setting, and its range."""

    param: Annotated[str, Field(pattern=CONTROL_PARAM.pattern)]
    min: float
    max: float
    step: Positive
    label: Text | None = None


class MapSpec(_Strict):
    """Real district boundaries: a TopoJSON file relative to the scenario file."""

    topojson: str
    object: str


class Scenario(_Strict):
    """A whole scenario: a place, the programs, the policy and the workshop sliders."""

    format: Literal["govdecide/v1"]
    name: Text
    description: Text | None = None
    currency: Text | None = None
    attribution: Text | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    districts: Annotated[list[District], Field(min_length=1)]
    programs: Annotated[list[Program], Field(min_length=1)]
    policy: Policy
    controls: list[Control] = Field(default_factory=list)
    map: MapSpec | None = None

    def district(self, district_id: str) -> District:
        """The district with this id."""
        return next(d for d in self.districts if d.id == district_id)

    def program(self, program_id: str) -> Program:
        """The program with this id."""
        return next(p for p in self.programs if p.id == program_id)

    def indicator(self, indicator_id: str) -> Indicator | None:
        """Declared metadata of an indicator, if any."""
        return next((i for i in self.indicators if i.id == indicator_id), None)


# ---------------------------------------------------------------------------------------
# Line numbers: the YAML node tree gives every key path the line it starts on.


MAX_NODES = 500_000
Raw = tuple[tuple[Any, ...], str, dict]


class _TooComplex(Exception):
    """The YAML document expands (through aliases) to more nodes than a scenario needs."""


def _read_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML once, safely, and keep both the data and the node tree (for lines).

    This is ``yaml.safe_load`` split in its two steps (compose, then construct with the
    safe constructor), using libyaml's ``CSafeLoader`` when present: on the 3,000-district
    scenario the pure-Python reader took 8 s and a second pass for line numbers 7 s more;
    this takes 2 s. On a syntax error the pure-Python reader parses the text again, so the
    message (and the hint chosen from it) is the same on every machine.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    loaders = [fast, yaml.SafeLoader] if fast is not None else [yaml.SafeLoader]
    for i, loader_class in enumerate(loaders):
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
            return data, node
        except yaml.YAMLError:
            if i == len(loaders) - 1:
                raise
        finally:
            loader.dispose()
    raise AssertionError("unreachable")  # pragma: no cover


def _line_map(
    root: yaml.Node | None,
) -> tuple[dict[tuple[Any, ...], int], list[tuple[tuple[Any, ...], str, dict, int]]]:
    """Map each key path in the document to its (1-based) line, and find duplicate keys.

    ``yaml.safe_load`` keeps the last of two equal keys in a mapping without a word, so a
    pasted block would silently replace another: the node tree is the only place left to
    see it. The walk also counts nodes, because aliases let a small file expand into an
    enormous document (and validating it would take hours): past :data:`MAX_NODES` the
    file is refused.
    """
    lines: dict[tuple[Any, ...], int] = {}
    duplicates: list[tuple[tuple[Any, ...], str, dict, int]] = []
    count = 0
    stack: list[tuple[yaml.Node, tuple[Any, ...]]] = [] if root is None else [(root, ())]
    while stack:
        node, path = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise _TooComplex
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is None:
                    continue
                line = key_node.start_mark.line + 1
                if key in first and key != "<<":
                    duplicates.append(
                        (path + (key,), "duplicate_key", {"key": key, "first": first[key]}, line)
                    )
                    continue
                first[key] = line
                lines[path + (key,)] = line
                stack.append((value_node, path + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((item, path + (i,)))
    return lines, duplicates


def format_path(path: tuple[Any, ...]) -> str:
    """``('districts', 3, 'population')`` -> ``districts[3].population``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """Follow a pydantic error location through the raw data, skipping union tags."""
    path: list[Any] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and part in current:
            path.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            path.append(part)
            current = current[part]
        elif isinstance(current, (dict, list)) and not isinstance(part, int):
            # a missing or unknown key: keep it in the path, the data stops here
            if part in ("function-plain[_validate_text()]",) or "[" in str(part):
                continue
            path.append(part)
            current = None
    return tuple(path)


def _short(value: Any) -> str:
    """A value as a short quote for a message, written the way YAML writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    if isinstance(value, (dict, list)):
        try:
            text = yaml.safe_dump(
                value, default_flow_style=True, allow_unicode=True, width=1000
            ).strip()
        except yaml.YAMLError:
            text = str(value)
        return text if len(text) <= 60 else text[:57] + "..."
    text = repr(value) if isinstance(value, str) else str(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text if len(text) <= 40 else text[:37] + "..."


def _reads_as_number(value: Any) -> bool:
    """True for text such as '1e6' that a person meant as a number."""
    if not isinstance(value, str):
        return False
    try:
        float(value.replace("_", ""))
    except ValueError:
        return False
    return True


def _problem_from_pydantic(err: dict[str, Any], data: Any) -> tuple[tuple[Any, ...], str, dict]:
    """Turn one pydantic error into (path, catalogue code, params) in plain words."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    path = _data_path(tuple(err["loc"]), data)
    got = _short(err.get("input"))
    if kind == "missing":
        return path, "missing", {}
    if kind == "extra_forbidden":
        return path, "unknown_key", {}
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        limit = next(iter(ctx.values()))
        return path, kind, {"limit": _short(limit), "got": got}
    if kind == "finite_number":
        return path, "not_finite", {"got": got}
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        code = "not_whole_number" if kind.startswith("int") else "not_number"
        if code == "not_number" and _reads_as_number(err.get("input")):
            # YAML 1.1 reads 1e6 (no dot) as text: say how to write it
            return path, "number_as_text", {"got": got}
        return path, code, {"got": got}
    if kind == "bool_type":
        return path, "not_bool", {"got": got}
    if kind == "string_pattern_mismatch":
        if path and path[-1] == "param":
            return path, "bad_control_param", {"got": got}
        return path, "bad_id", {"got": got}
    if kind in ("string_type",):
        return path, "not_string", {"got": got}
    if kind == "text_type":
        return path, "not_text", {"got": got}
    if kind == "literal_error":
        return path, "bad_format", {"got": got, "expected": FORMAT}
    if kind in ("too_short", "too_long"):
        if path and path[-1] == "tile":
            return path, "bad_tile", {"got": got}
        return path, "too_short", {"min": ctx.get("min_length", 1)}
    if kind in ("list_type",):
        return path, "not_list", {"got": got}
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return path, "not_mapping", {"got": got}
    return path, "invalid", {"detail": err.get("msg", kind)}


# ---------------------------------------------------------------------------------------
# Cross-checks: references between parts of a file, run on the raw data.


def _items(value: Any) -> list[tuple[int, dict]]:
    """The (index, mapping) entries of a list, ignoring malformed ones."""
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]


def _num(value: Any) -> float | None:
    """A finite number or None (bad numbers are reported by pydantic)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _cross_checks(data: dict) -> list[tuple[tuple[Any, ...], str, dict]]:
    """Everything that relates one part of the file to another."""
    found: list[tuple[tuple[Any, ...], str, dict]] = []

    def unique(section: str) -> set[str]:
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

    indicator_ids = unique("indicators")
    district_ids = unique("districts")
    program_ids = unique("programs")
    declared = bool(_items(data.get("indicators")))
    districts = _items(data.get("districts"))

    for i, d in districts:
        inds = d.get("indicators")
        if declared and isinstance(inds, dict):
            for key in inds:
                if key not in indicator_ids:
                    found.append(
                        (("districts", i, "indicators", key), "unknown_indicator", {"id": key})
                    )
        base = d.get("baseline")
        if isinstance(base, dict):
            for key in base:
                if key not in program_ids:
                    found.append(
                        (("districts", i, "baseline", key), "unknown_program", {"id": key})
                    )

    weighted_need = 0.0
    for j, p in _items(data.get("programs")):
        need = p.get("need")
        weight = _num(p.get("weight", 1.0))
        if isinstance(need, dict) and isinstance(need.get("indicator"), str):
            ind = need["indicator"]
            if ind != "population" and declared and ind not in indicator_ids:
                found.append((("programs", j, "need", "indicator"), "unknown_need", {"id": ind}))
            else:
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
                                    {"indicator": ind, "program": p.get("id", j)},
                                )
                            )
                            continue
                        value = _num(inds[ind]) or 0.0
                        if need.get("per_capita"):
                            value *= pop
                    scale = _num(need.get("scale", 1.0))
                    weighted_need += value * (scale or 0.0) * (weight or 0.0)
        bounds = p.get("district_bounds")
        if isinstance(bounds, dict):
            for key, b in bounds.items():
                if key not in district_ids:
                    found.append(
                        (("programs", j, "district_bounds", key), "unknown_district", {"id": key})
                    )
                lo = _num(b.get("min_units")) if isinstance(b, dict) else None
                hi = _num(b.get("max_units")) if isinstance(b, dict) else None
                lo = lo if lo is not None else _num(p.get("min_units", 0.0))
                hi = hi if hi is not None else _num(p.get("max_units"))
                if lo is not None and hi is not None and lo > hi:
                    found.append(
                        (
                            ("programs", j, "district_bounds", key),
                            "min_above_max",
                            {"lo": _short(lo), "hi": _short(hi)},
                        )
                    )
        lo, hi = _num(p.get("min_units", 0.0)), _num(p.get("max_units"))
        if lo is not None and hi is not None and lo > hi:
            found.append(
                (
                    ("programs", j, "min_units"),
                    "min_above_max",
                    {"lo": _short(lo), "hi": _short(hi)},
                )
            )
        if p.get("integer") is True:
            found.extend(_whole_bounds(j, p))
        smin, smax = _num(p.get("spend_min")), _num(p.get("spend_max"))
        if smin is not None and smax is not None and smin > smax:
            found.append(
                (
                    ("programs", j, "spend_min"),
                    "spend_min_above_max",
                    {"lo": _short(smin), "hi": _short(smax)},
                )
            )

    if districts and _items(data.get("programs")) and weighted_need <= 0 and not found:
        found.append((("programs",), "no_need", {}))

    controls_seen: dict[str, int] = {}
    for k, c in _items(data.get("controls")):
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
                (("controls", k, "max"), "control_range", {"lo": _short(lo), "hi": _short(hi)})
            )
        if param == "policy.equity_weight" and lo is not None and hi is not None:
            if lo < 0 or hi > 1:
                found.append((("controls", k), "equity_range", {}))
        elif isinstance(param, str) and lo is not None and lo < 0:
            # budget, staff and weights are never negative: a slider must not offer it
            found.append((("controls", k, "min"), "control_negative", {"got": _short(lo)}))

    found.extend(_district_layout_checks(districts))
    found.extend(_map_checks(data.get("map")))
    return found


def _whole_bounds(j: int, program: dict) -> list[Raw]:
    """Bounds of a program with whole units must be whole numbers.

    A minimum of 1.5 stations would silently mean 2 in the optimizer; a person who wrote it
    meant something else, so it is reported instead of rounded.
    """
    found: list[Raw] = []
    places: list[tuple[tuple[Any, ...], Any]] = [
        (("programs", j, key), program.get(key)) for key in ("min_units", "max_units")
    ]
    bounds = program.get("district_bounds")
    if isinstance(bounds, dict):
        for district, b in bounds.items():
            if isinstance(b, dict):
                places += [
                    (("programs", j, "district_bounds", district, key), b.get(key))
                    for key in ("min_units", "max_units")
                ]
    for path, value in places:
        number = _num(value)
        if number is not None and not float(number).is_integer():
            found.append((path, "not_whole_units", {"got": _short(value)}))
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
            and all(isinstance(v, int) and not isinstance(v, bool) for v in tile)
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
        return [(("map", "topojson"), "map_path", {"got": _short(path)})]
    return []


# ---------------------------------------------------------------------------------------


def _yaml_hint(problem: str, exc: yaml.YAMLError) -> str:
    """The catalogue code of a YAML syntax error, in words a non-programmer can act on.

    PyYAML's own words ("expected <block end>, but found '<block mapping start>'") name
    the parser's state, not the mistake; the common mistakes have recognisable states.
    """
    context = str(getattr(exc, "context", "") or "")
    if "\\t" in problem or "\t" in problem:
        return "yaml_tab"
    if "quoted scalar" in context or "quoted scalar" in problem:
        return "yaml_quote"
    if "flow" in context or "flow" in problem or "found ']'" in problem or "found '}'" in problem:
        return "yaml_bracket"
    if "undefined alias" in problem:
        return "yaml_alias"
    if "sequence entries are not allowed" in problem:
        return "yaml_list_item"
    if (
        "block" in problem
        or "mapping values" in problem
        or "could not find expected ':'" in (problem)
    ):
        return "yaml_indent"
    return "yaml_syntax"


def parse_scenario(text: str, file: str = "<scenario>") -> Scenario:
    """Validate YAML text as a scenario; raise :class:`ScenarioError` listing every problem."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise ScenarioError(
            [
                Problem(
                    "", "file_too_large", {"limit_mb": MAX_FILE_BYTES // (1024 * 1024)}, None, file
                )
            ]
        )
    try:
        data, root = _read_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(
            [Problem("", _yaml_hint(str(problem), exc), {"detail": problem}, line, file)]
        ) from None
    if not isinstance(data, dict):
        raise ScenarioError([Problem("", "not_a_scenario", {}, 1, file)])
    try:
        lines, duplicates = _line_map(root)
    except _TooComplex:
        raise ScenarioError(
            [Problem("", "too_complex", {"limit": f"{MAX_NODES:,}"}, None, file)]
        ) from None
    extra = [
        Problem(format_path(path), code, params, line, file)
        for path, code, params, line in duplicates
    ]
    return scenario_from_data(data, file=file, lines=lines, extra_problems=extra)


def scenario_from_data(
    data: Mapping[str, Any],
    file: str = "<scenario>",
    lines: Mapping[tuple[Any, ...], int] | None = None,
    extra_problems: list[Problem] | None = None,
) -> Scenario:
    """Validate an already-parsed mapping (from YAML, an edited table or a test).

    ``lines`` maps key paths to line numbers (from :func:`parse_scenario`); problems found
    before this point (duplicate YAML keys) come in ``extra_problems`` so that every problem
    of the file is reported together.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError([Problem("", "not_a_scenario", {}, None, file)])
    data = dict(data)
    lines = lines or {}
    raw: list[Raw] = []
    model: Scenario | None = None
    try:
        model = Scenario.model_validate(data)
    except ValidationError as exc:
        raw.extend(_problem_from_pydantic(e, data) for e in exc.errors())
    raw.extend(_cross_checks(data))
    problems = list(extra_problems or [])
    if raw or problems:
        seen = {(p.path, p.code) for p in problems}
        for path, code, params in raw:
            key = (format_path(path), code)
            if key in seen:
                continue
            seen.add(key)
            line = None
            for n in range(len(path), -1, -1):
                if path[:n] in lines:
                    line = lines[path[:n]]
                    break
            problems.append(Problem(format_path(path), code, params, line, file))
        problems.sort(key=lambda p: (p.line or 0, p.path))
        raise ScenarioError(problems)
    assert model is not None
    return model


def _too_large(file: str) -> ScenarioError:
    """The error for a file over :data:`MAX_FILE_BYTES` (checked before it is parsed)."""
    limit = MAX_FILE_BYTES // (1024 * 1024)
    return ScenarioError([Problem("", "file_too_large", {"limit_mb": limit}, None, file)])


def parse_scenario_bytes(data: bytes, file: str = "<scenario>") -> Scenario:
    """Validate the bytes of a scenario file (read from disk or uploaded in the app).

    One place for what a file must be before it is YAML: at most :data:`MAX_FILE_BYTES`,
    and UTF-8 text (a byte order mark, as Windows editors write, is allowed). The app's
    upload and :func:`load_scenario` both come here, so they refuse the same files with
    the same words.
    """
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError([Problem("", "not_utf8", {}, None, file)]) from None
    return parse_scenario(text, file=file)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; the error names the file."""
    path = Path(path)
    name = path.name
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise _too_large(name)  # before reading a huge file into memory
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(
            [Problem("", "cannot_read", {"detail": exc.strerror or str(exc)}, None, name)]
        ) from None
    return parse_scenario_bytes(raw, file=name)


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data, without defaulted keys, ready to dump as YAML."""
    return scenario.model_dump(mode="python", exclude_defaults=True, exclude_none=True) | {
        "format": FORMAT
    }


# Characters YAML treats as line breaks besides \n. In a plain or single-quoted scalar a
# reader folds them (NEL, U+0085, comes back as a space: a Windows-1252 ellipsis decoded
# as Latin-1 becomes one), so texts containing them are written double-quoted, where
# they are escapes (\N, \L, \P, \r) and survive the round trip exactly.
_YAML_BREAKS = ("\x85", "\u2028", "\u2029", "\r")


class _ScenarioDumper(yaml.SafeDumper):
    """The safe dumper, with texts that contain YAML line breaks double-quoted."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Double-quote a text with a YAML line break; leave the rest to PyYAML's choice."""
    if any(ch in value for ch in _YAML_BREAKS):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


_ScenarioDumper.add_representer(str, _represent_str)


def scenario_to_yaml(scenario: Scenario) -> str:
    """YAML text that loads back to the same scenario."""
    data = scenario_to_data(scenario)
    ordered = {"format": FORMAT} | {k: v for k, v in data.items() if k != "format"}
    return yaml.dump(
        ordered, Dumper=_ScenarioDumper, allow_unicode=True, sort_keys=False, width=100
    )


def display_names(scenario: Scenario, lang: str = "en") -> dict[str, str]:
    """District and program names in ``lang``, by id (for sentences, tables and charts)."""
    from govdecide.i18n import localize

    out = {d.id: localize(d.name, lang) for d in scenario.districts}
    out.update({p.id: localize(p.name, lang) for p in scenario.programs})
    return out
