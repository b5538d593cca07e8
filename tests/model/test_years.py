"""The plan over several years (MODEL.md v1.1): tiny plans with optima computed by hand.

Each case states its paper computation in its docstring. The names of the plan's rows
are checked by family, district, program and year, a one-year plan against the v1 model,
and the diagnosis of an infeasible plan names the year.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from govdecide.errors import ScenarioError
from govdecide.io.scenario import display_names, parse_scenario
from govdecide.model.formulation import AllocationModel
from govdecide.model.settings import Settings
from govdecide.model.years import PlanSettings, plan_data, solve_plan
from govdecide.model.years.diagnosis import plan_diagnosis_text
from govdecide.model.years.formulation import PlanModel
from govdecide.model.years.result import evaluate_plan

ONE = """\
format: govdecide/v1
name: One district
districts:
  - {id: town, name: {en: Town, zh: 镇}, population: 200}
programs:
  - id: station
    name: {en: stations, zh: 站}
    unit_cost: 10
    capacity: 100
    integer: true
    need: {indicator: population}
    running_cost: RUN
policy: {budget: 10, years: 2}
"""


@pytest.mark.parametrize("method", ["structured", "milp"])
def test_running_cost_crowds_out_the_second_unit(method):
    """200 people, units of 100 at 10 each, a budget of 10 a year for 2 years.

    With a running cost of 6: year 1 builds one unit (10); in year 2 its running cost (6)
    leaves 4, less than a second unit's 10, so coverage is 0.5 both years: objective
    (0.5 + 0.5) / 2 = 0.5 (waiting and building in year 2 gives (0 + 0.5) / 2 = 0.25).
    Without running costs year 2 builds the second unit: (0.5 + 1) / 2 = 0.75.
    """
    exact = Settings(gap=0.0, method=method)
    crowded = solve_plan(parse_scenario(ONE.replace("RUN", "6")), exact)
    assert crowded.status == "optimal"
    assert crowded.objective == pytest.approx(0.5)
    alloc = crowded.allocation.set_index("year")
    assert alloc.loc[1, "new_units"] == 1 and alloc.loc[2, "new_units"] == 0
    years = crowded.year_figures.set_index("year")
    assert years.loc[2, "running"] == pytest.approx(6) and years.loc[2, "capital"] == 0
    free = solve_plan(parse_scenario(ONE.replace("RUN", "0")), exact)
    assert free.objective == pytest.approx(0.75)
    assert free.allocation.set_index("year").loc[2, "new_units"] == 1


GROW = """\
format: govdecide/v1
name: Two districts
districts:
  - {id: a, name: A, population: 100}
  - {id: b, name: B, population: 80, growth: GROWTH}
programs:
  - id: hall
    name: halls
    unit_cost: 10
    capacity: 200
    integer: true
    need: {indicator: population}
