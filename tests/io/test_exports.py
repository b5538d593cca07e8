"""Exports of a result: CSV and Excel with formula cells neutralised, charts as SVG and PNG.

The hostile scenario has districts named like formulas; the paper computation of its
optimum is in :func:`hostile_result`.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govdecide import Settings, solve
from govdecide.io.exports import (
    ChartError,
    allocation_sheet,
    chart_files,
    chart_png,
    chart_svg,
    csv_bytes,
    district_sheet,
    excel_bytes,
    neutralise,
    plain_text,
    result_charts,
    result_workbook,
    safe_spec,
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
        ("\tx", " x"),  # a tab is a space: nothing a spreadsheet could strip to a formula
        ("\t=1", "' =1"),
        ("\r@x", "' @x"),
        (" =1+2", "' =1+2"),  # a formula after spaces is still a formula
        ("\u3000-1", "'\u3000-1"),
        ("a\r=1", "a =1"),  # a bare CR would have started a CSV row with '=1'
        ("\x00=1", "\ufffd=1"),
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


# ---------------------------------------------------------------------------------------
# Any text a user can type or upload: no export fails on it, none takes the process down

ROOT = Path(__file__).resolve().parents[2]
# Every character the issue names, plus the line breaks and the terminal's ESC and CSI.
BAD = "".join(chr(c) for c in [*range(0, 32), 0x7F, 0x85, 0x9B, 0xFFFE, 0xFFFF, 0x2028])


def _showable(text: str) -> bool:
    """No control character, line break, tab, surrogate, non-character or bidi control."""
    return not any(
        ord(c) < 0x20
        or 0x7F <= ord(c) <= 0x9F
        or 0xD800 <= ord(c) <= 0xDFFF
        or c in "\ufffe\uffff\u2028\u2029"
        or 0x202A <= ord(c) <= 0x202E
        or 0x2066 <= ord(c) <= 0x2069
        for c in text
    )


def test_a_chart_with_control_characters_in_names_does_not_abort():
    """vl-convert panicked on a NUL (or any non-XML character) in a label and the panic
    aborted the whole process, so this runs in a child: it must draw SVG and PNG of both
    result charts with every such character in district, program and currency names and
    exit 0 (today it dies with SIGABRT)."""
    code = f"""
import sys, pandas as pd
sys.path.insert(0, {str(ROOT)!r})
from govdecide.io.exports import chart_png, chart_svg
from govdecide.present import charts
bad = {BAD!r}
names = {{"a": "A" + bad, "b": bad + "=B", "p": "P" + bad}}
alloc = pd.DataFrame({{"district": ["a", "b"], "program": ["p", "p"],
                      "spend": [1.0, 2.0], "new_units": [1.0, 2.0]}})
dist = pd.DataFrame({{"district": ["a", "b"], "coverage_before": [0.1, 0.2],
                     "coverage_after": [0.5, 0.6], "population": [10, 20]}})
for chart in (charts.district_program_bars(alloc, "spend", names, "zh", currency=bad),
              charts.coverage_dumbbell(dist, names, "en")):
    assert chart_svg(chart).startswith("<svg")
    assert chart_png(chart, scale=1).startswith(b"\\x89PNG")
print("drawn")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "drawn"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_plain_text_is_one_showable_line_and_keeps_the_rest(text):
    """Whatever comes in, what goes out has no control, break or bidi character and the
    same length (one replacement per character), and cleaning it again changes nothing."""
    out = plain_text(text)
    assert _showable(out)
    assert len(out) == len(text)
    assert plain_text(out) == out
    if _showable(text):
        assert out == text


def test_plain_text_by_hand():
    assert plain_text("a\r\nb\tc") == "a  b c"
    assert plain_text("\x1b[31mred\x1b[0m") == "\ufffd[31mred\ufffd[0m"
    assert plain_text("north\u202e0021") == "north\ufffd0021"
    assert plain_text("北京 😀 𠮷 Zürich") == "北京 😀 𠮷 Zürich"


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.text() | st.integers() | st.floats(allow_nan=False),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=12,
    )
)
def test_safe_spec_leaves_no_unshowable_text(value):
    """Every string of a spec, at any depth and as a key too, comes out showable."""

    def strings(v):
        if isinstance(v, str):
            yield v
        elif isinstance(v, dict):
            for k, x in v.items():
                yield k
                yield from strings(x)
        elif isinstance(v, list):
            for x in v:
                yield from strings(x)

    assert all(_showable(s) for s in strings(safe_spec({"data": value})))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=20), min_size=1, max_size=4))
def test_a_workbook_takes_any_text(names):
    """openpyxl refused a name with a control character (IllegalCharacterError); now every
    cell and header is written, as its neutralised plain line."""
    frame = pd.DataFrame({"Name\x01": names, "n": range(len(names))})
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes({"Sheet\x02": frame})))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "Name\ufffd"
    cells = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert [c or "" for c in cells] == [neutralise(n) for n in names]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=20), min_size=1, max_size=4))
