"""The plan over several years (MODEL.md v1.1), stacked from the single-year model's steps.

Why stacked. With X_dpt = U_dpt - base_dp, the new units in service in year t, every
constraint of a year is the single-year model's for that year's data: capacity (2) and the
integer-hull rows on X_dpt with year t's need, staff (4) is staff . X_t <= S_t, equity (6)
per year with its own z_t, the bounds hi on every X_t and lo on the last (the bounds hold
for the whole plan), the spend limits (7) on the last year's X (the whole plan's
capital). So each year is an :class:`~govdecide.model.formulation.AllocationModel` of that
year's data (``years.data``), built by its own ``define_*`` steps, and this module only
adds what links the years:

* budget (3) of year t >= 2: capital of the units commissioned in t plus running costs of
  those commissioned before, cost . (X_t - X_t-1) + run . X_t-1 <= B_t, in place of that
  year's single-year budget row (year 1's is the single-year row itself, X_0 = 0);
* commissioning: X_dpt - X_dp,t-1 >= 0 (x_dpt >= 0, units are never taken out);
* the objective: sum_t w_t [(1 - lambda) E_t + lambda z_t] with w_t = delta_t / sum delta,
  each year's single-year objective rescaled to one common scale.

Names are the single-year names with the year: ``capacity__north__clinic__y3``,
``budget__y2``, ``commission__north__clinic__y2``, columns ``x__north__clinic__y3`` (new
units in service by year 3), ``c__...__y3``, ``z__y3``. With one year the matrix is the
single-year model's, column for column and row for row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from govdecide.model.formulation import BUDGET, AllocationModel, RowBlock
from govdecide.model.solvers.common import MatrixForm
from govdecide.model.years.data import PlanData

COMMISSION = "commission"
_LE, _GE = -1, 1  # pulp.LpConstraintLE / GE, as the single-year blocks hold them


def year_tag(t: int) -> str:
    """The suffix of year t's names (t from 0): ``y1`` for the first year."""
    return f"y{t + 1}"


@dataclass
class _Rows:
    """A family's rows in the plan's columns, with their names (made when asked)."""

    names: Callable[[], list[str]]
    block: RowBlock


