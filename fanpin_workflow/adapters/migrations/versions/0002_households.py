"""Households and members, investigations, key-household lists.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from fanpin_workflow.adapters.types import UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def _money(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), nullable=False)


def _flag(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), nullable=False)


def upgrade() -> None:
    op.add_column(
        "fanpin_monitoring_objects",
        sa.Column("monitored_since", UtcDateTime(), nullable=True),
    )

    op.create_table(
        "fanpin_households",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        _money("wage_income"),
        _money("business_income"),
        _money("property_income"),
        _money("transfer_income"),
        _money("business_expenses"),
        _money("compliant_expenses"),
        sa.Column("risk_types", sa.String(200), nullable=False),
        _flag("new_risk"),
        _flag("housing_safe"),
        _flag("compulsory_education_secured"),
        _flag("medical_insurance_secured"),
        _flag("drinking_water_safe"),
        sa.Column("measures", sa.String(300), nullable=False),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fanpin_households"),
    )
    op.create_index(
        "ix_fanpin_households_village_code", "fanpin_households", ["village_code"]
    )

    op.create_table(
        "fanpin_household_members",
        sa.Column("household_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id_number", sa.String(22), nullable=False),
        sa.Column("person_key", sa.String(18), nullable=False),
        sa.Column("sex", sa.String(8), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("relation", sa.String(32), nullable=False),
        sa.Column("labour_skill", sa.String(16), nullable=False),
        sa.Column("health", sa.String(100), nullable=False),
        _flag("in_school"),
        _flag("medical_insurance"),
        _flag("subsistence_allowance"),
        _flag("extreme_poverty_support"),
        sa.Column("benefit_identified_on", sa.Date(), nullable=True),
        sa.Column("benefit_applied_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["fanpin_households.id"],
            name="fk_fanpin_household_members_household_id",
        ),
        sa.PrimaryKeyConstraint(
            "household_id", "position", name="pk_fanpin_household_members"
        ),
        sa.UniqueConstraint(
            "person_key", name="uq_fanpin_household_members_person_key"
        ),
    )

    op.create_table(
        "fanpin_investigations",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("household_id", sa.String(64), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("form", sa.String(8), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("grid_member_id", sa.String(64), nullable=False),
        sa.Column("assigned_at", UtcDateTime(), nullable=False),
        sa.Column("visited_at", UtcDateTime(), nullable=True),
        sa.Column("recorded_at", UtcDateTime(), nullable=True),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fanpin_investigations"),
    )
    op.create_index(
        "ix_fanpin_investigations_village_state",
        "fanpin_investigations",
        ["village_code", "state"],
    )
    op.create_index(
        "ix_fanpin_investigations_household_id",
        "fanpin_investigations",
        ["household_id"],
    )

    op.create_table(
        "fanpin_key_household_lists",
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("confirmed_at", UtcDateTime(), nullable=True),
        sa.Column("confirmed_by", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("village_code", name="pk_fanpin_key_household_lists"),
    )
    op.create_table(
        "fanpin_key_households",
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("household_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("added_at", UtcDateTime(), nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["village_code"],
            ["fanpin_key_household_lists.village_code"],
            name="fk_fanpin_key_households_village_code",
        ),
        sa.PrimaryKeyConstraint(
            "village_code", "household_id", "source", name="pk_fanpin_key_households"
        ),
    )


def downgrade() -> None:
    op.drop_table("fanpin_key_households")
    op.drop_table("fanpin_key_household_lists")
    op.drop_table("fanpin_investigations")
    op.drop_table("fanpin_household_members")
    op.drop_table("fanpin_households")
    with op.batch_alter_table("fanpin_monitoring_objects") as batch:
        batch.drop_column("monitored_since")
