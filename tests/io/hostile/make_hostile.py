"""Regenerate the hostile corpus: ``python tests/io/hostile/make_hostile.py``.

Each file is an upload that once crashed, froze or exhausted the server (issue 11), or
one of its relatives; ``expected.yaml`` says which entry reads it and what it must give
(the codes of the refusal, or ``accepted``). ``tests/io/test_hostile.py`` runs every file
in a child process with a memory limit and a hang guard. The files are committed; this
script documents how each was made, byte for byte.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import yaml

HERE = Path(__file__).parent
TABLE_HEADER = "name,population,elderly_share,children_share,hotline_calls_per_10k\n"
TABLE_ROW = "North,1000,0.1,0.1,5\n"
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# A valid scenario; each hostile scenario replaces one line of it (or adds one).
SCENARIO = """\
format: govdecide/v1
name: {en: Testville, zh: 测试市}
indicators:
  - {id: elderly_share, name: Share aged 65+, unit: share}
districts:
  - id: north
    name: {en: North, zh: 北区}
    population: 1000
    indicators: {elderly_share: 0.2}
  - id: south
    name: South
    population: 2000
    indicators: {elderly_share: 0.1}
programs:
  - {id: clinic, name: Clinic, unit_cost: 100, capacity: 500, need: {indicator: population}}
  - id: care
    name: Care beds
    unit_cost: 10
    capacity: 10
    need: {indicator: elderly_share, per_capita: true}
policy: {budget: 500}
"""

EXPECTED: dict[str, dict] = {}


REFUSED = "refused"  # refused, whatever the codes


def write(
    name: str, data: bytes | str, entry: str, codes: list[str] | str | None, why: str
) -> None:
    """Write one corpus file and its expectation: the codes of its refusal, REFUSED for
    a refusal of any code, None when it must be accepted."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    (HERE / name).write_bytes(raw)
    EXPECTED[name] = {"entry": entry, "why": why}
    if codes is None:
        EXPECTED[name]["accepted"] = True
    elif codes == REFUSED:
        EXPECTED[name]["refused"] = True
    else:
        EXPECTED[name]["codes"] = codes


def scenario(old: str, new: str) -> str:
    """The valid scenario with one text replaced."""
    assert old in SCENARIO
    return SCENARIO.replace(old, new, 1)


