#!/usr/bin/env python3
"""Seeded generator of large *synthetic* govdecide scenarios (format govdecide/v1).

Every figure it writes is invented. The region is a square grid of districts with a dense,
well-served, better-off centre and an older, poorer, less-served periphery, so the
efficiency/equity trade-off is visible at any size. Programs mix integer facilities and
continuous lines. The output is deterministic for a given (districts, programs, seed): it
uses only Python's `random.Random(seed)` (whose stream is stable across Python versions),
never global random state.

    python scripts/generate_region.py --districts 3000 --programs 8 --seed 1 \\
        --out scenarios/large_region.yaml

Benchmarks can import `generate(n_districts, n_programs, seed) -> dict` (a scenario as a
plain dict, the same structure that yaml.safe_load gives for the written file) and
`dump(scenario) -> str`. Importing this module has no side effects.
"""

from __future__ import annotations

import argparse
import math
import random
import sys

import yaml

FORMAT = "govdecide/v1"

# Indicators every district gets (all synthetic).
INDICATORS = [
    ("elderly_share", {"en": "Share aged 65+", "zh": "65岁以上人口占比"}, "share"),
    ("children_share", {"en": "Share aged 5-14", "zh": "5-14岁人口占比"}, "share"),
    (
        "hotline_calls_per_10k",
        {"en": "Hardship hotline calls per 10k residents", "zh": "每万人困难求助热线来电数"},
        {"en": "calls per 10k residents", "zh": "次/万人"},
    ),
    (
        "median_income",
        {"en": "Median household income", "zh": "家庭收入中位数"},
        {"en": "thousand per year", "zh": "千/年"},
    ),
    ("unemployment_share", {"en": "Unemployment rate", "zh": "失业率"}, "share"),
    (
        "disability_share",
        {"en": "Share with a disability needing care", "zh": "需照护的残障人口占比"},
        "share",
    ),
]

# Program templates: id, name, unit, unit_cost, capacity, staff_per_unit, integer, need,
# max_units (integer programs only; kept small so the integer model stays tractable).
PROGRAM_TEMPLATES = [
    dict(
        id="health_station",
        name={"en": "Community health station", "zh": "社区卫生服务站"},
        unit={"en": "station", "zh": "个"},
        unit_cost=400,
        capacity=9000,
        staff_per_unit=12,
        integer=True,
        need={"indicator": "population"},
        max_units=3,
    ),
    dict(
        id="elderly_care",
        name={"en": "Elderly-care beds (block of 50)", "zh": "养老床位（每组50张）"},
        unit={"en": "block of 50 beds", "zh": "组"},
        unit_cost=600,
        capacity=1250,
        staff_per_unit=25,
        integer=True,
        need={"indicator": "elderly_share", "per_capita": True},
        max_units=3,
    ),
    dict(
        id="school_places",
        name={"en": "School places", "zh": "学位"},
        unit={"en": "100 places", "zh": "百个学位"},
        unit_cost=120,
        capacity=100,
        staff_per_unit=7,
        integer=False,
        need={"indicator": "children_share", "per_capita": True},
    ),
    dict(
        id="ambulance",
        name={"en": "Emergency ambulance unit", "zh": "急救车组"},
        unit={"en": "unit", "zh": "组"},
        unit_cost=250,
        capacity=30000,
        staff_per_unit=14,
        integer=True,
        need={"indicator": "population"},
        max_units=2,
    ),
    dict(
        id="community_grant",
        name={"en": "Small-business and community grant line", "zh": "小微企业与社区资助"},
        unit={"en": "grant package", "zh": "份资助"},
        unit_cost=15,
        capacity=10,
        staff_per_unit=0.2,
        integer=False,
        need={"indicator": "hotline_calls_per_10k", "per_capita": True, "scale": 0.0001},
    ),
    dict(
        id="community_centre",
        name={"en": "Community centre", "zh": "社区活动中心"},
        unit={"en": "centre", "zh": "个"},
        unit_cost=300,
        capacity=25000,
        staff_per_unit=6,
        integer=True,
        need={"indicator": "population"},
        max_units=2,
    ),
    dict(
        id="home_care",
        name={"en": "Home-care hours", "zh": "居家照护服务"},
        unit={"en": "care team", "zh": "个照护小组"},
        unit_cost=40,
        capacity=20,
        staff_per_unit=1,
        integer=False,
        need={"indicator": "disability_share", "per_capita": True},
    ),
    dict(
        id="job_training",
        name={"en": "Job-training places", "zh": "职业培训名额"},
        unit={"en": "course of 50 places", "zh": "期（50个名额）"},
        unit_cost=30,
        capacity=50,
        staff_per_unit=0.5,
        integer=False,
        need={"indicator": "unemployment_share", "per_capita": True},
    ),
]

BUDGET_SHARE = 0.40  # the budget covers this share of the cost of meeting all unmet need
STAFF_SHARE = 0.45  # staff available, as a share of the staff that would take


