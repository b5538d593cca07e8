"""District tables a hostile or careless upload makes (issue 11, items 1 and 4, and the
new user's percentages and Chinese messages).

Each table is a few lines written here; every refusal is a :class:`ScenarioError` whose
messages render in both languages and carry no unprintable character. The large files
(a 100 kB first line, 16,384 columns, malformed sheet XML) are in the hostile corpus,
tests/io/hostile/, run in a child process with time and memory limits.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from govdecide.errors import ScenarioError
from govdecide.i18n import LANGS
from govdecide.io.scenario import scenario_from_data
from govdecide.io.scenario_schema import unsafe_character
from govdecide.io.table_import import UNITS, build_scenario, import_table, percent_fixes
from govdecide.io.table_read import MAX_COLUMNS, parse_number, read_table


def template():
    """Two programs: clinics for everyone, care beds for the share aged 65+ (unit share)."""
    return scenario_from_data(
        {
            "format": "govdecide/v1",
            "name": {"en": "Template", "zh": "模板"},
            "indicators": [
                {
                    "id": "elderly_share",
                    "name": {"en": "Share aged 65+", "zh": "65岁及以上人口占比"},
                    "unit": "share",
                },
                {"id": "visits", "name": {"en": "Visits per resident", "zh": "人均就诊次数"}},
            ],
            "districts": [
                {
                    "id": "a",
                    "name": "A",
                    "population": 1000,
                    "indicators": {"elderly_share": 0.1, "visits": 2},
                }
            ],
            "programs": [
                {
                    "id": "clinic",
                    "name": {"en": "Clinic", "zh": "诊所"},
                    "unit_cost": 10,
                    "capacity": 500,
                    "need": {"indicator": "visits", "per_capita": True},
                },
                {
                    "id": "care",
                    "name": {"en": "Care beds", "zh": "养老床位"},
                    "unit_cost": 5,
                    "capacity": 50,
                    "need": {"indicator": "elderly_share", "per_capita": True},
                },
            ],
            "policy": {"budget": 100},
        }
    )


TEMPLATE = template()


def refused(call, *args, **kwargs) -> ScenarioError:
    """The ScenarioError of a call; every message renders in both languages, printably."""
    with pytest.raises(ScenarioError) as info:
        call(*args, **kwargs)
    for lang in LANGS:
        for message in info.value.messages(lang):
            assert message and unsafe_character(message) is None
    return info.value


def codes(error: ScenarioError) -> list[str]:
    return [p.code for p in error.problems]


# --- item 1: characters ------------------------------------------------------------------


def test_control_character_in_a_header_is_refused_at_its_column():
    error = refused(read_table, b"name,popu\x01lation\nA,1\n", "t.csv")
    assert codes(error) == ["bad_character"]
    text = error.messages("en")[0]
    assert "row 1" in text and "column B" in text and "U+0001" in text
    assert "\\x01" in text  # the header is quoted escaped


def test_control_characters_in_cells_are_refused_with_their_places():
    """Two bad cells (rows 2 and 3) in columns a name and a number: both are listed."""
    error = refused(read_table, b"name,population\nA\x0b,1\nB,2\x1f\nC,3\n", "t.csv")
    assert codes(error) == ["bad_character", "bad_character"]
    assert [(p.row, p.column) for p in error.problems] == [(2, "A"), (3, "B")]


def test_many_bad_cells_are_listed_up_to_a_limit():
    """A file full of control characters gives a bounded list, ending with the count."""
    body = "".join(f"D{i}\x01,{i + 1}\n" for i in range(500))
    error = refused(read_table, ("name,population\n" + body).encode(), "t.csv")
    assert len(error.problems) <= 21
    assert "500" in error.messages("en")[-1]


@pytest.mark.parametrize("ref", ["&#x1;", "&#xFFFE;", "&#xD800;"])
def test_bad_character_in_an_xlsx_cell(ref: str):
    """XML 1.0 cannot carry these characters, so a sheet that writes one as a character
    reference is malformed: a clear problem, not a traceback, and never a cell."""
    ns = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = (
        b"<worksheet xmlns='" + ns + b"'><sheetData>"
        b"<row r='1'><c r='A1' t='inlineStr'><is><t>name</t></is></c></row>"
        b"<row r='2'><c r='A2' t='inlineStr'><is><t>N" + ref.encode() + b"</t></is></c></row>"
        b"</sheetData></worksheet>"
    )
    assert codes(refused(read_table, _xlsx_with_sheet(sheet), "t.xlsx")) == ["bad_xlsx"]


# --- item 4: sizes and malformed files ----------------------------------------------------


def test_too_many_columns():
    header = "name,population," + ",".join(f"c{i}" for i in range(MAX_COLUMNS))
    row = "A,1," + ",".join("1" for _ in range(MAX_COLUMNS))
    error = refused(read_table, f"{header}\n{row}\n".encode(), "wide.csv")
    assert codes(error) == ["too_many_columns"]
    assert f"{MAX_COLUMNS:,}" in error.messages("en")[0]


def test_trailing_empty_columns_are_not_counted():
    """A spreadsheet export with thousands of empty trailing cells is an ordinary table."""
    pad = "," * (MAX_COLUMNS * 3)
    table = read_table(f"name,population{pad}\nA,1{pad}\n".encode(), "t.csv")
    assert table.columns == ("name", "population")


def test_delimiters_are_found():
    """Comma, semicolon (with decimal commas), tab and bar; one column stays one column."""
    assert read_table(b"name,population\nA,1\n", "t.csv").columns == ("name", "population")
    semi = read_table(b"name;population;share\nA;1000;0,2\nB;2000;0,1\n", "t.csv")
    assert semi.columns == ("name", "population", "share")
    assert read_table(b"name\tpopulation\nA\t1\n", "t.tsv").columns == ("name", "population")
    assert read_table(b"name|population\nA|1\n", "t.txt").columns == ("name", "population")
    assert read_table(b"name\nA\nB\n", "t.csv").columns == ("name",)
    quoted = read_table(b'"name, full",population\n"A, x",1\n', "t.csv")
    assert quoted.columns == ("name, full", "population")


def test_many_empty_lines_are_bounded():
    """A file of a million line breaks (1 MB) is refused without keeping a million rows."""
    error = refused(read_table, b"name,population\nA,1\n" + b"\n" * 1_000_000, "t.csv")
    assert codes(error) == ["too_many_lines"]


def test_huge_cell_is_a_clear_problem():
    error = refused(read_table, b"name,population\n" + b"x" * 200_000 + b",1\n", "t.csv")
    assert codes(error) == ["cell_too_long"]


def _xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    """A workbook openpyxl wrote, its first sheet replaced by ``sheet_xml``."""
    book = openpyxl.Workbook()
    book.active.append(["name", "population"])
    buf = io.BytesIO()
    book.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            dst.writestr(info.filename, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "sheet",
    [
        b"<worksheet><sheetData><row r='1'><c r='A1' t='inlineStr'><is><t>x</t>",
        b"not xml at all",
        b"<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
        b"<sheetData><row r='x'><c r='??'><v>1</v></c></row></sheetData></worksheet>",
        b"<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
        b"<sheetData><row r='1'><c r='A1' t='n'><v>abc</v></c></row></sheetData></worksheet>",
    ],
)
def test_malformed_sheet_xml_is_a_clear_problem(sheet: bytes):
    error = refused(read_table, _xlsx_with_sheet(sheet), "t.xlsx")
    assert codes(error) == ["bad_xlsx"]


def test_sheet_that_claims_the_whole_grid():
    """A dimension of A1:XFD1048576 must not make every row 16,384 cells nor a million
    rows: two real rows are read as two rows."""
    ns = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = (
        b"<worksheet xmlns='" + ns + b"'><dimension ref='A1:XFD1048576'/><sheetData>"
        b"<row r='1'><c r='A1' t='inlineStr'><is><t>name</t></is></c>"
        b"<c r='B1' t='inlineStr'><is><t>population</t></is></c></row>"
        b"<row r='2'><c r='A2' t='inlineStr'><is><t>A</t></is></c><c r='B2'><v>5</v></c></row>"
        b"</sheetData></worksheet>"
    )
    table = read_table(_xlsx_with_sheet(sheet), "t.xlsx")
    assert table.columns == ("name", "population") and table.rows == (("A", 5),)


# --- item 4: digits that are not plain digits ---------------------------------------------


@pytest.mark.parametrize("cell", ["10²", "③", "²", "1⁄2", "½", "Ⅻ", "⑩0", "1₀"])
def test_superscripts_and_circled_numbers_are_not_numbers(cell: str):
    """NFKC made 10² into 102 and ③ into 3: silently another number."""
    assert parse_number(cell) is None


def test_full_width_digits_still_read():
    assert parse_number("１２３") == 123
    assert parse_number("１２．５％") == pytest.approx(0.125)


def test_special_digit_message_names_the_character():
    table = read_table("name,population,elderly_share,visits\nA,10²,0.1,2\n".encode(), "t.csv")
    error = refused(build_scenario, table, TEMPLATE)
    assert codes(error) == ["odd_digits"]
    assert "²" in error.messages("zh")[0]


# --- percentages mapped to a share --------------------------------------------------------


def test_percent_values_in_a_share_column_are_refused_with_the_fix():
    """23.1 in the share aged 65+ (unit share) would be a need 23 times the population."""
    csv = "name,population,elderly_share,visits\nA,1000,23.1,2\nB,2000,12.5,2\n"
    table = read_table(csv.encode(), "t.csv")
    error = refused(build_scenario, table, TEMPLATE)
    assert codes(error) == ["share_as_percent"]
    assert "23.1" in error.messages("en")[0] and "100" in error.messages("en")[0]
    assert "65岁及以上人口占比" in error.messages("zh")[0]
    assert percent_fixes(error) == {"elderly_share": "percent"}
    built = build_scenario(table, TEMPLATE, units=percent_fixes(error))
    assert [d.indicators["elderly_share"] for d in built.scenario.districts] == [
        pytest.approx(0.231),
        pytest.approx(0.125),
    ]
    assert any("100" in n for n in built.note_messages("en"))


def test_a_header_that_says_percent_is_divided_with_a_note():
    """'65岁及以上人口占比(%)' is the template's share by its Chinese name, in percent."""
    csv = "name,population,65岁及以上人口占比(%),visits\nA,1000,23.1,2\n"
    built = import_table(csv.encode(), "t.csv", TEMPLATE)
    assert built.scenario.districts[0].indicators["elderly_share"] == pytest.approx(0.231)
    assert built.units == {"65岁及以上人口占比(%)": "percent"}
    zh = " ".join(built.note_messages("zh"))
    assert "除以 100" in zh


