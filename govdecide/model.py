"""The allocation model of MODEL.md, built with PuLP in small named steps.

Each ``define_*`` method adds one constraint family; every constraint has a stable name
made of the family and the ids it is about (``capacity__north__clinic``), and the model
keeps them in ``constraints`` by that name. Built once, the model can take a new budget,
staff limit or equity weight without rebuilding (``set_policy``), which sliders and sweeps
use.

Scaling. Populations reach millions, and MODEL.md's objective divided by total need gives
coefficients near 1e-8 that MIP presolve may drop. So the model works with coverage shares
``c_dp = s_dp / need_dp`` in [0, 1] instead of people ``s_dp``:

* capacity (2):  c_dp - (cap_p / need_dp) x_dp <= cap_p base_dp / need_dp
* need (1):      c_dp <= 1 (a variable bound)
* equity (6):    z <= sum_p (w_p need_dp / W_d) c_dp, coefficients that sum to 1
* objective:     K [(1 - lambda) sum_dp (w_p need_dp / W) c_dp + lambda z], with K the
  number of (district, program) pairs with need, so the average coefficient is near 1.

This is MODEL.md exactly (s_dp = need_dp c_dp); pairs with need 0 have no c variable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pulp

from govdecide.data import ProblemData

CAPACITY = "capacity"
BUDGET = "budget"
STAFF = "staff"
EQUITY = "equity"
SPEND_MIN = "spend_min"
SPEND_MAX = "spend_max"
EQUITY_FLOOR = "equity_floor"


def cname(family: str, *ids: str) -> str:
    """The stable name of a constraint: its family and the ids it is about."""
    return "__".join((family, *ids))


@dataclass
class Values:
    """New units per (district, program) from a solve, rounded where integer."""

    x: dict[tuple[str, str], float]


class AllocationModel:
    """MODEL.md as a PuLP problem, built once per data and updated in place."""

    def __init__(self, data: ProblemData) -> None:
        self.data = data
        self.prob = pulp.LpProblem("govdecide", pulp.LpMaximize)
        self.constraints: dict[str, pulp.LpConstraint] = {}
        self.pairs = list(data.pairs.index)
        self.need = data.pairs["need"].to_dict()
        self.budget = data.budget
        self.staff = data.staff
        self.equity_weight = data.equity_weight
        self.builds = 1
        self.define_variables()
        self.define_capacity()
        self.define_budget()
        self.define_staff()
        self.define_spend_limits()
        self.define_equity()
        self.define_objective()

    # -- building -----------------------------------------------------------------------

    def _add(self, constraint: pulp.LpConstraint, family: str, *ids: str) -> None:
        """Add a constraint under its stable name and remember it."""
        name = cname(family, *ids)
        self.prob += constraint, name
        self.constraints[name] = constraint

    def define_variables(self) -> None:
        """x_dp (new units, integer where the program says so), c_dp (coverage), z."""
        data = self.data
        programs = data.programs
        self.x: dict[tuple[str, str], pulp.LpVariable] = {}
        for integer in (True, False):
            keys = [k for k in self.pairs if bool(programs.at[k[1], "integer"]) == integer]
            if keys:
                self.x.update(
                    self.prob.add_variable_dicts(
                        "x", keys, lowBound=0, cat="Integer" if integer else "Continuous"
                    )
                )
        for key in self.pairs:
            lo, hi = data.pairs.at[key, "lo"], data.pairs.at[key, "hi"]
            self.x[key].lowBound = float(lo)
            self.x[key].upBound = None if math.isinf(hi) else float(hi)
        self.with_need = [k for k in self.pairs if self.need[k] > 0]
        self.c = self.prob.add_variable_dicts("c", self.with_need, lowBound=0, upBound=1)
        self.z = self.prob.add_variable("z", lowBound=0, upBound=1)

    def define_capacity(self) -> None:
        """(2) people served are at most what old and new units can serve, as shares."""
        programs = self.data.programs
        base = self.data.pairs["base"]
        for key in self.with_need:
            d, p = key
            ratio = programs.at[p, "capacity"] / self.need[key]
            self._add(self.c[key] - ratio * self.x[key] <= ratio * float(base[key]), CAPACITY, d, p)

    def _cost_expr(self, column: str, keys: Iterable[tuple[str, str]]) -> pulp.LpAffineExpression:
        """sum of a per-unit program column (cost or staff) times new units."""
        per_unit = self.data.programs[column]
        return pulp.lpSum(float(per_unit[p]) * self.x[(d, p)] for d, p in keys if per_unit[p] != 0)

    def define_budget(self) -> None:
        """(3) total cost of new units within the budget."""
        self._add(self._cost_expr("unit_cost", self.pairs) <= self.budget, BUDGET)

    def define_staff(self) -> None:
        """(4) staff of new units within the staff available (only when a limit is given)."""
        limit = self.staff if self.staff is not None else 0.0
        self._add(self._cost_expr("staff", self.pairs) <= limit, STAFF)
        self._staff_active = self.staff is not None
        if not self._staff_active:
            self.constraints[STAFF].changeRHS(_BIG)

    def define_spend_limits(self) -> None:
        """(7) optional per-program spend limits."""
        for p, row in self.data.programs.iterrows():
            keys = [k for k in self.pairs if k[1] == p]
            if row["spend_min"] is not None and not _isnan(row["spend_min"]):
                self._add(
                    self._cost_expr("unit_cost", keys) >= float(row["spend_min"]), SPEND_MIN, str(p)
                )
            if row["spend_max"] is not None and not _isnan(row["spend_max"]):
                self._add(
                    self._cost_expr("unit_cost", keys) <= float(row["spend_max"]), SPEND_MAX, str(p)
                )

    def define_equity(self) -> None:
        """(6) z is at most every district's weighted coverage (W_d > 0 only)."""
        weight = self.data.programs["weight"]
        by_district: dict[str, list[tuple[str, str]]] = {}
        for key in self.with_need:
            by_district.setdefault(key[0], []).append(key)
        self.district_weight: dict[str, float] = {}
        for d in self.data.districts.index:
            keys = by_district.get(d, [])
            total = sum(weight[p] * self.need[(d, p)] for _, p in keys)
            self.district_weight[d] = total
            if total <= 0:
                continue
            expr = pulp.lpSum(
                (weight[p] * self.need[(d, p)] / total) * self.c[(d, p)]
                for _, p in keys
                if weight[p] > 0
            )
            self._add(self.z - expr <= 0, EQUITY, str(d))

    def define_objective(self) -> None:
        """maximize K [(1 - lambda) E + lambda z], E as coverage shares (see module doc)."""
        weight = self.data.programs["weight"]
        self.total_weight = sum(weight[p] * self.need[(d, p)] for d, p in self.with_need)
        self.scale = float(max(1, len(self.with_need)))
        self._efficiency = pulp.lpSum(
            (weight[p] * self.need[(d, p)] / self.total_weight) * self.c[(d, p)]
            for d, p in self.with_need
            if weight[p] > 0
        )
        self._set_objective()

    def _set_objective(self) -> None:
        lam = self.equity_weight
        self.prob.setObjective(self.scale * ((1 - lam) * self._efficiency + lam * self.z))

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
            self.constraints[STAFF].changeRHS(_BIG if self.staff is None else self.staff)
        if equity_weight is not None and equity_weight != self.equity_weight:
            self.equity_weight = float(equity_weight)
            self._set_objective()

    def set_equity_floor(self, floor: float | None) -> None:
        """Require z >= floor (the epsilon-constraint of the frontier); None removes it."""
        name = EQUITY_FLOOR
        if name not in self.constraints:
            self._add(self.z >= 0.0, EQUITY_FLOOR)
        self.constraints[name].changeRHS(0.0 if floor is None else float(floor))

    # -- reading ------------------------------------------------------------------------

    def values(self) -> Values:
        """New units as solved; integer programs rounded to whole units."""
        integer = self.data.programs["integer"]
        out = {}
        for key, var in self.x.items():
            v = var.varValue or 0.0
            if integer[key[1]]:
                v = float(round(v))
            out[key] = max(v, 0.0) if abs(v) > 1e-9 else 0.0
        return Values(out)

    def budget_dual(self) -> float | None:
        """Dual of the budget constraint in objective units per budget unit (unscaled)."""
        pi = self.constraints[BUDGET].pi
        return None if pi is None else abs(float(pi)) / self.scale


_BIG = 1e15


def _isnan(v: object) -> bool:
    return isinstance(v, float) and math.isnan(v)