def _programs(n_programs: int) -> list[dict]:
    """The first n_programs templates; beyond 8 they repeat as variants (id suffix _2, _3...)."""
    out = []
    for k in range(n_programs):
        t = dict(PROGRAM_TEMPLATES[k % len(PROGRAM_TEMPLATES)])
        t["need"] = dict(t["need"])
        rep = k // len(PROGRAM_TEMPLATES)
        if rep:
            t["id"] = f"{t['id']}_{rep + 1}"
            t["name"] = {lang: f"{text} ({rep + 1})" for lang, text in t["name"].items()}
            t["unit_cost"] = round(t["unit_cost"] * (1 + 0.15 * rep), 2)
        out.append(t)
    return out


def _need(d: dict, p: dict) -> float:
    """A district's need for a program as MODEL.md defines it, to size baselines and budget."""
    n = p["need"]
    if n["indicator"] == "population":
        v = d["population"]
    else:
        v = d["indicators"][n["indicator"]]
        if n.get("per_capita"):
            v *= d["population"]
    return v * n.get("scale", 1)


def generate(n_districts: int, n_programs: int, seed: int) -> dict:
    """Return a synthetic govdecide/v1 scenario as a plain dict (deterministic in seed)."""
    if n_districts < 1 or n_programs < 1:
        raise ValueError("need at least 1 district and 1 program")
    # A seeded, reproducible stream for invented figures, not for security (the output
    # must be the same file for the same seed on every machine).
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducibility is the point
    side = math.ceil(math.sqrt(n_districts))
    centre = (side - 1) / 2
    max_r = math.hypot(centre, centre) or 1.0
    width = len(str(n_districts))
    programs = _programs(n_programs)

    def clip(x: float, lo: float, hi: float) -> float:
        """x held within [lo, hi], so random noise never gives a share above 1 or below 0."""
        return min(hi, max(lo, x))

    districts = []
    for i in range(n_districts):
        col, row = i % side, i // side
        r = math.hypot(col - centre, row - centre) / max_r  # 0 at the centre, 1 at a corner
        urban = 1 - r
        pop = int(round(rng.lognormvariate(math.log(8000 + 32000 * urban), 0.35), -1))
        pop = max(pop, 500)
        ind = {
            "elderly_share": round(clip(0.08 + 0.17 * r + rng.gauss(0, 0.025), 0.03, 0.40), 3),
            "children_share": round(clip(0.11 + 0.06 * rng.random() + 0.03 * r, 0.05, 0.30), 3),
            "hotline_calls_per_10k": int(round(clip(50 + 250 * r + rng.gauss(0, 40), 10, 600))),
            "median_income": int(round(clip(35 + 60 * urban + rng.gauss(0, 8), 15, 150))),
            "unemployment_share": round(clip(0.03 + 0.07 * r + rng.gauss(0, 0.01), 0.01, 0.25), 3),
            "disability_share": round(clip(0.03 + 0.04 * r + rng.gauss(0, 0.008), 0.01, 0.15), 3),
        }
        d = {
            "id": f"d{i + 1:0{width}d}",
            "name": f"District {i + 1:0{width}d}",
            "population": pop,
            "tile": [col, row],
            "indicators": ind,
        }
        # Existing provision: the centre is well served, the periphery is not.
        base = {}
        for p in programs:
            frac = clip(0.25 + 0.7 * urban + rng.gauss(0, 0.08), 0.0, 1.1)
            units = frac * _need(d, p) / p["capacity"]
            units = int(units + 0.5) if p["integer"] else round(units, 1)
            if units > 0:
                base[p["id"]] = units
        if base:
            d["baseline"] = base
        districts.append(d)

    # Program definitions as written to the file, plus a few bounds and a spend cap.
    prog_out = []
    written = ("id", "name", "unit", "unit_cost", "capacity", "staff_per_unit")
    for p in programs:
        q = {key: p[key] for key in written}
        if p["integer"]:
            q["integer"] = True
        q["need"] = p["need"]
        if p.get("max_units") is not None:
            q["max_units"] = p["max_units"]
        prog_out.append(q)
    if programs[0]["integer"]:
        # promised new facilities in every 500th district (a floor of one unit)
        prog_out[0]["district_bounds"] = {
            districts[j]["id"]: {"min_units": 1} for j in range(0, n_districts, 500)
        }

    # Cost and staff of meeting all unmet need within the bounds: sets a budget that binds.
    cost_fill = {p["id"]: 0.0 for p in programs}
    staff_fill = 0.0
    for d in districts:
        for p in programs:
            served = p["capacity"] * d.get("baseline", {}).get(p["id"], 0)
            gap = max(0.0, _need(d, p) - served) / p["capacity"]
            if p["integer"]:
                gap = min(math.ceil(gap - 1e-9), p.get("max_units", gap))
            cost_fill[p["id"]] += gap * p["unit_cost"]
            staff_fill += gap * p["staff_per_unit"]
    for q in prog_out:
        if q["id"].startswith("community_grant"):
            q["spend_max"] = int(round(0.3 * cost_fill[q["id"]], -2))  # a capped grant line
    budget = int(round(BUDGET_SHARE * sum(cost_fill.values()), -3))
    staff = int(round(STAFF_SHARE * staff_fill, -1))

    tag = f"{n_districts} districts, {n_programs} programs, seed {seed}"
    return {
        "format": FORMAT,
        "name": {
            "en": f"Synthetic region ({n_districts} districts)",
            "zh": f"合成区域（{n_districts}个区）",
        },
        "description": {
            "en": f"SYNTHETIC test region generated by scripts/generate_region.py ({tag}). "
            "Every figure is random and invented: a dense, well-served centre and an "
            "older, poorer, less-served periphery. For benchmarks and scale tests, not a "
            "real place.",
            "zh": "由 scripts/generate_region.py 生成的合成测试区域"
            f"（{n_districts}个区，{n_programs}个项目，种子 {seed}）。"
            "所有数字均为随机虚构：中心密集且服务充足，外围老龄化、收入低、服务不足。"
            "用于性能与规模测试，并非真实地点。",
        },
        "currency": {"en": "budget units", "zh": "预算单位"},
        "attribution": {
            "en": "Synthetic data — every figure is invented.",
            "zh": "合成数据——所有数字均为虚构。",
        },
        "indicators": [
            {
                "id": iid,
                "name": name,
                "unit": unit,
                "illustrative": True,
                "source": "Synthetic: random figures from scripts/generate_region.py "
                f"({tag}); not data.",
            }
            for iid, name, unit in INDICATORS
        ],
        "districts": districts,
        "programs": prog_out,
        "policy": {
            "budget": budget,
            "staff": staff,
            "equity_weight": 0.3,
            "solver": {"time_limit_s": 60, "gap": 0.01},
        },
        "controls": [
            {
                "param": "policy.budget",
                "min": 0,
                "max": int(round(sum(cost_fill.values()), -3)),
                "step": max(1, int(round(budget / 50, -2))),
            },
            {
                "param": "policy.staff",
                "min": 0,
                "max": int(round(staff_fill, -1)),
                "step": max(1, int(round(staff / 50, -1))),
            },
            {"param": "policy.equity_weight", "min": 0, "max": 1, "step": 0.05},
        ]
        + [
            {"param": f"programs.{p['id']}.weight", "min": 0, "max": 3, "step": 0.1}
            for p in programs
        ],
    }


