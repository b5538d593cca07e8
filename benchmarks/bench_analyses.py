"""Analyses benchmark (issue 4 item 7): a 20-point frontier on the teaching city and on 300
generated districts, plus a budget curve and robustness runs on the teaching city.

For each run it prints the wall time, the number of solves, how many models were built
(the sweep reuses one model and changes only bounds and the objective between solves),
the solve methods the engine chose, the statuses, and the largest gap of any point.

    python -m benchmarks.bench_analyses                 # teaching city and 300 districts
    python -m benchmarks.bench_analyses --milp          # also force the plain MILP at 300
    python -m benchmarks.bench_analyses --write         # also refresh docs/benchmarks_analyses.md
"""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any

from benchmarks.common import (
    command_line,
    generator_line,
    instance_data,
    machine,
    secs,
    stamp,
    timed,
    write_section,
)
from benchmarks.instances import ROOT
from govdecide import Settings, load_scenario
from govdecide import analyses as an
from govdecide.io.scenario import Scenario, scenario_from_data
from govdecide.model.problem import problem_data

RIVERTON = ROOT / "scenarios" / "riverton.yaml"


def frontier_row(label: str, scenario: Scenario, settings: Settings, points: int) -> list[str]:
    """One table row: a frontier's time, solves, builds, methods, statuses and worst gap."""
    sweep = an.Sweep(scenario)
    fr, wall = timed(lambda: an.frontier(scenario, settings, points=points, sweep=sweep))
    methods = Counter(p.result.method for p in fr.points)
    statuses = Counter(p.status for p in fr.points)
    gaps = [p.result.gap for p in fr.points if p.result.gap is not None]
    return [
        label,
        str(len(scenario.districts)),
        settings.method,
        f"{problem_data(scenario, settings).gap:.2%}",
        f"{len(fr.points)} of {points}",
        str(fr.solves),
        f"{sweep.builds} + {sweep.aux_builds}",
        ", ".join(f"{m} {n}" for m, n in sorted(methods.items())),
        ", ".join(f"{s} {n}" for s, n in sorted(statuses.items())),
        "–" if not gaps else f"{max(gaps) * 100:.3f}%",
        secs(wall),
        secs(wall / max(1, fr.solves)),
    ]


def table(header: list[str], rows: list[list[str]]) -> str:
    """A markdown table."""
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (optionally write) its markdown section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--milp", action="store_true", help="also force the plain MILP at 300")
    parser.add_argument("--time-limit", type=float, default=30.0, help="per solve, seconds")
    parser.add_argument("--write", action="store_true", help="refresh docs/benchmarks_analyses.md")
    args = parser.parse_args(argv)

    city = load_scenario(RIVERTON)
    big = scenario_from_data(instance_data(300))
    base = Settings(time_limit_s=args.time_limit)
    rows = [
        frontier_row("Riverton (teaching city)", city, base, args.points),
        frontier_row("generated region", big, base, args.points),
    ]
    if args.milp:
        rows.append(frontier_row("generated region", big, base.with_(method="milp"), args.points))
    header = [
        "scenario",
        "districts",
        "method asked",
        "gap asked",
        "points kept",
        "solves",
        "models built (main + fair end)",
        "methods used",
        "statuses",
        "largest gap",
        "total s",
        "s per solve",
    ]

    extra: list[list[Any]] = []
    curve, wall = timed(lambda: an.budget_curve(city, base, points=11))
    extra.append(["budget curve, 11 budgets (+ base, +10%)", len(curve.points), curve.builds, wall])
    rob, wall = timed(lambda: an.robustness(city, base, spread=0.1, runs=50, seed=1))
    extra.append(["robustness, ±10%, 50 runs", rob.runs + 1, rob.runs + 1, wall])
    mb, wall = timed(lambda: an.min_budget(city, base, coverage=0.9))
    extra.append([f"min-budget at 90% (answer {mb.budget})", 2, 2, wall])
    extra_rows = [[str(a), str(b), str(c), secs(d)] for a, b, c, d in extra]

    body = "\n".join(
        [
            "## Analyses (issue 4)",
            "",
            f"{stamp()}; `{command_line('benchmarks.bench_analyses')}`; {machine()}.",
            generator_line(),
            f"Per-solve time limit {args.time_limit:g} s; relative gap as each scenario asks.",
            "",
            f"Frontier with {args.points} points (epsilon-constraint; duplicate and dominated "
            "points dropped, so 'points kept' can be fewer with whole units):",
            "",
            table(header, rows),
            "",
            "Teaching city, other analyses:",
            "",
            table(["analysis", "solves", "models built", "total s"], extra_rows),
        ]
    )
    print(body)
    if args.write:
        write_section("analyses", body, ROOT / "docs" / "benchmarks_analyses.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
