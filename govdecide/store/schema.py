"""The store's tables as typed SQLAlchemy 2 models (what the first migration creates).

Four tables, each row owned by one workspace: ``workspaces`` (only the sha256 of the key,
so a dump of the database reveals no link), ``scenarios`` (the YAML text as given and its
content hash), ``saved_options`` and ``decisions`` (the append-only log, numbered per
workspace). Uniqueness that the code relies on is a database constraint, not a check in
Python, so that two servers writing at once cannot break it: one hash per scenario, one
name per option and scenario, one sequence number per decision.

Times are stored in UTC. SQLite keeps no time zone, so :class:`UTCDateTime` writes naive
UTC there and gives back aware UTC datetimes on every database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

HASH_CHARS = 64  # a sha256 in hex
ID_CHARS = 200  # names: of options, of the scenario an entry cites
SHORT_CHARS = 40  # words: origin, status, solver, method

# Deterministic constraint names, the same on SQLite and PostgreSQL, so that a later
# migration can name the constraint it changes.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database (naive UTC text on SQLite)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive times (their zone is unknown); store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store keeps aware datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Aware UTC, whatever the database gave back."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """The store's declarative base; its metadata is what the migrations must match."""

    metadata = MetaData(naming_convention=NAMING)


def _owner() -> Mapped[int]:
    """The owning workspace: every row but a workspace's own belongs to exactly one."""
    return mapped_column(Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)


class WorkspaceRow(Base):
    """A workspace: found by the sha256 of its key, never listed."""

    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(HASH_CHARS), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class ScenarioRow(Base):
    """A scenario saved in a workspace: the validated YAML text exactly as given."""

    __tablename__ = "scenarios"
    __table_args__ = (
        UniqueConstraint("workspace_id", "sha256"),
        UniqueConstraint("workspace_id", "public_id"),
        CheckConstraint("size_bytes >= 0", name="size"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = _owner()
    public_id: Mapped[str] = mapped_column(String(HASH_CHARS), nullable=False)
    sha256: Mapped[str] = mapped_column(String(HASH_CHARS), nullable=False)
    name: Mapped[Any] = mapped_column(JSON, nullable=False)
    label: Mapped[str] = mapped_column(Text, nullable=False)
    origin: Mapped[str] = mapped_column(String(SHORT_CHARS), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    yaml: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class OptionRow(Base):
    """A saved option: settings and headline figures, under a name, for one scenario."""

    __tablename__ = "saved_options"
    __table_args__ = (UniqueConstraint("workspace_id", "scenario_hash", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = _owner()
    name: Mapped[str] = mapped_column(String(ID_CHARS), nullable=False)
    scenario_id: Mapped[str] = mapped_column(String(ID_CHARS), nullable=False)
    scenario_hash: Mapped[str] = mapped_column(String(HASH_CHARS), nullable=False)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class DecisionRow(Base):
    """One entry of the decision log; rows are inserted, never updated or deleted."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("workspace_id", "seq"),
        CheckConstraint("seq >= 1", name="seq_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = _owner()
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    scenario_id: Mapped[str] = mapped_column(String(ID_CHARS), nullable=False)
    scenario_hash: Mapped[str] = mapped_column(String(HASH_CHARS), nullable=False)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(SHORT_CHARS), nullable=False)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    solver: Mapped[str] = mapped_column(String(SHORT_CHARS), nullable=False)
    method: Mapped[str] = mapped_column(String(SHORT_CHARS), nullable=False)
    versions: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False)
