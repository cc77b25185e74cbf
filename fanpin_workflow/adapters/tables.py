"""The engine's tables, prefixed so they sit beside a host's own."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
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
    Column("monitored_since", UtcDateTime),
    Index("ix_fanpin_monitoring_objects_village_state", "village_code", "state"),
    Index(
        "uq_fanpin_monitoring_objects_open_household",
        "household_id",
        unique=True,
        sqlite_where=text("state NOT IN ('cleared_out', 'rejected')"),
        postgresql_where=text("state NOT IN ('cleared_out', 'rejected')"),
    ),
)

#: The condition of an open case, as the partial indexes of cases spell it.
OPEN_CASES = "state NOT IN ('determined', 'declined')"

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
    # When an inclusion or relabel must be decided by (15 days from the
    # first lead); the sweep's index holds only the open cases.
    Column("decision_due_at", UtcDateTime),
    Index("ix_fanpin_approval_cases_village_state", "village_code", "state"),
    Index(
        "ix_fanpin_approval_cases_open_decision_due_at",
        "decision_due_at",
        sqlite_where=text(OPEN_CASES),
        postgresql_where=text(OPEN_CASES),
    ),
    Index(
        "uq_fanpin_approval_cases_open_object",
        "object_id",
        unique=True,
        sqlite_where=text(OPEN_CASES),
        postgresql_where=text(OPEN_CASES),
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
    Column("request_fingerprint", String(64)),
    Column("command", String(64)),
    Index("ix_fanpin_audit_trail_object_id", "object_id"),
    Index("ix_fanpin_audit_trail_subject", "subject_type", "subject_id"),
)


# Amounts are whole fen (0.01 yuan): exact on every backend.
households = Table(
    "fanpin_households",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("village_code", String(12), nullable=False),
    Column("type", String(16), nullable=False),
    Column("wage_income", BigInteger, nullable=False),
    Column("business_income", BigInteger, nullable=False),
    Column("property_income", BigInteger, nullable=False),
    Column("transfer_income", BigInteger, nullable=False),
    Column("business_expenses", BigInteger, nullable=False),
    Column("compliant_expenses", BigInteger, nullable=False),
    Column("risk_types", String(200), nullable=False),
    Column("new_risk", Boolean, nullable=False),
    Column("housing_safe", Boolean, nullable=False),
    Column("compulsory_education_secured", Boolean, nullable=False),
    Column("medical_insurance_secured", Boolean, nullable=False),
    Column("drinking_water_safe", Boolean, nullable=False),
    Column("measures", String(300), nullable=False),
    Column("category", String(32)),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_fanpin_households_village_code", "village_code"),
)

household_members = Table(
    "fanpin_household_members",
    metadata,
    Column(
        "household_id",
        String(64),
        ForeignKey("fanpin_households.id"),
        primary_key=True,
    ),
    Column("position", Integer, primary_key=True),
    Column("id_number", String(22), nullable=False),
    # The person: an identity number's first 18 characters, also inside a
    # 20- or 22-character certificate number. One household per person.
    Column("person_key", String(18), nullable=False, unique=True),
    Column("sex", String(8), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("relation", String(32), nullable=False),
    Column("labour_skill", String(16), nullable=False),
    Column("health", String(100), nullable=False),
    Column("in_school", Boolean, nullable=False),
    Column("medical_insurance", Boolean, nullable=False),
    Column("subsistence_allowance", Boolean, nullable=False),
    Column("extreme_poverty_support", Boolean, nullable=False),
    Column("benefit_identified_on", Date),
    Column("benefit_applied_on", Date),
)

investigations = Table(
    "fanpin_investigations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("household_id", String(64), nullable=False),
    Column("village_code", String(12), nullable=False),
    Column("form", String(8), nullable=False),
    Column("state", String(16), nullable=False),
    Column("grid_member_id", String(64), nullable=False),
    Column("assigned_at", UtcDateTime, nullable=False),
    Column("visited_at", UtcDateTime),
    Column("recorded_at", UtcDateTime),
    Column("findings", Text),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_fanpin_investigations_village_state", "village_code", "state"),
    Index("ix_fanpin_investigations_household_id", "household_id"),
)

key_household_lists = Table(
    "fanpin_key_household_lists",
    metadata,
    Column("village_code", String(12), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("confirmed_at", UtcDateTime),
    Column("confirmed_by", String(64)),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

key_households = Table(
    "fanpin_key_households",
    metadata,
    Column(
        "village_code",
        String(12),
        ForeignKey("fanpin_key_household_lists.village_code"),
        primary_key=True,
    ),
    Column("household_id", String(64), primary_key=True),
    Column("source", String(32), primary_key=True),
    Column("reason", String(200), nullable=False),
    Column("added_at", UtcDateTime, nullable=False),
    Column("added_by", String(64), nullable=False),
)

areas = Table(
    "fanpin_areas",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("level", String(16), nullable=False),
    Column("name", String(100), nullable=False),
    Column("parent_code", String(16), ForeignKey("fanpin_areas.code")),
)

grids = Table(
    "fanpin_grids",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("village_code", String(12), nullable=False),
    Column("name", String(100), nullable=False),
    Column("max_households", Integer, nullable=False),
    Index("ix_fanpin_grids_village_code", "village_code"),
)

grid_households = Table(
    "fanpin_grid_households",
    metadata,
    Column("household_id", String(64), primary_key=True),
    Column("grid_id", String(64), ForeignKey("fanpin_grids.id"), nullable=False),
    Index("ix_fanpin_grid_households_grid_id", "grid_id"),
)

role_assignments = Table(
    "fanpin_role_assignments",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("role", String(32), primary_key=True),
    Column("area_code", String(16), primary_key=True),
    Column("starts_on", Date, primary_key=True),
    Column("ends_on", Date),
    Index("ix_fanpin_role_assignments_area_code", "area_code"),
)

security_log = Table(
    "fanpin_security_log",
    metadata,
    Column("sequence", _Sequence, primary_key=True, autoincrement=True),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("actor_id", String(64), nullable=False),
    Column("actor_role", String(64), nullable=False),
    Column("actor_level", String(16), nullable=False),
    Column("jurisdiction", String(12), nullable=False),
    Column("command", String(64), nullable=False),
    Column("rule", String(64), nullable=False),
    Column("message", Text, nullable=False),
)

questions = Table(
    "fanpin_questions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("village_code", String(12), nullable=False),
    Column("text", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("raised_by", String(64), nullable=False),
    Column("raised_at", UtcDateTime, nullable=False),
    # None once the county, too, let its time pass: escalated, out of the sweep.
    Column("due_at", UtcDateTime),
    Column("escalated_at", UtcDateTime),
    Column("answer", Text),
    Column("answered_by", String(64)),
    Column("answered_at", UtcDateTime),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_fanpin_questions_state_due_at", "state", "due_at"),
    Index("ix_fanpin_questions_village_code", "village_code"),
)

campaigns = Table(
    "fanpin_campaigns",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("definition", String(64), nullable=False),
    Column("version", String(32), nullable=False),
    Column("county_code", String(12), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    # The settings it runs with, as JSON; NULL: its definition's own.
    Column("settings", Text),
    Column("ended_at", UtcDateTime),
    # One running campaign per county; ended ones stay, for their history.
    Index(
        "uq_fanpin_campaigns_running_county",
        "county_code",
        unique=True,
        sqlite_where=text("ended_at IS NULL"),
        postgresql_where=text("ended_at IS NULL"),
    ),
)

tasks = Table(
    "fanpin_tasks",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "campaign_id", String(64), ForeignKey("fanpin_campaigns.id"), nullable=False
    ),
    Column("task_key", String(64), nullable=False),
    Column("stage", String(32), nullable=False),
    Column("level", String(16), nullable=False),
    Column("area_code", String(12), nullable=False),
    Column("subject_id", String(64)),
    Column("state", String(16), nullable=False),
    Column("due_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("completed_at", UtcDateTime),
    Column("reason", Text),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # The overdue sweep reads open tasks by due time through this index.
    Index("ix_fanpin_tasks_state_due_at", "state", "due_at"),
    Index("ix_fanpin_tasks_campaign_area", "campaign_id", "area_code"),
    Index("ix_fanpin_tasks_subject_id", "subject_id"),
)

escalations = Table(
    "fanpin_escalations",
    metadata,
    Column("sequence", _Sequence, primary_key=True, autoincrement=True),
    Column("subject_type", String(32), nullable=False),
    Column("subject_id", String(64), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("escalated_at", UtcDateTime, nullable=False),
    Column("from_area", String(12), nullable=False),
    Column("to_level", String(16), nullable=False),
    Column("to_area", String(12), nullable=False),
    UniqueConstraint("subject_type", "subject_id", "due_at"),
)

# How far each `fanpin simulate` got: a run without `finished_at` stopped
# early (interrupted, or failed) and its database holds a partial campaign.
simulation_runs = Table(
    "fanpin_simulation_runs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("seed", BigInteger, nullable=False),
    Column("households", Integer, nullable=False),
    Column("window_start", UtcDateTime, nullable=False),
    Column("window_end", UtcDateTime, nullable=False),
    Column("simulated_to", UtcDateTime),
    Column("finished_at", UtcDateTime),
)
