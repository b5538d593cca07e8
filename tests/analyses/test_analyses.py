"""Frontier, budget curve, smallest budget, robustness and snapshots, checked by hand."""

from __future__ import annotations

import copy
import dataclasses
import json
import random

import numpy as np
import pytest

from govdecide import analyses as an
from govdecide.io.scenario import scenario_from_data
from govdecide.model.engine import solve
from govdecide.model.problem import problem_data
from govdecide.model.settings import Settings

# Two districts, one program each: p1 serves 10 people per unit in a, p2 serves 5 in b;
# both cost 1 and need is 100 in each district. Coverage: a = 0.1 x1, b = 0.05 x2;
# E = (10 x1 + 5 x2) / 200; z = min(0.1 x1, 0.05 x2).
TWO = {
    "format": "govdecide/v1",
    "name": {"en": "Two districts", "zh": "两个区"},
    "indicators": [{"id": "i1"}, {"id": "i2"}],
    "districts": [
        {"id": "a", "name": "A", "population": 100, "indicators": {"i1": 1, "i2": 0}},
        {"id": "b", "name": "B", "population": 100, "indicators": {"i1": 0, "i2": 1}},
    ],
    "programs": [
        {
            "id": "p1",
            "name": "P1",
            "unit_cost": 1,
            "capacity": 10,
            "integer": True,
            "max_units": 5,
            "need": {"indicator": "i1", "per_capita": True},
        },
        {
            "id": "p2",
            "name": "P2",
            "unit_cost": 1,
            "capacity": 5,
            "integer": True,
            "need": {"indicator": "i2", "per_capita": True},
        },
    ],
    "policy": {"budget": 10, "equity_weight": 0.5},
}


def two(**policy) -> object:
    data = copy.deepcopy(TWO)
    data["policy"].update(policy)
    return scenario_from_data(data)


def unbounded_two() -> object:
    data = copy.deepcopy(TWO)
    del data["programs"][0]["max_units"]
    return scenario_from_data(data)


def random_scenario(
    seed: int, districts: int = 6, integer: bool = True, all_integer: bool = False
) -> object:
    """A seeded scenario with three programs, baselines and a budget short of the need.

    The grant line is continuous unless ``all_integer``.
    """
    rng = random.Random(seed)
    ds = []
    for i in range(districts):
        ds.append(
            {
                "id": f"d{i}",
                "name": f"D{i}",
                "population": rng.randint(2, 30) * 1000,
                "indicators": {"old": round(rng.uniform(0.05, 0.3), 3)},
                "baseline": {"clinic": rng.randint(0, 2), "grant": rng.randint(0, 3)},
            }
        )
    programs = [
        {
            "id": "clinic",
            "name": "Clinic",
            "unit_cost": 7,
            "capacity": 4000,
            "integer": integer,
            "max_units": 6,
            "need": {"indicator": "population"},
        },
        {
            "id": "beds",
            "name": "Beds",
            "unit_cost": 5,
            "capacity": 900,
            "integer": integer,
            "max_units": 8,
            "need": {"indicator": "old", "per_capita": True},
        },
        {
            "id": "grant",
            "name": "Grant",
            "unit_cost": 2,
            "capacity": 1500,
            "integer": all_integer,
            "need": {"indicator": "population"},
            "weight": 0.5,
        },
    ]
    return scenario_from_data(
        {
            "format": "govdecide/v1",
            "name": f"Random {seed}",
            "indicators": [{"id": "old"}],
            "districts": ds,
            "programs": programs,
            "policy": {"budget": 20 * districts, "equity_weight": 0.3},
        }
    )


# -- frontier ---------------------------------------------------------------------------


