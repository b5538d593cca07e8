"""The analyses' subcommands: JSON shapes, tables, exit codes, bad options."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from govdecide.cli import main

# The two-district scenario of test_analyses.py (p1 capped at 5 units, budget 10):
# coverage a = 0.1 x1, b = 0.05 x2; E = (10 x1 + 5 x2) / 200; z = min(0.1 x1, 0.05 x2).
TWO = {
    "format": "govdecide/v1",
    "name": {"en": "Two districts", "zh": "两个区"},
    "indicators": [{"id": "i1"}, {"id": "i2"}],
    "districts": [
        {"id": "a", "name": {"en": "Alder", "zh": "桤木区"}, "population": 100,
         "indicators": {"i1": 1, "i2": 0}},
        {"id": "b", "name": {"en": "Birch", "zh": "桦树区"}, "population": 100,
         "indicators": {"i1": 0, "i2": 1}},
    ],
    "programs": [
        {"id": "p1", "name": "P1", "unit_cost": 1, "capacity": 10, "integer": True,
         "max_units": 5, "need": {"indicator": "i1", "per_capita": True}},
        {"id": "p2", "name": "P2", "unit_cost": 1, "capacity": 5, "integer": True,
         "need": {"indicator": "i2", "per_capita": True}},
    ],
    "policy": {"budget": 10, "equity_weight": 0.5},
}  # fmt: skip


@pytest.fixture
def scenario_file(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump(TWO, allow_unicode=True), encoding="utf-8")
    return str(path)


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_frontier_json(scenario_file, capsys):
    """With p1 capped at 5: z_max = 0.5 needs x1 = 5, x2 >= 10 (budget 15 > 10), so at
    budget 10: max z = min(0.1 x1, 0.05 (10 - x1)) -> x1 = 3: min(0.3, 0.35) = 0.3.
    Left end (lambda = 0): x1 = 5, x2 = 5: E = 75/200 = 0.375, z = 0.25.
    Right end: z >= 0.3 -> x1 >= 3, x2 >= 6 -> x1 = 4: E = 70/200 = 0.35.
    """
    code, data = run_json(capsys, "frontier", scenario_file, "--points", "3")
    assert code == 0
    pts = data["points"]
    assert {"efficiency", "equity", "objective", "method", "bound", "gap"} <= set(pts[0])
    assert pts[0]["efficiency"] == pytest.approx(0.375)
    assert pts[0]["equity"] == pytest.approx(0.25)
    assert pts[-1]["efficiency"] == pytest.approx(0.35)
    assert pts[-1]["equity"] == pytest.approx(0.3)
    assert pts[-1]["objective"] == pytest.approx(0.5 * 0.35 + 0.5 * 0.3)
    assert data["models_built"] == 2  # the reused model and the fair-left-end one
    assert data["price_of_fairness"]["sentence"].startswith(
        "Raising the worst-served district from 25.0% to 30.0%"
    )


def test_frontier_table_in_chinese(scenario_file, capsys):
    """The table speaks the user's language, names included."""
    assert main(["--lang", "zh", "frontier", scenario_file, "--points", "3"]) == 0
    out = capsys.readouterr().out
    assert "两个区" in out and "效率—公平前沿" in out and "代价" in out


def test_budget_curve_json(scenario_file, capsys):
    """Grid 0.5 to 1.5 times budget 10 with 3 points: 5, 10, 11 (+10%), 15."""
    code, data = run_json(capsys, "budget-curve", scenario_file, "--points", "3")
    assert code == 0
    assert [p["budget"] for p in data["points"]] == [5, 10, 11, 15]
    assert data["base_budget"] == 10
    assert data["more_budget_sentence"]


def test_min_budget_json_and_percent(scenario_file, capsys):
    """Coverage 32%: x1 >= 4, x2 >= 7 -> 11 (as in test_analyses)."""
    code, data = run_json(capsys, "min-budget", scenario_file, "--coverage", "32%")
    assert code == 0
    assert data["budget"] == 11
    assert data["coverage"] == pytest.approx(0.32)
    assert data["equity"] >= 0.32 - 1e-9


def test_min_budget_unreachable_exit_2(scenario_file, capsys):
    """p1 capped at 5 units keeps Alder at 50% at most: 0.6 is out of reach -> exit 2."""
    code = main(["min-budget", scenario_file, "--coverage", "0.6"])
    out = capsys.readouterr().out
    assert code == 2
    assert "50.0%" in out


def test_robustness_json_reproducible(scenario_file, capsys):
    """The same seed prints the same tables (timings left aside)."""
    argv = ["robustness", scenario_file, "--spread", "0.2", "--runs", "4", "--seed", "3"]
    code1, first = run_json(capsys, *argv)
    code2, second = run_json(capsys, *argv)
    assert code1 == code2 == 0
    for data in (first, second):
        data.pop("seconds")
    assert first == second
    assert first["runs"] == 4 and len(first["districts"]) == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["frontier", "FILE", "--points", "1"],
        ["budget-curve", "FILE", "--low", "2", "--high", "1"],
        ["min-budget", "FILE", "--coverage", "1.5"],
        ["min-budget", "FILE", "--coverage", "lots"],
        ["robustness", "FILE", "--spread", "1"],
        ["robustness", "FILE", "--runs", "0"],
        ["frontier", "FILE", "--budget", "-5"],
    ],
)
def test_bad_options_exit_1_with_a_message(scenario_file, capsys, argv):
    """Bad options give exit code 1 and a message on stderr, never a traceback."""
    argv = [scenario_file if a == "FILE" else a for a in argv]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err


def test_infeasible_scenario_exit_2(tmp_path, capsys):
    """p2 needs at least 20 units (cost 20) with a budget of 10: nothing to show, exit 2."""
    data = copy.deepcopy(TWO)
    data["programs"][1]["min_units"] = 20
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["frontier", str(path), "--points", "3"]) == 2
    assert "Infeasible" in capsys.readouterr().out
