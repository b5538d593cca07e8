"""Which column of a district table is which field: guesses, labels, checks, ``--map``.

A table read by :mod:`govdecide.io.table_read` has headers written by people, in English
or Chinese (``区``, ``名称``, ``常住人口（万人）``, ``面积``...). :func:`guess_mapping` proposes
a field for every column (the district id, name, population, area, an indicator, or units
already in place), using the template scenario's indicator and program names too; the user
can change every guess (the app's select boxes, the command line's ``--map``), and
:func:`check_mapping` says what is wrong with the mapping before any row is read.

A column's unit (:data:`UNITS`) says how its numbers become the scenario's: a population
in 万人 is multiplied by 10,000, percentages of a share divided by 100. The header can
say it (:func:`population_unit`, :func:`says_percent`), the caller can set it
(:func:`check_units` checks what they set), and :func:`is_share` says which template
indicators are shares between 0 and 1 (their values are checked against it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from govdecide.errors import ScenarioError
from govdecide.i18n import LANGS, localize, t
from govdecide.io.scenario_schema import ID_PATTERN, Indicator, Scenario
from govdecide.io.table_read import (
    RawTable,
    TableProblem,
    _problem,
    column_letter,
    in_chinese,
    is_blank,
    parse_number,
)

# Fields a column can be mapped to. Indicators and baselines carry an id after a colon.
ID, NAME, NAME_EN, NAME_ZH, POPULATION, AREA, IGNORE = (
    "id",
    "name",
    "name_en",
    "name_zh",
    "population",
    "area_km2",
    "ignore",
)
SINGLE_FIELDS = (ID, NAME, NAME_EN, NAME_ZH, POPULATION, AREA)
NAME_FIELDS = (NAME, NAME_EN, NAME_ZH)
INDICATOR_PREFIX = "indicator:"
BASELINE_PREFIX = "baseline:"

# A column's unit: what its numbers are multiplied by to become the scenario's.
UNITS: dict[str, float] = {
    "as_is": 1.0,
    "percent": 0.01,
    "thousands": 1_000.0,
    "ten_thousands": 10_000.0,
}
AS_IS, PERCENT, THOUSANDS, TEN_THOUSANDS = UNITS
_SHARE_WORDS = ("share", "proportion", "fraction", "占比", "比例", "比重", "份额")
_PERCENT_WORDS = ("%", "percent", "pct", "百分比", "百分率")

_ID_RE = re.compile(ID_PATTERN)
_BRACKETED = re.compile(r"[\(\[（【].*?[\)\]）】]")  # a unit in brackets: （万人）, (km²)

# Header words, compared after :func:`_norm_header` (lower case, no spaces, no units).
_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    ID: (
        "id",
        "districtid",
        "district_id",
        "code",
        "districtcode",
        "areacode",
        "gsscode",
        "编号",
        "代码",
        "编码",
        "区划代码",
        "行政区划代码",
        "区代码",
        "id号",
    ),
    NAME_EN: ("name_en", "nameen", "englishname", "name(en)", "英文名", "英文名称"),
    NAME_ZH: ("name_zh", "namezh", "chinesename", "name(zh)", "中文名", "中文名称"),
    NAME: (
        "name",
        "district",
        "districtname",
        "district_name",
        "borough",
        "ward",
        "area",
        "region",
        "county",
        "区",
        "名称",
        "区名",
        "区县",
        "地区",
        "行政区",
        "区域",
        "区名称",
        "街道",
        "县区",
    ),
    POPULATION: (
        "population",
        "pop",
        "residents",
        "inhabitants",
        "totalpopulation",
        "人口",
        "常住人口",
        "户籍人口",
        "总人口",
        "人口数",
        "人口总数",
        "年末常住人口",
    ),
    AREA: (
        "area_km2",
        "areakm2",
        "area(km2)",
        "area(km²)",
        "areasqkm",
        "km2",
        "km²",
        "面积",
        "土地面积",
        "总面积",
        "行政区域面积",
    ),
}


# ---------------------------------------------------------------------------------------
# Words


def norm_header(text: str) -> str:
    """A header reduced for comparison: NFKC, lower case, white space out.

    ``常住人口（万人）`` -> ``常住人口(万人)`` (NFKC makes the brackets plain), so that
    :func:`_header_variants` can strip the unit and both the unit-bearing and the bare
    words match.
    """
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"\s+", "", text)


def _header_variants(text: str) -> set[str]:
    """The header, and the header without a bracketed unit or trailing unit words."""
    full = norm_header(text)
    bare = _BRACKETED.sub("", full)
    bare = bare.strip("_-:：")
    return {full, bare, bare.replace("_", ""), full.replace(" ", "")}


def slugify(text: str) -> str:
    """An id ``[a-z][a-z0-9_]*`` from a text; '' when the text has no Latin letters/digits.

    ``"Old Town"`` -> ``old_town``; ``"110101"`` -> ``d_110101``; ``"北区"`` -> ``''``.
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    if not slug:
        return ""
    if not slug[0].isalpha():
        slug = "d_" + slug
    return slug[:60]