def test_frontier_by_hand():
    """With budget 10 and no unit limits, max E subject to z >= 0.05 k needs
    x2 >= k, x1 >= k/2; the rest goes to p1: x1 = 10 - k, E = (100 - 5k) / 200, z = 0.05 k
    for k = 0..6 (k = 6: x1 = 4, coverage (0.4, 0.3)); k = 7 gives z = 0.3 again at lower
    E, so z_max = 0.3. With 7 points the grid of floors is exactly 0.05 k.

    Price of fairness from (0.5, 0) to (0.35, 0.3): (0.5 - 0.35) / 0.5 = 30%, and
    100 - 70 = 30 fewer people served.
    """
    fr = an.frontier(unbounded_two(), Settings(), points=7)
    got = [(round(p.efficiency, 6), round(p.equity, 6)) for p in fr.points]
    want = [(round((100 - 5 * k) / 200, 6), round(0.05 * k, 6)) for k in range(7)]
    assert got == want
    pof = fr.price_of_fairness()
    assert pof.relative_cost == pytest.approx(0.30)
    assert pof.people_lost == pytest.approx(30)
    assert pof.sentence("en") == (
        "Raising the worst-served district from 0.0% to 30.0% costs 30.0% of the people "
        "served (30 fewer people)."
    )
    assert "30.0%" in pof.sentence("zh")
    # each point's objective is at the scenario's equity weight 0.5
    assert fr.points[-1].objective == pytest.approx(0.5 * 0.35 + 0.5 * 0.3)
    # the point's own allocation is kept: k = 6 is x1 = 4, x2 = 6
    units = fr.points[-1].result.allocation.set_index("program")["new_units"]
    assert units.loc["p1"].sum() == 4 and units.loc["p2"].sum() == 6


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_frontier_monotone_and_end_points_match_engine(seed):
    """No point is dominated (sorted by z, E never rises); the left end's E equals the
    engine's lambda = 0 optimum and the right end's z the engine's lambda = 1 optimum
    (both within the solver's relative gap 1e-4); the current setting is on or under it.
    """
    scenario = random_scenario(seed)
    fr = an.frontier(scenario, Settings(), points=8)
    assert fr.status == "optimal"
    pts = fr.points
    assert len(pts) >= 2
    for p in pts:
        for q in pts:
            dominates = (
                q.efficiency >= p.efficiency
                and q.equity >= p.equity
                and (q.efficiency > p.efficiency + 1e-9 or q.equity > p.equity + 1e-9)
            )
            assert not dominates
    eff = [p.efficiency for p in pts]
    eq = [p.equity for p in pts]
    assert eq == sorted(eq)
    assert eff == sorted(eff, reverse=True)
    e0 = solve(scenario, Settings(equity_weight=0.0)).efficiency
    z1 = solve(scenario, Settings(equity_weight=1.0)).equity
    assert pts[0].efficiency == pytest.approx(e0, rel=2e-4)
    assert pts[-1].equity == pytest.approx(z1, rel=2e-4)
    cur = fr.current
    assert cur.equity <= pts[-1].equity + 1e-6 and cur.efficiency <= pts[0].efficiency + 1e-6


def test_frontier_reuses_one_built_model():
    """A whole sweep (current, lambda 0 and 1, six floors) builds the model once: only
    bounds and the objective change between solves. The fair left end (max z subject to
    E >= E_max) needs a row the structured method cannot take, so it has a second model
    of its own, also built once. New program weights reshape the model: one more build.
    """
    scenario = unbounded_two()
    sweep = an.Sweep(scenario)
    fr = an.frontier(scenario, Settings(), points=7, sweep=sweep)
    assert fr.solves == 3 + 1 + 6  # anchors, fair left end, six floors
    assert sweep.builds == 1 and sweep.aux_builds == 1 and fr.builds == 2
    an.frontier(scenario, Settings(budget=9), points=7, sweep=sweep)
    an.budget_curve(scenario, Settings(), points=5, sweep=sweep)
    assert (sweep.builds, sweep.aux_builds) == (1, 1)
    an.frontier(scenario, Settings(weights={"p1": 2.0}), points=3, sweep=sweep)
    assert (sweep.builds, sweep.aux_builds) == (2, 2)


def test_main_model_has_no_extra_rows():
    """The reused model carries only the engine's own rows, so the engine's structured
    method may still take it after a frontier; the efficiency floor lives in the second
    model, whose solves go to the plain MILP (the structured method does not know it)."""
    scenario = unbounded_two()
    sweep = an.Sweep(scenario)
    an.frontier(scenario, Settings(), points=3, sweep=sweep)
    forced = Settings(method="structured", equity_weight=0.5)
    main = sweep.solve(forced)
    assert sweep.last_reused and main.method == "structured"
    with_floor = sweep.solve(forced, efficiency_floor=0.0)
    assert sweep.last_reused and with_floor.method == "milp"
    assert (sweep.builds, sweep.aux_builds) == (1, 1)


def test_frontier_progress_and_infeasible():
    """Progress reaches total/total; an infeasible scenario gives no points, its status."""
    calls = []
    an.frontier(unbounded_two(), Settings(), points=4, progress=lambda d, n: calls.append((d, n)))
    assert calls[-1][0] == calls[-1][1]
    data = copy.deepcopy(TWO)
    data["programs"][1]["min_units"] = 20  # 20 units of p2 cost 20 > budget 10
    fr = an.frontier(scenario_from_data(data), Settings(), points=4)
    assert fr.points == () and fr.status == "infeasible"
    assert fr.price_of_fairness() is None
    json.dumps(fr.to_dict())


# -- budget curve and the smallest budget ------------------------------------------------


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


