"""What every analysis shares: progress reports, limits, tolerances and how a solve is read.

An analysis is many solves; each of its points says whether it is proven best
(:func:`proven`, :func:`status_words`) and which figure the solver's bound is a bound of
(:func:`bound_of`), so that a time-limited point is never shown as exact.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from govdecide.i18n import fmt_pct, t
from govdecide.model.result import Result

Progress = Callable[[int, int], None]
"""``progress(done, total)``, called after each solve of a long analysis (a progress bar)."""

TOL = 1e-9  # a rounding hair: figures closer than this are equal

# Largest analyses a person may ask for, one place for the command line and the pages:
# each point or run is a full solve, so an unbounded count could hold a shared machine for
# hours; these are the app's sliders' limits.
MAX_FRONTIER_POINTS = 40
MAX_CURVE_POINTS = 25
MAX_ROBUSTNESS_RUNS = 500


def tick(progress: Progress | None, done: int, total: int) -> None:
    """Report progress when the caller asked for it."""
    if progress is not None:
        progress(done, total)


def people_served(result: Result) -> float:
    """People served after the allocation (sum of s_dp over districts and programs)."""
    return float(result.allocation["served"].sum()) if result.has_solution else math.nan


def bound_of(result: Result) -> str:
    """What ``result.bound`` bounds: the objective the solve maximized.

    A solve at equity weight 0 maximizes E, at 1 maximizes z, else (1 - lambda) E + lambda z;
    the frontier mixes such solves, so each point says which of its figures the bound is a
    bound of, rather than letting a bound on z stand next to E or the user's objective.
    """
    lam = result.equity_weight
    if lam <= 0:
        return "efficiency"
    if lam >= 1:
        return "equity"
    return "objective"


def proven(status: str) -> bool:
    """Whether a solve's answer is proven best (a time-limited one is only feasible)."""
    return status == "optimal"


def status_words(result: Result, lang: str = "en") -> str:
    """A short status for a table cell: '' when proven best, 'not proven (gap 1.2%)' when
    stopped at the time limit, else the engine's own status text (infeasible ...)."""
    if proven(result.status):
        return ""
    if result.status == "feasible":
        if result.gap is None:
            return t("an.status.unproven_nogap", lang)
        return t("an.status.unproven", lang, gap=fmt_pct(result.gap, lang, 2))
    return result.status_text(lang)


def point_fields(point: Any) -> dict[str, Any]:
    """A point's own figures for JSON: its dataclass fields but its ``result`` (the
    allocation is asked for separately, so a table or file stays one row a point)."""
    return {f.name: getattr(point, f.name) for f in fields(point) if f.name != "result"}
