"""Tables in: column guesses, row problems with row numbers, the bad-table corpus.

Every file in ``tests/io/bad_tables/`` (made by ``make_corpus.py`` there) is a mistake a user
makes with a spreadsheet; each test asserts the sentence that tells them what to fix.
Row numbers are spreadsheet rows: the header is row 1, the first district row 2.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from govdecide import Settings, solve
from govdecide.errors import ScenarioError
from govdecide.io.scenario import load_scenario, scenario_from_data
from govdecide.io.table_edit import scenario_frames, scenario_from_frames
from govdecide.io.table_import import build_scenario, import_table
from govdecide.io.table_mapping import guess_mapping, parse_map_options, slugify
from govdecide.io.table_read import MAX_ROWS, MAX_TABLE_BYTES, parse_number, read_table

HERE = Path(__file__).parent
BAD = HERE / "bad_tables"


def template_scenario():
    """A two-district template whose programs need population, elderly_share,
    children_share and hotline_calls_per_10k (the ids Riverton uses too)."""
    return scenario_from_data(
        {
            "format": "govdecide/v1",
            "name": {"en": "Template", "zh": "模板"},
            "indicators": [
                {"id": "elderly_share", "name": {"en": "Share aged 65+", "zh": "65岁以上人口占比"}},
                {"id": "children_share", "name": "Share aged 5-14"},
                {"id": "hotline_calls_per_10k", "name": "Hotline calls per 10k"},
            ],
            "districts": [
                {
                    "id": "a",
                    "name": "A",
                    "population": 1000,
                    "indicators": {
                        "elderly_share": 0.1,
                        "children_share": 0.1,
                        "hotline_calls_per_10k": 5,
                    },
                },
            ],
            "programs": [
                {
                    "id": "clinic",
                    "name": {"en": "Clinic", "zh": "诊所"},
                    "unit_cost": 10,
                    "capacity": 500,
                    "integer": True,
                    "need": {"indicator": "population"},
                    "district_bounds": {"a": {"max_units": 3}},
                },
                {
                    "id": "care",
                    "name": "Care beds",
                    "unit_cost": 5,
                    "capacity": 50,
                    "need": {"indicator": "elderly_share", "per_capita": True},
                },
                {
                    "id": "school",
                    "name": "School places",
                    "unit_cost": 1,
                    "capacity": 10,
                    "need": {"indicator": "children_share", "per_capita": True},
                },
                {
                    "id": "grant",
                    "name": "Grants",
                    "unit_cost": 1,
                    "capacity": 1,
                    "need": {
                        "indicator": "hotline_calls_per_10k",
                        "per_capita": True,
                        "scale": 0.0001,
                    },
                },
            ],
            "policy": {"budget": 100, "equity_weight": 0.2},
        }
    )


TEMPLATE = template_scenario()


def messages(exc_info: pytest.ExceptionInfo[ScenarioError], lang: str = "en") -> str:
    """All messages of a raised ScenarioError as one text."""
    return "\n".join(exc_info.value.messages(lang))


def corpus(name: str) -> bytes:
    """The bytes of one corpus file."""
    return (BAD / name).read_bytes()


# --- the corpus: each file, its message ---------------------------------------------------


def test_latin1_file_is_refused_with_how_to_save():
    """'Café\\n' in Latin-1 is E9 0A: not UTF-8, and not GB18030 either (0A is no trail
    byte), so the user is told to save as CSV UTF-8, in both languages."""
    with pytest.raises(ScenarioError) as exc:
        read_table(corpus("latin1.csv"), "latin1.csv")
    assert "latin1.csv" in messages(exc)
    assert "CSV UTF-8" in messages(exc)
    assert "GBK/GB18030" in messages(exc, "zh") and "另存为" in messages(exc, "zh")


def test_utf16_without_bom_is_refused():
    """NUL bytes and no byte order mark: no guess is safe, the message says what to do."""
    with pytest.raises(ScenarioError) as exc:
        read_table(corpus("utf16_no_bom.csv"), "utf16_no_bom.csv")
    assert "cannot be read as text" in messages(exc)


def test_gbk_chinese_headers_are_read_guessed_and_scaled():
    """GBK bytes decode as GB18030 (with a note). '常住人口（万人）' is population in units of
    10,000: 70.9 -> 709,000 and 110.6 -> 1,106,000 (with a note). '区' holds the names,
    '面积' the area, '65岁以上人口占比' is the template's elderly_share by its Chinese name."""
    table = read_table(corpus("gbk_chinese_headers.csv"), "gbk_chinese_headers.csv")
    assert table.encoding == "gb18030"
    mapping = guess_mapping(table, TEMPLATE)
    assert mapping["区"] == "name"
    assert mapping["常住人口（万人）"] == "population"
    assert mapping["面积"] == "area_km2"
    assert mapping["65岁以上人口占比"] == "indicator:elderly_share"
    result = build_scenario(table, TEMPLATE)
    pops = [d.population for d in result.scenario.districts]
    assert pops == pytest.approx([709000, 1106000])
    assert [d.name for d in result.scenario.districts] == ["东城区", "西城区"]
    notes = " ".join(result.note_messages("en"))
    assert "GBK/GB18030" in notes and "multiplied by 10,000" in notes
    assert "万" in " ".join(result.note_messages("zh"))