def test_frontier_bounds_say_what_they_bound():
    """Each point's bound is the solver's bound on what its solve maximized, and says so:
    points from E-maximizing solves (lambda = 0) bound E, the fairest end (lambda = 1)
    bounds z, the current setting (lambda = 0.5 here) bounds the objective at the user's
    weight, which is the objective shown next to it. So bound >= the named figure on
    every point (up to round-off), never a bound on z shown beside a larger E."""
    for scenario in (unbounded_two(), random_scenario(1), random_scenario(2)):
        fr = an.frontier(scenario, Settings(), points=6)
        seen = set()
        for p in fr.points:
            d = p.to_dict()
            figure = {"efficiency": p.efficiency, "equity": p.equity, "objective": p.objective}
            assert d["bound_of"] in figure
            seen.add(d["bound_of"])
            if d["bound"] is not None:
                assert d["bound"] >= figure[d["bound_of"]] - 1e-9
            if d["bound_of"] == "objective":
                assert p.result.equity_weight == fr.equity_weight
        assert "efficiency" in seen
        assert list(fr.frame()["bound_of"]) == [p.to_dict()["bound_of"] for p in fr.points]


def test_unproven_points_are_flagged():
    """A point stopped at the time limit (status feasible, gap 1.2%) is marked in words and
    in the price of fairness, which is then not proven; a proven pair is not qualified."""
    fr = an.frontier(unbounded_two(), Settings(), points=3)
    assert fr.unproven == 0 and all(p.to_dict()["proven"] for p in fr.points)
    assert an.status_words(fr.points[0].result, "en") == ""
    stopped = dataclasses.replace(fr.points[-1].result, status="feasible", gap=0.012)
    assert an.status_words(stopped, "en") == "not proven best (time limit, gap 1.20%)"
    assert an.status_words(stopped, "zh") == "未证明最优（时间限制，间隙 1.20%）"
    none = dataclasses.replace(stopped, status="infeasible", gap=None)
    assert an.status_words(none, "zh") == none.status_text("zh") and "不可行" in none.status_text(
        "zh"
    )
    last = dataclasses.replace(fr.points[-1], status="feasible", result=stopped)
    flagged = dataclasses.replace(fr, points=(*fr.points[:-1], last))
    assert flagged.unproven == 1
    assert "not proven" in flagged.price_of_fairness().sentence("en")
    assert "未经证明" in flagged.price_of_fairness().sentence("zh")
    assert "not proven" not in fr.price_of_fairness().sentence("en")


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


def test_min_budget_zero_when_already_reached():
    """Coverage 0 needs no new units: budget 0."""
    assert an.min_budget(two(), Settings(), coverage=0.0).budget == 0


# -- robustness --------------------------------------------------------------------------


def test_perturbation_is_seeded_and_bounded():
    """Need moves by at most ±spread, one factor per (district, indicator), from the seed."""
    scenario = random_scenario(7)
    data = problem_data(scenario)
    a = an.perturbed_data(scenario, data, 0.2, np.random.default_rng(3))
    b = an.perturbed_data(scenario, data, 0.2, np.random.default_rng(3))
    assert a.pairs["need"].equals(b.pairs["need"])
    ratio = a.pairs["need"] / data.pairs["need"]
    assert ((ratio >= 0.8 - 1e-12) & (ratio <= 1.2 + 1e-12)).all()
    # clinic and grant both use population: the same factor in each district
    r = ratio.unstack("program")
    assert np.allclose(r["clinic"], r["grant"])
    assert not np.allclose(r["clinic"], r["beds"])
    assert (a.pairs["base_served"] <= a.pairs["need"] + 1e-9).all()


def test_robustness_reproducible_from_seed():
    """The same seed gives identical tables; progress reaches runs/runs."""
    scenario = random_scenario(8)
    calls = []
    r1 = an.robustness(
        scenario, Settings(), spread=0.15, runs=6, seed=11, progress=lambda d, n: calls.append(d)
    )
    r2 = an.robustness(scenario, Settings(), spread=0.15, runs=6, seed=11)
    assert calls == [1, 2, 3, 4, 5, 6]
    assert r1.pairs.equals(r2.pairs)
    assert r1.districts.equals(r2.districts)
    assert r1.efficiency == r2.efficiency and r1.statuses == r2.statuses
    assert r1.solved == 6
    # district summaries count the whole-unit programs (clinic, beds), not the grant line
    assert r1.counted == ("clinic", "beds")
    assert 0 <= r1.all_within_one <= r1.districts["within_one"].min()
    assert (r1.pairs["min_units"] <= r1.pairs["max_units"]).all()
    assert r1.pairs["within_one"].between(0, 1).all()
    json.dumps(r1.to_dict(), default=float)


def test_robustness_counts_every_program_when_none_is_whole():
    """With only continuous programs, the district summary counts all of them."""
    r = an.robustness(random_scenario(10, integer=False), Settings(), spread=0.1, runs=2, seed=1)
    assert r.counted == ("clinic", "beds", "grant")


