"""The settings a campaign runs with and when it ended (one running campaign
per county), and the decision deadline of a case.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from fanpin_workflow.adapters.types import UtcDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_OPEN = "state NOT IN ('determined', 'declined')"


def upgrade() -> None:
    # A campaign started before this revision ran its definition's own
    # settings; NULL reads back as exactly that.
    op.add_column("fanpin_campaigns", sa.Column("settings", sa.Text(), nullable=True))
    op.add_column(
        "fanpin_campaigns", sa.Column("ended_at", UtcDateTime(), nullable=True)
    )
    # One running campaign per county: two starts racing on PostgreSQL both
    # passed the check and copied every task twice.
    op.drop_index("ix_fanpin_campaigns_county_code", table_name="fanpin_campaigns")
    op.create_index(
        "uq_fanpin_campaigns_running_county",
        "fanpin_campaigns",
        ["county_code"],
        unique=True,
        sqlite_where=sa.text("ended_at IS NULL"),
        postgresql_where=sa.text("ended_at IS NULL"),
    )
    # A question the county did not answer in time is escalated once and
    # leaves the sweep's index: its due time is cleared.
    with op.batch_alter_table("fanpin_questions") as batch:
        batch.alter_column("due_at", existing_type=UtcDateTime(), nullable=True)
    op.add_column(
        "fanpin_approval_cases",
        sa.Column("decision_due_at", UtcDateTime(), nullable=True),
    )
    op.create_index(
        "ix_fanpin_approval_cases_open_decision_due_at",
        "fanpin_approval_cases",
        ["decision_due_at"],
        sqlite_where=sa.text(_OPEN),
        postgresql_where=sa.text(_OPEN),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_fanpin_approval_cases_open_decision_due_at",
        table_name="fanpin_approval_cases",
    )
    with op.batch_alter_table("fanpin_approval_cases") as batch:
        batch.drop_column("decision_due_at")
    op.drop_index("uq_fanpin_campaigns_running_county", table_name="fanpin_campaigns")
    op.create_index(
        "ix_fanpin_campaigns_county_code", "fanpin_campaigns", ["county_code"]
    )
    with op.batch_alter_table("fanpin_campaigns") as batch:
        batch.drop_column("ended_at")
        batch.drop_column("settings")
    # Questions whose due time was cleared get back the time they ran out.
    op.execute("UPDATE fanpin_questions SET due_at = updated_at WHERE due_at IS NULL")
    with op.batch_alter_table("fanpin_questions") as batch:
        batch.alter_column("due_at", existing_type=UtcDateTime(), nullable=False)
