"""Regenerate the bad-table corpus: ``python tests/io/bad_tables/make_corpus.py``.

Each file is a mistake a real user makes with a spreadsheet; ``tests/io/test_tables.py`` has
one test per file asserting the message that tells them what to fix. The files are
committed; this script documents how each was made (byte for byte for the CSVs).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
GOOD_HEADER = "name,population,area_km2,elderly_share,children_share,hotline_calls_per_10k\n"


def write(name: str, data: bytes | str, encoding: str = "utf-8") -> None:
    """Write one corpus file (text in the given encoding, or raw bytes)."""
    raw = data if isinstance(data, bytes) else data.encode(encoding)
    (HERE / name).write_bytes(raw)


def xlsx(name: str, rows: list[list[object]], sheets: int = 1) -> None:
    """Write an .xlsx workbook whose first sheet holds ``rows`` (formulas stay formulas)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Districts"
    for row in rows:
        sheet.append(row)
    for k in range(1, sheets):
        book.create_sheet(f"Notes {k}").append(["notes", "not districts"])
    book.save(HERE / name)


def main() -> None:
    """Write every file of the corpus."""
    write_text_files()
    write_workbooks()


def write_text_files() -> None:
    """The CSV (and not-really-Excel) files, byte for byte."""
    # a Western-European CSV saved as Latin-1: 'Café' ends a line, no decoder but Latin-1 fits
    write(
        "latin1.csv",
        GOOD_HEADER + "Café,1000,2,0.1,0.1,5\nSaint-Étienne,2000,3,0.1,0.1,5\n",
        "latin-1",
    )
    # UTF-16 without a byte order mark (NUL bytes everywhere)
    write("utf16_no_bom.csv", (GOOD_HEADER + "North,1000,2,0.1,0.1,5\n").encode("utf-16-le"))
    # Chinese headers saved by Chinese Windows Excel as GBK: readable, with a note
    write(
        "gbk_chinese_headers.csv",
        "区,常住人口（万人）,面积,65岁以上人口占比,children_share,hotline_calls_per_10k\r\n"
        "东城区,70.9,41.8,0.18,0.10,50\r\n西城区,110.6,50.5,0.20,0.11,60\r\n",
        "gbk",
    )
    # the same as UTF-8 with a BOM ("CSV UTF-8" in Excel)
    write(
        "utf8_bom_chinese_headers.csv",
        "\ufeff区,人口,面积,65岁以上人口占比,children_share,hotline_calls_per_10k\r\n"
        "东城区,709000,41.8,0.18,0.10,50\r\n西城区,1106000,50.5,0.20,0.11,60\r\n",
    )
    write("empty.csv", b"")
    write("only_separators.csv", ",,,\n,,,\n\n")
    write("header_only.csv", GOOD_HEADER)
    write(
        "duplicate_headers.csv",
        "name,population,population,elderly_share,children_share,hotline_calls_per_10k\n"
        "North,1000,1200,0.1,0.1,5\n",
    )
    write(
        "empty_header.csv",
        "name,population,,elderly_share,children_share,hotline_calls_per_10k\n"
        "North,1000,7,0.1,0.1,5\n",
    )
    write(
        "bad_rows.csv",
        GOOD_HEADER
        + "North,1000,2,0.1,0.1,5\n"  # row 2: fine
        + "South,,2,0.1,0.1,5\n"  # row 3: missing population
        + "East,lots,2,0.1,0.1,5\n"  # row 4: text in a number column
        + "North,3000,2,0.1,0.1,5\n"  # row 5: duplicate name
        + "West,4000,2,-0.2,0.1,5\n"  # row 6: negative indicator
        + "Central,0,2,0.1,0.1,5\n",
    )  # row 7: population 0
    write("formula_in_csv.csv", GOOD_HEADER + "North,=1000*2,2,0.1,0.1,5\n")
    write("missing_indicator_column.csv", "name,population\nNorth,1000\nSouth,2000\n")
    write(
        "semicolon_decimal.csv",
        "name;population;elderly_share;children_share;hotline_calls_per_10k\n"
        "North;1000;0.1;0.1;5\nSouth;2000;0.2;0.1;5\n",
    )
    write("old_excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    write("not_really.xlsx", "name,population\nNorth,1000\n")


def write_workbooks() -> None:
    """The .xlsx workbooks: formulas, two sheets, Chinese headers."""
    header = GOOD_HEADER.strip().split(",")
    xlsx(
        "formulas.xlsx",
        [header, ["North", 1000, 2, 0.1, 0.1, 5], ["South", "=B2*2", 3, "=0.1+0.1", 0.1, 5]],
    )
    xlsx(
        "two_sheets.xlsx",
        [header, ["North", 1000, 2, 0.1, 0.1, 5], ["South", 2000, 3, 0.2, 0.1, 5]],
        sheets=2,
    )
    xlsx(
        "chinese_headers.xlsx",
        [
            [
                "区",
                "名称",
                "户籍人口",
                "面积（平方公里）",
                "65岁以上人口占比",
                "children_share",
                "hotline_calls_per_10k",
            ],
            ["dongcheng", "东城区", 709000, 41.8, 0.18, 0.1, 50],
            ["xicheng", "西城区", 1106000, 50.5, 0.2, 0.11, 60],
        ],
    )


if __name__ == "__main__":
    main()
