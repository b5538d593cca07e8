"""A result in plain words: who gains, what limits the plan, what more money would buy.

Every sentence is a catalogue template (keys ``app.sum.*`` and ``sum.*``) filled with
numbers formatted by kind (``i18n``: people, money, units, shares), so the app and the HTML
report say the same thing in English and Chinese. What more budget buys is one figure
(:func:`extra_budget`) said by one builder (:func:`extra_budget_sentence`, and
:func:`extra_budget_tile` for a headline tile) on every page, in plain words. Only
claims the result supports are made: the marginal value is given in people only when the
objective counts people one for one (equity weight 0, equal program weights), and
otherwise in points of the objective, with where the estimate comes from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from govdecide.i18n import (
    fmt_gap,
    fmt_money,
    fmt_num,
    fmt_pct,
    fmt_people,
    fmt_units,
    localize,
    t,
)
from govdecide.io.scenario import Scenario, display_names
from govdecide.model.result import Result
from govdecide.model.settings import Settings

MAX_NAMES = 4


@dataclass(frozen=True)
class MarginalValue:
    """What ``step`` more budget units are worth, by the dual of the budget constraint.

    ``people`` is set only when the objective is people served (see module docstring);
    ``points`` is always the change of the objective (1 - lambda) E + lambda z, in
    percentage points. ``basis`` is the result's own word for where the rate comes from
    (``lp``: the exact local rate of a pure LP; ``lp_relaxation`` or ``lagrangian``: an
    estimate for whole units), so the summary says what the engine says.
    """

    step: float
    points: float
    people: float | None
    basis: str

    @property
    def exact(self) -> bool:
        """True when the rate is a pure LP's own dual (exact at the margin)."""
        return self.basis == "lp"


def budget_units(scenario: Scenario, lang: str) -> str:
    """What the budget is counted in: the scenario's currency, else "budget units"."""
    return localize(scenario.currency, lang) or t("app.ctl.budget_units", lang)


def effective_weights(scenario: Scenario, settings: Settings | None) -> dict[str, float]:
    """The program weights in effect: the settings' where given, else the scenario's."""
    given = settings.weights if settings is not None else {}
    return {p.id: float(given.get(p.id, p.weight)) for p in scenario.programs}


def _nice(value: float) -> float:
    """The nearest 1, 2 or 5 times a power of ten at or below ``value`` (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for mult in (5, 2, 1):
        if mult * power <= value:
            return float(mult * power)
    return float(power)


def budget_step(scenario: Scenario, budget: float) -> float:
    """The budget increment to speak about: the budget slider's step, else about 1%."""
    for control in scenario.controls:
        if control.param == "policy.budget":
            return float(control.step)
    return _nice(budget / 100) if budget > 0 else 1.0


def marginal_value(
    result: Result, weights: Mapping[str, float], step: float
) -> MarginalValue | None:
    """The value of ``step`` more budget units, or None when the solver gave no dual.

    With lambda = 0 and every program that has need weighted alike, the objective is
    E = (people served) / (total need), so people per budget unit = dual x total need.
    """
    dual = result.budget_marginal_value
    if dual is None or not result.has_solution or not math.isfinite(dual):
        return None
    alloc = result.allocation
    need_by_program = alloc.groupby("program")["need"].sum()
    active = [w for p, w in weights.items() if need_by_program.get(p, 0.0) > 0]
    people = None
    if result.equity_weight == 0 and active and all(abs(w - active[0]) < 1e-12 for w in active):
        if active[0] > 0:
            people = dual * float(alloc["need"].sum()) * step
    return MarginalValue(
        step=step, points=dual * step * 100, people=people, basis=result.marginal_basis
    )


def marginal_text(mv: MarginalValue | None, lang: str) -> str:
    """The marginal value as a short figure for a headline tile."""
    if mv is None:
        return "—"
    if mv.people is not None:
        return t("app.sum.mv_people_short", lang, people=fmt_people(mv.people, lang))
    return t("app.sum.mv_points_short", lang, points=fmt_num(mv.points, lang, 3))


