"""What a model hands the HiGHS adapter beside its PuLP problem, and HiGHS's kept copy.

PuLP's own HiGHS adapter adds columns and rows one call at a time; ours hands a whole
problem to highspy as arrays (:func:`load`), from the model's own arrays where the
:class:`Handover` carries them (:func:`matrix`), and keeps HiGHS's copy
(:class:`SolverCopy`) in the handover so that the next solve only updates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pulp

from govdecide.model.solvers.common import MatrixForm


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


def load(form: MatrixForm, integrality: np.ndarray | None = None) -> Any:
    """A new highspy model holding ``form`` (columns, rows, costs, sense), quiet."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    # highspy routes HiGHS's callbacks through Python by default, so the solver takes the
    # GIL during its run; nothing here uses callbacks, and without them a run is not
    # slowed by Python work in another thread (solve_overlapped; docs/benchmarks.md)
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


def prefix(rows: list, hinted: list) -> bool:
    """True when the problem's first rows are exactly the hinted ones (by identity)."""
    return len(rows) >= len(hinted) and all(a is b for a, b in zip(rows, hinted))


def matrix(rows: list, col_of: dict, hint: tuple | None) -> tuple:
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


def column_numbers(columns: list | None) -> dict:
    """Column number by variable (its ``hash``)."""
    return {} if columns is None else {v.hash: i for i, v in enumerate(columns)}


def covers(rows: list, objective: pulp.LpAffineExpression | None, col_of: dict) -> bool:
    """True when every variable of the rows and the objective is a known column."""
    for con in rows:
        for var in con:
            if var.hash not in col_of:
                return False
    return all(var.hash in col_of for var in (objective or {}))


def row_bounds(rows: list) -> tuple[np.ndarray, np.ndarray]:
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