def test_utf8_bom_chinese_headers():
    """The BOM is not part of the first header: '区' still maps to the name."""
    table = read_table(corpus("utf8_bom_chinese_headers.csv"), "x.csv")
    assert table.encoding == "utf-8-sig"
    assert table.columns[0] == "区"
    result = build_scenario(table, TEMPLATE)
    assert [d.population for d in result.scenario.districts] == [709000, 1106000]
    # Chinese-only names get neutral ids, never an empty or invalid one
    assert [d.id for d in result.scenario.districts] == ["d001", "d002"]


@pytest.mark.parametrize("name", ["empty.csv", "only_separators.csv"])
def test_empty_files(name):
    with pytest.raises(ScenarioError) as exc:
        read_table(corpus(name), name)
    assert "empty" in messages(exc)


def test_header_only():
    with pytest.raises(ScenarioError) as exc:
        read_table(corpus("header_only.csv"), "header_only.csv")
    assert "no district rows" in messages(exc)


def test_duplicate_headers_name_both_columns():
    """'population' is in columns B and C: the message names C and points to B."""
    with pytest.raises(ScenarioError) as exc:
        read_table(corpus("duplicate_headers.csv"), "duplicate_headers.csv")
    text = messages(exc)
    assert "column C" in text and "'population' is used twice (first in column B)" in text


def test_empty_header_over_data():
    with pytest.raises(ScenarioError) as exc:
        read_table(corpus("empty_header.csv"), "empty_header.csv")
    assert "row 1, column C: this column has values but no header" in messages(exc)


def test_bad_rows_are_all_listed_with_row_numbers():
    """bad_rows.csv: row 3 lacks population, row 4 has 'lots', row 5 repeats 'North',
    row 6 has elderly_share -0.2, row 7 population 0; row 2 is fine. All five at once."""
    table = read_table(corpus("bad_rows.csv"), "bad_rows.csv")
    with pytest.raises(ScenarioError) as exc:
        build_scenario(table, TEMPLATE)
    text = messages(exc)
    assert "row 3, column population: the cell is empty" in text
    assert "row 4, column population: 'lots' is not a number" in text
    assert "row 5: the district name 'North' is used twice (first in row 2)" in text
    assert "row 6, column elderly_share: must be 0 or more, got -0.2" in text
    assert "row 7, column population: must be greater than 0, got 0" in text
    assert "row 2" not in text.replace("first in row 2", "")
    assert len(exc.value.problems) == 5
    assert "第 3 行" in messages(exc, "zh")


def test_formula_in_csv_is_data():
    """'=1000*2' is reported as a formula, never computed to 2000."""
    table = read_table(corpus("formula_in_csv.csv"), "formula_in_csv.csv")
    with pytest.raises(ScenarioError) as exc:
        build_scenario(table, TEMPLATE)
    assert "'=1000*2' is a formula" in messages(exc)


def test_formulas_in_xlsx_are_not_evaluated():
    """formulas.xlsx row 3 has =B2*2 (population) and =0.1+0.1 (elderly_share): both are
    reported, with their column, and nothing is computed."""
    table = read_table(corpus("formulas.xlsx"), "formulas.xlsx")
    assert table.rows[1][1] == "=B2*2"
    with pytest.raises(ScenarioError) as exc:
        build_scenario(table, TEMPLATE)
    text = messages(exc)
    assert "row 3, column population: '=B2*2' is a formula" in text
    assert "row 3, column elderly_share: '=0.1+0.1' is a formula" in text


def test_missing_indicator_column_names_the_program():
    """The template's care program needs elderly_share; the table has only name and
    population, so three programs are named with the indicator each needs."""
    table = read_table(corpus("missing_indicator_column.csv"), "m.csv")
    with pytest.raises(ScenarioError) as exc:
        build_scenario(table, TEMPLATE)
    text = messages(exc)
    assert "program 'Care beds' needs the indicator 'Share aged 65+'" in text
    assert len(exc.value.problems) == 3


def test_semicolon_separated():
    table = read_table(corpus("semicolon_decimal.csv"), "s.csv")
    assert table.columns[:2] == ("name", "population")
    assert build_scenario(table, TEMPLATE).scenario.districts[1].population == 2000


