"""The command line of issue 5: ``report`` and ``import-table``, run through ``cli.main``."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from govdecide.cli import main
from govdecide.io.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
RIVERTON = str(ROOT / "scenarios" / "riverton.yaml")
BAD = ROOT / "tests" / "io" / "bad_tables"


def test_report_writes_html_and_xlsx(tmp_path, capsys):
    """Budget 20000 given on the command line: the report says it was changed for this run,
    is in Chinese with --lang after the subcommand, and the workbook has four sheets."""
    out, xlsx = tmp_path / "r.html", tmp_path / "r.xlsx"
    code = main(
        [
            "report",
            RIVERTON,
            "--budget",
            "20000",
            "--lang",
            "zh",
            "--out",
            str(out),
            "--xlsx",
            str(xlsx),
        ]
    )
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert '<html lang="zh">' in page and "20,000" in page and "本次运行中修改" in page
    assert "http" not in page
    assert len(openpyxl.load_workbook(xlsx).sheetnames) == 4
    assert "r.html" in capsys.readouterr().out


def test_report_of_infeasible_scenario_exits_2_and_still_writes(tmp_path):
    """Staff 0 with Riverton's promised 20 school-place units in Eastfield (7 staff each)
    cannot be met: exit code 2, and the report explains."""
    out = tmp_path / "r.html"
    code = main(["report", RIVERTON, "--staff", "0", "--out", str(out)])
    assert code == 2
    assert "what would make one possible" in out.read_text(encoding="utf-8")


def test_report_bad_option_is_exit_1(tmp_path, capsys):
    code = main(["report", RIVERTON, "--budget", "lots", "--out", str(tmp_path / "r.html")])
    assert code == 1
    assert "--budget" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_import_table_guesses_and_writes_a_valid_scenario(tmp_path, capsys):
    out = tmp_path / "new.yaml"
    code = main(
        [
            "import-table",
            str(BAD / "gbk_chinese_headers.csv"),
            "--programs-from",
            RIVERTON,
            "--out",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "常住人口（万人） -> population" in printed and "GBK/GB18030" in printed
    scenario = load_scenario(out)
    assert [d.population for d in scenario.districts] == [709000, 1106000]
    assert len(scenario.programs) == len(load_scenario(RIVERTON).programs)


def test_import_table_map_override(tmp_path):
    """'Residents' is not a header word for population; --map says what it is."""
    table = tmp_path / "t.csv"
    table.write_text(
        "Borough,Residents,old,kids,calls\nNorth,1000,0.2,0.1,50\nSouth,2000,0.1,0.2,80\n",
        encoding="utf-8",
    )
    out = tmp_path / "new.yaml"
    args = [
        "import-table",
        str(table),
        "--programs-from",
        RIVERTON,
        "--out",
        str(out),
        "--map",
        "Residents=population",
        "--map",
        "old=indicator:elderly_share",
        "--map",
        "kids=indicator:children_share",
        "--map",
        "calls=indicator:hotline_calls_per_10k",
        "--name",
        "My borough",
    ]
    assert main(args) == 0
    scenario = load_scenario(out)
    assert scenario.name == "My borough"
    assert scenario.districts[1].indicators["children_share"] == 0.2


def test_import_table_bad_rows_exit_1_nothing_written(tmp_path, capsys):
    out = tmp_path / "new.yaml"
    code = main(
        ["import-table", str(BAD / "bad_rows.csv"), "--programs-from", RIVERTON, "--out", str(out)]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "row 3, column population: the cell is empty" in err
    assert "row 7" in err
    assert not out.exists()


def test_import_table_missing_file(tmp_path, capsys):
    code = main(
        [
            "import-table",
            str(tmp_path / "nope.csv"),
            "--programs-from",
            RIVERTON,
            "--out",
            str(tmp_path / "x.yaml"),
        ]
    )
    assert code == 1
    assert "nope.csv" in capsys.readouterr().err


def test_report_to_a_missing_folder_says_it_cannot_be_written(tmp_path, capsys):
    """The report cannot be saved in a folder that does not exist: exit 1 and a message
    that says 'cannot be written' (it once said 'cannot be read'), in both languages."""
    out = tmp_path / "nonexistent" / "r.html"
    assert main(["report", RIVERTON, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "r.html: cannot be written" in err
    assert "cannot be read" not in err
    assert "Traceback" not in err
    assert main(["report", RIVERTON, "--lang", "zh", "--out", str(out)]) == 1
    assert "无法写入" in capsys.readouterr().err


def test_import_table_unknown_mapped_column_is_a_message(tmp_path, capsys):
    """``--map foo=population`` on a table without 'foo' (the reviewer's command): exit 1,
    the message names 'foo' and the table's columns; no KeyError traceback."""
    out = tmp_path / "x.yaml"
    code = main(
        [
            "import-table",
            str(BAD / "utf8_bom_chinese_headers.csv"),
            "--programs-from",
            RIVERTON,
            "--map",
            "foo=population",
            "--out",
            str(out),
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "there is no column 'foo' in the table" in err
    assert "Traceback" not in err and "KeyError" not in err
    assert not out.exists()


def test_import_table_refuses_an_output_that_is_not_yaml(tmp_path, capsys):
    """``--out x.csv`` would put YAML in a file a spreadsheet opens: exit 1, nothing
    written; ``.yml`` is accepted like ``.yaml``."""
    table = str(BAD / "utf8_bom_chinese_headers.csv")
    out = tmp_path / "x.csv"
    code = main(["import-table", table, "--programs-from", RIVERTON, "--out", str(out)])
    assert code == 1
    assert "--out: must end in .yaml or .yml" in capsys.readouterr().err
    assert not out.exists()
    yml = tmp_path / "x.yml"
    assert main(["import-table", table, "--programs-from", RIVERTON, "--out", str(yml)]) == 0
    assert load_scenario(yml).districts


def _percent_table(tmp_path: Path) -> Path:
    """Elderly shares written as percentages under a header that does not say so."""
    table = tmp_path / "pct.csv"
    table.write_text(
        "Borough,Population,old,kids,calls\nNorth,1000,23.1,0.1,50\nSouth,2000,15.5,0.2,80\n",
        encoding="utf-8",
    )
    return table


def _import_args(table: Path, out: Path, *extra: str) -> list[str]:
    maps = ["old=indicator:elderly_share", "kids=indicator:children_share"]
    maps += ["calls=indicator:hotline_calls_per_10k"]
    args = ["import-table", str(table), "--programs-from", RIVERTON, "--out", str(out)]
    return args + [a for m in maps for a in ("--map", m)] + list(extra)


def test_import_table_refuses_percentages_as_shares_and_says_how_to_fix(tmp_path, capsys):
    """A share of 23.1 would be 23 times the population: refused, with the fix in words."""
    out = tmp_path / "new.yaml"
    assert main(_import_args(_percent_table(tmp_path), out)) == 1
    said = capsys.readouterr()
    assert "look like percentages" in said.err + said.out and not out.exists()


def test_import_table_unit_percent_divides_by_100(tmp_path):
    """``--unit old=percent`` reads 23.1 as 0.231 (issue 11: percent-as-share)."""
    out = tmp_path / "new.yaml"
    assert main(_import_args(_percent_table(tmp_path), out, "--unit", "old=percent")) == 0
    shares = [d.indicators["elderly_share"] for d in load_scenario(out).districts]
    assert shares == [0.231, 0.155]


def test_import_table_bad_unit_options_are_said_at_once(tmp_path, capsys):
    out = tmp_path / "new.yaml"
    args = _import_args(_percent_table(tmp_path), out, "--unit", "old", "--unit", "kids=")
    assert main(args) == 1
    said = capsys.readouterr()
    text = said.err + said.out
    assert "--unit needs COLUMN=UNIT, got 'old'" in text and "got 'kids='" in text
    assert main(_import_args(_percent_table(tmp_path), out, "--unit", "old=promille")) == 1
    assert "'promille' is not a unit" in capsys.readouterr().err
