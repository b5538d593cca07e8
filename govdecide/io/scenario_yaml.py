"""Scenario YAML in and out: safe, bounded reading with a line for every key path, and dumping.

A problem is only useful to a person with its place in the file, so reading keeps the
YAML node tree beside the data (:func:`read_yaml`) and maps every key path to its line
(:func:`line_map`), finding the duplicate keys that ``yaml.safe_load`` would silently
merge. The same walk bounds the work a file can cause before any value is built: the
number of values (aliases expand), the depth, aliases that contain themselves, and
integers too long to convert; a file past a bound is :class:`Refused` with its place.
Messages quote values the way YAML writes them, shortened (:func:`yaml_quote`), and name
places as key paths (:func:`format_path`). :func:`dump_yaml` writes text that reads back
exactly.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from govdecide.io.scenario_schema import MAX_NUMBER_TEXT, printable

MAX_NODES = 500_000
# A scenario nests at most five levels (programs[0].district_bounds.north.min_units);
# twenty leaves room for any mistake, and keeps every later step (validation, the
# quoting of values in messages) far from Python's recursion limit.
MAX_DEPTH = 20
# Digits of an integer: above MAX_NUMBER (16 digits) the schema refuses it anyway, and a
# few thousand digits cost quadratic time to build (Python refuses 4,301 outright).
MAX_INT_CHARS = 40
_INT_TAG = "tag:yaml.org,2002:int"

# Characters YAML treats as line breaks besides \n. In a plain or single-quoted scalar a
# reader folds them (NEL, U+0085, comes back as a space: a Windows-1252 ellipsis decoded
# as Latin-1 becomes one), so texts containing them are written double-quoted, where
# they are escapes (\N, \L, \P, \r) and survive the round trip exactly.
_YAML_BREAKS = ("\x85", "\u2028", "\u2029", "\r")

Lines = dict[tuple[Any, ...], int]
Duplicates = list[tuple[tuple[Any, ...], str, dict, int]]


class Refused(Exception):
    """A file past one of the reading bounds: the problem ``(key path, catalogue code,
    params)`` and its line."""

    def __init__(self, raw: tuple[tuple[Any, ...], str, dict[str, Any]], line: int) -> None:
        super().__init__(raw[1])
        self.path, self.code, self.params = raw
        self.line = line


def read_yaml(text: str) -> tuple[Any, Lines, Duplicates]:
    """Parse YAML once, safely: the data, the line of every key path, the duplicate keys.

    This is ``yaml.safe_load`` split in its two steps (compose, then construct with the
    safe constructor), using libyaml's ``CSafeLoader`` when present: on a scenario with
    thousands of districts the pure-Python reader, and a second pass for line numbers,
    are several times slower. Between the two steps :func:`line_map` walks the node tree
    and raises :class:`Refused` for a file past a bound, so that nothing is built from it.
    On a syntax error the pure-Python reader parses the text again, so the message (and
    the hint chosen from it) is the same on every machine; a nesting too deep for it to
    follow is refused as such.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    loaders = [fast, yaml.SafeLoader] if fast is not None else [yaml.SafeLoader]
    for i, loader_class in enumerate(loaders):
        loader = loader_class(text)
        try:
            try:
                node = loader.get_single_node()
            except RecursionError:
                raise Refused(((), "too_deep", {"limit": MAX_DEPTH}), 1) from None
            lines, duplicates = line_map(node)
            return _construct(loader, node), lines, duplicates
        except yaml.YAMLError as exc:
            if i == len(loaders) - 1:
                raise
            if "maximum nesting depth" in str(exc):
                mark = getattr(exc, "problem_mark", None)
                line = mark.line + 1 if mark is not None else 1
                raise Refused(((), "too_deep", {"limit": MAX_DEPTH}), line) from None
        finally:
            loader.dispose()
    raise AssertionError("unreachable")  # pragma: no cover


def _construct(loader: yaml.SafeLoader, node: yaml.Node | None) -> Any:
    """The data of a walked node tree; a scalar YAML resolves but cannot build (``!!int
    abc``, the date 2024-13-45) is refused at its line, not raised as a ValueError."""
    if node is None:
        return None
    try:
        return loader.construct_document(node)
    except yaml.YAMLError:
        raise
    except Exception:  # noqa: BLE001 - a constructor's own error: find the value
        line, value = _unbuildable(loader, node)
        raise Refused(((), "yaml_value", {"got": yaml_quote(value)}), line) from None


