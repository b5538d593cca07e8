"""Tiny scenarios whose optima are computed on paper in the tests' docstrings."""

from __future__ import annotations

from govdecide import parse_scenario
from govdecide.io.scenario import Scenario

# One district of 100 people; clinics serve 10 people per unit, schools 5, both cost 1,
# units are continuous, the budget buys 10 units, no equity weight. With weight shares
# (a, 1 - a) the objective is E = (a s_clinic + (1 - a) s_school) / 100: a budget unit is
# worth 10a in clinics and 5(1 - a) in schools, so for a > 1/3 the optimum puts all 10
# units in clinics (s_clinic = 100, E = a) and for a < 1/3 all in schools (s_school = 50,
# E = (1 - a) / 2).
ONE_DISTRICT = """\
format: govdecide/v1
name: Onetown
districts:
  - {id: d, name: D, population: 100}
programs:
  - {id: clinic, name: Clinic, unit_cost: 1, capacity: 10, integer: false,
     need: {indicator: population}}
  - {id: school, name: School, unit_cost: 1, capacity: 5, integer: false,
     need: {indicator: population}}
policy: {budget: 10, equity_weight: 0}
"""

# The same with a third program of scenario weight 2 (the room does not set it).
THREE_PROGRAMS = """\
format: govdecide/v1
name: Threetown
districts:
  - {id: d, name: D, population: 100}
programs:
  - {id: clinic, name: Clinic, unit_cost: 1, capacity: 10, integer: false,
     need: {indicator: population}}
  - {id: school, name: School, unit_cost: 1, capacity: 5, integer: false,
     need: {indicator: population}}
  - {id: park, name: Park, unit_cost: 1, capacity: 5, integer: false, weight: 2,
     need: {indicator: population}}
policy: {budget: 10, equity_weight: 0}
"""


def one_district() -> Scenario:
    """:data:`ONE_DISTRICT`, parsed."""
    return parse_scenario(ONE_DISTRICT, "onetown.yaml")


def three_programs() -> Scenario:
    """:data:`THREE_PROGRAMS`, parsed."""
    return parse_scenario(THREE_PROGRAMS, "threetown.yaml")