def test_robustness_without_spread_keeps_the_base():
    """spread 0: every run is the base problem, so the units never move (within_one = 1)."""
    r = an.robustness(random_scenario(9), Settings(), spread=0.0, runs=3, seed=1)
    assert (r.pairs["within_one"] == 1).all()
    assert (r.pairs["min_units"] == r.pairs["base_units"]).all()
    assert (r.districts["within_one"] == 1).all()


# -- snapshots and comparison -------------------------------------------------------------


def test_snapshot_round_trip_and_compare():
    """A: lambda = 0, budget 10: x1 = 5 (its limit), x2 = 5: coverage a 0.5, b 0.25.
    B: budget 12: x1 = 5, x2 = 7: coverage b 0.35. So b gains 2 units and 10 points,
    a is unchanged; back from B to A, b loses.
    """
    scenario = two(equity_weight=0)
    sa, sb = Settings(), Settings(budget=12)
    a = an.snapshot("Plan A", sa, solve(scenario, sa), scenario="Two")
    b = an.snapshot("Plan B", sb, solve(scenario, sb), scenario="Two")
    back = an.snapshots_from_json(an.snapshots_to_json([a, b]))
    assert [s.name for s in back] == ["Plan A", "Plan B"]
    assert back[1].settings["budget"] == 12
    assert back[0].districts["coverage_after"].tolist() == pytest.approx([0.5, 0.25])
    assert back[0].districts["population"].tolist() == [100, 100]  # for the indicators
    assert Settings.from_dict(back[1].settings) == sb
    frame = an.compare(a, b).set_index("district")
    assert frame.at["b", "units_diff"] == 2
    assert frame.at["b", "coverage_diff"] == pytest.approx(0.10)
    assert frame.at["a", "coverage_diff"] == pytest.approx(0.0)
    text = an.compare_sentence(frame.reset_index(), "Plan A", "Plan B", {"b": "Bay"}, "en")
    assert text == "Going from Plan A to Plan B, coverage rises in Bay (+10.0 points). " + (
        "No district loses coverage."
    )
    back_text = an.compare_sentence(an.compare(b, a), "Plan B", "Plan A", {"b": "Bay"}, "zh")
    assert "Bay" in back_text and "下降" in back_text


def test_snapshots_file_must_be_ours():
    """Any other JSON is refused with a ValueError (the page turns it into a message)."""
    with pytest.raises(ValueError):
        an.snapshots_from_json('{"format": "something else"}')


# -- charts --------------------------------------------------------------------------------


def test_charts_build_with_their_data_and_words():
    """Each chart builds to a Vega-Lite spec with the catalogue's title in the language
    asked, the frontier's points, the current setting's diamond and the click selection."""
    from govdecide.present import analysis_charts as ca

    scenario = unbounded_two()
    fr = an.frontier(scenario, Settings(), points=7)
    cur = {"efficiency": fr.current.efficiency, "equity": fr.current.equity}
    spec = ca.frontier_chart(fr.frame(), cur, "zh", selected=2, pick="pick").to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert "公平的代价" in text and '"name": "pick"' in text and "diamond" in text
    datasets = spec["datasets"].values()
    assert any(len(rows) == 7 for rows in datasets)  # the seven frontier points
    curve = an.budget_curve(two(equity_weight=0), Settings(), budgets=[0, 2, 4, 20])
    assert "What more money buys" in json.dumps(
        ca.budget_curve_chart(curve.frame(), 10, "en").to_dict()
    )
    marginal = ca.marginal_chart(curve.frame(), 10, "en").to_dict()
    # one point per budget: the dual 0.05 per unit times 1% of budget 10 (0.1 unit) is
    # 0.005 of the objective, 0.5 percentage points; 0.025 at budget 20 gives 0.25
    rows = next(r for r in marginal["datasets"].values() if len(r) == 4)
    assert [r["points"] for r in rows] == pytest.approx([0.5, 0.5, 0.5, 0.25])
    assert "not depend on the number of budgets" in json.dumps(marginal)
    rob = an.robustness(random_scenario(3), Settings(), spread=0.1, runs=2, seed=1)
    names = {"d0": "Zero"}
    spec = ca.robustness_chart(rob.pairs, names, "en", max_rows=3).to_dict()
    assert "the 3 widest ranges of" in json.dumps(spec)
    a = an.snapshot("A", Settings(), solve(two(equity_weight=0), Settings()))
    b = an.snapshot("B", Settings(budget=12), solve(two(equity_weight=0), Settings(budget=12)))
    diff = ca.difference_chart(an.compare(a, b), {"b": "Bay"}, "A", "B", "en").to_dict()
    assert "From A to B" in json.dumps(diff) and "Bay" in json.dumps(diff)
