"""The allocation model of MODEL.md, built with PuLP in small named steps.

Each ``define_*`` method adds one constraint family; every constraint has a stable name
made of the family and the ids it is about (``capacity__north__clinic``), and the model
keeps them in ``constraints`` by that name. Built once, the model can take a new budget,
staff limit or equity weight without rebuilding (``set_policy``), which sliders and sweeps
use; the solver adapter (``solvers.py``) then also keeps the solver's copy and only changes
the bounds and costs that moved.

Scaling. Populations reach millions, and MODEL.md's objective divided by total need gives
coefficients near 1e-8 that MIP presolve may drop. So the model works with coverage shares
``c_dp = s_dp / need_dp`` in [0, 1] instead of people ``s_dp``:

* capacity (2):  c_dp - (cap_p / need_dp) x_dp <= cap_p base_dp / need_dp
* need (1):      c_dp <= 1 (a variable bound)
* equity (6):    z <= sum_p (w_p need_dp / W_d) c_dp, coefficients that sum to 1
* objective:     K [(1 - lambda) sum_dp (w_p need_dp / W) c_dp + lambda z], with K the
  number of (district, program) pairs with need, so the average coefficient is near 1.

This is MODEL.md exactly (s_dp = need_dp c_dp); pairs with need 0 have no c variable.

Speed. Expressions are built directly from (variable, coefficient) lists rather than by
PuLP's operator overloading, and all data come from ``ProblemData.arrays``: at 3,000
districts this is the difference between seconds and a fraction of one.
"""

from __future__ import annotations

import contextlib
import gc
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pulp

from govdecide.data import ProblemData

CAPACITY = "capacity"
INTEGER_HULL = "integer_hull"
BUDGET = "budget"
STAFF = "staff"
EQUITY = "equity"
SPEND_MIN = "spend_min"
SPEND_MAX = "spend_max"
EQUITY_FLOOR = "equity_floor"

# Models of up to this many columns (300 districts of 8 programs have ~4,800) get the
# integer-hull rows, and HiGHS runs them without presolve (solvers.py). Measured on the
# benchmark's regions (HiGHS 1.16): at 300 districts the hull rows took the plain MILP at
# equity weight 0 from 5.3 s to 0.1 s. At 3,000 districts `auto` runs the structured
# method, which never uses them there (no MILP finish at that size) and whose LPs they
# only enlarge; and the plain MILP's presolve alone took 15.6 s with them, beyond a 10 s
# time limit it does not check.
SMALL_MODEL_COLUMNS = 10_000

# A right-hand side both solvers read as "no limit": HiGHS treats any bound of 1e20 or more
# as infinite (option infinite_bound) and CLP/CBC any above 1e27, so the row is free and
# does not distort scaling or tolerances (a large finite number such as 1e15 would).
NO_LIMIT = 1e30

_LE = pulp.LpConstraintLE
_GE = pulp.LpConstraintGE


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while many small objects are made.

    Building a 3,000-district model creates ~10^5 PuLP objects; the collector's repeated
    scans of them took about as long as creating them. Nothing built here forms a cycle
    that needs collecting during the build, and the collector resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def cname(family: str, *ids: str) -> str:
    """The stable name of a constraint: its family and the ids it is about."""
    return "__".join((family, *ids))


@dataclass
class Values:
    """New units per (district, program) from a solve, rounded where integer."""

    x: dict[tuple[str, str], float]
    matrix: np.ndarray | None = None  # the same as a (D, P) array in ProblemData.arrays order


def _expr(
    terms: list[tuple[pulp.LpVariable, float]], constant: float = 0.0
) -> pulp.LpAffineExpression:
    """An affine expression from (variable, coefficient) pairs, without operator overhead."""
    return pulp.LpAffineExpression(terms, constant=constant)


