"""A workspace's stories, and the read-only viewer that follows one as it is presented.

:class:`Stories` is a handle on one workspace's stories, like the workspace itself: it
holds no data, every method is one transaction (writes take the workspace's lock, see
:mod:`.transactions`), and every query binds its values. A story is built step by step
(:meth:`~Stories.add_step`, :meth:`~Stories.move_step`, :meth:`~Stories.edit_step`,
:meth:`~Stories.delete_step`) within :class:`~govdecide.store.story_records.StoryLimits`.

Presenting a story keeps its current step in the database (:meth:`~Stories.present`,
:meth:`~Stories.move_by`, :meth:`~Stories.go_to`), so a reload, a second screen and the
participants see the same step. Participants open a **viewer link**: its token is the
HMAC of the story's public id under the workspace key, so only who holds the key can make
it, the same key always makes the same link (the trainer can show it again after a
reload, and a workspace restored under its key gets its old links back), and the database
keeps only the token's sha256. :func:`open_viewer` opens a story by that token, read-only:
the viewer can read the presented story and the scenarios its steps cite, nothing else of
the workspace.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govdecide.errors import input_error
from govdecide.store.records import key_hash
from govdecide.store.schema import ScenarioRow
from govdecide.store.story_backup import insert_stories, parse_stories, stories_data
from govdecide.store.story_records import (
    Focus,
    Presentation,
    StepDraft,
    Story,
    StoryInfo,
    StoryLimits,
    Text,
    check_step,
    check_title,
    step_with,
)
from govdecide.store.story_rows import PUBLIC_ID_RE, new_public_id, step_record, step_row, steps_of
from govdecide.store.story_tables import PresentationRow, StepRow, StoryRow
from govdecide.store.transactions import Database, lock_workspace

if TYPE_CHECKING:
    from govdecide.store.store import Store
    from govdecide.store.workspace import Workspace

VIEWER_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url of a 256-bit HMAC
_VIEWER_LABEL = b"govdecide-story-viewer/v1:"
_UNCHANGED: Any = object()  # edit_step: a field not given is kept


def viewer_token(key: str, public_id: str) -> str:
    """The viewer link's token of a story: HMAC-SHA256 of its id under the workspace key."""
    digest = hmac.new(key.encode("utf-8"), _VIEWER_LABEL + public_id.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii")


def workspace_handle(workspace: Workspace) -> tuple[Database, int, str | None]:
    """The database, row id and key behind a workspace handle (the store's own package
    shares them; a workspace hands out no public way to its rows)."""
    return workspace._db, workspace._id, workspace.key


# -- rows and records --------------------------------------------------------------------


def story_record(row: StoryRow, steps: Sequence[StepRow]) -> Story:
    """A story and its steps as a plain record."""
    return Story(
        id=row.public_id,
        title=row.title,
        steps=tuple(step_record(s) for s in steps),
        revision=row.revision,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def presentation_record(
    row: StoryRow, steps: Sequence[StepRow], shown: PresentationRow
) -> Presentation:
    """Where a presented story is: the shown step's position (the first when the shown
    step is gone, none when the story has no step)."""
    ids = [s.id for s in steps]
    position = ids.index(shown.step_id) if shown.step_id in ids else (0 if ids else None)
    return Presentation(
        story_id=row.public_id,
        position=position,
        step_id=None if position is None else ids[position],
        revision=row.revision,
        updated_at=shown.updated_at,
        shared=shown.viewer_hash is not None,
    )


def renumber(session: Session, ordered: Sequence[StepRow]) -> None:
    """Give ``ordered`` the positions 0, 1, 2... Two passes: the first moves every row out
    of the way, so the one-step-per-position constraint never sees two rows share one."""
    offset = max([r.position for r in ordered] + [len(ordered)]) + 1
    for i, row in enumerate(ordered):
        row.position = offset + i
    session.flush()
    for i, row in enumerate(ordered):
        row.position = i
    session.flush()


def touch(row: StoryRow, now: datetime) -> None:
    """The story changed: a new revision, so that viewers redraw."""
    row.revision += 1
    row.updated_at = now


# -- the workspace's stories -------------------------------------------------------------


class Stories:
    """The stories of one workspace; every method reads or writes the database."""

    def __init__(self, workspace: Workspace, limits: StoryLimits | None = None) -> None:
        self._db, self._id, self._key = workspace_handle(workspace)
        self.workspace = workspace
        self.limits = limits or StoryLimits()

    def __repr__(self) -> str:
        """No key in logs."""
        return f"<Stories of workspace #{self._id}>"

    # -- reading -------------------------------------------------------------------------

    def list(self) -> list[StoryInfo]:
        """The workspace's stories, oldest first, with their number of steps."""
        count = (
            select(func.count(StepRow.id)).where(StepRow.story_id == StoryRow.id)
        ).scalar_subquery()
        query = (
            select(StoryRow, count).where(StoryRow.workspace_id == self._id).order_by(StoryRow.id)
        )

        def work(session: Session) -> list[StoryInfo]:
            return [
                StoryInfo(r.public_id, r.title, int(n or 0), r.revision, r.updated_at)
                for r, n in session.execute(query)
            ]

        return self._db.read(work)

    def get(self, story_id: str) -> Story | None:
        """The story with this id and its steps, or None."""

        def work(session: Session) -> Story | None:
            row = self._find(session, story_id)
            return None if row is None else story_record(row, steps_of(session, row.id))

        return self._db.read(work)

    def presentation(self, story_id: str) -> Presentation | None:
        """Where the story is while presented; None when it is not (or is gone)."""

        def work(session: Session) -> Presentation | None:
            row = self._find(session, story_id)
            shown = None if row is None else session.get(PresentationRow, row.id)
            if row is None or shown is None:
                return None
            return presentation_record(row, steps_of(session, row.id), shown)

        return self._db.read(work)

    def viewer_token(self, story_id: str) -> str:
        """The token of the story's viewer link (see the module docstring)."""
        if self._key is None:
            raise input_error("story_no_key")
        return viewer_token(self._key, story_id)

    def _find(self, session: Session, story_id: str) -> StoryRow | None:
        """This workspace's story row with that public id."""
        if not isinstance(story_id, str) or not PUBLIC_ID_RE.match(story_id):
            return None
        query = select(StoryRow).where(
            StoryRow.workspace_id == self._id, StoryRow.public_id == story_id
        )
        return session.scalars(query).first()

    def _locked(self, session: Session, story_id: str) -> StoryRow:
        """The story row, inside the workspace's lock; a story deleted meanwhile is said."""
        lock_workspace(session, self._id)
        row = self._find(session, story_id)
        if row is None:
            raise input_error("story_missing", path="story")
        return row

    # -- building ------------------------------------------------------------------------

    def create(self, title: Text, steps: Sequence[StepDraft] = ()) -> Story:
        """A new story (with these steps, in one transaction), within the limits."""
        title = check_title(title)
        drafts = [check_step(d, f"steps[{i}]") for i, d in enumerate(steps)]
        if len(drafts) > self.limits.steps:
            raise input_error("story_limit_steps", limit=self.limits.steps)

        def work(session: Session) -> Story:
            lock_workspace(session, self._id)
            count = session.scalar(
                select(func.count(StoryRow.id)).where(StoryRow.workspace_id == self._id)
            )
            if (count or 0) >= self.limits.stories:
                raise input_error("story_limit_stories", limit=self.limits.stories)
            now = datetime.now(UTC)
            taken = set(
                session.scalars(select(StoryRow.public_id).where(StoryRow.workspace_id == self._id))
            )
            public_id = next(p for p in iter(new_public_id, None) if p not in taken)
            row = StoryRow(
                workspace_id=self._id,
                public_id=public_id,
                title=title,
                revision=0,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            session.add_all(step_row(row.id, i, d, now) for i, d in enumerate(drafts))
            session.flush()
            return story_record(row, steps_of(session, row.id))

        return self._db.write(work)

    def rename(self, story_id: str, title: Text) -> Story:
        """Give the story another title."""
        title = check_title(title)

        def work(session: Session) -> Story:
            row = self._locked(session, story_id)
            row.title = title
            touch(row, datetime.now(UTC))
            session.flush()
            return story_record(row, steps_of(session, row.id))

        return self._db.write(work)

    def delete(self, story_id: str) -> bool:
        """Remove a story, its steps and its presentation; False when it was not there."""

        def work(session: Session) -> bool:
            lock_workspace(session, self._id)
            row = self._find(session, story_id)
            if row is not None:
                session.delete(row)
            return row is not None

        return self._db.write(work)

    def add_step(self, story_id: str, draft: StepDraft, position: int | None = None) -> Story:
        """Add a step at ``position`` (default: last), within the limit of steps."""
        draft = check_step(draft)

        def work(session: Session) -> Story:
            row = self._locked(session, story_id)
            steps = steps_of(session, row.id)
            if len(steps) >= self.limits.steps:
                raise input_error("story_limit_steps", limit=self.limits.steps)
            now = datetime.now(UTC)
            new = step_row(row.id, len(steps) + 1_000_000, draft, now)
            session.add(new)
            session.flush()
            at = len(steps) if position is None else max(0, min(position, len(steps)))
            renumber(session, [*steps[:at], new, *steps[at:]])
            touch(row, now)
            session.flush()
            return story_record(row, steps_of(session, row.id))

        return self._db.write(work)

    def edit_step(
        self,
        story_id: str,
        step_id: int,
        *,
        title: Text = _UNCHANGED,
        caption: Text = _UNCHANGED,
        focus: Focus | None = _UNCHANGED,
    ) -> Story:
        """Change a step's title, caption or focus (what is not given stays)."""
        changes = {
            k: v
            for k, v in (("title", title), ("caption", caption), ("focus", focus))
            if v is not _UNCHANGED
        }

        def work(session: Session) -> Story:
            row = self._locked(session, story_id)
            step = self._step(session, row, step_id)
            checked = step_with(step_record(step), **changes)
            step.title, step.caption = checked.title, checked.caption
            step.focus_kind = None if checked.focus is None else checked.focus.kind
            step.focus_value = None if checked.focus is None else checked.focus.value
            touch(row, datetime.now(UTC))
            session.flush()
            return story_record(row, steps_of(session, row.id))

        return self._db.write(work)

    def move_step(self, story_id: str, step_id: int, position: int) -> Story:
        """Put a step at ``position`` (clamped to the story), the others keeping order."""

        def work(session: Session) -> Story:
            row = self._locked(session, story_id)
            step = self._step(session, row, step_id)
            others = [s for s in steps_of(session, row.id) if s.id != step.id]
            at = max(0, min(int(position), len(others)))
            renumber(session, [*others[:at], step, *others[at:]])
            touch(row, datetime.now(UTC))
            session.flush()
            return story_record(row, steps_of(session, row.id))

        return self._db.write(work)

    def delete_step(self, story_id: str, step_id: int) -> Story:
        """Remove a step; a presentation showing it moves to the step now in its place."""

        def work(session: Session) -> Story:
            row = self._locked(session, story_id)
            step = self._step(session, row, step_id)
            steps = steps_of(session, row.id)
            shown = session.get(PresentationRow, row.id)
            rest = [s for s in steps if s.id != step.id]
            if shown is not None and shown.step_id == step.id:
                at = min(step.position, len(rest) - 1)
                shown.step_id = rest[at].id if rest else None
            session.delete(step)
            session.flush()
            renumber(session, rest)
            touch(row, datetime.now(UTC))
            session.flush()
            return story_record(row, steps_of(session, row.id))

        return self._db.write(work)

    def _step(self, session: Session, row: StoryRow, step_id: int) -> StepRow:
        """One step row of the story; a step deleted meanwhile is said."""
        step = session.get(StepRow, step_id) if isinstance(step_id, int) else None
        if step is None or step.story_id != row.id:
            raise input_error("story_step_missing", path="step")
        return step

    # -- presenting ----------------------------------------------------------------------

    def present(self, story_id: str, position: int | None = None) -> Presentation:
        """Start (or go on) showing the story: at ``position``, else where it was (the
        first step the first time). Makes its viewer link work (the key is needed)."""
        token_hash = key_hash(self.viewer_token(story_id))
        return self._move(
            story_id, lambda here, n: here if position is None else position, token_hash
        )

    def go_to(self, story_id: str, position: int) -> Presentation:
        """Show the step at ``position`` (clamped to the story)."""
        return self._move(story_id, lambda here, n: position)

    def move_by(self, story_id: str, delta: int) -> Presentation:
        """Show the step ``delta`` places on (back when negative), from the step shown now
        in the database, so two quick presses move two steps; clamped to the story."""
        return self._move(story_id, lambda here, n: here + delta)

    def stop(self, story_id: str) -> bool:
        """Stop presenting: the viewer link shows nothing until the story is presented
        again. False when it was not being presented."""

        def work(session: Session) -> bool:
            row = self._locked(session, story_id)
            shown = session.get(PresentationRow, row.id)
            if shown is not None:
                session.delete(shown)
                touch(row, datetime.now(UTC))
            return shown is not None

        return self._db.write(work)

    def _move(self, story_id: str, target: Any, token_hash: str | None = None) -> Presentation:
        """Set the shown step to ``target(position now, number of steps)``, clamped."""

        def work(session: Session) -> Presentation:
            row = self._locked(session, story_id)
            steps = steps_of(session, row.id)
            now = datetime.now(UTC)
            shown = session.get(PresentationRow, row.id)
            if shown is None:
                shown = PresentationRow(story_id=row.id, step_id=None, updated_at=now)
                session.add(shown)
            ids = [s.id for s in steps]
            here = ids.index(shown.step_id) if shown.step_id in ids else 0
            at = max(0, min(int(target(here, len(ids))), len(ids) - 1))
            shown.step_id = ids[at] if ids else None
            if token_hash is not None:
                shown.viewer_hash = token_hash
            shown.updated_at = now
            touch(row, now)
            session.flush()
            return presentation_record(row, steps, shown)

        return self._db.write(work)


# -- the viewer ------------------------------------------------------------------------


@dataclass(frozen=True)
class ViewerState:
    """What a viewer shows: the presented story and where it is."""

    story: Story
    presentation: Presentation


class StoryViewer:
    """Read-only access to one presented story, opened by its viewer link's token."""

    def __init__(self, database: Database, story_row_id: int) -> None:
        self._db = database
        self._story = story_row_id

    def __repr__(self) -> str:
        """No token in logs."""
        return f"<StoryViewer of story #{self._story}>"

    def revision(self) -> int | None:
        """The story's revision (one cheap read for a poll); None when the story is no
        longer presented or is gone."""
        query = (
            select(StoryRow.revision)
            .join(PresentationRow, PresentationRow.story_id == StoryRow.id)
            .where(StoryRow.id == self._story)
        )
        return self._db.read(lambda session: session.scalar(query))

    def state(self) -> ViewerState | None:
        """The story and its shown step, read together; None when no longer presented."""

        def work(session: Session) -> ViewerState | None:
            row = session.get(StoryRow, self._story)
            shown = session.get(PresentationRow, self._story)
            if row is None or shown is None:
                return None
            steps = steps_of(session, row.id)
            return ViewerState(story_record(row, steps), presentation_record(row, steps, shown))

        return self._db.read(work)

    def scenario_text(self, sha256: str) -> str | None:
        """The YAML of a scenario the story's steps cite, stored in its workspace; None
        for any other (a viewer reads nothing else of the workspace)."""
        cited = select(StepRow.id).where(
            StepRow.story_id == self._story, StepRow.scenario_hash == sha256
        )
        query = select(ScenarioRow.yaml).where(
            ScenarioRow.workspace_id
            == select(StoryRow.workspace_id).where(StoryRow.id == self._story).scalar_subquery(),
            ScenarioRow.sha256 == sha256,
            cited.exists(),
        )
        return self._db.read(lambda session: session.scalar(query))


def open_viewer(store: Store, token: str | None) -> StoryViewer | None:
    """The viewer of the story whose link carries ``token``; None for a wrong, malformed
    or stale token (the story no longer presented, or deleted)."""
    if not isinstance(token, str) or not VIEWER_TOKEN_RE.match(token):
        return None
    database: Database = store._db
    query = select(PresentationRow.story_id).where(PresentationRow.viewer_hash == key_hash(token))
    found = database.read(lambda session: session.scalar(query))
    return None if found is None else StoryViewer(database, found)


# -- a workspace's stories on their own in a backup's form (see :mod:`.story_backup`)


def export_stories(workspace: Workspace) -> list[dict[str, Any]]:
    """:func:`stories_data` of one workspace, in a read transaction of its own."""
    database, workspace_id, _key = workspace_handle(workspace)
    return database.read(lambda session: stories_data(session, workspace_id))


def import_stories(
    workspace: Workspace, data: Any, limits: StoryLimits | None = None
) -> list[Story]:
    """Check a backup's ``stories`` list and add it to a workspace in one transaction;
    the stories as stored (the ids they got)."""
    handle = Stories(workspace, limits)
    checked = parse_stories(data, handle.limits)
    database, workspace_id, _key = workspace_handle(workspace)
    query = select(StoryRow.public_id).where(StoryRow.workspace_id == workspace_id)

    def work(session: Session) -> list[str]:
        lock_workspace(session, workspace_id)
        before = set(session.scalars(query))
        insert_stories(session, workspace_id, checked, handle.limits)
        return [p for p in session.scalars(query.order_by(StoryRow.id)) if p not in before]

    ids = database.write(work)
    return [story for story in (handle.get(i) for i in ids) if story is not None]
