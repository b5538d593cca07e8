"""A story step's plan over several years in words: what the plan is (the line a step
shows under its title) and what changed in it since the last step.

A step without a plan is one year: its budget is that year's, it has no running costs
and no discount. So "a 5-year plan instead of one year", "budget 40,000 in one year →
8,000 · 8,000 · 8,000 · 6,000 · 6,000 by year" and "running costs take 0.0% → 31.0% of the
last year's budget" compare a single-year step with a plan step as well as two plans.
The yearly budgets come from the plan's own data (:func:`govdecide.model.years.plan_data`)
or its solved figures, so the words say what the solve used.
"""

from __future__ import annotations

from collections.abc import Sequence

from govdecide.analyses.common import TOL
from govdecide.errors import ScenarioError
from govdecide.i18n import fmt_money, fmt_num, fmt_pct, t
from govdecide.io.scenario import Scenario
from govdecide.model.settings import Settings
from govdecide.model.years import PlanSettings, plan_data
from govdecide.present.summary import budget_units
from govdecide.story.telling import SolvedStep

RATE_DIGITS = 1  # a discount rate in words: 3.0%, 2.5%


def _years(solved: SolvedStep) -> int:
    """How many years a solved step covers (1 without a plan)."""
    plan = solved.outcome.plan if solved.outcome is not None else None
    return 1 if plan is None else int(plan.years)


def _budgets(solved: SolvedStep) -> list[float]:
    """Each year's budget the step was solved with."""
    outcome = solved.outcome
    assert outcome is not None
    if outcome.plan is not None and outcome.plan.has_solution:
        return [float(b) for b in outcome.plan.year_figures["budget"]]
    return [float(outcome.result.budget)]


def _rate(solved: SolvedStep, scenario: Scenario) -> float:
    """The discount rate a step's plan used (0 for a single year)."""
    plan = solved.step.plan
    if plan is None:
        return 0.0
    return float(
        plan.discount_rate if plan.discount_rate is not None else scenario.policy.discount_rate
    )


def _running_share(solved: SolvedStep) -> float:
    """The share of the last year's budget that running costs take (0 for one year)."""
    plan = solved.outcome.plan if solved.outcome is not None else None
    if plan is None or not plan.has_solution:
        return 0.0
    last = plan.year_figures.iloc[-1]
    budget = float(last["budget"])
    return float(last["running"]) / budget if budget > 0 else 0.0


def budgets_text(budgets: Sequence[float], units: str, lang: str, plan: bool) -> str:
    """A step's budgets: "40,000 in one year", "8,000 every year" or "8,000 · 6,000 by year"."""
    if not plan:
        return t("story.plan.budget_one", lang, amount=fmt_money(budgets[0], lang), units=units)
    if max(budgets) - min(budgets) <= TOL:
        return t("story.plan.budget_every", lang, amount=fmt_money(budgets[0], lang), units=units)
    amounts = t("story.plan.list_sep", lang).join(fmt_money(b, lang) for b in budgets)
    return t("story.plan.budget_list", lang, amounts=amounts, units=units)


def _years_change(a: int, b: int, lang: str) -> str | None:
    """The plan's length, when it moved."""
    if a == b:
        return None
    if a == 1:
        return t("story.plan.chg_to_plan", lang, years=fmt_num(b, lang))
    if b == 1:
        return t("story.plan.chg_to_one", lang, years=fmt_num(a, lang))
    return t("story.plan.chg_years", lang, a=fmt_num(a, lang), b=fmt_num(b, lang))


def plan_setting_changes(
    scenario: Scenario, before: SolvedStep, after: SolvedStep, lang: str
) -> list[str]:
    """What moved in the plan (length, budget by year, discount rate, need growth), each a
    part of the "since the last step" sentence; the budget is said here for every pair
    in which either step is a plan."""
    ya, yb = _years(before), _years(after)
    parts = [p for p in [_years_change(ya, yb, lang)] if p is not None]
    ba, bb = _budgets(before), _budgets(after)
    if len(ba) != len(bb) or any(abs(x - y) > TOL for x, y in zip(ba, bb)):
        units = budget_units(scenario, lang)
        parts.append(
            t(
                "story.plan.chg_budget",
                lang,
                a=budgets_text(ba, units, lang, before.step.plan is not None),
                b=budgets_text(bb, units, lang, after.step.plan is not None),
            )
        )
    ra, rb = _rate(before, scenario), _rate(after, scenario)
    if abs(ra - rb) > TOL:
        parts.append(
            t(
                "story.plan.chg_rate",
                lang,
                a=fmt_pct(ra, lang, RATE_DIGITS),
                b=fmt_pct(rb, lang, RATE_DIGITS),
            )
        )
    pa, pb = before.step.plan, after.step.plan
    if pa is not None and pb is not None and pa.growth != pb.growth:
        parts.append(
            t("story.plan.chg_growth_on" if pb.growth else "story.plan.chg_growth_off", lang)
        )
    return parts


def plan_figure_changes(before: SolvedStep, after: SolvedStep, lang: str) -> list[str]:
    """Which year the figures are of, and how far running costs moved (for a pair in
    which either step is a plan)."""
    ya, yb = _years(before), _years(after)
    out = [t("story.plan.chg_last_year", lang, a=fmt_num(ya, lang), b=fmt_num(yb, lang))]
    ra, rb = _running_share(before), _running_share(after)
    out.append(
        t(
            "story.plan.chg_running",
            lang,
            a=fmt_pct(ra, lang),
            b=fmt_pct(rb, lang),
        )
    )
    return out


def plan_line(scenario: Scenario, settings: Settings, plan: PlanSettings, lang: str) -> str:
    """A plan step's settings in one line: its length, yearly budgets, discount rate and
    need growth ("5-year plan · budget 8,000 every year · discount rate 3% · need grows")."""
    years = plan.years if plan.years is not None else scenario.policy.years
    parts = [t("story.plan.line_years", lang, years=fmt_num(years, lang))]
    try:
        budgets = list(plan_data(scenario, settings, plan).budgets)
    except ScenarioError:
        budgets = []
    if budgets:
        units = budget_units(scenario, lang)
        parts.append(
            t("story.plan.line_budget", lang, budget=budgets_text(budgets, units, lang, True))
        )
    rate = plan.discount_rate if plan.discount_rate is not None else scenario.policy.discount_rate
    parts.append(t("story.plan.line_rate", lang, rate=fmt_pct(float(rate), lang, RATE_DIGITS)))
    parts.append(
        t("story.plan.line_growth_on" if plan.growth else "story.plan.line_growth_off", lang)
    )
    return " · ".join(parts)
