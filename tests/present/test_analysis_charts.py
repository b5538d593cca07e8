"""The analyses' tables feed the charts: each builds with its data and words."""

from __future__ import annotations

import json

import pytest

from govdecide import analyses as an
from govdecide.model.engine import solve
from govdecide.model.settings import Settings
from tests.analyses.scenarios import random_scenario, two, unbounded_two


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
