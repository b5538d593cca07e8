"""The maps a workspace's scenarios draw (issue 16): the TopoJSON under its reference.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

(Written beside another engineer's 0002; the revisions are chained when merged.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Written out, as in 0001: a migration keeps creating what it created.
HASH = 64
ID = 200


def upgrade() -> None:
    """Create the maps table, owned by a workspace, one map per reference."""
    op.create_table(
        "maps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(ID), nullable=False),
        sa.Column("sha256", sa.String(HASH), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("topojson", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maps")),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_maps_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "workspace_id", "reference", name=op.f("uq_maps_workspace_id_reference")
        ),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_maps_size")),
    )


def downgrade() -> None:
    """Drop the maps table (and every stored map with it)."""
    op.drop_table("maps")
