"""Seeded benchmark instances: a region of n districts as a scenario mapping.

The repository's own generator (``scripts/generate_region.py``, ``generate(n_districts,
n_programs, seed) -> dict``) is used when it is present, so the benchmark measures the
bundled large region's kind of data; otherwise the small generator below stands in. Each
table says which one it used. Both are deterministic in (n_districts, n_programs, seed).
"""

from __future__ import annotations

import importlib.util
import math
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Program templates: (id, unit_cost, capacity, staff, integer, need, max_units).
# need is (indicator, per_capita, scale). Facilities are integer, funding lines continuous.
_TEMPLATES: list[tuple[str, float, float, float, bool, tuple[str, bool, float], float | None]] = [
    ("health_station", 400, 9000, 12, True, ("population", False, 1.0), 8),
    ("elderly_care", 600, 1250, 25, True, ("elderly_share", True, 1.0), 10),
    ("school_places", 120, 100, 7, False, ("children_share", True, 1.0), None),
    ("ambulance", 250, 30000, 14, True, ("population", False, 1.0), 4),
    ("community_grant", 15, 10, 0.2, False, ("hotline_calls_per_10k", True, 1e-4), None),
    ("mental_health", 300, 4000, 9, True, ("hotline_calls_per_10k", True, 0.01), 6),
    ("home_care", 40, 60, 1.5, False, ("elderly_share", True, 0.5), None),
    ("library", 500, 20000, 6, True, ("population", False, 1.0), 3),
    ("youth_centre", 200, 2500, 5, True, ("children_share", True, 1.0), 5),
    ("transport_grant", 25, 40, 0.1, False, ("population", False, 0.05), None),
    ("fire_station", 900, 60000, 20, True, ("population", False, 1.0), 2),
    ("digital_access", 10, 25, 0.05, False, ("children_share", True, 0.6), None),
]


def _inline(n_districts: int, n_programs: int, seed: int) -> dict[str, Any]:
    """A region like the bundled large one: uneven, older and poorer outskirts."""
    rng = random.Random(seed)
    programs_t = _TEMPLATES[: max(1, min(n_programs, len(_TEMPLATES)))]
    districts = []
    for i in range(n_districts):
        urban = rng.random()
        population = int(math.exp(rng.gauss(10.6 + 0.8 * urban, 0.6)))
        population = max(population, 2000)
        ind = {
            "elderly_share": round(0.28 - 0.18 * urban + rng.uniform(-0.03, 0.03), 4),
            "children_share": round(rng.uniform(0.08, 0.18), 4),
            "hotline_calls_per_10k": round(rng.uniform(30, 120) + 180 * (1 - urban), 1),
        }
        served_share = 0.15 + 0.7 * urban * rng.uniform(0.6, 1.0)
        baseline = {}
        for pid, _cost, cap, _staff, _int, (indic, per_cap, scale), _mx in programs_t:
            value = population if indic == "population" else ind[indic]
            need = (value * population if per_cap else value) * scale
            units = served_share * need / cap
            baseline[pid] = float(math.floor(units)) if _int else round(units, 2)
        districts.append(
            {
                "id": f"d{i:05d}",
                "name": f"District {i + 1}",
                "population": population,
                "indicators": ind,
                "baseline": baseline,
            }
        )
    programs = []
    unmet_cost = 0.0
    unmet_staff = 0.0
    for pid, cost, cap, staff, integer, (indic, per_cap, scale), max_units in programs_t:
        prog: dict[str, Any] = {
            "id": pid,
            "name": pid.replace("_", " ").capitalize(),
            "unit_cost": cost,
            "capacity": cap,
            "staff_per_unit": staff,
            "integer": integer,
            "need": {"indicator": indic, "per_capita": per_cap, "scale": scale},
        }
        if max_units is not None:
            prog["max_units"] = max_units
        programs.append(prog)
        for d in districts:
            pop = d["population"]
            value = pop if indic == "population" else d["indicators"][indic]
            need = (value * pop if per_cap else value) * scale
            gap_units = max(0.0, need / cap - d["baseline"][pid])
            if max_units is not None:
                gap_units = min(gap_units, max_units)
            unmet_cost += cost * gap_units
            unmet_staff += staff * gap_units
    return {
        "format": "govdecide/v1",
        "name": f"Generated region ({n_districts} districts, seed {seed})",
        "indicators": [
            {"id": "elderly_share", "source": "generated"},
            {"id": "children_share", "source": "generated"},
            {"id": "hotline_calls_per_10k", "source": "generated"},
        ],
        "districts": districts,
        "programs": programs,
        "policy": {
            "budget": round(0.35 * unmet_cost, -1),
            "staff": round(0.3 * unmet_staff, -1),
            "equity_weight": 0.3,
        },
    }


def _repo_generator() -> Callable[[int, int, int], dict[str, Any]] | None:
    """scripts/generate_region.py's ``generate`` when the repository has it, else None."""
    path = ROOT / "scripts" / "generate_region.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("_govdecide_generate_region", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception:  # noqa: BLE001 - a half-written script must not stop the benchmark
        return None
    return getattr(module, "generate", None)


def generator_name() -> str:
    """Which generator the instances come from (printed with every table)."""
    return "scripts/generate_region.py" if _repo_generator() else "benchmarks/instances.py (inline)"


def region(n_districts: int, seed: int = 1, n_programs: int = 8) -> dict[str, Any]:
    """A seeded region of ``n_districts`` districts as scenario data (govdecide/v1)."""
    gen = _repo_generator()
    if gen is not None:
        return gen(n_districts, n_programs, seed)
    return _inline(n_districts, n_programs, seed)