def is_valid_id(text: str) -> bool:
    """True for a scenario id as typed (``[a-z][a-z0-9_]*``), which is kept as it is."""
    return bool(_ID_RE.match(text))


def _numeric_share(values: Sequence[Any]) -> float:
    """The share of non-blank cells that read as numbers (0 when all are blank)."""
    filled = [v for v in values if not is_blank(v)]
    if not filled:
        return 0.0
    return sum(parse_number(v) is not None for v in filled) / len(filled)


def _cjk_share(values: Sequence[Any]) -> float:
    """The share of non-blank cells containing Chinese characters."""
    filled = [str(v) for v in values if not is_blank(v)]
    if not filled:
        return 0.0
    return sum(in_chinese(v) for v in filled) / len(filled)


def _template_indicator_words(template: Scenario | None) -> dict[str, str]:
    """Normalised indicator ids and names (every language) of the template -> id."""
    words: dict[str, str] = {}
    if template is None:
        return words
    for ind in template.indicators:
        words[norm_header(ind.id)] = ind.id
        names = ind.name if isinstance(ind.name, dict) else {"x": ind.name or ""}
        for name in names.values():
            if name:
                for v in _header_variants(name):
                    words.setdefault(v, ind.id)
    for p in template.programs:
        if p.need.indicator != "population":
            words.setdefault(norm_header(p.need.indicator), p.need.indicator)
    return words


def _baseline_words(template: Scenario | None) -> dict[str, str]:
    """Header words that mean "units of program p already in place" -> program id."""
    words: dict[str, str] = {}
    if template is None:
        return words
    for p in template.programs:
        for form in (
            f"baseline_{p.id}",
            f"{p.id}_baseline",
            f"existing_{p.id}",
            f"{p.id}_existing",
            f"baseline:{p.id}",
        ):
            words[norm_header(form)] = p.id
        names = p.name if isinstance(p.name, dict) else {"x": p.name}
        for lang, name in names.items():
            prefix = "现有" if lang == "zh" or in_chinese(name) else "existing"
            words[norm_header(prefix + name)] = p.id
    return words


def _indicator_id_for(
    header: str, index: int, taken: set[str], reserved: frozenset[str] | set[str] = frozenset()
) -> str:
    """A fresh indicator id for a column: its slug, else ``col_<letter>``; never one in
    ``taken`` or ``reserved`` (two sets, not their union: a union per column made the
    guess quadratic in the number of columns)."""
    base = slugify(_BRACKETED.sub("", header)) or slugify(header)
    if not base or base in ("population", "id", "name"):
        base = f"col_{column_letter(index).lower()}"
    ident, n = base, 2
    while ident in taken or ident in reserved:
        ident, n = f"{base}_{n}", n + 1
    return ident


# ---------------------------------------------------------------------------------------
# Units


def population_unit(header: str) -> str:
    """The unit a population header states: 万 (ten thousands), thousands, else as is."""
    text = norm_header(header)
    if "万" in text:
        return TEN_THOUSANDS
    if re.search(r"(千人|thousands?|'000|\(000\)|000s)", text):
        return THOUSANDS
    return AS_IS


def says_percent(header: str) -> bool:
    """True when a header states percentages (``占比(%)``, ``share (percent)``)."""
    text = norm_header(header)
    return any(word in text for word in _PERCENT_WORDS)


