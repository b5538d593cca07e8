"""Reading a spreadsheet of districts (CSV or Excel) into a :class:`RawTable`.

Policymakers keep their districts in spreadsheets. This module only reads one: the cells
as the user typed them, the header, and the spreadsheet row of every data row. Which
column means what is :mod:`govdecide.io.table_mapping`; building a scenario from it is
:mod:`govdecide.io.table_import`.

Two promises, because a wrong figure in a public decision is worse than an error:

* cell contents are data: an Excel formula (``=B2*2``) is never evaluated, it stays the
  text of a formula (a number column later rejects it); the file is read with ``openpyxl``
  in read-only mode;
* files are bounded: 5 MB, at most :data:`MAX_ROWS` rows, and an .xlsx that would inflate
  beyond :data:`MAX_XLSX_UNZIPPED` is refused before it is opened.

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import localize, t

MAX_TABLE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_XLSX_UNZIPPED = 60 * 1024 * 1024
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")

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

    def column_values(self, column: str) -> list[Any]:
        """All values of one column, in row order."""
        j = self.columns.index(column)
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


def read_table(data: bytes, file: str, sheet: str | None = None) -> RawTable:
    """Read a CSV or .xlsx file's bytes into a :class:`RawTable`, or raise with every problem.

    The first row is the header. Rows that are wholly blank are skipped and listed in a
    note (spreadsheets often carry empty formatted rows at the end); nothing else is
    dropped. Problems found here: size, encoding, not a table, no data rows, empty or
    duplicate headers, too many rows.
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
    if len(kept) > MAX_ROWS:
        raise ScenarioError([_problem("too_many_rows", file, limit=MAX_ROWS, got=len(kept))])
    if skipped:
        notes.append(Note("blank_rows", {"rows": _row_list(skipped)}))
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
) -> tuple[list[list[Any]], str | None, str | None, list[Note]]:
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


def _row_list(numbers: Sequence[int], limit: int = 12) -> str:
    """Row numbers for a message: '3, 7, 9' or, past the limit, '3, 7, 9, ... (20)'."""
    shown = ", ".join(str(n) for n in numbers[:limit])
    if len(numbers) > limit:
        shown += f", ... ({len(numbers)})"
    return shown
