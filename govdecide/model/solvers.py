"""Running a PuLP problem with HiGHS or CBC, and saying honestly what came back.

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

import contextlib
import gc
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pulp

from govdecide.errors import input_error

_BANNER_SILENCED = False

# Models of up to this many columns (300 districts of 8 programs have ~4,800) count as
# small: HiGHS runs them with the options below, and the model adds its integer-hull rows
# (formulation.py). Both choices were measured on the benchmark's regions
# (docs/benchmarks.md): they help up to this size and hurt at 3,000 districts.
SMALL_MODEL_COLUMNS = 10_000

# HiGHS options for small models (up to SMALL_MODEL_COLUMNS columns, model.py: 300
# districts of 8 programs have ~4,800), chosen on the benchmark's regions
# (docs/benchmarks.md, HiGHS 1.16). Larger models keep HiGHS's defaults.
# - presolve off: the model is already tight (coverage shares, integer-hull rows) and
#   presolve found little to remove; without it the 20-district MILP took 7 ms against
#   11-19 ms, the 300-district MILP at weight 0 0.1 s, the LPs ~25% less. At 3,000
#   districts it hurt: an LP with the integer units fixed (the structured method's polish)
#   took 4.2 s without presolve against 1.5 s, and the MILP ran 80 s past a 10 s limit;
# - no feasibility-jump heuristic in a MIP: with the hull rows the root relaxation is
#   within the gap of the optimum and the root's own heuristics find it; the jump search
#   added 2-3 ms to every 20-district MILP and found nothing better.
HIGHS_SMALL_OPTIONS: dict[str, Any] = {"presolve": "off"}
HIGHS_SMALL_MIP_OPTIONS: dict[str, Any] = {"mip_heuristic_run_feasibility_jump": False}


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


_CBC_BOUND = re.compile(r"^(?:Upper|Lower) bound:\s+(\S+)", re.MULTILINE)
# what CBC prints when presolve alone proves infeasibility (then it writes no solution)
_CBC_INFEASIBLE = re.compile(
    r"infeasibility proved|problem is infeasible|problem proven infeasible", re.IGNORECASE
)
CBC_DIGITS = 5e-6  # relative half-unit of the 6th significant digit CBC's log prints
_CBC_WALL = re.compile(r"Wallclock seconds\):\s+([0-9.eE+-]+)")


def _cbc_bound(log: str) -> float | None:
    """The best bound CBC printed at the end of its log, if any."""
    match = _CBC_BOUND.findall(log)
    try:
        return float(match[-1]) if match else None
    except ValueError:
        return None


def _cbc_wall(log: str) -> float | None:
    """CBC's own wall-clock time from the end of its log, if printed."""
    match = _CBC_WALL.findall(log)
    try:
        return float(match[-1]) if match else None
    except ValueError:
        return None


class SolverCopy:
    """HiGHS's copy of a PuLP problem and what is needed to update it in place.

    ``columns`` and ``rows`` are the problem's variables and constraints in the copy's
    order; ``options`` the HiGHS options applied so far (set again only when they change).
    """

    def __init__(
        self,
        highs: Any,
        columns: list,
        col_of: dict | None,
        rows: list,
        is_integer: np.ndarray | None = None,
    ) -> None:
        self.highs = highs
        self.columns = columns
        self._col_of = col_of
        self.rows = rows
        # which columns are integer, read once (or taken from the model's arrays): nothing
        # here changes a variable's category after the model is built, and reading tens of
        # thousands of them again on every solve showed in the large benchmark
        self.is_integer = (
            np.fromiter((v.cat == pulp.LpInteger for v in columns), dtype=bool, count=len(columns))
            if is_integer is None
            else is_integer
        )
        self.integrality = np.zeros(len(columns), dtype=np.uint8)
        self.options: dict[str, Any] = {}
        for con in rows:
            con.modified = False  # the solver's copy has these rows as they are now

    @property
    def col_of(self) -> dict:
        """Column number by variable (its ``hash``), made on first use: a problem whose rows
        and objective come as arrays (``Handover``) never needs it."""
        if self._col_of is None:
            self._col_of = {v.hash: i for i, v in enumerate(self.columns)}
        return self._col_of


@dataclass
class Handover:
    """What a model hands the HiGHS adapter beside its PuLP problem, and the copy kept.

    A caller that solves the same problem again and again (a model under slider moves)
    keeps one ``Handover`` for it and passes it to every solve: the adapter keeps HiGHS's
    copy in ``copy`` and on the next solve only refreshes bounds, costs and integrality. A
    model that computed its rows as arrays also gives them here (``columns``, ``rows`` and
    ``objective``), so the adapter need not walk PuLP expressions; the hints are used only
    while they still describe the problem (the same constraints first, by identity, and the
    same objective object).
    """

    columns: list | None = None  # the model's variables in column order
    rows: tuple | None = None  # (constraints, starts, index, value) of the model's own rows
    objective: tuple | None = None  # (expression, columns, coefficients)
    copy: SolverCopy | None = None

    def objective_arrays(self, lp: pulp.LpProblem, copy: SolverCopy) -> tuple | None:
        """The objective as (columns, coefficients) while ``lp`` still has the model's own
        objective (by identity) and ``copy`` numbers the model's own columns."""
        hint = self.objective
        if hint is None or hint[0] is not lp.objective or copy.columns is not self.columns:
            return None
        return hint[1], hint[2]


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
        known = len(hint[0]) if hint is not None and _prefix(rows, hint[0]) else 0
        objective = self.handover.objective
        hinted = (
            columns is not None
            and known == len(rows)
            and objective is not None
            and objective[0] is lp.objective
        )
        col_of = None if hinted else _col_of(columns)
        if not hinted and (columns is None or not _covers(rows[known:], lp.objective, col_of)):
            columns = lp.variables()  # PuLP's own column list (sorted by name)
            col_of = _col_of(columns)
            known = 0  # the hint numbers the model's own columns: not usable
        n = len(columns)
        starts, index, value = _matrix(rows, col_of or {}, hint if known else None)
        lo, up = _row_bounds(rows)
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
        return SolverCopy(_load(form), columns, col_of, rows)

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
                lo, up = _row_bounds([cache.rows[r] for r in changed])
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
            h = _load(form, integrality)
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
            # are not read back: nothing uses them, and at 3,000 districts they cost ~10 ms
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


