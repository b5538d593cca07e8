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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from govdecide.i18n import MONEY, PEOPLE, SHARE, t
from govdecide.io.exports import display_word, fmt_quantity
from govdecide.model.settings import Settings
from govdecide.present.result_tables import with_kinds
from govdecide.store.records import Decision, SavedOption

TIME_FORMAT = "%Y-%m-%d %H:%M UTC"
WEIGHT = "weight"  # a setting written with two decimals (fmt_quantity's kind)


@dataclass(frozen=True)
class Column:
    """One column: its heading key, its kind (None: text) and how a value is read."""

    heading: str
    kind: str | None
    value: Callable[[Any, str, Mapping[str, str]], Any]


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
    for column in columns:
        heading = _heading(column, lang)
        values = [column.value(r, lang, labels) for r in records]
        if column.kind is not None:
            values = [float("nan") if v is None else float(v) for v in values]
            kinds[heading] = column.kind
        data[heading] = values
    return with_kinds(pd.DataFrame(data), kinds)


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
    headings = [t(c.heading, lang) for c in LOG_COLUMNS]
    rows = []
    for d in decisions:
        row = []
        for column in LOG_COLUMNS:
            value = column.value(d, lang, labels)
            if column.kind is not None:
                row.append((fmt_quantity(value, column.kind, lang), True))
            else:
                row.append((str(value), isinstance(value, int)))
        rows.append(row)
    return headings, rows
