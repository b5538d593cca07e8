"""A workspace: one person's or one room's saved scenarios, options and decision log.

A :class:`Workspace` is a handle (the store and the workspace's row), got from
:meth:`govdecide.store.Store.create_workspace` or :meth:`~govdecide.store.Store.open_workspace`;
it holds no data itself, so two servers holding handles on the same workspace see each
other's saves at once. Each method is one transaction (see :mod:`.transactions`).

- Scenarios are kept as the YAML text given (validated first) under the sha256 of that
  text: saving the same text again returns the stored one, and an option or a decision
  cites a scenario by that hash, whether the scenario is stored here or bundled.
- Options are named per scenario: saving a name that exists for the same scenario
  replaces that option (as the Compare page does).
- The decision log only grows: there is no way to change or delete an entry; a
  correction is a new entry, and entries are numbered 1, 2, 3... in each workspace.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from govdecide.errors import input_error
from govdecide.io.scenario import parse_scenario
from govdecide.model.settings import Settings
from govdecide.model.years.result import PlanResult
from govdecide.store import backup, frames, rows, story_backup
from govdecide.store.map_tables import maps_data
from govdecide.store.records import (
    MAX_NOTE_CHARS,
    SHORT_ID_CHARS,
    Decision,
    SavedOption,
    ScenarioInfo,
    StoredScenario,
    check_figures,
    check_hash,
    check_name,
    check_origin,
    check_text,
    check_yaml_text,
    checked_plan,
    checked_settings,
    content_hash,
    headline_figures,
    plan_figures,
    software_versions,
)
from govdecide.store.schema import DecisionRow, OptionRow, ScenarioRow, WorkspaceRow
from govdecide.store.transactions import Database, lock_workspace

if TYPE_CHECKING:
    from govdecide.model.result import Result
    from govdecide.model.years.settings import PlanSettings


class Workspace:
    """A private space named by a key; every method reads or writes the database."""

    def __init__(self, database: Database, workspace_id: int, key: str | None) -> None:
        self._db = database
        self._id = workspace_id
        self._key = key

    @property
    def key(self) -> str | None:
        """The key that opens this workspace (the link's secret), when this handle knows
        it: after :meth:`~govdecide.store.Store.create_workspace` or ``open_workspace``,
        and after an import into a new key; None after an import that kept the old key
        (the database never holds a key, only its hash)."""
        return self._key

    @property
    def row_id(self) -> int:
        """The workspace's row in the database (what a room that writes to its log keeps)."""
        return self._id

    def __repr__(self) -> str:
        """No key in logs and tracebacks."""
        return f"<Workspace #{self._id}>"

    # -- scenarios -------------------------------------------------------------------

    def save_scenario(
        self, text: str, *, label: str = "", origin: str = "upload"
    ) -> StoredScenario:
        """Validate a scenario's YAML text and keep it as given; idempotent by content.

        ``label`` is what the person called it (a file name), ``origin`` one of
        ``upload``, ``table``, ``edit``, ``bundled`` (a bundled file kept for a story).
        The same text saved again returns the scenario stored the first time. An invalid
        scenario, a text over the size limit or a full workspace raises
        :class:`~govdecide.errors.ScenarioError`.
        """
        label = check_text(label, "label")
        origin = check_origin(origin, "origin")
        size = check_yaml_text(text, "yaml", self._db.limits.scenario_bytes)
        sha = content_hash(text)
        found = self.scenario_by_hash(sha)
        if found is not None:
            return found
        scenario = parse_scenario(text, file=label or "<scenario>")  # before any lock
        draft = StoredScenario(
            id="", sha256=sha, name=scenario.name, label=label, origin=origin,
            size_bytes=size, created_at=datetime.now(UTC), yaml=text,
        )  # fmt: skip
        return self._db.write(lambda session: self._insert_scenario(session, draft))

    def _insert_scenario(self, session: Session, draft: StoredScenario) -> StoredScenario:
        """Insert a scenario unless a concurrent save already has (inside the lock)."""
        lock_workspace(session, self._id)
        existing = session.scalars(self._scenarios().where(ScenarioRow.sha256 == draft.sha256))
        row = existing.first()
        if row is not None:
            return rows.stored_scenario(row)
        if self._count(session, ScenarioRow) >= self._db.limits.scenarios:
            raise input_error("store_limit_scenarios", limit=self._db.limits.scenarios)
        taken = set(session.scalars(
            select(ScenarioRow.public_id).where(ScenarioRow.workspace_id == self._id)
        ))  # fmt: skip
        short = next(
            draft.sha256[:n] for n in range(SHORT_ID_CHARS, 65, 4) if draft.sha256[:n] not in taken
        )
        record = replace(draft, id=short)
        session.add(rows.scenario_row(self._id, record))
        session.flush()
        return record

    def _count(self, session: Session, model: type[ScenarioRow] | type[OptionRow]) -> int:
        """How many rows of ``model`` this workspace has."""
        query = select(func.count(model.id)).where(model.workspace_id == self._id)
        return session.scalar(query) or 0

    def _scenarios(self) -> Any:
        """The select of this workspace's scenario rows."""
        return select(ScenarioRow).where(ScenarioRow.workspace_id == self._id)

    def scenarios(self) -> list[ScenarioInfo]:
        """The stored scenarios, oldest first, without their text."""
        query = self._scenarios().options(defer(ScenarioRow.yaml)).order_by(ScenarioRow.id)
        return self._db.read(lambda s: [rows.scenario_info(r) for r in s.scalars(query)])

    def scenario(self, scenario_id: str) -> StoredScenario | None:
        """The stored scenario with this id (as :class:`ScenarioInfo` gives it), or None."""
        return self._one_scenario(self._scenarios().where(ScenarioRow.public_id == scenario_id))

    def scenario_by_hash(self, sha256: str) -> StoredScenario | None:
        """The stored scenario whose text has this sha256, or None."""
        return self._one_scenario(self._scenarios().where(ScenarioRow.sha256 == sha256))

    def _one_scenario(self, query: Any) -> StoredScenario | None:
        """The first scenario a query finds, with its text."""

        def work(session: Session) -> StoredScenario | None:
            row = session.scalars(query).first()
            return None if row is None else rows.stored_scenario(row)

        return self._db.read(work)

    # -- options ---------------------------------------------------------------------

    def save_option(
        self,
        name: str,
        *,
        scenario_id: str,
        scenario_hash: str,
        settings: Settings,
        figures: dict[str, float | None],
        plan: PlanSettings | None = None,
    ) -> SavedOption:
        """Save settings and their headline figures under ``name`` for one scenario.

        A name that exists for the same scenario (same hash) is replaced: the option keeps
        its id and gets the new settings, figures and time. ``figures`` is usually
        :func:`~govdecide.store.records.headline_figures` of the result; for a plan over
        years (``plan``: its settings) :func:`~govdecide.store.records.plan_figures`.
        """
        draft = SavedOption(
            id=0,
            name=check_name(name, "name"),
            scenario_id=check_name(scenario_id, "scenario_id"),
            scenario_hash=check_hash(scenario_hash, "scenario_hash"),
            settings=checked_settings(settings),
            figures=check_figures(figures),
            saved_at=datetime.now(UTC),
            plan=checked_plan(plan),
        )
        return self._db.write(lambda session: self._upsert_option(session, draft))

    def _upsert_option(self, session: Session, draft: SavedOption) -> SavedOption:
        """Replace the option of that name and scenario, or add one within the limit."""
        lock_workspace(session, self._id)
        row = session.scalars(self._options().where(
            OptionRow.scenario_hash == draft.scenario_hash, OptionRow.name == draft.name
        )).first()  # fmt: skip
        if row is None:
            if self._count(session, OptionRow) >= self._db.limits.options:
                raise input_error("store_limit_options", limit=self._db.limits.options)
            row = rows.option_row(self._id, draft)
            session.add(row)
        else:
            fresh = rows.option_row(self._id, draft)
            for column in ("scenario_id", "settings", "figures", "saved_at"):
                setattr(row, column, getattr(fresh, column))
        session.flush()
        return rows.option_record(row)

    def _options(self) -> Any:
        """The select of this workspace's option rows."""
        return select(OptionRow).where(OptionRow.workspace_id == self._id)

    def options(self, scenario_hash: str | None = None) -> list[SavedOption]:
        """The saved options, in the order they were (last) saved; of one scenario if
        ``scenario_hash`` is given."""
        query = self._option_rows(scenario_hash)
        return self._db.read(lambda s: [rows.option_record(r) for r in s.execute(query)])

    def _option_rows(self, scenario_hash: str | None = None) -> Any:
        """The options' rows in saved order, as plain rows (listing 500 options is a
        page's work, so no ORM objects are built only to be copied into records)."""
        query = select(*OptionRow.__table__.columns).where(OptionRow.workspace_id == self._id)
        if scenario_hash is not None:
            query = query.where(OptionRow.scenario_hash == scenario_hash)
        return query.order_by(OptionRow.saved_at, OptionRow.id)

    def delete_option(self, option_id: int) -> bool:
        """Remove a saved option (not a decision: the log has no delete); False if absent."""

        def work(session: Session) -> bool:
            row = session.scalars(self._options().where(OptionRow.id == option_id)).first()
            if row is not None:
                session.delete(row)
            return row is not None

        return self._db.write(work)

    def options_frame(self, scenario_hash: str | None = None) -> pd.DataFrame:
        """The saved options as a table (see :func:`govdecide.store.frames.options_frame`)."""
        return frames.options_frame(self.options(scenario_hash))

    # -- the decision log --------------------------------------------------------------

    def record_decision(
        self,
        *,
        scenario_id: str,
        scenario_hash: str,
        settings: Settings,
        result: Result | PlanResult,
        note: str = "",
        plan: PlanSettings | None = None,
    ) -> Decision:
        """Append what was decided: the settings, the scenario, the result's status and
        figures, how it was solved and with which versions, a note, the time.

        A plan over years is recorded with its settings (``plan``) and its own figures
        (:func:`~govdecide.store.records.plan_figures` of its :class:`PlanResult`), never
        as one year's. The entry gets the next number of this workspace's log. Nothing
        recorded can be changed: a correction is a new entry whose note says what it
        corrects.
        """
        if isinstance(result, PlanResult) != (plan is not None):
            raise ValueError("a plan's result is recorded with its plan's settings, and only it")
        if isinstance(result, PlanResult):
            figures, solver = plan_figures(result), result.final.solver
        else:
            figures, solver = headline_figures(result), result.solver
        draft = Decision(
            seq=0,
            recorded_at=datetime.now(UTC),
            scenario_id=check_name(scenario_id, "scenario_id"),
            scenario_hash=check_hash(scenario_hash, "scenario_hash"),
            settings=checked_settings(settings),
            status=str(result.status),
            figures=figures,
            solver=str(solver),
            method=str(result.method),
            versions=software_versions(),
            note=check_text(note, "note", MAX_NOTE_CHARS, multiline=True),
            plan=checked_plan(plan),
        )
        return self._db.write(lambda session: self._append(session, draft))

    def _append(self, session: Session, draft: Decision) -> Decision:
        """Insert ``draft`` under the next sequence number (inside the workspace's lock)."""
        lock_workspace(session, self._id)
        last = session.scalar(
            select(func.max(DecisionRow.seq)).where(DecisionRow.workspace_id == self._id)
        )
        if (last or 0) >= self._db.limits.decisions:
            raise input_error("store_limit_decisions", limit=self._db.limits.decisions)
        record = replace(draft, seq=(last or 0) + 1)
        session.add(rows.decision_row(self._id, record))
        session.flush()
        return record

    def decisions(self) -> list[Decision]:
        """The whole decision log, in the order it was written (by sequence number)."""
        query = self._decision_rows()
        return self._db.read(lambda s: [rows.decision_record(r) for r in s.execute(query)])

    def _decision_rows(self) -> Any:
        """The log's rows in order, as plain rows."""
        query = select(*DecisionRow.__table__.columns).where(DecisionRow.workspace_id == self._id)
        return query.order_by(DecisionRow.seq)

    def decisions_frame(self) -> pd.DataFrame:
        """The log as a table (see :func:`govdecide.store.frames.decisions_frame`)."""
        return frames.decisions_frame(self.decisions())

    # -- backup ----------------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        """Everything in the workspace as plain JSON-safe data (see :mod:`.backup`)."""

        def work(session: Session) -> dict[str, Any]:
            scenarios = [rows.stored_scenario(r) for r in session.scalars(
                self._scenarios().order_by(ScenarioRow.id))]  # fmt: skip
            options = [rows.option_record(r) for r in session.execute(self._option_rows())]
            decisions = [rows.decision_record(r) for r in session.execute(self._decision_rows())]
            stories = story_backup.stories_data(session, self._id)
            maps = maps_data(session, self._id)
            key = self._key_hash(session)
            return backup.backup_data(key, scenarios, options, decisions, stories, maps)

        return self._db.read(work)

    def export_json(self) -> str:
        """:meth:`export` as JSON text (UTF-8, readable), what ``workspace export`` writes."""
        return backup.backup_text(self.export())

    def _key_hash(self, session: Session) -> str:
        """The stored hash of this workspace's key."""
        return session.get_one(WorkspaceRow, self._id).key_hash
