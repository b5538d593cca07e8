"""What a workspace holds, as a person reads it: the decision log and the saved options.

The columns are said once (:data:`LOG_COLUMNS`, :data:`OPTION_COLUMNS`): each a value taken
from the record, its heading's catalogue key and its kind of quantity. A page gets a
sortable table (:func:`decision_log_table`, :func:`options_table`: shares in percent, the
kinds in ``frame.attrs`` for ``table_formats``), the HTML report gets the same columns as
text written by the rule of each kind (:func:`decision_log_text`). The exports of the log
(CSV, Excel, JSON) use the store's own plain columns instead
(:func:`govdecide.store.decisions_frame`): every setting and figure, not a reader's digest.

Scenario ids are shown by name when the caller knows the name (``labels``); a note is
kept as written (whoever shows it escapes it).

A plan over years is said in words in its own column (:func:`plan_text`: "5-year plan,
budgets 16,000 / 16,000 / 14,000 / 14,000 / 14,000, discount 3%; spent 71,950 of 74,000
over the 5 years; E, z and people in year 5"), which a table of single-year records
leaves out. Its E, z and people columns are its last year's, and its budget and spend
over the years are in those words, never in a single year's budget column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from govdecide.i18n import MONEY, PEOPLE, SHARE, fmt_pct, t
from govdecide.io.exports import display_word, fmt_quantity
from govdecide.model.settings import Settings
from govdecide.model.years.settings import PlanSettings
from govdecide.present.result_tables import with_kinds
from govdecide.store.frames import decisions_frame
from govdecide.store.records import Decision, SavedOption, yearly_budgets

TIME_FORMAT = "%Y-%m-%d %H:%M UTC"
WEIGHT = "weight"  # a setting written with two decimals (fmt_quantity's kind)


@dataclass(frozen=True)
class Column:
    """One column: its heading key, its kind (None: text) and how a value is read."""

    heading: str
    kind: str | None
    value: Callable[[Any, str, Mapping[str, str]], Any]
    optional: bool = False  # left out of a table where every value is empty


def _pct(share: float, lang: str) -> str:
    """A rate in percent without a needless decimal: 3%, 2.5%."""
    text = fmt_pct(share, lang)
    return text[:-3] + "%" if text.endswith(".0%") else text


def _budget_list(
    settings: Settings, plan: PlanSettings, figures: Mapping[str, float | None], years: int
) -> list[float]:
    """Each year's budget: as the plan used it (its figures), else as set (a list, or
    one budget and its growth); empty when the scenario's own budgets were used and the
    record does not say them."""
    kept = yearly_budgets(figures)
    if kept:
        return kept
    if plan.budget_by_year is not None:
        return [float(b) for b in plan.budget_by_year]
    if settings.budget is None or not years:
        return []
    growth = plan.budget_growth or 0.0
    return [float(settings.budget) * (1 + growth) ** k for k in range(years)]


def plan_settings_text(
    settings: Settings,
    plan: PlanSettings | None,
    figures: Mapping[str, float | None],
    lang: str,
) -> str:
    """A plan's settings in words ("5-year plan, budgets 16,000 / ... / 14,000, discount
    3%"), with the illustrative assumptions it made; "" for a single year."""
    if plan is None:
        return ""
    years = plan.years or int(figures.get("years") or 0)
    budgets = _budget_list(settings, plan, figures, years)
    money = [fmt_quantity(b, MONEY, lang) for b in budgets]
    if not money:
        parts = [t("plan_saving.budgets_scenario", lang)]
    elif len(set(money)) == 1:
        parts = [t("plan_saving.budget_each", lang, amount=money[0])]
    else:
        parts = [t("plan_saving.budgets", lang, amounts=" / ".join(money))]
    if plan.discount_rate is not None:
        parts.append(t("plan_saving.discount", lang, rate=_pct(plan.discount_rate, lang)))
    if not plan.growth:
        parts.append(t("plan_saving.no_growth", lang))
    if plan.running_share is not None:
        parts.append(t("plan_saving.assumed_running", lang, share=_pct(plan.running_share, lang)))
    if plan.need_growth is not None:
        parts.append(t("plan_saving.assumed_growth", lang, rate=_pct(plan.need_growth, lang)))
    head = t("plan_saving.years", lang, years=years) if years else t("plan_saving.plan", lang)
    return t("plan_saving.sep", lang).join([head, *parts])