def basis_text(mv: MarginalValue | None, lang: str) -> str:
    """How the marginal value was estimated, in plain words (the engine's own, technical
    words are ``Result.marginal_basis_text``, for the command line and the report)."""
    if mv is None:
        return t("app.sum.mv_none", lang)
    return t(f"sum.basis.{mv.basis}", lang)


def name_list(names: Sequence[str], lang: str, limit: int = MAX_NAMES) -> str:
    """'A, B, C and 2 more' in the reader's language."""
    shown = list(names[:limit])
    text = t("app.sum.list_sep", lang).join(shown)
    if len(names) > limit:
        text += t("app.sum.and_more", lang, n=fmt_num(len(names) - limit, lang))
    return text


def lowest_half(result: Result) -> list[str]:
    """The districts in the lower half by coverage before (ties by id), as ids.

    With n districts this is the floor(n / 2) lowest; a single district has no half.
    """
    frame = result.districts[["district", "coverage_before"]].sort_values(
        ["coverage_before", "district"]
    )
    return frame["district"].head(len(frame) // 2).astype(str).tolist()


def spend_share(result: Result, districts: Sequence[str]) -> float | None:
    """The share of new spending that goes to ``districts`` (None when nothing is spent)."""
    total = float(result.districts["spend"].sum())
    if total <= 0:
        return None
    part = float(result.districts.loc[result.districts["district"].isin(districts), "spend"].sum())
    return part / total


def binding_sentences(
    result: Result,
    names: Mapping[str, str],
    lang: str,
    currency: str = "",
    extra: ExtraBudget | None = None,
) -> list[str]:
    """What limits the plan: budget (:func:`budget_sentences`), staff, spend limits, unit
    limits per district."""
    out = budget_sentences(result, lang, extra)
    families = {b.family for b in result.binding}
    if "staff" in families and result.staff is not None:
        out.append(t("app.sum.staff_binds", lang, staff=fmt_num(result.staff, lang)))
    for b in result.binding:
        if b.family in ("spend_max", "spend_min"):
            out.append(
                t(
                    f"app.sum.{b.family}",
                    lang,
                    program=names.get(b.program or "", b.program or ""),
                    value=fmt_money(b.value, lang),
                )
            )
    for family in ("unit_max", "unit_min"):
        # a maximum of 0 is a ban ("no land left"), not a limit the plan runs into
        hits = [b for b in result.binding if b.family == family and (b.value or 0) > 0]
        if hits:
            example = hits[0]
            out.append(
                t(
                    f"app.sum.{family}",
                    lang,
                    n=len(hits),
                    program=names.get(example.program or "", example.program or ""),
                    district=names.get(example.district or "", example.district or ""),
                    value=fmt_units(example.value, lang),
                )
            )
    return out


def summarize(
    scenario: Scenario,
    result: Result,
    lang: str = "en",
    settings: Settings | None = None,
    next_result: Result | None = None,
    marginal: bool = True,
) -> list[str]:
    """The plain-language summary of a result, one sentence per item, in ``lang``.

    ``marginal=False`` leaves out what more money buys (the app draws it last, after the
    re-solve with more budget; see :func:`marginal_sentences`).

    ``next_result`` is the same solve with :func:`budget_step` more budget; when both it
    and ``result`` are proven optimal, what more money buys is said in people from the two
    optima, else from the budget's shadow price.
    """
    if not result.has_solution:
        return []
    names = display_names(scenario, lang)
    currency = localize(scenario.currency, lang)
    d = result.districts
    out = [
        t(
            "app.sum.headline",
            lang,
            people=fmt_people(result.people_newly_served, lang),
            e0=fmt_pct(result.efficiency_before, lang),
            e1=fmt_pct(result.efficiency, lang),
        )
    ]
    worst = d.sort_values(["coverage_after", "district"]).iloc[0]
    out.append(
        t(
            "app.sum.worst",
            lang,
            z0=fmt_pct(result.equity_before, lang),
            z1=fmt_pct(result.equity, lang),
            district=names.get(str(worst["district"]), str(worst["district"])),
        )
    )
    low = lowest_half(result)
    share = spend_share(result, low)
    if share is None:
        out.append(t("app.sum.nothing_bought", lang))
    elif low:
        pop = d.set_index("district")["population"]
        out.append(
            t(
                "app.sum.low_half",
                lang,
                k=fmt_num(len(low), lang),
                names=name_list([names.get(x, x) for x in low], lang),
                share=fmt_pct(share, lang, 0),
                pop_share=fmt_pct(float(pop[low].sum() / pop.sum()), lang, 0),
            )
        )
        gains = (d["coverage_after"] - d["coverage_before"]).set_axis(d["district"])
        top = gains.sort_values(ascending=False, kind="stable")
        if len(top) and top.iloc[0] > 1e-9:
            best = str(top.index[0])
            row = d.set_index("district").loc[best]
            out.append(
                t(
                    "app.sum.top_gain",
                    lang,
                    district=names.get(best, best),
                    before=fmt_pct(float(row["coverage_before"]), lang),
                    after=fmt_pct(float(row["coverage_after"]), lang),
                )
            )
    extra = extra_budget(scenario, result, settings, next_result)
    out.extend(binding_sentences(result, names, lang, currency, extra))
    if marginal and extra is not None:
        out.append(extra_budget_sentence(scenario, extra, lang))
    return out


def signed(value: float, lang: str) -> str:
    """A change with its sign: +1,404 or −200 (a true minus sign)."""
    text = fmt_people(abs(value), lang)
    if text == "0":
        return text
    return ("+" if value > 0 else "\u2212") + text


def resolved_gain(result: Result, next_result: Result | None) -> float | None:
    """People served by the next-budget optimum minus now, when both are proven optimal."""
    if next_result is None or result.status != "optimal" or next_result.status != "optimal":
        return None
    if result.people_newly_served is None or next_result.people_newly_served is None:
        return None
    return next_result.people_newly_served - result.people_newly_served


@dataclass(frozen=True)
class ExtraBudget:
    """What ``step`` more budget units buy, the one figure every page says it with.

    Re-solved (``basis`` "resolve": ``people`` is the change of people served between the
    two optima, ``equity_next`` the lowest coverage after) when the caller has the re-solve,
    else estimated from the budget's marginal value (``people`` when the objective counts
    people one for one, else ``points`` of the objective). The Allocate page's tile and
    sentence and the Present page's summary all come from this object, so they agree.
    """

    step: float
    people: float | None
    points: float | None
    basis: str  # resolve | lp | lp_relaxation | lagrangian
    equity_next: float | None = None

    @property
    def helps(self) -> bool:
        """Whether more budget buys anything (at least one person, or a point above 0)."""
        if self.people is not None:
            return self.people >= 0.5 if self.basis == "resolve" else self.people > 1e-9
        return self.points is not None and self.points > 1e-9


def extra_budget(
    scenario: Scenario,
    result: Result,
    settings: Settings | None = None,
    next_result: Result | None = None,
) -> ExtraBudget | None:
    """What :func:`budget_step` more budget buys: from ``next_result`` (the same solve with
    that much more budget) when both are proven optimal, else from the marginal value;
    None without a solution or a marginal value."""
    if not result.has_solution:
        return None
    step = budget_step(scenario, result.budget)
    gain = resolved_gain(result, next_result)
    if gain is not None and next_result is not None:
        return ExtraBudget(step, gain, None, "resolve", next_result.equity)
    mv = marginal_value(result, effective_weights(scenario, settings), step)
    if mv is None:
        return None
    return ExtraBudget(step, mv.people, None if mv.people is not None else mv.points, mv.basis)


def _extra_basis(extra: ExtraBudget, lang: str) -> str:
    """Where the figure comes from, in plain words."""
    if extra.basis == "resolve":
        return t("sum.basis.resolve", lang, step=fmt_money(extra.step, lang))
    return t(f"sum.basis.{extra.basis}", lang)


def extra_budget_sentence(scenario: Scenario, extra: ExtraBudget, lang: str) -> str:
    """The sentence on what more budget buys, in plain words (no solver vocabulary)."""
    params = {
        "step": fmt_money(extra.step, lang),
        "currency": budget_units(scenario, lang),
        "basis": _extra_basis(extra, lang),
    }
    if extra.basis == "resolve":
        return t(
            "sum.extra.resolved",
            lang,
            delta=signed(extra.people or 0.0, lang),
            z=fmt_pct(extra.equity_next, lang),
            **params,
        )
    if not extra.helps:
        return t("sum.extra.zero", lang, **params)
    if extra.people is not None:
        return t("sum.extra.people", lang, people=fmt_people(extra.people, lang), **params)
    return t("sum.extra.points", lang, points=fmt_num(extra.points, lang, 3), **params)


def extra_budget_tile(
    scenario: Scenario, result: Result, extra: ExtraBudget | None, lang: str
) -> tuple[str, str, str]:
    """The headline tile on what more budget buys: (label, value, help), from the same
    figure as :func:`extra_budget_sentence` (``extra`` of :func:`extra_budget`)."""
    currency = budget_units(scenario, lang)
    step = fmt_money(budget_step(scenario, result.budget), lang)
    label = t("app.kpi.marginal", lang, step=step)
    if extra is None:
        value, basis = "—", t("app.sum.mv_none", lang)
    elif extra.basis == "resolve":
        label = t("app.kpi.marginal_people", lang, step=step)
        value, basis = signed(extra.people or 0.0, lang), _extra_basis(extra, lang)
    else:
        mv = MarginalValue(extra.step, extra.points or 0.0, extra.people, extra.basis)
        value, basis = marginal_text(mv, lang), _extra_basis(extra, lang)
    return label, value, t("app.kpi.marginal_help", lang, basis=basis, currency=currency)


def budget_sentences(result: Result, lang: str, extra: ExtraBudget | None = None) -> list[str]:
    """Whether the budget limits the plan, in words that agree with the status and with
    what more budget buys (``extra``): money left by a plan not proven best is not called
    slack, and slack is never claimed while more budget would help."""
    families = {b.family for b in result.binding}
    left = result.budget - (result.budget_used or 0.0)
    if "budget" in families and left < 0.5:
        return [t("app.sum.budget_spent", lang)]
    if "budget" in families:
        return [t("app.sum.budget_binds", lang, left=fmt_money(left, lang))]
    if result.budget <= 0:
        return []
    money = {"left": fmt_money(left, lang), "budget": fmt_money(result.budget, lang)}
    if result.status != "optimal" or (result.gap or 0.0) > 0:
        if result.gap is None:
            return [t("sum.budget.left_unproven_nogap", lang, **money)]
        return [t("sum.budget.left_unproven", lang, gap=fmt_gap(result.gap, lang), **money)]
    if extra is not None and extra.helps:
        return [t("sum.budget.left_but_more_helps", lang, **money)]
    return [t("app.sum.budget_slack", lang, **money)]


def marginal_sentences(
    scenario: Scenario,
    result: Result,
    lang: str,
    settings: Settings | None = None,
    next_result: Result | None = None,
) -> list[str]:
    """What more money buys, as the summary's last sentence (none without a figure)."""
    extra = extra_budget(scenario, result, settings, next_result)
    return [] if extra is None else [extra_budget_sentence(scenario, extra, lang)]


def points_change(after: float | None, before: float | None, lang: str) -> str | None:
    """A change of a share in percentage points ('+12.5 points'), None when one is unknown."""
    if after is None or before is None:
        return None
    return t("app.kpi.points", lang, points=f"{(after - before) * 100:+.1f}")
