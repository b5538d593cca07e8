"""Infeasibility diagnosis (issue 2 item 4): the smallest relaxations, in sentences.

Each case states its paper computation. The diagnosis is checked on both solvers, each
option is checked to suffice (the relaxed model has an allocation) and to be smallest
(one step less is still infeasible), and the command line exits with code 2.
"""

from __future__ import annotations

import json

import pytest

from govdecide.cli import main
from govdecide.io.scenario import display_names, parse_scenario
from govdecide.model.diagnosis import (
    _round_down,
    _round_up,
    diagnose,
    diagnosis_text,
    relaxed_data,
    suffices,
)
from govdecide.model.engine import solve
from govdecide.model.problem import problem_data
from govdecide.model.result import Relaxation
from govdecide.model.settings import Settings
from govdecide.model.solvers import available_solvers

SOLVERS = [
    pytest.param(
        s, marks=pytest.mark.skipif(s not in available_solvers(), reason=f"{s} not installed")
    )
    for s in ("highs", "cbc")
]

TOWN = """\
format: govdecide/v1
name: Infeasible town
districts:
  - {id: north, name: {en: North, zh: 北区}, population: 1200000}
  - {id: south, name: {en: South, zh: 南区}, population: 800000}
programs:
  - id: clinic
    name: {en: clinics, zh: 诊所}
    unit_cost: 120
    capacity: 10000
    integer: true
    need: {indicator: population}
    district_bounds: {north: {min_units: 3}}
  - id: beds
    name: {en: care beds, zh: 护理床位}
    unit_cost: 5000
    capacity: 1000
    integer: BEDS_INTEGER
    need: {indicator: population}
    district_bounds: {south: {min_units: 1}}
policy: {budget: 5120}
"""

PAIR = """\
format: govdecide/v1
name: Pair town
districts:
  - {id: north, name: North, population: 1000000}
programs:
  - {id: clinic, name: clinics, unit_cost: 100, capacity: 10000, staff_per_unit: 10,
     integer: true, need: {indicator: population}, min_units: 3}
  - {id: beds, name: care beds, unit_cost: 1, capacity: 10, need: {indicator: population},
     spend_min: 300}
policy: {budget: 250, staff: 25}
"""


def town(beds_integer: bool = True):
    """The infeasible town, with whole or fractional care-bed units."""
    return parse_scenario(TOWN.replace("BEDS_INTEGER", str(beds_integer).lower()), "town.yaml")


@pytest.mark.parametrize("solver", SOLVERS)
def test_budget_or_minimum(solver):
    """Paper: the minimums force 3 clinics in North (3 x 120 = 360) and 1 block of beds in
    South (5,000): 5,360 > budget 5,120, so it is infeasible.

    Budget alone: raise it to exactly 5,360 (5,359 still cannot pay the minimums).
    Minimums alone (the elastic minimizes relative cuts): the spend must drop by 240 or
    more; cutting clinics by 2 (size 2/3) does it, cutting beds by 1 (size 1/1) too, but
    2/3 < 1, so "clinics in North from 3 to 1" (3 to 2 leaves 5,240 > 5,120).
    Sizes: budget 240 / 5,120 = 0.047 < 0.667, so the budget comes first.
    """
    scenario = town()
    result = solve(scenario, Settings(solver=solver))
    assert result.status == "infeasible"
    assert not result.has_solution and result.allocation.empty
    assert result.diagnosis.options == (
        (Relaxation("budget", 5120.0, 5360.0),),
        (Relaxation("unit_min", 3.0, 1.0, district="north", program="clinic"),),
    )
    en = diagnosis_text(result.diagnosis, "en", display_names(scenario, "en"))
    assert en == (
        "Raise the budget from 5,120 to 5,360, or lower the minimum of clinics in North "
        "from 3 to 1."
    )
    zh = diagnosis_text(result.diagnosis, "zh", display_names(scenario, "zh"))
    assert zh == "将预算从 5,120 提高到 5,360；或者将北区的诊所下限从 3 降到 1。"
    assert result.diagnosis_sentences("en", display_names(scenario, "en")) == [
        "raise the budget from 5,120 to 5,360",
        "lower the minimum of clinics in North from 3 to 1",
    ]

    # each option suffices, and one step less does not (the smallest relaxations)
    data = problem_data(scenario, Settings(solver=solver))
    for option in result.diagnosis.options:
        assert suffices(data, option, 10)
    assert not suffices(data, (Relaxation("budget", 5120.0, 5359.0),), 10)
    cut_less = Relaxation("unit_min", 3.0, 2.0, district="north", program="clinic")
    assert not suffices(data, (cut_less,), 10)


