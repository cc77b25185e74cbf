"""Areas, grids, role assignments, the security log and questions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import sqlite

from fanpin_workflow.adapters.types import UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fanpin_areas",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("parent_code", sa.String(16), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["fanpin_areas.code"], name="fk_fanpin_areas_parent_code"
        ),
        sa.PrimaryKeyConstraint("code", name="pk_fanpin_areas"),
    )
    op.create_table(
        "fanpin_grids",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("max_households", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fanpin_grids"),
    )
    op.create_index("ix_fanpin_grids_village_code", "fanpin_grids", ["village_code"])
    op.create_table(
        "fanpin_grid_households",
        sa.Column("household_id", sa.String(64), nullable=False),
        sa.Column("grid_id", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["grid_id"], ["fanpin_grids.id"], name="fk_fanpin_grid_households_grid_id"
        ),
        sa.PrimaryKeyConstraint("household_id", name="pk_fanpin_grid_households"),
    )
    op.create_index(
        "ix_fanpin_grid_households_grid_id", "fanpin_grid_households", ["grid_id"]
    )
    op.create_table(
        "fanpin_role_assignments",
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("area_code", sa.String(16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint(
            "person_id",
            "role",
            "area_code",
            "starts_on",
            name="pk_fanpin_role_assignments",
        ),
    )
    op.create_index(
        "ix_fanpin_role_assignments_area_code",
        "fanpin_role_assignments",
        ["area_code"],
    )
    op.create_table(
        "fanpin_security_log",
        sa.Column(
            "sequence",
            sa.BigInteger().with_variant(sqlite.INTEGER(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.Column("actor_id", sa.String(64), nullable=False),
        sa.Column("actor_role", sa.String(64), nullable=False),
        sa.Column("actor_level", sa.String(16), nullable=False),
        sa.Column("jurisdiction", sa.String(12), nullable=False),
        sa.Column("command", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("sequence", name="pk_fanpin_security_log"),
    )
    op.create_table(
        "fanpin_questions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("raised_by", sa.String(64), nullable=False),
        sa.Column("raised_at", UtcDateTime(), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=False),
        sa.Column("escalated_at", UtcDateTime(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(64), nullable=True),
        sa.Column("answered_at", UtcDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fanpin_questions"),
    )
    op.create_index(
        "ix_fanpin_questions_state_due_at", "fanpin_questions", ["state", "due_at"]
    )
    op.create_index(
        "ix_fanpin_questions_village_code", "fanpin_questions", ["village_code"]
    )


def downgrade() -> None:
    op.drop_table("fanpin_questions")
    op.drop_table("fanpin_security_log")
    op.drop_table("fanpin_role_assignments")
    op.drop_table("fanpin_grid_households")
    op.drop_table("fanpin_grids")
    op.drop_table("fanpin_areas")