def test_cells_written_with_a_percent_sign_are_not_divided_twice():
    csv = "name,population,elderly_share (%),visits\nA,1000,23.1%,2\nB,1000,20,2\n"
    built = import_table(csv.encode(), "t.csv", TEMPLATE)
    values = [d.indicators["elderly_share"] for d in built.scenario.districts]
    assert values == [pytest.approx(0.231), pytest.approx(0.2)]


def test_share_above_100_is_not_a_percentage():
    csv = "name,population,elderly_share,visits\nA,1000,250,2\n"
    error = refused(build_scenario, read_table(csv.encode(), "t.csv"), TEMPLATE)
    assert codes(error) == ["share_above_one"]
    assert percent_fixes(error) == {}


def test_as_is_keeps_a_header_unit_out():
    """The header says 万人 but the values are people: as_is keeps them."""
    csv = "name,人口（万人）,elderly_share,visits\nA,1000,0.1,2\n"
    default = import_table(csv.encode(), "t.csv", TEMPLATE)
    assert default.scenario.districts[0].population == 10_000_000
    kept = import_table(csv.encode(), "t.csv", TEMPLATE, units={"人口（万人）": "as_is"})
    assert kept.scenario.districts[0].population == 1000


def test_units_are_checked():
    table = read_table(b"name,population,elderly_share,visits\nA,1000,0.1,2\n", "t.csv")
    error = refused(build_scenario, table, TEMPLATE, units={"nope": "percent", "name": "pct"})
    assert sorted(codes(error)) == ["map_unknown_column", "unit_unknown"]
    assert set(UNITS) >= {"as_is", "percent", "thousands", "ten_thousands"}


