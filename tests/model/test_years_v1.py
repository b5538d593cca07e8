"""A plan of one year is the v1 model: on every bundled scenario and on the golden check.

MODEL.md v1.1: "With T = 1 (the default) nothing below changes the v1 model: a scenario
without the keys of v1.1 must give exactly the v1 optimum." Checked three ways: the
golden check's stored ``solve`` outputs (written before the plan existed) against the
``plan`` command on the same options; the plan's matrix against the single-year model's
for every bundled scenario; and a scenario's v1.1 keys (running costs, growth, a
discount rate) changing nothing while ``years`` is 1.
"""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest

from govdecide.cli import main
from govdecide.io.scenario import load_scenario, scenario_from_data, scenario_to_data
from govdecide.model.engine import solve
from govdecide.model.formulation import AllocationModel
from govdecide.model.years import plan_data, solve_plan
from govdecide.model.years.formulation import PlanModel
from tests.conftest import SCENARIOS
from tests.golden.cases import CLI_CASES, EXPECTED

SOLVE_CASES = sorted(name for name, argv in CLI_CASES.items() if argv[0] == "solve")


def _plan_json(argv: list[str]) -> tuple[int, dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["plan", *argv[1:], "--format", "json"])
    return code, json.loads(out.getvalue())


@pytest.mark.parametrize("name", SOLVE_CASES)
def test_plan_of_one_year_gives_the_golden_solve(name):
    """Status, objective, bound, gap and every pair's new units as stored by the golden
    check for ``solve``, from ``plan`` with the same options (years 1 by default)."""
    expected = json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))
    code, plan = _plan_json(CLI_CASES[name])
    assert code == expected["exit"]
    single = expected["output"]
    assert plan["years_count"] == 1
    assert plan["status"] == single["status"]
    for key in ("objective", "bound", "gap"):
        if single[key] is None:
            assert plan[key] is None, key
        else:
            assert plan[key] == pytest.approx(single[key], rel=1e-9), key
    if single["diagnosis"] is not None:
        assert plan["diagnosis"]["options"] == single["diagnosis"]["options"]
    got = {(r["district"], r["program"]): r["new_units"] for r in plan["allocation"]}
    want = {(r["district"], r["program"]): r["new_units"] for r in single["allocation"]}
    assert got == pytest.approx(want, rel=1e-9)
    assert {r["year"] for r in plan["allocation"]} <= {1}


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_one_year_plan_matrix_is_the_single_year_model(path):
    """Every bundled scenario: the plan's data for year 1 is the single-year data and its
    matrix is the single-year model's, entry for entry."""
    data = plan_data(load_scenario(path))
    assert data.years == 1
    plan = PlanModel(data)
    single = AllocationModel(data.first, lazy=True)
    a, b = plan.matrix_form(), single.matrix_form()
    for field in ("lower", "upper", "integer", "cost", "starts", "index", "value"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    assert plan.scale == single.scale


def test_v11_keys_change_nothing_in_one_year():
    """Riverton with running costs, growth and a discount rate but years 1: the v1 optimum."""
    data = scenario_to_data(load_scenario(SCENARIOS / "riverton.yaml"))
    for p in data["programs"]:
        p["running_cost"] = 0.1 * p["unit_cost"]
    for d in data["districts"]:
        d["growth"] = 0.05
    data["policy"] |= {"discount_rate": 0.05, "years": 1, "budget": [40000]}
    with_keys = scenario_from_data(data)
    plain = load_scenario(SCENARIOS / "riverton.yaml")
    v1 = solve(plain)
    plan = solve_plan(with_keys)
    assert plan.objective == v1.objective and plan.status == v1.status
    np.testing.assert_array_equal(
        plan.allocation["new_units"].to_numpy(), v1.allocation["new_units"].to_numpy()
    )
    # the single-year model of a v1.1 file is its first year (budget given as a list)
    assert solve(with_keys).objective == v1.objective
