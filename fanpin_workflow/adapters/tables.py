"""The engine's tables, prefixed so they sit beside a host's own."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects import sqlite

from fanpin_workflow.adapters.types import UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only auto-increments a plain INTEGER primary key.
_Sequence = BigInteger().with_variant(sqlite.INTEGER(), "sqlite")

monitoring_objects = Table(
    "fanpin_monitoring_objects",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("household_id", String(64), nullable=False),
    Column("village_code", String(12), nullable=False),
    Column("state", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_fanpin_monitoring_objects_village_state", "village_code", "state"),
    Index(
        "uq_fanpin_monitoring_objects_open_household",
        "household_id",
        unique=True,
        sqlite_where=text("state NOT IN ('cleared_out', 'rejected')"),
        postgresql_where=text("state NOT IN ('cleared_out', 'rejected')"),
    ),
)

approval_cases = Table(
    "fanpin_approval_cases",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "object_id",
        String(64),
        ForeignKey("fanpin_monitoring_objects.id"),
        nullable=False,
    ),
    Column("kind", String(32), nullable=False),
    Column("village_code", String(12), nullable=False),
    Column("state", String(32), nullable=False),
    Column("proposed_by", String(64), nullable=False),
    Column("proposed_at", UtcDateTime, nullable=False),
    Column("first_lead_at", UtcDateTime, nullable=False),
    Column("notice_started_at", UtcDateTime),
    Column("notice_ends_at", UtcDateTime),
    Column("decided_at", UtcDateTime),
    Column("decided_by", String(64)),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_fanpin_approval_cases_village_state", "village_code", "state"),
    Index(
        "uq_fanpin_approval_cases_open_object",
        "object_id",
        unique=True,
        sqlite_where=text("state NOT IN ('determined', 'declined')"),
        postgresql_where=text("state NOT IN ('determined', 'declined')"),
    ),
)

audit_trail = Table(
    "fanpin_audit_trail",
    metadata,
    Column("sequence", _Sequence, primary_key=True, autoincrement=True),
    Column("subject_type", String(32), nullable=False),
    Column("subject_id", String(64), nullable=False),
    Column("event", String(32), nullable=False),
    Column("from_state", String(32)),
    Column("to_state", String(32)),
    Column("object_id", String(64), ForeignKey("fanpin_monitoring_objects.id")),
    Column("object_from_state", String(32)),
    Column("object_to_state", String(32)),
    Column("actor_id", String(64), nullable=False),
    Column("actor_role", String(64), nullable=False),
    Column("actor_level", String(16), nullable=False),
    Column("jurisdiction", String(12), nullable=False),
    Column("reason", Text),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("definition_version", String(32), nullable=False),
    Column("request_id", String(128), unique=True),
    Index("ix_fanpin_audit_trail_object_id", "object_id"),
    Index("ix_fanpin_audit_trail_subject", "subject_type", "subject_id"),
)
