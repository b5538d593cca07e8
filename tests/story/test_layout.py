"""The story room sits above the analyses and the store and below the pages and the
report: nothing lower imports it (the report wires its section in), it imports no
Streamlit (tests/test_architecture.py), and the store does not know it."""

from __future__ import annotations

from tests.test_architecture import PACKAGE, imports, module_name

BELOW = ("io", "model", "analyses", "present", "store")


def test_nothing_below_the_story_imports_it():
    wrong = [
        f"{module_name(path)} imports {name}"
        for room in BELOW
        for path in sorted((PACKAGE / room).rglob("*.py"))
        for name in imports(path)
        if name.startswith("govdecide.story") and module_name(path) != "govdecide.io.report"
    ]
    assert wrong == []


def test_the_story_imports_neither_the_report_nor_the_command_line():
    modules = sorted((PACKAGE / "story").rglob("*.py"))
    assert len(modules) >= 5
    wrong = [
        f"{module_name(path)} imports {name}"
        for path in modules
        for name in imports(path)
        if name.startswith(("govdecide.io.report", "govdecide.cli", "streamlit"))
    ]
    assert wrong == []
