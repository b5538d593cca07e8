"""The efficiency-equity frontier, checked by hand and against the engine's own optima."""

from __future__ import annotations

import copy
import dataclasses
import json

import pytest

from govdecide import analyses as an
from govdecide.io.scenario import scenario_from_data
from govdecide.model.engine import solve
from govdecide.model.settings import Settings
from tests.analyses.scenarios import TWO, random_scenario, unbounded_two


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


def test_a_small_cost_of_fairness_is_not_said_as_nothing():
    """London's frontier said "costs 0.0% of the people served (2,766 fewer people)".
    E from 0.9 to 0.8997 is a cost of 0.0003 / 0.9 = 0.0333%: two significant digits
    when one decimal would show 0.0%; people are whole."""
    pof = an.PriceOfFairness(0.4, 0.5, 0.9, 0.8997, 9_000_000.4, 8_997_234.6)
    assert pof.sentence("en") == (
        "Raising the worst-served district from 40.0% to 50.0% costs 0.033% of the people "
        "served (2,766 fewer people)."
    )
    assert "0.033%" in pof.sentence("zh") and "2,766" in pof.sentence("zh")


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
