"""The analyses' subcommands: JSON shapes, tables, exit codes, bad options."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import pytest
import yaml

from govdecide import analyses as an
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
    assert {"efficiency", "equity", "objective", "method", "bound", "bound_of", "gap"} <= set(
        pts[0]
    )
    assert pts[0]["bound_of"] == "efficiency"  # the lambda = 0 solve bounds E
    assert {p["bound_of"] for p in pts} <= {"efficiency", "equity", "objective"}
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
        ["frontier", "FILE", "--points", "41"],
        ["budget-curve", "FILE", "--points", "26"],
        ["robustness", "FILE", "--runs", "501"],
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


RIVERTON = str(Path(__file__).resolve().parents[2] / "scenarios" / "riverton.yaml")


@pytest.mark.parametrize(
    ("argv", "limit"),
    [
        (["frontier", "FILE", "--points", "41"], "--points can be at most 40"),
        (["robustness", "FILE", "--runs", "501"], "--runs can be at most 500"),
    ],
)
def test_counts_are_capped_like_the_app(scenario_file, capsys, argv, limit):
    """The command line has the app's limits (one place: analyses.MAX_*), exit 1, no solve."""
    assert (an.MAX_FRONTIER_POINTS, an.MAX_ROBUSTNESS_RUNS) == (40, 500)
    assert main([scenario_file if a == "FILE" else a for a in argv]) == 1
    captured = capsys.readouterr()
    assert limit in captured.err and captured.out == ""


def test_marginal_value_at_a_budget_does_not_depend_on_points(capsys):
    """Riverton, current budget 40,000: with --points 2 the grid is 20,000, 40,000, 44,000,
    60,000; with --points 4 it adds 33,333 and 46,667. The marginal value at 40,000 is the
    engine's dual there, the same on both grids; only the step average (people per unit
    since the previous budget) changes, because the previous budget does (20,000 vs
    33,333)."""
    values, steps = [], []
    for points in ("2", "4"):
        code, data = run_json(capsys, "budget-curve", RIVERTON, "--points", points)
        assert code == 0
        at = next(p for p in data["points"] if p["budget"] == 40000)
        values.append(at["marginal_value"])
        steps.append(at["step_people"])
        assert at["marginal_basis"] in ("lp", "lp_relaxation", "lagrangian")
    assert values[0] is not None and values[0] == pytest.approx(values[1], rel=1e-9)
    assert steps[0] != pytest.approx(steps[1])


def test_budget_curve_failed_rows_in_chinese(tmp_path, capsys):
    """p2 needs at least 12 units: with --points 2 --high 3 the budgets are 5, 10, 11 and
    30; the first three cannot pay for the minimum (the engine says infeasible), 30 can.
    The zh table says so in Chinese (the engine's status text), never 'infeasible'."""
    data = copy.deepcopy(TWO)
    data["programs"][1]["min_units"] = 12
    path = tmp_path / "tight.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    argv = ["--lang", "zh", "budget-curve", str(path), "--points", "2", "--high", "3"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.count("不可行") == 3
    assert "infeasible" not in out.lower()


def _stopped(result):
    """The same result as if the solver had stopped at its time limit 1.2% from the best."""
    return dataclasses.replace(result, status="feasible", gap=0.012)


def test_unproven_points_are_flagged_in_the_text(scenario_file, capsys, monkeypatch):
    """A frontier point and a budget stopped at the time limit are marked in the table, counted
    under it, and the price of fairness and the 10%-more sentence say they are not proven."""
    real_frontier, real_curve = an.frontier, an.budget_curve

    def frontier(*args, **kwargs):
        fr = real_frontier(*args, **kwargs)
        last = fr.points[-1]
        last = dataclasses.replace(last, status="feasible", result=_stopped(last.result))
        return dataclasses.replace(fr, points=(*fr.points[:-1], last))

    def curve(*args, **kwargs):
        c = real_curve(*args, **kwargs)
        pts = [
            dataclasses.replace(p, status="feasible", result=_stopped(p.result))
            if p.budget == 11
            else p
            for p in c.points
        ]
        return dataclasses.replace(c, points=tuple(pts))

    monkeypatch.setattr(an, "frontier", frontier)
    monkeypatch.setattr(an, "budget_curve", curve)
    assert main(["frontier", scenario_file, "--points", "3"]) == 0
    out = capsys.readouterr().out
    assert "not proven best (time limit, gap 1.20%)" in out
    assert "stopped at the time limit" in out and "this cost is not proven" in out
    assert main(["--lang", "zh", "budget-curve", scenario_file, "--points", "3"]) == 0
    out = capsys.readouterr().out
    assert "未证明最优（时间限制，间隙 1.20%）" in out
    assert "4 个点中有 1 个在时间限制处停止" in out
    assert "这些数字未经证明为最优" in out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_analysis_of_a_plan_file_says_it_is_of_the_first_year(tmp_path, capsys, lang):
    """A file that says ``policy.years: 2`` is analysed for its first year, and said so."""
    from tests.model.test_years import ONE

    path = tmp_path / "plan.yaml"
    path.write_text(ONE.replace("RUN", "6"), encoding="utf-8")
    code = main(["--lang", lang, "budget-curve", str(path), "--points", "3", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 0
    assert ("plan over 2 years" if lang == "en" else "2 年的规划") in err
