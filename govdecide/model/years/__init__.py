"""The plan over several years (MODEL.md v1.1, issue 14), by role.

``settings`` (what a caller sets on a plan), ``data`` (the years' single-year data and
what links them), ``formulation`` (the plan stacked from the single-year model's steps,
with stable names by family, district, program and year), ``highs_run`` (one HiGHS run of
the plan's arrays, read honestly), ``structured`` (the structured method: the LP bound
with the years' hull rows, then relax-and-fix year by year), ``result`` (the plan year by
year), ``diagnosis`` (an infeasible plan explained, naming the year) and ``engine``
(``solve_plan``, the entry point).
"""

from govdecide.model.years.data import PlanData, plan_data
from govdecide.model.years.engine import solve_plan, solve_plan_data
from govdecide.model.years.result import PlanResult
from govdecide.model.years.settings import PlanSettings

__all__ = ["PlanData", "PlanResult", "PlanSettings", "plan_data", "solve_plan", "solve_plan_data"]