policy: {budget: [10, 0], years: 2}
"""


def test_growth_moves_the_unit_to_the_growing_district():
    """One unit of 200 places can be afforded (budget 10 in year 1, 0 in year 2).

    No growth: A (100) or B (80); totals 180 both years. In A: (100/180 + 100/180) / 2 =
    0.5556; in B: 80/180 = 0.4444. A wins.
    B grows 100% a year (80 -> 160): totals 180 and 260. In A: (100/180 + 100/260) / 2 =
    0.4701; in B: (80/180 + 160/260) / 2 = 0.5299. B wins.
    """
    exact = Settings(gap=0.0)
    still = solve_plan(parse_scenario(GROW.replace("GROWTH", "0")), exact)
    assert still.objective == pytest.approx(100 / 180)
    first = still.allocation[still.allocation["year"] == 1].set_index("district")
    assert first.loc["a", "new_units"] == 1 and first.loc["b", "new_units"] == 0
    grown = solve_plan(parse_scenario(GROW.replace("GROWTH", "1.0")), exact)
    assert grown.objective == pytest.approx((80 / 180 + 160 / 260) / 2)
    first = grown.allocation[grown.allocation["year"] == 1].set_index("district")
    assert first.loc["b", "new_units"] == 1
    # growth switched off by the plan's setting: the no-growth answer again
    off = solve_plan(
        parse_scenario(GROW.replace("GROWTH", "1.0")), exact, PlanSettings(growth=False)
    )
    assert off.objective == pytest.approx(100 / 180)


def test_discount_rate_weighs_the_years():
    """The crowded plan above at a discount rate of 100%: year weights 1 and 0.5, so
    2/3 and 1/3 of the objective; coverage 0.5 both years still gives 0.5, and the
    free plan gives 2/3 * 0.5 + 1/3 * 1 = 0.6667 instead of 0.75."""
    free = solve_plan(
        parse_scenario(ONE.replace("RUN", "0")), Settings(gap=0.0), PlanSettings(discount_rate=1.0)
    )
    assert free.objective == pytest.approx(2 / 3 * 0.5 + 1 / 3 * 1.0)
    assert free.year_figures["weight"].tolist() == pytest.approx([2 / 3, 1 / 3])


def test_names_carry_family_district_program_and_year():
    """Rows and columns are named by family, ids and year; years 2.. get linking rows."""
    data = plan_data(parse_scenario(ONE.replace("RUN", "6")), None, PlanSettings(years=3))
    model = PlanModel(data)
    rows = model.row_names()
    assert len(rows) == len(set(rows))
    for name in (
        "capacity__town__station__y1",
        "capacity__town__station__y3",
        "budget__y1",
        "budget__y2",
        "budget__y3",
        "staff__y2",
        "equity__town__y3",
        "commission__town__station__y2",
        "commission__town__station__y3",
    ):
        assert name in rows
    cols = model.column_names()
    assert cols[:3] == ["x__town__station__y1", "c__town__station__y1", "z__y1"]
    assert "z__y3" in cols and len(cols) == model.matrix_form().lower.size


def test_linking_budget_row_is_capital_plus_running():
    """Year 2's budget row: cost 10 on X_2 and run - cost = 6 - 10 = -4 on X_1, <= 10."""
    data = plan_data(parse_scenario(ONE.replace("RUN", "6")))
    model = PlanModel(data)
    form = model.matrix_form()
    r = model.row_names().index("budget__y2")
    a, b = form.starts[r], form.starts[r + 1]
    coefs = dict(zip(form.index[a:b].tolist(), form.value[a:b].tolist(), strict=True))
    assert coefs == {int(model.x_cols(1)[0]): 10.0, int(model.x_cols(0)[0]): -4.0}
    assert form.row_upper[r] == 10.0 and form.row_lower[r] == -math.inf


def test_one_year_plan_is_the_single_year_matrix():
    """With one year the plan's matrix is the single-year model's, entry for entry."""
    scenario = parse_scenario(ONE.replace("RUN", "6").replace("years: 2", "years: 1"))
    data = plan_data(scenario)
    plan = PlanModel(data).matrix_form()
    single = AllocationModel(data.first, lazy=True).matrix_form()
    for field in ("lower", "upper", "integer", "cost", "starts", "index", "value"):
        np.testing.assert_array_equal(getattr(plan, field), getattr(single, field))


def test_minimum_units_hold_in_the_last_year_only():
    """A minimum of 2 stations (cost 10, budget 10 a year, no running cost) is met by
    building one a year: the bound holds for the whole plan, not every year."""
    text = ONE.replace("RUN", "0").replace("integer: true", "integer: true\n    min_units: 2")
    result = solve_plan(parse_scenario(text), Settings(gap=0.0))
    assert result.status == "optimal"
    assert result.allocation["new_units"].tolist() == [1, 1]


def test_infeasible_plan_names_the_year():
    """A minimum of 2 stations, cost 10, running cost 6, budgets 20 then 10.

    Two in year 1 costs 20, then their running costs are 12 > 10 in year 2; one a year
    needs 10 + 6 = 16 > 10 in year 2; both in year 2 need 20 > 10. Ways out: year 2's
    budget to 12 (build both in year 1), or a minimum of 1 (one in year 1, 6 in year 2).
    """
    text = (
        ONE.replace("RUN", "6")
        .replace("integer: true", "integer: true\n    min_units: 2")
        .replace("budget: 10", "budget: [20, 10]")
    )
    scenario = parse_scenario(text)
    result = solve_plan(scenario, Settings(gap=0.0))
    assert result.status == "infeasible"
    options = result.diagnosis.options
    budget = next(o for o in options if o[0].family == "budget")
    assert [(r.year, r.current, r.needed) for r in budget] == [(2, 10.0, 12.0)]
    assert budget[0].running == pytest.approx(12.0)
    units = next(o for o in options if o[0].family == "unit_min")
    assert [(r.current, r.needed) for r in units] == [(2.0, 1.0)]
    text_en = plan_diagnosis_text(result.diagnosis, "en", display_names(scenario, "en"))
    assert (
        "running costs of the units the plan needs by then exceed year 2's budget by 2" in text_en
    )
    assert "raise it from 10 to 12" in text_en
    assert "stations in Town from 2 to 1" in text_en
    assert "超出第 2 年预算 2：请将其从 10 提高到 12" in plan_diagnosis_text(result.diagnosis, "zh")


