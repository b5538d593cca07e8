"""Snapshots: saved, read back from their file, and compared by district."""

from __future__ import annotations

import pytest

from govdecide import analyses as an
from govdecide.model.engine import solve
from govdecide.model.settings import Settings
from tests.analyses.scenarios import two


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
    assert frame.at["b", "spend_diff"] == pytest.approx(2)  # two more units at 1 each
    assert "units_diff" not in frame  # units of different programs do not add up
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
