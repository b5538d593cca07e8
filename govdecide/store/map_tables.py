"""The ``maps`` table and its plain records, below :mod:`.maps` (which works on a workspace
handle) so that the workspace's backup can read and write maps without a cycle."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from govdecide.errors import input_error
from govdecide.store.schema import HASH_CHARS, ID_CHARS, Base, UTCDateTime

MAX_MAPS = 50  # as many as the scenarios a workspace may hold
REFERENCE_RE = re.compile(r"^maps/[A-Za-z0-9_-][A-Za-z0-9_.-]{0,150}\.topojson$")


class MapRow(Base):
    """A map of a workspace: the TopoJSON text under the reference its scenarios use."""

    __tablename__ = "maps"
    __table_args__ = (
        UniqueConstraint("workspace_id", "reference"),
        CheckConstraint("size_bytes >= 0", name="size"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False
    )
    reference: Mapped[str] = mapped_column(String(ID_CHARS), nullable=False)
    sha256: Mapped[str] = mapped_column(String(HASH_CHARS), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    topojson: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


@dataclass(frozen=True)
class StoredMap:
    """A stored map; ``text`` is the TopoJSON ('' in a list, which leaves it unread)."""

    reference: str
    sha256: str
    size_bytes: int
    created_at: datetime
    text: str = ""


def map_record(row: MapRow, with_text: bool = True) -> StoredMap:
    """The plain record of a row."""
    return StoredMap(
        reference=row.reference,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        created_at=row.created_at,
        text=row.topojson if with_text else "",
    )


def check_reference(reference: Any) -> str:
    """A map reference as scenarios write it (``maps/NAME.topojson``), else refused."""
    if not isinstance(reference, str) or not REFERENCE_RE.match(reference):
        raise input_error("map_reference_bad", path="map.topojson", got=str(reference)[:80])
    return reference


def map_rows(workspace_id: int) -> Any:
    """The select of a workspace's map rows."""
    return select(MapRow).where(MapRow.workspace_id == workspace_id)


def maps_data(session: Session, workspace_id: int) -> list[dict[str, Any]]:
    """A workspace's maps as a backup holds them (inside the caller's transaction)."""
    query = map_rows(workspace_id).order_by(MapRow.id)
    return [
        {"reference": r.reference, "sha256": r.sha256, "created_at": r.created_at.isoformat(),
         "topojson": r.topojson}
        for r in session.scalars(query)
    ]  # fmt: skip


def insert_maps(session: Session, workspace_id: int, maps: tuple[StoredMap, ...]) -> None:
    """Write a backup's checked maps into a workspace, inside the caller's transaction."""
    session.add_all(
        MapRow(workspace_id=workspace_id, reference=m.reference, sha256=m.sha256,
               size_bytes=m.size_bytes, topojson=m.text, created_at=m.created_at)
        for m in maps
    )  # fmt: skip
