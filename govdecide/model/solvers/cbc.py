"""CBC through PuLP's COIN_CMD, its bound read from its log (PuLP does not report it)."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pulp

from govdecide.errors import input_error
from govdecide.model.solvers.common import SolveOutcome, classify


def cbc_path() -> str | None:
    """The CBC binary: on PATH, or beside this Python (a venv not activated)."""
    found = shutil.which("cbc")
    if found:
        return found
    beside = Path(sys.executable).with_name("cbc")
    return str(beside) if beside.exists() else None


_CBC_BOUND = re.compile(r"^(?:Upper|Lower) bound:\s+(\S+)", re.MULTILINE)
# what CBC prints when presolve alone proves infeasibility (then it writes no solution)
_CBC_INFEASIBLE = re.compile(
    r"infeasibility proved|problem is infeasible|problem proven infeasible", re.IGNORECASE
)
CBC_DIGITS = 5e-6  # relative half-unit of the 6th significant digit CBC's log prints
_CBC_WALL = re.compile(r"Wallclock seconds\):\s+([0-9.eE+-]+)")


def _last_number(pattern: re.Pattern[str], log: str) -> float | None:
    """The number ``pattern`` captures last in CBC's log, if any (its final report)."""
    match = pattern.findall(log)
    try:
        return float(match[-1]) if match else None
    except ValueError:
        return None


def _cbc_bound(log: str) -> float | None:
    """The best bound CBC printed at the end of its log, if any."""
    return _last_number(_CBC_BOUND, log)


def _cbc_wall(log: str) -> float | None:
    """CBC's own wall-clock time from the end of its log, if printed."""
    return _last_number(_CBC_WALL, log)


def run_cbc(
    prob: pulp.LpProblem, time_limit_s: float, gap: float, mip: bool, warm: bool
) -> SolveOutcome:
    """CBC through PuLP's COIN_CMD (files in a temporary directory), bound from its log."""
    path = cbc_path()
    if path is None:
        raise input_error("solver_unavailable", "solver", got="cbc")
    with tempfile.TemporaryDirectory(prefix="govdecide-") as tmp:
        engine = pulp.COIN_CMD(
            mip=mip,
            msg=False,
            timeLimit=time_limit_s,
            gapRel=gap,
            threads=1,
            path=path,
            logPath=os.path.join(tmp, "cbc.log"),
            warmStart=warm,
        )
        engine.tmpDir = tmp
        t0 = time.perf_counter()
        try:
            code = prob.solve(engine)
        except pulp.PulpSolverError:
            return SolveOutcome("error", False, None, None, time.perf_counter() - t0, "cbc")
        elapsed = time.perf_counter() - t0
        log_file = Path(tmp, "cbc.log")
        log = log_file.read_text(errors="replace") if log_file.exists() else ""
    sol = prob.sol_status
    objective = (
        pulp.value(prob.objective)
        if sol in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
        else None
    )
    is_mip = mip and prob.isMIP()
    proven = sol == pulp.LpSolutionOptimal and code == pulp.LpStatusOptimal
    bound = _cbc_bound(log) if is_mip else None
    if bound is not None:
        # CBC prints 6 significant digits: round up by half the last one to stay a bound
        bound += CBC_DIGITS * abs(bound) + 1e-12
        if proven and objective is not None:
            # CBC proved (bound - objective) <= gap |bound|, which bounds it more tightly
            # than a 6-digit print: with gap 0 the bound is the objective itself
            bound = max(objective, min(bound, objective + gap * abs(bound)))
    if bound is None and proven:
        bound = objective
    if not proven and objective is None and _CBC_INFEASIBLE.search(log):
        # presolve proved infeasibility and CBC wrote no solution (PuLP: 'undefined')
        return classify(
            pulp.LpStatusInfeasible, sol, None, None, elapsed, "cbc", _cbc_wall(log), None
        )
    return classify(code, sol, objective, bound, elapsed, "cbc", _cbc_wall(log), None)
