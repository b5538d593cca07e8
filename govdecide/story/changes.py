"""What changed since the last step, in plain words: the settings moved, the figures that
followed, who gains and who loses, and how far the price of fairness moved.

Every sentence is built from the two steps' results by the library's own builders: who
gains and who loses is :func:`govdecide.analyses.snapshots.compare_sentence` on
:func:`~govdecide.analyses.snapshots.compare` of the two allocations (the Compare page's
words), the price of fairness is :class:`~govdecide.analyses.frontier.PriceOfFairness`
(see :mod:`.telling`), numbers are formatted by kind (``i18n``) and changes of a share in
points by :func:`govdecide.present.summary.points_change`. So the Present page, a viewer's
screen and the report say the same thing.

Two steps are compared only when both have an allocation of the same scenario; otherwise
the one sentence says why not. The first step of a story has nothing to compare with.
When either step is a plan over several years, the plan's words come from
:mod:`.plan_words` (its length, budget by year, discount rate, need growth, running
costs) and the figures compared are each step's last year.
"""

from __future__ import annotations

import math

from govdecide.analyses.common import TOL
from govdecide.analyses.snapshots import compare, compare_sentence, snapshot
from govdecide.i18n import fmt_money, fmt_num, fmt_pct, fmt_people, localize, t
from govdecide.io.scenario import Scenario, display_names
from govdecide.model.result import Result
from govdecide.present.summary import budget_units, effective_weights, points_change, signed
from govdecide.story.plan_words import plan_figure_changes, plan_setting_changes
from govdecide.story.telling import SolvedStep

WEIGHT_DIGITS = 2


def _staff(value: float | None, lang: str) -> str:
    """A staff limit in words (none: no limit)."""
    if value is None or not math.isfinite(value):
        return t("story.chg.no_limit", lang)
    return fmt_num(value, lang)


def setting_changes(scenario: Scenario, before: SolvedStep, after: SolvedStep, lang: str) -> str:
    """One sentence: each setting that moved, from the last step's value to this one's."""
    a, b = before.outcome.result, after.outcome.result  # type: ignore[union-attr]
    planned = before.step.plan is not None or after.step.plan is not None
    parts = plan_setting_changes(scenario, before, after, lang) if planned else []
    if not planned and abs(a.budget - b.budget) > TOL:
        parts.append(
            t(
                "story.chg.budget",
                lang,
                a=fmt_money(a.budget, lang),
                b=fmt_money(b.budget, lang),
                units=budget_units(scenario, lang),
            )
        )
    if _staff(a.staff, lang) != _staff(b.staff, lang):
        parts.append(t("story.chg.staff", lang, a=_staff(a.staff, lang), b=_staff(b.staff, lang)))
    if abs(a.equity_weight - b.equity_weight) > TOL:
        parts.append(
            t(
                "story.chg.equity_weight",
                lang,
                a=fmt_num(a.equity_weight, lang, WEIGHT_DIGITS),
                b=fmt_num(b.equity_weight, lang, WEIGHT_DIGITS),
            )
        )
    names = display_names(scenario, lang)
    wa = effective_weights(scenario, before.step.settings)
    wb = effective_weights(scenario, after.step.settings)
    for program, weight in wb.items():
        if abs(weight - wa.get(program, weight)) > TOL:
            parts.append(
                t(
                    "story.chg.weight",
                    lang,
                    program=names.get(program, program),
                    a=fmt_num(wa[program], lang, WEIGHT_DIGITS),
                    b=fmt_num(weight, lang, WEIGHT_DIGITS),
                )
            )
    if not parts:
        return t("story.chg.same_settings", lang)
    return t("story.chg.settings", lang, changes=t("story.chg.sep", lang).join(parts))


