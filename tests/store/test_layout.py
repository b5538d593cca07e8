"""The store sits low in the layout: it uses the inputs and the model, nothing above.

The app pages and the command line will import it, and the report may read the decision
log from it, so it must not import the analyses, the presentation or the command line
(the rest of the layout is checked by tests/test_architecture.py).
"""

from __future__ import annotations

from tests.test_architecture import PACKAGE, imports, module_name

ABOVE = ("govdecide.analyses", "govdecide.present", "govdecide.cli", "streamlit")


def test_the_store_imports_nothing_above_it():
    modules = sorted((PACKAGE / "store").rglob("*.py"))
    assert len(modules) >= 8
    wrong = [
        f"{module_name(path)} imports {name}"
        for path in modules
        for name in imports(path)
        if name.startswith(ABOVE)
    ]
    assert wrong == []


def test_nothing_below_the_store_imports_it():
    """The inputs and the model know nothing of the store."""
    wrong = [
        f"{module_name(path)} imports {name}"
        for room in ("io", "model")
        for path in sorted((PACKAGE / room).rglob("*.py"))
        for name in imports(path)
        if name.startswith("govdecide.store") and not module_name(path).endswith("report")
    ]
    assert wrong == []
