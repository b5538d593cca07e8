"""Running a PuLP problem with HiGHS or CBC, and saying honestly what came back.

The room of the solver adapters: ``common`` (what every solve shares: the outcome and its
honest status, the array form of a problem), ``handover`` (what a model gives HiGHS beside
its PuLP problem, and HiGHS's kept copy), ``highs`` and ``cbc`` (one adapter each). This
module is the entry point the rest of govdecide calls.

PuLP 3 reports a MILP that stopped at its time limit as "Optimal", and when a solver stops
with no integer solution it leaves the LP relaxation's fractional values in the variables.
This module reads the solver's own status, solution state and best bound instead, so that a
time-limited result is never called optimal and fractional leftovers are never shown.
Each solve runs in its own temporary directory (CBC writes files there).

HiGHS runs through ``FastHiGHS``, a subclass of PuLP's own adapter: PuLP's adapter adds
columns and rows one call at a time, which at 3,000 districts costs more than the solve.
Ours hands the whole model to highspy as arrays in three calls, keeps the solver's copy
in the caller's :class:`Handover`, and on the next solve of the same problem (a slider
move) only refreshes bounds, costs and integrality. The model is still built and read
through PuLP. What a model gives the adapter beside its PuLP problem (its columns, its
rows and objective as arrays) travels in that ``Handover`` too, never as attributes on
PuLP's objects; this module knows nothing of the allocation model itself.

``run_overlapped`` solves a problem given as arrays (:class:`MatrixForm`) while PuLP makes
the objects it describes (a new large model, ``AllocationModel.solve``): HiGHS runs in a
worker thread (highspy releases the GIL while it solves); then the solution is read into
the PuLP objects as after any solve. The solver gets the same numbers either way, so the
result is the same; only the wait is shorter.
"""

from __future__ import annotations

from collections.abc import Callable

import pulp

from govdecide.errors import input_error
from govdecide.model.solvers.cbc import cbc_path, run_cbc
from govdecide.model.solvers.common import MatrixForm, SolveOutcome
from govdecide.model.solvers.handover import Handover
from govdecide.model.solvers.highs import FastHiGHS, run_highs


def available_solvers() -> list[str]:
    """The solvers this machine can run, HiGHS first."""
    out = []
    if pulp.HiGHS(msg=False).available():
        out.append("highs")
    if cbc_path():
        out.append("cbc")
    return out


def run(
    prob: pulp.LpProblem,
    solver: str,
    *,
    time_limit_s: float,
    gap: float,
    mip: bool = True,
    warm_start: bool = False,
    start: dict[str, float] | None = None,
    handover: Handover | None = None,
) -> SolveOutcome:
    """Solve ``prob`` and classify the outcome honestly.

    ``mip=False`` solves the LP relaxation. ``warm_start`` lets HiGHS start from the
    previous basis of the same problem (faster, but an LP with several optima may then
    return another of them: only internal loops use it). ``start`` is a MIP start by
    variable name (HiGHS; CBC takes the variables' current values with ``warm_start``).
    ``handover``: the problem's :class:`Handover`, kept by the caller across solves of the
    same problem (without one, HiGHS gets a new copy of the problem every time).
    """
    if solver not in ("highs", "cbc"):
        raise input_error("unknown_solver", "solver", got=solver)
    if solver == "highs":

        def go(engine: FastHiGHS) -> tuple[int, pulp.LpProblem]:
            return prob.solve(engine), prob

        return run_highs(handover or Handover(), time_limit_s, gap, mip, warm_start, start, go)
    return run_cbc(prob, time_limit_s, gap, mip, warm_start)


def run_overlapped(
    form: MatrixForm,
    make: Callable[[], pulp.LpProblem],
    handover: Handover,
    *,
    time_limit_s: float,
    gap: float,
) -> SolveOutcome:
    """HiGHS solves ``form`` while ``make()`` makes the PuLP problem it describes.

    For a new large model (``AllocationModel.solve``): its arrays go to HiGHS, which runs
    in a worker thread (highspy releases the GIL while it solves) while PuLP makes the
    objects; then the solution is read into them as after any solve, and the solver's copy
    is kept in ``handover`` for the next solve.
    """

    def go(engine: FastHiGHS) -> tuple[int, pulp.LpProblem]:
        return engine.solve_overlapped(form, make)

    return run_highs(handover, time_limit_s, gap, True, False, None, go)
