"""Between database rows and the plain records the store hands out (both ways).

One place for the mapping, used by the workspace's own saves and lists and by the import
of a backup, so that a field added to a record is added once. A row read back may be an
ORM object or a plain row of the same table's columns (what the lists select).

A plan over years keeps its settings inside the row's settings column (under ``plan``,
:func:`~govdecide.store.records.settings_json`): no new column, so a row written before
plans existed reads back with ``plan=None``.
"""

from __future__ import annotations

from sqlalchemy import Row

from govdecide.model.settings import Settings
from govdecide.store.records import (
    Decision,
    SavedOption,
    ScenarioInfo,
    StoredScenario,
    plan_of,
    settings_json,
)
from govdecide.store.schema import DecisionRow, OptionRow, ScenarioRow


def scenario_info(row: ScenarioRow) -> ScenarioInfo:
    """A stored scenario without its text (the row's text may not have been loaded)."""
    return ScenarioInfo(
        id=row.public_id,
        sha256=row.sha256,
        name=row.name,
        label=row.label,
        origin=row.origin,
        size_bytes=row.size_bytes,
        created_at=row.created_at,
    )


def stored_scenario(row: ScenarioRow) -> StoredScenario:
    """A stored scenario with its YAML text."""
    info = scenario_info(row)
    return StoredScenario(**{k: getattr(info, k) for k in info.__dataclass_fields__}, yaml=row.yaml)


def scenario_row(workspace_id: int, record: StoredScenario) -> ScenarioRow:
    """The row that keeps ``record`` in a workspace."""
    return ScenarioRow(
        workspace_id=workspace_id,
        public_id=record.id,
        sha256=record.sha256,
        name=record.name,
        label=record.label,
        origin=record.origin,
        size_bytes=record.size_bytes,
        yaml=record.yaml,
        created_at=record.created_at,
    )


def option_record(row: OptionRow | Row) -> SavedOption:
    """A saved option, its settings back in their one plain-data form."""
    return SavedOption(
        id=row.id,
        name=row.name,
        scenario_id=row.scenario_id,
        scenario_hash=row.scenario_hash,
        settings=Settings.from_dict(row.settings),
        figures=dict(row.figures),
        saved_at=row.saved_at,
        plan=plan_of(row.settings),
    )


def option_row(workspace_id: int, record: SavedOption) -> OptionRow:
    """The row that keeps ``record`` (its database id is given by the database)."""
    return OptionRow(
        workspace_id=workspace_id,
        name=record.name,
        scenario_id=record.scenario_id,
        scenario_hash=record.scenario_hash,
        settings=settings_json(record.settings, record.plan),
        figures=dict(record.figures),
        saved_at=record.saved_at,
    )


def decision_record(row: DecisionRow | Row) -> Decision:
    """A decision-log entry."""
    return Decision(
        seq=row.seq,
        recorded_at=row.recorded_at,
        scenario_id=row.scenario_id,
        scenario_hash=row.scenario_hash,
        settings=Settings.from_dict(row.settings),
        status=row.status,
        figures=dict(row.figures),
        solver=row.solver,
        method=row.method,
        versions=dict(row.versions),
        note=row.note,
        plan=plan_of(row.settings),
    )


def decision_row(workspace_id: int, record: Decision) -> DecisionRow:
    """The row that keeps ``record`` under its sequence number."""
    return DecisionRow(
        workspace_id=workspace_id,
        seq=record.seq,
        recorded_at=record.recorded_at,
        scenario_id=record.scenario_id,
        scenario_hash=record.scenario_hash,
        settings=settings_json(record.settings, record.plan),
        status=record.status,
        figures=dict(record.figures),
        solver=record.solver,
        method=record.method,
        versions=dict(record.versions),
        note=record.note,
    )
