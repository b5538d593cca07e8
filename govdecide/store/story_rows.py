"""A story's rows as plain records and back, below :mod:`.stories` and the backup (which
both use them), so that neither imports the other. A step's plan over years is kept in
its settings column (:func:`~govdecide.store.records.settings_json`), as an option's is."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from govdecide.model.settings import Settings
from govdecide.store.records import plan_of, settings_json
from govdecide.store.story_records import Focus, StepDraft, StoryStep
from govdecide.store.story_tables import StepRow

PUBLIC_ID_RE = re.compile(r"^[0-9a-f]{12}$")  # a story's id in links: 48 random bits


def new_public_id() -> str:
    """A fresh story id (random, so ids say nothing of how many stories there are)."""
    return secrets.token_hex(6)


def step_record(row: StepRow) -> StoryStep:
    """A stored step as a plain record."""
    focus = None if row.focus_kind is None else Focus(row.focus_kind, row.focus_value or "")
    return StoryStep(
        title=row.title,
        caption=row.caption,
        scenario_id=row.scenario_id,
        scenario_hash=row.scenario_hash,
        settings=Settings.from_dict(row.settings),
        figures=dict(row.figures),
        focus=focus,
        plan=plan_of(row.settings),
        id=row.id,
        position=row.position,
    )


def step_row(story_row_id: int, position: int, draft: StepDraft, now: datetime) -> StepRow:
    """The row that keeps a (checked) step at ``position`` of a story."""
    return StepRow(
        story_id=story_row_id,
        position=position,
        title=draft.title,
        caption=draft.caption,
        scenario_id=draft.scenario_id,
        scenario_hash=draft.scenario_hash,
        settings=settings_json(draft.settings, draft.plan),
        figures=dict(draft.figures),
        focus_kind=None if draft.focus is None else draft.focus.kind,
        focus_value=None if draft.focus is None else draft.focus.value,
        created_at=now,
    )


def steps_of(session: Session, story_row_id: int) -> list[StepRow]:
    """A story's step rows in order."""
    query = select(StepRow).where(StepRow.story_id == story_row_id).order_by(StepRow.position)
    return list(session.scalars(query))
