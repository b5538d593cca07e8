"""The tables and sentences of a workshop room, in the reader's language.

Pure builders from the room's frames (:mod:`govdecide.rooms.rounds`) and records: the
combining rules side by side, the spread of opinion, the rounds compared, the room's
submissions for export (anonymised unless a participant gave a name), and the note a
recorded decision carries. Shares are shown as percentages (0-100).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from govdecide.i18n import fmt_num, fmt_pct, t
from govdecide.rooms.combine import PlanParams, participant_params
from govdecide.rooms.params import RoomConfig, Submission
from govdecide.rooms.rounds import EQUITY, FLOOR, WEIGHT_PREFIX, param_values, parameter_ids

EXPORT_FIXED = ("round", "seat", "name", "submitted_at", "changes")


def parameter_label(pid: str, names: Mapping[str, str], lang: str) -> str:
    """A parameter's name: "Weight of Clinics", "Equity weight", "Lowest coverage"."""
    if pid.startswith(WEIGHT_PREFIX):
        program = pid[len(WEIGHT_PREFIX) :]
        return t("room.param.weight", lang, program=names.get(program, program))
    if pid == EQUITY:
        return t("room.param.equity", lang)
    return t("room.param.floor", lang)


def rule_label(rule: str, lang: str) -> str:
    """A combining rule's name."""
    return t(f"room.rule.{rule}", lang)


def combined_table(
    frame: pd.DataFrame, names: Mapping[str, str], lang: str, rules: Sequence[str]
) -> pd.DataFrame:
    """The rules side by side (:func:`govdecide.rooms.combined_frame`): a row per
    parameter, a column per rule, in percent (empty where a rule gives none)."""
    out = pd.DataFrame({t("room.col.parameter", lang): [
        parameter_label(p, names, lang) for p in frame["parameter"]
    ]})  # fmt: skip
    for rule in rules:
        out[rule_label(rule, lang)] = (frame[rule] * 100).round(1)
    return out


def spread_table(summary: pd.DataFrame, names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """The spread of opinion per parameter (:func:`govdecide.rooms.spread_summary`), in
    percent: lowest, quartiles, highest."""
    columns = {
        "min": t("room.col.min", lang),
        "q1": t("room.col.q1", lang),
        "median": t("room.col.median", lang),
        "q3": t("room.col.q3", lang),
        "max": t("room.col.max", lang),
    }
    out = pd.DataFrame({t("room.col.parameter", lang): [
        parameter_label(p, names, lang) for p in summary["parameter"]
    ]})  # fmt: skip
    for key, heading in columns.items():
        out[heading] = (summary[key].astype(float) * 100).round(1).to_numpy()
    return out


def rounds_table(
    comparison: pd.DataFrame, config: RoomConfig, names: Mapping[str, str], lang: str
) -> pd.DataFrame:
    """The rounds compared (:func:`govdecide.rooms.round_comparison`): participants, the
    plan's figures, and per parameter the room's value and the spread (IQR), in percent."""
    out = pd.DataFrame(
        {
            t("room.col.round", lang): comparison["round"].astype(int),
            t("room.col.count", lang): comparison["count"].astype(int),
            t("room.col.efficiency", lang): _percent(comparison["efficiency"]),
            t("room.col.equity", lang): _percent(comparison["equity"]),
            t("room.col.people", lang): comparison["people_newly_served"].astype(float).round(0),
        }
    )
    for pid in parameter_ids(config):
        label = parameter_label(pid, names, lang)
        out[t("room.col.room_value", lang, parameter=label)] = _percent(comparison[f"{pid}:room"])
        out[t("room.col.iqr", lang, parameter=label)] = _percent(comparison[f"{pid}:iqr"])
    return out


def _percent(values: pd.Series) -> pd.Series:
    """Shares as percentages with one decimal (missing stays missing)."""
    return (pd.to_numeric(values, errors="coerce") * 100).round(1)


def submissions_export(
    scenario: Any, config: RoomConfig, records: Sequence[Any], lang: str
) -> pd.DataFrame:
    """A round's submissions for CSV/Excel: plain column names, one row per seat.

    Anonymised: a seat appears by its number only, with its name when the participant
    gave one. Each priority as given, its share of the room's weight, the equity weight and
    the lowest coverage (shares in [0, 1]). The exports neutralise formulas in names.
    """
    rows = []
    for rec in records:
        sub: Submission = rec.submission
        row: dict[str, object] = {
            "round": rec.round,
            "seat": rec.seat,
            "name": rec.name if rec.name is not None else t("room.anonymous", lang),
            "submitted_at": rec.submitted_at.isoformat(),
            "changes": rec.changes,
        }
        row.update({f"priority.{p}": sub.priorities.get(p) for p in config.programs})
        params = participant_params(scenario, config, sub)
        row.update({f"share.{p}": params.weights[p] for p in config.programs})
        if config.equity:
            row[EQUITY] = sub.equity_weight
        if config.floor:
            row[FLOOR] = sub.floor
        rows.append(row)
    columns = list(EXPORT_FIXED)
    columns += [f"priority.{p}" for p in config.programs] + [f"share.{p}" for p in config.programs]
    columns += [c for c in (EQUITY, FLOOR) if c in (rows[0] if rows else {})]
    return pd.DataFrame(rows, columns=columns)


def params_text(config: RoomConfig, params: PlanParams, names: Mapping[str, str], lang: str) -> str:
    """The room's parameters in one line: "Weight of Clinics 30.0% · Equity weight 40.0%"."""
    values = param_values(config, params)
    return " · ".join(
        f"{parameter_label(pid, names, lang)} {fmt_pct(v, lang)}" for pid, v in values.items()
    )


def decision_note(
    *,
    code: str,
    round_number: int,
    rule: str,
    count: int,
    params_line: str,
    note: str,
    lang: str,
) -> str:
    """What the decision log says of a room's decision: room, round, rule, how many took
    part, the parameters, then the facilitator's own note."""
    head = t(
        "room.decision_note",
        lang,
        code=code,
        round=round_number,
        rule=rule_label(rule, lang),
        count=fmt_num(count, lang),
        params=params_line,
    )
    return f"{head}\n{note}".strip() if note.strip() else head
