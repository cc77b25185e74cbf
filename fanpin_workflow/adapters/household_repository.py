"""Households and their members in `fanpin_households` and `..._members`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

import pendulum
from sqlalchemy import Connection, and_, bindparam, or_, select
from sqlalchemy.engine import Row

from fanpin_workflow.adapters.repository import chunked
from fanpin_workflow.adapters.tables import household_members, households
from fanpin_workflow.domain.household import Household, Member
from fanpin_workflow.domain.household_terms import (
    Health,
    HouseholdType,
    LabourSkill,
    Measure,
    MonitoringCategory,
    Relation,
    RiskType,
    Sex,
)
from fanpin_workflow.errors import ConcurrencyConflict

_MONEY = (
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "business_expenses",
    "compliant_expenses",
)
_FLAGS = (
    "new_risk",
    "housing_safe",
    "compulsory_education_secured",
    "medical_insurance_secured",
    "drinking_water_safe",
)
_MEMBER_FLAGS = (
    "in_school",
    "medical_insurance",
    "subsistence_allowance",
    "extreme_poverty_support",
)


def _fen(amount: Decimal) -> int:
    return int(amount * 100)


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def _joined(values: Collection[str]) -> str:
    return ",".join(values)


def _split(text: str) -> list[str]:
    return [value for value in text.split(",") if value]


class SqlAlchemyHouseholdRepository:
    """Households with their members; each save replaces the member rows."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def get_many(self, ids: Collection[str]) -> dict[str, tuple[Household, int]]:
        """The households with these ids and the version each was loaded at."""
        rows: list[Row[Any]] = []
        members: dict[str, list[Member]] = {}
        for chunk in chunked(ids):
            rows += self.connection.execute(
                select(households).where(households.c.id.in_(chunk))
            ).all()
            for member in self.connection.execute(
                select(household_members)
                .where(household_members.c.household_id.in_(chunk))
                .order_by(
                    household_members.c.household_id, household_members.c.position
                )
            ):
                members.setdefault(member.household_id, []).append(_load_member(member))
        return {
            row.id: (_load_household(row, members.get(row.id, [])), row.version)
            for row in rows
        }

    def ids_within(self, prefix: str) -> list[str]:
        """The ids of every household inside an area-code prefix, in order."""
        query = (
            select(households.c.id)
            .where(households.c.village_code.startswith(prefix))
            .order_by(households.c.id)
        )
        return list(self.connection.execute(query).scalars())

    def with_benefit_since(self, village_code: str, since: dt.date) -> list[str]:
        """Households of a village with a member identified for, or applying
        for, the allowance or extreme-poverty support on or after `since`."""
        members = household_members
        query = (
            select(households.c.id)
            .join(members, members.c.household_id == households.c.id)
            .where(
                households.c.village_code == village_code,
                or_(
                    members.c.benefit_identified_on >= since,
                    members.c.benefit_applied_on >= since,
                ),
            )
            .distinct()
        )
        return sorted(self.connection.execute(query).scalars())

    def owners(self, id_numbers: Collection[str]) -> dict[str, str]:
        """The household each person is registered in, by the first 18
        characters of their identity (or certificate) number."""
        found: dict[str, str] = {}
        for chunk in chunked({number[:18] for number in id_numbers}):
            query = select(
                household_members.c.person_key, household_members.c.household_id
            ).where(household_members.c.person_key.in_(chunk))
            found.update(
                {number: owner for number, owner in self.connection.execute(query)}
            )
        return found

    def add_many(self, records: Sequence[Household], now: pendulum.DateTime) -> None:
        """Insert new households and their members."""
        if not records:
            return
        self.connection.execute(
            households.insert(), [_dump(h, 1, now) for h in records]
        )
        self._insert_members(records)

    def update_many(
        self,
        records: Sequence[Household],
        loaded: dict[str, int],
        now: pendulum.DateTime,
    ) -> None:
        """Save changed households, each only if unchanged since it was loaded.

        Raises:
            ConcurrencyConflict: another writer saved one of them first.
        """
        if not records:
            return
        columns = [c.name for c in households.c if c.name != "id"]
        statement = (
            households.update()
            .where(
                and_(
                    households.c.id == bindparam("b_id"),
                    households.c.version == bindparam("b_version"),
                )
            )
            .values({name: bindparam(name) for name in columns})
        )
        for household in records:
            values = _dump(household, loaded[household.id] + 1, now)
            values["b_id"] = values.pop("id")
            values["b_version"] = loaded[household.id]
            if self.connection.execute(statement, values).rowcount != 1:
                raise ConcurrencyConflict(
                    "household",
                    household.id,
                    f"loaded at version {loaded[household.id]}",
                )
        self.connection.execute(
            household_members.delete().where(
                household_members.c.household_id.in_([h.id for h in records])
            )
        )
        self._insert_members(records)

    def _insert_members(self, records: Sequence[Household]) -> None:
        rows = [
            _dump_member(household.id, position, member)
            for household in records
            for position, member in enumerate(household.members)
        ]
        self.connection.execute(household_members.insert(), rows)


def _dump(household: Household, version: int, now: pendulum.DateTime) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": household.id,
        "village_code": household.village_code,
        "type": str(household.type),
        "risk_types": _joined(household.risk_types),
        "measures": _joined(household.measures),
        "category": None if household.category is None else str(household.category),
        "version": version,
        "updated_at": now,
    }
    values.update({name: _fen(getattr(household, name)) for name in _MONEY})
    values.update({name: getattr(household, name) for name in _FLAGS})
    return values


def _load_household(row: Row[Any], members: list[Member]) -> Household:
    return Household(
        id=row.id,
        village_code=row.village_code,
        type=HouseholdType(row.type),
        members=tuple(members),
        risk_types=tuple(RiskType(v) for v in _split(row.risk_types)),
        measures=tuple(Measure(v) for v in _split(row.measures)),
        category=None if row.category is None else MonitoringCategory(row.category),
        wage_income=_yuan(row.wage_income),
        business_income=_yuan(row.business_income),
        property_income=_yuan(row.property_income),
        transfer_income=_yuan(row.transfer_income),
        business_expenses=_yuan(row.business_expenses),
        compliant_expenses=_yuan(row.compliant_expenses),
        new_risk=row.new_risk,
        housing_safe=row.housing_safe,
        compulsory_education_secured=row.compulsory_education_secured,
        medical_insurance_secured=row.medical_insurance_secured,
        drinking_water_safe=row.drinking_water_safe,
    )


def _dump_member(household_id: str, position: int, member: Member) -> dict[str, Any]:
    values: dict[str, Any] = {
        "household_id": household_id,
        "position": position,
        "id_number": member.id_number,
        "person_key": member.id_number[:18],
        "sex": str(member.sex),
        "birth_date": member.birth_date,
        "relation": str(member.relation),
        "labour_skill": str(member.labour_skill),
        "health": _joined(sorted(member.health)),
        "benefit_identified_on": member.benefit_identified_on,
        "benefit_applied_on": member.benefit_applied_on,
    }
    values.update({name: getattr(member, name) for name in _MEMBER_FLAGS})
    return values


def _load_member(row: Row[Any]) -> Member:
    return Member(
        id_number=row.id_number,
        sex=Sex(row.sex),
        birth_date=row.birth_date,
        relation=Relation(row.relation),
        labour_skill=LabourSkill(row.labour_skill),
        health=frozenset(Health(v) for v in _split(row.health)),
        benefit_identified_on=row.benefit_identified_on,
        benefit_applied_on=row.benefit_applied_on,
        **{name: getattr(row, name) for name in _MEMBER_FLAGS},
    )
