"""Numbers on the command line: one rule per kind of quantity (``exports.fmt_quantity``).

People are whole, money has cents only when there are any (never '1,200,000.00' from
solver noise, never one decimal in one table and two in another), units two decimals when
fractional, and no figure is printed with an exponent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govdecide.cli import main

ROOT = Path(__file__).resolve().parents[2]
RIVERTON = str(ROOT / "scenarios" / "riverton.yaml")
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def table_column(text: str, header: str) -> list[str]:
    """The cells of the first text table in ``text`` whose header line has ``header``,
    as printed (right-aligned columns end where their header ends)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if header in line and "--" in lines[i + 1])
    end = lines[start].index(header) + len(header)
    cells = []
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        cells.append(line[:end].split("  ")[-1].strip())
    return cells


def run(capsys, *argv: str) -> str:
    main(list(argv))
    return capsys.readouterr().out


def test_solve_table_numbers_by_kind(capsys):
    """Riverton: need is people (whole), spend is money (whole or two decimals), new units
    whole or two decimals; the marginal value is said without an exponent."""
    out = run(capsys, "solve", RIVERTON)
    need = table_column(out, "Need")
    spend = table_column(out, "Spend")
    units = table_column(out, "New units")
    assert need and all(re.fullmatch(r"[\d,]+", c) for c in need)
    assert spend and all(re.fullmatch(r"[\d,]+(\.\d\d)?", c) for c in spend)
    assert any("." in c for c in spend)  # Riverton's school places cost a fraction
    assert units and all(re.fullmatch(r"[\d,]+(\.\d\d?)?", c) for c in units)  # fmt_units
    assert not re.search(r"\de[-+]\d", out)


@pytest.mark.parametrize(
    "argv",
    [
        ["frontier", RIVERTON, "--points", "3"],
        ["budget-curve", RIVERTON, "--points", "3"],
        ["robustness", RIVERTON, "--runs", "2"],
        ["min-budget", RIVERTON, "--coverage", "0.5"],
    ],
    ids=lambda a: a[0],
)
def test_analyses_print_shares_with_one_decimal_and_no_exponent(capsys, argv):
    """Every percentage of a result (in the tables and the lines about E and z) has one
    decimal, as in ``solve``; the analyses printed two. (Round shares the catalogue or an
    analysis sentence states, '1% of the current budget', are not results.)"""
    out = run(capsys, *argv)
    assert not re.search(r"\de[-+]\d", out)
    shares = re.findall(r"(\d+(?:\.\d+)?)%", out)
    shares = [s for s in shares if "." in s or not re.search(rf"\b{s}% (of|more|budget)", out)]
    assert shares and all(re.fullmatch(r"\d+\.\d", s) for s in shares), shares