@pytest.mark.parametrize("solver", SOLVERS)
def test_continuous_minimum_is_not_rounded_to_zero(solver):
    """Same town, care beds now continuous: cutting the beds' minimum is cheapest.

    The spend must drop by 240 = 0.048 blocks of beds (size 0.048) against 2 clinics (size
    0.667): the beds' minimum drops from 1 to 0.952, shown rounded down to 0.95 (rounding
    to 0 would ask for far more than needed). Budget size 0.047 < 0.05 keeps it first.
    """
    scenario = town(beds_integer=False)
    result = solve(scenario, Settings(solver=solver))
    assert result.status == "infeasible"
    assert result.diagnosis.options == (
        (Relaxation("budget", 5120.0, 5360.0),),
        (Relaxation("unit_min", 1.0, 0.95, district="south", program="beds"),),
    )
    assert diagnosis_text(result.diagnosis, "en", display_names(scenario)) == (
        "Raise the budget from 5,120 to 5,360, or lower the minimum of care beds in South "
        "from 1.00 to 0.95."
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_no_single_change_suffices_so_pairs(solver):
    """Paper: North must get 3 clinics (300 budget, 30 staff) and care beds a spend of at
    least 300, against budget 250 and staff 25. No single kind of change suffices:
    budget alone leaves staff 30 > 25; staff alone leaves spend 600 > 250; clinics alone
    leave the beds' 300 > 250; the beds' spend alone leaves clinics' 300 > 250.

    Pairs that suffice (size = sum of relative changes, what the elastic minimizes):
    * budget + staff: budget 600 (350/250 = 1.4) and staff 30 (5/25 = 0.2): 1.6;
    * budget + clinics: with k clinics cut (x = 3 - k <= 2 for staff, so k >= 1) the budget
      must be 300 + 100 (3 - k), size (350 - 100 k)/250 + k/3 = 1.4 - k/15, least at k = 3:
      budget 300 and clinics 3 to 0, size 1.2;
    * clinics + beds' spend: size 1.1667 at several equally small points (k = 1, 2, 3),
      so only its kinds are checked.
    Other pairs cannot suffice. Smallest first: clinics + spend, budget + clinics,
    budget + staff.
    """
    scenario = parse_scenario(PAIR, "pair.yaml")
    result = solve(scenario, Settings(solver=solver))
    assert result.status == "infeasible"
    options = result.diagnosis.options
    assert len(options) == 3
    assert {r.family for r in options[0]} == {"unit_min", "spend_min"}
    assert options[1] == (
        Relaxation("budget", 250.0, 300.0),
        Relaxation("unit_min", 3.0, 0.0, district="north", program="clinic"),
    )
    assert options[2] == (Relaxation("budget", 250.0, 600.0), Relaxation("staff", 25.0, 30.0))
    data = problem_data(scenario, Settings(solver=solver))
    for option in options:
        assert suffices(data, option, 10)
    text = diagnosis_text(result.diagnosis, "en", display_names(scenario))
    assert text.endswith(
        "; or raise the budget from 250 to 300 and lower the minimum of clinics in North "
        "from 3 to 0; or raise the budget from 250 to 600 and raise the staff from 25 to 30."
    )


def test_feasible_model_has_no_diagnosis():
    """With budget 5,360 the town is feasible: no diagnosis, no sentence."""
    result = solve(town(), Settings(budget=5360))
    assert result.status == "optimal"
    assert result.diagnosis is None
    assert diagnosis_text(result.diagnosis) == ""


def test_relaxed_data_applies_every_kind():
    """relaxed_data changes exactly the limits named, on a copy."""
    data = problem_data(town())
    option = (
        Relaxation("budget", 5120, 6000),
        Relaxation("unit_min", 3, 1, district="north", program="clinic"),
    )
    relaxed = relaxed_data(data, option)
    assert relaxed.budget == 6000 and data.budget == 5120
    assert relaxed.pairs.at[("north", "clinic"), "lo"] == 1
    assert data.pairs.at[("north", "clinic"), "lo"] == 3


def test_rounding_outward():
    """Raises round up, cuts round down: to whole units, or 4 significant digits in
    [0.01, 1] steps: 5,359.2 -> 5,360; 12.534 -> 12.54; 0.952 -> 0.95; 2.3 units -> 2."""
    assert _round_up(5359.2) == 5360
    assert _round_up(5360.0) == 5360
    assert _round_up(12.534) == 12.54
    assert _round_down(0.952) == 0.95
    assert _round_down(2.3, whole=True) == 2
    assert _round_up(2.3, whole=True) == 3
    assert _round_down(-0.001) == 0


def test_diagnose_directly_on_data():
    """diagnose() works on ProblemData as the engine passes it."""
    diagnosis = diagnose(problem_data(town()))
    assert diagnosis.options[0] == (Relaxation("budget", 5120.0, 5360.0),)


def test_cli_exit_code_2_with_the_sentence(tmp_path, capsys):
    """`solve` on the infeasible town: exit 2, the status and the sentence; JSON too."""
    path = tmp_path / "town.yaml"
    path.write_text(TOWN.replace("BEDS_INTEGER", "true"), encoding="utf-8")
    assert main(["solve", str(path)]) == 2
    out = capsys.readouterr().out
    assert "Infeasible: no allocation meets all the limits at once" in out
    assert (
        "To make it feasible: Raise the budget from 5,120 to 5,360, or lower the minimum of "
        "clinics in North from 3 to 1." in out
    )
    assert main(["--lang", "zh", "solve", str(path)]) == 2
    assert (
        "将预算从 5,120 提高到 5,360；或者将北区的诊所下限从 3 降到 1。" in capsys.readouterr().out
    )
    assert main(["solve", str(path), "--format", "json"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "infeasible"
    assert data["allocation"] == []
    assert data["diagnosis"]["text"].startswith("Raise the budget from 5,120 to 5,360")
    assert data["diagnosis"]["options"][1] == [
        {
            "family": "unit_min",
            "district": "north",
            "program": "clinic",
            "current": 3.0,
            "needed": 1.0,
        }
    ]
