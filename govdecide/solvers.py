"""Running a PuLP problem with HiGHS or CBC, and saying honestly what came back.

PuLP 3 reports a MILP that stopped at its time limit as "Optimal", and when a solver stops
with no integer solution it leaves the LP relaxation's fractional values in the variables.
This module reads the solver's own status, solution state and best bound instead, so that a
time-limited result is never called optimal and fractional leftovers are never shown.
Each solve runs in its own temporary directory (CBC writes files there).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pulp

from govdecide.errors import input_error

_BANNER_SILENCED = False


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence C-level writes to stdout (HiGHS prints a banner on its first object)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), fd)
        try:
            yield
        finally:
            os.dup2(saved, fd)
            os.close(saved)


def _silence_highs_banner() -> None:
    """HiGHS prints its banner once per process, before options apply: absorb it here."""
    global _BANNER_SILENCED
    if not _BANNER_SILENCED:
        import highspy

        with _quiet_stdout():
            highspy.Highs()
        _BANNER_SILENCED = True


def cbc_path() -> str | None:
    """The CBC binary: on PATH, or beside this Python (a venv not activated)."""
    found = shutil.which("cbc")
    if found:
        return found
    beside = Path(sys.executable).with_name("cbc")
    return str(beside) if beside.exists() else None


def available_solvers() -> list[str]:
    """The solvers this machine can run, HiGHS first."""
    out = []
    if pulp.HiGHS(msg=False).available():
        out.append("highs")
    if cbc_path():
        out.append("cbc")
    return out


@dataclass(frozen=True)
class SolveOutcome:
    """What a solver run gave: a status code, whether values are usable, the bound."""

    status: str  # optimal | feasible | no_solution | infeasible | unbounded | error
    has_solution: bool
    objective: float | None  # as the solver computed it, in the problem's own scale
    bound: float | None  # best proven bound on the objective (same scale), when known
    solve_s: float
    solver: str


_CBC_BOUND = re.compile(r"^(?:Upper|Lower) bound:\s+(\S+)", re.MULTILINE)


def _cbc_bound(log: str) -> float | None:
    """The best bound CBC printed at the end of its log, if any."""
    match = _CBC_BOUND.findall(log)
    try:
        return float(match[-1]) if match else None
    except ValueError:
        return None


def run(
    prob: pulp.LpProblem,
    solver: str,
    *,
    time_limit_s: float,
    gap: float,
    mip: bool = True,
    warm_start: bool = False,
) -> SolveOutcome:
    """Solve ``prob`` (a maximization) and classify the outcome."""
    if solver not in ("highs", "cbc"):
        raise input_error("unknown_solver", "solver", got=solver)
    with tempfile.TemporaryDirectory(prefix="govdecide-") as tmp:
        if solver == "highs":
            _silence_highs_banner()
            engine = pulp.HiGHS(
                mip=mip,
                msg=False,
                timeLimit=time_limit_s,
                gapRel=gap,
                threads=1,
                random_seed=0,
            )
        else:
            path = cbc_path()
            if path is None:
                raise input_error("solver_unavailable", "solver", got="cbc")
            engine = pulp.COIN_CMD(
                mip=mip,
                msg=False,
                timeLimit=time_limit_s,
                gapRel=gap,
                threads=1,
                path=path,
                logPath=os.path.join(tmp, "cbc.log"),
                warmStart=warm_start,
            )
            engine.tmpDir = tmp
        start = time.perf_counter()
        try:
            code = prob.solve(engine)
        except pulp.PulpSolverError:
            return SolveOutcome("error", False, None, None, time.perf_counter() - start, solver)
        elapsed = time.perf_counter() - start
        sol = prob.sol_status
        objective = pulp.value(prob.objective)
        bound: float | None = None
        if solver == "highs" and getattr(prob, "solverModel", None) is not None:
            info = prob.solverModel.getInfo()
            if sol == pulp.LpSolutionIntegerFeasible and info.primal_solution_status != 2:
                sol = pulp.LpSolutionNoSolutionFound  # stopped with no feasible point
            if prob.isMIP() and mip:
                raw = info.mip_dual_bound
                bound = -raw if abs(raw) < 1e30 else None  # PuLP hands HiGHS -objective
            elif code == pulp.LpStatusOptimal:
                bound = objective
        elif solver == "cbc":
            log_file = Path(tmp, "cbc.log")
            log = log_file.read_text(errors="replace") if log_file.exists() else ""
            bound = _cbc_bound(log) if (prob.isMIP() and mip) else None
            if bound is None and sol == pulp.LpSolutionOptimal:
                bound = objective
    if code == pulp.LpStatusInfeasible or sol == pulp.LpSolutionInfeasible:
        return SolveOutcome("infeasible", False, None, None, elapsed, solver)
    if code == pulp.LpStatusUnbounded or sol == pulp.LpSolutionUnbounded:
        return SolveOutcome("unbounded", False, None, None, elapsed, solver)
    if sol == pulp.LpSolutionOptimal and code == pulp.LpStatusOptimal:
        return SolveOutcome("optimal", True, objective, bound, elapsed, solver)
    if sol == pulp.LpSolutionIntegerFeasible:
        return SolveOutcome("feasible", True, objective, bound, elapsed, solver)
    return SolveOutcome("no_solution", False, None, bound, elapsed, solver)