class AllocationModel:
    """MODEL.md as a PuLP problem, built once per data and updated in place."""

    def __init__(self, data: ProblemData) -> None:
        with no_gc():
            self._build(data)

    def _build(self, data: ProblemData) -> None:
        """All the families, in a fixed order (so the model is the same on every build)."""
        self.data = data
        self.arr = data.arrays
        self.prob = pulp.LpProblem("govdecide", pulp.LpMaximize)
        self.constraints: dict[str, pulp.LpConstraint] = {}
        self.pairs = list(data.pairs.index)
        self.need = data.pairs["need"].to_dict()
        self.budget = data.budget
        self.staff = data.staff
        self.equity_weight = data.equity_weight
        self.equity_floor: float | None = None
        self.builds = 1
        self.define_variables()
        self.define_capacity()
        self.define_integer_hull()
        self.define_budget()
        self.define_staff()
        self.define_spend_limits()
        self.define_equity()
        self.define_objective()
        self._finish_hint()

    # -- building -----------------------------------------------------------------------

    def _add(self, constraint: pulp.LpConstraint, family: str, *ids: str) -> None:
        """Add a constraint under its stable name and remember it."""
        name = cname(family, *ids)
        self.prob.addConstraint(constraint, name)
        self.constraints[name] = constraint

    def _rows(
        self,
        names: list[str],
        starts: np.ndarray,
        cols: np.ndarray,
        coefs: np.ndarray,
        sense: int,
        rhs: list[float],
    ) -> None:
        """Add a family of rows given as compressed arrays over the model's columns.

        Each row becomes a named PuLP constraint (the model of record); the same arrays are
        kept as a hint so that the HiGHS adapter can hand the matrix over without walking
        the PuLP expressions again. ``extend`` files the constraints without registering
        their variables one by one (the adapter knows them from ``_govdecide_columns``).
        """
        columns = self.columns
        variables = [columns[c] for c in cols.tolist()]
        coef_list = coefs.tolist()
        bounds = starts.tolist()
        expr, con = pulp.LpAffineExpression, pulp.LpConstraint
        named = {}
        if len(names) > 1 and bool((np.diff(starts) == 2).all()):
            # two terms a row (capacity): no slicing
            it = iter(zip(variables, coef_list))
            for name, first, second, b in zip(names, it, it, rhs):
                named[name] = con(expr((first, second)), sense, None, b)
        else:
            for r, name in enumerate(names):
                lo, hi = bounds[r], bounds[r + 1]
                terms = zip(variables[lo:hi], coef_list[lo:hi])
                named[name] = con(expr(terms), sense, None, rhs[r])
        self.prob.extend(named)
        self.constraints.update(named)
        self._hint.append((list(named.values()), starts, cols, coefs))

    def define_variables(self) -> None:
        """x_dp (new units, integer where the program says so), c_dp (coverage), z.

        Columns are numbered x (flat pair order), then c (pairs with need), then z.
        """
        arr = self.arr
        add = self.prob.add_variable
        n_p = len(arr.programs)
        hi = arr.hi.reshape(-1)
        hi_list = np.where(np.isfinite(hi), hi, np.nan).tolist()
        lo_list = arr.lo.reshape(-1).tolist()
        cats = ["Integer" if flag else "Continuous" for flag in arr.integer.tolist()] * len(
            arr.districts
        )
        names = [f"x__{d}__{p}" for d, p in self.pairs]
        self.x_list: list[pulp.LpVariable] = [
            add(name, lowBound=lo, upBound=None if up != up else up, cat=cat)
            for name, lo, up, cat in zip(names, lo_list, hi_list, cats, strict=True)
        ]
        self.x: dict[tuple[str, str], pulp.LpVariable] = dict(
            zip(self.pairs, self.x_list, strict=True)
        )
        flat_need = arr.need.reshape(-1)
        self.need_index = np.flatnonzero(flat_need > 0)  # flat (d, p) positions with need
        self.with_need = [self.pairs[k] for k in self.need_index.tolist()]
        self.c_list = [add(f"c__{d}__{p}", lowBound=0, upBound=1) for d, p in self.with_need]
        self.c = dict(zip(self.with_need, self.c_list, strict=True))
        self.z = add("z", lowBound=0, upBound=1)
        self._n_p = n_p
        self.n_x = len(self.x_list)
        self.n_c = len(self.c_list)
        self.z_col = self.n_x + self.n_c
        self.columns = [*self.x_list, *self.c_list, self.z]
        self._hint: list[tuple[list, np.ndarray, np.ndarray, np.ndarray]] = []
        self.prob._govdecide_columns = self.columns  # type: ignore[attr-defined]

    def define_capacity(self) -> None:
        """(2) people served are at most what old and new units can serve, as shares."""
        arr = self.arr
        idx = self.need_index
        n_c = self.n_c
        ratio = np.tile(arr.cap, len(arr.districts))[idx] / arr.need.reshape(-1)[idx]
        rhs = (ratio * arr.base.reshape(-1)[idx]).tolist()
        cols = np.empty(2 * n_c, dtype=np.int64)
        cols[0::2] = self.n_x + np.arange(n_c)
        cols[1::2] = idx
        coefs = np.empty(2 * n_c)
        coefs[0::2] = 1.0
        coefs[1::2] = -ratio
        names = [f"{CAPACITY}__{d}__{p}" for d, p in self.with_need]
        self._rows(names, np.arange(0, 2 * n_c + 1, 2), cols, coefs, _LE, rhs)

    def define_integer_hull(self) -> None:
        """Tighten (1)-(2) for whole units to their convex hull; no whole-unit plan is cut off.

        With whole units the coverage a pair can reach is min(1, cap (base + k) / need) at
        integer k: a concave staircase whose LP relaxation lets a fraction of a unit serve
        the last people. Where the point of saturation x* = need / cap - base lies strictly
        between two integers k0 < x* < k0 + 1 (and inside the pair's bounds), the chord from
        (k0, f(k0)) to (k0 + 1, 1) is a valid inequality: every integer x satisfies it, so
        the optimum is MODEL.md's, but the relaxation's bound becomes that of each pair's
        convex hull. On the benchmark's 20 districts that closes the root gap to about
        0.003%, and the solver proves optimality without branching.

            c_dp - (1 - f0) x_dp <= f0 - (1 - f0) k0,   f0 = cap (base + k0) / need

        Continuous programs get no such row (for them it would cut off real plans), nor
        do models above SMALL_MODEL_COLUMNS columns (see there).
        """
        if len(self.columns) > SMALL_MODEL_COLUMNS:
            return
        arr = self.arr
        idx = self.need_index
        n_p = self._n_p
        program = idx % n_p
        need = arr.need.reshape(-1)[idx]
        cap = arr.cap[program]
        base = arr.base.reshape(-1)[idx]
        saturation = need / cap - base
        k0 = np.floor(saturation)
        rows = np.flatnonzero(
            arr.integer[program]
            & (saturation - k0 > 1e-9)
            & (saturation > arr.lo.reshape(-1)[idx])
            & (saturation < arr.hi.reshape(-1)[idx])
        )
        f0 = cap[rows] * (base[rows] + k0[rows]) / need[rows]
        slope = 1.0 - f0
        cols = np.empty(2 * rows.size, dtype=np.int64)
        cols[0::2] = self.n_x + rows
        cols[1::2] = idx[rows]
        coefs = np.empty(2 * rows.size)
        coefs[0::2] = 1.0
        coefs[1::2] = -slope
        rhs = (f0 - slope * k0[rows]).tolist()
        names = [f"{INTEGER_HULL}__{d}__{p}" for d, p in (self.with_need[r] for r in rows)]
        if names:
            self._rows(names, np.arange(0, 2 * rows.size + 1, 2), cols, coefs, _LE, rhs)

    def _cost_row(self, per_unit: np.ndarray, program: int | None = None) -> tuple:
        """Columns and coefficients of sum_dp per_unit_p x_dp (one program's, or all)."""
        n_p = self._n_p
        cols, coefs = [], []
        for j in range(n_p) if program is None else (program,):
            value = float(per_unit[j])
            if value != 0:
                block = np.arange(j, self.n_x, n_p)
                cols.append(block)
                coefs.append(np.full(block.size, value))
        if not cols:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(cols), np.concatenate(coefs)

    def _single(self, name: str, row: tuple, sense: int, rhs: float) -> None:
        """One row from (columns, coefficients)."""
        cols, coefs = row
        self._rows([name], np.array([0, cols.size]), cols, coefs, sense, [rhs])

    def define_budget(self) -> None:
        """(3) total cost of new units within the budget."""
        self._single(BUDGET, self._cost_row(self.arr.cost), _LE, self.budget)

    def define_staff(self) -> None:
        """(4) staff of new units within the staff available; NO_LIMIT when none is given."""
        limit = NO_LIMIT if self.staff is None else self.staff
        self._single(STAFF, self._cost_row(self.arr.staff), _LE, limit)

    def define_spend_limits(self) -> None:
        """(7) optional per-program spend limits."""
        arr = self.arr
        for j, p in enumerate(arr.programs):
            for family, limit, sense in (
                (SPEND_MIN, arr.spend_min[j], _GE),
                (SPEND_MAX, arr.spend_max[j], _LE),
            ):
                if not math.isnan(limit):
                    row = self._cost_row(arr.cost, j)
                    self._single(cname(family, p), row, sense, float(limit))

    def define_equity(self) -> None:
        """(6) z is at most every district's weighted coverage (W_d > 0 only)."""
        arr = self.arr
        wneed = arr.wneed
        totals = wneed.sum(axis=1)
        self.district_weight = dict(zip(arr.districts, totals.tolist(), strict=True))
        flat = wneed.reshape(-1)[self.need_index]  # per c column
        keep = flat > 0
        m = np.flatnonzero(keep)  # c positions in the rows
        district = self.need_index[m] // self._n_p
        share = flat[m] / totals[district]
        rows = np.flatnonzero(totals > 0)
        counts = np.bincount(district, minlength=len(arr.districts))[rows]
        starts = np.zeros(rows.size + 1, dtype=np.int64)
        starts[1:] = np.cumsum(counts + 1)
        cols = np.empty(starts[-1], dtype=np.int64)
        coefs = np.empty(starts[-1])
        cols[starts[:-1]] = self.z_col
        coefs[starts[:-1]] = 1.0
        # c entries after each row's z, in column order (m is sorted by district already)
        offsets = np.repeat(starts[:-1] + 1 - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        positions = np.arange(m.size) + offsets
        cols[positions] = self.n_x + m
        coefs[positions] = -share
        names = [cname(EQUITY, arr.districts[i]) for i in rows.tolist()]
        self._rows(names, starts, cols, coefs, _LE, [0.0] * rows.size)

    def _finish_hint(self) -> None:
        """The rows built so far as one compressed matrix, for the solver adapter."""
        cons: list = []
        starts = [np.zeros(1, dtype=np.int64)]
        cols, coefs = [], []
        offset = 0
        for block_cons, block_starts, block_cols, block_coefs in self._hint:
            cons.extend(block_cons)
            starts.append(block_starts[1:] + offset)
            offset += int(block_starts[-1])
            cols.append(block_cols)
            coefs.append(block_coefs)
        self.prob._govdecide_rows = (  # type: ignore[attr-defined]
            cons,
            np.concatenate(starts),
            np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64),
            np.concatenate(coefs) if coefs else np.zeros(0),
        )

    def define_objective(self) -> None:
        """maximize K [(1 - lambda) E + lambda z], E as coverage shares (see module doc)."""
        wneed = self.arr.wneed.reshape(-1)
        self.total_weight = float(wneed[self.need_index].sum())
        self.scale = float(max(1, len(self.with_need)))
        self._eff_coef = wneed[self.need_index] / self.total_weight
        self._set_objective()

    def _set_objective(self) -> None:
        """The objective for the current equity weight, scaled by K."""
        lam = self.equity_weight
        k = self.scale
        coef = k * (1 - lam) * self._eff_coef
        keep = np.flatnonzero(coef != 0)
        cols = self.n_x + keep
        values = coef[keep]
        c_list = self.c_list
        terms = [(c_list[i], v) for i, v in zip(keep.tolist(), values.tolist(), strict=True)]
        if lam != 0:
            terms.append((self.z, k * lam))
            cols = np.append(cols, self.z_col)
            values = np.append(values, k * lam)
        objective = _expr(terms)
        self.prob.setObjective(objective)
        # the same as arrays over the model's columns, for the HiGHS adapter (like the rows)
        self.prob._govdecide_objective = (objective, cols, values)  # type: ignore[attr-defined]

    # -- updating -----------------------------------------------------------------------

    def set_policy(
        self,
        budget: float | None = None,
        staff: float | None | object = ...,
        equity_weight: float | None = None,
    ) -> None:
        """Change budget, staff (``None`` = no limit) or equity weight without a rebuild."""
        if budget is not None:
            self.budget = float(budget)
            self.constraints[BUDGET].changeRHS(self.budget)
        if staff is not ...:
            self.staff = None if staff is None else float(staff)  # type: ignore[arg-type]
            self.constraints[STAFF].changeRHS(NO_LIMIT if self.staff is None else self.staff)
        if equity_weight is not None and equity_weight != self.equity_weight:
            self.equity_weight = float(equity_weight)
            self._set_objective()

    def set_equity_floor(self, floor: float | None) -> None:
        """Require z >= floor (the epsilon-constraint of the frontier); None removes it.

        The floor is the lower bound of z (a variable bound, not a row), so adding or
        removing it never changes the model's shape and the solver keeps its copy.
        """
        self.equity_floor = None if floor is None else float(floor)
        self.z.lowBound = 0.0 if floor is None else float(floor)

    # -- reading ------------------------------------------------------------------------

    def x_matrix(self) -> np.ndarray:
        """New units as solved, a (D, P) array; integer programs rounded to whole units."""
        arr = self.arr
        flat = np.fromiter(
            ((v.varValue or 0.0) for v in self.x_list), dtype=float, count=len(self.x_list)
        ).reshape(arr.need.shape)
        flat = np.where(arr.integer[None, :], np.round(flat), flat)
        flat[np.abs(flat) <= 1e-9] = 0.0
        return np.maximum(flat, 0.0)

    def values(self) -> Values:
        """New units as solved; integer programs rounded to whole units."""
        mat = self.x_matrix()
        return Values(dict(zip(self.pairs, mat.reshape(-1).tolist(), strict=True)), mat)

    def budget_dual(self) -> float | None:
        """Dual of the budget constraint in objective units per budget unit (unscaled)."""
        pi = self.constraints[BUDGET].pi
        return None if pi is None else abs(float(pi)) / self.scale