def test_a_bound_above_the_plan_is_not_called_optimal():
    """A plan whose proven bound is 1% above it, at a gap asked of 0.01%, is 'feasible'
    with that gap; the same plan at a bound equal to it is 'optimal'."""
    data = plan_data(parse_scenario(ONE.replace("RUN", "6")), Settings(gap=1e-4))
    units = np.array([[[1.0]], [[1.0]]])
    loose = evaluate_plan(data, units, status="optimal", method="x", bound=0.505, timings={})
    assert loose.status == "feasible" and loose.gap == pytest.approx(1 - 0.5 / 0.505)
    assert "within" in loose.status_text("en")
    tight = evaluate_plan(data, units, status="optimal", method="x", bound=0.5, timings={})
    assert tight.status == "optimal" and tight.gap == 0
    below = evaluate_plan(data, units, status="optimal", method="x", bound=0.4, timings={})
    assert below.status == "feasible" and below.bound is None


def test_bad_plan_settings_are_refused_in_words():
    """Years out of range, a budget list of the wrong length, a growth of -100%."""
    scenario = parse_scenario(ONE.replace("RUN", "6"))
    with pytest.raises(ScenarioError) as err:
        solve_plan(scenario, None, PlanSettings(years=0, budget_growth=-1.0))
    text = str(err.value)
    assert "1 to 20 years" in text and "above -100%" in text
    with pytest.raises(ScenarioError, match="has 3 numbers but the plan has 2 years"):
        solve_plan(scenario, None, PlanSettings(budget_by_year=(1.0, 2.0, 3.0)))


def test_budget_growth_and_yearly_lists():
    """A budget of 10 growing 50% a year over 3 years: 10, 15, 22.5; a scenario's list
    for a longer plan repeats its last year."""
    scenario = parse_scenario(ONE.replace("RUN", "6"))
    grown = plan_data(scenario, None, PlanSettings(years=3, budget_growth=0.5))
    assert grown.budgets == pytest.approx((10, 15, 22.5))
    listed = parse_scenario(
        ONE.replace("RUN", "6").replace("budget: 10, years: 2", "budget: [10, 20], years: 2")
    )
    assert plan_data(listed, None, PlanSettings(years=4)).budgets == (10, 20, 20, 20)
    assert plan_data(listed, Settings(budget=7)).budgets == (7, 7)


def test_by_years_on_the_crowded_plan():
    """Year by year (the large plans' method): year 1 builds one station (10); year 2 has
    10 - 6 = 4 left after its running cost, no second station: the optimum, 0.5. The bound
    by years: year 1 alone 0.5, year 2 with both years' budgets (20) two stations, 1.0:
    (0.5 + 1) / 2 = 0.75, above the optimum by what the running costs take."""
    import time

    from govdecide.model.years.by_year import bound_by_years, plan_by_years
    from govdecide.model.years.result import plan_objective

    data = plan_data(parse_scenario(ONE.replace("RUN", "6")), Settings(gap=0.0))
    deadline = time.perf_counter() + 30
    units, how = plan_by_years(data, deadline, 0.0, 4)
    assert how == "ok" and units.reshape(-1).tolist() == [1.0, 1.0]
    assert plan_objective(data, units) == pytest.approx(0.5)
    assert bound_by_years(data, deadline, 0.0, 2) == pytest.approx(0.75)


def test_paths_of_large_plans_on_a_tiny_plan(monkeypatch):
    """The crowded plan (optimum 0.5) and the growing one ((80/180 + 160/260) / 2) through
    the paths the structured method takes on large plans: one rounding pass of the LP and
    one LP polish (above RELAX_AND_FIX_MAX_COLUMNS), then the plan and bound by years
    instead of the MILP (above MILP_FINISH_MAX_COLUMNS). Both reach the optimum, proven."""
    from govdecide.model.years import structured

    monkeypatch.setattr(structured, "RELAX_AND_FIX_MAX_COLUMNS", 0)
    monkeypatch.setattr(structured, "MILP_FINISH_MAX_COLUMNS", 0)
    crowded = solve_plan(parse_scenario(ONE.replace("RUN", "6")), Settings(gap=1e-6))
    assert crowded.objective == pytest.approx(0.5)
    grown = solve_plan(parse_scenario(GROW.replace("GROWTH", "1.0")), Settings(gap=1e-6))
    assert grown.objective == pytest.approx((80 / 180 + 160 / 260) / 2)
    assert grown.status == "optimal" and grown.bound >= grown.objective
