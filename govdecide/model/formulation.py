"""The allocation model of MODEL.md, built with PuLP in small named steps.

Each ``define_*`` method adds one constraint family; every constraint has a stable name
made of the family and the ids it is about (``capacity__north__clinic``), and the model
keeps them in ``constraints`` by that name. Built once, the model can take a new budget,
staff limit or equity weight without rebuilding (``set_policy``), which sliders and sweeps
use; the solver adapter then only updates its kept copy (``solvers``).

Scaling. The model works with coverage shares c_dp = s_dp / need_dp in [0, 1] instead of
people, and scales its objective and its smallest capacity rows so that a solver's
tolerances stay small beside the numbers: ``scaling`` says how and why.

Speed. Each ``define_*`` step computes its rows as arrays from ``ProblemData.arrays``;
``materialize`` then makes the PuLP variables and named constraints from them, building
expressions directly from (variable, coefficient) lists rather than by PuLP's operator
overloading. A model of more than OVERLAP_MIN_COLUMNS columns waits to be materialized
until something asks for its PuLP objects, so that the HiGHS adapter can hand the arrays
(``matrix_form``) to the solver and let PuLP make its objects while the solver runs
(``solve``); at 3,000 districts making them costs about a quarter of the LP's solve
(docs/benchmarks.md). What the solver adapter gets beside the PuLP problem (columns, rows
and objective as arrays, and the solver's kept copy) is the model's ``handover``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pulp

from govdecide.model import solvers
from govdecide.model.coverage import objective_reach
from govdecide.model.made import Made as _Made
from govdecide.model.problem import ProblemData
from govdecide.model.scaling import capacity_row_scale, check_numbers, objective_unit
from govdecide.model.solvers.common import SMALL_MODEL_COLUMNS, MatrixForm, SolveOutcome, no_gc
from govdecide.model.solvers.handover import Handover

CAPACITY = "capacity"
INTEGER_HULL = "integer_hull"
BUDGET = "budget"
STAFF = "staff"
EQUITY = "equity"
SPEND_MIN = "spend_min"
SPEND_MAX = "spend_max"

# Models of more than this many columns are solved while PuLP makes their objects (module
# doc). Below it the worker thread's start and two threads sharing the cores cost as much
# as the overlap saves (docs/benchmarks.md, "Overlapped build").
OVERLAP_MIN_COLUMNS = 1_000

# A right-hand side both solvers read as "no limit": HiGHS treats any bound of 1e20 or more
# as infinite (option infinite_bound) and CLP/CBC any above 1e27, so the row is free and
# does not distort scaling or tolerances (a large finite number such as 1e15 would).
NO_LIMIT = 1e30

_LE = pulp.LpConstraintLE
_GE = pulp.LpConstraintGE


def cname(family: str, *ids: str) -> str:
    """The stable name of a constraint: its family and the ids it is about."""
    return "__".join((family, *ids))


@dataclass
class RowBlock:
    """One family's rows as arrays, how to name them (made when needed), and the family
    (CAPACITY, BUDGET, ...) by which the multi-year plan (``model/years``) picks them."""

    names: Callable[[], list[str]]
    starts: np.ndarray
    cols: np.ndarray
    coefs: np.ndarray
    sense: int
    rhs: np.ndarray
    family: str = ""


@dataclass
class Values:
    """New units per (district, program) from a solve, rounded where integer."""

    x: dict[tuple[str, str], float]
    matrix: np.ndarray | None = None  # the same as a (D, P) array in ProblemData.arrays order


class AllocationModel:
    """MODEL.md as a PuLP problem, built once per data and updated in place.

    The ``define_*`` steps compute every family's rows as arrays; ``materialize`` makes the
    PuLP objects from them: at once for a model of up to OVERLAP_MIN_COLUMNS columns (or
    with ``lazy=False``), otherwise on first use of ``prob``, ``constraints`` or the
    variables, or while HiGHS solves the arrays (see the module doc). Either way the PuLP
    problem is the model of record: its names, values and duals are what callers read.
    """

    def __init__(self, data: ProblemData, lazy: bool | None = None) -> None:
        with no_gc():
            self._define(data)
        if not (self.n_columns > OVERLAP_MIN_COLUMNS if lazy is None else lazy):
            self.materialize()

    def _define(self, data: ProblemData) -> None:
        """All the families as arrays, in a fixed order (the same model on every build)."""
        self.data = data
        self.arr = data.arrays
        check_numbers(self.arr)  # ScenarioError for numbers no solver can take
        self.pairs = list(data.pairs.index)
        self.need = data.pairs["need"].to_dict()
        self.budget = data.budget
        self.staff = data.staff
        self.equity_weight = data.equity_weight
        self.equity_floor: float | None = None
        self.handover = Handover()  # what the HiGHS adapter gets beside the PuLP problem
        self._prob: pulp.LpProblem | None = None
        self._blocks: list[RowBlock] = []
        self._single_rows: dict[str, RowBlock] = {}  # one-row families updated in place
        self.define_variables()
        self.define_capacity()
        self.define_integer_hull()
        self.define_budget()
        self.define_staff()
        self.define_spend_limits()
        self.define_equity()
        self.define_objective()

    # -- the PuLP objects -----------------------------------------------------------------

    @property
    def pending(self) -> bool:
        """True while the PuLP objects are not made yet (before first use or a solve)."""
        return self._prob is None

    def materialize(self) -> None:
        """Make the PuLP variables, named constraints and objective from the arrays (once)."""
        if self._prob is not None:
            return
        with no_gc():
            prob = pulp.LpProblem("govdecide", pulp.LpMaximize)
            self._make_variables(prob)
            self._constraints: dict[str, pulp.LpConstraint] = {}
            made = [self._make_rows(prob, block) for block in self._blocks]
            self._finish_hint(made)
            self._prob = prob
            self._make_objective()

    def _made(self) -> pulp.LpProblem:
        """The PuLP problem, its objects made (what ``solvers.run_overlapped`` calls)."""
        self.materialize()
        assert self._prob is not None
        return self._prob

    def solve(
        self,
        solver: str,
        *,
        time_limit_s: float,
        gap: float,
        mip: bool = True,
        start: dict[str, float] | None = None,
    ) -> SolveOutcome:
        """Solve the model as it stands, through its own handover (see ``solvers``).

        A model whose PuLP objects are not made yet (a new large one) goes to HiGHS as
        arrays while PuLP makes them; any other through ``solvers.run``. Either way HiGHS's
        copy is kept in the handover, so the next solve only updates it. ``mip=False``
        solves the LP relaxation; ``start`` is a MIP start by variable name.
        """
        if solver == "highs" and self.pending and mip and start is None:
            form = self.matrix_form()
            return solvers.run_overlapped(
                form, self._made, self.handover, time_limit_s=time_limit_s, gap=gap
            )
        return solvers.run(
            self.prob,
            solver,
            time_limit_s=time_limit_s,
            gap=gap,
            mip=mip,
            start=start,
            handover=self.handover,
        )

    def added_rows(self) -> list[pulp.LpConstraint] | None:
        """Rows added to the PuLP problem after the model's own (an analysis's extra row).

        ``None`` when the model's own rows are no longer the problem's first ones (a row
        was removed or replaced); empty for a model whose objects are not made yet.
        """
        if self._prob is None:
            return []
        own = self.handover.rows[0] if self.handover.rows else []
        rows = list(self._prob._constraints.values())
        if len(rows) < len(own) or not all(a is b for a, b in zip(rows, own)):
            return None
        return rows[len(own) :]

    # The PuLP objects; reading any of them makes them first (``_Made``).
    prob: _Made[pulp.LpProblem] = _Made()
    constraints: _Made[dict[str, pulp.LpConstraint]] = _Made()  # by stable name
    x: _Made[dict[tuple[str, str], pulp.LpVariable]] = _Made()  # new units by pair
    x_list: _Made[list[pulp.LpVariable]] = _Made()  # new units in flat pair order
    c: _Made[dict[tuple[str, str], pulp.LpVariable]] = _Made()  # coverage, pairs with need
    c_list: _Made[list[pulp.LpVariable]] = _Made()  # coverage in ``with_need`` order
    z: _Made[pulp.LpVariable] = _Made()  # the lowest district's weighted coverage
    columns: _Made[list[pulp.LpVariable]] = _Made()  # x, then c, then z

    def _make_variables(self, prob: pulp.LpProblem) -> None:
        """The PuLP variables, named ``x__<district>__<program>``, ``c__...`` and ``z``."""
        add = prob.add_variable
        n_x = self.n_x
        hi = self.col_upper[:n_x]
        hi_list = np.where(np.isfinite(hi), hi, np.nan).tolist()
        lo_list = self.col_lower[:n_x].tolist()
        cats = ["Integer" if flag else "Continuous" for flag in self.col_integer[:n_x].tolist()]
        names = [f"x__{d}__{p}" for d, p in self.pairs]
        self._x_list = [
            add(name, lowBound=lo, upBound=None if up != up else up, cat=cat)
            for name, lo, up, cat in zip(names, lo_list, hi_list, cats, strict=True)
        ]
        self._x = dict(zip(self.pairs, self._x_list, strict=True))
        self._c_list = [add(f"c__{d}__{p}", lowBound=0, upBound=1) for d, p in self.with_need]
        self._c = dict(zip(self.with_need, self._c_list, strict=True))
        self._z = add("z", lowBound=self.equity_floor or 0.0, upBound=1)
        self._columns = [*self._x_list, *self._c_list, self._z]
        self.handover.columns = self._columns

    def _make_rows(self, prob: pulp.LpProblem, block: RowBlock) -> list[pulp.LpConstraint]:
        """One family's named PuLP constraints from its arrays.

        ``extend`` files the constraints without registering their variables one by one
        (the solver adapter knows them from the handover's columns).
        """
        columns = self._columns
        variables = [columns[c] for c in block.cols.tolist()]
        coef_list = block.coefs.tolist()
        bounds = block.starts.tolist()
        rhs = block.rhs.tolist()
        sense = block.sense
        expr, con = pulp.LpAffineExpression, pulp.LpConstraint
        named = {}
        names = block.names()
        if len(names) > 1 and bool((np.diff(block.starts) == 2).all()):
            # two terms a row (capacity): no slicing
            it = iter(zip(variables, coef_list))
            for name, first, second, b in zip(names, it, it, rhs):
                named[name] = con(expr((first, second)), sense, None, b)
        else:
            for r, name in enumerate(names):
                lo, hi = bounds[r], bounds[r + 1]
                terms = zip(variables[lo:hi], coef_list[lo:hi])
                named[name] = con(expr(terms), sense, None, rhs[r])
        prob.extend(named)
        self._constraints.update(named)
        return list(named.values())

    # -- building -----------------------------------------------------------------------

    def _rows(
        self,
        names: Callable[[], list[str]],
        starts: np.ndarray,
        cols: np.ndarray,
        coefs: np.ndarray,
        sense: int,
        rhs: list[float],
        family: str = "",
    ) -> RowBlock:
        """Add a family of rows given as compressed arrays over the model's columns.

        The arrays are kept: ``materialize`` makes the named PuLP constraints from them,
        and the HiGHS adapter hands them to the solver without walking PuLP expressions.
        """
        block = RowBlock(names, starts, cols, coefs, sense, np.asarray(rhs, dtype=float), family)
        self._blocks.append(block)
        return block

    def define_variables(self) -> None:
        """x_dp (new units, integer where the program says so), c_dp (coverage), z.

        Columns are numbered x (flat pair order), then c (pairs with need), then z; here
        as arrays of bounds and integrality (``_make_variables`` makes the PuLP ones).
        """
        arr = self.arr
        n_p = len(arr.programs)
        flat_need = arr.need.reshape(-1)
        self.need_index = np.flatnonzero(flat_need > 0)  # flat (d, p) positions with need
        self.with_need = [self.pairs[k] for k in self.need_index.tolist()]
        self._n_p = n_p
        self.n_x = len(self.pairs)
        self.n_c = len(self.with_need)
        self.z_col = self.n_x + self.n_c
        self.n_columns = self.z_col + 1
        self.col_lower = np.concatenate((arr.lo.reshape(-1), np.zeros(self.n_c + 1)))
        self.col_upper = np.concatenate((arr.hi.reshape(-1), np.ones(self.n_c + 1)))
        self.col_integer = np.concatenate(
            (np.tile(arr.integer, len(arr.districts)), np.zeros(self.n_c + 1, dtype=bool))
        )

    def define_capacity(self) -> None:
        """(2) people served are at most what old and new units can serve, as shares
        (rows of a tiny ratio cap / need divided by it: ``scaling``)."""
        arr = self.arr
        idx = self.need_index
        n_c = self.n_c
        ratio = np.tile(arr.cap, len(arr.districts))[idx] / arr.need.reshape(-1)[idx]
        row = capacity_row_scale(ratio)
        rhs = (row * ratio * arr.base.reshape(-1)[idx]).tolist()
        cols = np.empty(2 * n_c, dtype=np.int64)
        cols[0::2] = self.n_x + np.arange(n_c)
        cols[1::2] = idx
        coefs = np.empty(2 * n_c)
        coefs[0::2] = row
        coefs[1::2] = -ratio * row
        with_need = self.with_need

        def names() -> list[str]:
            return [f"{CAPACITY}__{d}__{p}" for d, p in with_need]

        self._rows(names, np.arange(0, 2 * n_c + 1, 2), cols, coefs, _LE, rhs, CAPACITY)

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
        if self.n_columns > SMALL_MODEL_COLUMNS:
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
        pairs = [self.with_need[r] for r in rows.tolist()]

        def names() -> list[str]:
            return [f"{INTEGER_HULL}__{d}__{p}" for d, p in pairs]

        if pairs:
            starts = np.arange(0, 2 * rows.size + 1, 2)
            self._rows(names, starts, cols, coefs, _LE, rhs, INTEGER_HULL)

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

    def _single(self, name: str, row: tuple, sense: int, rhs: float, family: str) -> None:
        """One row from (columns, coefficients), kept by name for ``set_policy``."""
        cols, coefs = row
        starts = np.array([0, cols.size])
        block = self._rows(lambda: [name], starts, cols, coefs, sense, [rhs], family)
        self._single_rows[name] = block

    def define_budget(self) -> None:
        """(3) total cost of new units within the budget."""
        self._single(BUDGET, self._cost_row(self.arr.cost), _LE, self.budget, BUDGET)

    def define_staff(self) -> None:
        """(4) staff of new units within the staff available; NO_LIMIT when none is given."""
        limit = NO_LIMIT if self.staff is None else self.staff
        self._single(STAFF, self._cost_row(self.arr.staff), _LE, limit, STAFF)

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
                    self._single(cname(family, p), row, sense, float(limit), family)

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
        districts = [arr.districts[i] for i in rows.tolist()]

        def names() -> list[str]:
            return [cname(EQUITY, d) for d in districts]

        self._rows(names, starts, cols, coefs, _LE, [0.0] * rows.size, EQUITY)

    def _stacked(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All rows as one compressed matrix (starts, columns, coefficients)."""
        starts = [np.zeros(1, dtype=np.int64)]
        offset = 0
        for block in self._blocks:
            starts.append(block.starts[1:] + offset)
            offset += int(block.starts[-1])
        cols = [b.cols for b in self._blocks] or [np.zeros(0, dtype=np.int64)]
        coefs = [b.coefs for b in self._blocks] or [np.zeros(0)]
        return np.concatenate(starts), np.concatenate(cols), np.concatenate(coefs)

    def _finish_hint(self, made: list[list[pulp.LpConstraint]]) -> None:
        """The rows as one compressed matrix beside their constraints, for the adapter."""
        cons = [con for block in made for con in block]
        self.handover.rows = (cons, *self._stacked())

    def matrix_form(self) -> MatrixForm:
        """The model as arrays, as it stands (budget, staff, equity weight and floor)."""
        starts, cols, coefs = self._stacked()
        rhs = np.concatenate([b.rhs for b in self._blocks]) if self._blocks else np.zeros(0)
        sense = np.concatenate([np.full(b.rhs.size, b.sense) for b in self._blocks] or [[]])
        lower = self.col_lower.copy()
        lower[self.z_col] = self.equity_floor or 0.0
        cost = np.zeros(self.n_columns)
        cost[self._objective[0]] = self._objective[1]
        return MatrixForm(
            lower=lower,
            upper=self.col_upper,
            integer=self.col_integer,
            cost=cost,
            maximize=True,
            starts=starts,
            index=cols,
            value=coefs,
            row_lower=np.where(sense == _LE, -np.inf, rhs),
            row_upper=np.where(sense == _GE, np.inf, rhs),
        )

    def row_blocks(self) -> list[RowBlock]:
        """The rows, family by family in build order (what the multi-year plan stacks)."""
        return list(self._blocks)

    def define_objective(self) -> None:
        """maximize K [(1 - lambda) E + lambda z] / unit, E as coverage shares (``scaling``)."""
        wneed = self.arr.wneed.reshape(-1)
        self.total_weight = float(wneed[self.need_index].sum())
        self.pairs_with_need = float(max(1, len(self.with_need)))  # K
        self._eff_coef = wneed[self.need_index] / self.total_weight
        self.unit = self._unit()
        self._set_objective()

    @property
    def scale(self) -> float:
        """What the solver's objective is MODEL.md's times: K / unit (``scaling``)."""
        return self.pairs_with_need / self.unit

    def _unit(self) -> float:
        """The objective's unit under the current budget, staff and weight (``scaling``)."""
        reach = objective_reach(self.arr, self.budget, self.staff, self.equity_weight)
        return objective_unit(reach)

    def _set_objective(self) -> None:
        """The objective for the current equity weight, scaled by K / unit, as arrays (and
        in PuLP once the model is materialized)."""
        lam = self.equity_weight
        k = self.scale
        coef = k * (1 - lam) * self._eff_coef
        keep = np.flatnonzero(coef != 0)
        cols = self.n_x + keep
        values = coef[keep]
        if lam != 0:
            cols = np.append(cols, self.z_col)
            values = np.append(values, k * lam)
        self._objective = (cols, values)
        if self._prob is not None:
            self._make_objective()

    def _make_objective(self) -> None:
        """The PuLP objective from the arrays."""
        assert self._prob is not None
        cols, values = self._objective
        columns = self._columns
        terms = [(columns[i], v) for i, v in zip(cols.tolist(), values.tolist(), strict=True)]
        objective = pulp.LpAffineExpression(terms)  # from (variable, coefficient) pairs
        self._prob.setObjective(objective)
        # the same as arrays over the model's columns, for the HiGHS adapter (like the rows)
        self.handover.objective = (objective, cols, values)

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
            self._set_rhs(BUDGET, self.budget)
        if staff is not ...:
            self.staff = None if staff is None else float(staff)  # type: ignore[arg-type]
            self._set_rhs(STAFF, NO_LIMIT if self.staff is None else self.staff)
        reweighted = equity_weight is not None and equity_weight != self.equity_weight
        if reweighted:
            self.equity_weight = float(equity_weight)  # type: ignore[arg-type]
        unit = self._unit()
        if reweighted or unit != self.unit:
            self.unit = unit
            self._set_objective()

    def _set_rhs(self, name: str, value: float) -> None:
        """A one-row family's right-hand side, in the arrays and (if made) in PuLP."""
        self._single_rows[name].rhs[0] = value
        if self._prob is not None:
            self._constraints[name].changeRHS(value)

    def set_equity_floor(self, floor: float | None) -> None:
        """Require z >= floor (the epsilon-constraint of the frontier); None removes it.

        The floor is the lower bound of z (a variable bound, not a row), so adding or
        removing it never changes the model's shape and the solver keeps its copy.
        """
        self.equity_floor = None if floor is None else float(floor)
        if self._prob is not None:
            self._z.lowBound = 0.0 if floor is None else float(floor)

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
