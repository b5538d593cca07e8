"""Stories: a trainer's prepared steps, and the step a story is showing (issue 17).

Revision ID: 0004
Revises: 0003
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Written out rather than imported from story_tables.py: a migration is a fixed step.
HASH = 64
ID = 200
SHORT = 40


def upgrade() -> None:
    """Create stories, their steps and their presentations."""
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(SHORT), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_stories_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "workspace_id", "public_id", name=op.f("uq_stories_workspace_id_public_id")
        ),
        sa.CheckConstraint("revision >= 0", name=op.f("ck_stories_revision")),
    )
    op.create_table(
        "story_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("caption", sa.JSON(), nullable=False),
        sa.Column("scenario_id", sa.String(ID), nullable=False),
        sa.Column("scenario_hash", sa.String(HASH), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("focus_kind", sa.String(SHORT), nullable=True),
        sa.Column("focus_value", sa.String(ID), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_steps")),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_story_steps_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("story_id", "position", name=op.f("uq_story_steps_story_id_position")),
        sa.CheckConstraint("position >= 0", name=op.f("ck_story_steps_position")),
    )
    op.create_table(
        "story_presentations",
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("viewer_hash", sa.String(HASH), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("story_id", name=op.f("pk_story_presentations")),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_story_presentations_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["story_steps.id"],
            name=op.f("fk_story_presentations_step_id_story_steps"),
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("viewer_hash", name=op.f("uq_story_presentations_viewer_hash")),
    )


def downgrade() -> None:
    """Drop the three tables (children first)."""
    for table in ("story_presentations", "story_steps", "stories"):
        op.drop_table(table)
