"""How the model keeps the numbers it gives a solver within what solvers can represent.

Populations reach millions, and MODEL.md's objective divided by total need gives
coefficients near 1e-8 that MIP presolve may drop. So the model (``formulation``) works
with coverage shares ``c_dp = s_dp / need_dp`` in [0, 1] instead of people ``s_dp``:

* capacity (2):  c_dp - (cap_p / need_dp) x_dp <= cap_p base_dp / need_dp
* need (1):      c_dp <= 1 (a variable bound)
* equity (6):    z <= sum_p (w_p need_dp / W_d) c_dp, coefficients that sum to 1
* objective:     K [(1 - lambda) sum_dp (w_p need_dp / W) c_dp + lambda z] / unit, with K
  the number of (district, program) pairs with need, so the average coefficient is near 1.

This is MODEL.md exactly (s_dp = need_dp c_dp); pairs with need 0 have no c variable.

Two more scalings keep extreme but valid data honest (issue 11). Solvers work with
absolute tolerances (~1e-7) and HiGHS drops matrix entries below 1e-9:

* ``unit`` (:func:`objective_unit`) is the power of ten at or above the best objective
  the budget, staff and unit limits allow (each pair given all it could get alone), at
  most 1. Objectives lie in [0, 1] and usually near 1 (unit 1); when one district's need
  dwarfs what the budget can buy they are all tiny (1e12 people: about 1e-6), and without
  the unit the tolerances were as large as the differences between plans: HiGHS stopped
  at a plan 0.2% short of the best and proved nothing better.
* A capacity row whose ratio cap_p / need_dp is below ROW_SCALE_BELOW is divided by that
  ratio, (need_dp / cap_p) c_dp - x_dp <= base_dp: the same row, but its x coefficient is
  no longer one HiGHS drops (a district of 1e12 people and units of 44: 4.4e-11), which
  made x useless there and the "proven" bound no bound at all.

Numbers beyond what even these make representable (a ratio outside [RATIO_MIN, RATIO_MAX],
a cost per unit above COEF_MAX) are refused when a model is built (:func:`check_numbers`),
with the pair or program named, rather than failing deep in a solver or giving a wrong
answer.
"""

from __future__ import annotations

import math

import numpy as np

from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import fmt_value
from govdecide.io.scenario_schema import MAX_PER_UNIT
from govdecide.model.problem import Arrays

UNIT_MIN = 1e-9  # the smallest objective unit: its scale K / unit stays within ~1e13
ROW_SCALE_BELOW = 1e-6  # capacity rows with a smaller ratio are divided by it
# cap_p / need_dp within these: a scaled row's coefficient need / cap stays below HiGHS's
# largest matrix value (1e15), an unscaled one's cap / need too
RATIO_MIN = 1e-12
RATIO_MAX = 1e12
COEF_MAX = MAX_PER_UNIT  # the largest cost or staff per unit (refused at the door above)
UNITS_MAX = 1e12  # the most units a baseline or a minimum may hold
SHOWN = 5  # problems of one kind named before "and N more"


def objective_unit(reach: float) -> float:
    """The power of ten at or above ``reach``, within [UNIT_MIN, 1] (1 for no reach)."""
    if not (math.isfinite(reach) and reach > 0):
        return 1.0
    return min(1.0, max(UNIT_MIN, 10.0 ** math.ceil(math.log10(reach))))


def capacity_row_scale(ratio: np.ndarray) -> np.ndarray:
    """What each capacity row is multiplied by: 1 / ratio below ROW_SCALE_BELOW, else 1."""
    return np.where(ratio < ROW_SCALE_BELOW, 1.0 / np.maximum(ratio, RATIO_MIN), 1.0)


def check_numbers(arr: Arrays) -> None:
    """Refuse data whose numbers no solver can take as they are, naming them.

    Validation at the door refuses what is wrong in itself; these are numbers each valid
    alone whose combination leaves the range a solver represents (module doc): a need
    (population x indicator x scale) that overflows or is more than RATIO_MAX times, or
    less than RATIO_MIN of, what one unit serves; weighted needs that overflow; costs or
    staff per unit above COEF_MAX; baselines or minimums above UNITS_MAX. Any of them
    raises ScenarioError, so a solve never fails with a NaN or a length error deep inside.
    """
    problems: list[Problem] = []
    has_need = arr.need > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(has_need, arr.cap[None, :] / np.where(has_need, arr.need, 1.0), 1.0)
        wneed = arr.wneed
        total = wneed.sum(axis=1).sum()
    in_range = (ratio >= RATIO_MIN) & (ratio <= RATIO_MAX)
    bad = ~np.isfinite(arr.need) | (arr.need < 0) | ~in_range
    shown, more = _first(bad)
    for i, j in shown:
        need, cap = fmt_value(float(arr.need[i, j])), fmt_value(float(arr.cap[j]))
        d, p = arr.districts[i], arr.programs[j]
        problems.append(
            Problem(
                f"districts.{d}",
                "model_need_range",
                {"district": d, "program": p, "need": need, "capacity": cap},
            )
        )
    problems += _more(more)
    if not (np.isfinite(wneed).all() and np.isfinite(total)):
        problems.append(Problem("weights", "model_weight_range", {}))
    for field, values in (("unit_cost", arr.cost), ("staff_per_unit", arr.staff)):
        for j in np.flatnonzero(~(np.abs(values) <= COEF_MAX)).tolist():
            got = fmt_value(float(values[j]))
            problems.append(
                Problem(
                    f"programs.{arr.programs[j]}.{field}",
                    "model_per_unit_range",
                    {"got": got, "limit": fmt_value(COEF_MAX)},
                )
            )
    for field, values in (("baseline", arr.base), ("min_units", arr.lo)):
        shown, more = _first(~(np.abs(values) <= UNITS_MAX))
        for i, j in shown:
            d, p, got = arr.districts[i], arr.programs[j], fmt_value(float(values[i, j]))
            problems.append(
                Problem(
                    f"districts.{d}",
                    "model_units_range",
                    {
                        "what": field,
                        "district": d,
                        "program": p,
                        "got": got,
                        "limit": fmt_value(UNITS_MAX),
                    },
                )
            )
        problems += _more(more)
    if problems:
        raise ScenarioError(problems)


def _first(bad: np.ndarray) -> tuple[list[tuple[int, int]], int]:
    """The first SHOWN flagged (district, program) positions, and how many more there are."""
    rows, cols = np.nonzero(bad)
    shown = list(zip(rows[:SHOWN].tolist(), cols[:SHOWN].tolist(), strict=True))
    return shown, max(0, rows.size - SHOWN)


def _more(n: int) -> list[Problem]:
    """'and N more districts and programs like these', when there are more."""
    return [Problem("districts", "model_more_pairs", {"n": n})] if n else []
