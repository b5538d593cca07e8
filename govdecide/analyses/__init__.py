"""Trade-offs, what-ifs and comparisons: the analyses that make a decision defensible.

Callers use the package as one module (``from govdecide import analyses as an``); each
analysis lives in a module of its own:

* :mod:`~govdecide.analyses.sweep`: :class:`Sweep`, one built model for many solves, which
  every analysis solves through.
* :mod:`~govdecide.analyses.frontier`: :func:`frontier`, the efficiency-equity frontier by
  the epsilon-constraint method of MODEL.md, with the price of fairness.
* :mod:`~govdecide.analyses.budget`: :func:`budget_curve`, the optimum over a grid of
  budgets with the marginal value of a budget unit; :func:`min_budget`, the smallest budget
  at which every district's weighted coverage reaches X, solved directly.
* :mod:`~govdecide.analyses.robustness`: :func:`robustness`, re-solves under seeded random
  perturbations of need.
* :mod:`~govdecide.analyses.snapshots`: :class:`Snapshot`, :func:`compare`: save a setting
  and its result, compare two by district.
* :mod:`~govdecide.analyses.parallel`: :class:`Workers` (worker processes or a Dask
  cluster), :class:`Stop`; the frontier, budget curve and robustness solve through its
  ``Runner``, here or on workers, with the same answers.
* :mod:`~govdecide.analyses.common`: what they share (progress, limits, proven or not).
* :mod:`~govdecide.analyses.equity_indices` (Gini, Theil, ...) and
  :mod:`~govdecide.analyses.equity_rules` (floors and spread caps added to a model) are
  imported as modules of their own.
"""

from __future__ import annotations

from govdecide.analyses.budget import (
    BudgetCurve,
    BudgetPoint,
    MinBudget,
    budget_curve,
    budget_grid,
    min_budget,
    reaches,
)
from govdecide.analyses.common import (
    MAX_CURVE_POINTS,
    MAX_FRONTIER_POINTS,
    MAX_ROBUSTNESS_RUNS,
    Progress,
    bound_of,
    proven,
    status_words,
)
from govdecide.analyses.frontier import Frontier, FrontierPoint, PriceOfFairness, frontier
from govdecide.analyses.parallel import AnalysisFailed, Cancelled, Stop, Workers
from govdecide.analyses.robustness import (
    Robustness,
    need_indicators,
    perturbed_data,
    robustness,
)
from govdecide.analyses.snapshots import (
    Snapshot,
    compare,
    compare_sentence,
    snapshot,
    snapshots_from_json,
    snapshots_to_json,
)
from govdecide.analyses.sweep import EFFICIENCY_FLOOR, Sweep

__all__ = [
    "AnalysisFailed",
    "Cancelled",
    "Stop",
    "Workers",
    "EFFICIENCY_FLOOR",
    "MAX_CURVE_POINTS",
    "MAX_FRONTIER_POINTS",
    "MAX_ROBUSTNESS_RUNS",
    "BudgetCurve",
    "BudgetPoint",
    "Frontier",
    "FrontierPoint",
    "MinBudget",
    "PriceOfFairness",
    "Progress",
    "Robustness",
    "Snapshot",
    "Sweep",
    "bound_of",
    "budget_curve",
    "budget_grid",
    "compare",
    "compare_sentence",
    "frontier",
    "min_budget",
    "need_indicators",
    "perturbed_data",
    "proven",
    "reaches",
    "robustness",
    "snapshot",
    "snapshots_from_json",
    "snapshots_to_json",
    "status_words",
]
