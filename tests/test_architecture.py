"""The layout holds: rooms by role, data flowing one way, no cycles, pieces short enough.

Read from the source (``ast``), not by importing, so that an import made inside a function
counts as much as one at the top of a module. What the rules are, and why, is in
docs/ENGINEERING.md; this test is what keeps them true.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "govdecide"
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 600

# Who may import whom. Inputs (scenario files, tables) come first, then the model, the
# analyses built on it, the presentation of results, and last what writes them out: the
# exports and the report (in io/ beside the inputs, as the files they are) and the CLI.
INPUT_MODULES = ("govdecide.io.scenario", "govdecide.io.table")
LOWER_THAN = {
    "govdecide.model": (
        "govdecide.analyses",
        "govdecide.present",
        "govdecide.cli",
        "govdecide.rooms",
    ),  # fmt: skip
    # workshop rooms: on the model, below the store (which keeps them) and the presentation
    "govdecide.rooms": (
        "govdecide.analyses",
        "govdecide.present",
        "govdecide.cli",
        "govdecide.store",
    ),  # fmt: skip
    "govdecide.analyses": ("govdecide.present", "govdecide.cli"),
    "govdecide.present": ("govdecide.cli",),
}


def module_name(path: Path) -> str:
    """``govdecide/model/engine.py`` -> ``govdecide.model.engine`` (packages by their dir)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources() -> dict[str, Path]:
    """Every module of the library by dotted name."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth of its code (``from x import y`` counts
    ``x`` and ``x.y``, so a submodule imported by name is seen)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{alias.name}" for alias in node.names)
    return out


def internal_graph() -> dict[str, set[str]]:
    """The library's own import graph: module -> the library modules it imports."""
    known = sources()
    return {name: {m for m in imports(path) if m in known} - {name} for name, path in known.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules, or None (depth-first search)."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def parent_packages(name: str) -> set[str]:
    """A module and every package it belongs to (``a.b.c`` -> ``a``, ``a.b``, ``a.b.c``)."""
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def test_find_cycle_sees_a_cycle_and_only_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle_in_the_library():
    """A package importing its own submodules (its public API) is not a cycle of logic, so
    a package's ``__init__`` is left out of the graph; every other import counts."""
    graph = internal_graph()
    packages = {n for n, p in sources().items() if p.name == "__init__.py"}
    reduced = {n: {m for m in deps if m not in packages} for n, deps in graph.items()}
    assert find_cycle(reduced) is None, " -> ".join(find_cycle(reduced) or [])


def test_data_flows_one_way():
    """file -> Scenario -> model -> Result -> analyses -> tables/charts/text -> CLI."""
    wrong = []
    for name, deps in internal_graph().items():
        for lower, forbidden in LOWER_THAN.items():
            if lower in parent_packages(name):
                wrong += [f"{name} imports {d}" for d in deps if d.startswith(forbidden)]
        if name.startswith(INPUT_MODULES):
            wrong += [
                f"{name} imports {d}"
                for d in deps
                if d.startswith(("govdecide.model", "govdecide.analyses", "govdecide.present"))
            ]
    assert not wrong, "\n".join(sorted(wrong))


def test_the_library_never_imports_streamlit():
    users = [
        n for n, p in sources().items() if any(m.split(".")[0] == "streamlit" for m in imports(p))
    ]
    assert not users


def test_no_attributes_stuck_on_pulp_objects():
    """What the solver needs from the model travels in an explicit object (``Handover``),
    never as ``_govdecide_*`` attributes on PuLP's problem."""
    offenders = [n for n, p in sources().items() if "._govdecide_" in p.read_text(encoding="utf-8")]
    assert not offenders


@pytest.mark.parametrize("name", sorted(sources()))
def test_functions_and_modules_are_short_enough_to_read_whole(name: str):
    path = sources()[name]
    text = path.read_text(encoding="utf-8")
    lines = len(text.splitlines())
    assert lines <= MAX_MODULE_LINES, f"{name}: {lines} lines"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{name}: {', '.join(long)}"
