"""Exports of a result: CSV and Excel with formula cells neutralised, charts as SVG and PNG.

The hostile scenario has districts named like formulas; the paper computation of its
optimum is in :func:`hostile_result`.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from govdecide import Settings, solve
from govdecide.io.exports import (
    allocation_sheet,
    chart_png,
    chart_svg,
    csv_bytes,
    district_sheet,
    excel_bytes,
    neutralise,
    result_charts,
    result_workbook,
)
from govdecide.io.scenario import scenario_from_data

EVIL_A = "<script>alert(1)</script>"
EVIL_B = "=1+2"
EVIL_PROGRAM = "@SUM(A1)"


def hostile_scenario():
    """Two districts with hostile names, one program (clinic, 500 people per unit, cost 10)."""
    return scenario_from_data(
        {
            "format": "govdecide/v1",
            "name": "-Hostile town",
            "description": "+a description that looks like a formula",
            "districts": [
                {"id": "a", "name": EVIL_A, "population": 1000},
                {"id": "b", "name": EVIL_B, "population": 3000},
            ],
            "programs": [
                {
                    "id": "clinic",
                    "name": EVIL_PROGRAM,
                    "unit_cost": 10,
                    "capacity": 500,
                    "integer": True,
                    "need": {"indicator": "population"},
                },
            ],
            "policy": {"budget": 40, "equity_weight": 1.0},
        }
    )


def hostile_result():
    """Budget 40 buys 4 clinics. Equity weight 1 maximises the lowest coverage:
    min(500a/1000, 500b/3000) with a + b = 4 is 0.5 at a = 1, b = 3 (a = 2, b = 2 gives
    only 1/3). So A gets 1 unit (spend 10, serves 500) and B 3 (spend 30, serves 1,500)."""
    return solve(hostile_scenario(), Settings())


@pytest.mark.parametrize(
    ("cell", "out"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("North", "North"),
        ("", ""),
        (-5, -5),
        (1.5, 1.5),
        (None, None),
    ],
)
def test_neutralise(cell, out):
    assert neutralise(cell) == out


def test_allocation_sheet_by_hand():
    scenario, result = hostile_scenario(), hostile_result()
    table = allocation_sheet(result, scenario, "en")
    units = dict(zip(table["District id"], table["New units"], strict=True))
    spend = dict(zip(table["District id"], table["Spend"], strict=True))
    served = dict(zip(table["District id"], table["People served after"], strict=True))
    assert units == {"a": 1, "b": 3}
    assert spend == {"a": 10, "b": 30}
    assert served == {"a": 500, "b": 1500}
    zh = allocation_sheet(result, scenario, "zh")
    assert "新增数量" in zh.columns


def test_csv_cells_are_neutralised_numbers_kept():
    """District names '=1+2' and '<script>...' and program '@SUM(A1)': the formula-like ones
    get a leading apostrophe in the CSV; numbers stay numbers; BOM for Excel."""
    scenario, result = hostile_scenario(), hostile_result()
    data = csv_bytes(allocation_sheet(result, scenario, "en"))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    names = {r["District id"]: r["District"] for r in rows}
    assert names == {"a": EVIL_A, "b": "'=1+2"}
    assert {r["Program"] for r in rows} == {"'@SUM(A1)"}
    assert {float(r["Spend"]) for r in rows} == {10.0, 30.0}
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_district_csv_in_chinese():
    scenario, result = hostile_scenario(), hostile_result()
    text = csv_bytes(district_sheet(result, scenario, "zh")).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("区编号,区,人口")


def test_excel_has_no_formula_cells():
    """Every text cell that starts like a formula is stored as text with an apostrophe;
    openpyxl would otherwise write '=1+2' as a formula (data type 'f')."""
    scenario, result = hostile_scenario(), hostile_result()
    book = openpyxl.load_workbook(io.BytesIO(result_workbook(result, scenario, "en")))
    assert book.sheetnames == ["Summary", "Districts", "Programs", "Allocation"]
    seen = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@"))
                    seen.append(cell.value)
    assert "'=1+2" in seen and "'@SUM(A1)" in seen and "'-Hostile town" in seen
    alloc = book["Allocation"]
    header = [c.value for c in alloc[1]]
    spend_col = header.index("Spend")
    assert sorted(r[spend_col].value for r in alloc.iter_rows(min_row=2)) == [10, 30]


def test_excel_sheet_names_are_made_valid():
    import pandas as pd

    data = excel_bytes({"a/b:c": pd.DataFrame({"x": [1]}), "a/b:c ": pd.DataFrame({"x": [2]})})
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert len(book.sheetnames) == 2 and all("/" not in s for s in book.sheetnames)


def test_charts_as_svg_and_png_offline():
    """The three result charts render without a network: SVG text and PNG bytes."""
    scenario, result = hostile_scenario(), hostile_result()
    charts = result_charts(result, scenario, "en")
    assert set(charts) == {"spend", "units", "coverage"}
    svg = chart_svg(charts["coverage"])
    assert svg.lstrip().startswith("<svg")
    assert "<script" not in svg  # the district name is drawn as escaped text
    assert "&lt;script&gt;" in svg
    png = chart_png(charts["spend"], scale=1)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
