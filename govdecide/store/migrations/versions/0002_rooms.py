"""Workshop rooms: rooms, their rounds, seats and submissions.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Written out rather than imported from store/rooms.py (a migration is a fixed step);
# constraint names are given whole, as schema.NAMING gives them to the models.
HASH = 64
ID = 200
SHORT = 40
CODE = 8


def _room_child(table: str) -> list[sa.SchemaItem]:
    """The primary key and the owning room of a room's table."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f(f"fk_{table}_room_id_rooms"), ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    """Create the four room tables."""
    op.create_table(
        "rooms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(CODE), nullable=False),
        sa.Column("host_hash", sa.String(HASH), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(ID), nullable=False),
        sa.Column("scenario_hash", sa.String(HASH), nullable=False),
        sa.Column("source", sa.String(ID), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("rule", sa.String(SHORT), nullable=False),
        sa.Column("state", sa.String(SHORT), nullable=False),
        sa.Column("max_seats", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rooms")),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_rooms_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("code", name=op.f("uq_rooms_code")),
        sa.UniqueConstraint("host_hash", name=op.f("uq_rooms_host_hash")),
    )
    op.create_table(
        "room_rounds",
        *_room_child("room_rounds"),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(SHORT), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revealed", sa.JSON(), nullable=True),
        sa.UniqueConstraint("room_id", "number", name=op.f("uq_room_rounds_room_id_number")),
    )
    op.create_table(
        "room_seats",
        *_room_child("room_seats"),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(HASH), nullable=False),
        sa.Column("name", sa.String(ID), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("room_id", "number", name=op.f("uq_room_seats_room_id_number")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_room_seats_token_hash")),
    )
    op.create_table(
        "room_submissions",
        *_room_child("room_submissions"),
        sa.Column("seat_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["seat_id"],
            ["room_seats.id"],
            name=op.f("fk_room_submissions_seat_id_room_seats"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("seat_id", "round", name=op.f("uq_room_submissions_seat_id_round")),
    )


def downgrade() -> None:
    """Drop the room tables (children first)."""
    for table in ("room_submissions", "room_seats", "room_rounds", "rooms"):
        op.drop_table(table)