def test_old_xls():
    with pytest.raises(ScenarioError) as exc:
        read_table(corpus("old_excel.xls"), "old_excel.xls")
    assert "old Excel .xls" in messages(exc)


def test_text_named_xlsx():
    with pytest.raises(ScenarioError) as exc:
        read_table(corpus("not_really.xlsx"), "not_really.xlsx")
    assert "not a readable Excel .xlsx workbook" in messages(exc)


def test_two_sheets_note_says_which():
    table = read_table(corpus("two_sheets.xlsx"), "two_sheets.xlsx")
    result = build_scenario(table, TEMPLATE)
    assert "sheet 'Districts'" in " ".join(result.note_messages())
    with pytest.raises(ScenarioError) as exc:
        read_table(corpus("two_sheets.xlsx"), "two_sheets.xlsx", sheet="Nope")
    assert "Districts, Notes 1" in messages(exc)


def test_chinese_headers_xlsx_with_ids_and_names():
    """'区' holds ids (dongcheng), '名称' Chinese names, '户籍人口' population,
    '面积（平方公里）' the area: id, name, population and area are all guessed."""
    table = read_table(corpus("chinese_headers.xlsx"), "c.xlsx")
    mapping = guess_mapping(table, TEMPLATE)
    assert mapping["户籍人口"] == "population"
    assert mapping["面积（平方公里）"] == "area_km2"
    result = build_scenario(table, TEMPLATE, mapping={"区": "id", "名称": "name"})
    d = result.scenario.districts[0]
    assert (d.id, d.name, d.population, d.area_km2) == ("dongcheng", "东城区", 709000, 41.8)


# --- generated files: too large, too many rows, an .xlsx that inflates -------------------


def test_huge_file_is_refused_before_parsing():
    data = b"name,population\n" + b"x" * MAX_TABLE_BYTES
    with pytest.raises(ScenarioError) as exc:
        read_table(data, "huge.csv")
    assert "larger than 5 MB" in messages(exc)


