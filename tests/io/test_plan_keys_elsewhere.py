"""A v1.1 plan (budget and staff given per year) opens everywhere a one-year scenario does:
the sliders start at its first year, the table editor edits the first year and keeps the
later ones, and a table import with it as template says its first year's budget."""

from __future__ import annotations

from govdecide.io.scenario import parse_scenario
from govdecide.io.table_edit import scenario_frames, scenario_from_frames

PLAN = """
format: govdecide/v1
name: Two years
policy: {budget: [10, 30], staff: [5, 6], equity_weight: 0.5, years: 2}
districts:
  - {id: a, name: A, population: 100}
programs:
  - {id: p, name: P, unit_cost: 10, capacity: 100, integer: true, need: {indicator: population}}
"""


def test_the_editor_edits_the_first_year_and_keeps_the_later_ones():
    scenario = parse_scenario(PLAN)
    frames = scenario_frames(scenario)
    assert frames["policy"].iloc[0].tolist() == [10.0, 5.0, 0.5]
    frames["policy"].loc[0, "budget"] = 12.0
    again = scenario_from_frames(scenario, frames)
    assert again.policy.budget == [12.0, 30.0] and again.policy.staff == [5.0, 6.0]


def test_the_sliders_start_at_the_first_year():
    from ui import controls

    specs = {s.param: s for s in controls.control_specs(parse_scenario(PLAN), "en")}
    assert specs["policy.budget"].default == 10.0
    assert specs["policy.staff"].default == 5.0
