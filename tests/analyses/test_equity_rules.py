"""The equity rules other than max-min, on the two-district scenario without p1's cap.

At lambda = 0: coverage a = 0.1 x1, b = 0.05 x2; E = (10 x1 + 5 x2) / 200; budget 10.
"""

from __future__ import annotations

import pytest

from govdecide.analyses import Sweep
from govdecide.analyses.equity_rules import EquityRule, rule_met
from govdecide.model.formulation import AllocationModel
from govdecide.model.problem import problem_data
from govdecide.model.settings import Settings
from tests.analyses.scenarios import unbounded_two


def _units(result) -> dict[tuple[str, str], float]:
    return result.allocation.set_index(["district", "program"])["new_units"].to_dict()


def test_coverage_floor_rule():
    """Need 100 in a (program p1, 10 per unit) and 100 in b (p2, 5 per unit), budget 10.

    Floor 0.2: 0.1 x1 >= 0.2 -> x1 >= 2, 0.05 x2 >= 0.2 -> x2 >= 4. With lambda = 0 the
    rest goes to p1 (10 people per unit against 5): x1 = 6, x2 = 4,
    E = (60 + 20) / 200 = 0.4, coverage (0.6, 0.2).
    """
    scenario = unbounded_two(equity_weight=0)
    sweep = Sweep(scenario, EquityRule("floor", 0.2))
    res = sweep.solve(Settings())
    assert res.status == "optimal"
    units = _units(res)
    assert units[("a", "p1")] == 6 and units[("b", "p2")] == 4
    assert res.efficiency == pytest.approx(0.4)
    assert rule_met(EquityRule("floor", 0.2), res.allocation, res.districts)
    assert not rule_met(EquityRule("floor", 0.25), res.allocation, res.districts)
    model = AllocationModel(problem_data(scenario))
    names = EquityRule("floor", 0.2).apply(model)
    assert names == ["coverage_floor__a", "coverage_floor__b"]
    assert set(names) <= set(model.constraints)


def test_program_floor_rule_names_every_pair_with_need():
    """Program floor 0.2: c_a,p1 >= 0.2 and c_b,p2 >= 0.2 (pairs without need get none).

    Same answer as the district floor here (one program with need per district):
    x1 = 6, x2 = 4.
    """
    scenario = unbounded_two(equity_weight=0)
    sweep = Sweep(scenario, EquityRule("program_floor", 0.2))
    res = sweep.solve(Settings())
    assert _units(res)[("b", "p2")] == 4
    model = AllocationModel(problem_data(scenario))
    names = set(EquityRule("program_floor", 0.2).apply(model))
    assert names == {n for n in model.constraints if n.startswith("program_floor")}
    assert names == {"program_floor__a__p1", "program_floor__b__p2"}


def test_spread_cap_rule():
    """MAD of coverage with equal populations is |cov_a - cov_b| / 2; cap 0.05.

    |0.1 x1 - 0.05 x2| <= 0.1 with x1 + x2 <= 10, maximize 10 x1 + 5 x2:
    x1 = 10 - x2 gives |1 - 0.15 x2| <= 0.1 -> x2 in [6, 7.33] -> x2 = 6, x1 = 4,
    coverage (0.4, 0.3), MAD 0.05, E = (40 + 30) / 200 = 0.35. (x2 = 5 forces x1 <= 3.)
    Without the cap: x1 = 10, x2 = 0, MAD 0.5.
    """
    scenario = unbounded_two(equity_weight=0)
    rule = EquityRule("spread", 0.05)
    res = Sweep(scenario, rule).solve(Settings())
    units = _units(res)
    assert (units[("a", "p1")], units[("b", "p2")]) == (4, 6)
    assert res.efficiency == pytest.approx(0.35)
    assert rule_met(rule, res.allocation, res.districts)
    free = Sweep(scenario).solve(Settings())
    assert _units(free)[("a", "p1")] == 10
    assert not rule_met(rule, free.allocation, free.districts)


def test_bad_rules_are_rejected():
    """A rule kind that does not exist, or a share outside [0, 1], is a programming error."""
    with pytest.raises(ValueError):
        EquityRule("lottery", 0.1)
    with pytest.raises(ValueError):
        EquityRule("floor", 1.5)