def scenario_files() -> None:
    """Scenario files: memory bombs, nesting, characters, numbers."""
    s = "scenario_bytes"
    write(
        "recursive_alias.yaml",
        scenario("name: South", "name: &r [*r]"),
        s,
        ["recursive_alias"],
        "the line-map walker grew past 6 GB in 16 s",
    )
    write(
        "recursive_alias_mapping.yaml",
        scenario("policy: {budget: 500}", "policy: &p {budget: 500, solver: {x: *p}}"),
        s,
        ["recursive_alias"],
        "an alias inside its own anchor, through a mapping",
    )
    laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 9)
    )
    write(
        "billion_laughs.yaml",
        laughs + SCENARIO,
        s,
        ["too_complex"],
        "aliases that expand to 10^9 values",
    )
    wide = (
        "x: &w ["
        + ", ".join(["1"] * 80)
        + "]\n"
        + "deep: "
        + "[" * 18
        + (", ".join(["*w"] * 7_000) + "]" * 18 + "\n")
    )
    write(
        "wide_aliases_deep.yaml",
        SCENARIO + wide,
        s,
        ["too_complex"],
        "7,000 aliases of 80 values, 18 levels deep: memory must not be depth x values",
    )
    write(
        "deep_flow_2000.yaml",
        scenario("name: South", "name: " + "[" * 2000 + "]" * 2000),
        s,
        ["too_deep"],
        "RecursionError in the parser fallback",
    )
    write(
        "deep_flow_600.yaml",
        scenario("name: South", "name: " + "[" * 600 + "]" * 600),
        s,
        ["too_deep"],
        "RecursionError in the error formatter",
    )
    block = "\n".join(" " * (i + 1) + "a:" for i in range(400))
    write(
        "deep_block_400.yaml",
        SCENARIO + "extra:\n" + block + "\n",
        s,
        ["too_deep"],
        "nesting by indentation",
    )
    write(
        "deep_unclosed.yaml",
        "name: " + "{a: " * 5000,
        s,
        REFUSED,
        "an unclosed flow 5,000 deep: refused, any code",
    )
    write(
        "control_char_name.yaml",
        scenario("name: South", 'name: "So\\x01uth"'),
        s,
        ["bad_character"],
        "vl-convert panicked and aborted the process",
    )
    write(
        "fffe_name.yaml",
        scenario("name: South", 'name: "South\\uFFFE"'),
        s,
        ["bad_character"],
        "U+FFFE cannot be in a chart or a workbook",
    )
    write(
        "surrogate_name.yaml",
        scenario("name: South", 'name: "\\ud800"'),
        s,
        ["bad_character"],
        "accepted, then crashed solve, the fingerprint and every export",
    )
    write(
        "surrogate_unit.yaml",
        scenario("unit: share}", 'unit: "\\udfff"}'),
        s,
        ["bad_character"],
        "a lone low surrogate in an indicator's unit",
    )
    write(
        "int_4301_digits.yaml",
        scenario("population: 2000", "population: " + "1" * 4301),
        s,
        ["number_too_large"],
        "ValueError: exceeds the limit (4300 digits)",
    )
    write(
        "int_above_float.yaml",
        scenario("population: 2000", "population: 1" + "0" * 400),
        s,
        ["number_too_large"],
        "OverflowError: int too large to convert to float",
    )
    base60 = "population: " + ":".join(["59"] * 30000)
    write(
        "sexagesimal.yaml",
        scenario("population: 2000", base60),
        s,
        ["number_too_large"],
        "a base-60 integer of 30,000 digits: quadratic to build",
    )
    pops = scenario("population: 1000", "population: 1.0e-300").replace(
        "population: 2000", "population: 1.0e-300"
    )
    write(
        "tiny_populations.yaml",
        pops,
        s,
        ["number_too_small", "number_too_small", "no_need"],
        "every population 1e-300: zip() length ValueError in the solver",
    )
    write(
        "subnormal_indicator.yaml",
        scenario("elderly_share: 0.1", "elderly_share: 1.0e-320"),
        s,
        ["number_too_small"],
        "PuLP: NaN right-hand side",
    )
    write(
        "need_capacity_scale.yaml",
        scenario("capacity: 500", "capacity: 1.0e+14"),
        s,
        ["need_scale"],
        "capacity / need = 1e11 as a coefficient",
    )
    write(
        "huge_budget.yaml",
        scenario("budget: 500", "budget: 1.0e+300"),
        s,
        ["number_too_large"],
        "finite, but no figure of any place",
    )
    write(
        "bad_timestamp.yaml",
        scenario("policy: {budget: 500}", "policy: {budget: 500}\ndate: 2024-13-45"),
        s,
        ["yaml_value"],
        "ValueError inside the YAML constructor",
    )
    write(
        "complex_key.yaml",
        scenario("policy: {budget: 500}", "policy: {budget: 500}\n? [a, b]\n: c"),
        s,
        ["complex_key"],
        "a list as a key: the constructor builds it deeply",
    )
    write(
        "nul_byte.yaml",
        SCENARIO.encode() + b"extra: a\x00b\n",
        s,
        ["yaml_syntax"],
        "a raw NUL character in the file",
    )
    edge = scenario("capacity: 500", "capacity: 9.0e+11").replace(
        "population: 1000", "population: 1000000"
    )
    write(
        "edge_of_the_scale.yaml",
        edge,
        s,
        None,
        "need/capacity within the limit (1e6 / 9e11): accepted, and it solves",
    )


