"""The catalogue: every key in both languages, and every key the code uses exists.

The scan reads the source of govdecide/, app_pages/, ui/ and app.py for ``t("...")`` calls
with a literal key (and ``t(f"...")`` keys, whose fixed prefix must match some key), so an
untranslated or misspelt key fails here rather than in front of a workshop.
"""

from __future__ import annotations

import ast
import re
import string
import unicodedata
from pathlib import Path

import pytest
import yaml

from govdecide.i18n import LANGS, catalogue, fmt_num, fmt_pct, localize, normalize_lang, t

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    *sorted((ROOT / "govdecide").rglob("*.py")),
    *sorted((ROOT / "app_pages").glob("*.py")),
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
    app_pages/allocate.py uses literal keys; at least 100 literal keys are used in all."""
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
        key for key, entry in catalogue().items() if fields(entry["en"]) != fields(entry["zh"])
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


# --- message parameters: every field a template needs is supplied by its callers ---------

# Callers that build a message from a literal catalogue code: name -> (key prefix, index of
# the code among the positional args, index of the params dict among them or None when the
# params are keyword arguments, keywords that are a location rather than a parameter).
_BUILDERS: dict[str, tuple[str, int, int | None, frozenset[str]]] = {
    "t": ("", 0, None, frozenset()),
    "_problem": ("io.tbl.", 0, None, frozenset({"file", "row", "column"})),
    "input_error": ("err.", 0, None, frozenset({"path"})),
    "Note": ("io.note.", 0, 1, frozenset()),
    "Problem": ("err.", 1, 2, frozenset()),
    "TableProblem": ("io.tbl.", 1, 2, frozenset()),
    "map_error": ("err.", 0, None, frozenset({"file", "path"})),  # the map import (issue 16)
    "BadMap": ("err.", 0, None, frozenset({"path"})),
    "MapNote": ("maps.note.", 0, 1, frozenset()),
}
_SCANNED = [*SOURCES, *sorted((ROOT / "scripts").glob("*.py"))]


def _fields(template: str) -> set[str]:
    """The parameter names a ``str.format`` template reads ('{a.b}' reads 'a')."""
    return {
        re.split(r"[.\[]", name, maxsplit=1)[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name is not None and name != ""
    }


def _dict_keys(node: ast.AST | None) -> set[str] | None:
    """The keys of a dict literal with constant keys; None when not statically visible."""
    if node is None:
        return set()
    if isinstance(node, ast.Dict) and all(
        isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys
    ):
        return {k.value for k in node.keys}  # type: ignore[union-attr]
    return None


def _message_sites(path: Path) -> list[tuple[int, str, set[str]]]:
    """(line, catalogue key, parameters supplied) of each call or raw problem tuple whose
    key and parameters can be read from the source; dynamic ones are left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    keys = catalogue()
    sites: list[tuple[int, str, set[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in _BUILDERS:
                continue
            prefix, code_at, params_at, location = _BUILDERS[name]
            kw = {k.arg: k.value for k in node.keywords}
            code = node.args[code_at] if len(node.args) > code_at else kw.get("code")
            if not (isinstance(code, ast.Constant) and isinstance(code.value, str)):
                continue
            if params_at is None:
                if None in kw:  # **params: not statically visible
                    continue
                supplied: set[str] | None = {k for k in kw if k not in location}
            else:
                given = node.args[params_at] if len(node.args) > params_at else kw.get("params")
                supplied = _dict_keys(given)
            if supplied is not None:
                sites.append((node.lineno, prefix + code.value, supplied))
        elif isinstance(node, ast.Tuple) and len(node.elts) == 3:
            # raw scenario problems: (path, "code", {params})
            _, code, params = node.elts
            if (
                isinstance(code, ast.Constant)
                and isinstance(code.value, str)
                and f"err.{code.value}" in keys
                and isinstance(params, ast.Dict)
            ):
                supplied = _dict_keys(params)
                if supplied is not None:
                    sites.append((node.lineno, f"err.{code.value}", supplied))
    return sites


def test_the_parameter_scan_finds_the_builders():
    """The scan sees t(), _problem(), Problem(), Note() and raw tuples: the call that once
    shipped without its {column} (io.tbl.map_unknown_column) is among the sites, as are
    err.cannot_write in the command line and err.duplicate_id in the scenario checks."""
    sites = {key for path in _SCANNED for _, key, _ in _message_sites(path)}
    for key in (
        "io.tbl.map_unknown_column",
        "io.tbl.not_positive",
        "io.note.sheet_used",
        "err.cannot_write",
        "err.duplicate_id",
        "app.alloc.title",
    ):
        assert key in sites, key
    assert len(sites) >= 150


def test_every_statically_visible_message_gets_all_its_fields():
    """A template field the caller does not pass is a KeyError while the message is being
    rendered, i.e. a traceback in place of an error message. Every call with a literal key
    must pass each field the template reads, in both languages."""
    keys = catalogue()
    short = []
    for path in _SCANNED:
        for line, key, supplied in _message_sites(path):
            if key not in keys:
                continue  # test_every_literal_key_used_in_code_exists reports it
            needed = set().union(*(_fields(keys[key][lang]) for lang in LANGS))
            if needed - supplied:
                short.append(
                    f"{path.relative_to(ROOT)}:{line}: {key} lacks {sorted(needed - supplied)}"
                )
    assert short == []


def test_a_missing_parameter_fails_under_tests():
    """Under pytest t() raises on a missing field instead of hiding it (io.tbl.not_number
    reads {got})."""
    from govdecide.i18n import CatalogueError

    with pytest.raises(CatalogueError, match="got"):
        t("io.tbl.not_number", "en")
    assert t("io.tbl.not_number", "en", got="x") == "'x' is not a number"


def test_a_missing_parameter_keeps_the_field_outside_tests(monkeypatch: pytest.MonkeyPatch):
    """Outside pytest (the app, the command line) the sentence keeps '{got}' rather than
    raising in the middle of reporting a user's error."""
    import govdecide.i18n as i18n

    monkeypatch.setattr(i18n, "_under_tests", lambda: False)
    assert t("io.tbl.not_number", "en") == "'{got}' is not a number"
    assert t("io.tbl.not_number", "zh", got="x") == "“x”不是数字"


# --- the message codes chosen at run time, rendered through the code that chooses them ----

_BASE = """\
format: govdecide/v1
name: Testville
districts:
  - {id: north, name: North, population: 1000}
programs:
  - {id: clinic, name: Clinic, unit_cost: 100, capacity: 500, need: {indicator: population}}
policy: {budget: 500}
"""


def _codes(exc: pytest.ExceptionInfo) -> set[str]:
    """The codes of a raised ScenarioError, after rendering every message in both
    languages (a missing parameter raises CatalogueError here under pytest)."""
    for lang in LANGS:
        assert all(exc.value.messages(lang))
    return {p.code for p in exc.value.problems}


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("population: 1000", "population: -5", "greater_than"),
        ("population: 1000", "population: abc", "not_number"),
        ("budget: 500", "budget: -1", "greater_than_equal"),
        ("budget: 500", "budget: 500, equity_weight: 2", "less_than_equal"),
        ("policy: {budget: 500}", "policy: {budget: 500}\npolicy: {budget: 1}", "duplicate_key"),
        ("name: Testville", "name: Testville\n\tx: 1", "yaml_tab"),
        ("name: Testville", 'name: "Testville', "yaml_quote"),
        ("name: Testville", "name: [Testville", "yaml_bracket"),
        ("name: Testville", "name: *nothing", "yaml_alias"),
        ("name: Testville", "name: - Testville", "yaml_list_item"),
        ("name: Testville", "name: Testville\n  x: 1", "yaml_indent"),
        ("name: Testville", "name: Testville\n%bad", "yaml_syntax"),
    ],
)
def test_scenario_codes_chosen_at_run_time_render(old: str, new: str, code: str):
    """Codes picked by pydantic error kind or by the YAML parser's state come from
    variables, so the static scan cannot see their parameters: each is produced here from
    a one-line change to a valid scenario and rendered in both languages."""
    from govdecide.errors import ScenarioError
    from govdecide.io.scenario import parse_scenario

    parse_scenario(_BASE, "t.yaml")  # the base itself is valid
    assert old in _BASE
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(_BASE.replace(old, new, 1), "t.yaml")
    assert code in _codes(exc)


def test_pydantic_kinds_without_a_scenario_field_render():
    """``less_than`` and ``not_whole_number`` are mapped from pydantic error kinds no
    scenario field produces today; the mapping must still give their parameters."""
    from govdecide.errors import Problem
    from govdecide.io.scenario import _problem_from_pydantic

    for kind, ctx, code in [
        ("less_than", {"lt": 1}, "less_than"),
        ("int_parsing", {}, "not_whole_number"),
    ]:
        err = {"type": kind, "loc": ("policy", "budget"), "input": 2.5, "ctx": ctx}
        path, got, params = _problem_from_pydantic(err, {})
        assert got == code
        for lang in LANGS:
            assert Problem("policy.budget", got, params).message(lang)


def test_setting_codes_render():
    """Bad settings from a caller: budget -1 (setting_negative), equity weight 2
    (setting_range01), time limit 0 (setting_positive), a weight for a program the
    scenario lacks (unknown_program_weight), an unknown method (unknown_method): all five
    in one error, rendered."""
    from govdecide.errors import ScenarioError
    from govdecide.io.scenario import parse_scenario
    from govdecide.model.problem import problem_data
    from govdecide.model.settings import Settings

    scenario = parse_scenario(_BASE, "t.yaml")
    settings = Settings(
        budget=-1, equity_weight=2, time_limit_s=0, weights={"nope": 1}, method="fastest"
    )
    with pytest.raises(ScenarioError) as exc:
        problem_data(scenario, settings)
    assert _codes(exc) >= {
        "setting_negative",
        "setting_range01",
        "setting_positive",
        "unknown_program_weight",
        "unknown_method",
    }


def test_table_cell_codes_render():
    """A text and a formula in the population column: io.tbl.not_number and
    io.tbl.formula, chosen by the cell's content, rendered with the cell quoted."""
    from govdecide.errors import ScenarioError
    from govdecide.io.scenario import parse_scenario
    from govdecide.io.table_import import build_scenario
    from govdecide.io.table_read import read_table

    template = parse_scenario(_BASE, "t.yaml")
    table = read_table(b"name,population\nA,abc\nB,=C2*2\nC,10\n", "t.csv")
    with pytest.raises(ScenarioError) as exc:
        build_scenario(table, template)
    assert _codes(exc) >= {"not_number", "formula"}
    text = "\n".join(exc.value.messages("en"))
    assert "'abc' is not a number" in text and "'=C2*2' is a formula" in text


_RENDERED_AT_RUN_TIME = {
    *(f"err.{c}" for c in ("greater_than", "greater_than_equal", "less_than")),
    *(f"err.{c}" for c in ("less_than_equal", "not_number", "not_whole_number")),
    *(f"err.yaml_{c}" for c in ("syntax", "tab", "quote", "bracket", "alias", "list_item")),
    "err.yaml_indent",
    "err.duplicate_key",
    *(f"err.setting_{c}" for c in ("negative", "range01", "positive")),
    "err.unknown_program_weight",
    "err.unknown_method",
    "io.tbl.not_number",
    "io.tbl.formula",
}


def test_every_input_message_is_checked_somewhere():
    """Each err.*, io.tbl.* and io.note.* key is either at a call site the parameter scan
    checks or among the codes the tests above render through the code that picks them;
    a new code chosen at run time must be added to one of those tests."""
    checked = {key for path in _SCANNED for _, key, _ in _message_sites(path)}
    unchecked = [
        key
        for key in catalogue()
        if key.startswith(("err.", "io.tbl.", "io.note."))
        and key not in checked
        and key not in _RENDERED_AT_RUN_TIME
    ]
    assert unchecked == []


# --- Markdown emphasis: CommonMark's delimiter-run rules, for the `**` the catalogue uses.
# No CommonMark renderer is installed (Streamlit renders Markdown in the browser), so the
# test applies the spec's rules itself (CommonMark 0.31, section 6.2): a run of `*` can
# open strong emphasis only if it is left-flanking and close it only if right-flanking.


def _is_space(ch: str) -> bool:
    """Unicode whitespace as CommonMark counts it (Zs, tab, line ends); '' is the edge."""
    return ch == "" or ch in "\t\n\r\f" or unicodedata.category(ch) == "Zs"


def _is_punct(ch: str) -> bool:
    """Unicode punctuation as CommonMark 0.31 counts it: categories P* and S*."""
    return ch != "" and unicodedata.category(ch)[0] in "PS"


def _flanking(text: str, start: int, end: int) -> tuple[bool, bool]:
    """(left-flanking, right-flanking) of the delimiter run text[start:end]."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    left = not _is_space(after) and (not _is_punct(after) or _is_space(before) or _is_punct(before))
    right = not _is_space(before) and (
        not _is_punct(before) or _is_space(after) or _is_punct(after)
    )
    return left, right


def literal_strong_markers(text: str) -> list[int]:
    """Where a `**` run of ``text`` stays literal when rendered (start offsets).

    Runs are paired as CommonMark's emphasis algorithm does for runs of two: a run that can
    close takes the nearest open run before it; one that cannot close or open is literal.
    Backslash-escaped stars are not delimiters.
    """
    runs = [
        m for m in re.finditer(r"\*+", text) if not (m.start() > 0 and text[m.start() - 1] == "\\")
    ]
    openers: list[int] = []
    literal: list[int] = []
    for m in runs:
        if len(m.group()) < 2:
            continue
        can_open, can_close = _flanking(text, m.start(), m.end())
        if can_close and openers:
            openers.pop()
        elif can_open:
            openers.append(m.start())
        else:
            literal.append(m.start())
    return sorted(literal + openers)


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ("**Result:** optimal", []),
        ("**结果：**最优", [0, 5]),  # after a full-width colon the run cannot close: both literal
        ("**结果**：最优", []),
        ("**第 1 步** 读取", []),
        ("a ** b", [2]),
        (r"\*\* not bold", []),
    ],
)
def test_the_strong_marker_rule(text, literal):
    """The rule on cases checked by hand against the spec's flanking definitions."""
    assert literal_strong_markers(text) == literal


def test_no_catalogue_string_leaves_a_literal_strong_marker():
    """Every catalogue string, with its fields filled by a word in its language, renders
    its `**` as bold: none is left as two literal stars (as `**结果：**最优` was)."""
    filler = {"en": "word", "zh": "最优"}
    bad = []
    for key, entry in catalogue().items():
        for lang in LANGS:
            template = entry[lang]
            names = {n for _, n, _, _ in string.Formatter().parse(template) if n}
            text = template.format(**{n: filler[lang] for n in names})
            if literal_strong_markers(text):
                bad.append(f"{key} ({lang}): {text}")
    assert bad == []
