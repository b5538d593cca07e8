"""One HiGHS run of a plan given as arrays, with what it proved said honestly.

The plan's model is arrays only (``years.formulation``): at 3,000 districts over five
years it has a quarter of a million columns, and making PuLP objects for them would cost
more than the plan's LP. So it goes to HiGHS as a :class:`MatrixForm` (the same loader as
the single-year adapter, ``solvers.handover.load``), with the single-year adapter's
options, and the outcome is read from HiGHS's own model status, solution state and dual
bound: a run stopped by its time limit is never "optimal".
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from govdecide.model.solvers.common import SMALL_MODEL_COLUMNS, MatrixForm
from govdecide.model.solvers.handover import load
from govdecide.model.solvers.highs import (
    HIGHS_SMALL_MIP_OPTIONS,
    HIGHS_SMALL_OPTIONS,
    silence_highs_banner,
)


@dataclass(frozen=True)
class Run:
    """What one run gave, in the solver's objective (the model's scale)."""

    status: str  # optimal | feasible | no_solution | infeasible | unbounded | error
    values: np.ndarray | None  # column values when there is a solution
    objective: float | None
    bound: float | None  # proven upper bound (the maximum), when known
    seconds: float


def run_form(
    form: MatrixForm,
    *,
    time_limit_s: float,
    gap: float,
    mip: bool = True,
    options: dict[str, Any] | None = None,
) -> Run:
    """Solve ``form`` (a maximum) by HiGHS: the MILP, or its LP relaxation with ``mip=False``;
    ``options`` are HiGHS options on top of the single-year adapter's."""
    silence_highs_banner()
    t0 = time.perf_counter()
    integer = form.integer if mip else None
    h = load(form, None if integer is None else integer.astype(np.uint8))
    small = form.lower.size <= SMALL_MODEL_COLUMNS
    options: dict[str, Any] = {
        "time_limit": float(max(time_limit_s, 0.01)),
        "mip_rel_gap": float(gap),
        "mip_abs_gap": 0.0,
        "threads": 1,  # as every HiGHS in the process (solvers.highs)
        "random_seed": 0,
        **(HIGHS_SMALL_OPTIONS if small else {}),
        **(HIGHS_SMALL_MIP_OPTIONS if small and mip else {}),
        **(options or {}),
    }
    for key, value in options.items():
        h.setOptionValue(key, value)
    h.run()
    return _read(h, mip and bool(form.integer.any()), time.perf_counter() - t0)


def _read(h: Any, mip: bool, seconds: float) -> Run:
    """The run's status, values and bound from HiGHS's own account of it."""
    import highspy

    ms = highspy.HighsModelStatus
    status = h.getModelStatus()
    info = h.getInfo()
    has = int(info.primal_solution_status) == 2  # kSolutionStatusFeasible
    values = np.asarray(h.getSolution().col_value, dtype=float) if has else None
    objective = float(info.objective_function_value) if has else None
    if status in (ms.kInfeasible,):
        return Run("infeasible", None, None, None, seconds)
    if status in (ms.kUnbounded, ms.kUnboundedOrInfeasible):
        return Run("unbounded", None, None, None, seconds)
    bound: float | None = None
    if mip:
        raw = float(info.mip_dual_bound)
        bound = raw if abs(raw) < 1e30 else None
    elif status == ms.kOptimal:
        bound = objective
    if status == ms.kOptimal and has:
        return Run("optimal", values, objective, bound, seconds)
    if has:
        return Run("feasible", values, objective, bound, seconds)
    return Run("no_solution", None, None, bound, seconds)