def test_csv_rows_never_split_and_never_start_a_formula(names):
    """A bare CR in a name split the row (pandas does not quote it) and put '=...' at the
    start of a line. Now each row is one physical line and no cell, read back, starts like
    a formula after its leading spaces."""
    frame = pd.DataFrame({"name": names, "n": range(len(names))})
    text = csv_bytes(frame).decode("utf-8-sig")
    assert len(text.splitlines()) == len(names) + 1
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(names) + 1
    for row in rows:
        assert not row[0].lstrip().startswith(("=", "+", "-", "@"))


def test_long_labels_beyond_the_basic_plane_are_drawn():
    """Vega cut a long label inside an emoji (half a UTF-16 pair) and vl-convert failed on
    the half; labels with characters beyond U+FFFF are now drawn uncut."""
    spec = {
        "data": {"values": [{"a": "a😀" * 30, "b": 1}]},
        "mark": "bar",
        "encoding": {
            "y": {"field": "a", "type": "nominal"},
            "x": {"field": "b", "type": "quantitative"},
            "color": {"field": "a"},
        },
    }
    assert "😀" in chart_svg(spec)


def test_a_chart_vl_convert_rejects_is_a_chart_error():
    """A spec vl-convert cannot draw raises ChartError with a message, not its ValueError."""
    with pytest.raises(ChartError) as caught:
        chart_svg({"mark": {"type": "no-such-mark"}, "data": {"values": [{"a": 1}]}})
    message = caught.value.message("en", "Spend")
    assert "'Spend' could not be drawn" in message and caught.value.detail in message


def test_chart_files_keep_the_good_charts_and_say_which_failed(monkeypatch):
    """One chart that cannot be drawn costs its own files; the others are made, and the
    message names the chart in the reader's language."""
    from govdecide.io import exports

    good = {
        "data": {"values": [{"a": "x", "b": 1}]},
        "mark": "bar",
        "encoding": {"x": {"field": "a", "type": "nominal"}},
    }
    monkeypatch.setattr(exports, "result_charts", lambda *a: {"spend": good, "units": {"mark": 3}})
    files, problems = chart_files(hostile_result(), hostile_scenario(), "zh")
    assert set(files) == {"spend.svg", "spend.png"}
    assert len(problems) == 1 and "各区各项目新增数量" in problems[0]


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (127589.22, "people", "127,589"),  # people are whole, wherever they are counted
        (1200000.0000001, "money", "1,200,000"),  # solver noise is not cents
        (41.3, "money", "41.30"),
        (4103.7, "money", "4,103.70"),
        (34.2, "units", "34.2"),  # at most two decimals, as fmt_units (one rule)
        (2.9999999999, "units", "3"),
        (144.08881, "score", "144.0888"),
        (0.3, "weight", "0.30"),
        (0.1469, "index", "0.147"),
        (0.4123, "share", "41.2%"),
        (0.00012, "gap", "0.01%"),
        (0.023812, "rate", "0.0238"),
        (2.5, "rate", "2.5"),
        (127589.22, "rate", "127,589"),
        (0.0099999, "rate", "0.01"),  # 3 significant figures, trailing zeros dropped
        (None, "money", "—"),
        (float("nan"), "people", "—"),
        (-1e-9, "units", "0"),
    ],
)
def test_fmt_quantity_one_rule_per_kind(value, kind, text):
    """The rule of each kind, on the issue's examples (127,589.22 people, 1,200,000.00)."""
    from govdecide.io.exports import fmt_quantity

    assert fmt_quantity(value, kind, "en") == text


@pytest.mark.parametrize("currency", ["k\\u0000", "k\\f", 'k\\"', "k\\", "R\\$"])
def test_a_backslash_in_a_title_is_drawn(currency):
    """Vega-Lite copies channel titles into an expression without escaping backslashes:
    a currency typed as ``k\\u0000`` put a NUL into the SVG (the PNG then failed) and
    ``k\\"`` broke the expression. Titles now draw a backslash as U+2216 (looks alike)."""
    from govdecide.present import charts

    alloc = pd.DataFrame({"district": ["a"], "program": ["p"], "spend": [1.0], "new_units": [1.0]})
    chart = charts.district_program_bars(alloc, "spend", {"a": "A\\b"}, "en", currency=currency)
    svg = chart_svg(chart)
    assert "\x00" not in svg and "\x0c" not in svg
    assert currency.replace("\\", "\u2216") in svg
    assert "A\\b" in svg  # a backslash in the data is drawn as it is
    assert chart_png(chart, scale=1).startswith(b"\x89PNG")
