"""Slider moves reuse the built model (issue 6 item 6): asserted on the mechanism, not time.

The Allocator counts the models it builds (``builds``) and says whether the last solve
reused one (``last_reused``); a result says whether HiGHS's kept copy of the problem was
updated in place (``timings["solver_reused"]``) rather than built again.
"""

from __future__ import annotations

import math

from govdecide import Allocator, Settings, load_scenario
from tests.conftest import SCENARIOS


def riverton_allocator() -> Allocator:
    """The teaching city (10 districts, 3 integer programs, equity weight 0.3)."""
    return Allocator(load_scenario(SCENARIOS / "riverton.yaml"))


def test_budget_equity_and_staff_moves_build_once():
    """Five slider moves (budget, equity weight, staff, staff 'no limit', back): one build,
    one solver model, and every answer within its limits."""
    allocator = riverton_allocator()
    first = allocator.solve(Settings())
    moves = [
        Settings(budget=30000),
        Settings(budget=30000, equity_weight=0.8),
        Settings(budget=30000, equity_weight=0.8, staff=900),
        Settings(budget=30000, equity_weight=0.8, staff=math.inf),
        Settings(),
    ]
    results = [allocator.solve(s) for s in moves]
    assert allocator.builds == 1 and allocator.last_reused
    assert first.timings["solver_reused"] == 0.0
    assert [r.timings["solver_reused"] for r in results] == [1.0] * len(moves)
    assert all(r.has_solution for r in results)
    assert results[0].budget_used <= 30000 + 1e-6
    assert results[2].staff_used <= 900 + 1e-6
    assert results[3].staff is None
    # back at the scenario's own settings: the same allocation as the first solve
    assert results[-1].allocation["new_units"].tolist() == first.allocation["new_units"].tolist()


def test_a_weight_move_builds_a_second_model_and_keeps_the_first():
    """Program weights are model coefficients: a new weight builds once more (2), and going
    back to the old weights reuses the first model (still 2)."""
    allocator = riverton_allocator()
    allocator.solve(Settings())
    allocator.solve(Settings(weights={"ambulance": 2.0}))
    allocator.solve(Settings(budget=35000))
    assert allocator.builds == 2


def test_lp_slider_moves_reuse_the_solver_model():
    """All-continuous (LP) moves of budget and equity weight: one build, one HiGHS model."""
    allocator = riverton_allocator()
    allocator.solve(Settings(integer=False))
    for budget, weight in ((20000, 0.0), (45000, 0.5), (60000, 1.0)):
        result = allocator.solve(Settings(integer=False, budget=budget, equity_weight=weight))
        assert result.status == "optimal"
        assert result.budget_used <= budget + 1e-6
        assert result.timings["solver_reused"] == 1.0
    assert allocator.builds == 1
