"""The command line end to end: validate, solve in each format, overrides, exit codes.

Exit codes (govdecide.cli.common): 0 a result, 1 bad input (file, option), 2 infeasible.
Most tests call ``main()`` in process (fast); a few run ``python -m govdecide`` in a
subprocess to check what a user really gets, including that no traceback escapes.

The town used here, on paper (lambda 0): clinics serve 1000 people for 10 (100 people per
budget unit, at most 20 per district), grants 500 for 10 (50 per budget unit); each
program's need is the population (north 1,000,000, south 500,000), so W = 3,000,000.
Budget 300 buys 30 clinics (60 staff of 100): 30,000 people, E = 0.01. How the 30 split
between the districts is not unique (each takes at most 20), so only totals are checked.
"""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from govdecide.cli import build_parser, main
from govdecide.cli.common import settings_from_args
from govdecide.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]

TOWN = """\
format: govdecide/v1
name: {en: CLI town, zh: 命令行镇}
currency: {en: "k$", zh: 千元}
districts:
  - {id: north, name: {en: North, zh: 北区}, population: 1000000}
  - {id: south, name: {en: "=South", zh: 南区}, population: 500000}
programs:
  - {id: clinic, name: {en: Clinic, zh: 诊所}, unit_cost: 10, capacity: 1000, integer: true,
     staff_per_unit: 2, need: {indicator: population}, max_units: 20}
  - {id: grant, name: {en: Grant, zh: 补助}, unit_cost: 10, capacity: 500,
     need: {indicator: population}}
policy: {budget: 300, staff: 100, equity_weight: 0}
"""

INFEASIBLE = TOWN.replace("max_units: 20}", "max_units: 20, min_units: 10}")

REQUIRED_KEYS = {
    "status",
    "objective",
    "efficiency",
    "equity",
    "spend",
    "staff_used",
    "people_newly_served",
    "budget_marginal_value",
    "allocation",
    "binding",
    "diagnosis",
    "bound",
    "gap",
    "method",
}


@pytest.fixture
def town(tmp_path: Path) -> Path:
    """The town as a file."""
    path = tmp_path / "town.yaml"
    path.write_text(TOWN, encoding="utf-8")
    return path


