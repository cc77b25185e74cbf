"""Campaigns, task copies and escalations of overdue work.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import sqlite

from fanpin_workflow.adapters.types import UtcDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fanpin_campaigns",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("definition", sa.String(64), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fanpin_campaigns"),
    )
    op.create_index(
        "ix_fanpin_campaigns_county_code", "fanpin_campaigns", ["county_code"]
    )
    op.create_table(
        "fanpin_tasks",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("task_key", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("area_code", sa.String(12), nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("completed_at", UtcDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["fanpin_campaigns.id"],
            name="fk_fanpin_tasks_campaign_id",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_fanpin_tasks"),
    )
    op.create_index("ix_fanpin_tasks_state_due_at", "fanpin_tasks", ["state", "due_at"])
    op.create_index(
        "ix_fanpin_tasks_campaign_area", "fanpin_tasks", ["campaign_id", "area_code"]
    )
    op.create_index("ix_fanpin_tasks_subject_id", "fanpin_tasks", ["subject_id"])
    op.create_table(
        "fanpin_escalations",
        sa.Column(
            "sequence",
            sa.BigInteger().with_variant(sqlite.INTEGER(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("subject_type", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=False),
        sa.Column("escalated_at", UtcDateTime(), nullable=False),
        sa.Column("from_area", sa.String(12), nullable=False),
        sa.Column("to_level", sa.String(16), nullable=False),
        sa.Column("to_area", sa.String(12), nullable=False),
        sa.PrimaryKeyConstraint("sequence", name="pk_fanpin_escalations"),
        sa.UniqueConstraint(
            "subject_type",
            "subject_id",
            "due_at",
            name="uq_fanpin_escalations_subject_type_subject_id_due_at",
        ),
    )


def downgrade() -> None:
    op.drop_table("fanpin_escalations")
    op.drop_table("fanpin_tasks")
    op.drop_table("fanpin_campaigns")
