"""The budget curve and the smallest budget that reaches a coverage, checked by hand."""

from __future__ import annotations

import json

import pytest

from govdecide import analyses as an
from govdecide.model.engine import solve
from govdecide.model.settings import Settings
from tests.analyses.scenarios import random_scenario, two


def test_budget_curve_by_hand():
    """lambda = 0, budgets 0, 2, 4, 20: all money goes to p1 (10 people per unit) up to its
    limit of 5 units, then to p2 (5 per unit): E = 0, 20/200, 40/200, (50 + 75)/200.
    People newly served per budget unit, averaged over each step: 20/2 = 10, then 10, then
    (125 - 40)/16 = 5.3125. The marginal value at a budget is the objective E gained by one
    more unit there (the LP relaxation's dual): p1 at 10/200 = 0.05 while p1 has room
    (budgets 0, 2, 4), p2 at 5/200 = 0.025 once p1 is full (budget 20).
    """
    curve = an.budget_curve(two(equity_weight=0), Settings(), budgets=[0, 2, 4, 20])
    eff = [p.efficiency for p in curve.points]
    assert eff == pytest.approx([0.0, 0.1, 0.2, 0.625])
    assert curve.points[0].step_people is None
    assert [p.step_people for p in curve.points[1:]] == pytest.approx([10, 10, 5.3125])
    assert [p.marginal_value for p in curve.points] == pytest.approx([0.05, 0.05, 0.05, 0.025])
    assert {p.marginal_basis for p in curve.points} == {"lp_relaxation"}  # whole units
    assert curve.builds == 1  # one model for the whole curve
    frame = curve.frame()
    assert list(frame["budget"]) == [0, 2, 4, 20]
    json.dumps(curve.to_dict())


def test_marginal_value_does_not_depend_on_the_grid():
    """Budget 6 at lambda = 0: x1 = 5 (full), x2 = 1; one more unit buys p2, 5 people,
    E + 5/200 = 0.025, whatever the other budgets of the grid. The step average does
    depend on the grid: from budget 2 (20 people) to 6 (55 people) it is 35/4 = 8.75 per
    unit, from budget 5 (50 people) it is 5/1 = 5."""
    wide = an.budget_curve(two(equity_weight=0), Settings(), budgets=[2, 6])
    narrow = an.budget_curve(two(equity_weight=0), Settings(), budgets=[5, 6])
    assert wide.at(6).marginal_value == narrow.at(6).marginal_value == pytest.approx(0.025)
    assert wide.at(6).step_people == pytest.approx(8.75)
    assert narrow.at(6).step_people == pytest.approx(5.0)
    row = wide.frame().set_index("budget").loc[6.0]
    assert row["marginal_value"] == pytest.approx(0.025) and bool(row["proven"])


def test_budget_grid_holds_base_and_ten_percent_more():
    """Default grid: 0.5 to 1.5 times the base, plus the base and the base + 10%."""
    grid = an.budget_grid(1000, points=3)
    assert grid == [500, 1000, 1100, 1500]


def test_more_budget_sentence():
    """Budget 10 -> 11 at lambda = 0 with p1 capped at 5 units: the extra unit goes to p2,
    serving 5 more people; z moves from 0.05 x2 = 0.25 to 0.30 (x2 = 5 -> 6)."""
    curve = an.budget_curve(two(equity_weight=0), Settings(), budgets=[10, 11])
    text = curve.more_budget_sentence(0.1, "en")
    assert text == (
        "Another 10% of budget (1) serves 5 more people and moves the worst-served district "
        "from 25.0% to 30.0%."
    )


def test_min_budget_by_hand_is_exact():
    """Coverage 0.32 in both districts: 0.1 x1 >= 0.32 -> x1 >= 4, 0.05 x2 >= 0.32 ->
    x2 >= 7: smallest spend 11. Feasible at 11, not at 10 (one budget unit less)."""
    scenario = two()
    m = an.min_budget(scenario, Settings(), coverage=0.32)
    assert m.status == "optimal"
    assert m.budget == 11
    assert m.result is not None and m.result.equity >= 0.32 - 1e-9
    assert an.reaches(scenario, Settings(budget=11), 0.32)
    assert not an.reaches(scenario, Settings(budget=10), 0.32)
    assert m.sentence("en") == (
        "The smallest budget at which every district reaches 32.0% weighted coverage is 11."
    )
    assert m.lower == 11  # proven: the bound equals the answer
    json.dumps(m.to_dict())


@pytest.mark.parametrize("seed", [5, 6])
def test_min_budget_exact_on_random_integer_scenarios(seed):
    """All-integer programs with whole costs: the smallest budget B reaches the coverage,
    B - 1 does not (the defining property, checked with independent solves)."""
    scenario = random_scenario(seed, all_integer=True)
    fr_top = solve(scenario, Settings(equity_weight=1.0, budget=10_000)).equity
    target = round(0.97 * fr_top, 3)
    m = an.min_budget(scenario, Settings(), coverage=target)
    assert m.budget is not None
    assert an.reaches(scenario, Settings(budget=m.budget), target)
    assert not an.reaches(scenario, Settings(budget=m.budget - 1), target)


def test_min_budget_unreachable_reports_the_best():
    """p1 is capped at 5 units: coverage of a is at most 0.5, so 0.6 is out of reach at any
    budget, and the best z any budget gives is 0.5 (x1 = 5, x2 >= 10)."""
    m = an.min_budget(two(), Settings(), coverage=0.6)
    assert m.budget is None and m.status == "infeasible"
    assert m.max_coverage == pytest.approx(0.5)
    assert "50.0%" in m.sentence("en") and "50.0%" in m.sentence("zh")


def test_min_budget_stopped_early_says_so():
    """An answer the solver could not prove smallest is given as a range, not as 'the'."""
    m = an.MinBudget(0.5, "feasible", 120.0, None, None, 100.0)
    assert "between 100 and 120" in m.sentence("en")
    assert "100" in m.sentence("zh") and "120" in m.sentence("zh")


def test_min_budget_is_not_exact_when_its_proof_is_not(monkeypatch):
    """Issue 11, item 7, for the smallest-budget solve: a solver that says "optimal" with
    a proven bound of 9 for an answer of 11 (the hand case above) has not proven 11 the
    smallest; the answer is a range from the bound, not "the smallest budget is 11"."""
    from dataclasses import replace

    from govdecide.analyses import budget

    real = budget.AllocationModel.solve

    def loose(self, *args, **kwargs):
        outcome = real(self, *args, **kwargs)
        if outcome.objective is not None and outcome.objective < 0:  # the spend solve
            return replace(outcome, bound=outcome.objective + 2 / 1.0)  # cost unit 1
        return outcome

    monkeypatch.setattr(budget.AllocationModel, "solve", loose)
    m = an.min_budget(two(), Settings(), coverage=0.32)
    assert m.status == "feasible" and m.budget == 11 and m.lower == pytest.approx(9)
    assert "between 9 and 11" in m.sentence("en")


def test_min_budget_zero_when_already_reached():
    """Coverage 0 needs no new units: budget 0."""
    assert an.min_budget(two(), Settings(), coverage=0.0).budget == 0
