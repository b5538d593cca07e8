"""A workspace as one plain JSON file, and the strict reading of such a file.

The file (format ``govdecide-workspace/v1``) holds everything the workspace holds: each
scenario's YAML text and hash, the options, the whole decision log with its numbers and
times, and the sha256 of the workspace key (never the key itself: the file opens no
link). Importing it restores everything, either into a new workspace with a new key (the
default: a copy for someone else) or under the exported key hash, so that the old links
work again after a database was lost (refused if that workspace still exists).

A file to import is checked whole before anything is written, and every problem in it is
reported at once as a :class:`~govdecide.errors.ScenarioError` with catalogue messages
and the place in the file (``options[3].settings.budget``): a file that is not JSON, of
another format, truncated, hand-edited or too large never raises anything else. Scenario
texts are validated as scenarios, and each must still match its hash.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from govdecide.errors import Problem, ScenarioError, input_error
from govdecide.io.boundaries import read_topology
from govdecide.io.boundary_read import MAX_MAP_BYTES
from govdecide.io.scenario import parse_scenario
from govdecide.store.backup_checks import keep, mapping, quote, settings_and_plan_of, time_of
from govdecide.store.map_tables import MAX_MAPS, StoredMap, check_reference
from govdecide.store.records import (
    MAX_NOTE_CHARS,
    SHORT_ID_CHARS,
    Decision,
    Limits,
    SavedOption,
    StoredScenario,
    as_mb,
    check_figures,
    check_hash,
    check_name,
    check_origin,
    check_text,
    check_yaml_text,
    content_hash,
    settings_json,
)
from govdecide.store.schema import SHORT_CHARS
from govdecide.store.story_backup import ImportedStory, parse_stories

FORMAT = "govdecide-workspace/v1"
MAX_DEPTH = 12  # a backup's JSON nests 4 levels; deeper is not a backup (and not safe)
MAX_PROBLEMS = 50
_SCENARIO_KEYS = ("id", "sha256", "name", "label", "origin", "created_at", "yaml")
_OPTION_KEYS = ("name", "scenario_id", "scenario_hash", "settings", "figures", "saved_at")
_DECISION_KEYS = (
    "seq", "recorded_at", "scenario_id", "scenario_hash", "settings", "status",
    "figures", "solver", "method", "versions", "note",
)  # fmt: skip
# stories and maps came later: a file without them has none
_TOP_KEYS = (
    "format", "exported_at", "key_sha256", "scenarios", "options", "decisions", "stories",
    "maps",
)  # fmt: skip
_MAP_KEYS = ("reference", "sha256", "created_at", "topojson")


@dataclass(frozen=True)
class Backup:
    """A checked backup, ready to be written into a database in one transaction."""

    key_hash: str
    scenarios: tuple[StoredScenario, ...]
    options: tuple[SavedOption, ...]
    decisions: tuple[Decision, ...]
    stories: tuple[ImportedStory, ...] = ()
    maps: tuple[StoredMap, ...] = ()


def scenario_data(s: StoredScenario) -> dict[str, Any]:
    """One stored scenario as a backup holds it (its text and hash, times in ISO 8601)."""
    return {"id": s.id, "sha256": s.sha256, "name": s.name, "label": s.label,
            "origin": s.origin, "created_at": s.created_at.isoformat(), "yaml": s.yaml}  # fmt: skip


def option_data(o: SavedOption) -> dict[str, Any]:
    """One saved option as a backup holds it (without the database's own id)."""
    return {"name": o.name, "scenario_id": o.scenario_id, "scenario_hash": o.scenario_hash,
            "settings": settings_json(o.settings, o.plan), "figures": o.figures,
            "saved_at": o.saved_at.isoformat()}  # fmt: skip


def decision_data(d: Decision) -> dict[str, Any]:
    """One entry of the decision log as a backup holds it, with its number."""
    return {"seq": d.seq, "recorded_at": d.recorded_at.isoformat(),
            "scenario_id": d.scenario_id, "scenario_hash": d.scenario_hash,
            "settings": settings_json(d.settings, d.plan), "status": d.status,
            "figures": d.figures, "solver": d.solver, "method": d.method,
            "versions": d.versions, "note": d.note}  # fmt: skip


def backup_data(
    key_hash: str,
    scenarios: list[StoredScenario],
    options: list[SavedOption],
    decisions: list[Decision],
    stories: list[dict[str, Any]] | None = None,
    maps: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The JSON-safe data of a workspace's backup (times in ISO 8601 UTC); ``stories``
    as :func:`~govdecide.store.story_backup.stories_data` gives them."""
    return {
        "format": FORMAT,
        "exported_at": datetime.now(UTC).isoformat(),
        "key_sha256": key_hash,
        "scenarios": [scenario_data(s) for s in scenarios],
        "options": [option_data(o) for o in options],
        "decisions": [decision_data(d) for d in decisions],
        "stories": list(stories or []),
        "maps": list(maps or []),
    }


def backup_text(data: Mapping[str, Any]) -> str:
    """A backup's data as the JSON text of the file (UTF-8 kept readable, no NaN)."""
    return json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)


# -- reading a backup ----------------------------------------------------------------


def max_backup_bytes(limits: Limits) -> int:
    """The largest backup file a workspace within ``limits`` can give (plus its options
    and log, generously)."""
    return limits.scenarios * limits.scenario_bytes + 64 * 2**20


def parse_backup(data: str | bytes | Mapping[str, Any], limits: Limits | None = None) -> Backup:
    """Check a backup (JSON text or bytes, or its parsed data) and return its content.

    Raises :class:`~govdecide.errors.ScenarioError` listing what is wrong, and nothing
    else, whatever ``data`` is.
    """
    limits = limits or Limits()
    doc = _load(data, limits)
    problems: list[Problem] = []
    top = keep(problems, mapping, doc, "", _TOP_KEYS, ("format",))
    if top is None:
        raise ScenarioError(problems)
    if top.get("format") != FORMAT:
        raise input_error("bad_format", path="format", got=quote(top.get("format")),
                          expected=FORMAT)  # fmt: skip
    for name in ("key_sha256", "scenarios", "options", "decisions"):
        if name not in top:
            problems.append(Problem(name, "missing", {}))
    key = None
    if "key_sha256" in top:
        key = keep(problems, check_hash, top["key_sha256"], "key_sha256")
    scenarios = _entries(problems, top, "scenarios", limits.scenarios, _scenario, limits)
    options = _entries(problems, top, "options", limits.options, _option, limits)
    decisions = _entries(problems, top, "decisions", limits.decisions, _decision, limits)
    problems += _duplicates("scenarios", [(s.sha256,) for s in scenarios], "sha256")
    problems += _duplicates("scenarios", [(s.id,) for s in scenarios], "id")
    problems += _duplicates("options", [(o.scenario_hash, o.name) for o in options], "name")
    problems += _duplicates("decisions", [(d.seq,) for d in decisions], "seq")
    stories = keep(problems, parse_stories, top.get("stories", []))
    maps = _entries(problems, top, "maps", MAX_MAPS, _map, limits)
    problems += _duplicates("maps", [(m.reference,) for m in maps], "reference")
    if problems:
        raise ScenarioError(problems[:MAX_PROBLEMS])
    assert key is not None
    return Backup(
        key, tuple(scenarios), tuple(options), tuple(decisions), tuple(stories), tuple(maps)
    )


def _load(data: Any, limits: Limits) -> Any:
    """The parsed JSON of a backup, not too large and not too deep."""
    largest = max_backup_bytes(limits)
    if isinstance(data, bytes | bytearray | str) and len(data) > largest:
        raise input_error("file_too_large", limit_mb=as_mb(largest))
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise input_error("not_utf8") from None
    if isinstance(data, str):
        try:
            data = json.loads(data, parse_constant=_no_constant)
        except (ValueError, RecursionError) as exc:
            raise input_error("store_not_json", detail=str(exc)[:120]) from None
    if _depth_over(data, MAX_DEPTH):
        raise input_error("store_backup_deep", limit=MAX_DEPTH)
    return data


def _no_constant(name: str) -> Any:
    """NaN and Infinity are not JSON (Python's reader accepts them by default)."""
    raise ValueError(f"{name} is not a JSON number")


def _depth_over(value: Any, limit: int) -> bool:
    """True when containers nest deeper than ``limit`` (looked at without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping | list | tuple):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, Mapping) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _entries(
    problems: list[Problem],
    top: dict[str, Any],
    key: str,
    limit: int,
    read: Callable[[Any, str, Limits], Any],
    limits: Limits,
) -> list[Any]:
    """The checked entries of one list of the backup (scenarios, options or decisions)."""
    items = top.get(key, [])
    if not isinstance(items, list):
        problems.append(Problem(key, "not_list", {"got": quote(items)}))
        return []
    if len(items) > limit:
        problems.append(Problem(key, "store_backup_limit", {"limit": limit}))
        return []
    out = [keep(problems, read, item, f"{key}[{i}]", limits) for i, item in enumerate(items)]
    return [entry for entry in out if entry is not None]


def _duplicates(key: str, values: list[tuple[Any, ...]], field: str) -> list[Problem]:
    """A problem for each entry that repeats an earlier one's identity."""
    first: dict[tuple[Any, ...], int] = {}
    problems = []
    for i, value in enumerate(values):
        if value in first:
            where = f"{key}[{first[value]}]"
            problems.append(Problem(f"{key}[{i}].{field}", "store_duplicate", {"first": where}))
        else:
            first[value] = i
    return problems


def _word(value: Any, path: str) -> str:
    """A short word such as a status, a solver or a method."""
    text = check_text(value, path, SHORT_CHARS)
    if not text.strip():
        raise input_error("store_empty", path=path)
    return text


def _versions(value: Any, path: str) -> dict[str, str]:
    """Software versions: a few names, each with a short text."""
    if not isinstance(value, Mapping) or len(value) > 20:
        raise input_error("not_mapping", path=path, got=quote(value))
    return {
        check_text(k, f"{path}", SHORT_CHARS): check_text(v, f"{path}.{k}", SHORT_CHARS)
        for k, v in value.items()
    }


def _scenario(value: Any, path: str, limits: Limits) -> StoredScenario:
    """One stored scenario: its text validated as a scenario and matching its hash."""
    item = mapping(value, path, _SCENARIO_KEYS, ("id", "sha256", "yaml", "created_at"))
    text = item["yaml"]
    size = check_yaml_text(text, f"{path}.yaml", limits.scenario_bytes)
    sha = check_hash(item["sha256"], f"{path}.sha256")
    if content_hash(text) != sha:
        raise input_error("store_backup_hash", path=f"{path}.sha256")
    short = item["id"]
    if not (isinstance(short, str) and len(short) >= SHORT_ID_CHARS and sha.startswith(short)):
        raise input_error("store_backup_id", path=f"{path}.id", got=quote(short))
    origin = check_origin(item.get("origin", "upload"), f"{path}.origin")
    label = check_text(item.get("label", ""), f"{path}.label")
    created = time_of(item["created_at"], f"{path}.created_at")
    scenario = parse_scenario(text, file=path)
    return StoredScenario(
        id=short, sha256=sha, name=scenario.name, label=label, origin=origin,
        size_bytes=size, created_at=created, yaml=text,
    )  # fmt: skip


def _option(value: Any, path: str, _limits: Limits) -> SavedOption:
    """One saved option."""
    item = mapping(value, path, _OPTION_KEYS, _OPTION_KEYS)
    settings, plan = settings_and_plan_of(item["settings"], f"{path}.settings")
    return SavedOption(
        id=0,
        name=check_name(item["name"], f"{path}.name"),
        scenario_id=check_name(item["scenario_id"], f"{path}.scenario_id"),
        scenario_hash=check_hash(item["scenario_hash"], f"{path}.scenario_hash"),
        settings=settings,
        figures=check_figures(item["figures"], f"{path}.figures"),
        saved_at=time_of(item["saved_at"], f"{path}.saved_at"),
        plan=plan,
    )


def _decision(value: Any, path: str, _limits: Limits) -> Decision:
    """One entry of the decision log, with its number."""
    item = mapping(value, path, _DECISION_KEYS, _DECISION_KEYS)
    seq = item["seq"]
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= 2**31 - 1:
        raise input_error("store_bad_seq", path=f"{path}.seq", got=quote(seq))
    settings, plan = settings_and_plan_of(item["settings"], f"{path}.settings")
    return Decision(
        seq=seq,
        recorded_at=time_of(item["recorded_at"], f"{path}.recorded_at"),
        scenario_id=check_name(item["scenario_id"], f"{path}.scenario_id"),
        scenario_hash=check_hash(item["scenario_hash"], f"{path}.scenario_hash"),
        settings=settings,
        status=_word(item["status"], f"{path}.status"),
        figures=check_figures(item["figures"], f"{path}.figures"),
        solver=_word(item["solver"], f"{path}.solver"),
        method=_word(item["method"], f"{path}.method"),
        versions=_versions(item["versions"], f"{path}.versions"),
        note=check_text(item["note"], f"{path}.note", MAX_NOTE_CHARS, multiline=True),
        plan=plan,
    )


def _map(value: Any, path: str, _limits: Limits) -> StoredMap:
    """One map: a reference as scenarios write it, TopoJSON that can be drawn, its hash."""
    item = mapping(value, path, _MAP_KEYS, _MAP_KEYS)
    reference = check_reference(item["reference"])
    size = check_yaml_text(item["topojson"], f"{path}.topojson", MAX_MAP_BYTES)
    text = item["topojson"]
    sha = check_hash(item["sha256"], f"{path}.sha256")
    if content_hash(text) != sha:
        raise input_error("store_backup_hash", path=f"{path}.sha256")
    read_topology(text, reference)  # refused as an upload would be
    created = time_of(item["created_at"], f"{path}.created_at")
    return StoredMap(reference, sha, size, created, text)
