"""The stories' tables, on the store's declarative base (what migration 0004 creates).

``stories`` belong to a workspace (public id unique in it, a revision that every change
of the story raises); ``story_steps`` belong to a story, one per position (a database
constraint, so two servers adding a step at once cannot share a place); and
``story_presentations`` hold, for a story being shown, its current step and the sha256 of
its viewer link's token (never the token: a dump of the database opens no viewer).
Deleting a workspace deletes its stories, a story its steps and its presentation; a
deleted step leaves its presentation pointing nowhere (``SET NULL``) until the handle
moves it, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govdecide.store.schema import HASH_CHARS, ID_CHARS, SHORT_CHARS, Base, UTCDateTime


class StoryRow(Base):
    """A story of a workspace."""

    __tablename__ = "stories"
    __table_args__ = (
        UniqueConstraint("workspace_id", "public_id"),
        CheckConstraint("revision >= 0", name="revision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False
    )
    public_id: Mapped[str] = mapped_column(String(SHORT_CHARS), nullable=False)
    title: Mapped[Any] = mapped_column(JSON, nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class StepRow(Base):
    """One step of a story: an option of its own, its words, its focus."""

    __tablename__ = "story_steps"
    __table_args__ = (
        UniqueConstraint("story_id", "position"),
        CheckConstraint("position >= 0", name="position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("stories.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[Any] = mapped_column(JSON, nullable=False)
    caption: Mapped[Any] = mapped_column(JSON, nullable=False)
    scenario_id: Mapped[str] = mapped_column(String(ID_CHARS), nullable=False)
    scenario_hash: Mapped[str] = mapped_column(String(HASH_CHARS), nullable=False)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    focus_kind: Mapped[str | None] = mapped_column(String(SHORT_CHARS), nullable=True)
    focus_value: Mapped[str | None] = mapped_column(String(ID_CHARS), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class PresentationRow(Base):
    """The current step of a story being shown, and its viewer link's token hash."""

    __tablename__ = "story_presentations"

    story_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    step_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("story_steps.id", ondelete="SET NULL"), nullable=True
    )
    viewer_hash: Mapped[str | None] = mapped_column(String(HASH_CHARS), unique=True, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
