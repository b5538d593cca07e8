"""The decision log and the saved options as tables, for CSV, Excel, JSON and the report.

Columns are plain identifiers (``seq``, ``recorded_at``, ``efficiency``...), not
translated headings: whoever shows or exports a table labels it in the reader's language
(the app through ``t()``, the exports through :mod:`govdecide.io.exports`, which also
neutralises formulas in text cells such as notes). Times are ISO 8601 text in UTC, which
every format keeps (Excel refuses datetimes with a time zone). Each setting is its own
column, ``settings.budget``, ``settings.weights`` (JSON text); each headline figure its
own column, named as the figure (one that clashes with a fixed column is prefixed
``figure.``). A plan over years adds its settings as ``plan.years``,
``plan.budget_by_year`` (JSON text), ``plan.discount_rate``, ``plan.growth``...; its
figures (``budget_year_1``, ``budget_total``...) are columns like any figure. A table with
no plan in it has no plan column, and a single-year row leaves them empty.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from govdecide.model.settings import Settings
from govdecide.model.years.settings import PlanSettings
from govdecide.store.records import Decision, SavedOption

DECISION_COLUMNS = (
    "seq", "recorded_at", "scenario_id", "scenario_hash", "status", "solver", "method",
    "govdecide_version", "pulp_version", "highs_version", "note",
)  # fmt: skip
OPTION_COLUMNS = ("id", "name", "saved_at", "scenario_id", "scenario_hash")


def _settings_columns(settings: Settings, plan: PlanSettings | None = None) -> dict[str, Any]:
    """A setting per column, then the plan's (if any); the weights (a mapping) and the
    yearly lists as JSON text."""
    out = {}
    parts = [("settings", settings.to_dict())]
    if plan is not None:
        parts.append(("plan", plan.to_dict()))
    for prefix, data in parts:
        for name, value in data.items():
            is_container = isinstance(value, Mapping | list)
            text = json.dumps(value, sort_keys=True) if is_container else value
            out[f"{prefix}.{name}"] = text
    return out


def _figure_columns(figures: Mapping[str, float | None], fixed: Sequence[str]) -> dict[str, Any]:
    """A figure per column, kept apart from the fixed columns."""
    return {(f"figure.{k}" if k in fixed else k): v for k, v in figures.items()}


def decisions_frame(decisions: Sequence[Decision]) -> pd.DataFrame:
    """One row per log entry, in log order: the fixed columns of :data:`DECISION_COLUMNS`,
    then the figures, then the settings."""
    records = []
    for d in decisions:
        fixed = {
            "seq": d.seq,
            "recorded_at": d.recorded_at.isoformat(),
            "scenario_id": d.scenario_id,
            "scenario_hash": d.scenario_hash,
            "status": d.status,
            "solver": d.solver,
            "method": d.method,
            "govdecide_version": d.versions.get("govdecide", ""),
            "pulp_version": d.versions.get("pulp", ""),
            "highs_version": d.versions.get("highs", ""),
            "note": d.note,
        }
        fixed |= _figure_columns(d.figures, DECISION_COLUMNS)
        records.append(fixed | _settings_columns(d.settings, d.plan))
    return _frame(records, DECISION_COLUMNS)


def options_frame(options: Sequence[SavedOption]) -> pd.DataFrame:
    """One row per saved option: :data:`OPTION_COLUMNS`, then figures, then settings."""
    records = [
        {
            "id": o.id,
            "name": o.name,
            "saved_at": o.saved_at.isoformat(),
            "scenario_id": o.scenario_id,
            "scenario_hash": o.scenario_hash,
        }
        | _figure_columns(o.figures, OPTION_COLUMNS)
        | _settings_columns(o.settings, o.plan)
        for o in options
    ]
    return _frame(records, OPTION_COLUMNS)


def _frame(records: list[dict[str, Any]], fixed: Sequence[str]) -> pd.DataFrame:
    """The rows as a frame: fixed columns, figures, settings, the plan's settings (the
    same with no rows)."""
    seen = dict.fromkeys(fixed)
    for record in records:
        seen.update(dict.fromkeys(record))
    names = list(seen)
    settings = ("settings.", "plan.")
    columns = [c for c in names if not c.startswith(settings)]
    for prefix in settings:
        columns += [c for c in names if c.startswith(prefix)]
    return pd.DataFrame.from_records(records, columns=columns)
