"""The settings a campaign runs with, and the decision deadline of a case.

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
    with op.batch_alter_table("fanpin_campaigns") as batch:
        batch.drop_column("settings")
