"""The structured method's per-district problems, solved exactly (see ``search``).

With the equity level fixed at t and the coupling rows (budget, staff, spend caps) priced
by multipliers, the model splits into one small problem per district: choose its units to
maximize (1 - lambda) E_d - prices . x_d subject to its own weighted coverage >= t. Every
combination of the integer programs' useful unit counts is enumerated once per model
(:func:`prepare`, kept in ``Built.structure``); for each combination the continuous
programs form a one-row fractional knapsack solved in closed form (:class:`Subproblems`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from govdecide.model.coverage import coverage_share, served_people
from govdecide.model.problem import ProblemData

FEAS_TOL = 1e-9
NEG = -np.inf


def useful_units(data: ProblemData) -> tuple[np.ndarray, np.ndarray]:
    """Integer programs: the lowest and highest useful unit counts per (district, program).

    Units beyond ceil(units to full coverage) add nothing to E or z and cost a non-negative
    price, so no optimum of a district's problem (nor of the model) needs them.
    """
    arr = data.arrays
    need, cap, base = arr.need, arr.cap[None, :], arr.base
    full = np.where(need > 0, need / cap - base, 0.0)
    lo = np.ceil(arr.lo - 1e-9)
    hi = np.floor(np.where(np.isfinite(arr.hi), arr.hi, 1e12) + 1e-9)
    top = np.maximum(lo, np.minimum(hi, np.ceil(full - 1e-9)))
    return lo, top


@dataclass
class Structure:
    """Per-district data of the Lagrangian subproblems (independent of budget and lambda)."""

    a: np.ndarray  # (D, P) weight of a pair's coverage in E
    b: np.ndarray  # (D, P) weight of a pair's coverage in its district's coverage
    r: np.ndarray  # (D, P) coverage per unit (cap / need; 0 where need is 0)
    equity_rows: np.ndarray  # (D,) bool: districts with W_d > 0 (constraint 6)
    ints: np.ndarray  # integer program columns
    conts: np.ndarray  # continuous program columns
    # the enumeration: K combinations, grouped by district
    combo_district: np.ndarray  # (K,)
    starts: np.ndarray  # (D,) first combination of each district
    units: np.ndarray  # (K, nI) integer units
    eff_int: np.ndarray  # (K,) sum_p a g over integer programs
    cov_int: np.ndarray  # (K,) sum_p b g over integer programs
    # continuous programs: coverage range and units at its low end
    glo: np.ndarray  # (D, nC)
    ghi: np.ndarray  # (D, nC)
    xlo: np.ndarray  # (D, nC)
    rc: np.ndarray  # (D, nC) coverage per unit


def coverage(data: ProblemData, x: np.ndarray) -> np.ndarray:
    """g_dp(x), the share of need that new units x serve (1 where need is 0)."""
    arr = data.arrays
    return coverage_share(arr.need, served_people(arr.need, arr.cap[None, :], arr.base + x))


def prepare(data: ProblemData) -> Structure:
    """Enumerate each district's integer combinations and tabulate the continuous ranges."""
    arr = data.arrays
    n_d = len(arr.districts)
    wneed = arr.wneed
    total = float(wneed.sum())
    w_d = wneed.sum(axis=1)
    a = wneed / total
    b = np.where(w_d[:, None] > 0, wneed / np.where(w_d > 0, w_d, 1.0)[:, None], 0.0)
    need = arr.need
    r = np.where(need > 0, arr.cap[None, :] / np.where(need > 0, need, 1.0), 0.0)
    ints = np.flatnonzero(arr.integer)
    conts = np.flatnonzero(~arr.integer)
    lo, top = useful_units(data)
    lo_i, top_i = lo[:, ints], top[:, ints]
    widths = (top_i - lo_i).max(axis=0).astype(int) + 1
    grid = np.stack(np.meshgrid(*[np.arange(w) for w in widths], indexing="ij"), -1).reshape(
        -1, len(ints)
    )  # (G, nI) offsets above lo
    ok = np.all(grid[None, :, :] <= (top_i - lo_i)[:, None, :], axis=2)  # (D, G)
    d_idx, g_idx = np.nonzero(ok)
    units = lo_i[d_idx] + grid[g_idx]
    x_full = np.zeros((d_idx.size, len(arr.programs)))
    x_full[:, ints] = units
    # coverage of the integer programs for every combination
    need_k = need[d_idx][:, ints]
    g = coverage_share(
        need_k, served_people(need_k, arr.cap[ints][None, :], arr.base[d_idx][:, ints] + units)
    )
    eff_int = (a[d_idx][:, ints] * g).sum(axis=1)
    cov_int = (b[d_idx][:, ints] * g).sum(axis=1)
    counts = np.bincount(d_idx, minlength=n_d)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    xlo = arr.lo[:, conts]
    glo = coverage(data, arr.lo)[:, conts]
    hi_c = arr.hi[:, conts]
    ghi = np.where(
        np.isfinite(hi_c),
        coverage(data, np.where(np.isfinite(arr.hi), arr.hi, 0.0))[:, conts],
        1.0,
    )
    ghi = np.maximum(ghi, glo)
    return Structure(
        a=a,
        b=b,
        r=r,
        equity_rows=w_d > 0,
        ints=ints,
        conts=conts,
        combo_district=d_idx,
        starts=starts,
        units=units,
        eff_int=eff_int,
        cov_int=cov_int,
        glo=glo,
        ghi=ghi,
        xlo=xlo,
        rc=r[:, conts],
    )


