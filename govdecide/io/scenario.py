"""Scenario files (format ``govdecide/v1``): load, validate, write back, name.

A file is validated once, at load, and every problem in it is reported at once with the
file name, the line and the key path (``districts[3].population: must be greater than 0,
got -5 (line 41)``). Structure and types are checked by pydantic against the schema
(:mod:`govdecide.io.scenario_schema`), its errors restated here in plain words;
references between parts of the file (duplicate ids, unknown programs, a need indicator a
district lacks) by :func:`govdecide.io.scenario_checks.cross_checks`, which reads the raw
data so that it still runs when pydantic has found type errors elsewhere. Lines come from
the YAML node tree (:mod:`govdecide.io.scenario_yaml`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import localize
from govdecide.io.scenario_checks import Raw, cross_checks
from govdecide.io.scenario_schema import (
    FORMAT,
    MAX_NUMBER_TEXT,
    MIN_NONZERO_TEXT,
    Scenario,
    printable,
    unsafe_character,
)
from govdecide.io.scenario_yaml import (
    Refused,
    dump_yaml,
    format_path,
    read_yaml,
    yaml_hint,
    yaml_quote,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
# The bundled scenarios (and their example stories, in stories/): the repository's own
# folder, which the app's picker, the command line and the store all name the same way.
BUNDLED_DIR = Path(__file__).resolve().parents[2] / "scenarios"
_SURROGATE = re.compile("[\ud800-\udfff]")


# ---------------------------------------------------------------------------------------
# Pydantic's errors in plain words


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


def _reads_as_number(value: Any) -> bool:
    """True for text such as '1e6' that a person meant as a number."""
    if not isinstance(value, str):
        return False
    try:
        float(value.replace("_", ""))
    except ValueError:
        return False
    return True


def _problem_from_pydantic(err: dict[str, Any], data: Any) -> Raw:
    """Turn one pydantic error into (path, catalogue code, params) in plain words."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    path = _data_path(tuple(err["loc"]), data)
    got = yaml_quote(err.get("input"))
    if kind == "missing":
        return path, "missing", {}
    if kind == "extra_forbidden":
        return path, "unknown_key", {}
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        limit = next(iter(ctx.values()))
        return path, kind, {"limit": yaml_quote(limit), "got": got}
    if kind == "finite_number":
        return path, "not_finite", {"got": got}
    if kind == "number_too_large":
        return path, "number_too_large", {"limit": MAX_NUMBER_TEXT, "got": got}
    if kind == "number_too_small":
        return path, "number_too_small", {"limit": MIN_NONZERO_TEXT, "got": got}
    if kind == "bad_character":
        return path, "bad_character", {"char": ctx.get("char", "?")}
    if kind == "string_unicode":  # a string no UTF-8 can hold: a lone surrogate
        value = err.get("input")
        char = unsafe_character(value) if isinstance(value, str) else None
        return path, "bad_character", {"char": char or "?"}
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
# Loading


def parse_scenario(text: str, file: str = "<scenario>") -> Scenario:
    """Validate YAML text as a scenario; raise :class:`ScenarioError` listing every problem."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise _too_large(file)
    half = _SURROGATE.search(text)
    if half is not None:  # no YAML reader can take it (it is not even UTF-8)
        line = text.count("\n", 0, half.start()) + 1
        char = f"U+{ord(half.group()):04X}"
        raise ScenarioError([Problem("", "bad_character", {"char": char}, line, file)])
    try:
        data, lines, duplicates = read_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(
            [Problem("", yaml_hint(str(problem), exc), _printable(problem), line, file)]
        ) from None
    except Refused as exc:
        raise ScenarioError(
            [Problem(format_path(exc.path), exc.code, _printable(exc.params), exc.line, file)]
        ) from None
    if not isinstance(data, dict):
        raise ScenarioError([Problem("", "not_a_scenario", {}, 1, file)])
    extra = [
        Problem(format_path(path), code, _printable(params), line, file)
        for path, code, params, line in duplicates
    ]
    return scenario_from_data(data, file=file, lines=lines, extra_problems=extra)


def _printable(params: Mapping[str, Any] | str) -> dict[str, Any]:
    """Message params with user text made printable (a key or value from the file may hold
    a control character or a lone surrogate, which no terminal or page can show); a bare
    string is the ``detail`` of a YAML syntax error."""
    if isinstance(params, str):
        params = {"detail": params}
    return {k: printable(v) if isinstance(v, str) else v for k, v in params.items()}


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
    raw.extend(cross_checks(data))
    problems = list(extra_problems or [])
    if raw or problems:
        seen = {(p.path, p.code) for p in problems}
        for path, code, params in raw:
            key = (format_path(path), code)
            if key in seen:
                continue
            seen.add(key)
            problems.append(
                Problem(format_path(path), code, _printable(params), _line_of(path, lines), file)
            )
        problems.sort(key=lambda p: (p.line or 0, p.path))
        raise ScenarioError(problems)
    assert model is not None
    return model


def _line_of(path: tuple[Any, ...], lines: Mapping[tuple[Any, ...], int]) -> int | None:
    """The line of a key path, or of its nearest ancestor in the file (a missing key is
    reported at the mapping that lacks it)."""
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None


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


# ---------------------------------------------------------------------------------------
# Writing and naming


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data, without defaulted keys, ready to dump as YAML."""
    return scenario.model_dump(mode="python", exclude_defaults=True, exclude_none=True) | {
        "format": FORMAT
    }


def scenario_to_yaml(scenario: Scenario) -> str:
    """YAML text that loads back to the same scenario (the format line first)."""
    data = scenario_to_data(scenario)
    return dump_yaml({"format": FORMAT} | {k: v for k, v in data.items() if k != "format"})


def display_names(scenario: Scenario, lang: str = "en") -> dict[str, str]:
    """District and program names in ``lang``, by id (for sentences, tables and charts)."""
    out = {d.id: localize(d.name, lang) for d in scenario.districts}
    out.update({p.id: localize(p.name, lang) for p in scenario.programs})
    return out