def test_need_above_population_is_noted():
    """Visits per resident 3 makes the clinic's need 3 times the population: legitimate
    perhaps, but worth a note naming the program and the rows."""
    csv = "name,population,elderly_share,visits\nA,1000,0.1,3\nB,1000,0.1,0.5\n"
    built = import_table(csv.encode(), "t.csv", TEMPLATE)
    en = " ".join(built.note_messages("en"))
    assert "Clinic" in en and "rows: 2;" in en
    zh = " ".join(built.note_messages("zh"))
    assert "诊所" in zh


# --- messages in the user's language -----------------------------------------------------


def test_missing_need_column_names_program_and_indicator_in_chinese():
    table = read_table("名称,人口\n北区,1000\n".encode(), "t.csv")
    error = refused(build_scenario, table, TEMPLATE)
    zh = "\n".join(error.messages("zh"))
    assert "养老床位" in zh and "65岁及以上人口占比" in zh
    assert "Care beds" not in zh and "Share aged" not in zh
    en = "\n".join(error.messages("en"))
    assert "Care beds" in en and "Share aged 65+" in en


def test_field_used_twice_shows_the_field_label():
    table = read_table(b"name,population,elderly_share,visits\nA,1000,0.1,2\n", "t.csv")
    error = refused(build_scenario, table, TEMPLATE, mapping={"visits": "indicator:elderly_share"})
    zh = "\n".join(error.messages("zh"))
    assert "65岁及以上人口占比" in zh and "indicator:elderly_share" not in zh


def test_row_problem_names_the_column_not_the_internal_path():
    """A population of 1e-12 is a scenario problem at districts[0].population (too close
    to 0): restated at the table's row and column, in the user's words."""
    table = read_table("名称,人口,elderly_share,visits\n北区,1e-12,0.1,2\n".encode(), "t.csv")
    error = refused(build_scenario, table, TEMPLATE)
    assert codes(error)[0] == "number_too_small"  # (and, following from it, no need at all)
    zh = error.messages("zh")[0]
    assert "第 2 行" in zh and "列 人口" in zh and "population" not in zh
