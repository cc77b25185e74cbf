"""Builders of valid, invented household records and objects for unit tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs

from fanpin_workflow.domain.household import Household, Member
from fanpin_workflow.domain.household_terms import (
    Health,
    HouseholdType,
    LabourSkill,
    Relation,
    Sex,
)
from fanpin_workflow.domain.identity import check_digit

#: An invented county region (first six digits of an identity number).
REGION = "450123"
VILLAGE = "450123101201"

#: Household fields that hold yuan; builders accept them as text or int.
MONEY = ("_income", "_expenses")

#: The "three guarantees and drinking water" flags every record must answer.
GUARANTEES = (
    "housing_safe",
    "compulsory_education_secured",
    "medical_insurance_secured",
    "drinking_water_safe",
)

#: The members of a household, in the order builders add them.
FAMILY: tuple[tuple[Relation, Sex, dt.date], ...] = (
    (Relation.HEAD, Sex.MALE, dt.date(1980, 3, 7)),
    (Relation.SPOUSE, Sex.FEMALE, dt.date(1982, 5, 11)),
    (Relation.SON, Sex.MALE, dt.date(2005, 9, 1)),
    (Relation.DAUGHTER, Sex.FEMALE, dt.date(2008, 12, 24)),
    (Relation.FATHER, Sex.MALE, dt.date(1952, 1, 15)),
    (Relation.MOTHER, Sex.FEMALE, dt.date(1954, 7, 30)),
    (Relation.GRANDSON, Sex.MALE, dt.date(2019, 2, 28)),
    (Relation.GRANDDAUGHTER, Sex.FEMALE, dt.date(2021, 6, 6)),
    (Relation.BROTHER, Sex.MALE, dt.date(1985, 10, 10)),
    (Relation.SISTER, Sex.FEMALE, dt.date(1988, 4, 4)),
)


def id_number(born: dt.date, sex: Sex, serial: int = 1, region: str = REGION) -> str:
    """A valid 18-character identity number for the birth date and sex."""
    sex_digit = 1 if sex == Sex.MALE else 2
    first_17 = f"{region}{born:%Y%m%d}{serial % 100:02d}{sex_digit}"
    return first_17 + check_digit(first_17)


def member_record(position: int = 0, **fields: Any) -> dict[str, Any]:
    """A valid member mapping: the `position`-th relative of FAMILY."""
    relation, sex, born = FAMILY[position]
    record: dict[str, Any] = {
        "id_number": id_number(born, sex, serial=position + 1),
        "sex": sex.value,
        "birth_date": born.isoformat(),
        "relation": relation.value,
        "labour_skill": LabourSkill.ORDINARY.value,
        "health": [Health.HEALTHY.value],
    }
    record.update(fields)
    return record


def household_record(size: int = 1, **fields: Any) -> dict[str, Any]:
    """A valid household mapping of `size` members from FAMILY."""
    record: dict[str, Any] = {
        "id": "hh-0001",
        "village_code": VILLAGE,
        "type": HouseholdType.MONITORED.value,
        "members": [member_record(position) for position in range(size)],
        **dict.fromkeys(GUARANTEES, True),
    }
    record.update(fields)
    return record


def member(position: int = 0, **fields: Any) -> Member:
    """A valid Member: the `position`-th relative of FAMILY, with labour."""
    relation, sex, born = FAMILY[position]
    built = Member(
        id_number=id_number(born, sex, serial=position + 1),
        sex=sex,
        birth_date=born,
        relation=relation,
        labour_skill=LabourSkill.ORDINARY,
        health=frozenset({Health.HEALTHY}),
    )
    return attrs.evolve(built, **fields)


def household(
    size: int = 1, members: tuple[Member, ...] | None = None, **fields: Any
) -> Household:
    """A valid Household of `size` members from FAMILY (or of `members`)."""
    if members is None:
        members = tuple(member(position) for position in range(size))
    facts = {
        name: Decimal(value) if name.endswith(MONEY) else value
        for name, value in fields.items()
    }
    facts.setdefault("type", HouseholdType.MONITORED)
    return Household(id="hh-0001", village_code=VILLAGE, members=members, **facts)
