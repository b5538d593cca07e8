"""Whole units for a plan from its LP relaxation, year by year, and the check of a plan.

The structured method (``years.structured``) rounds the LP's units one year at a time,
earliest first (years are linked only forward): down to whole units, never below what
stands from last year, then one more unit where the LP had a fraction while the year's
budget and staff leave room, largest fractions first; and if the rounding down alone
left the year over its budget or staff (units the LP spread over earlier years now all
commissioned this year), the units the LP wanted least are put off until it fits.
:func:`violations` then checks a plan against every row of MODEL.md v1.1, so that no
plan is ever reported that breaks one.
"""

from __future__ import annotations

import math

import numpy as np

from govdecide.model.years.data import PlanData

TOL = 1e-6


def _spend(data: PlanData, t: int, units: np.ndarray, before: np.ndarray, cont: float) -> float:
    """Year t's spend of whole units (capital above ``before``, running of ``before``)
    plus the continuous programs' ``cont``."""
    arr = data.first.arrays
    ints = arr.integer
    capital = ((units - before) * arr.cost[None, :])[:, ints].sum()
    running = (before * data.running[None, :])[:, ints].sum()
    return float(capital + running) + cont


def round_year(
    data: PlanData, t: int, x_lp: np.ndarray, before: np.ndarray, spend_cont: float
) -> np.ndarray:
    """Year t's units (D, P) from the LP's ``x_lp``: whole units rounded (module doc),
    continuous ones as the LP has them. ``before`` holds last year's whole units and
    ``spend_cont`` the continuous programs' spend in year t in the LP."""
    arr = data.first.arrays
    ints = arr.integer
    down = np.where(ints[None, :], np.floor(x_lp + 1e-6), x_lp)
    down = np.maximum(down, np.where(ints[None, :], before, down))
    room = data.budgets[t] - _spend(data, t, down, before, spend_cont)
    staff_used = float((down * arr.staff[None, :]).sum())
    staff_room = math.inf if data.staff is None else data.staff[t] - staff_used
    if room < -TOL or staff_room < -TOL:
        return _put_off(data, t, x_lp, down, before, room, staff_room)
    hi = np.where(np.isfinite(arr.hi), arr.hi, np.inf)
    frac = np.where(ints[None, :] & (down + 1 <= hi + 1e-9), x_lp - down, 0.0)
    order = np.argsort(-frac, axis=None, kind="stable")
    order = order[frac.reshape(-1)[order] > 1e-6]
    unit_cost = np.broadcast_to(arr.cost[None, :], frac.shape).reshape(-1)[order]
    unit_staff = np.broadcast_to(arr.staff[None, :], frac.shape).reshape(-1)[order]
    fits = (np.cumsum(unit_cost) <= room + 1e-9) & (np.cumsum(unit_staff) <= staff_room + 1e-9)
    take = order[: fits.size if fits.all() else int(np.argmin(fits))]
    out = down.copy().reshape(-1)
    out[take] += 1.0
    return out.reshape(down.shape)


def _put_off(
    data: PlanData,
    t: int,
    x_lp: np.ndarray,
    down: np.ndarray,
    before: np.ndarray,
    room: float,
    staff_room: float,
) -> np.ndarray:
    """Year t over its budget or staff: take back the new whole units the LP wanted
    least (the smallest LP amount above each unit's place), never below a minimum that
    must hold this year, until both fit."""
    arr = data.first.arrays
    ints = arr.integer
    last = t == data.years - 1
    floor = np.maximum(before, arr.lo if last else 0.0)
    new = np.where(ints[None, :], np.maximum(down - floor, 0.0), 0.0).astype(int)
    pair = np.repeat(np.arange(new.size), new.reshape(-1))
    if pair.size == 0:
        return down
    rank = np.arange(pair.size) - np.repeat(
        np.cumsum(new.reshape(-1)) - new.reshape(-1), new.reshape(-1)
    )
    place = down.reshape(-1)[pair] - rank  # the unit's count: down, down - 1, ...
    want = x_lp.reshape(-1)[pair] - (place - 1)  # how much of it the LP had
    order = np.argsort(want, kind="stable")
    program = pair[order] % down.shape[1]
    saved = np.cumsum(arr.cost[program])
    freed = np.cumsum(arr.staff[program])
    enough = (saved >= -room - TOL) & (freed >= -staff_room - TOL)
    k = int(np.argmax(enough)) + 1 if enough.any() else order.size
    out = down.copy().reshape(-1)
    np.subtract.at(out, pair[order[:k]], 1.0)
    return out.reshape(down.shape)


def round_plan(data: PlanData, lp_units: np.ndarray) -> np.ndarray:
    """A plan (T, D, P) of whole units from the LP's units, year by year (module doc)."""
    arr = data.first.arrays
    conts = ~arr.integer
    before = np.zeros_like(lp_units[0])
    out = np.empty_like(lp_units)
    for t in range(data.years):
        prev = lp_units[t - 1] if t else np.zeros_like(before)
        moved = (lp_units[t] - prev) * arr.cost[None, :] + prev * data.running[None, :]
        chosen = round_year(data, t, lp_units[t], before, float(moved[:, conts].sum()))
        out[t] = chosen
        before = np.where(arr.integer[None, :], chosen, 0.0)
    return out


def violations(data: PlanData, units: np.ndarray) -> list[str]:
    """The rows of MODEL.md v1.1 a plan breaks, by stable name (empty: a feasible plan)."""
    arr = data.first.arrays
    out: list[str] = []
    before = np.concatenate((np.zeros_like(units[:1]), units[:-1]))

    def over(value: float, limit: float) -> bool:
        return value > limit + TOL * max(1.0, abs(limit))

    if np.any(units < before - TOL):
        out.append("commission")
    whole = arr.integer[None, None, :]
    if np.any(whole & (np.abs(units - np.round(units)) > TOL)):
        out.append("integer")
    if np.any(units > np.where(np.isfinite(arr.hi), arr.hi, np.inf)[None] + TOL):
        out.append("unit_max")
    if np.any(units[-1] < arr.lo - TOL):
        out.append("unit_min")
    for t in range(data.years):
        spend = ((units[t] - before[t]) * arr.cost).sum() + (before[t] * data.running).sum()
        if over(float(spend), data.budgets[t]):
            out.append(f"budget__y{t + 1}")
        if data.staff is not None and over(float((units[t] * arr.staff).sum()), data.staff[t]):
            out.append(f"staff__y{t + 1}")
    capital = (units[-1] * arr.cost[None, :]).sum(axis=0)
    for j, p in enumerate(arr.programs):
        if not math.isnan(arr.spend_max[j]) and over(float(capital[j]), float(arr.spend_max[j])):
            out.append(f"spend_max__{p}")
        if not math.isnan(arr.spend_min[j]) and float(capital[j]) < arr.spend_min[j] - TOL * max(
            1.0, abs(arr.spend_min[j])
        ):
            out.append(f"spend_min__{p}")
    return out
