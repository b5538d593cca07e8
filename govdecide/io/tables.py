"""From a spreadsheet of districts (CSV or Excel) to a validated scenario.

Policymakers keep their districts in spreadsheets. This module reads such a table, guesses
which column is the district id, name, population, area, an indicator or units already in
place (English and Chinese headers: ``区``, ``名称``, ``常住人口（万人）``, ``面积``...), and
builds a scenario with the programs and policy of an existing scenario (the template).

Three promises, because a wrong figure in a public decision is worse than an error:

* nothing is silently dropped or invented: every bad cell is reported with its spreadsheet
  row number (the header is row 1) and its column, all at once; skipped blank rows, ignored
  columns, scaled units and template parts that cannot apply are listed as notes;
* cell contents are data: an Excel formula (``=B2*2``) is never evaluated, it is reported
  as a formula in a number column; the file is read with ``openpyxl`` in read-only mode;
* files are bounded: 5 MB, at most :data:`MAX_ROWS` rows, and an .xlsx that would inflate
  beyond :data:`MAX_XLSX_UNZIPPED` is refused before it is opened.

Encodings: UTF-8 (with or without BOM), UTF-16 with BOM, and GBK/GB18030 (what Chinese
Windows Excel writes); the encoding used is reported, and a file that is none of these gets
a message that says how to save it.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import localize, t
from govdecide.io.scenario import FORMAT, Scenario, scenario_from_data, scenario_to_data

MAX_TABLE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_XLSX_UNZIPPED = 60 * 1024 * 1024
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")

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
INDICATOR_PREFIX = "indicator:"
BASELINE_PREFIX = "baseline:"

_FORMULA_START = ("=",)
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")

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
# Problems and notes


@dataclass(frozen=True)
class TableProblem(Problem):
    """A problem in a table, located by spreadsheet row (header = row 1) and column.

    It is a :class:`Problem`, so it travels in a :class:`ScenarioError` like every other bad
    input, but its text comes from the ``io.tbl.*`` catalogue keys of this area.
    """

    row: int | None = None
    column: str | None = None

    def message(self, lang: str = "en") -> str:
        """The problem as one sentence, prefixed by file, row and column."""
        what = t(f"io.tbl.{self.code}", lang, **self.params)
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(t("io.tbl.at_row", lang, row=self.row))
        if self.column is not None:
            where.append(t("io.tbl.at_column", lang, column=self.column))
        return (", ".join(where) + ": " + what) if where else what


def _problem(
    code: str,
    file: str | None = None,
    row: int | None = None,
    column: str | None = None,
    **params: Any,
) -> TableProblem:
    """A :class:`TableProblem` with keyword parameters for its message."""
    return TableProblem(path="", code=code, params=params, file=file, row=row, column=column)


@dataclass(frozen=True)
class Note:
    """Something the import did that the user should know (not an error)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        """The note as a sentence in ``lang`` (scenario texts in the params localised)."""
        params = {
            k: ", ".join(localize(x, lang) for x in v)
            if isinstance(v, list)
            else localize(v, lang)
            if isinstance(v, dict)
            else v
            for k, v in self.params.items()
        }
        return t(f"io.note.{self.code}", lang, **params)


# ---------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class RawTable:
    """A table as read: header texts, data rows and their spreadsheet row numbers.

    Cells are kept as read (text for CSV; numbers, text or formula text for Excel), so
    that every later message can quote exactly what the user typed.
    """

    file: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    row_numbers: tuple[int, ...]
    source_kind: str  # csv | xlsx
    encoding: str | None = None
    sheet: str | None = None
    notes: tuple[Note, ...] = ()

    def column_values(self, column: str) -> list[Any]:
        """All values of one column, in row order."""
        j = self.columns.index(column)
        return [r[j] if j < len(r) else None for r in self.rows]


def _blank(value: Any) -> bool:
    """True for an empty cell (None or only white space)."""
    return value is None or (isinstance(value, str) and not value.strip())


