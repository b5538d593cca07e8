"""Scenario YAML in and out: safe reading with a line for every key path, and dumping.

A problem is only useful to a person with its place in the file, so reading keeps the
YAML node tree beside the data (:func:`read_yaml`) and maps every key path to its line
(:func:`line_map`), finding the duplicate keys that ``yaml.safe_load`` would silently
merge. Messages quote values the way YAML writes them (:func:`yaml_quote`) and name places
as key paths (:func:`format_path`). :func:`dump_yaml` writes text that reads back exactly.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

MAX_NODES = 500_000

# Characters YAML treats as line breaks besides \n. In a plain or single-quoted scalar a
# reader folds them (NEL, U+0085, comes back as a space: a Windows-1252 ellipsis decoded
# as Latin-1 becomes one), so texts containing them are written double-quoted, where
# they are escapes (\N, \L, \P, \r) and survive the round trip exactly.
_YAML_BREAKS = ("\x85", "\u2028", "\u2029", "\r")


class TooComplex(Exception):
    """The YAML document expands (through aliases) to more nodes than a scenario needs."""


def read_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML once, safely, and keep both the data and the node tree (for lines).

    This is ``yaml.safe_load`` split in its two steps (compose, then construct with the
    safe constructor), using libyaml's ``CSafeLoader`` when present: on a scenario with
    thousands of districts the pure-Python reader, and a second pass for line numbers,
    are several times slower. On a syntax error the pure-Python reader parses the text
    again, so the message (and the hint chosen from it) is the same on every machine.
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


def line_map(
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
            raise TooComplex
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


def yaml_quote(value: Any) -> str:
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


def yaml_hint(problem: str, exc: yaml.YAMLError) -> str:
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


class _ScenarioDumper(yaml.SafeDumper):
    """The safe dumper, with texts that contain YAML line breaks double-quoted."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Double-quote a text with a YAML line break; leave the rest to PyYAML's choice."""
    if any(ch in value for ch in _YAML_BREAKS):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


_ScenarioDumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """Plain data as YAML text that reads back to the same data, keys in the given order."""
    return yaml.dump(data, Dumper=_ScenarioDumper, allow_unicode=True, sort_keys=False, width=100)
