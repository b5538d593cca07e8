"""Reading a spreadsheet of districts (CSV or Excel) into a :class:`RawTable`.

Policymakers keep their districts in spreadsheets. This module only reads one: the cells
as the user typed them, the header, and the spreadsheet row of every data row. Which
column means what is :mod:`govdecide.io.table_mapping`; building a scenario from it is
:mod:`govdecide.io.table_import`.

Two promises, because a wrong figure in a public decision is worse than an error:

* cell contents are data: an Excel formula (``=B2*2``) is never evaluated, it stays the
  text of a formula (a number column later rejects it); the file is read with ``openpyxl``
  in read-only mode;
* files are bounded: 5 MB, at most :data:`MAX_ROWS` rows, :data:`MAX_COLUMNS` columns and
  :data:`MAX_LINES` lines (empty ones included), and an .xlsx that would inflate beyond
  :data:`MAX_XLSX_UNZIPPED` is refused before it is opened; every step of reading is
  linear in the file's size (the delimiter is found by counting, not by
  ``csv.Sniffer``, whose guess is quadratic in the length of a line);
* a cell is what it says: a character no chart or workbook can hold (a control
  character) is refused at its row and column, and a superscript or circled digit
  (``10²``, ``③``) is not read as another number.

Every problem is reported with its spreadsheet row number (the header is row 1) and its
column, all at once; what the reading did silently elsewhere (blank rows skipped, the
sheet used, the encoding guessed) is a :class:`Note`.

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import localize, t
from govdecide.io.scenario_schema import printable, unsafe_character

MAX_TABLE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# Each column becomes a field to choose (a select box on the page) and, if numeric, an
# indicator of the scenario; a district table has dozens, a census extract a few hundred.
MAX_COLUMNS = 1000
MAX_LINES = 100_000  # rows read at all, empty ones included (a file of line breaks)
MAX_LISTED = 20  # cells with a bad character listed one by one; the rest are counted
MAX_XLSX_UNZIPPED = 60 * 1024 * 1024
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 20
_BLANK: tuple[Any, ...] = ()  # one shared object for every empty row

_FORMULA_START = ("=",)
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


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
        what = t(f"io.tbl.{self.code}", lang, **message_params(self.params, lang))
        where = []
        if self.file:
            where.append(printable(self.file))
        if self.row is not None:
            where.append(t("io.tbl.at_row", lang, row=self.row))
        if self.column is not None:
            where.append(t("io.tbl.at_column", lang, column=printable(self.column)))
        return (", ".join(where) + ": " + what) if where else what


def message_params(params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """Params of a table message or note as ``lang`` reads them: a scenario text (a name
    in several languages) localised, a list of them joined, user text made printable."""

    def one(value: Any) -> Any:
        if isinstance(value, dict):
            value = localize(value, lang)
        return printable(value) if isinstance(value, str) else value

    return {
        k: ", ".join(str(one(x)) for x in v) if isinstance(v, list) else one(v)
        for k, v in params.items()
    }


def _problem(
    code: str,
    file: str | None = None,
    row: int | None = None,
    column: str | None = None,
    **params: Any,
) -> TableProblem:
    """A :class:`TableProblem` with keyword parameters for its message.

    The table modules share this one builder, under this name: the catalogue check
    (``tests/test_i18n.py``) finds ``_problem("code", ...)`` calls and checks that each
    passes every parameter its ``io.tbl.<code>`` message needs.
    """
    return TableProblem(path="", code=code, params=params, file=file, row=row, column=column)


@dataclass(frozen=True)
class Note:
    """Something the import did that the user should know (not an error)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        """The note as a sentence in ``lang`` (scenario texts in the params localised)."""
        return t(f"io.note.{self.code}", lang, **message_params(self.params, lang))


# ---------------------------------------------------------------------------------------
# Cells: what the import and the editor read from one


def is_blank(value: Any) -> bool:
    """True for an empty cell (None or only white space)."""
    return value is None or (isinstance(value, str) and not value.strip())


def is_formula(value: Any) -> bool:
    """True for a cell that holds a spreadsheet formula (kept as its text, never run)."""
    return isinstance(value, str) and value.strip().startswith(_FORMULA_START)


def in_chinese(text: str) -> bool:
    """True when a text contains Chinese characters: such a name is the ``zh`` one."""
    return bool(_CJK_RE.search(text))


def special_digit(text: str) -> str | None:
    """The first superscript, subscript, circled or fraction digit or Roman numeral in a
    text (Unicode "other" and "letter" numbers), or None. NFKC, which makes full-width
    digits plain, makes these plain too: ``10²`` would read as 102 and ``③`` as 3."""
    return next((ch for ch in text if unicodedata.category(ch) in ("No", "Nl")), None)


