"""Stories in a workspace backup: written out, read back strictly, restored in one go.

The workspace backup (:mod:`.backup`, ``govdecide-workspace/v1``) gets a ``stories`` list;
each story is its public id, title, creation time, the position it was showing (or null)
and its steps, each with its option (scenario hash and id, settings, figures), words and
focus; a step's plan over years sits inside its settings (``settings.plan``), as in the
database. The functions here are what the backup calls:

- :func:`stories_data` inside the export's read transaction,
- :func:`parse_stories` while the whole file is checked (every problem at once, with its
  place: ``stories[1].steps[3].settings.budget``), before anything is written,
- :func:`insert_stories` inside the import's write transaction.

:func:`export_stories` and :func:`import_stories` do the same on their own for one
workspace (and are what the tests round-trip). A viewer link is not in the file: its token
comes from the workspace key, so a workspace restored under its key gets its old viewer
links back as soon as the trainer presents the story again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govdecide.errors import Problem, ScenarioError, input_error
from govdecide.store.backup_checks import keep, mapping, quote, settings_of, time_of
from govdecide.store.records import check_figures, check_hash, check_name, plan_of, settings_json
from govdecide.store.story_records import (
    STEP_FIELDS,
    StepDraft,
    StoryDraft,
    StoryLimits,
    check_caption,
    check_focus,
    check_title,
)
from govdecide.store.story_rows import PUBLIC_ID_RE, new_public_id, step_record, step_row, steps_of
from govdecide.store.story_tables import PresentationRow, StoryRow

STORY_KEYS = ("id", "title", "created_at", "presenting", "steps")
STEP_KEYS = tuple(f for f in STEP_FIELDS if f != "plan")  # the plan is in "settings"
_STEP_REQUIRED = ("title", "scenario_id", "scenario_hash", "settings")


@dataclass(frozen=True)
class ImportedStory:
    """A checked story of a backup: its exported id and time, and its content."""

    public_id: str
    created_at: datetime
    draft: StoryDraft


# -- writing ---------------------------------------------------------------------------


def step_data(step: StepDraft) -> dict[str, Any]:
    """A step's JSON-safe data."""
    return {
        "title": step.title,
        "caption": step.caption,
        "scenario_id": step.scenario_id,
        "scenario_hash": step.scenario_hash,
        "settings": settings_json(step.settings, step.plan),
        "figures": dict(step.figures),
        "focus": None if step.focus is None else step.focus.to_dict(),
    }


def stories_data(session: Session, workspace_id: int) -> list[dict[str, Any]]:
    """A workspace's stories as the backup holds them, oldest first (read inside the
    caller's transaction, so that they agree with the rest of the file)."""
    query = select(StoryRow).where(StoryRow.workspace_id == workspace_id).order_by(StoryRow.id)
    out = []
    for row in session.scalars(query):
        steps = steps_of(session, row.id)
        shown = session.get(PresentationRow, row.id)
        ids = [s.id for s in steps]
        presenting = None
        if shown is not None and ids:
            presenting = ids.index(shown.step_id) if shown.step_id in ids else 0
        out.append(
            {
                "id": row.public_id,
                "title": row.title,
                "created_at": row.created_at.isoformat(),
                "presenting": presenting,
                "steps": [step_data(step_record(s)) for s in steps],
            }
        )
    return out


# -- reading ---------------------------------------------------------------------------


def parse_stories(
    items: Any, limits: StoryLimits | None = None, path: str = "stories"
) -> list[ImportedStory]:
    """The checked stories of a backup's ``stories`` list; every problem at once as a
    :class:`~govdecide.errors.ScenarioError`, and nothing else, whatever ``items`` is."""
    limits = limits or StoryLimits()
    if not isinstance(items, list):
        raise input_error("not_list", path=path, got=quote(items))
    if len(items) > limits.stories:
        raise input_error("story_limit_stories", path=path, limit=limits.stories)
    problems: list[Problem] = []
    out = [keep(problems, _story, item, f"{path}[{i}]", limits) for i, item in enumerate(items)]
    seen: dict[str, int] = {}
    for i, story in enumerate(out):
        if story is not None and story.public_id in seen:
            first = f"{path}[{seen[story.public_id]}]"
            problems.append(Problem(f"{path}[{i}].id", "store_duplicate", {"first": first}))
        elif story is not None:
            seen[story.public_id] = i
    if problems:
        raise ScenarioError(problems[:50])
    return [s for s in out if s is not None]