def table_files() -> None:
    """District tables: quadratic sniffing, too many columns, malformed sheets, digits."""
    t = "table"
    write(
        "sniff_100kb_line.csv",
        ',"' * 50_000 + "\n" + TABLE_ROW,
        t,
        REFUSED,
        "csv.Sniffer took ~50 s on a 100 kB first line: refused, quickly",
    )
    write(
        "quoted_long_line.csv",
        TABLE_HEADER + '"' + "a," * 40_000 + '",1,0.1,0.1,5\n',
        t,
        None,
        "an 80 kB quoted cell with commas: one district with a long name",
    )
    wide = "name,population," + ",".join(f"c{i}" for i in range(10_000)) + "\n"
    write(
        "columns_10k.csv",
        wide + "A,1," + ",".join("1" for _ in range(10_000)) + "\n",
        t,
        ["too_many_columns"],
        "10,000 columns took 9 s, each an indicator and a select box",
    )
    write(
        "newline_flood.csv",
        TABLE_HEADER + TABLE_ROW + "\n" * 150_000,
        t,
        ["too_many_lines"],
        "150,000 empty lines",
    )
    write(
        "huge_cell.csv",
        TABLE_HEADER + "x" * 140_000 + ",1,0.1,0.1,5\n",
        t,
        ["cell_too_long"],
        "a cell past the csv module's field limit",
    )
    write(
        "control_chars.csv",
        TABLE_HEADER + "No\x01rth,1000,0.1,0.1,5\nSouth\x1f,10,0.1,0.1,5\n",
        t,
        ["bad_character", "bad_character"],
        "control characters in cells",
    )
    write(
        "control_header.csv",
        "na\x0bme,population,elderly_share,children_share,hotline_calls_per_10k\n" + TABLE_ROW,
        t,
        ["bad_character"],
        "in a header",
    )
    digits = "North,10²,0.1,0.1,5\nSouth,2000,0.1,0.1,③\nEast,3000,0.1,0.1,4\n"
    write(
        "superscripts.csv",
        TABLE_HEADER + digits,
        t,
        ["odd_digits", "odd_digits"],
        "10² was read as 102, ③ as 3",
    )
    write(
        "percent_share.csv",
        TABLE_HEADER + "North,1000,23.1,12.5,5\n",
        t,
        ["share_as_percent", "share_as_percent"],
        "a need 23 times the population",
    )
    write(
        "columns_16k.xlsx",
        _xlsx(_sheet_row(16_384)),
        t,
        ["too_many_columns"],
        "16,384 columns took 12-17 s",
    )
    grid = _xlsx(
        f"<worksheet xmlns='{SHEET_NS}'><dimension ref='A1:XFD1048576'/><sheetData>"
        + _sheet_cells(1, TABLE_HEADER.strip().split(","))
        + _sheet_cells(2, TABLE_ROW.strip().split(","))
        + "</sheetData></worksheet>"
    )
    write(
        "whole_grid_dimension.xlsx",
        grid,
        t,
        None,
        "a sheet that claims A1:XFD1048576: two rows are two rows",
    )
    write(
        "malformed_sheet.xlsx",
        _xlsx("<worksheet><sheetData><row r='1'><c r='A1'"),
        t,
        ["bad_xlsx"],
        "malformed sheet XML gave a traceback",
    )
    write(
        "bad_cell_number.xlsx",
        _xlsx(
            f"<worksheet xmlns='{SHEET_NS}'><sheetData><row r='1'><c r='A1' t='n'><v>x</v></c>"
            "</row></sheetData></worksheet>"
        ),
        t,
        ["bad_xlsx"],
        "a numeric cell that is not",
    )
    entity = _xlsx(
        "<?xml version='1.0'?><!DOCTYPE w [<!ENTITY a 'aaaaaaaaaa'>"
        + "".join(
            f"<!ENTITY a{i} '{('&a' + str(i - 1) + ';') * 10 if i else '&a;' * 10}'>"
            for i in range(8)
        )
        + f"]><worksheet xmlns='{SHEET_NS}'><sheetData><row r='1'><c r='A1' t='inlineStr'>"
        "<is><t>&a7;</t></is></c></row></sheetData></worksheet>"
    )
    write("entity_bomb.xlsx", entity, t, ["bad_xlsx"], "XML entities that expand to 10^9")


def _sheet_cells(row: int, values: list[str]) -> str:
    """One sheet row of inline strings and numbers."""
    cells = []
    for j, value in enumerate(values):
        ref = _letters(j) + str(row)
        try:
            float(value)
            cells.append(f"<c r='{ref}'><v>{value}</v></c>")
        except ValueError:
            cells.append(f"<c r='{ref}' t='inlineStr'><is><t>{value}</t></is></c>")
    return f"<row r='{row}'>" + "".join(cells) + "</row>"


def _sheet_row(width: int) -> str:
    """A sheet whose header row has ``width`` columns and one data row as wide."""
    header = ["name", "population", *(f"c{j}" for j in range(width - 2))]
    data = ["A", "1", *("1" for _ in range(width - 2))]
    return (
        f"<worksheet xmlns='{SHEET_NS}'><sheetData>"
        + _sheet_cells(1, header)
        + _sheet_cells(2, data)
        + "</sheetData></worksheet>"
    )


def _letters(j: int) -> str:
    out, j = "", j + 1
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