def _flow(obj: object) -> str:
    """One YAML line in flow style, so 3,000 districts stay one line each and diffable."""
    return yaml.safe_dump(
        obj, default_flow_style=True, width=10**9, allow_unicode=True, sort_keys=False
    ).strip()


def dump(scenario: dict, header: str = "") -> str:
    """YAML text of a scenario: block style on top, one flow-style line per district."""
    block = {k: v for k, v in scenario.items() if k not in ("districts", "programs", "controls")}
    head = {
        k: block[k]
        for k in ("format", "name", "description", "currency", "attribution")
        if k in block
    }
    parts = [header] if header else []
    parts.append(yaml.safe_dump(head, allow_unicode=True, sort_keys=False, width=100).rstrip())
    if "indicators" in scenario:
        parts.append("indicators:")
        parts.extend(f"  - {_flow(i)}" for i in scenario["indicators"])
    parts.append("districts:")
    parts.extend(f"  - {_flow(d)}" for d in scenario["districts"])
    parts.append("programs:")
    parts.extend(f"  - {_flow(p)}" for p in scenario["programs"])
    parts.append(
        yaml.safe_dump(
            {
                k: scenario[k]
                for k in scenario
                if k
                not in (
                    "format",
                    "name",
                    "description",
                    "currency",
                    "attribution",
                    "indicators",
                    "districts",
                    "programs",
                    "controls",
                )
            },
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=None,
        ).rstrip()
    )
    if "controls" in scenario:
        parts.append("controls:")
        parts.extend(f"  - {_flow(c)}" for c in scenario["controls"])
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the scenario; the header records the exact command, so anyone can regenerate."""
    ap = argparse.ArgumentParser(description="Write a seeded synthetic govdecide scenario.")
    ap.add_argument(
        "--districts", type=int, default=3000, help="number of districts (default 3000)"
    )
    ap.add_argument("--programs", type=int, default=8, help="number of programs (default 8)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", default="-", help="output YAML path, '-' for stdout (default)")
    a = ap.parse_args(argv)
    sc = generate(a.districts, a.programs, a.seed)
    header = (
        f"# SYNTHETIC scenario: every figure is invented. Generated by\n"
        f"#   python scripts/generate_region.py --districts {a.districts}"
        f" --programs {a.programs}"
        f" --seed {a.seed} --out {a.out}\n# Do not edit by hand; regenerate instead."
    )
    text = dump(sc, header)
    if a.out == "-":
        sys.stdout.write(text)
    else:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
