"""When a result may be called optimal: its proven gap within the one asked, and no more.

Solvers have their own tolerances and stopping rules, and PuLP calls a time-limited MILP
"Optimal". Every solve method (plain, structured, analyses) reports through these rules, so
that "optimal" means the same everywhere: proven within the requested relative gap, up to
the solvers' own precision.
"""

from __future__ import annotations

from dataclasses import replace

from govdecide.model.result import Result

# Objective values (E, z and their mix) lie in [0, 1]; solvers meet constraints only to
# ~1e-7, so an objective they report can exceed the allocation's own by ~1e-6. A gap
# within that much, in absolute terms, is the solvers' precision, not a shortfall.
ABS_TOL = 1e-6


def within_gap(gap: float | None, bound: float | None, requested: float) -> bool:
    """Whether a gap to a proven bound is within the requested relative gap (and precision)."""
    if gap is None or bound is None:
        return False
    return gap <= max(requested, 1e-9) * 1.01 + ABS_TOL / max(abs(bound), 1e-12)


def honest_status(result: Result, gap: float) -> Result:
    """'optimal' only when the gap to the proven bound is within the requested tolerance."""
    if result.status == "optimal" and not within_gap(result.gap, result.bound, gap):
        # the solver's own tolerance differs from ours: say what was proven
        return _with_status(result, "feasible")
    return result


def _with_status(result: Result, status: str) -> Result:
    return replace(result, status=status)
