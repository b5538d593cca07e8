"""What the command line prints cannot drive the terminal: user text is shown, not run.

A name, a table header or a file path can carry terminal control sequences (ESC ``[2J``
clears the screen, ESC ``]0;...`` sets the window title, U+009B is a one-byte CSI) or a
bidirectional override that shows the rest of the line reversed, figures included. Every
command prints them as U+FFFD (the rest of the text as written); JSON escapes them, so a
program still reads the names exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govdecide.cli import main

ROOT = Path(__file__).resolve().parents[2]
RIVERTON = str(ROOT / "scenarios" / "riverton.yaml")
NORTH = "North\x9b31m\u202e"
SOUTH = "South\u202e01\x9b2J"
CLINIC = "Clinic\x9b2J\x7f"

# What the door lets in (scenario files refuse C0 controls such as ESC, io/scenario_schema)
# but a terminal still acts on: the one-byte CSI U+009B, DEL and the right-to-left override.
# YAML double-quoted escapes: \x9b CSI, \x7f DEL, \u202e RIGHT-TO-LEFT OVERRIDE.
TOWN = """\
format: govdecide/v1
name: "Town\\x9b5m"
currency: "k$\\x9b0m"
districts:
  - {id: north, name: "North\\x9b31m\\u202e", population: 1000000}
  - {id: south, name: "South\\u202e01\\x9b2J", population: 500000}
programs:
  - {id: clinic, name: "Clinic\\x9b2J\\x7f", unit_cost: 10, capacity: 1000, integer: true,
     staff_per_unit: 2, need: {indicator: population}, max_units: 20}
policy: {budget: 300, staff: 100, equity_weight: 0.5}
"""


def unsafe(text: str) -> list[str]:
    """The characters of ``text`` a terminal could act on (line ends aside)."""
    return sorted(
        {
            hex(ord(c))
            for c in text
            if (ord(c) < 0x20 and c != "\n")
            or 0x7F <= ord(c) <= 0x9F
            or 0x202A <= ord(c) <= 0x202E
            or 0x2066 <= ord(c) <= 0x2069
        }
    )


@pytest.fixture
def town(tmp_path: Path) -> Path:
    path = tmp_path / "town.yaml"
    path.write_text(TOWN, encoding="utf-8")
    return path


def printed(capsys, argv: list[str]) -> str:
    """Run one command in process; all it printed, stdout and stderr."""
    main(argv)
    out = capsys.readouterr()
    return out.out + out.err


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "FILE"],
        ["solve", "FILE"],
        ["solve", "FILE", "--format", "csv"],
        ["--lang", "zh", "solve", "FILE"],
        ["frontier", "FILE", "--points", "2"],
        ["budget-curve", "FILE", "--points", "2"],
        ["min-budget", "FILE", "--coverage", "0.01"],
        ["robustness", "FILE", "--runs", "2"],
    ],
    ids=" ".join,
)
def test_no_command_prints_a_control_sequence(town, capsys, argv):
    """Each command that shows names prints none of the controls in them (before, the
    table had ESC [31m after 'North' and the CSV ESC [2J after 'Clinic')."""
    text = printed(capsys, [str(town) if a == "FILE" else a for a in argv])
    assert unsafe(text) == []
    assert "Town" in text or "Clinic" in text


def test_names_are_shown_with_replacement_characters(town, capsys):
    """'North CSI 31m' is printed 'North\\ufffd31m': the reader sees that something was
    there; the rest of the name is as written."""
    text = printed(capsys, ["solve", str(town)])
    assert "North\ufffd31m\ufffd" in text
    assert "South\ufffd01\ufffd2J" in text


def test_json_keeps_the_names_exactly_and_prints_them_escaped(town, capsys):
    """JSON is for a program: the names parse back exactly, and the raw output carries
    every control as a \\u escape, not as the character."""
    text = printed(capsys, ["solve", str(town), "--format", "json"])
    assert unsafe(text) == []
    data = json.loads(text)
    assert data["names"]["north"] == NORTH
    assert data["names"]["south"] == SOUTH
    assert data["names"]["clinic"] == CLINIC
    assert "\\u202e" in text and "\\u009b" in text


def test_a_file_name_with_a_control_sequence_is_shown_safely(tmp_path, capsys):
    """The path a user typed is echoed in messages (missing file, report written)."""
    missing = tmp_path / "no\x1b[2Jsuch.yaml"
    text = printed(capsys, ["validate", str(missing)])
    assert unsafe(text) == [] and "no\ufffd[2Jsuch.yaml" in text
    out = tmp_path / "r\x1b[1m.html"
    text = printed(capsys, ["report", RIVERTON, "--out", str(out)])
    assert out.exists()
    assert unsafe(text) == [] and "r\ufffd[1m.html" in text


def test_table_headers_of_an_import_are_shown_safely(town, tmp_path, capsys):
    """The column mapping printed by import-table shows the table's own headers."""
    table = tmp_path / "d.csv"
    table.write_text("name\x9b2J,population\nA,100\nB,200\n", encoding="utf-8")
    text = printed(
        capsys,
        [
            "import-table",
            str(table),
            "--programs-from",
            str(town),
            "--out",
            str(tmp_path / "n.yaml"),
        ],
    )
    assert unsafe(text) == []
    assert "name\ufffd2J" in text
