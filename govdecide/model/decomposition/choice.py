"""Which method solves an integer model: the plain MILP or the structured method.

The structured method (``search``) pays off where the plain MILP is slow: whole units with
an equity weight on a city of many districts. It applies only where it can solve the data
exactly as posed (:func:`applicable`). Where ``auto`` draws the line was measured on the
benchmark's regions (docs/benchmarks.md, "Structured method vs plain MILP").
"""

from __future__ import annotations

import numpy as np
import pulp

from govdecide.model.decomposition.subproblems import useful_units
from govdecide.model.formulation import AllocationModel
from govdecide.model.problem import ProblemData

MIN_DISTRICTS_AUTO = 15  # auto: below this many districts the plain MILP
# auto: below this many districts and below this equity weight the plain MILP too: with
# the integer-hull rows (formulation.py) HiGHS proves such optima at the root; at higher
# equity weights the max-min term makes the plain MILP the slower one
MILP_AUTO_MAX_DISTRICTS = 40
MILP_AUTO_MAX_WEIGHT = 0.75
MAX_GRID = 4_000_000  # districts x integer-unit combinations enumerated at most


def applicable(data: ProblemData, model: AllocationModel | None = None) -> bool:
    """Whether the structured method can solve these data exactly as posed.

    Not when a program has a minimum spend (its multiplier would be a negative price), when
    the model carries rows it did not build itself (an analysis's extra constraint), or when
    enumerating the integer unit combinations would be too large.
    """
    arr = data.arrays
    if not arr.integer.any():
        return False
    if np.any(~np.isnan(arr.spend_min) & (arr.spend_min > 0)):
        return False
    if model is not None:
        added = model.added_rows()
        if added is None or not all(_redundant(con) for con in added):
            return False
    return _grid_size(data) <= MAX_GRID


def _redundant(con: pulp.LpConstraint) -> bool:
    """True for a row no allocation can violate: sum a_i v_i >= b with every a_i >= 0, every
    v_i >= 0 and b <= 0 (such as an analysis's efficiency floor E >= 0 while it is unused).
    Any other row added to the model is one the structured method does not know."""
    if con.sense != pulp.LpConstraintGE or -con.constant > 0:
        return False
    return all(
        coef >= 0 and var.lowBound is not None and var.lowBound >= 0 for var, coef in con.items()
    )


def choose(data: ProblemData, model: AllocationModel | None = None) -> str:
    """'structured' or 'milp' for this solve (``data.method`` may force either).

    Automatic: the plain MILP where it is fast (no integer programs; fewer than 15
    districts; fewer than 40 districts at an equity weight below 0.75, see
    MILP_AUTO_MAX_DISTRICTS), the structured method otherwise, where it was the faster one
    on the benchmark's regions (docs/benchmarks.md).
    """
    if data.method == "milp":
        return "milp"
    if not applicable(data, model):
        return "milp"
    if data.method == "structured":
        return "structured"
    return auto_method(len(data.arrays.districts), data.equity_weight)


def auto_method(districts: int, equity_weight: float) -> str:
    """What ``auto`` runs for an integer model the structured method applies to."""
    if districts < MIN_DISTRICTS_AUTO:
        return "milp"
    if districts < MILP_AUTO_MAX_DISTRICTS and equity_weight < MILP_AUTO_MAX_WEIGHT:
        return "milp"
    return "structured"


def _grid_size(data: ProblemData) -> int:
    """How many (district, combination) cells the enumeration grid would have."""
    arr = data.arrays
    lo, top = useful_units(data)
    ints = np.flatnonzero(arr.integer)
    if ints.size == 0:
        return 0
    widths = (top - lo)[:, ints].max(axis=0) + 1
    return int(len(arr.districts) * np.prod(widths, dtype=float))