class PlanModel:
    """MODEL.md v1.1 as arrays over the years' columns (see the module doc)."""

    def __init__(self, data: PlanData) -> None:
        self.data = data
        self.years = data.years
        self.models = [AllocationModel(d, lazy=True) for d in data.years_data]
        first = self.models[0]
        self.pairs = first.pairs
        self.n_x = first.n_x
        sizes = [m.n_columns for m in self.models]
        self.offsets = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
        self.n_columns = int(sum(sizes))
        # one scale for the whole objective: the smallest of the years' (largest unit)
        self.scale = min(m.scale for m in self.models)
        self._rows: list[_Rows] = []
        self._forms = [m.matrix_form() for m in self.models]
        self.define_years()
        self.define_budgets()
        self.define_commissioning()

    # -- building -----------------------------------------------------------------------

    def x_cols(self, t: int) -> np.ndarray:
        """The plan's columns of X_dpt (year t from 0), in flat pair order."""
        return self.offsets[t] + np.arange(self.n_x)

    def define_years(self) -> None:
        """Every year's own single-year rows, but the budget rows of years 2..T (replaced
        by the linking rows of :meth:`define_budgets`)."""
        for t, model in enumerate(self.models):
            for block in model.row_blocks():
                if block.family == BUDGET and t > 0:
                    continue
                shifted = RowBlock(
                    block.names,
                    block.starts,
                    block.cols + self.offsets[t],
                    block.coefs,
                    block.sense,
                    block.rhs,
                    block.family,
                )
                self._add(shifted, _suffixed(block.names, year_tag(t)))

    def define_budgets(self) -> None:
        """(3) for t >= 2: cost . X_t + (run - cost) . X_t-1 <= B_t."""
        arr = self.data.first.arrays
        n_d = len(arr.districts)
        cost = np.tile(arr.cost, n_d)
        change = np.tile(self.data.running - arr.cost, n_d)
        for t in range(1, self.years):
            now, before = cost != 0, change != 0
            cols = np.concatenate((self.x_cols(t)[now], self.x_cols(t - 1)[before]))
            coefs = np.concatenate((cost[now], change[before]))
            block = RowBlock(
                lambda: [], np.array([0, cols.size]), cols, coefs, _LE,
                np.array([self.data.budgets[t]]), BUDGET,
            )  # fmt: skip
            name = f"{BUDGET}__{year_tag(t)}"
            self._add(block, lambda name=name: [name])

    def define_commissioning(self) -> None:
        """x_dpt = X_dpt - X_dp,t-1 >= 0 for t >= 2, for every pair that can get units."""
        upper = self._forms[0].upper[: self.n_x]
        movable = np.flatnonzero(upper > 0)
        pairs = [self.pairs[k] for k in movable.tolist()]
        n = movable.size
        for t in range(1, self.years):
            cols = np.empty(2 * n, dtype=np.int64)
            cols[0::2] = self.x_cols(t)[movable]
            cols[1::2] = self.x_cols(t - 1)[movable]
            coefs = np.tile([1.0, -1.0], n)
            block = RowBlock(
                lambda: [], np.arange(0, 2 * n + 1, 2), cols, coefs, _GE, np.zeros(n), COMMISSION
            )
            tag = year_tag(t)

            def names(tag: str = tag) -> list[str]:
                return [f"{COMMISSION}__{d}__{p}__{tag}" for d, p in pairs]

            self._add(block, names)

    def _add(self, block: RowBlock, names: Callable[[], list[str]]) -> None:
        self._rows.append(_Rows(names, block))

    # -- reading ------------------------------------------------------------------------

    def row_names(self) -> list[str]:
        """Every row's stable name, in the matrix's order."""
        return [name for rows in self._rows for name in rows.names()]

    def row_families(self) -> list[tuple[str, int, int]]:
        """(family, first row, end row) of each family's rows, in the matrix's order."""
        out, start = [], 0
        for rows in self._rows:
            n = rows.block.rhs.size
            out.append((rows.block.family, start, start + n))
            start += n
        return out

    def column_names(self) -> list[str]:
        """Every column's stable name: x, c and z of each year, years in order."""
        out: list[str] = []
        for t, model in enumerate(self.models):
            tag = year_tag(t)
            out += [f"x__{d}__{p}__{tag}" for d, p in model.pairs]
            out += [f"c__{d}__{p}__{tag}" for d, p in model.with_need]
            out.append(f"z__{tag}")
        return out

    def matrix_form(self) -> MatrixForm:
        """The plan as arrays: the years' columns side by side, all rows stacked."""
        forms = self._forms
        weight = self.data.weight
        cost = np.concatenate(
            [f.cost * (self.scale * weight[t] / m.scale) for t, (f, m) in
             enumerate(zip(forms, self.models, strict=True))]
        )  # fmt: skip
        blocks = [r.block for r in self._rows]
        starts = [np.zeros(1, dtype=np.int64)]
        offset = 0
        for b in blocks:
            starts.append(b.starts[1:] + offset)
            offset += int(b.starts[-1])
        rhs = np.concatenate([b.rhs for b in blocks])
        sense = np.concatenate([np.full(b.rhs.size, b.sense) for b in blocks])
        return MatrixForm(
            lower=np.concatenate([f.lower for f in forms]),
            upper=np.concatenate([f.upper for f in forms]),
            integer=np.concatenate([f.integer for f in forms]),
            cost=cost,
            maximize=True,
            starts=np.concatenate(starts),
            index=np.concatenate([b.cols for b in blocks]),
            value=np.concatenate([b.coefs for b in blocks]),
            row_lower=np.where(sense == _LE, -np.inf, rhs),
            row_upper=np.where(sense == _GE, np.inf, rhs),
        )

    def units(self, values: np.ndarray, rounded: bool = True) -> np.ndarray:
        """X as a (T, D, P) array from a solution's column values; whole units rounded
        (``rounded=False``: as they are, an LP's fractions)."""
        arr = self.data.first.arrays
        shape = arr.need.shape
        out = np.stack([values[self.x_cols(t)].reshape(shape) for t in range(self.years)])
        if rounded:
            out = np.where(arr.integer[None, None, :], np.round(out), out)
        out[np.abs(out) <= 1e-9] = 0.0
        return np.maximum(out, 0.0)


def _suffixed(names: Callable[[], list[str]], tag: str) -> Callable[[], list[str]]:
    """A block's names with the year's tag appended."""
    return lambda: [f"{n}__{tag}" for n in names()]