def _xlsx(sheet_xml: str | bytes) -> bytes:
    """A minimal workbook whose one sheet is ``sheet_xml`` (text, or bytes as they are)."""
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": (
            "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'>"
            "<Default Extension='rels' ContentType='application/vnd.openxmlformats-package."
            "relationships+xml'/><Default Extension='xml' ContentType='application/xml'/>"
            "<Override PartName='/xl/workbook.xml' ContentType='application/vnd."
            "openxmlformats-officedocument.spreadsheetml.sheet.main+xml'/>"
            "<Override PartName='/xl/worksheets/sheet1.xml' ContentType='application/vnd."
            "openxmlformats-officedocument.spreadsheetml.worksheet+xml'/></Types>"
        ),
        "_rels/.rels": (
            "<Relationships xmlns='http://schemas.openxmlformats.org/package/2006/"
            f"relationships'><Relationship Id='rId1' Type='{rel}/officeDocument' "
            "Target='xl/workbook.xml'/></Relationships>"
        ),
        "xl/workbook.xml": (
            f"<workbook xmlns='{SHEET_NS}' xmlns:r='{rel}'><sheets>"
            "<sheet name='Districts' sheetId='1' r:id='rId1'/></sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            "<Relationships xmlns='http://schemas.openxmlformats.org/package/2006/"
            f"relationships'><Relationship Id='rId1' Type='{rel}/worksheet' "
            "Target='worksheets/sheet1.xml'/></Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return buf.getvalue()


def options_files() -> None:
    """Saved-options files (Compare options' upload)."""
    o = "options"
    district = {
        "district": "a",
        "population": 100,
        "need": 50,
        "new_units": 1,
        "spend": 10,
        "coverage_before": 0.2,
        "coverage_after": 0.5,
    }
    snap = {
        "name": "Plan A",
        "settings": {"budget": None, "weights": {}},
        "status": "optimal",
        "efficiency": 0.5,
        "equity": 0.4,
        "objective": 0.5,
        "budget": 10,
        "spend": 10,
        "people_newly_served": 20,
        "districts": [district],
        "allocation": [],
        "scenario": "",
    }

    def options_file(name: str, change: dict, codes: list[str] | None, why: str) -> None:
        one = json.loads(json.dumps(snap)) | change
        text = json.dumps({"format": "govdecide/snapshots-v1", "snapshots": [one, snap]})
        write(name, text, o, codes, why)

    write(
        "options_deep.json",
        "[" * 5_000 + "]" * 5_000,
        o,
        ["options_too_deep"],
        "RecursionError in json.loads",
    )
    options_file(
        "options_control_name.json",
        {"name": "Plan\u0001A"},
        ["bad_character"],
        "the name is a chart label",
    )
    options_file(
        "options_surrogate_name.json", {"name": "\ud800"}, ["bad_character"], "a lone surrogate"
    )
    options_file(
        "options_negative_population.json",
        {"districts": [district | {"population": -5}]},
        ["greater_than"],
        "ValueError in the equity indicators",
    )
    options_file(
        "options_duplicate_districts.json",
        {"districts": [district, district]},
        ["duplicate_id"],
        "ValueError: cannot reindex on duplicate labels",
    )
    options_file("options_figure_text.json", {"spend": "lots"}, ["not_number"], "fmt_num of a text")
    text = json.dumps({"format": "govdecide/snapshots-v1", "snapshots": [snap]})
    write(
        "options_nan.json",
        text.replace('"efficiency": 0.5', '"efficiency": NaN'),
        o,
        ["not_finite"],
        "JSON's NaN literal",
    )
    write(
        "options_huge_int.json",
        text.replace('"budget": 10', '"budget": 1' + "0" * 5000),
        o,
        ["options_not_json"],
        "ValueError: exceeds the limit (4300 digits)",
    )
    write(
        "options_good.json",
        json.dumps(
            {"format": "govdecide/snapshots-v1", "snapshots": [snap, snap | {"name": "Plan B"}]}
        ),
        o,
        None,
        "two options, compared",
    )


def link_files() -> None:
    """Slider values of a shared link (query parameters), as JSON objects."""
    q = "link"
    write(
        "link_hostile_values.json",
        json.dumps(
            {
                "budget": "1" * 5000,
                "equity": "nan",
                "staff": "-inf",
                "w.health_station": "\ud800",
                "w.elderly_care": "1e-320",
            }
        ),
        q,
        None,
        "unreadable values are ignored, the rest clamped",
    )
    write(
        "link_extremes.json",
        json.dumps({"budget": "1e308", "equity": "-1e308"}),
        q,
        None,
        "finite extremes are clamped into the slider's range",
    )


def main() -> None:
    """Write every file of the corpus and expected.yaml."""
    EXPECTED.clear()
    scenario_files()
    table_files()
    options_files()
    link_files()
    text = (
        "# Written by make_hostile.py: which entry reads each file and what it must give.\n"
        + yaml.safe_dump(EXPECTED, allow_unicode=True, sort_keys=True, width=100)
    )
    (HERE / "expected.yaml").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