def _load(form: MatrixForm, integrality: np.ndarray | None = None) -> Any:
    """A new highspy model holding ``form`` (columns, rows, costs, sense), quiet."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    # highspy routes HiGHS's callbacks through Python by default, so the solver takes the
    # GIL during its run; nothing here uses callbacks, and without them a run is not
    # slowed by Python work in another thread (solve_overlapped): beside a busy Python
    # thread a 20-district LP took 6.5 ms with them, 1.4 ms without (1.3 ms alone)
    h.disableCallbacks()
    n = form.lower.size
    h.addCols(
        n,
        form.cost,
        form.lower,
        form.upper,
        0,
        np.zeros(n, np.int32),
        np.zeros(0, np.int32),
        np.zeros(0),
    )
    starts = form.starts.astype(np.int32)
    h.addRows(
        starts.size - 1,
        form.row_lower,
        form.row_upper,
        form.index.size,
        starts[:-1],
        form.index.astype(np.int32),
        form.value.astype(float),
    )
    if integrality is not None and integrality.any():
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), integrality)
    h.changeObjectiveSense(
        highspy.ObjSense.kMaximize if form.maximize else highspy.ObjSense.kMinimize
    )
    return h


def _prefix(rows: list, hinted: list) -> bool:
    """True when the problem's first rows are exactly the hinted ones (by identity)."""
    return len(rows) >= len(hinted) and all(a is b for a, b in zip(rows, hinted))


def _matrix(rows: list, col_of: dict, hint: tuple | None) -> tuple:
    """The constraint matrix in compressed rows: the model's hint, then any other rows.

    A model that computed its rows as arrays hands them over (``Handover.rows``); the
    caller passes them (``hint``) when the problem's first rows are exactly those
    constraints and the columns are the model's own. Rows after them are read from PuLP.
    """
    parts_starts: list[np.ndarray] = [np.zeros(1, dtype=np.int64)]
    parts_index: list[np.ndarray] = []
    parts_value: list[np.ndarray] = []
    done = 0
    if hint is not None:
        parts_starts.append(hint[1][1:])
        parts_index.append(hint[2])
        parts_value.append(hint[3])
        done = len(hint[0])
    offset = int(parts_starts[-1][-1])
    extra_starts = []
    index: list[int] = []
    value: list[float] = []
    for con in rows[done:]:
        for var, coef in con.items():
            if coef != 0:
                index.append(col_of[var.hash])
                value.append(coef)
        extra_starts.append(offset + len(index))
    if extra_starts:
        parts_starts.append(np.asarray(extra_starts, dtype=np.int64))
        parts_index.append(np.asarray(index, dtype=np.int64))
        parts_value.append(np.asarray(value, dtype=float))
    starts = np.concatenate(parts_starts).astype(np.int32)
    index_arr = (
        np.concatenate(parts_index).astype(np.int32) if parts_index else np.zeros(0, np.int32)
    )
    value_arr = np.concatenate(parts_value).astype(float) if parts_value else np.zeros(0)
    return starts, index_arr, value_arr


def _col_of(columns: list | None) -> dict:
    """Column number by variable (its ``hash``)."""
    return {} if columns is None else {v.hash: i for i, v in enumerate(columns)}


def _covers(rows: list, objective: pulp.LpAffineExpression | None, col_of: dict) -> bool:
    """True when every variable of the rows and the objective is a known column."""
    for con in rows:
        for var in con:
            if var.hash not in col_of:
                return False
    return all(var.hash in col_of for var in (objective or {}))


def _row_bounds(rows: list) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of PuLP constraints as arrays (PuLP keeps -rhs as constant)."""
    lo = np.full(len(rows), -np.inf)
    up = np.full(len(rows), np.inf)
    for r, con in enumerate(rows):
        rhs = -con.constant
        if con.sense == pulp.LpConstraintLE:
            up[r] = rhs
        elif con.sense == pulp.LpConstraintGE:
            lo[r] = rhs
        else:
            lo[r] = up[r] = rhs
    return lo, up


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

        return _run_highs(handover or Handover(), time_limit_s, gap, mip, warm_start, start, go)
    return _run_cbc(prob, time_limit_s, gap, mip, warm_start)


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

    return _run_highs(handover, time_limit_s, gap, True, False, None, go)


def _run_highs(
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
    outcome = _classify(code, sol, objective, bound, elapsed, "highs", engine.run_s, mip_gap)
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


def _run_cbc(
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
        return _classify(
            pulp.LpStatusInfeasible, sol, None, None, elapsed, "cbc", _cbc_wall(log), None
        )
    return _classify(code, sol, objective, bound, elapsed, "cbc", _cbc_wall(log), None)


def _classify(
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
