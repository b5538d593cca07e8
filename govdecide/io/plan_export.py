"""A plan over several years as files: its workbook (a sheet per view), its allocation by
year as a table, and its charts drawn for the report.

The same rules as :mod:`govdecide.io.exports`, by the same functions: every text cell and
header is neutralised (:func:`~govdecide.io.exports.excel_bytes`), so a district named
``=HYPERLINK(...)`` stays text; headers and sheet names are in the reader's language; the
figures of the tables stay numbers, rounded by their kind (``present.plan_tables``) and
shown in Excel by that kind's number format, while the settings and summary sheet writes
each value by its kind's rule (:func:`govdecide.i18n.fmt_quantity`), as the report does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from govdecide.i18n import MONEY, SHARE, UNITS, fmt_quantity, localize, t
from govdecide.io.exports import display_word, draw_chart_files, excel_bytes
from govdecide.io.scenario import Scenario, display_names
from govdecide.model.years import PlanResult, PlanSettings
from govdecide.model.years.diagnosis import plan_diagnosis_text
from govdecide.present import plan_tables
from govdecide.present.plan_summary import plan_summary
from govdecide.present.result_tables import with_kinds

if TYPE_CHECKING:  # hints only: the command line imports this module without Altair
    import altair as alt

PLAN_CHART_TITLES = {
    "commissioned": "plan.chart.commissioned",
    "budget": "plan.chart.budget",
    "scores": "plan.chart.scores",
    "coverage": "plan.chart.coverage",
}
ALLOCATION_FIGURES = {  # column of PlanResult.allocation -> its kind
    "new_units": UNITS, "units_in_service": UNITS, "served": "people", "need": "people",
    "coverage": SHARE, "capital": MONEY, "running": MONEY, "staff": UNITS,
}  # fmt: skip


def _currency(scenario: Scenario, lang: str) -> str:
    """The scenario's currency in ``lang`` ('' when it names none)."""
    return localize(scenario.currency, lang) if scenario.currency else ""


def plan_settings_lines(
    result: PlanResult, plan: PlanSettings | None, scenario: Scenario, lang: str
) -> list[tuple[str, str]]:
    """The plan's settings in words, as (item, value) pairs: years, each year's budget and
    staff, budget growth, discount rate, need growth and the two illustrative assumptions
    (marked as such). Shared by the report's section and the workbook's first sheet."""
    plan = plan or PlanSettings()
    y = result.year_figures

    def series(column: str, kind: str) -> str:
        values = [v for v in y[column].tolist() if v is not None and v == v]
        return t("plan.exp.sep", lang).join(fmt_quantity(v, kind, lang) for v in values)

    rows = [(t("plan.exp.years", lang), fmt_quantity(result.years, "count", lang))]
    if not y.empty:
        rows.append((t("plan.exp.budgets", lang), series("budget", MONEY)))
        staff = series("staff_limit", UNITS)
        rows.append((t("plan.exp.staff", lang), staff or t("plan.exp.no_staff_limit", lang)))
    if plan.budget_growth:
        rows.append(
            (t("plan.exp.budget_growth", lang), fmt_quantity(plan.budget_growth, SHARE, lang))
        )
    rate = plan.discount_rate if plan.discount_rate is not None else scenario.policy.discount_rate
    rows.append((t("plan.exp.discount", lang), fmt_quantity(rate, SHARE, lang)))
    grows = "plan.exp.growth_on" if plan.growth else "plan.exp.growth_off"
    rows.append((t("plan.exp.growth", lang), t(grows, lang)))
    if plan.running_share:
        value = fmt_quantity(plan.running_share, SHARE, lang)
        rows.append((t("plan.exp.running_share", lang), t("plan.exp.assumed", lang, value=value)))
    if plan.need_growth:
        value = fmt_quantity(plan.need_growth, SHARE, lang)
        rows.append((t("plan.exp.need_growth", lang), t("plan.exp.assumed", lang, value=value)))
    rows.append(
        (t("plan.exp.equity_weight", lang), fmt_quantity(result.equity_weight, "weight", lang))
    )
    return rows


def plan_figure_lines(result: PlanResult, lang: str) -> list[tuple[str, str]]:
    """The plan's status, method, objective, bound and gap as (item, value) pairs."""
    rows = [
        (t("io.fig.status", lang), result.status_text(lang)),
        (
            t("io.fig.method", lang),
            f"{display_word('method', result.method, lang)} / "
            f"{display_word('solver', result.final.solver, lang)}",
        ),
    ]
    if result.objective is not None:
        rows.append((t("plan.exp.objective", lang), fmt_quantity(result.objective, "score", lang)))
    if result.bound is not None:
        rows.append((t("plan.exp.bound", lang), fmt_quantity(result.bound, "score", lang)))
    if result.gap is not None:
        rows.append((t("plan.exp.gap", lang), fmt_quantity(result.gap, "gap", lang)))
    return rows


