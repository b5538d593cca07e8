"""HiGHS through PuLP's own adapter, with the whole problem handed over as arrays.

``FastHiGHS`` is a subclass of PuLP's HiGHS adapter: it loads a problem into highspy in
three calls (``handover.load``), keeps the copy in the caller's ``Handover``, and on the
next solve of the same problem (a slider move) only refreshes bounds, costs and
integrality; or it solves a problem given as arrays while PuLP makes its objects
(``solve_overlapped``). Statuses, solution states and bounds are read from HiGHS itself.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import pulp

from govdecide.model.solvers.common import (
    SMALL_MODEL_COLUMNS,
    MatrixForm,
    SolveOutcome,
    classify,
    no_gc,
)
from govdecide.model.solvers.handover import (
    Handover,
    SolverCopy,
    column_numbers,
    covers,
    load,
    matrix,
    prefix,
    row_bounds,
)

_BANNER_SILENCED = False

# HiGHS options for small models (up to SMALL_MODEL_COLUMNS columns), chosen on the
# benchmark's regions (docs/benchmarks.md, "Measurements behind the code's thresholds").
# Larger models keep HiGHS's defaults.
# - presolve off: the model is already tight (coverage shares, integer-hull rows) and
#   presolve found little to remove, so skipping it is faster; on large models it helps;
# - no feasibility-jump heuristic in a MIP: with the hull rows the root relaxation is
#   within the gap of the optimum and the root's own heuristics find it; the jump search
#   only added time.
HIGHS_SMALL_OPTIONS: dict[str, Any] = {"presolve": "off"}
HIGHS_SMALL_MIP_OPTIONS: dict[str, Any] = {"mip_heuristic_run_feasibility_jump": False}


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


def silence_highs_banner() -> None:
    """HiGHS prints its banner once per process, before options apply: absorb it here."""
    global _BANNER_SILENCED
    if not _BANNER_SILENCED:
        import highspy

        with _quiet_stdout():
            highspy.Highs()
        _BANNER_SILENCED = True


class FastHiGHS(pulp.HiGHS):  # type: ignore[misc,valid-type]
    """PuLP's HiGHS adapter with an array hand-over and in-place updates (see module doc).

    Solving a problem again reuses the highspy model when the problem has the same
    constraints (by identity) and no new variables: the row bounds of changed constraints
    (``changeRHS`` marks them), all column bounds, the objective and integrality are
    refreshed; constraint coefficients are taken as unchanged, which holds for
    ``AllocationModel`` (it never edits a coefficient after building). Unless ``warm`` is
    set the solver's basis is cleared first, so a re-solve takes exactly the path of a
    fresh solve and gives the same allocation (determinism across slider moves).
    """

    def __init__(
        self,
        *,
        handover: Handover,
        warm: bool = False,
        start: dict | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.handover = handover
        self.warm = warm
        self.start = start
        self.pass_s = 0.0
        self.run_s = 0.0
        self.overlap_s: float | None = None
        self.integer_columns = 0
        self.reused = False

    # -- building and updating the solver's copy ------------------------------------------

    def _build(self, lp: pulp.LpProblem) -> SolverCopy:
        """Hand the whole problem to a new highspy model as arrays."""
        rows = list(lp._constraints.values())
        columns = self.handover.columns
        hint = self.handover.rows
        known = len(hint[0]) if hint is not None and prefix(rows, hint[0]) else 0
        objective = self.handover.objective
        hinted = (
            columns is not None
            and known == len(rows)
            and objective is not None
            and objective[0] is lp.objective
        )
        col_of = None if hinted else column_numbers(columns)
        if not hinted and (columns is None or not covers(rows[known:], lp.objective, col_of)):
            columns = lp.variables()  # PuLP's own column list (sorted by name)
            col_of = column_numbers(columns)
            known = 0  # the hint numbers the model's own columns: not usable
        n = len(columns)
        starts, index, value = matrix(rows, col_of or {}, hint if known else None)
        lo, up = row_bounds(rows)
        form = MatrixForm(
            lower=np.array([-np.inf if v.lowBound is None else v.lowBound for v in columns]),
            upper=np.array([np.inf if v.upBound is None else v.upBound for v in columns]),
            integer=np.zeros(n, dtype=bool),  # set by _refresh, like the costs
            cost=np.zeros(n),
            maximize=lp.sense == pulp.LpMaximize,
            starts=starts,
            index=index,
            value=value,
            row_lower=lo,
            row_upper=up,
        )
        return SolverCopy(load(form), columns, col_of, rows)

    def _reusable(self, lp: pulp.LpProblem, cache: SolverCopy | None) -> bool:
        """True when the cached solver model still has this problem's shape.

        Same constraints (by identity, so none added or replaced) and an objective over
        known columns; a constraint's coefficients are taken as unchanged (class doc).
        """
        if cache is None or len(lp._constraints) != len(cache.rows):
            return False
        if not all(a is b for a, b in zip(lp._constraints.values(), cache.rows, strict=True)):
            return False
        if self.handover.objective_arrays(lp, cache) is not None:
            return True
        col_of = cache.col_of
        return all(v.hash in col_of for v in (lp.objective or {}))

    def _refresh(self, lp: pulp.LpProblem, cache: SolverCopy, fresh: bool) -> None:
        """Bring bounds, costs and integrality of the solver's copy up to date."""
        import highspy

        h = cache.highs
        columns = cache.columns
        n = len(columns)
        cost = np.zeros(n)
        arrays = self.handover.objective_arrays(lp, cache)
        if arrays is not None:
            cost[arrays[0]] = arrays[1]
        else:
            col_of = cache.col_of
            for var, coef in (lp.objective or {}).items():
                cost[col_of[var.hash]] = coef
        idx = np.arange(n, dtype=np.int32)
        h.changeColsCost(n, idx, cost)
        if lp.objective is not None:
            h.changeObjectiveOffset(float(lp.objective.constant))
        if not fresh:
            lower = np.array([-np.inf if v.lowBound is None else v.lowBound for v in columns])
            upper = np.array([np.inf if v.upBound is None else v.upBound for v in columns])
            h.changeColsBounds(n, idx, lower, upper)
            changed = [r for r, con in enumerate(cache.rows) if con.modified]
            if changed:
                lo, up = row_bounds([cache.rows[r] for r in changed])
                h.changeRowsBounds(len(changed), np.asarray(changed, np.int32), lo, up)
                for r in changed:
                    cache.rows[r].modified = False
        integrality = (cache.is_integer & bool(self.mip)).astype(np.uint8)
        self.integer_columns = int(integrality.sum())
        if fresh or not np.array_equal(integrality, cache.integrality):
            h.changeColsIntegrality(n, idx, integrality)
            cache.integrality = integrality
        self._options(h, cache.options, n, bool(integrality.any()))
        if not self.warm:
            h.clearSolver()
        if self.start is not None:
            start = np.array(
                [self.start.get(v.name, v.varValue or 0.0) if self.start else 0.0 for v in columns]
            )
            sol = highspy.HighsSolution()
            sol.col_value = start.tolist()
            sol.value_valid = True
            h.setSolution(sol)

    def _options(self, h: Any, applied: dict[str, Any], n: int, mip: bool) -> None:
        """Set the run's options on ``h`` where they differ from ``applied`` (kept)."""
        # HiGHS 1.x measures an LP's time_limit against the model's total run clock, which
        # keeps counting across runs of a kept model (HiGHS issue #1477), so an LP gets
        # what earlier runs used added; its MIP solver measures from its own start.
        limit = np.inf if self.timeLimit is None else float(self.timeLimit)
        if not mip:
            limit += h.getRunTime()
        small = n <= SMALL_MODEL_COLUMNS
        options = {
            "time_limit": limit,
            "mip_rel_gap": float(self.gapRel) if self.gapRel is not None else 1e-4,
            # only the relative gap is ours to ask for: HiGHS's default absolute gap (1e-6
            # of the scaled objective) would stop short of a requested gap of 0
            "mip_abs_gap": 0.0,
            "threads": int(self.threads) if self.threads is not None else 1,
            **(HIGHS_SMALL_OPTIONS if small else {}),
            **(HIGHS_SMALL_MIP_OPTIONS if small and mip else {}),
            **self.optionsDict,
        }
        for key, value in options.items():
            if applied.get(key) != value:
                # an option an older HiGHS lacks is refused with a status, not an error:
                # the solve goes on with that version's default
                h.setOptionValue(key, value)
                applied[key] = value

    # -- entry points -------------------------------------------------------------------

    def solve_overlapped(
        self, form: MatrixForm, make: Callable[[], pulp.LpProblem]
    ) -> tuple[int, pulp.LpProblem]:
        """Solve ``form`` while ``make()`` makes the PuLP problem it describes.

        HiGHS gets the arrays and runs in a worker thread while this thread runs ``make``
        (which also fills this solve's ``Handover``: columns in ``form``'s order); then the
        solver's copy is kept in the handover (as ``actualSolve`` keeps it) and the solution
        read into the PuLP variables. If ``make`` fails, the solve is still waited for (its
        time limit bounds it).
        """
        t0 = time.perf_counter()
        with no_gc():
            integrality = (form.integer & bool(self.mip)).astype(np.uint8)
            h = load(form, integrality)
            applied: dict[str, Any] = {}
            self._options(h, applied, form.lower.size, bool(integrality.any()))
        self.integer_columns = int(integrality.sum())
        ran: dict[str, Any] = {}

        def work() -> None:
            try:
                ran["run_s"] = _timed_run(h)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                ran["error"] = exc

        worker = threading.Thread(target=work, name="govdecide-highs", daemon=True)
        worker.start()
        t_m = time.perf_counter()
        try:
            lp = make()
        finally:
            self.overlap_s = time.perf_counter() - t_m
            worker.join()
        if "error" in ran:
            raise ran["error"]
        columns = self.handover.columns
        assert columns is not None, "make() fills the handover's columns"
        with no_gc():
            cache = SolverCopy(h, columns, None, list(lp._constraints.values()), form.integer)
            cache.integrality = integrality
            cache.options = applied
            self.handover.copy = cache
            lp.solverModel = h
            status, sol_status = self._read(lp, cache)
        lp.assignStatus(status, sol_status)
        lp.solver = self
        self.run_s = ran["run_s"]
        self.pass_s = time.perf_counter() - t0 - self.run_s
        return status, lp

    def actualSolve(self, lp: pulp.LpProblem) -> int:  # noqa: N802 - PuLP's name
        """Build or update the solver model, run it, and read values back into PuLP."""
        t0 = time.perf_counter()
        cache = self.handover.copy
        with no_gc():
            fresh = not self._reusable(lp, cache)
            self.reused = not fresh
            if fresh:
                cache = self._build(lp)
                self.handover.copy = cache
            assert cache is not None
            self._refresh(lp, cache, fresh)
        lp.solverModel = cache.highs
        self.run_s = _timed_run(cache.highs)
        with no_gc():
            status, sol_status = self._read(lp, cache)
        lp.assignStatus(status, sol_status)
        self.pass_s = time.perf_counter() - t0 - self.run_s
        return status

    def _read(self, lp: pulp.LpProblem, cache: SolverCopy) -> tuple[int, int]:
        """Values, duals and PuLP's status pair from the solver (never fractional leftovers)."""
        import highspy

        h = cache.highs
        status = h.getModelStatus()
        info = h.getInfo()
        ms = highspy.HighsModelStatus
        has_primal = info.primal_solution_status == 2
        if status == ms.kOptimal:
            pair = (pulp.LpStatusOptimal, pulp.LpSolutionOptimal)
        elif status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
            pair = (pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible)
        elif status == ms.kUnbounded:
            pair = (pulp.LpStatusUnbounded, pulp.LpSolutionUnbounded)
        elif status in (
            ms.kTimeLimit,
            ms.kIterationLimit,
            ms.kInterrupt,
            ms.kObjectiveBound,
            ms.kObjectiveTarget,
            ms.kSolutionLimit,
        ):
            pair = (
                (pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible)
                if has_primal
                else (pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound)
            )
        else:
            pair = (pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound)
        if has_primal:
            # values and row duals (the budget's marginal value); reduced costs and slacks
            # are not read back: nothing uses them, and on large models reading them shows
            solution = h.getSolution()
            for var, val in zip(cache.columns, solution.col_value, strict=True):
                var.varValue = val
            row_dual = solution.row_dual if solution.dual_valid else [None] * len(cache.rows)
            for con, pi in zip(cache.rows, row_dual, strict=True):
                con.pi = pi
        else:
            for var in cache.columns:
                var.varValue = None
            for con in cache.rows:
                con.pi = None
        return pair


