"""Small scenarios whose optima are worked out by hand in the analyses' tests."""

from __future__ import annotations

import copy
import random

from govdecide.io.scenario import scenario_from_data

# Two districts, one program each: p1 serves 10 people per unit in a, p2 serves 5 in b;
# both cost 1 and need is 100 in each district. Coverage: a = 0.1 x1, b = 0.05 x2;
# E = (10 x1 + 5 x2) / 200; z = min(0.1 x1, 0.05 x2).
TWO = {
    "format": "govdecide/v1",
    "name": {"en": "Two districts", "zh": "两个区"},
    "indicators": [{"id": "i1"}, {"id": "i2"}],
    "districts": [
        {"id": "a", "name": "A", "population": 100, "indicators": {"i1": 1, "i2": 0}},
        {"id": "b", "name": "B", "population": 100, "indicators": {"i1": 0, "i2": 1}},
    ],
    "programs": [
        {
            "id": "p1",
            "name": "P1",
            "unit_cost": 1,
            "capacity": 10,
            "integer": True,
            "max_units": 5,
            "need": {"indicator": "i1", "per_capita": True},
        },
        {
            "id": "p2",
            "name": "P2",
            "unit_cost": 1,
            "capacity": 5,
            "integer": True,
            "need": {"indicator": "i2", "per_capita": True},
        },
    ],
    "policy": {"budget": 10, "equity_weight": 0.5},
}


def two(**policy) -> object:
    """The two districts, p1 capped at 5 units, with these policy values."""
    data = copy.deepcopy(TWO)
    data["policy"].update(policy)
    return scenario_from_data(data)


def unbounded_two(**policy) -> object:
    """The two districts without p1's unit cap of 5."""
    data = copy.deepcopy(TWO)
    del data["programs"][0]["max_units"]
    data["policy"].update(policy)
    return scenario_from_data(data)


def random_scenario(
    seed: int, districts: int = 6, integer: bool = True, all_integer: bool = False
) -> object:
    """A seeded scenario with three programs, baselines and a budget short of the need.

    The grant line is continuous unless ``all_integer``.
    """
    rng = random.Random(seed)
    ds = []
    for i in range(districts):
        ds.append(
            {
                "id": f"d{i}",
                "name": f"D{i}",
                "population": rng.randint(2, 30) * 1000,
                "indicators": {"old": round(rng.uniform(0.05, 0.3), 3)},
                "baseline": {"clinic": rng.randint(0, 2), "grant": rng.randint(0, 3)},
            }
        )
    programs = [
        {
            "id": "clinic",
            "name": "Clinic",
            "unit_cost": 7,
            "capacity": 4000,
            "integer": integer,
            "max_units": 6,
            "need": {"indicator": "population"},
        },
        {
            "id": "beds",
            "name": "Beds",
            "unit_cost": 5,
            "capacity": 900,
            "integer": integer,
            "max_units": 8,
            "need": {"indicator": "old", "per_capita": True},
        },
        {
            "id": "grant",
            "name": "Grant",
            "unit_cost": 2,
            "capacity": 1500,
            "integer": all_integer,
            "need": {"indicator": "population"},
            "weight": 0.5,
        },
    ]
    return scenario_from_data(
        {
            "format": "govdecide/v1",
            "name": f"Random {seed}",
            "indicators": [{"id": "old"}],
            "districts": ds,
            "programs": programs,
            "policy": {"budget": 20 * districts, "equity_weight": 0.3},
        }
    )