def decode_text(data: bytes, file: str) -> tuple[str, str]:
    """Decode a text table: UTF-8 (BOM or not), UTF-16 with BOM, else GBK/GB18030.

    GB18030 is a superset of GBK and GB2312, so one attempt covers what Chinese Excel
    writes. Returns (text, encoding); raises with a message saying how to re-save.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:  # UTF-16 without a byte order mark, or not text at all
        raise ScenarioError([_problem("undecodable", file)])
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    raise ScenarioError([_problem("undecodable", file)])


def too_large(file: str) -> ScenarioError:
    """The error for a table above :data:`MAX_TABLE_BYTES` (callers check sizes early)."""
    return ScenarioError([_problem("too_large", file, limit_mb=MAX_TABLE_BYTES // (1024 * 1024))])


def _check_size(data: bytes, file: str) -> None:
    """Refuse files above :data:`MAX_TABLE_BYTES` and empty files, before any parsing."""
    if len(data) > MAX_TABLE_BYTES:
        raise too_large(file)
    if not data.strip():
        raise ScenarioError([_problem("empty", file)])


def _sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV: comma, semicolon, tab or bar, from the first lines."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _read_csv(data: bytes, file: str) -> tuple[list[list[Any]], str, list[Note]]:
    """Rows of a CSV file as text cells, with the encoding and delimiter found."""
    text, encoding = decode_text(data, file)
    notes: list[Note] = []
    if encoding == "gb18030":
        notes.append(Note("encoding_gb", {}))
    elif encoding == "utf-16":
        notes.append(Note("encoding_utf16", {}))
    delimiter = _sniff_delimiter(text)
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise ScenarioError([_problem("bad_csv", file, detail=str(exc))]) from None
    return rows, encoding, notes


def _check_xlsx_archive(data: bytes, file: str) -> None:
    """Refuse a file that is not an .xlsx archive, or one that would inflate too far."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise ScenarioError([_problem("bad_xlsx", file)]) from None
    if "xl/workbook.xml" not in names:
        raise ScenarioError([_problem("bad_xlsx", file)])
    if total > MAX_XLSX_UNZIPPED:
        raise ScenarioError(
            [_problem("too_large", file, limit_mb=MAX_TABLE_BYTES // (1024 * 1024))]
        )


def _cell_value(value: Any) -> Any:
    """An Excel cell as data: numbers stay numbers, everything else becomes its text.

    Formulas arrive as their text (``=B2*2``) because the workbook is opened with
    ``data_only=False``: they are never computed, and a number column rejects them.
    """
    if value is None or isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return value
    text = getattr(value, "text", None)  # openpyxl ArrayFormula / DataTableFormula
    if isinstance(text, str):
        return text if text.startswith("=") else "=" + text
    return str(value)


def _read_xlsx(
    data: bytes, file: str, sheet: str | None
) -> tuple[list[list[Any]], str, list[Note]]:
    """Rows of one worksheet of an .xlsx file, formulas as text, never evaluated."""
    import openpyxl  # imported here: only table uploads need it

    _check_xlsx_archive(data, file)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any parse failure is "not a readable xlsx"
        raise ScenarioError([_problem("bad_xlsx", file, detail=type(exc).__name__)]) from None
    try:
        names = list(book.sheetnames)
        if not names:
            raise ScenarioError([_problem("empty", file)])
        if sheet is not None and sheet not in names:
            raise ScenarioError([_problem("no_sheet", file, sheet=sheet, sheets=", ".join(names))])
        chosen = sheet or names[0]
        notes = []
        if len(names) > 1:
            notes.append(Note("sheet_used", {"sheet": chosen, "count": len(names)}))
        rows: list[list[Any]] = []
        for values in book[chosen].iter_rows(values_only=True):
            rows.append([_cell_value(v) for v in values])
            if len(rows) > MAX_ROWS + 1 + 1000:  # far past the limit: stop reading
                break
    finally:
        book.close()
    return rows, chosen, notes


def _column_letter(j: int) -> str:
    """Spreadsheet column letters for a 0-based index (0 -> A, 27 -> AB)."""
    out = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


def read_table(data: bytes, file: str, sheet: str | None = None) -> RawTable:
    """Read a CSV or .xlsx file's bytes into a :class:`RawTable`, or raise with every problem.

    The first row is the header. Rows that are wholly blank are skipped and listed in a
    note (spreadsheets often carry empty formatted rows at the end); nothing else is
    dropped. Problems found here: size, encoding, not a table, no data rows, empty or
    duplicate headers, too many rows.
    """
    file = Path(file).name or "table"
    suffix = Path(file).suffix.lower()
    _check_size(data, file)
    if suffix == ".xls":
        raise ScenarioError([_problem("old_xls", file)])
    is_xlsx = suffix == ".xlsx" or data.startswith(b"PK\x03\x04")
    encoding: str | None = None
    sheet_used: str | None = None
    if is_xlsx:
        rows, sheet_used, notes = _read_xlsx(data, file, sheet)
    else:
        if suffix not in TABLE_SUFFIXES and suffix:
            raise ScenarioError([_problem("bad_suffix", file, suffix=suffix)])
        rows, encoding, notes = _read_csv(data, file)

    # trailing empty cells are formatting, not data
    while rows and all(_blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise ScenarioError([_problem("empty", file)])
    header, body = rows[0], rows[1:]
    width = max(len(r) for r in rows)
    while width and all(_blank(r[width - 1]) if len(r) >= width else True for r in rows):
        width -= 1
    header = (list(header) + [None] * width)[:width]

    problems: list[TableProblem] = []
    columns: list[str] = []
    seen: dict[str, str] = {}
    for j, h in enumerate(header):
        letter = _column_letter(j)
        text = "" if h is None else str(h).strip()
        if not text:
            has_data = any(j < len(r) and not _blank(r[j]) for r in body)
            if has_data:
                problems.append(_problem("empty_header", file, row=1, column=letter))
            text = f"({letter})"
        key = text.casefold()
        if key in seen:
            problems.append(
                _problem(
                    "duplicate_header", file, row=1, column=letter, header=text, first=seen[key]
                )
            )
        else:
            seen[key] = letter
        columns.append(text)
    if problems:
        raise ScenarioError(problems)

    kept: list[tuple[Any, ...]] = []
    numbers: list[int] = []
    skipped: list[int] = []
    for i, r in enumerate(body):
        number = i + 2
        cells = tuple((list(r) + [None] * width)[:width])
        if all(_blank(v) for v in cells):
            skipped.append(number)
            continue
        kept.append(cells)
        numbers.append(number)
    if not kept:
        raise ScenarioError([_problem("no_rows", file)])
    if len(kept) > MAX_ROWS:
        raise ScenarioError([_problem("too_many_rows", file, limit=MAX_ROWS, got=len(kept))])
    if skipped:
        notes.append(Note("blank_rows", {"rows": _row_list(skipped)}))
    return RawTable(
        file=file,
        columns=tuple(columns),
        rows=tuple(kept),
        row_numbers=tuple(numbers),
        source_kind="xlsx" if is_xlsx else "csv",
        encoding=encoding,
        sheet=sheet_used,
        notes=tuple(notes),
    )


def _row_list(numbers: Sequence[int], limit: int = 12) -> str:
    """Row numbers for a message: '3, 7, 9' or '3, 7, 9, ... (20 rows)'."""
    shown = ", ".join(str(n) for n in numbers[:limit])
    if len(numbers) > limit:
        shown += f", ... ({len(numbers)})"
    return shown


# ---------------------------------------------------------------------------------------
# Column guesses


def _norm_header(text: str) -> str:
    """A header reduced for comparison: NFKC, lower case, units in brackets and spaces out.

    ``常住人口（万人）`` -> ``常住人口``; ``Area (km²)`` -> ``area(km²)`` is kept as well as
    ``area`` so both the unit-bearing and the bare words match.
    """
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"\s+", "", text)


def _header_variants(text: str) -> set[str]:
    """The header, and the header without a bracketed unit or trailing unit words."""
    full = _norm_header(text)
    bare = re.sub(r"[\(\[（【].*?[\)\]）】]", "", full)
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


def parse_number(value: Any) -> float | None:
    """A finite number from a cell, or None when it is not one.

    Accepted: numbers, ``"1234.5"``, ``"250,000"`` (thousands commas), ``" 12 "`` and
    ``"18%"`` (-> 0.18). Not accepted: formulas, words, ``"1.2.3"``, NaN and infinity.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip().replace("\u00a0", "").replace(" ", "")
    if not text or text.startswith(_FORMULA_START):
        return None
    scale = 1.0
    if text.endswith("%"):
        text, scale = text[:-1], 0.01
    if _THOUSANDS_RE.match(text):
        text = text.replace(",", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        return None
    number = float(text) * scale
    return number if math.isfinite(number) else None


def _numeric_share(values: Sequence[Any]) -> float:
    """The share of non-blank cells that read as numbers (0 when all are blank)."""
    filled = [v for v in values if not _blank(v)]
    if not filled:
        return 0.0
    return sum(parse_number(v) is not None for v in filled) / len(filled)


def _cjk_share(values: Sequence[Any]) -> float:
    """The share of non-blank cells containing Chinese characters."""
    filled = [str(v) for v in values if not _blank(v)]
    if not filled:
        return 0.0
    return sum(bool(_CJK_RE.search(v)) for v in filled) / len(filled)


def _template_indicator_words(template: Scenario | None) -> dict[str, str]:
    """Normalised indicator ids and names (every language) of the template -> id."""
    words: dict[str, str] = {}
    if template is None:
        return words
    for ind in template.indicators:
        words[_norm_header(ind.id)] = ind.id
        names = ind.name if isinstance(ind.name, dict) else {"x": ind.name or ""}
        for name in names.values():
            if name:
                for v in _header_variants(name):
                    words.setdefault(v, ind.id)
    for p in template.programs:
        if p.need.indicator != "population":
            words.setdefault(_norm_header(p.need.indicator), p.need.indicator)
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
            words[_norm_header(form)] = p.id
        names = p.name if isinstance(p.name, dict) else {"x": p.name}
        for lang, name in names.items():
            prefix = "现有" if lang == "zh" or _CJK_RE.search(name) else "existing"
            words[_norm_header(prefix + name)] = p.id
    return words


def _indicator_id_for(header: str, index: int, taken: set[str]) -> str:
    """A fresh indicator id for a column: its slug, else ``col_<letter>``; never reused."""
    base = slugify(re.sub(r"[\(\[（【].*?[\)\]）】]", "", header)) or slugify(header)
    if not base or base in ("population", "id", "name"):
        base = f"col_{_column_letter(index).lower()}"
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}_{n}", n + 1
    return ident


def guess_mapping(table: RawTable, template: Scenario | None = None) -> dict[str, str]:
    """A field for every column, from its header (English or Chinese) and its values.

    Header words decide id, name, population and area; a template's indicator ids and
    names (in any language) and ``baseline_<program>`` headers are recognised; any other
    column of numbers becomes an indicator; text columns are ignored. When two columns
    look like names, the one written in Chinese becomes ``name_zh`` and the other
    ``name_en``. The user can change every guess.
    """
    mapping: dict[str, str] = {}
    ind_words = _template_indicator_words(template)
    base_words = _baseline_words(template)
    used: set[str] = set()
    name_candidates: list[str] = []
    taken_ids: set[str] = set()
    for j, column in enumerate(table.columns):
        variants = _header_variants(column)
        values = table.column_values(column)
        numeric = _numeric_share(values) >= 0.5
        fieldname: str | None = None
        for single in (ID, NAME_EN, NAME_ZH, POPULATION, AREA, NAME):
            words = {_norm_header(w) for w in _HEADER_WORDS[single]}
            if variants & words and single not in used:
                if single == NAME:
                    name_candidates.append(column)
                    fieldname = NAME
                    break
                fieldname = single
                break
        if fieldname is None:
            prog = next((base_words[v] for v in variants if v in base_words), None)
            ind = next((ind_words[v] for v in variants if v in ind_words), None)
            if prog is not None and numeric and f"{BASELINE_PREFIX}{prog}" not in used:
                fieldname = f"{BASELINE_PREFIX}{prog}"
            elif ind is not None and ind not in taken_ids and numeric:
                fieldname = f"{INDICATOR_PREFIX}{ind}"
                taken_ids.add(ind)
            elif numeric:
                ident = _indicator_id_for(column, j, taken_ids | set(ind_words.values()))
                taken_ids.add(ident)
                fieldname = f"{INDICATOR_PREFIX}{ident}"
            else:
                fieldname = IGNORE
        if fieldname != NAME:
            used.add(fieldname)
        mapping[column] = fieldname
    if len(name_candidates) > 1 and NAME_EN not in used and NAME_ZH not in used:
        zh = next((c for c in name_candidates if _cjk_share(table.column_values(c)) > 0.5), None)
        en = next((c for c in name_candidates if c != zh), None)
        for c in name_candidates:
            mapping[c] = IGNORE
        if zh is not None:
            mapping[zh] = NAME_ZH
            if en is not None:
                mapping[en] = NAME_EN
        else:
            mapping[name_candidates[0]] = NAME
    elif len(name_candidates) == 1 and (NAME_EN in used or NAME_ZH in used):
        other = NAME_ZH if NAME_EN in used else NAME_EN
        mapping[name_candidates[0]] = other
    # a table without any name-like header: the first mostly-text column names the districts
    if not any(f in mapping.values() for f in (NAME, NAME_EN, NAME_ZH)):
        for column in table.columns:
            if mapping[column] == IGNORE and _numeric_share(table.column_values(column)) < 0.5:
                mapping[column] = NAME
                break
    return mapping


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
# Building the scenario


@dataclass(frozen=True)
class TableImport:
    """A scenario built from a table, with the mapping used and what the user should know."""

    scenario: Scenario
    mapping: dict[str, str]
    notes: tuple[Note, ...]
    table: RawTable

    def note_messages(self, lang: str = "en") -> list[str]:
        """Every note as a sentence in ``lang``."""
        return [n.message(lang) for n in self.notes]


def _unit_scale(header: str) -> tuple[float, str | None]:
    """A multiplier for a population header that states its unit (万人, thousands)."""
    text = _norm_header(header)
    if "万" in text:
        return 10000.0, "万"
    if re.search(r"(千人|thousands?|'000|\(000\)|000s)", text):
        return 1000.0, "1,000"
    return 1.0, None


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
        valid = (
            fieldname in SINGLE_FIELDS
            or fieldname == IGNORE
            or (
                fieldname.startswith(INDICATOR_PREFIX)
                and _ID_RE.match(fieldname[len(INDICATOR_PREFIX) :])
                and fieldname[len(INDICATOR_PREFIX) :] != "population"
            )
            or (
                fieldname.startswith(BASELINE_PREFIX)
                and fieldname[len(BASELINE_PREFIX) :] in program_ids
            )
        )
        if not valid:
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
                    field=fieldname,
                    other=by_field[fieldname],
                )
            )
        else:
            by_field[fieldname] = column
    if POPULATION not in by_field:
        problems.append(_problem("map_no_population", file))
    if not any(f in by_field for f in (NAME, NAME_EN, NAME_ZH, ID)):
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
                    program=p.id,
                    indicator=ind,
                    indicator_name=localize(meta.name, "en") if meta and meta.name else ind,
                )
            )
    return problems


def _text_cell(value: Any) -> str:
    """A cell as trimmed text (numbers without a spurious '.0')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _number_problem(value: Any) -> str:
    """The catalogue code for a cell that is not a usable number."""
    if isinstance(value, str) and value.strip().startswith(_FORMULA_START):
        return "formula"
    return "not_number"


def build_scenario(
    table: RawTable,
    template: Scenario,
    mapping: Mapping[str, str] | None = None,
    name: str | Mapping[str, str] | None = None,
) -> TableImport:
    """Build and validate a scenario from a table, the template's programs and policy.

    ``mapping`` (column -> field) overrides the guesses column by column. Every row
    problem is collected and raised together, each with its spreadsheet row number:
    missing or non-positive population, text (or a formula) in a number column, negative
    indicators, missing or duplicate names and ids. Template parts that name the template's
    own districts (per-district bounds, the map) cannot apply to new districts: they are
    left out and listed as notes, like the columns that are ignored.
    """
    full = guess_mapping(table, template)
    full.update(mapping or {})
    problems = check_mapping(table, full, template)
    if problems:
        raise ScenarioError(problems)
    notes: list[Note] = list(table.notes)
    file = table.file
    col = {fieldname: c for c, fieldname in full.items() if fieldname != IGNORE}
    index = {c: j for j, c in enumerate(table.columns)}
    ignored = [c for c, f in full.items() if f == IGNORE]
    if ignored:
        notes.append(Note("ignored_columns", {"columns": ", ".join(ignored)}))
    pop_scale, pop_unit = _unit_scale(col[POPULATION])
    if pop_unit is not None:
        notes.append(
            Note(
                "population_scaled",
                {"column": col[POPULATION], "unit": pop_unit, "factor": f"{pop_scale:,.0f}"},
            )
        )

    indicator_cols = {
        f[len(INDICATOR_PREFIX) :]: c for f, c in col.items() if f.startswith(INDICATOR_PREFIX)
    }
    baseline_cols = {
        f[len(BASELINE_PREFIX) :]: c for f, c in col.items() if f.startswith(BASELINE_PREFIX)
    }

    problems = []
    districts: list[dict[str, Any]] = []
    seen_ids: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for cells, row in zip(table.rows, table.row_numbers, strict=True):

        def cell(fieldname: str, cells: tuple[Any, ...] = cells) -> Any:
            """This row's cell for a field (None when no column is mapped to it)."""
            return cells[index[col[fieldname]]] if fieldname in col else None

        def number(
            column: str,
            cells: tuple[Any, ...] = cells,
            row: int = row,
            positive: bool = False,
            required: bool = True,
        ) -> float | None:
            """This row's number in ``column``, or None with the problem recorded (so every
            bad cell of the table is reported together, not just the first)."""
            value = cells[index[column]]
            if _blank(value):
                if required:
                    problems.append(_problem("missing_value", file, row=row, column=column))
                return None
            n = parse_number(value)
            if n is None:
                problems.append(
                    _problem(
                        _number_problem(value),
                        file,
                        row=row,
                        column=column,
                        got=_text_cell(value)[:40],
                    )
                )
                return None
            if positive and n <= 0:
                problems.append(
                    _problem("not_positive", file, row=row, column=column, got=_text_cell(value))
                )
                return None
            if n < 0:
                problems.append(
                    _problem("negative", file, row=row, column=column, got=_text_cell(value))
                )
                return None
            return n

        names: dict[str, str] = {}
        for fieldname, lang in ((NAME, None), (NAME_EN, "en"), (NAME_ZH, "zh")):
            text = _text_cell(cell(fieldname))
            if text:
                names[lang or ("zh" if _CJK_RE.search(text) else "en")] = text
        raw_id = _text_cell(cell(ID))
        if not names and not raw_id:
            problems.append(_problem("missing_name", file, row=row))
        display = names.get("en") or names.get("zh") or raw_id
        ident = raw_id if _ID_RE.match(raw_id) else slugify(raw_id or names.get("en", ""))
        if not ident:
            ident = f"d{len(districts) + 1:03d}"
        key = display.casefold()
        if display and key in seen_names:
            problems.append(
                _problem("duplicate_name", file, row=row, name=display, first=seen_names[key])
            )
        elif display:
            seen_names[key] = row
        if ident in seen_ids:
            if raw_id:
                # an id typed by the user must be unique; ids made from names are not theirs
                problems.append(
                    _problem("duplicate_id", file, row=row, id=raw_id, first=seen_ids[ident])
                )
            ident = f"{ident}_{row}"
        seen_ids[ident] = row

        population = number(col[POPULATION], positive=True)
        district: dict[str, Any] = {
            "id": ident,
            "name": names if len(names) > 1 else (next(iter(names.values()), ident)),
            "population": None if population is None else population * pop_scale,
        }
        if AREA in col:
            area = number(col[AREA], positive=True, required=False)
            if area is not None:
                district["area_km2"] = area
        indicators: dict[str, float] = {}
        for ind, column in indicator_cols.items():
            value = number(column, required=True)
            if value is not None:
                indicators[ind] = value
        if indicators:
            district["indicators"] = indicators
        baseline: dict[str, float] = {}
        for pid, column in baseline_cols.items():
            value = number(column, required=True)
            if value is not None and value > 0:
                baseline[pid] = value
        if baseline:
            district["baseline"] = baseline
        districts.append(district)
    if problems:
        raise ScenarioError(problems)

    data = _scenario_data(table, template, districts, indicator_cols, name, notes)
    try:
        scenario = scenario_from_data(data, file=file)
    except ScenarioError as exc:
        raise ScenarioError(_rows_for(exc.problems, table)) from None
    return TableImport(scenario=scenario, mapping=dict(full), notes=tuple(notes), table=table)


def _scenario_data(
    table: RawTable,
    template: Scenario,
    districts: list[dict[str, Any]],
    indicator_cols: Mapping[str, str],
    name: str | Mapping[str, str] | None,
    notes: list[Note],
) -> dict[str, Any]:
    """The scenario mapping: the table's districts with the template's programs and policy."""
    base = scenario_to_data(template)
    source = table.file + (f" ({table.sheet})" if table.sheet else "")
    indicators = []
    for ind, column in indicator_cols.items():
        meta = template.indicator(ind)
        entry: dict[str, Any] = {"id": ind, "name": column, "source": source}
        if meta is not None:
            entry = {"id": ind, "name": meta.name or column, "source": source}
            if meta.unit is not None:
                entry["unit"] = meta.unit
        indicators.append(entry)
    programs = []
    dropped_bounds: list[Any] = []
    for p in base["programs"]:
        p = dict(p)
        if p.pop("district_bounds", None):
            dropped_bounds.append(p["name"])
        programs.append(p)
    if dropped_bounds:
        notes.append(Note("bounds_dropped", {"programs": dropped_bounds}))
    if "map" in base:
        notes.append(Note("map_dropped", {}))
    if not any("baseline" in d for d in districts):
        notes.append(Note("no_baseline", {}))
    notes.append(
        Note(
            "policy_copied",
            {"template": template.name, "budget": f"{template.policy.budget:,.0f}"},
        )
    )
    stem = Path(table.file).stem
    data: dict[str, Any] = {
        "format": FORMAT,
        "name": name or stem,
        "description": {
            "en": f"Districts from {source}; programs and policy from "
            f"{localize(template.name, 'en')}.",
            "zh": f"区数据来自 {source}；项目与政策来自 {localize(template.name, 'zh')}。",
        },
        "attribution": {
            "en": f"District data: {source} (imported table).",
            "zh": f"区数据：{source}（导入的表格）。",
        },
        "districts": districts,
        "programs": programs,
        "policy": base["policy"],
    }
    for key in ("currency",):
        if key in base:
            data[key] = base[key]
    if indicators:
        data["indicators"] = indicators
    if "controls" in base:
        data["controls"] = base["controls"]
    return data


@dataclass(frozen=True)
class RowProblem(Problem):
    """A scenario problem of ``districts[i]`` restated at the table row it came from."""

    row: int | None = None

    def message(self, lang: str = "en") -> str:
        """'people.csv, row 4: population: must be greater than 0, got 0'."""
        inner = Problem(self.path, self.code, self.params).message(lang)
        where = t("io.tbl.at_row", lang, row=self.row)
        return f"{self.file}, {where}: {inner}" if self.file else f"{where}: {inner}"


def _rows_for(problems: Sequence[Problem], table: RawTable) -> list[Problem]:
    """Scenario problems at ``districts[i]...`` restated at the table's row ``i``."""
    out: list[Problem] = []
    for p in problems:
        m = re.match(r"^districts\[(\d+)\](?:\.(.*))?$", p.path)
        if m and int(m.group(1)) < len(table.row_numbers):
            row = table.row_numbers[int(m.group(1))]
            out.append(RowProblem(m.group(2) or "", p.code, p.params, None, p.file, row=row))
        else:
            out.append(p)
    return out


def parse_map_options(items: Sequence[str], file: str = "") -> dict[str, str]:
    """``["人口=population", "Elderly=indicator:elderly_share"]`` -> a mapping dict."""
    out: dict[str, str] = {}
    problems = []
    for item in items:
        column, sep, fieldname = item.rpartition("=")
        if not sep or not column.strip() or not fieldname.strip():
            problems.append(_problem("bad_map_option", file or None, got=item))
            continue
        out[column.strip()] = fieldname.strip()
    if problems:
        raise ScenarioError(problems)
    return out


def import_table(
    data: bytes,
    file: str,
    template: Scenario,
    mapping: Mapping[str, str] | None = None,
    name: str | Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> TableImport:
    """Read a table's bytes and build its scenario in one call (the command line's path)."""
    table = read_table(data, file, sheet=sheet)
    return build_scenario(table, template, mapping=mapping, name=name)


# ---------------------------------------------------------------------------------------
# Editing a scenario as tables (the app's data editor) and back


def _text_parts(text: Any) -> dict[str, str]:
    """A scenario text as {language: text}; a plain string counts as zh when it is written
    in Chinese characters and as en otherwise (so it lands in the column it reads in)."""
    if text is None:
        return {}
    if isinstance(text, str):
        return {"zh" if _CJK_RE.search(text) else "en": text}
    return dict(text)


def _text_from(original: Any, en: Any, zh: Any) -> Any:
    """A scenario text from edited en/zh cells, keeping the original's shape and its other
    languages: an unchanged plain string stays a plain string."""
    en_text = "" if _blank_cell(en) else str(en)
    zh_text = "" if _blank_cell(zh) else str(zh)
    if isinstance(original, str):
        lang = next(iter(_text_parts(original)))
        mine, other = (en_text, zh_text) if lang == "en" else (zh_text, en_text)
        if mine == original and not other:
            return original
    parts = _text_parts(original) if isinstance(original, dict) else {}
    for lang, text in (("en", en_text), ("zh", zh_text)):
        if text:
            parts[lang] = text
        else:
            parts.pop(lang, None)
    if not parts:
        return None
    if len(parts) == 1 and not isinstance(original, dict):
        return next(iter(parts.values()))
    return parts


def _blank_cell(value: Any) -> bool:
    """True for an empty editor cell: None, NaN, pandas NA or white space."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(value != value)  # NaN and pandas.NA
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    """An editor cell as a plain Python value for validation (None when blank).

    numpy numbers become float (whole numbers int, so the YAML reads naturally); text that
    reads as a number stays text, so validation reports it instead of guessing.
    """
    if _blank_cell(value):
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _plain_bool(value: Any, default: bool = False) -> Any:
    """A check box cell as bool (blank = the default)."""
    value = _plain(value)
    if value is None:
        return default
    return value


IND_COL = "ind:"
BASE_COL = "base:"
DISTRICT_COLUMNS = ("id", "name_en", "name_zh", "population", "area_km2")
PROGRAM_COLUMNS = (
    "id",
    "name_en",
    "name_zh",
    "unit_cost",
    "capacity",
    "staff_per_unit",
    "integer",
    "need_indicator",
    "per_capita",
    "scale",
    "min_units",
    "max_units",
    "weight",
    "spend_min",
    "spend_max",
)
POLICY_COLUMNS = ("budget", "staff", "equity_weight")


def scenario_frames(scenario: Scenario) -> dict[str, Any]:
    """The editable parts of a scenario as three DataFrames: districts, programs, policy.

    Districts get one ``ind:<id>`` column per indicator and one ``base:<program>`` column
    per program (units already in place). What the tables do not show (tiles, map ids,
    units, descriptions, per-district bounds, solver options, sliders) is kept from the
    scenario by id when the tables are read back (:func:`scenario_from_frames`).
    """
    import pandas as pd

    indicator_ids = list(dict.fromkeys(i for d in scenario.districts for i in d.indicators))
    indicator_ids += [i.id for i in scenario.indicators if i.id not in indicator_ids]
    program_ids = [p.id for p in scenario.programs]
    rows = []
    for d in scenario.districts:
        names = _text_parts(d.name)
        row: dict[str, Any] = {
            "id": d.id,
            "name_en": names.get("en", ""),
            "name_zh": names.get("zh", ""),
            "population": d.population,
            "area_km2": d.area_km2,
        }
        for ind in indicator_ids:
            row[IND_COL + ind] = d.indicators.get(ind)
        for pid in program_ids:
            row[BASE_COL + pid] = d.baseline.get(pid)  # blank = none given (0 units)
        rows.append(row)
    columns = [
        *DISTRICT_COLUMNS,
        *(IND_COL + i for i in indicator_ids),
        *(BASE_COL + p for p in program_ids),
    ]
    districts = pd.DataFrame(rows, columns=columns)
    for column in columns[3:]:
        districts[column] = districts[column].astype(float)
    prog_rows = []
    for p in scenario.programs:
        names = _text_parts(p.name)
        prog_rows.append(
            {
                "id": p.id,
                "name_en": names.get("en", ""),
                "name_zh": names.get("zh", ""),
                "unit_cost": p.unit_cost,
                "capacity": p.capacity,
                "staff_per_unit": p.staff_per_unit,
                "integer": p.integer,
                "need_indicator": p.need.indicator,
                "per_capita": p.need.per_capita,
                "scale": p.need.scale,
                "min_units": p.min_units,
                "max_units": p.max_units,
                "weight": p.weight,
                "spend_min": p.spend_min,
                "spend_max": p.spend_max,
            }
        )
    programs = pd.DataFrame(prog_rows, columns=list(PROGRAM_COLUMNS))
    for column in (
        "unit_cost",
        "capacity",
        "staff_per_unit",
        "scale",
        "min_units",
        "max_units",
        "weight",
        "spend_min",
        "spend_max",
    ):
        programs[column] = programs[column].astype(float)
    pol = scenario.policy
    policy = pd.DataFrame(
        [{"budget": pol.budget, "staff": pol.staff, "equity_weight": pol.equity_weight}],
        columns=list(POLICY_COLUMNS),
    ).astype(float)
    return {"districts": districts, "programs": programs, "policy": policy}


def scenario_from_frames(
    scenario: Scenario, frames: Mapping[str, Any], file: str = "<edited tables>"
) -> Scenario:
    """The scenario with the edited tables applied, validated like any loaded file.

    Rows are matched to the original by id, so what the tables do not show is kept for
    districts and programs that still exist. Blank cells mean "not given" (an indicator a
    district lacks, no maximum); a required cell left blank is reported by the validator.
    Problems are raised as :class:`ScenarioError` with paths like ``districts[3].population``.
    """
    base = scenario_to_data(scenario)
    old_districts = {d["id"]: d for d in base["districts"]}
    old_programs = {p["id"]: p for p in base["programs"]}
    districts = []
    frame = frames["districts"]
    for _, row in frame.iterrows():
        ident = _plain(row.get("id"))
        ident = str(ident).strip() if ident is not None else None
        old = old_districts.get(ident or "", {})
        item: dict[str, Any] = {
            k: v for k, v in old.items() if k not in ("indicators", "baseline", "area_km2")
        }
        item["id"] = ident
        name = _text_from(old.get("name"), row.get("name_en"), row.get("name_zh"))
        item["name"] = name
        item["population"] = _plain(row.get("population"))
        area = _plain(row.get("area_km2"))
        if area is not None:
            item["area_km2"] = area
        indicators = {}
        baseline = {}
        for column in frame.columns:
            value = _plain(row.get(column))
            if column.startswith(IND_COL) and value is not None:
                indicators[column[len(IND_COL) :]] = value
            elif column.startswith(BASE_COL) and value is not None:
                baseline[column[len(BASE_COL) :]] = value
        if indicators:
            item["indicators"] = indicators
        if baseline:
            item["baseline"] = baseline
        districts.append({k: v for k, v in item.items() if v is not None})
    programs = []
    for _, row in frames["programs"].iterrows():
        ident = _plain(row.get("id"))
        ident = str(ident).strip() if ident is not None else None
        old = old_programs.get(ident or "", {})
        item = {k: v for k, v in old.items() if k not in PROGRAM_COLUMNS and k != "need"}
        item["id"] = ident
        item["name"] = _text_from(old.get("name"), row.get("name_en"), row.get("name_zh"))
        for column in (
            "unit_cost",
            "capacity",
            "staff_per_unit",
            "min_units",
            "max_units",
            "weight",
            "spend_min",
            "spend_max",
        ):
            value = _plain(row.get(column))
            if value is not None:
                item[column] = value
        item["integer"] = _plain_bool(row.get("integer"))
        need: dict[str, Any] = {"indicator": _plain(row.get("need_indicator"))}
        if _plain_bool(row.get("per_capita")):
            need["per_capita"] = True
        scale = _plain(row.get("scale"))
        if scale is not None:
            need["scale"] = scale
        item["need"] = {k: v for k, v in need.items() if v is not None}
        programs.append({k: v for k, v in item.items() if v is not None})
    policy_row = frames["policy"].iloc[0] if len(frames["policy"]) else {}
    policy = {k: v for k, v in base["policy"].items() if k not in POLICY_COLUMNS}
    for column in POLICY_COLUMNS:
        value = _plain(policy_row.get(column)) if len(frames["policy"]) else None
        if value is not None:
            policy[column] = value
    data = dict(base)
    data["districts"] = districts
    data["programs"] = programs
    data["policy"] = policy
    try:
        return scenario_from_data(data, file=file)
    except ScenarioError as exc:
        raise ScenarioError([_edit_problem(p) for p in exc.problems]) from None


@dataclass(frozen=True)
class EditProblem(Problem):
    """A problem of an edit table, located by table and row as the user sees them."""

    table: str = ""
    row: int = 0

    def message(self, lang: str = "en") -> str:
        """'Districts table, row 2: population: is required but missing'."""
        inner = Problem(self.path, self.code, self.params).message(lang)
        where = (
            t(f"io.edit.table_{self.table}", lang) + ", " + t("io.tbl.at_row", lang, row=self.row)
        )
        return f"{where}: {inner}"


def _edit_problem(problem: Problem) -> Problem:
    """``districts[1].population`` -> districts table, row 2, ``population``."""
    m = re.match(r"^(districts|programs)\[(\d+)\](?:\.(.*))?$", problem.path)
    if m:
        return EditProblem(
            m.group(3) or "",
            problem.code,
            problem.params,
            None,
            problem.file,
            table=m.group(1),
            row=int(m.group(2)) + 1,
        )
    if problem.path.startswith("policy"):
        return EditProblem(
            problem.path.partition(".")[2],
            problem.code,
            problem.params,
            None,
            problem.file,
            table="policy",
            row=1,
        )
    return problem
