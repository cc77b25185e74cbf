"""Monitoring objects, approval cases and an append-only audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import sqlite

from fanpin_workflow.adapters.types import UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_OPEN_OBJECT = "state NOT IN ('cleared_out', 'rejected')"
_OPEN_CASE = "state NOT IN ('determined', 'declined')"

_APPEND_ONLY_SQLITE = """
CREATE TRIGGER fanpin_audit_trail_no_{verb}
BEFORE {verb} ON fanpin_audit_trail
BEGIN SELECT RAISE(ABORT, 'fanpin_audit_trail is append-only'); END
"""

_APPEND_ONLY_POSTGRESQL = [
    """
    CREATE FUNCTION fanpin_audit_trail_refuse() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'fanpin_audit_trail is append-only'; END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER fanpin_audit_trail_append_only
    BEFORE UPDATE OR DELETE ON fanpin_audit_trail
    FOR EACH ROW EXECUTE FUNCTION fanpin_audit_trail_refuse()
    """,
    """
    CREATE TRIGGER fanpin_audit_trail_no_truncate
    BEFORE TRUNCATE ON fanpin_audit_trail
    FOR EACH STATEMENT EXECUTE FUNCTION fanpin_audit_trail_refuse()
    """,
]


def upgrade() -> None:
    op.create_table(
        "fanpin_monitoring_objects",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("household_id", sa.String(64), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fanpin_monitoring_objects"),
    )
    op.create_index(
        "ix_fanpin_monitoring_objects_village_state",
        "fanpin_monitoring_objects",
        ["village_code", "state"],
    )
    op.create_index(
        "uq_fanpin_monitoring_objects_open_household",
        "fanpin_monitoring_objects",
        ["household_id"],
        unique=True,
        sqlite_where=sa.text(_OPEN_OBJECT),
        postgresql_where=sa.text(_OPEN_OBJECT),
    )

    op.create_table(
        "fanpin_approval_cases",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("proposed_by", sa.String(64), nullable=False),
        sa.Column("proposed_at", UtcDateTime(), nullable=False),
        sa.Column("first_lead_at", UtcDateTime(), nullable=False),
        sa.Column("notice_started_at", UtcDateTime(), nullable=True),
        sa.Column("notice_ends_at", UtcDateTime(), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["fanpin_monitoring_objects.id"],
            name="fk_fanpin_approval_cases_object_id",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_fanpin_approval_cases"),
    )
    op.create_index(
        "ix_fanpin_approval_cases_village_state",
        "fanpin_approval_cases",
        ["village_code", "state"],
    )
    op.create_index(
        "uq_fanpin_approval_cases_open_object",
        "fanpin_approval_cases",
        ["object_id"],
        unique=True,
        sqlite_where=sa.text(_OPEN_CASE),
        postgresql_where=sa.text(_OPEN_CASE),
    )

    op.create_table(
        "fanpin_audit_trail",
        sa.Column(
            "sequence",
            sa.BigInteger().with_variant(sqlite.INTEGER(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("subject_type", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("from_state", sa.String(32), nullable=True),
        sa.Column("to_state", sa.String(32), nullable=True),
        sa.Column("object_id", sa.String(64), nullable=True),
        sa.Column("object_from_state", sa.String(32), nullable=True),
        sa.Column("object_to_state", sa.String(32), nullable=True),
        sa.Column("actor_id", sa.String(64), nullable=False),
        sa.Column("actor_role", sa.String(64), nullable=False),
        sa.Column("actor_level", sa.String(16), nullable=False),
        sa.Column("jurisdiction", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.Column("definition_version", sa.String(32), nullable=False),
        sa.Column("request_id", sa.String(128), nullable=True),
        sa.Column("request_fingerprint", sa.String(64), nullable=True),
        sa.Column("command", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["fanpin_monitoring_objects.id"],
            name="fk_fanpin_audit_trail_object_id",
        ),
        sa.PrimaryKeyConstraint("sequence", name="pk_fanpin_audit_trail"),
        sa.UniqueConstraint("request_id", name="uq_fanpin_audit_trail_request_id"),
    )
    op.create_index(
        "ix_fanpin_audit_trail_object_id", "fanpin_audit_trail", ["object_id"]
    )
    op.create_index(
        "ix_fanpin_audit_trail_subject",
        "fanpin_audit_trail",
        ["subject_type", "subject_id"],
    )

    _make_audit_append_only()


def _make_audit_append_only() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(_APPEND_ONLY_SQLITE.format(verb=verb))
    elif dialect == "postgresql":
        for statement in _APPEND_ONLY_POSTGRESQL:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER fanpin_audit_trail_append_only ON fanpin_audit_trail")
        op.execute("DROP TRIGGER fanpin_audit_trail_no_truncate ON fanpin_audit_trail")
        op.execute("DROP FUNCTION fanpin_audit_trail_refuse()")
    op.drop_table("fanpin_audit_trail")
    op.drop_table("fanpin_approval_cases")
    op.drop_table("fanpin_monitoring_objects")
