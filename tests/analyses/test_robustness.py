"""Robustness under perturbed need: seeded, bounded, and summarised per pair and district."""

from __future__ import annotations

import json

import numpy as np

from govdecide import analyses as an
from govdecide.model.problem import problem_data
from govdecide.model.settings import Settings
from tests.analyses.scenarios import random_scenario


def test_perturbation_is_seeded_and_bounded():
    """Need moves by at most ±spread, one factor per (district, indicator), from the seed."""
    scenario = random_scenario(7)
    data = problem_data(scenario)
    a = an.perturbed_data(scenario, data, 0.2, np.random.default_rng(3))
    b = an.perturbed_data(scenario, data, 0.2, np.random.default_rng(3))
    assert a.pairs["need"].equals(b.pairs["need"])
    ratio = a.pairs["need"] / data.pairs["need"]
    assert ((ratio >= 0.8 - 1e-12) & (ratio <= 1.2 + 1e-12)).all()
    # clinic and grant both use population: the same factor in each district
    r = ratio.unstack("program")
    assert np.allclose(r["clinic"], r["grant"])
    assert not np.allclose(r["clinic"], r["beds"])
    assert (a.pairs["base_served"] <= a.pairs["need"] + 1e-9).all()


def test_robustness_reproducible_from_seed():
    """The same seed gives identical tables; progress reaches runs/runs."""
    scenario = random_scenario(8)
    calls = []
    r1 = an.robustness(
        scenario, Settings(), spread=0.15, runs=6, seed=11, progress=lambda d, n: calls.append(d)
    )
    r2 = an.robustness(scenario, Settings(), spread=0.15, runs=6, seed=11)
    assert calls == [1, 2, 3, 4, 5, 6]
    assert r1.pairs.equals(r2.pairs)
    assert r1.districts.equals(r2.districts)
    assert r1.efficiency == r2.efficiency and r1.statuses == r2.statuses
    assert r1.solved == 6
    # district summaries count the whole-unit programs (clinic, beds), not the grant line
    assert r1.counted == ("clinic", "beds")
    assert 0 <= r1.all_within_one <= r1.districts["within_one"].min()
    assert (r1.pairs["min_units"] <= r1.pairs["max_units"]).all()
    assert r1.pairs["within_one"].between(0, 1).all()
    json.dumps(r1.to_dict(), default=float)


def test_robustness_counts_every_program_when_none_is_whole():
    """With only continuous programs, the district summary counts all of them."""
    r = an.robustness(random_scenario(10, integer=False), Settings(), spread=0.1, runs=2, seed=1)
    assert r.counted == ("clinic", "beds", "grant")


def test_robustness_without_spread_keeps_the_base():
    """spread 0: every run is the base problem, so the units never move (within_one = 1)."""
    r = an.robustness(random_scenario(9), Settings(), spread=0.0, runs=3, seed=1)
    assert (r.pairs["within_one"] == 1).all()
    assert (r.pairs["min_units"] == r.pairs["base_units"]).all()
    assert (r.districts["within_one"] == 1).all()
