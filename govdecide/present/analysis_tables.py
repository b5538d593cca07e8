"""Tables and lines of the analyses (frontier, budget curve, robustness, compare).

Each function turns an analysis object of :mod:`govdecide.analyses` into a ``DataFrame``
(or a line of text) under readable headings in the reader's language, districts and
programs by name. Shares stay shares (0-1); the pages format them as percent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from govdecide import analyses as an
from govdecide.analyses import equity_indices
from govdecide.i18n import INDEX, MONEY, PEOPLE, SHARE, UNITS, fmt_money, fmt_num, fmt_pct, t
from govdecide.model.result import Result
from govdecide.present.analysis_charts import marginal_points
from govdecide.present.result_tables import with_kinds


def settings_line(budget: float, equity_weight: float, lang: str) -> str:
    """Which settings an analysis ran at (the Allocate page's budget and equity weight)."""
    return t(
        "an.page.settings_line",
        lang,
        budget=fmt_money(budget, lang),
        lam=fmt_num(equity_weight, lang, 2),
    )


def frontier_option(fr: an.Frontier, i: int, lang: str) -> str:
    """Point ``i`` of the frontier for a chooser: its number (from 1), z and E, marked
    when it stopped at the time limit (not proven best)."""
    point = fr.points[i]
    label = t(
        "an.trade.option",
        lang,
        n=i + 1,
        z=fmt_pct(point.equity, lang),
        e=fmt_pct(point.efficiency, lang, 2),
    )
    return label + ("" if an.proven(point.status) else t("an.chart.unproven_mark", lang))


def rule_result_line(result: Result, lang: str) -> str:
    """A solve under an equity rule in one line: need served, worst-served, spend."""
    return t(
        "an.rule.result",
        lang,
        e=fmt_pct(result.efficiency, lang, 2),
        z=fmt_pct(result.equity, lang),
        spend=fmt_money(result.budget_used, lang),
    )


def robustness_summary(rob: an.Robustness, lang: str) -> str:
    """How many runs found an allocation, and the range of E and z over them."""
    return t(
        "an.robust.summary",
        lang,
        solved=rob.solved,
        runs=rob.runs,
        e_lo=fmt_pct(rob.efficiency[0], lang, 2),
        e_hi=fmt_pct(rob.efficiency[1], lang, 2),
        z_lo=fmt_pct(rob.equity[0], lang),
        z_hi=fmt_pct(rob.equity[1], lang),
    )


def equity_indicator_table(districts: Mapping[str, pd.DataFrame], lang: str) -> pd.DataFrame | None:
    """How evenly coverage is spread (population-weighted), one column per labelled
    ``districts`` frame (as ``Result.districts``): each indicator's name, its value before
    (from the first frame), after under each label, and a line on what it means.

    None when a frame has no district with need (an options file saved without them).
    """
    tables = [
        equity_indices.indicators_table(frame).set_index("indicator")
        for frame in districts.values()
    ]
    if not tables or any(tab.empty for tab in tables):
        return None
    first = tables[0]
    out = pd.DataFrame(
        {
            t("an.trade.ind_name", lang): [
                equity_indices.indicator_name(n, lang) for n in first.index
            ],
            t("an.trade.ind_before", lang): first["before"].to_numpy(),
        }
    )
    for label, table in zip(districts, tables):
        out[label] = table["after"].reindex(first.index).to_numpy()
    out[t("an.trade.ind_meaning", lang)] = [equity_indices.explain(n, lang) for n in first.index]
    figures = [t("an.trade.ind_before", lang), *districts]
    return with_kinds(out, dict.fromkeys(figures, INDEX))


def budget_curve_table(curve: an.BudgetCurve, lang: str) -> pd.DataFrame:
    """The curve's figures: budget, spend, E, z, people served, the marginal value at each
    budget (the engine's, per 1% of the current budget), the step average, and each
    point's status (empty when proven best)."""
    frame = curve.frame()
    chunk = fmt_money(curve.base_budget * 0.01, lang)
    table = pd.DataFrame(
        {
            t("an.col.budget", lang): frame["budget"],
            t("an.col.spend", lang): frame["spend"],
            t("an.col.efficiency", lang): frame["efficiency"],
            t("an.col.equity", lang): frame["equity"],
            t("an.col.people", lang): frame["people_served"],
            t("an.chart.marginal_axis", lang, chunk=chunk): marginal_points(
                frame, curve.base_budget
            ),
            t("an.chart.step_people", lang): frame["step_people"],
            t("an.col.status", lang): [an.status_words(p.result, lang) for p in curve.points],
        }
    )
    money = (t("an.col.budget", lang), t("an.col.spend", lang))
    return with_kinds(table, dict.fromkeys(money, MONEY) | {t("an.col.people", lang): PEOPLE})


def robustness_district_table(
    rob: an.Robustness, names: Mapping[str, str], lang: str
) -> pd.DataFrame:
    """Per district: the share of runs in which every program stayed within 1 unit of the
    base, the base coverage, and the range of coverage over the runs ('40.0% – 55.0%')."""
    d = rob.districts
    return pd.DataFrame(
        {
            t("an.page.district", lang): [names.get(x, x) for x in d["district"]],
            t("an.robust.within_all", lang): d["within_one"].to_numpy(),
            t("an.page.coverage_after", lang): d["coverage_base"].to_numpy(),
            t("an.robust.cov_range", lang): [
                f"{fmt_pct(lo, lang)} – {fmt_pct(hi, lang)}"
                for lo, hi in zip(d["coverage_min"], d["coverage_max"])
            ],
        }
    )


def robustness_pair_table(rob: an.Robustness, names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Per district and program: base units, fewest and most over the runs, and the share
    of runs within 1 unit of the base."""
    p = rob.pairs
    units = {
        t("an.col.base_units", lang): p["base_units"],
        t("an.chart.min", lang): p["min_units"],
        t("an.chart.max", lang): p["max_units"],
    }
    table = pd.DataFrame(
        {
            t("an.page.district", lang): [names.get(x, x) for x in p["district"]],
            t("an.page.program", lang): [names.get(x, x) for x in p["program"]],
            **{k: v.to_numpy(dtype=float) for k, v in units.items()},
            t("an.col.within_one", lang): p["within_one"].to_numpy(),
        }
    )
    return with_kinds(table, dict.fromkeys(units, UNITS))


def snapshot_headline(s: an.Snapshot, lang: str) -> str:
    """One line on a saved option: need served, worst-served district, spend."""
    if s.efficiency is None:
        return t("an.cmp.no_solution", lang, name=s.name, status=s.status)
    return t(
        "an.cmp.headline",
        lang,
        name=s.name,
        e=fmt_pct(s.efficiency, lang, 2),
        z=fmt_pct(s.equity, lang),
        spend=fmt_money(s.spend, lang),
    )


def saved_options_table(snaps: Sequence[an.Snapshot], lang: str) -> pd.DataFrame:
    """The saved options: name, budget, equity weight, E, z and spend."""
    table = pd.DataFrame(
        {
            t("an.cmp.col_name", lang): [s.name for s in snaps],
            t("an.cmp.col_budget", lang): [s.budget for s in snaps],
            t("an.cmp.col_lam", lang): [s.settings.get("equity_weight") for s in snaps],
            t("an.col.efficiency", lang): [s.efficiency for s in snaps],
            t("an.col.equity", lang): [s.equity for s in snaps],
            t("an.col.spend", lang): [s.spend for s in snaps],
        }
    )
    money = (t("an.cmp.col_budget", lang), t("an.col.spend", lang))
    return with_kinds(table, dict.fromkeys(money, MONEY))


def comparison_table(frame: pd.DataFrame, names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """:func:`govdecide.analyses.compare`'s frame side by side, districts by name: spend of
    A, of B and B − A (money), coverage after of A and B in percent and its change in
    points. Units are left out: a district's units of different programs do not add up
    (:func:`comparison_units_table` has them per program)."""
    spend = {t("an.cmp.spend", lang, x=x): frame[f"spend_{s}"] for s, x in _sides(lang)}
    cover = {
        t("an.cmp.coverage_pct", lang, x=x): frame[f"coverage_{s}"] for s, x in _sides(lang)[:2]
    }
    change = {t("an.cmp.coverage_change", lang): frame["coverage_diff"]}
    out = pd.DataFrame(
        {
            t("an.page.district", lang): [names.get(d, d) for d in frame["district"]],
            **{k: v.to_numpy(dtype=float) for k, v in (spend | cover | change).items()},
        }
    )
    kinds = {k: MONEY for k in spend} | {k: SHARE for k in (cover | change)}
    return with_kinds(out, kinds)


def _sides(lang: str) -> list[tuple[str, str]]:
    """The compare frame's column suffixes and their labels: A, B, B − A."""
    return [("a", "A"), ("b", "B"), ("diff", t("an.cmp.diff", lang))]


def comparison_units_table(
    a: an.Snapshot, b: an.Snapshot, names: Mapping[str, str], lang: str
) -> pd.DataFrame | None:
    """New units of options A and B and B − A, one row per district and program (units of
    different programs are never added); None when an option was saved without its
    allocation."""
    if a.allocation.empty or b.allocation.empty:
        return None
    keys = ["district", "program"]
    left, right = (s.allocation.set_index(keys)["new_units"] for s in (a, b))
    both = pd.concat({"a": left, "b": right}, axis=1).fillna(0.0)
    both = both[(both["a"] != 0) | (both["b"] != 0)].reset_index()
    units = {t("an.cmp.units_of", lang, x=x): s for s, x in _sides(lang)}
    both["diff"] = both["b"] - both["a"]
    out = pd.DataFrame(
        {
            t("an.page.district", lang): [names.get(d, d) for d in both["district"]],
            t("an.page.program", lang): [names.get(p, p) for p in both["program"]],
            **{label: both[side].to_numpy(dtype=float) for label, side in units.items()},
        }
    )
    return with_kinds(out, dict.fromkeys(units, UNITS))


def comparison_indicator_table(a: an.Snapshot, b: an.Snapshot, lang: str) -> pd.DataFrame | None:
    """:func:`equity_indicator_table` of options A and B (B marked when both have one
    name), or None for an options file saved without districts."""
    b_label = b.name if b.name != a.name else f"{b.name} (B)"
    return equity_indicator_table({a.name: a.districts, b_label: b.districts}, lang)