def run_json(capsys, *args: str) -> tuple[int, dict]:
    """Run `solve ... --format json` in process; the exit code and the parsed output."""
    code = main(["solve", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def units(data: dict, program: str) -> float:
    """Total new units of a program in a JSON result."""
    return sum(r["new_units"] for r in data["allocation"] if r["program"] == program)


def test_validate_good_file_exits_0(town, capsys):
    """A good file: exit 0 and a one-line summary with the name and sizes."""
    assert main(["validate", str(town)]) == 0
    out = capsys.readouterr().out
    assert out == f"{town}: valid (CLI town: 2 districts, 2 programs)\n"


def test_validate_reports_every_bad_file(town, tmp_path, capsys):
    """Two bad files and a good one: exit 1, both files' problems, the count."""
    bad1 = tmp_path / "bad1.yaml"
    bad1.write_text(TOWN.replace("population: 500000", "population: -1"), encoding="utf-8")
    bad2 = tmp_path / "bad2.yaml"
    bad2.write_text(TOWN.replace("budget: 300", "budget: 300, budjet: 3"), encoding="utf-8")
    assert main(["validate", str(bad1), str(town), str(bad2)]) == 1
    captured = capsys.readouterr()
    assert (
        "bad1.yaml: districts[1].population: must be greater than 0, got -1 (line 6)"
        in captured.err
    )
    assert "bad2.yaml: policy.budjet: is not a known key" in captured.err
    assert "2 of 3 file(s) have problems" in captured.err
    assert "town.yaml: valid" in captured.out


def test_solve_json_has_the_required_keys_and_paper_figures(town, capsys):
    """JSON: every key issue 2 asks for, and the paper optimum (30 clinics, E = 0.01)."""
    code, data = run_json(capsys, str(town))
    assert code == 0
    assert REQUIRED_KEYS <= set(data)
    assert data["status"] == "optimal"
    assert data["method"] == "milp"
    assert data["diagnosis"] is None
    assert units(data, "clinic") == 30 and units(data, "grant") == pytest.approx(0)
    assert data["efficiency"] == pytest.approx(0.01)
    assert data["spend"] == pytest.approx(300)
    assert data["staff_used"] == pytest.approx(60)
    assert data["people_newly_served"] == pytest.approx(30_000)
    assert {"family": "budget", "district": None, "program": None, "value": 300.0} in data[
        "binding"
    ]
    assert data["names"]["south"] == "=South"
    assert len(data["allocation"]) == 4
    row = data["allocation"][0]
    assert {
        "district",
        "program",
        "new_units",
        "served",
        "need",
        "coverage_before",
        "coverage_after",
        "spend",
    } <= set(row)


def test_overrides_budget_weight_staff_equity(town, capsys):
    """Paper: --budget 100 buys 10 clinics (E = 10,000 / 3,000,000).
    --weight clinic=0: only grants count, W = 1,500,000; 300 buys 30 grant units serving
    15,000, E = 0.01, no clinic. --staff 20 limits clinics to 10 (2 staff each), the other
    200 buy 20 grant units: served 10,000 + 10,000, E = 20,000 / 3,000,000.
    --staff none lifts the limit again. --equity-weight 1 is reported back.
    """
    code, data = run_json(capsys, str(town), "--budget", "100")
    assert code == 0 and units(data, "clinic") == 10
    assert data["efficiency"] == pytest.approx(10_000 / 3_000_000)

    code, data = run_json(capsys, str(town), "--weight", "clinic=0")
    assert code == 0 and units(data, "clinic") == 0
    assert units(data, "grant") == pytest.approx(30)
    assert data["efficiency"] == pytest.approx(0.01)

    code, data = run_json(capsys, str(town), "--staff", "20")
    assert code == 0 and units(data, "clinic") == 10
    assert units(data, "grant") == pytest.approx(20)
    assert data["efficiency"] == pytest.approx(20_000 / 3_000_000)

    code, data = run_json(capsys, str(town), "--staff", "none")
    assert code == 0 and data["staff"] is None and units(data, "clinic") == 30

    code, data = run_json(
        capsys,
        str(town),
        "--equity-weight",
        "1",
        "--solver",
        "cbc",
        "--method",
        "milp",
        "--gap",
        "0.001",
        "--time-limit",
        "10",
    )
    assert code == 0 and data["equity_weight"] == 1 and data["solver"] == "cbc"


def test_table_is_readable(town, capsys):
    """Table: names not ids, status in words, headline figures, binding limits in words,
    the marginal value with its basis (LP relaxation, as clinics are whole units)."""
    assert main(["solve", str(town)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("CLI town\n")
    assert "Status: Optimal: the best possible allocation under these settings" in out
    assert "Efficiency E (weighted share of need served): 0.0% before, 1.0% after" in out
    assert "Budget used: 300 of 300 k$" in out
    assert "Staff used: 60 of 100" in out
    assert "People newly served: 30,000" in out
    assert "LP relaxation" in out
    assert "North" in out and "Clinic" in out and "clinic" not in out
    assert "  - the budget (300)" in out
    assert main(["--lang", "zh", "solve", str(town)]) == 0
    zh = capsys.readouterr().out
    assert zh.startswith("命令行镇\n") and "北区" in zh and "诊所" in zh
    assert "状态：最优" in zh and "  - 预算（300）" in zh


def test_csv_rows_names_and_neutralised_cells(town, capsys):
    """CSV: one row per district and program, ids and names, no formula cells."""
    assert main(["solve", str(town), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 4
    assert {r["district"] for r in rows} == {"north", "south"}
    south = [r for r in rows if r["district"] == "south"]
    assert all(r["district_name"] == "'=South" for r in south)
    assert sum(float(r["new_units"]) for r in rows if r["program"] == "clinic") == 30


def test_infeasible_exit_2_in_every_format(tmp_path, capsys):
    """With a minimum of 10 clinics in each district the minimums cost 200 (40 staff): at
    budget 150 that is infeasible. Smallest ways out: raise the budget from 150 to 200
    (size 50/150 = 0.33) or cut 5 clinics from the minimums (size 0.5): budget first.
    At the scenario's own budget (300) it is feasible again."""
    path = tmp_path / "inf.yaml"
    path.write_text(INFEASIBLE, encoding="utf-8")
    assert main(["solve", str(path), "--budget", "150"]) == 2
    out = capsys.readouterr().out
    assert "Infeasible" in out and "Raise the budget from 150 to 200" in out
    code, data = run_json(capsys, str(path), "--budget", "150")
    assert code == 2 and data["status"] == "infeasible" and data["allocation"] == []
    assert data["diagnosis"]["options"][0] == [
        {"family": "budget", "district": None, "program": None, "current": 150.0, "needed": 200.0}
    ]
    assert main(["solve", str(path), "--budget", "150", "--format", "csv"]) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith("district,district_name,program")
    assert len(captured.out.strip().splitlines()) == 1
    assert "Raise the budget from 150 to 200" in captured.err
    assert main(["solve", str(path)]) == 0  # budget 300 pays the 20 minimum clinics
    capsys.readouterr()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--budget", "lots"], "--budget: must be a number, got 'lots'"),
        (["--budget", "-5"], "--budget: must be 0 or more, got -5.0"),
        (["--equity-weight", "1.5"], "--equity-weight: must be between 0 and 1, got 1.5"),
        (["--weight", "school=2"], "there is no program 'school' in this scenario"),
        (["--weight", "clinic"], "--weight: must be written PROGRAM=WEIGHT"),
        (["--time-limit", "0"], "--time-limit: must be greater than 0, got 0.0"),
        (["--gap", "nan"], "--gap: must be a finite number, got nan"),
        (["--solver", "gurobi"], "invalid choice: 'gurobi'"),
        (["--format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_bad_options_exit_1_with_a_message(town, capsys, args, message):
    """Every bad option value: exit 1 (not argparse's 2, which means infeasible here)."""
    assert main(["solve", str(town), *args]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_missing_file_and_no_command(capsys, tmp_path):
    """A file that does not exist, or no command at all: exit 1 with a message."""
    assert main(["solve", str(tmp_path / "nope.yaml")]) == 1
    assert "nope.yaml: cannot be read: No such file or directory" in capsys.readouterr().err
    assert main([]) == 1
    assert "required" in capsys.readouterr().err


def test_settings_from_args():
    """The shared options as Settings: None where not given, inf for --staff none."""
    parser = build_parser()
    args = parser.parse_args(
        [
            "solve",
            "x.yaml",
            "--budget",
            "5",
            "--staff",
            "none",
            "--weight",
            "a=2",
            "--weight",
            "b=0.5",
            "--method",
            "structured",
        ]
    )
    s = settings_from_args(args)
    assert (s.budget, s.staff, s.equity_weight, s.solver) == (5.0, float("inf"), None, None)
    assert dict(s.weights) == {"a": 2.0, "b": 0.5} and s.method == "structured"
    args = parser.parse_args(["solve", "x.yaml", "--budget", "x", "--gap", "y"])
    with pytest.raises(ScenarioError) as info:
        settings_from_args(args)
    assert len(info.value.problems) == 2


def test_subprocess_end_to_end(town, tmp_path):
    """The real command: exit codes 0/1/2, JSON parses, no traceback for bad input."""

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "govdecide", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )

    ok = run("solve", str(town), "--format", "json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["status"] == "optimal"
    assert ok.stderr == ""
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: govdecide/v1\nname: [unclosed\n", encoding="utf-8")
    bad = run("solve", str(broken))
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "broken.yaml: is not valid YAML" in bad.stderr
    inf = tmp_path / "inf.yaml"
    inf.write_text(INFEASIBLE, encoding="utf-8")
    infeasible = run("solve", str(inf), "--budget", "150")
    assert infeasible.returncode == 2 and "Raise the budget" in infeasible.stdout
    helped = run("--help")
    assert helped.returncode == 0 and "validate" in helped.stdout and "solve" in helped.stdout


def test_marginal_value_in_words(town, capsys):
    """Paper: in the LP relaxation one more k$ buys 0.1 clinic = 100 people, so the dual is
    100 / 3,000,000 = 3.33e-05 per k$; 1% more budget is 3 k$, worth 1e-4 of the
    objective = 0.01 percentage points. The dual itself (an exponent) is not printed, and
    3 k$ is money like any other amount (not '3.00')."""
    assert main(["solve", str(town)]) == 0
    out = capsys.readouterr().out
    assert (
        "Marginal value of the budget: 1% more budget (3 k$) adds about 0.01 percentage "
        "points to the objective" in out
    )
    assert "e-05" not in out


def test_large_tables_are_cut_for_people(tmp_path, capsys):
    """150 districts, one continuous grant each with need but budget for only the first
    few: the district table shows the 100 worst covered and says so; --all-rows shows
    all 150; CSV always has every row."""
    districts = "\n".join(
        f"  - {{id: d{i:03d}, name: D{i:03d}, population: {1000 + i}}}" for i in range(150)
    )
    path = tmp_path / "wide.yaml"
    path.write_text(
        "format: govdecide/v1\nname: Wide\ndistricts:\n" + districts + "\nprograms:\n"
        "  - {id: grant, name: Grant, unit_cost: 1, capacity: 10,"
        " need: {indicator: population}}\npolicy: {budget: 50}\n",
        encoding="utf-8",
    )
    assert main(["solve", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Districts: the 100 with the lowest weighted coverage after, of 150" in out
    assert main(["solve", str(path), "--all-rows"]) == 0
    out = capsys.readouterr().out
    assert "lowest weighted coverage" not in out
    assert all(f"D{i:03d}" in out for i in range(150))
    assert main(["solve", str(path), "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 151


def test_settings_are_named_by_their_flags(town, capsys):
    """A range problem the library finds in a setting names the flag the user typed, in
    both languages: '--budget: ...', not the library's 'budget: ...'; a weight names
    '--weight clinic'. (The library keeps its own names for the app.)"""
    assert main(["solve", str(town), "--budget", "-5", "--weight", "clinic=-1"]) == 1
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert any(line.startswith("--budget: must be 0 or more") for line in lines)
    assert any(line.startswith("--weight clinic: ") for line in lines)
    assert not any(line.startswith("budget:") for line in lines)
    assert main(["--lang", "zh", "solve", str(town), "--budget", "-5"]) == 1
    zh = capsys.readouterr().err
    assert zh.startswith("--budget: ") and "必须" in zh


def test_shared_text_table_and_json_cleaning():
    """One table and one JSON cleaner serve every subcommand. Widths by hand: '区' takes
    two columns, so the header 'ab' (2) and the cell '区' (2) line up; numbers right-align.
    NaN and infinity become null, numpy numbers plain numbers."""
    import numpy as np

    from govdecide.cli.common import clean_json, text_table

    lines = text_table(["ab", "n"], [["区", "7"], ["c", "10"]])
    assert lines == ["ab   n", "--  --", "区   7", "c   10"]
    assert text_table(["x", "y"], [["1", "2"]], right=set()) == ["x  y", "-  -", "1  2"]
    data = clean_json({"a": float("nan"), "b": [np.float64(1.5), np.int64(2)], 3: math.inf})
    assert data == {"a": None, "b": [1.5, 2], "3": None}
    assert type(data["b"][1]) is int