def is_share(indicator: Indicator | None) -> bool:
    """True for a template indicator that is a share between 0 and 1: its unit says so
    (``share``, 占比...), or it has no unit and its name does (``Share aged 65+``). A unit
    in percent (``%``, ``% of residents``) is a percentage, not a share."""
    if indicator is None:
        return False

    def words(text: Any) -> str:
        if text is None:
            return ""
        parts = text.values() if isinstance(text, dict) else [text]
        return " ".join(norm_header(v) for v in parts)

    unit = words(indicator.unit)
    if any(w in unit for w in _PERCENT_WORDS):
        return False
    if unit:
        return any(w in unit for w in _SHARE_WORDS)
    return any(w in words(indicator.name) for w in _SHARE_WORDS)


def written_as_percent(value: Any) -> bool:
    """True for a cell written with a % sign (``parse_number`` reads it as a share)."""
    return isinstance(value, str) and value.strip().endswith(("%", "％"))


def share_unit(table: RawTable, column: str, indicator: Indicator | None) -> str:
    """The unit of a column mapped to ``indicator``: percent when the indicator is a share,
    the header says % and the numbers (those not written with %) reach above 1 but not
    above 100; else as is."""
    if not (is_share(indicator) and says_percent(column)):
        return AS_IS
    numbers = [parse_number(v) for v in table.column_values(column) if not written_as_percent(v)]
    found = [n for n in numbers if n is not None]
    return PERCENT if found and 1 < max(found) <= 100 else AS_IS


def percent_fixes(error: ScenarioError) -> dict[str, str]:
    """The ``units`` that fix an import refused for percentages in a share column: each
    such column -> ``percent`` (for a page's "divide by 100" button)."""
    return {
        p.column: PERCENT
        for p in error.problems
        if isinstance(p, TableProblem) and p.code == "share_as_percent" and p.column
    }


def unit_label(unit: str, lang: str = "en") -> str:
    """A unit as words for a select box or a note: 'percent (divided by 100)'."""
    return t(f"io.import.unit_{unit}", lang)


def check_units(table: RawTable, units: Mapping[str, str]) -> list[TableProblem]:
    """Units set by the caller: each names a column of the table and a known unit."""
    problems = []
    for column, unit in units.items():
        if column not in table.columns:
            problems.append(
                _problem(
                    "map_unknown_column", table.file, got=column, columns=", ".join(table.columns)
                )
            )
        elif unit not in UNITS:
            known = ", ".join(UNITS)
            problems.append(
                _problem("unit_unknown", table.file, column=column, got=unit, units=known)
            )
    return problems


# ---------------------------------------------------------------------------------------
# Guesses


def guess_mapping(table: RawTable, template: Scenario | None = None) -> dict[str, str]:
    """A field for every column, from its header (English or Chinese) and its values.

    Header words decide id, name, population and area; a template's indicator ids and
    names (in any language) and ``baseline_<program>`` headers are recognised; any other
    column of numbers becomes an indicator; text columns are ignored. When two columns
    look like names, the one written in Chinese becomes ``name_zh`` and the other
    ``name_en``. The user can change every guess.
    """
    mapping: dict[str, str] = {}
    indicator_words = _template_indicator_words(template)
    words = (indicator_words, _baseline_words(template), set(indicator_words.values()))
    used: set[str] = set()
    taken_ids: set[str] = set()
    for j, column in enumerate(table.columns):
        variants = _header_variants(column)
        fieldname = _header_field(variants, used)
        if fieldname is None:
            numeric = _numeric_share(table.column_values(column)) >= 0.5
            fieldname = _data_field(column, j, variants, numeric, words, used, taken_ids)
        if fieldname != NAME:
            used.add(fieldname)
        mapping[column] = fieldname
    _settle_names(mapping, table, used)
    return mapping


def _header_field(variants: set[str], used: set[str]) -> str | None:
    """The single field whose header words the column's header is, unless already used.

    Name is never "used": several columns may look like names, :func:`_settle_names`
    decides between them.
    """
    for single in (ID, NAME_EN, NAME_ZH, POPULATION, AREA, NAME):
        words = {norm_header(w) for w in _HEADER_WORDS[single]}
        if variants & words and single not in used:
            return single
    return None


