"""Large plans year by year, with the single-year engine: a plan, and a bound by years.

Why. From a thousand districts up, the plan's LP (a quarter of a million columns at 3,000
districts over five years) takes minutes by itself, while the single-year engine solves
one year of the same region, whole units and equity term included, in seconds with a
proven gap (its structured method, ``model.decomposition``). Both halves of a proof can
be had from single-year solves:

* The bound. In any plan, the units in service in year t, X_t, satisfy what a single year
  asks of them with a larger budget: their capital cost . X_t was paid out of the budgets
  of years 1..t, running costs (>= 0) coming out of the same money, so cost . X_t <= C_t
  = B_1 + ... + B_t; and staff . X_t <= S_t, X_t <= hi, and in the last year the minimums
  and the spend limits. So year t's part of the objective is at most the single-year
  optimum of year t's data with budget C_t, and sum_t w_t times that year's *proven bound*
  is a proven bound of the plan (:func:`bound_by_years`).
* The plan: year by year, each year's single-year problem with what stands from earlier
  years as its baseline, what they cost to run taken off its budget, their staff off its
  staff and their units off the bounds (:func:`plan_by_years`). Every such plan keeps
  every row of MODEL.md v1.1 by construction (checked by ``rounding.violations``).

What the bound gives away is the running costs (and that the years' plans need not be one
plan); how close it comes is measured on the benchmark's regions (README).
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from govdecide.model.engine import solve_data
from govdecide.model.problem import ProblemData
from govdecide.model.years.data import PlanData

SOLVE_SHARE_GAP = 0.5  # each single-year solve aims at this share of the plan's gap


def _solve(year: ProblemData, deadline: float, left: int, gap: float) -> object:
    """One single-year solve with an equal share of the time that is left."""
    share = max((deadline - time.perf_counter()) / max(left, 1), 0.5)
    return solve_data(replace(year, time_limit_s=share, gap=gap * SOLVE_SHARE_GAP))


def bound_by_years(data: PlanData, deadline: float, gap: float, left: int) -> float | None:
    """A proven upper bound of the plan from each year's single-year bound at the budgets
    so far (module doc); None when a year's solve proved none in time. ``left`` is the
    number of single-year solves still to come, this one's included (for the time share)."""
    total, cumulative = 0.0, 0.0
    for t, year in enumerate(data.years_data):
        cumulative += data.budgets[t]
        result = _solve(replace(year, budget=cumulative), deadline, left - t, gap)
        if result.status == "infeasible":
            return None  # the caller's plan says infeasible; no bound to give
        if result.bound is None:
            return None
        total += data.weight[t] * max(result.bound, result.objective or 0.0)
    return float(total)


def _year_given(data: PlanData, t: int, before: np.ndarray) -> ProblemData:
    """Year t's single-year data with the units ``before`` standing from earlier years."""
    year = data.years_data[t]
    arr = data.first.arrays
    pairs = year.pairs.copy()
    flat = before.reshape(-1)
    base = pairs["base"].to_numpy() + flat
    pairs["base"] = base
    pairs["base_served"] = np.minimum(
        pairs["need"].to_numpy(), np.tile(arr.cap, len(arr.districts)) * base
    )
    pairs["lo"] = np.maximum(pairs["lo"].to_numpy() - flat, 0.0)
    pairs["hi"] = np.maximum(pairs["hi"].to_numpy() - flat, 0.0)
    programs = year.programs.copy()
    spent = (before * arr.cost[None, :]).sum(axis=0)
    programs["spend_max"] = np.maximum(programs["spend_max"].to_numpy() - spent, 0.0)
    programs["spend_min"] = np.maximum(programs["spend_min"].to_numpy() - spent, 0.0)
    running = float((before * data.running[None, :]).sum())
    staff = None if year.staff is None else year.staff - float((before * arr.staff[None, :]).sum())
    return replace(
        year, pairs=pairs, programs=programs, budget=max(year.budget - running, 0.0),
        staff=None if staff is None else max(staff, 0.0),
    )  # fmt: skip


def plan_by_years(
    data: PlanData, deadline: float, gap: float, left: int
) -> tuple[np.ndarray | None, str]:
    """A plan (T, D, P) built year by year (module doc), and how it ended: "ok", or the
    status of the year that had no allocation ("infeasible": a later year cannot meet
    its minimums given what was built; not a proof that no plan exists)."""
    shape = data.first.arrays.need.shape
    before = np.zeros(shape)
    out = np.zeros((data.years, *shape))
    for t in range(data.years):
        result = _solve(_year_given(data, t, before), deadline, left - t, gap)
        if not result.has_solution:
            return None, result.status
        new = result.allocation["new_units"].to_numpy(dtype=float).reshape(shape)
        before = before + _affordable(data, t, before, new)
        out[t] = before
    return out, "ok"


def _affordable(data: PlanData, t: int, before: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Year t's new units, cut back until what stands afterwards can still be run and
    staffed in every later year (a later year's budget may be smaller than the running
    costs, or its staff than the staff, of what a myopic year built): units with the
    largest running cost (then staff) per unit go first, whole units whole."""
    later = range(t + 1, data.years)
    if not later:
        return new
    arr = data.first.arrays
    money = min(data.budgets[s] for s in later)
    people = np.inf if data.staff is None else min(data.staff[s] for s in later)
    run = np.broadcast_to(data.running[None, :], new.shape)
    staff = np.broadcast_to(arr.staff[None, :], new.shape)
    over_money = float(((before + new) * run).sum()) - money
    over_people = float(((before + new) * staff).sum()) - people
    if over_money <= 1e-9 and over_people <= 1e-9:
        return new
    out = new.copy()
    whole = np.broadcast_to(arr.integer[None, :], new.shape)
    for k in np.lexsort((-staff.reshape(-1), -run.reshape(-1))).tolist():
        i, j = divmod(k, new.shape[1])
        if out[i, j] <= 0 or (over_money <= 1e-9 and over_people <= 1e-9):
            continue
        needs = [over / per for over, per in ((over_money, run[i, j]), (over_people, staff[i, j]))
                 if over > 1e-9 and per > 0]  # fmt: skip
        if not needs:
            continue
        cut = min(out[i, j], max(needs))
        cut = min(out[i, j], float(np.ceil(cut - 1e-9))) if whole[i, j] else cut
        out[i, j] -= cut
        over_money -= cut * run[i, j]
        over_people -= cut * staff[i, j]
    return out