def _story(value: Any, path: str, limits: StoryLimits) -> ImportedStory:
    """One story of the file."""
    item = mapping(value, path, STORY_KEYS, ("id", "title", "steps"))
    public_id = item["id"]
    if not (isinstance(public_id, str) and PUBLIC_ID_RE.match(public_id)):
        raise input_error("story_bad_id", path=f"{path}.id", got=quote(public_id))
    steps = item["steps"]
    if not isinstance(steps, list):
        raise input_error("not_list", path=f"{path}.steps", got=quote(steps))
    if len(steps) > limits.steps:
        raise input_error("story_limit_steps", path=f"{path}.steps", limit=limits.steps)
    problems: list[Problem] = []
    title = keep(problems, check_title, item["title"], f"{path}.title")
    created = datetime.now(UTC)
    if "created_at" in item:
        created = keep(problems, time_of, item["created_at"], f"{path}.created_at") or created
    drafts = [keep(problems, _step, s, f"{path}.steps[{i}]") for i, s in enumerate(steps)]
    presenting = item.get("presenting")
    if presenting is not None and (
        isinstance(presenting, bool)
        or not isinstance(presenting, int)
        or not 0 <= presenting < max(len(steps), 1)
    ):
        problems.append(
            Problem(
                f"{path}.presenting",
                "story_bad_position",
                {"got": quote(presenting), "steps": len(steps)},
            )
        )
    if problems:
        raise ScenarioError(problems)
    return ImportedStory(public_id, created, StoryDraft(title, tuple(drafts), presenting))


def _step(value: Any, path: str) -> StepDraft:
    """One step of a story of the file, checked as a step added by hand is."""
    item = mapping(value, path, STEP_KEYS, _STEP_REQUIRED)
    problems: list[Problem] = []
    parts = {
        "title": keep(problems, check_title, item["title"], f"{path}.title"),
        "caption": keep(problems, check_caption, item.get("caption", ""), f"{path}.caption"),
        "scenario_id": keep(problems, check_name, item["scenario_id"], f"{path}.scenario_id"),
        "scenario_hash": keep(problems, check_hash, item["scenario_hash"], f"{path}.scenario_hash"),
        "settings": keep(problems, settings_of, item["settings"], f"{path}.settings"),
        "figures": keep(problems, check_figures, item.get("figures", {}), f"{path}.figures"),
        "focus": keep(problems, check_focus, item.get("focus"), f"{path}.focus"),
    }
    settings = item["settings"]
    if isinstance(settings, Mapping):  # settings_of has said it when it is not
        parts["plan"] = keep(problems, plan_of, settings, f"{path}.settings.plan")
    if problems:
        raise ScenarioError(problems)
    return StepDraft(**parts)


# -- restoring -------------------------------------------------------------------------


def insert_stories(
    session: Session,
    workspace_id: int,
    stories: Sequence[ImportedStory],
    limits: StoryLimits | None = None,
) -> None:
    """Write checked stories into a workspace, inside the caller's transaction (which
    holds the workspace's lock); an id the workspace already uses gets a new one."""
    limits = limits or StoryLimits()
    count = session.scalar(
        select(func.count(StoryRow.id)).where(StoryRow.workspace_id == workspace_id)
    )
    if (count or 0) + len(stories) > limits.stories:
        raise input_error("story_limit_stories", path="stories", limit=limits.stories)
    taken = set(
        session.scalars(select(StoryRow.public_id).where(StoryRow.workspace_id == workspace_id))
    )
    now = datetime.now(UTC)
    for story in stories:
        public_id = story.public_id
        while public_id in taken:
            public_id = new_public_id()
        taken.add(public_id)
        row = StoryRow(
            workspace_id=workspace_id,
            public_id=public_id,
            title=story.draft.title,
            revision=0,
            created_at=story.created_at,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        steps = [step_row(row.id, i, d, now) for i, d in enumerate(story.draft.steps)]
        session.add_all(steps)
        session.flush()
        if story.draft.presenting is not None and steps:
            shown = steps[min(story.draft.presenting, len(steps) - 1)].id
            session.add(PresentationRow(story_id=row.id, step_id=shown, updated_at=now))
    session.flush()
