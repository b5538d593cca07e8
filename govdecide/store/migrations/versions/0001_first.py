"""The first schema: workspaces, their scenarios, saved options and decision log.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Written out rather than imported from schema.py: a migration is a fixed step, and must
# keep creating what it created when later revisions change the models. Constraint names
# are given whole (``op.f``), the names schema.NAMING gives the models.
HASH = 64
ID = 200
SHORT = 40


def _owner(table: str) -> list[sa.SchemaItem]:
    """The primary key and the owning workspace of a table."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f(f"fk_{table}_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
    ]


def upgrade() -> None:
    """Create the four tables and their constraints."""
    op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(HASH), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspaces")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_workspaces_key_hash")),
    )
    op.create_table(
        "scenarios",
        *_owner("scenarios"),
        sa.Column("public_id", sa.String(HASH), nullable=False),
        sa.Column("sha256", sa.String(HASH), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(SHORT), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("yaml", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "workspace_id", "sha256", name=op.f("uq_scenarios_workspace_id_sha256")
        ),
        sa.UniqueConstraint(
            "workspace_id", "public_id", name=op.f("uq_scenarios_workspace_id_public_id")
        ),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_scenarios_size")),
    )
    op.create_table(
        "saved_options",
        *_owner("saved_options"),
        sa.Column("name", sa.String(ID), nullable=False),
        sa.Column("scenario_id", sa.String(ID), nullable=False),
        sa.Column("scenario_hash", sa.String(HASH), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "workspace_id",
            "scenario_hash",
            "name",
            name=op.f("uq_saved_options_workspace_id_scenario_hash_name"),
        ),
    )
    op.create_table(
        "decisions",
        *_owner("decisions"),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scenario_id", sa.String(ID), nullable=False),
        sa.Column("scenario_hash", sa.String(HASH), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(SHORT), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("solver", sa.String(SHORT), nullable=False),
        sa.Column("method", sa.String(SHORT), nullable=False),
        sa.Column("versions", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.UniqueConstraint("workspace_id", "seq", name=op.f("uq_decisions_workspace_id_seq")),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_decisions_seq_positive")),
    )


def downgrade() -> None:
    """Drop the four tables (children first)."""
    for table in ("decisions", "saved_options", "scenarios", "workspaces"):
        op.drop_table(table)
