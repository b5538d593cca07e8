"""Twoton, the two-district city of the present tests (see test_summary.py for its
figures worked out on paper): Avon (1,000 people, no clinic) and Brook (3,000 people,
10 clinics serving 1,000); a clinic costs 10 and serves 100; budget 100, max-min.
With budget B the max-min optimum gives Avon (10 + B/10) / 4 clinics and Brook the rest,
both districts reaching coverage (10 + B/10) / 40: 5 and 5 clinics, 50%, at B = 100.
"""

from __future__ import annotations

import pytest

from govdecide import Settings, parse_scenario, solve

TWOTON = """
format: govdecide/v1
name: {en: Twoton, zh: 双城}
currency: {en: coins, zh: 枚}
districts:
  - {id: avon, name: {en: Avon, zh: 艾文}, population: 1000, tile: [0, 0]}
  - {id: brook, name: {en: Brook, zh: 溪区}, population: 3000, tile: [1, 0],
     baseline: {clinic: 10}}
programs:
  - id: clinic
    name: {en: Clinic, zh: 诊所}
    unit_cost: 10
    capacity: 100
    need: {indicator: population}
policy: {budget: 100, equity_weight: 1}
"""


@pytest.fixture(scope="module")
def twoton():
    return parse_scenario(TWOTON, "twoton.yaml")


@pytest.fixture(scope="module")
def maxmin(twoton):
    return solve(twoton, Settings())