def plan_figures_text(figures: Mapping[str, float | None], lang: str) -> str:
    """What a plan's figures are, in words: its spend of its budget over all its years,
    and that its E, z and people are its last year's."""
    years = int(figures.get("years") or 0)
    return t(
        "plan_saving.figures",
        lang,
        years=years,
        spent=fmt_quantity(figures.get("spend_total"), MONEY, lang),
        budget=fmt_quantity(figures.get("budget_total"), MONEY, lang),
    )


def plan_text(record: Decision | SavedOption, lang: str) -> str:
    """A record's plan in words, settings then figures; "" for a single year."""
    if record.plan is None:
        return ""
    settings = plan_settings_text(record.settings, record.plan, record.figures, lang)
    return t("plan_saving.then", lang, settings=settings,
             figures=plan_figures_text(record.figures, lang))  # fmt: skip


def _when(record: Decision | SavedOption) -> str:
    """The record's time in UTC, to the minute."""
    moment = record.recorded_at if isinstance(record, Decision) else record.saved_at
    return moment.strftime(TIME_FORMAT)


def _equity_weight(settings: Settings, lang: str) -> str:
    """The equity weight set, or that the scenario's own was used."""
    if settings.equity_weight is None:
        return t("ws.col.as_scenario", lang)
    return fmt_quantity(settings.equity_weight, WEIGHT, lang)


def _solved_with(d: Decision, lang: str) -> str:
    """Solver, method and the versions, in one cell."""
    return t(
        "ws.col.solved_with_value",
        lang,
        solver=display_word("solver", d.solver, lang),
        method=display_word("method", d.method, lang),
        version=d.versions.get("govdecide", "?"),
    )


def _figure(name: str) -> Callable[[Any, str, Mapping[str, str]], Any]:
    """A headline figure of the record (None where it was absent)."""
    return lambda record, lang, labels: record.figures.get(name)


def _scenario(d: Decision, lang: str, labels: Mapping[str, str]) -> str:
    """The scenario by name when known, else by its id."""
    return labels.get(d.scenario_id, d.scenario_id)


LOG_COLUMNS: tuple[Column, ...] = (
    Column("ws.col.seq", None, lambda d, lang, labels: d.seq),
    Column("ws.col.recorded_at", None, lambda d, lang, labels: _when(d)),
    Column("ws.col.scenario", None, _scenario),
    Column("ws.col.status", None, lambda d, lang, labels: display_word("status", d.status, lang)),
    Column("plan_saving.col.plan", None, lambda d, lang, labels: plan_text(d, lang), optional=True),
    Column("ws.col.people", PEOPLE, _figure("people_newly_served")),
    Column("ws.col.efficiency", SHARE, _figure("efficiency")),
    Column("ws.col.equity", SHARE, _figure("equity")),
    Column("ws.col.spent", MONEY, _figure("budget_used")),
    Column("ws.col.budget", MONEY, _figure("budget")),
    Column("ws.col.equity_weight", None, lambda d, lang, labels: _equity_weight(d.settings, lang)),
    Column("ws.col.solved_with", None, lambda d, lang, labels: _solved_with(d, lang)),
    Column("ws.col.note", None, lambda d, lang, labels: d.note),
)

