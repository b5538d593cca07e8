"""What a round of a room says: its submissions as a table, the spread of opinion, and how
a second round moved from the first.

Frames here use plain identifiers (``participant``, ``parameter``, ``value``) and the
parameters' ids (``w.<program>``, ``equity_weight``, ``floor``); the presentation labels
them in the reader's language (:mod:`govdecide.present.room_tables`,
:mod:`govdecide.present.room_charts`). Weights are the participants' shares (see
:mod:`govdecide.rooms.combine`), so the spread of a weight reads "how much of the
room's weight this program gets".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from govdecide.io.scenario import Scenario
from govdecide.model.result import Result
from govdecide.rooms.combine import Combined, PlanParams, participant_params
from govdecide.rooms.params import RoomConfig, Submission

SPREAD_COLUMNS = ("participant", "parameter", "value")
EQUITY = "equity_weight"
FLOOR = "floor"
WEIGHT_PREFIX = "w."
SUMMARY_COLUMNS = ("count", "min", "q1", "median", "q3", "max", "iqr")


def parameter_ids(config: RoomConfig) -> list[str]:
    """The ids of the parameters a room sets, in the order they are shown."""
    out = [WEIGHT_PREFIX + p for p in config.programs]
    if config.equity:
        out.append(EQUITY)
    if config.floor:
        out.append(FLOOR)
    return out


def param_values(config: RoomConfig, params: PlanParams) -> dict[str, float]:
    """A plan's parameters by id (only those the room sets)."""
    out = {WEIGHT_PREFIX + p: float(params.weights[p]) for p in config.programs}
    if config.equity:
        out[EQUITY] = float(params.equity_weight)
    if config.floor:
        out[FLOOR] = float(params.floor or 0.0)
    return out


def spread_frame(
    scenario: Scenario,
    config: RoomConfig,
    submissions: Sequence[Submission],
    participants: Sequence[int] | None = None,
) -> pd.DataFrame:
    """One row per participant and parameter: the value they chose (weights as shares).

    ``participants`` numbers the rows (default 1, 2, 3... in the order given).
    """
    numbers = (
        list(participants) if participants is not None else list(range(1, len(submissions) + 1))
    )
    rows = []
    for number, sub in zip(numbers, submissions, strict=True):
        values = param_values(config, participant_params(scenario, config, sub))
        rows.extend((number, pid, value) for pid, value in values.items())
    return pd.DataFrame(rows, columns=list(SPREAD_COLUMNS))


def spread_summary(spread: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: count, lowest, quartiles, highest and the interquartile range."""
    if spread.empty:
        return pd.DataFrame(
            columns=["parameter", "count", "min", "q1", "median", "q3", "max", "iqr"]
        )
    grouped = spread.groupby("parameter", sort=False)["value"]
    out = pd.DataFrame(
        {
            "count": grouped.count(),
            "min": grouped.min(),
            "q1": grouped.quantile(0.25),
            "median": grouped.median(),
            "q3": grouped.quantile(0.75),
            "max": grouped.max(),
        }
    )
    out["iqr"] = out["q3"] - out["q1"]
    return out.reset_index()


def combined_frame(config: RoomConfig, combined: dict[str, Combined]) -> pd.DataFrame:
    """Every rule's room parameters side by side: one row per parameter, a column per
    rule (NaN where a rule gives no parameters)."""
    ids = parameter_ids(config)
    columns = {}
    for rule, result in combined.items():
        values = param_values(config, result.params) if result.params is not None else {}
        columns[rule] = [values.get(pid, float("nan")) for pid in ids]
    return pd.DataFrame(columns, index=pd.Index(ids, name="parameter")).reset_index()


@dataclass(frozen=True)
class RoundSummary:
    """One round as the comparison shows it: how many took part, the room's parameters
    under the rule used, its plan's figures, and the spread of opinion."""

    number: int
    count: int
    params: PlanParams | None
    plan: Result | None
    spread: pd.DataFrame


def round_comparison(config: RoomConfig, rounds: Sequence[RoundSummary]) -> pd.DataFrame:
    """One row per round: participants, the plan's E, z and people newly served, and per
    parameter the room's value and the interquartile range of opinion."""
    ids = parameter_ids(config)
    rows = []
    for r in rounds:
        row: dict[str, object] = {"round": r.number, "count": r.count}
        plan = r.plan if r.plan is not None and r.plan.has_solution else None
        row["efficiency"] = None if plan is None else plan.efficiency
        row["equity"] = None if plan is None else plan.equity
        row["people_newly_served"] = None if plan is None else plan.people_newly_served
        values = param_values(config, r.params) if r.params is not None else {}
        summary = spread_summary(r.spread).set_index("parameter") if not r.spread.empty else None
        for pid in ids:
            row[f"{pid}:room"] = values.get(pid)
            iqr = None if summary is None or pid not in summary.index else summary.at[pid, "iqr"]
            row[f"{pid}:iqr"] = None if iqr is None else float(iqr)
        rows.append(row)
    return pd.DataFrame(rows)


def plan_change(first: Result | None, second: Result | None) -> pd.DataFrame:
    """New units per district and program in two plans, and the change (second - first)."""
    if first is None or second is None or not (first.has_solution and second.has_solution):
        return pd.DataFrame(columns=["district", "program", "first", "second", "change"])
    a = first.allocation.set_index(["district", "program"])["new_units"]
    b = second.allocation.set_index(["district", "program"])["new_units"]
    frame = pd.DataFrame({"first": a, "second": b}).fillna(0.0)
    frame["change"] = frame["second"] - frame["first"]
    return frame.reset_index()