def _timed_run(h: Any) -> float:
    """Run HiGHS; the seconds by its own run clock.

    Not the wall time around ``run``: in ``solve_overlapped`` a run that ends while the
    main thread is still making PuLP objects waits for the GIL before it returns, and that
    wait is not the solver's.
    """
    before = h.getRunTime()
    h.run()
    return float(h.getRunTime() - before)


def run_highs(
    handover: Handover,
    time_limit_s: float,
    gap: float,
    mip: bool,
    warm: bool,
    start: dict[str, float] | None,
    go: Callable[[FastHiGHS], tuple[int, pulp.LpProblem]],
) -> SolveOutcome:
    """HiGHS through FastHiGHS, reading its own status, solution state and bound.

    ``go(engine)`` runs the solve and returns PuLP's status code and the problem solved.
    """
    import highspy

    silence_highs_banner()
    engine = FastHiGHS(
        handover=handover,
        mip=mip,
        msg=False,
        timeLimit=time_limit_s,
        gapRel=gap,
        threads=1,
        random_seed=0,
        warm=warm,
        start=start,
    )
    t0 = time.perf_counter()
    try:
        code, prob = go(engine)
    except (pulp.PulpSolverError, KeyError):
        return SolveOutcome("error", False, None, None, time.perf_counter() - t0, "highs")
    elapsed = time.perf_counter() - t0
    h = prob.solverModel
    info = h.getInfo()
    sol = prob.sol_status
    is_mip = mip and engine.integer_columns > 0  # prob.isMIP() re-sorts every variable
    objective = (
        float(info.objective_function_value)
        if sol in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
        else None
    )
    bound: float | None = None
    mip_gap: float | None = None
    ran = h.getModelStatus() not in _NOT_RUN
    if is_mip and ran:
        raw = info.mip_dual_bound
        bound = float(raw) if abs(raw) < 1e30 else None
        mip_gap = float(info.mip_gap) if abs(info.mip_gap) < 1e30 else None
    elif code == pulp.LpStatusOptimal and sol == pulp.LpSolutionOptimal:
        bound = objective
    del highspy
    outcome = classify(code, sol, objective, bound, elapsed, "highs", engine.run_s, mip_gap)
    return replace(outcome, overlap_s=engine.overlap_s, reused=engine.reused)


def _not_run() -> tuple:
    """HiGHS model statuses after which no bound or value may be read."""
    import highspy

    ms = highspy.HighsModelStatus
    return (
        ms.kNotset,
        ms.kLoadError,
        ms.kModelError,
        ms.kPresolveError,
        ms.kSolveError,
        ms.kPostsolveError,
    )


_NOT_RUN = _not_run()
