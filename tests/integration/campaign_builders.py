"""Builders for the campaign, household-rule and logging storage tests:
invented households, cases driven step by step, and a second county."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
from sqlalchemy import Engine, select

from fanpin_workflow import Actor, VirtualClock, Workflow
from fanpin_workflow.adapters.tables import escalations
from tests.conftest import (
    OTHER_COUNTY,
    VILLAGE,
    admin,
    county_reviewer,
    township_reviewer,
    village_officer,
)
from tests.unit.household_builders import FAMILY, member_record

SHANGHAI = "Asia/Shanghai"

#: A township and village of the second county, with an officer of its own.
OTHER_COUNTY_TOWNSHIP = "450124101000"
OTHER_COUNTY_VILLAGE = "450124101201"
FAR_OFFICER = "officer-9"

#: GB 11643: the weights of the first 17 digits and the check characters.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def at(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    microsecond: int = 0,
) -> pendulum.DateTime:
    """An instant in Asia/Shanghai."""
    return pendulum.datetime(
        year, month, day, hour, minute, second, microsecond, tz=SHANGHAI
    )


def invented_id_number(region: str, born: dt.date, serial: int, male: bool) -> str:
    """An invented 18-character identity number with its GB 11643 check."""
    first_17 = f"{region}{born:%Y%m%d}{serial:02d}{1 if male else 2}"
    total = sum(int(d) * w for d, w in zip(first_17, _WEIGHTS, strict=True))
    return first_17 + _CHECK[total % 11]


def household(
    household_id: str,
    number: int,
    *,
    village: str = VILLAGE,
    size: int = 1,
    health: tuple[str, ...] = ("healthy",),
    **fields: Any,
) -> dict[str, Any]:
    """A valid household of `size` FAMILY members whose ID numbers no other
    household of the test uses (`number` picks the region digits)."""
    members = []
    for position in range(size):
        _, sex, born = FAMILY[position]
        region = f"4501{number:02d}"
        members.append(
            member_record(
                position,
                id_number=invented_id_number(
                    region, born, position + 1, sex.value == "male"
                ),
                health=list(health),
            )
        )
    record: dict[str, Any] = {
        "id": household_id,
        "village_code": village,
        "type": "monitored",
        "members": members,
        "wage_income": 20000,
        "measures": ["employment"],
        "housing_safe": True,
        "compulsory_education_secured": True,
        "medical_insurance_secured": True,
        "drinking_water_safe": True,
    }
    record.update(fields)
    return record


def to_notice(
    workflow: Workflow,
    household_id: str,
    village: str = VILLAGE,
    officer: Actor | None = None,
    **options: Any,
) -> str:
    """Propose an inclusion, deliberate it and publish its notice; its case id."""
    officer = officer or village_officer(village)
    case_id = workflow.propose_inclusion(
        officer, household_id, village, **options
    ).case_id
    assert case_id is not None
    workflow.deliberate(officer, case_id)
    workflow.publish_notice(officer, case_id)
    return case_id


def to_county(
    workflow: Workflow, clock: VirtualClock, case_id: str, notice_days: int = 5
) -> None:
    """Let a published notice run, submit the case and pass the township."""
    clock.advance(days=notice_days)
    workflow.submit(village_officer(), case_id)
    workflow.approve_at_township(township_reviewer(), case_id)


def decide(
    workflow: Workflow, clock: VirtualClock, case_id: str, notice_days: int = 5
) -> None:
    """Take a published case through the township to the county's approval."""
    to_county(workflow, clock, case_id, notice_days)
    workflow.approve_at_county(county_reviewer(), case_id)


def register_other_county(workflow: Workflow) -> Actor:
    """Register a township and village of the other county; their officer."""
    keeper = admin(OTHER_COUNTY)
    workflow.register_area(
        keeper, OTHER_COUNTY_TOWNSHIP, "township", "far township", OTHER_COUNTY
    )
    workflow.register_area(
        keeper, OTHER_COUNTY_VILLAGE, "village", "far village", OTHER_COUNTY_TOWNSHIP
    )
    workflow.assign_role(
        keeper,
        FAR_OFFICER,
        "information_officer",
        OTHER_COUNTY_VILLAGE,
        dt.date(2024, 1, 1),
    )
    return village_officer(OTHER_COUNTY_VILLAGE, FAR_OFFICER)


def due_of(workflow: Workflow, subject_id: str) -> dict[str, pendulum.DateTime | None]:
    """The due time of each task a monitoring object has, by task key."""
    return {
        t.task_key: t.due_at
        for t in workflow.tasks(VILLAGE)
        if t.subject_id == subject_id
    }


def escalation_rows(engine: Engine, subject_type: str) -> list[tuple[Any, ...]]:
    """(subject id, due at, from area, to level, to area) of each escalation."""
    table = escalations
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                table.c.subject_id,
                table.c.due_at,
                table.c.from_area,
                table.c.to_level,
                table.c.to_area,
            )
            .where(table.c.subject_type == subject_type)
            .order_by(table.c.sequence)
        )
        return [tuple(row) for row in rows]
