"""When a result may be called optimal: its proven gap within the one asked, and no more.

Solvers have their own tolerances and stopping rules, and PuLP calls a time-limited MILP
"Optimal". Every solve method (plain, structured, analyses) reports through these rules, so
that "optimal" means the same everywhere: the relative gap to the proven bound is at most
the one requested. The only allowance is the solvers' own absolute precision in the
objective *they* see, which the model keeps well scaled (``formulation``, the objective's
unit), so that the allowance is a millionth of the best objective the limits allow and
never a licence for a wide gap when objectives are tiny.
"""

from __future__ import annotations

from dataclasses import replace

from govdecide.model.result import Result
from govdecide.model.solvers.common import SolveOutcome

# Solvers meet rows and optimality only to ~1e-7 each, so in the objective they see (about
# K at its best, formulation) a bound can exceed a plan's own value by ~1e-6 with nothing
# better to find: the frontier's "fairest of the most efficient" solve proves z = 0 with a
# bound of 2e-9. A difference within that is the solvers' precision, not a gap.
ABS_TOL = 1e-6


def within_gap(gap: float | None, bound: float | None, requested: float) -> bool:
    """Whether a gap to a proven bound is within the requested relative gap (never more)."""
    if gap is None or bound is None:
        return False
    return gap <= requested


def solver_precision(scale: float) -> float:
    """ABS_TOL in MODEL.md's objective units, for a model whose solver objective is
    ``scale`` times MODEL.md's (``AllocationModel.scale``)."""
    return ABS_TOL / scale


def _slack(result: Result, precision: float) -> float:
    """How far below a plan's objective a bound may lie by rounding alone."""
    return precision + 1e-9 * abs(result.objective or 0.0)


def honest_status(result: Result, gap: float, precision: float = 0.0) -> Result:
    """'optimal' only when the gap to the proven bound is within the requested one.

    ``precision`` (:func:`solver_precision`) is how far apart a bound and an objective may
    be with nothing better to find. A result whose gap is above the one asked only by that
    much stays optimal, and reports the gap beyond it (so its gap is never above the one
    asked); any other result with a wider gap is "feasible", with its gap. A bound below
    the plan's own objective (beyond rounding) is no bound: "feasible", with none.
    """
    if result.status not in ("optimal", "feasible") or result.objective is None:
        return result
    if result.bound is not None and result.bound < result.objective - _slack(result, precision):
        # a plan better than the solver's "proven" bound: the solver lost the small
        # numbers (a column it took as fixed at 0), so nothing is proven about this plan
        return replace(result, status="feasible", bound=None, gap=None)
    if result.status != "optimal" or within_gap(result.gap, result.bound, gap):
        return result
    if result.bound is None:
        return replace(result, status="feasible")
    beyond = max(0.0, result.bound - result.objective - precision) / max(abs(result.bound), 1e-300)
    if beyond <= gap:
        return replace(result, gap=beyond)
    # the solver's tolerance differs from ours: say what was proven
    return replace(result, status="feasible")


def outcome_status(outcome: SolveOutcome, gap: float) -> str:
    """A solver's own status judged by the same rule, for a solve whose objective is not
    MODEL.md's (the smallest budget's spend, in the solver's own units): "optimal" only
    when its bound is within ``gap`` of its objective, up to ABS_TOL; else "feasible"."""
    if outcome.status != "optimal" or outcome.objective is None:
        return outcome.status
    if outcome.bound is None:
        return "feasible"
    beyond = max(0.0, outcome.bound - outcome.objective - ABS_TOL)
    return "optimal" if beyond <= gap * max(abs(outcome.bound), 1e-300) else "feasible"