def test_too_many_rows():
    body = "".join(f"D{i},{i + 1}\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(ScenarioError) as exc:
        read_table(("name,population\n" + body).encode(), "many.csv")
    assert f"at most {MAX_ROWS} districts" in messages(exc)


def test_xlsx_that_inflates_too_far_is_refused():
    """A zip whose members declare 61 MB uncompressed (a zip bomb) is refused unopened."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (61 * 1024 * 1024))
    with pytest.raises(ScenarioError) as exc:
        read_table(buf.getvalue(), "bomb.xlsx")
    assert "larger than 5 MB" in messages(exc)


# --- units: numbers, slugs, mapping options ---------------------------------------------


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("1234.5", 1234.5),
        ("250,000", 250000.0),
        (" 12 ", 12.0),
        ("18%", 0.18),
        (7, 7.0),
        ("=A1", None),
        ("lots", None),
        ("1.2.3", None),
        ("nan", None),
        ("inf", None),
        (True, None),
        ("1,23", None),
        ("１２", 12.0),
    ],
)
def test_parse_number(cell, number):
    assert parse_number(cell) == (pytest.approx(number) if number is not None else None)


def test_slugify():
    assert slugify("Old Town") == "old_town"
    assert slugify("110101") == "d_110101"
    assert slugify("北区") == ""
    assert slugify("Saint-Étienne") == "saint_etienne"


def test_map_options_override_guesses_and_are_checked():
    table = read_table(b"Borough,Residents,old\nA,10,0.1\nB,20,0.2\n", "t.csv")
    mapping = parse_map_options(["old=indicator:elderly_share"])
    assert mapping == {"old": "indicator:elderly_share"}
    with pytest.raises(ScenarioError) as exc:
        build_scenario(table, TEMPLATE, mapping=mapping | {"Residents": "people"})
    assert "'people' is not something a column can be" in messages(exc)
    with pytest.raises(ScenarioError) as exc:
        parse_map_options(["nonsense"])
    assert "--map needs COLUMN=FIELD" in messages(exc)


def test_map_of_an_unknown_column_names_it_in_both_languages():
    """``--map foo=population`` on a table without a column 'foo': the message quotes 'foo'
    and lists the real columns (it once raised KeyError: 'column' while being rendered)."""
    table = read_table(b"name,pop\nA,10\n", "t.csv")
    with pytest.raises(ScenarioError) as exc:
        build_scenario(table, TEMPLATE, mapping={"foo": "population"})
    assert "there is no column 'foo' in the table; its columns are: name, pop" in messages(exc)
    assert "表格中没有列“foo”；现有列：name, pop" in "\n".join(exc.value.messages("zh"))


def test_field_used_twice():
    table = read_table(b"name,pop,pop2\nA,10,1\n", "t.csv")
    with pytest.raises(ScenarioError) as exc:
        build_scenario(table, TEMPLATE, mapping={"pop2": "population"})
    assert "is mapped to Population, which column 'pop' already is" in messages(exc)
    assert "被指定为 人口" in "\n".join(exc.value.messages("zh"))


def test_english_and_chinese_name_columns():
    """Two name-like columns: the Chinese one becomes name_zh, the other name_en."""
    table = read_table(
        "District,区,Population,elderly_share,children_share,hotline_calls_per_10k\n"
        "North,北区,1000,0.1,0.1,5\n".encode(),
        "t.csv",
    )
    mapping = guess_mapping(table, TEMPLATE)
    assert (mapping["District"], mapping["区"]) == ("name_en", "name_zh")
    d = build_scenario(table, TEMPLATE).scenario.districts[0]
    assert (d.id, d.name) == ("north", {"en": "North", "zh": "北区"})


def test_duplicate_ids_typed_by_user():
    table = read_table(
        b"id,name,population,elderly_share,children_share,hotline_calls_per_10k\n"
        b"n,North,1000,0.1,0.1,5\nn,South,1000,0.1,0.1,5\n",
        "t.csv",
    )
    with pytest.raises(ScenarioError) as exc:
        build_scenario(table, TEMPLATE)
    assert "row 3: the id 'n' is used twice (first in row 2)" in messages(exc)


# --- round trip: table -> scenario -> solve ----------------------------------------------


def test_table_to_scenario_to_solve():
    """Two districts of 1,000 and 3,000 people, no units in place, the template's programs
    and budget 100. Per-district bounds of the template (clinic max 3 in district 'a') do
    not carry over (a note says so). The solve is optimal and spends within the budget;
    the indicator sources name the table file (provenance)."""
    text = (
        "name,population,elderly_share,children_share,hotline_calls_per_10k,baseline_clinic\n"
        "North,1000,0.2,0.1,5,1\nSouth,3000,0.1,0.2,8,0\n"
    )
    imported = import_table(text.encode(), "mine.csv", TEMPLATE)
    scenario = imported.scenario
    assert [d.id for d in scenario.districts] == ["north", "south"]
    assert scenario.districts[0].baseline == {"clinic": 1.0}
    assert all(p.district_bounds == {} for p in scenario.programs)
    assert "bounds" in " ".join(imported.note_messages())
    # notes name the template and its programs in the reader's language
    assert "Clinic" in " ".join(imported.note_messages("en"))
    assert "模板" in " ".join(imported.note_messages("zh"))
    assert "诊所" in " ".join(imported.note_messages("zh"))
    assert {i.source for i in scenario.indicators} == {"mine.csv"}
    assert scenario.policy.budget == 100
    result = solve(scenario, Settings())
    assert result.status == "optimal"
    assert result.budget_used <= 100 + 1e-6
    assert set(result.allocation["district"]) == {"north", "south"}


def test_riverton_template_guesses_by_indicator_name():
    """With Riverton as the template, a header equal to an indicator's Chinese name maps to
    that indicator's id."""
    riverton = load_scenario(HERE.parents[1] / "scenarios" / "riverton.yaml")
    ind = riverton.indicators[0]
    header = ind.name["zh"] if isinstance(ind.name, dict) else ind.id
    table = read_table(f"区,人口,{header}\n北区,1000,0.1\n".encode(), "t.csv")
    assert guess_mapping(table, riverton)[header] == f"indicator:{ind.id}"


def test_xlsx_numbers_and_text(tmp_path):
    """Excel numbers arrive as numbers; a text cell in the population column is reported."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "population", "elderly_share", "children_share", "hotline_calls_per_10k"])
    sheet.append(["North", 1000, 0.1, 0.1, 5])
    sheet.append(["South", "n/a", 0.1, 0.1, 5])
    path = tmp_path / "t.xlsx"
    book.save(path)
    table = read_table(path.read_bytes(), "t.xlsx")
    with pytest.raises(ScenarioError) as exc:
        build_scenario(table, TEMPLATE)
    assert "t.xlsx, row 3, column population: 'n/a' is not a number" in messages(exc)


def test_edit_tables_put_chinese_plain_names_in_the_chinese_column():
    """A district named only '东城区' (a plain string) shows under name_zh, and reading the
    unedited tables back keeps it a plain string."""
    table = read_table(corpus("utf8_bom_chinese_headers.csv"), "x.csv")
    scenario = build_scenario(table, TEMPLATE).scenario
    frame = scenario_frames(scenario)["districts"]
    assert list(frame["name_zh"]) == ["东城区", "西城区"]
    assert list(frame["name_en"]) == ["", ""]
    assert scenario_from_frames(scenario, scenario_frames(scenario)) == scenario