OPTION_COLUMNS: tuple[Column, ...] = (
    Column("ws.col.option", None, lambda o, lang, labels: o.name),
    Column("plan_saving.col.plan", None, lambda o, lang, labels: plan_text(o, lang), optional=True),
    Column("ws.col.budget", MONEY, _figure("budget")),
    Column("ws.col.equity_weight", None, lambda o, lang, labels: _equity_weight(o.settings, lang)),
    Column("ws.col.efficiency", SHARE, _figure("efficiency")),
    Column("ws.col.equity", SHARE, _figure("equity")),
    Column("ws.col.spent", MONEY, _figure("budget_used")),
    Column("ws.col.people", PEOPLE, _figure("people_newly_served")),
    Column("ws.col.saved_at", None, lambda o, lang, labels: _when(o)),
)


def _heading(column: Column, lang: str) -> str:
    """A column's heading; a share column says that it is in percent."""
    heading = t(column.heading, lang)
    return t("ws.col.percent", lang, heading=heading) if column.kind == SHARE else heading


def _table(
    columns: Sequence[Column], records: Sequence[Any], lang: str, labels: Mapping[str, str]
) -> pd.DataFrame:
    """A sortable table of ``records``: figures rounded by kind, shares in percent."""
    data: dict[str, list[Any]] = {}
    kinds: dict[str, str] = {}
    for column in _shown(columns, records, lang, labels):
        heading = _heading(column, lang)
        values = [column.value(r, lang, labels) for r in records]
        if column.kind is not None:
            values = [float("nan") if v is None else float(v) for v in values]
            kinds[heading] = column.kind
        data[heading] = values
    return with_kinds(pd.DataFrame(data), kinds)


def _shown(
    columns: Sequence[Column], records: Sequence[Any], lang: str, labels: Mapping[str, str]
) -> list[Column]:
    """The columns a table of ``records`` shows: an optional one only when it says
    something of some record (a log of single years has no plan column)."""
    return [
        c for c in columns
        if not c.optional or any(c.value(r, lang, labels) for r in records)
    ]  # fmt: skip


def decision_log_table(
    decisions: Sequence[Decision], lang: str, labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The decision log, one row per entry in log order (:data:`LOG_COLUMNS`)."""
    return _table(LOG_COLUMNS, decisions, lang, labels or {})


def options_table(
    options: Sequence[SavedOption], lang: str, labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The saved options with the figures they were saved with (:data:`OPTION_COLUMNS`)."""
    return _table(OPTION_COLUMNS, options, lang, labels or {})


def decision_log_text(
    decisions: Sequence[Decision], lang: str, labels: Mapping[str, str] | None = None
) -> tuple[list[str], list[list[tuple[str, bool]]]]:
    """The log as headings and rows of (text, is a number) cells, figures written by
    the rule of their kind: what the HTML report shows (it escapes each cell)."""
    labels = labels or {}
    columns = _shown(LOG_COLUMNS, decisions, lang, labels)
    headings = [t(c.heading, lang) for c in columns]
    rows = []
    for d in decisions:
        row = []
        for column in columns:
            value = column.value(d, lang, labels)
            if column.kind is not None:
                row.append((fmt_quantity(value, column.kind, lang), True))
            else:
                row.append((str(value), isinstance(value, int)))
        rows.append(row)
    return headings, rows


def with_plan_words(
    frame: pd.DataFrame, records: Sequence[Decision | SavedOption], lang: str, after: str
) -> pd.DataFrame:
    """A store's plain table (one row per record, in order) with a ``plan`` column after
    ``after`` saying each plan's settings and figures in words in ``lang``, when some
    record is a plan; else as it is."""
    words = [plan_text(r, lang) for r in records]
    if not any(words):
        return frame
    out = frame.copy()
    out.insert(out.columns.get_loc(after) + 1, "plan", words)
    return out


def decision_log_file_frame(decisions: Sequence[Decision], lang: str) -> pd.DataFrame:
    """The log as its CSV and Excel files hold it: the store's plain columns
    (:func:`govdecide.store.decisions_frame`) with the plans in words
    (:func:`with_plan_words`)."""
    return with_plan_words(decisions_frame(decisions), decisions, lang, after="status")