def summary_sheet(
    result: PlanResult, plan: PlanSettings | None, scenario: Scenario, lang: str
) -> pd.DataFrame:
    """The workbook's first sheet: scenario, status and figures, the plan's settings in
    words, then the plan's sentences (or the ways out of an infeasible plan)."""
    names = display_names(scenario, lang)
    rows = [(t("io.fig.scenario", lang), localize(scenario.name, lang))]
    rows += plan_figure_lines(result, lang)
    rows += plan_settings_lines(result, plan, scenario, lang)
    sentences = plan_summary(result, names, lang)
    if result.diagnosis is not None:
        sentences = [plan_diagnosis_text(result.diagnosis, lang, names)]
    rows += [(t("plan.exp.summary", lang), s) for s in sentences if s]
    return pd.DataFrame(
        {
            t("io.col.item", lang): [r[0] for r in rows],
            t("io.col.value", lang): [r[1] for r in rows],
        }
    )


def budget_split_table(result: PlanResult, lang: str) -> pd.DataFrame:
    """Each year's budget split into new building, running costs and unspent, with the
    share of the year's budget (percent): the table of the budget chart."""
    frame = plan_tables.budget_frame(result, lang)
    col = {k: t(f"plan.exp.col.{k}", lang) for k in ("part", "amount", "share")}
    table = pd.DataFrame(
        {
            t("plan.col.year", lang): frame["year"].astype(int),
            col["part"]: frame["part_name"],
            col["amount"]: frame["amount"],
            col["share"]: frame["share"],
        }
    )
    return with_kinds(table, {col["amount"]: MONEY, col["share"]: SHARE})


def plan_allocation_sheet(result: PlanResult, scenario: Scenario, lang: str) -> pd.DataFrame:
    """The allocation by year, one row per (year, district, program): ids and names, then
    every figure (coverage in percent), under headings in ``lang`` (the page's CSV)."""
    names = display_names(scenario, lang)
    a = result.allocation
    frame = pd.DataFrame({t("plan.col.year", lang): a["year"].astype(int).to_numpy()})
    for col in ("district", "program"):
        frame[t(f"io.col.{col}_id", lang)] = a[col].astype(str).to_numpy()
        frame[t(f"io.col.{col}", lang)] = a[col].map(lambda x: names.get(x, x)).to_numpy()
    kinds = {}
    for col, kind in ALLOCATION_FIGURES.items():
        heading = t(f"plan.exp.col.{col}", lang)
        frame[heading] = a[col].to_numpy(dtype=float)
        kinds[heading] = kind
    return with_kinds(frame, kinds)


def plan_sheets(
    result: PlanResult, scenario: Scenario, plan: PlanSettings | None = None, lang: str = "en"
) -> dict[str, pd.DataFrame]:
    """A sheet per view of the plan, by its name in ``lang`` (only the first when there is
    no plan to show)."""
    sheets = {t("plan.exp.sheet.summary", lang): summary_sheet(result, plan, scenario, lang)}
    if not result.has_solution:
        return sheets
    names = display_names(scenario, lang)
    return sheets | {
        t("plan.exp.sheet.years", lang): plan_tables.year_table(result, lang),
        t("plan.exp.sheet.built", lang): plan_tables.commissioning_table(result, names, lang),
        t("plan.exp.sheet.coverage", lang): plan_tables.district_year_table(result, names, lang),
        t("plan.exp.sheet.budget", lang): budget_split_table(result, lang),
        t("plan.exp.sheet.allocation", lang): plan_allocation_sheet(result, scenario, lang),
    }


def plan_workbook(
    result: PlanResult, scenario: Scenario, plan: PlanSettings | None = None, lang: str = "en"
) -> bytes:
    """The plan as one .xlsx workbook (:func:`plan_sheets`), text cells neutralised."""
    return excel_bytes(plan_sheets(result, scenario, plan, lang))


def plan_charts(result: PlanResult, scenario: Scenario, lang: str = "en") -> dict[str, alt.Chart]:
    """The plan's four charts (``present.plan_charts``, as on the page), by name."""
    from govdecide.present import plan_charts as charts

    if not result.has_solution:
        return {}
    names = display_names(scenario, lang)
    return {
        "commissioned": charts.commissioned_chart(
            plan_tables.commissioned_frame(result, names), lang
        ),
        "budget": charts.budget_use_chart(
            plan_tables.budget_frame(result, lang), lang, _currency(scenario, lang)
        ),
        "scores": charts.scores_chart(plan_tables.scores_frame(result, lang), lang),
        "coverage": charts.coverage_heatmap(plan_tables.coverage_frame(result, names), lang),
    }


def plan_chart_files(
    result: PlanResult,
    scenario: Scenario,
    lang: str = "en",
    kinds: tuple[str, ...] = ("svg",),
) -> tuple[dict[str, bytes], list[str]]:
    """Each of the plan's charts as ``<name>.<kind>``, and a sentence for each that could
    not be drawn (:func:`govdecide.io.exports.draw_chart_files`)."""
    return draw_chart_files(
        lambda: plan_charts(result, scenario, lang), PLAN_CHART_TITLES, lang, kinds
    )


def plan_chart_svgs(
    result: PlanResult, scenario: Scenario, lang: str = "en"
) -> tuple[dict[str, str], list[str]]:
    """The plan's charts as SVG text by name, and what could not be drawn (the report)."""
    files, problems = plan_chart_files(result, scenario, lang, ("svg",))
    return {k.removesuffix(".svg"): v.decode("utf-8") for k, v in files.items()}, problems
