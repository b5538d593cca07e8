"""The catalogue: every key in both languages, and every key the code uses exists.

The scan reads the source of govdecide/, pages/, ui/ and app.py for ``t("...")`` calls
with a literal key (and ``t(f"...")`` keys, whose fixed prefix must match some key), so an
untranslated or misspelt key fails here rather than in front of a workshop.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
import yaml

from govdecide.i18n import LANGS, catalogue, fmt_num, fmt_pct, localize, normalize_lang, t

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    *sorted((ROOT / "govdecide").rglob("*.py")),
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted((ROOT / "ui").glob("*.py")),
    ROOT / "app.py",
]
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def _calls(path: Path) -> list[tuple[int, str, bool]]:
    """(line, key or f-string prefix, is_prefix) of every t(...) call in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name != "t":
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((node.lineno, first.value, False))
        elif isinstance(first, ast.JoinedStr):
            prefix = ""
            for part in first.values:
                if isinstance(part, ast.Constant):
                    prefix += str(part.value)
                else:
                    break
            found.append((node.lineno, prefix, True))
    return found


def test_the_scan_finds_calls():
    """The scan itself works: app.py uses t() with keys from PAGES (via variables) and
    pages/allocate.py uses literal keys; at least 100 literal keys are used in all."""
    literal = [k for path in SOURCES for _, k, is_prefix in _calls(path) if not is_prefix]
    assert len(literal) >= 100
    assert "app.alloc.title" in literal


def test_every_literal_key_used_in_code_exists():
    keys = catalogue()
    missing = [
        f"{path.relative_to(ROOT)}:{line}: {key}"
        for path in SOURCES
        for line, key, is_prefix in _calls(path)
        if not is_prefix and key not in keys
    ]
    assert missing == []


def test_every_fstring_key_prefix_matches_some_key():
    """t(f"status.{x}") must at least have keys starting with 'status.'."""
    keys = list(catalogue())
    missing = [
        f"{path.relative_to(ROOT)}:{line}: {prefix}..."
        for path in SOURCES
        for line, prefix, is_prefix in _calls(path)
        if is_prefix and prefix and not any(k.startswith(prefix) for k in keys)
    ]
    assert missing == []


def test_every_key_has_english_and_chinese():
    incomplete = [
        key
        for key, entry in catalogue().items()
        if any(not str(entry.get(lang, "")).strip() for lang in LANGS)
    ]
    assert incomplete == []


def test_templates_use_the_same_fields_in_both_languages():
    """'{people} served' in English needs {people} in Chinese too, or the number is lost."""

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    differ = [
        key
        for key, entry in catalogue().items()
        if fields(entry["en"]) != fields(entry["zh"])
    ]
    assert differ == []


def test_app_keys_are_prefixed_and_in_the_app_file_only():
    """Keys in locales/app.yaml start with 'app.'; the app prefix is used nowhere else."""
    locales = ROOT / "govdecide" / "locales"
    app_keys = yaml.safe_load((locales / "app.yaml").read_text(encoding="utf-8"))
    assert app_keys and all(k.startswith("app.") and KEY.match(k) for k in app_keys)
    for path in locales.glob("*.yaml"):
        if path.name == "app.yaml":
            continue
        other = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        assert not [k for k in other if k.startswith("app.")], path.name


def test_page_titles_in_app_py_exist():
    """PAGES holds title keys as data (not t() literals): check them directly."""
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    keys = re.findall(r'"(app\.(?:section|page)\.[a-z_]+)"', source)
    assert len(keys) >= 4
    assert [k for k in keys if k not in catalogue()] == []


@pytest.mark.parametrize(("lang", "expected"), [("en", "Allocate"), ("zh", "分配")])
def test_a_label_in_each_language(lang, expected):
    assert t("app.page.allocate", lang) == expected


def test_browser_locales_map_to_catalogue_languages():
    assert normalize_lang("zh-CN") == "zh"
    assert normalize_lang("zh_TW") == "zh"
    assert normalize_lang("en-GB") == "en"
    assert normalize_lang("fr-FR") == "en"
    assert normalize_lang(None) == "en"


def test_numbers_and_scenario_texts():
    """1234567.8 -> '1,234,568'; 0.4123 -> '41.2%'; {en, zh} texts fall back to English."""
    assert fmt_num(1234567.8, "zh") == "1,234,568"
    assert fmt_pct(0.4123, "en") == "41.2%"
    assert localize({"en": "North", "zh": "北区"}, "zh") == "北区"
    assert localize({"en": "North"}, "zh") == "North"