@dataclass
class Prices:
    """Multipliers of the relaxed rows: budget, staff, per-program spend caps."""

    budget: float
    staff: float
    caps: np.ndarray  # (P,) zero where a program has no cap

    def per_unit(self, data: ProblemData) -> np.ndarray:
        """The price of one unit of each program: mu cost + nu staff + sigma_p cost."""
        arr = data.arrays
        return self.budget * arr.cost + self.staff * arr.staff + self.caps * arr.cost


@dataclass
class Solved:
    """The districts' optimal answers under some prices and an equity level."""

    feasible: bool
    value: float  # sum over districts of (1 - lambda) E_d - price . x_d
    x: np.ndarray  # (D, P) units
    spend: np.ndarray  # (P,) spend per program
    staff: float


class Subproblems:
    """Solves every district's problem exactly for given prices and equity level t."""

    def __init__(self, data: ProblemData, structure: Structure, lam: float) -> None:
        self.data = data
        self.s = structure
        self.lam = lam

    def solve(self, t: float, prices: Prices) -> Solved:
        """Each district: max (1 - lambda) E_d - price . x_d  s.t. coverage_d >= t."""
        s, data = self.s, self.data
        arr = data.arrays
        keep = 1.0 - self.lam
        price = prices.per_unit(data)
        # continuous programs: value of the low end, value slope per unit of coverage
        pc = price[s.conts][None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = keep * s.a[:, s.conts] - np.where(s.rc > 0, pc / s.rc, 0.0)
        free = s.ghi > s.glo + 1e-15
        low_value = keep * s.a[:, s.conts] * s.glo - pc * s.xlo
        up = free & (slope > 0)
        g_unc = np.where(up, s.ghi, s.glo)
        h0 = (low_value + np.where(up, slope * (s.ghi - s.glo), 0.0)).sum(axis=1)
        bc = s.b[:, s.conts]
        r0 = (bc * g_unc).sum(axis=1)
        # segments that can add coverage at a loss, least loss per coverage first
        seg = free & ~up & (bc > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_cov = np.where(seg, slope / np.where(bc > 0, bc, 1.0), NEG)
        length = np.where(seg, bc * (s.ghi - s.glo), 0.0)
        order = np.argsort(-per_cov, axis=1, kind="stable")
        per_cov_s = np.take_along_axis(per_cov, order, axis=1)
        per_cov_s = np.where(np.isfinite(per_cov_s), per_cov_s, 0.0)
        length_s = np.take_along_axis(length, order, axis=1)
        cum = np.cumsum(length_s, axis=1) - length_s
        reach = length_s.sum(axis=1)
        # every combination of integer units
        k_d = s.combo_district
        need_more = np.where(s.equity_rows[k_d], t - s.cov_int, NEG) - r0[k_d]
        extra = np.clip(need_more[:, None] - cum[k_d], 0.0, length_s[k_d])
        h = h0[k_d] + (per_cov_s[k_d] * extra).sum(axis=1)
        values = keep * s.eff_int - s.units @ price[s.ints] + h
        values = np.where(need_more <= reach[k_d] + FEAS_TOL, values, NEG)
        best = np.maximum.reduceat(values, s.starts)
        if not np.all(np.isfinite(best)):
            return Solved(False, NEG, np.zeros_like(arr.need), np.zeros(len(arr.programs)), 0.0)
        hits = np.flatnonzero(values >= best[k_d])  # ascending, >= 1 per district
        chosen = hits[np.searchsorted(hits, s.starts)]  # each district's first best
        x = np.zeros_like(arr.need)
        x[:, s.ints] = s.units[chosen]
        raise_s = np.clip(need_more[chosen][:, None] - cum, 0.0, length_s)
        added = np.zeros_like(raise_s)
        np.put_along_axis(added, order, raise_s, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            g = g_unc + np.where(bc > 0, added / np.where(bc > 0, bc, 1.0), 0.0)
            units_c = s.xlo + np.where(s.rc > 0, (g - s.glo) / np.where(s.rc > 0, s.rc, 1.0), 0.0)
        units_c = np.where(free, units_c, s.xlo)
        x[:, s.conts] = np.clip(units_c, arr.lo[:, s.conts], arr.hi[:, s.conts])
        spend = (x * arr.cost[None, :]).sum(axis=0)
        return Solved(True, float(best.sum()), x, spend, float((x * arr.staff[None, :]).sum()))
