"""What every solve shares: the outcome with an honest status, and a problem as arrays."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pulp

# Models of up to this many columns (300 districts of 8 programs have ~4,800) count as
# small: HiGHS runs them with the options below, and the model adds its integer-hull rows
# (formulation.py). Both choices were measured on the benchmark's regions
# (docs/benchmarks.md): they help up to this size and hurt at 3,000 districts.
SMALL_MODEL_COLUMNS = 10_000


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while many small objects are made.

    Building or reading a 3,000-district model creates ~10^5 PuLP objects; the collector's
    repeated scans of them cost about as much as creating them. Nothing made here forms a
    cycle that needs collecting meanwhile, and the collector resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class MatrixForm:
    """A problem as a solver takes it: arrays over its columns and rows.

    Column bounds and integrality, the objective's coefficients, and the rows in
    compressed form with their lower and upper limits (infinite where a side is free).
    """

    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray  # bool per column
    cost: np.ndarray
    maximize: bool
    starts: np.ndarray  # row r's entries are index/value[starts[r]:starts[r + 1]]
    index: np.ndarray
    value: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray


@dataclass(frozen=True)
class SolveOutcome:
    """What a solver run gave: a status code, whether values are usable, the bound.

    ``solve_s`` is the whole call; ``solver_s`` the part spent inside the solver itself
    (HiGHS ``run`` or CBC's own wall clock), so ``solve_s - solver_s`` is the adapter's
    overhead (handing the model over and reading the solution back). ``overlap_s`` is the
    time PuLP spent making a new model's objects while the solver ran (``run_overlapped``).
    """

    status: str  # optimal | feasible | no_solution | infeasible | unbounded | error
    has_solution: bool
    objective: float | None  # as the solver computed it, in the problem's own scale
    bound: float | None  # best proven bound on the objective (same scale), when known
    solve_s: float
    solver: str
    solver_s: float | None = None
    mip_gap: float | None = None  # the solver's own relative gap, when a MIP
    overlap_s: float | None = None
    reused: bool = False  # the solver's kept copy of the problem was updated, not rebuilt


def classify(
    code: int,
    sol: int,
    objective: float | None,
    bound: float | None,
    elapsed: float,
    solver: str,
    solver_s: float | None,
    mip_gap: float | None,
) -> SolveOutcome:
    """PuLP's status pair as ours: a time-limited MIP is 'feasible', never 'optimal'."""

    def out(status: str, has: bool, obj: float | None, bnd: float | None) -> SolveOutcome:
        return SolveOutcome(status, has, obj, bnd, elapsed, solver, solver_s, mip_gap)

    if code == pulp.LpStatusInfeasible or sol == pulp.LpSolutionInfeasible:
        return out("infeasible", False, None, None)
    if code == pulp.LpStatusUnbounded or sol == pulp.LpSolutionUnbounded:
        return out("unbounded", False, None, None)
    if sol == pulp.LpSolutionOptimal and code == pulp.LpStatusOptimal:
        return out("optimal", True, objective, bound)
    if sol == pulp.LpSolutionIntegerFeasible:
        return out("feasible", True, objective, bound)
    return out("no_solution", False, None, bound)