def _data_field(
    column: str,
    index: int,
    variants: set[str],
    numeric: bool,
    words: tuple[dict[str, str], dict[str, str], set[str]],
    used: set[str],
    taken_ids: set[str],
) -> str:
    """A column no header word claims: units in place of a template program, a template
    indicator, a new indicator (any other column of numbers), or ignored (text).

    ``words`` are the template's indicator words, baseline words and indicator ids (a new
    indicator never takes one); ids given out are added to ``taken_ids`` so that no two
    columns become the same indicator.
    """
    ind_words, base_words, template_ids = words
    prog = next((base_words[v] for v in variants if v in base_words), None)
    ind = next((ind_words[v] for v in variants if v in ind_words), None)
    if prog is not None and numeric and f"{BASELINE_PREFIX}{prog}" not in used:
        return f"{BASELINE_PREFIX}{prog}"
    if ind is not None and ind not in taken_ids and numeric:
        taken_ids.add(ind)
        return f"{INDICATOR_PREFIX}{ind}"
    if numeric:
        ident = _indicator_id_for(column, index, taken_ids, template_ids)
        taken_ids.add(ident)
        return f"{INDICATOR_PREFIX}{ident}"
    return IGNORE


def _settle_names(mapping: dict[str, str], table: RawTable, used: set[str]) -> None:
    """Decide between the name-like columns, in place.

    Two of them: the one written in Chinese is ``name_zh``, another ``name_en``, the rest
    ignored. One beside an explicit ``name_en``/``name_zh`` column: it is the other
    language. None at all: the first mostly-text column names the districts.
    """
    candidates = [c for c, f in mapping.items() if f == NAME]
    if len(candidates) > 1 and NAME_EN not in used and NAME_ZH not in used:
        zh = next((c for c in candidates if _cjk_share(table.column_values(c)) > 0.5), None)
        en = next((c for c in candidates if c != zh), None)
        for c in candidates:
            mapping[c] = IGNORE
        if zh is not None:
            mapping[zh] = NAME_ZH
            if en is not None:
                mapping[en] = NAME_EN
        else:
            mapping[candidates[0]] = NAME
    elif len(candidates) == 1 and (NAME_EN in used or NAME_ZH in used):
        other = NAME_ZH if NAME_EN in used else NAME_EN
        mapping[candidates[0]] = other
    # a table without any name-like header: the first mostly-text column names the districts
    if not any(f in mapping.values() for f in NAME_FIELDS):
        for column in table.columns:
            if mapping[column] == IGNORE and _numeric_share(table.column_values(column)) < 0.5:
                mapping[column] = NAME
                break


def field_choices(table: RawTable, template: Scenario | None = None) -> list[str]:
    """Every field a column may be mapped to (for a select box), guesses included."""
    choices = [IGNORE, ID, NAME, NAME_EN, NAME_ZH, POPULATION, AREA]
    ids: list[str] = []
    if template is not None:
        ids += [p.need.indicator for p in template.programs if p.need.indicator != "population"]
        ids += [i.id for i in template.indicators]
    for fieldname in guess_mapping(table, template).values():
        if fieldname.startswith(INDICATOR_PREFIX):
            ids.append(fieldname[len(INDICATOR_PREFIX) :])
    for ident in dict.fromkeys(ids):
        choices.append(INDICATOR_PREFIX + ident)
    if template is not None:
        choices += [BASELINE_PREFIX + p.id for p in template.programs]
    return list(dict.fromkeys(choices))


def field_label(fieldname: str, lang: str = "en", template: Scenario | None = None) -> str:
    """A field as words for a select box: 'Population', 'Indicator: Share aged 65+'."""
    if fieldname.startswith(INDICATOR_PREFIX):
        ident = fieldname[len(INDICATOR_PREFIX) :]
        ind = template.indicator(ident) if template is not None else None
        name = localize(ind.name, lang) if ind is not None and ind.name else ident
        return t("io.field.indicator", lang, name=name)
    if fieldname.startswith(BASELINE_PREFIX):
        ident = fieldname[len(BASELINE_PREFIX) :]
        names = {p.id: localize(p.name, lang) for p in template.programs} if template else {}
        return t("io.field.baseline", lang, name=names.get(ident, ident))
    return t(f"io.field.{fieldname}", lang)


