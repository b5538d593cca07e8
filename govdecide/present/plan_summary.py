"""A plan over several years in plain words: what to build each year, where the lowest
district ends up, and how much of the last year's budget running costs take.

"In year 1 build Community health station: 3, School places: 12 (in 4 districts)." "By
year 5 the lowest district, South Marsh, reaches 61% coverage (40% today)." "Running
costs take 38% of year 5's budget." Numbers come from the plan's own frames
(``PlanResult``); names from :func:`govdecide.io.scenario.display_names`.
"""

from __future__ import annotations

from collections.abc import Mapping

from govdecide.i18n import fmt_num, fmt_pct, fmt_units, t
from govdecide.model.years.result import PlanResult

MAX_ITEMS = 4  # programs named per year before "and N more"


def _items(frame: object, names: Mapping[str, str], lang: str) -> str:
    """ "program: units" for the programs built in a year, the most units first."""
    by_program = frame.groupby("program", sort=False)["new_units"].sum()  # type: ignore[attr-defined]
    by_program = by_program[by_program > 1e-9].sort_values(ascending=False, kind="stable")
    parts = [
        t("plan.sum.item", lang, program=names.get(p, p), units=fmt_units(v, lang))
        for p, v in by_program.head(MAX_ITEMS).items()
    ]
    if by_program.size > MAX_ITEMS:
        parts.append(t("plan.sum.more", lang, n=by_program.size - MAX_ITEMS))
    return t("plan.sum.sep", lang).join(parts)


def year_sentences(result: PlanResult, names: Mapping[str, str], lang: str) -> list[str]:
    """One sentence per year: what is built and in how many districts, or that nothing
    new is (the budget then goes to running costs)."""
    out = []
    a = result.allocation
    for year in range(1, result.years + 1):
        built = a[(a["year"] == year) & (a["new_units"] > 1e-9)]
        if built.empty:
            out.append(t("plan.sum.year_nothing", lang, year=year))
            continue
        districts = built["district"].nunique()
        key = "plan.sum.year_builds_one" if districts == 1 else "plan.sum.year_builds"
        out.append(
            t(
                key,
                lang,
                year=year,
                items=_items(built, names, lang),
                districts=fmt_num(districts, lang),
                district=names.get(built["district"].iloc[0], built["district"].iloc[0]),
            )
        )
    return out


def lowest_sentence(result: PlanResult, names: Mapping[str, str], lang: str) -> str:
    """Where the lowest-covered district stands in the last year, against today."""
    final = result.final.districts
    if final.empty:
        return ""
    row = final.sort_values(["coverage_after", "district"]).iloc[0]
    return t(
        "plan.sum.lowest",
        lang,
        year=result.years,
        district=names.get(row["district"], row["district"]),
        after=fmt_pct(float(row["coverage_after"]), lang),
        before=fmt_pct(float(row["coverage_before"]), lang),
    )


def running_sentence(result: PlanResult, lang: str) -> str:
    """The share of the last year's budget that running costs take."""
    last = result.year_figures.iloc[-1]
    budget = float(last["budget"])
    if budget <= 0 or float(last["running"]) <= 0:
        return t("plan.sum.no_running", lang, year=result.years)
    return t(
        "plan.sum.running",
        lang,
        share=fmt_pct(float(last["running"]) / budget, lang),
        year=result.years,
    )


def plan_summary(result: PlanResult, names: Mapping[str, str], lang: str) -> list[str]:
    """The plan in sentences: each year's building, the lowest district at the end, the
    running costs' share of the last year's budget (nothing when there is no plan)."""
    if not result.has_solution:
        return []
    out = year_sentences(result, names, lang)
    lowest = lowest_sentence(result, names, lang)
    if lowest:
        out.append(lowest)
    out.append(running_sentence(result, lang))
    return out