def _unbuildable(loader: yaml.SafeLoader, root: yaml.Node) -> tuple[int, str]:
    """The line and text of the first scalar the constructor fails on (only looked for
    after construction failed, so a good file pays nothing)."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                loader.construct_object(node)
            except Exception:  # noqa: BLE001 - the one we are looking for
                return node.start_mark.line + 1, node.value
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return root.start_mark.line + 1, ""


def line_map(root: yaml.Node | None) -> tuple[Lines, Duplicates]:
    """Map each key path in the document to its (1-based) line, and find duplicate keys.

    ``yaml.safe_load`` keeps the last of two equal keys in a mapping without a word, so a
    pasted block would silently replace another: the node tree is the only place left to
    see it. The walk also bounds what the file can cost, before anything is built from
    it: aliases let a small file expand into an enormous document (past :data:`MAX_NODES`
    values it is refused), an alias inside its own anchor (``a: &r [*r]``) never ends,
    nesting past :data:`MAX_DEPTH` is no scenario, and an integer of thousands of digits
    takes quadratic time to convert. The memory is bounded too: a key path is at most
    :data:`MAX_DEPTH` long, and only the ancestors of the current node are remembered.
    """
    lines: Lines = {}
    duplicates: Duplicates = []
    count = 0
    seen: set[int] = set()  # collection nodes walked once (a second visit is an alias)
    chain: list[int] = []  # the collection nodes above the current one
    stack: list[tuple[yaml.Node, tuple[Any, ...]]] = [] if root is None else [(root, ())]
    while stack:
        node, path = stack.pop()
        count += 1
        line = node.start_mark.line + 1
        if count > MAX_NODES:
            raise Refused((path, "too_complex", {"limit": f"{MAX_NODES:,}"}), line)
        lines.setdefault(path, line)
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _INT_TAG and len(node.value) > MAX_INT_CHARS:
                got = node.value[:12] + "..."
                raise Refused(
                    (path, "number_too_large", {"limit": MAX_NUMBER_TEXT, "got": got}), line
                )
            continue
        if len(path) >= MAX_DEPTH:
            raise Refused((path, "too_deep", {"limit": MAX_DEPTH}), line)
        del chain[len(path) :]
        if id(node) in seen and id(node) in chain:
            raise Refused((path, "recursive_alias", {}), line)
        seen.add(id(node))
        chain.append(id(node))
        stack.extend(_children(node, path, duplicates, lines))
    return lines, duplicates


def _children(
    node: yaml.Node, path: tuple[Any, ...], duplicates: Duplicates, lines: Lines
) -> list[tuple[yaml.Node, tuple[Any, ...]]]:
    """The (node, key path) of each value of a collection; in a mapping, each key's line
    goes in ``lines`` and a repeated key in ``duplicates`` (its value is not walked)."""
    if isinstance(node, yaml.SequenceNode):
        return [(item, path + (i,)) for i, item in enumerate(node.value)]
    if not isinstance(node, yaml.MappingNode):
        return []
    out = []
    first: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            # a list or mapping as a key: no scenario has one, and building it recurses
            raise Refused((path, "complex_key", {}), line)
        key = key_node.value
        if key_node.tag == _INT_TAG and len(key) > MAX_INT_CHARS:
            got = key[:12] + "..."
            raise Refused((path, "number_too_large", {"limit": MAX_NUMBER_TEXT, "got": got}), line)
        if key in first and key != "<<":
            duplicates.append(
                (path + (key,), "duplicate_key", {"key": key, "first": first[key]}, line)
            )
            continue
        first[key] = line
        lines[path + (key,)] = line
        out.append((value_node, path + (key,)))
    return out


def format_path(path: tuple[Any, ...]) -> str:
    """``('districts', 3, 'population')`` -> ``districts[3].population`` (a key that holds
    an unprintable character shows its escape)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + printable(str(part))
    return out


def yaml_quote(value: Any) -> str:
    """A value as a short quote for a message, written the way YAML writes it.

    Bounded whatever the value: nested lists and mappings are cut to a few levels and
    items before they are written, and an integer of hundreds of digits is shown by its
    size (its full text could be thousands of characters, or not convertible at all).
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    if isinstance(value, int) and abs(value) >= 10**16:
        return _big_int(value)
    if isinstance(value, (dict, list)):
        try:
            text = yaml.safe_dump(
                _pruned(value, 3), default_flow_style=True, allow_unicode=True, width=1000
            ).strip()
        except (yaml.YAMLError, RecursionError, ValueError):
            text = "..."
        return printable(text if len(text) <= 60 else text[:57] + "...")
    text = repr(value[:60]) if isinstance(value, str) else str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        text = str(int(value))
    return printable(text if len(text) <= 40 else text[:37] + "...")


def _big_int(value: int) -> str:
    """An integer of 17 digits or more as ``1.234e+400`` (computed without its full text)."""
    exponent = int(math.log10(abs(value)))
    leading = abs(value) // 10 ** max(exponent - 3, 0)
    sign = "-" if value < 0 else ""
    return f"{sign}{leading / 1000:.3f}e+{exponent}"


def _pruned(value: Any, depth: int) -> Any:
    """A copy of nested data small enough to quote: ``depth`` levels, eight items each,
    long texts and integers cut (so that writing it is bounded and never recurses far)."""
    if isinstance(value, (dict, list)) and depth <= 0:
        return "..."
    if isinstance(value, dict):
        items = list(value.items())[:8]
        return {str(k)[:20]: _pruned(v, depth - 1) for k, v in items}
    if isinstance(value, list):
        head = [_pruned(v, depth - 1) for v in value[:8]]
        return head + ["..."] if len(value) > 8 else head
    if isinstance(value, str):
        return value[:40]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**16:
        return _big_int(value)
    return value


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