def parse_number(value: Any) -> float | None:
    """A finite number from a cell, or None when it is not one.

    Accepted: numbers, ``"1234.5"``, ``"250,000"`` (thousands commas), ``" 12 "``,
    ``"18%"`` (-> 0.18) and full-width digits. Not accepted: formulas, words, ``"1.2.3"``,
    NaN and infinity, and digits that are not plain (:func:`special_digit`).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str) or special_digit(value) is not None:
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


def column_letter(j: int) -> str:
    """Spreadsheet column letters for a 0-based index (0 -> A, 27 -> AB)."""
    out = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


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
    encoding: str | None = None  # of a CSV file; None for Excel
    sheet: str | None = None  # the worksheet of an Excel file
    notes: tuple[Note, ...] = ()

    @cached_property
    def _index(self) -> dict[str, int]:
        """Column positions by header (a list search per column was quadratic)."""
        return {c: j for j, c in enumerate(self.columns)}

    def column_values(self, column: str) -> list[Any]:
        """All values of one column, in row order."""
        j = self._index[column]
        return [r[j] if j < len(r) else None for r in self.rows]


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
    """The delimiter of a CSV: comma, semicolon, tab or bar, from the first lines.

    Each candidate splits the first :data:`_SNIFF_LINES` lines (with the csv module's
    quoting rules); the one that gives the same number of cells, more than one, on the most
    lines wins, then the one with more cells, then the earlier in :data:`_DELIMITERS`.
    One pass per candidate: linear in the sample (``csv.Sniffer`` took ~50 s on a 100 kB
    line while holding the interpreter).
    """
    sample = io.StringIO(text, newline="")
    lines = [line for _, line in zip(range(_SNIFF_LINES), sample, strict=False)]
    best, best_score = ",", (0.0, 0)
    for delimiter in _DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not counts or max(counts) < 2:
            continue
        mode = max(set(counts), key=lambda c: (counts.count(c), c))
        score = (counts.count(mode) / len(counts), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, file: str) -> tuple[list[tuple[Any, ...]], str, list[Note]]:
    """Rows of a CSV file as text cells, with the encoding and delimiter found."""
    text, encoding = decode_text(data, file)
    notes: list[Note] = []
    if encoding == "gb18030":
        notes.append(Note("encoding_gb", {}))
    elif encoding == "utf-16":
        notes.append(Note("encoding_utf16", {}))
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = _collect(reader, file)
    except csv.Error as exc:
        if "field limit" in str(exc):
            limit = f"{csv.field_size_limit():,}"
            raise ScenarioError(
                [_problem("cell_too_long", file, row=reader.line_num, limit=limit)]
            ) from None
        raise ScenarioError([_problem("bad_csv", file, detail=str(exc))]) from None
    return rows, encoding, notes


def _collect(rows: Iterable[Sequence[Any]], file: str) -> list[tuple[Any, ...]]:
    """The rows of a file, trailing empty cells cut, within the file bounds.

    Empty trailing cells are formatting (a spreadsheet's used range), so they neither
    count as columns nor are kept; an empty row is one shared empty tuple. More than
    :data:`MAX_COLUMNS` cells in use in a row, or more than :data:`MAX_LINES` rows, is
    refused as soon as it is met.
    """
    out: list[tuple[Any, ...]] = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_LINES:
            raise ScenarioError(
                [_problem("too_many_lines", file, limit=f"{MAX_LINES:,}", rows=MAX_ROWS)]
            )
        width = len(row)
        while width and is_blank(row[width - 1]):
            width -= 1
        if width > MAX_COLUMNS:
            raise ScenarioError(
                [
                    _problem(
                        "too_many_columns", file, row=number, got=width, limit=f"{MAX_COLUMNS:,}"
                    )
                ]
            )
        out.append(tuple(row[:width]) if width else _BLANK)
    return out


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
) -> tuple[list[tuple[Any, ...]], str, list[Note]]:
    """Rows of one worksheet of an .xlsx file, formulas as text, never evaluated.

    The sheet's own claim of its size (``<dimension ref="A1:XFD1048576"/>``) is dropped:
    openpyxl would pad every row to it and add empty rows up to it. Malformed sheet XML
    only shows while the rows are read, so reading them is part of opening the file.
    """
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
        worksheet = book[chosen]
        try:
            worksheet.reset_dimensions()
            cells = ([_cell_value(v) for v in r] for r in worksheet.iter_rows(values_only=True))
            rows = _collect(cells, file)
        except ScenarioError:
            raise
        except Exception as exc:  # noqa: BLE001 - malformed sheet XML, bad cell values
            raise ScenarioError([_problem("bad_xlsx", file, detail=type(exc).__name__)]) from None
    finally:
        book.close()
    return rows, chosen, notes


def read_table(data: bytes, file: str, sheet: str | None = None) -> RawTable:
    """Read a CSV or .xlsx file's bytes into a :class:`RawTable`, or raise with every problem.

    The first row is the header. Rows that are wholly blank are skipped and listed in a
    note (spreadsheets often carry empty formatted rows at the end); nothing else is
    dropped. Problems found here: size, encoding, not a table, no data rows, empty or
    duplicate headers, too many rows, columns or lines, characters no chart or workbook
    can hold (in a header or a cell).
    """
    file = Path(file).name or "table"
    rows, encoding, sheet_used, notes = _file_rows(data, file, sheet)
    # trailing empty cells are formatting, not data
    while rows and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise ScenarioError([_problem("empty", file)])
    width = _used_width(rows)
    columns = _column_names(rows[0], rows[1:], width, file)
    kept, numbers, skipped = _data_rows(rows[1:], width)
    if not kept:
        raise ScenarioError([_problem("no_rows", file)])
    bad = _character_problems(kept, numbers, file)
    if bad:
        raise ScenarioError(bad)
    if len(kept) > MAX_ROWS:
        raise ScenarioError([_problem("too_many_rows", file, limit=MAX_ROWS, got=len(kept))])
    if skipped:
        notes.append(Note("blank_rows", {"rows": row_list(skipped)}))
    return RawTable(
        file=file,
        columns=tuple(columns),
        rows=tuple(kept),
        row_numbers=tuple(numbers),
        encoding=encoding,
        sheet=sheet_used,
        notes=tuple(notes),
    )


def _file_rows(
    data: bytes, file: str, sheet: str | None
) -> tuple[list[tuple[Any, ...]], str | None, str | None, list[Note]]:
    """The file's rows, its encoding (CSV) or sheet (Excel), and the notes of reading it.

    The content decides between Excel and CSV as much as the name does: an .xlsx renamed
    .csv is still a zip archive, and reading it as text would quote binary garbage.
    """
    suffix = Path(file).suffix.lower()
    _check_size(data, file)
    if suffix == ".xls":
        raise ScenarioError([_problem("old_xls", file)])
    if suffix == ".xlsx" or data.startswith(b"PK\x03\x04"):
        rows, sheet_used, notes = _read_xlsx(data, file, sheet)
        return rows, None, sheet_used, notes
    if suffix not in TABLE_SUFFIXES and suffix:
        raise ScenarioError([_problem("bad_suffix", file, suffix=suffix)])
    rows, encoding, notes = _read_csv(data, file)
    return rows, encoding, None, notes


def _used_width(rows: Sequence[Sequence[Any]]) -> int:
    """The number of columns in use: trailing columns blank in every row are formatting."""
    width = max(len(r) for r in rows)
    while width and all(is_blank(r[width - 1]) if len(r) >= width else True for r in rows):
        width -= 1
    return width


def _column_names(
    header: Sequence[Any], body: Sequence[Sequence[Any]], width: int, file: str
) -> list[str]:
    """The header texts, or raise: a column with values but no header, or a header used
    twice (case aside), would leave the user unable to say which column they mean."""
    header = (list(header) + [None] * width)[:width]
    problems: list[TableProblem] = []
    columns: list[str] = []
    seen: dict[str, str] = {}
    for j, h in enumerate(header):
        letter = column_letter(j)
        text = "" if h is None else str(h).strip()
        char = unsafe_character(text)
        if char is not None:
            problems.append(
                _problem("bad_character", file, row=1, column=letter, char=char, got=text[:40])
            )
        if not text:
            has_data = any(j < len(r) and not is_blank(r[j]) for r in body)
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
    return columns


def _data_rows(
    body: Sequence[Sequence[Any]], width: int
) -> tuple[list[tuple[Any, ...]], list[int], list[int]]:
    """The data rows cut or padded to ``width``, their spreadsheet row numbers, and the
    numbers of the wholly blank rows left out (the header is row 1)."""
    kept: list[tuple[Any, ...]] = []
    numbers: list[int] = []
    skipped: list[int] = []
    for i, r in enumerate(body):
        number = i + 2
        cells = tuple((list(r) + [None] * width)[:width])
        if all(is_blank(v) for v in cells):
            skipped.append(number)
            continue
        kept.append(cells)
        numbers.append(number)
    return kept, numbers, skipped


def _character_problems(
    rows: Sequence[Sequence[Any]], numbers: Sequence[int], file: str
) -> list[TableProblem]:
    """Cells holding a character no chart, workbook or terminal can hold, at their row and
    column: the first :data:`MAX_LISTED`, then how many there are in all. A row is
    searched whole first, so a clean table costs one search per row."""
    found: list[TableProblem] = []
    total = 0
    for cells, number in zip(rows, numbers, strict=True):
        texts = [v for v in cells if isinstance(v, str)]
        if unsafe_character("".join(texts)) is None:
            continue
        for j, value in enumerate(cells):
            char = unsafe_character(value) if isinstance(value, str) else None
            if char is None:
                continue
            total += 1
            if len(found) < MAX_LISTED:
                found.append(
                    _problem(
                        "bad_character",
                        file,
                        row=number,
                        column=column_letter(j),
                        char=char,
                        got=value[:40],
                    )
                )
    if total > len(found):
        found.append(_problem("more_bad_characters", file, total=total, more=total - len(found)))
    return found


def row_list(numbers: Sequence[int], limit: int = 12) -> str:
    """Row numbers for a message: '3, 7, 9' or, past the limit, '3, 7, 9, ... (20)'."""
    shown = ", ".join(str(n) for n in numbers[:limit])
    if len(numbers) > limit:
        shown += f", ... ({len(numbers)})"
    return shown