def figure_changes(a: Result, b: Result, lang: str) -> list[str]:
    """People newly served, need served (E) and the worst-served district (z), then
    and now, with the change."""
    people_a, people_b = a.people_newly_served or 0.0, b.people_newly_served or 0.0
    return [
        t(
            "story.chg.people",
            lang,
            a=fmt_people(people_a, lang),
            b=fmt_people(people_b, lang),
            delta=signed(people_b - people_a, lang),
        ),
        t(
            "story.chg.shares",
            lang,
            e_a=fmt_pct(a.efficiency, lang),
            e_b=fmt_pct(b.efficiency, lang),
            e_delta=points_change(b.efficiency, a.efficiency, lang),
            z_a=fmt_pct(a.equity, lang),
            z_b=fmt_pct(b.equity, lang),
            z_delta=points_change(b.equity, a.equity, lang),
        ),
    ]


def fairness_change(before: SolvedStep, after: SolvedStep, lang: str) -> str | None:
    """How far the price of fairness moved, in points of the people served; None when
    either step has no price (no efficient allocation to measure from)."""
    pa = before.outcome.price_of_fairness  # type: ignore[union-attr]
    pb = after.outcome.price_of_fairness  # type: ignore[union-attr]
    if pa is None or pb is None:
        return None
    ca, cb = pa.relative_cost, pb.relative_cost
    words = {"a": fmt_pct(ca, lang), "b": fmt_pct(cb, lang)}
    if abs(cb - ca) < 5e-4:  # the same to the 0.1 point every figure is shown with
        text = t("story.chg.pof_same", lang, **words)
    else:
        key = "story.chg.pof_up" if cb > ca else "story.chg.pof_down"
        text = t(key, lang, delta=points_change(cb, ca, lang), **words)
    if not (pa.proven and pb.proven):
        text += t("an.pof.unproven", lang)
    return text


def what_changed(before: SolvedStep | None, after: SolvedStep, lang: str = "en") -> list[str]:
    """The "what changed since the last step" sentences, in ``lang``.

    Empty for the first step. One sentence saying why not when the two steps cannot be
    compared: another scenario, or a step without an allocation.
    """
    if before is None:
        return []
    title_a, title_b = localize(before.step.title, lang), localize(after.step.title, lang)
    for side, title in ((before, title_a), (after, title_b)):
        if not side.solved:
            return [t("story.chg.unsolved", lang, title=title)]
        result = side.outcome.result  # type: ignore[union-attr]
        if not result.has_solution:
            return [t("story.chg.no_solution", lang, title=title, status=result.status_text(lang))]
    scenario = after.scenario
    assert scenario is not None
    if before.step.scenario_hash != after.step.scenario_hash:
        name = localize(scenario.name, lang)
        return [t("story.chg.other_scenario", lang, name=name)]
    a, b = before.outcome.result, after.outcome.result  # type: ignore[union-attr]
    out = [setting_changes(scenario, before, after, lang)]
    if before.step.plan is not None or after.step.plan is not None:
        last_year, running = plan_figure_changes(before, after, lang)
        out += [last_year, *figure_changes(a, b, lang), running]
    else:
        out += figure_changes(a, b, lang)
    frame = compare(
        snapshot(title_a, before.step.settings, a), snapshot(title_b, after.step.settings, b)
    )
    out.append(compare_sentence(frame, title_a, title_b, display_names(scenario, lang), lang))
    fairness = fairness_change(before, after, lang)
    if fairness is not None:
        out.append(fairness)
    return out


def focus_sentence(solved: SolvedStep, lang: str = "en") -> str | None:
    """What to look at when the step's focus is a district: its coverage before and after
    and its share of the new spending; None for a chart focus or no focus."""
    district = solved.step.district
    if district is None or not solved.solved:
        return None
    scenario, result = solved.scenario, solved.outcome.result  # type: ignore[union-attr]
    assert scenario is not None
    names = display_names(scenario, lang)
    if not result.has_solution or district not in set(result.districts["district"]):
        return t("story.focus.unknown", lang, district=names.get(district, district))
    row = result.districts.set_index("district").loc[district]
    total = float(result.districts["spend"].sum())
    share = float(row["spend"]) / total if total > 0 else 0.0
    return t(
        "story.focus.district",
        lang,
        district=names[district],
        before=fmt_pct(float(row["coverage_before"]), lang),
        after=fmt_pct(float(row["coverage_after"]), lang),
        spend=fmt_money(float(row["spend"]), lang),
        share=fmt_pct(share, lang),
    )