# ---------------------------------------------------------------------------------------
# Checks


def check_mapping(
    table: RawTable, mapping: Mapping[str, str], template: Scenario
) -> list[TableProblem]:
    """Problems of the mapping itself: unknown columns or fields, a field used twice,
    no population, no name, an indicator the template's programs need but nobody maps."""
    problems: list[TableProblem] = []
    file = table.file
    by_field: dict[str, str] = {}
    program_ids = {p.id for p in template.programs}
    for column, fieldname in mapping.items():
        if column not in table.columns:
            problems.append(
                # The column does not exist, so it is the message's subject, not a location.
                _problem("map_unknown_column", file, got=column, columns=", ".join(table.columns))
            )
            continue
        if not _is_field(fieldname, program_ids):
            problems.append(_problem("map_unknown_field", file, column=column, field=fieldname))
            continue
        if fieldname == IGNORE:
            continue
        if fieldname in by_field:
            problems.append(
                _problem(
                    "map_field_twice",
                    file,
                    column=column,
                    field={lang: field_label(fieldname, lang, template) for lang in LANGS},
                    other=by_field[fieldname],
                )
            )
        else:
            by_field[fieldname] = column
    return problems + _missing_fields(by_field, template, file)


def _is_field(fieldname: str, program_ids: set[str]) -> bool:
    """True for a field a column can be: a single field, ignore, ``indicator:<id>`` with a
    valid id other than population, or ``baseline:<program>`` of a template program."""
    if fieldname in SINGLE_FIELDS or fieldname == IGNORE:
        return True
    if fieldname.startswith(INDICATOR_PREFIX):
        ident = fieldname[len(INDICATOR_PREFIX) :]
        return is_valid_id(ident) and ident != "population"
    if fieldname.startswith(BASELINE_PREFIX):
        return fieldname[len(BASELINE_PREFIX) :] in program_ids
    return False


def _missing_fields(
    by_field: Mapping[str, str], template: Scenario, file: str
) -> list[TableProblem]:
    """What no column gives but a scenario needs: the population, a name or id for every
    district, and each indicator a template program's need is computed from."""
    problems: list[TableProblem] = []
    if POPULATION not in by_field:
        problems.append(_problem("map_no_population", file))
    if not any(f in by_field for f in (*NAME_FIELDS, ID)):
        problems.append(_problem("map_no_name", file))
    mapped_indicators = {
        f[len(INDICATOR_PREFIX) :] for f in by_field if f.startswith(INDICATOR_PREFIX)
    }
    for p in template.programs:
        ind = p.need.indicator
        if ind != "population" and ind not in mapped_indicators:
            meta = template.indicator(ind)
            problems.append(
                _problem(
                    "map_need_missing",
                    file,
                    program=p.name,
                    indicator_name=meta.name if meta and meta.name else ind,
                )
            )
    return problems


def parse_map_options(items: Sequence[str], file: str = "") -> dict[str, str]:
    """``["人口=population", "Elderly=indicator:elderly_share"]`` -> a mapping dict."""
    return _pairs(items, lambda got: _problem("bad_map_option", file or None, got=got))


def parse_unit_options(items: Sequence[str], file: str = "") -> dict[str, str]:
    """``["65岁及以上人口占比(%)=percent"]`` -> the ``units`` of an import (column -> unit;
    the units themselves are checked against the table, with its columns, on import)."""
    return _pairs(items, lambda got: _problem("bad_unit_option", file or None, got=got))


def _pairs(items: Sequence[str], problem: Callable[[str], TableProblem]) -> dict[str, str]:
    """``COLUMN=VALUE`` options as a dict (a column may itself hold '='); every malformed
    item is reported at once, as ``problem(item)``."""
    out: dict[str, str] = {}
    problems = []
    for item in items:
        column, sep, value = item.rpartition("=")
        if not sep or not column.strip() or not value.strip():
            problems.append(problem(item))
            continue
        out[column.strip()] = value.strip()
    if problems:
        raise ScenarioError(problems)
    return out
