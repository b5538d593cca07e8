"""Small scenarios and steps whose optima are worked out by hand in the story's tests.

Two districts of 100 people. North needs program p1 only, South p2 only (need 100 each);
both cost 1 a unit with continuous units; a unit of p1 serves 10 people, of p2 5. So
with budget B and x1 + x2 <= B: coverage North = x1 / 10, South = x2 / 20 (each capped at
1), E = (10 x1 + 5 x2) / 200, z = the lower coverage.

- equity weight 0, B = 10: every unit to North (10 people a unit against 5): x1 = 10,
  North 100%, South 0%, E = 50%, z = 0, 100 people served.
- equity weight 0.5, B = 10: the objective rises with x1 up to North = South, where
  x1 / 10 = x2 / 20 and x1 + x2 = 10: x1 = 10/3, x2 = 20/3, both 33.3%, E = z = 1/3,
  66.7 people served. (Past that point it falls: d/dx1 = 0.025 (1 - lam) - 0.05 lam < 0
  for lam > 1/3.)
- equity weight 0, B = 16: North is full at x1 = 10 (its need is 100), the rest to
  South: x2 = 6, North 100%, South 30%, E = 130 / 200 = 65%, z = 30%, 130 served.

The price of fairness of the equity-weight-0.5 step at B = 10 is measured from the first:
(50% - 33.3%) / 50% = 33.3% of the people served, 33.3 people fewer.
"""

from __future__ import annotations

import copy
from typing import Any

from govdecide.io.scenario import Scenario, scenario_from_data
from govdecide.model.settings import Settings
from govdecide.store import Focus, StepDraft

TWO: dict[str, Any] = {
    "format": "govdecide/v1",
    "name": {"en": "Two districts", "zh": "两个区"},
    "indicators": [{"id": "i1"}, {"id": "i2"}],
    "districts": [
        {"id": "north", "name": {"en": "North", "zh": "北区"}, "population": 100,
         "indicators": {"i1": 1, "i2": 0}},
        {"id": "south", "name": {"en": "South", "zh": "南区"}, "population": 100,
         "indicators": {"i1": 0, "i2": 1}},
    ],
    "programs": [
        {"id": "p1", "name": "P1", "unit_cost": 1, "capacity": 10,
         "need": {"indicator": "i1", "per_capita": True}},
        {"id": "p2", "name": "P2", "unit_cost": 1, "capacity": 5,
         "need": {"indicator": "i2", "per_capita": True}},
    ],
    "policy": {"budget": 10, "equity_weight": 0},
}  # fmt: skip
HASH = "a" * 64


def two(**program_changes: Any) -> Scenario:
    """The two districts (changes apply to program p1)."""
    data = copy.deepcopy(TWO)
    data["programs"][0].update(program_changes)
    return scenario_from_data(data)


def step(title: Any, focus: Focus | None = None, sha: str = HASH, **settings: Any) -> StepDraft:
    """A step of the two districts with these settings."""
    return StepDraft(title, "two", sha, Settings(**settings), focus=focus)
