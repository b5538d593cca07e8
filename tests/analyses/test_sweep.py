"""One built model for many solves: the reuse a sweep promises, seen through its counters."""

from __future__ import annotations

from govdecide import analyses as an
from govdecide.model.settings import Settings
from tests.analyses.scenarios import unbounded_two


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
