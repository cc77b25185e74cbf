"""Tests of the data checks of a household record: plausible dates, children's
labour, spouses, the check character and the three guarantees."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fanpin_workflow.domain.household import parse_household
from fanpin_workflow.domain.household_terms import LabourSkill, Sex
from fanpin_workflow.errors import InvalidRecord
from tests.unit.household_builders import (
    GUARANTEES,
    household_record,
    id_number,
    member_record,
)

#: The day the tests' records are registered.
TODAY = dt.date(2024, 5, 10)


def problems_of(
    record: dict[str, Any], today: dt.date | None = None
) -> list[tuple[str, Any, str]]:
    """The (field, value, rule) of every problem parse_household finds."""
    with pytest.raises(InvalidRecord) as caught:
        parse_household(record, today=today)

    return [(p.field, p.value, p.rule) for p in caught.value.problems]


def born_on(day: dt.date, **fields: Any) -> dict[str, Any]:
    """A head of household born on `day`, with a matching ID number."""
    return member_record(
        id_number=id_number(day, Sex.MALE), birth_date=day.isoformat(), **fields
    )


@pytest.mark.parametrize(
    ("born", "today"),
    [(dt.date(1900, 1, 1), None), (TODAY, TODAY), (dt.date(2099, 12, 31), None)],
)
def test_parse_household_accepts_a_birth_date_at_its_bounds(
    born: dt.date, today: dt.date | None
) -> None:
    """1900-01-01, today, and without a today 2099-12-31, are birth dates."""
    record = household_record(members=[born_on(born, labour_skill="none")])

    household = parse_household(record, today=today)

    assert household.head.birth_date == born


@pytest.mark.parametrize(
    ("born", "today", "rule"),
    [
        (dt.date(1899, 12, 31), None, "must be 1900-01-01 or later"),
        (dt.date(1800, 1, 1), TODAY, "must be 1900-01-01 or later"),
        (dt.date(2024, 5, 11), TODAY, "must not be after today (2024-05-10)"),
        (dt.date(2100, 1, 1), None, "must be 2099-12-31 or earlier"),
    ],
)
def test_parse_household_refuses_an_implausible_birth_date(
    born: dt.date, today: dt.date | None, rule: str
) -> None:
    """A birth date before 1900 or after today (or 2099) is refused."""
    record = household_record(members=[born_on(born, labour_skill="none")])

    problems = problems_of(record, today)

    assert problems == [("members[0].birth_date", born.isoformat(), rule)]


@pytest.mark.parametrize("field", ["benefit_identified_on", "benefit_applied_on"])
@pytest.mark.parametrize(
    ("day", "today", "rule"),
    [
        ("1980-03-06", None, "must not be before the member's birth date"),
        ("1900-01-01", TODAY, "must not be before the member's birth date"),
        ("2024-05-11", TODAY, "must not be after today (2024-05-10)"),
        ("2100-01-01", None, "must be 2099-12-31 or earlier"),
    ],
)
def test_parse_household_refuses_an_implausible_benefit_date(
    field: str, day: str, today: dt.date | None, rule: str
) -> None:
    """A benefit date before the member's birth or after today is refused."""
    record = household_record(members=[member_record(**{field: day})])

    problems = problems_of(record, today)

    assert problems == [(f"members[0].{field}", day, rule)]


@pytest.mark.parametrize("day", ["1980-03-07", "2024-05-10"])
def test_parse_household_accepts_a_benefit_date_from_birth_to_today(day: str) -> None:
    """The day of birth and today itself are benefit dates."""
    record = household_record(members=[member_record(benefit_applied_on=day)])

    household = parse_household(record, today=TODAY)

    assert household.head.benefit_applied_on == dt.date.fromisoformat(day)


@pytest.mark.parametrize("skill", ["ordinary", "skilled", "weak_or_half"])
def test_parse_household_refuses_labour_for_a_child_under_16(skill: str) -> None:
    """On the day before the 16th birthday, a child has no labour capacity."""
    child = member_record(3, labour_skill=skill)  # born 2008-12-24
    record = household_record(members=[member_record(), child])

    problems = problems_of(record, dt.date(2024, 12, 23))

    assert problems == [
        (
            "members[1].labour_skill",
            skill,
            "a child under 16 on 2024-12-23 has no labour capacity (lost or none)",
        )
    ]


def test_parse_household_reports_a_future_birth_once() -> None:
    """A birth after today is one problem, not also a child with labour."""
    record = household_record(members=[born_on(dt.date(2030, 1, 1))])

    problems = problems_of(record, TODAY)

    assert problems == [
        (
            "members[0].birth_date",
            "2030-01-01",
            "must not be after today (2024-05-10)",
        )
    ]


@pytest.mark.parametrize("skill", list(LabourSkill))
def test_parse_household_accepts_labour_from_the_16th_birthday(
    skill: LabourSkill,
) -> None:
    """On the 16th birthday any labour skill may be recorded."""
    child = member_record(3, labour_skill=skill.value)  # born 2008-12-24
    record = household_record(members=[member_record(), child])

    household = parse_household(record, today=dt.date(2024, 12, 24))

    assert household.members[1].labour_skill == skill


@pytest.mark.parametrize("skill", ["lost", "none"])
def test_parse_household_accepts_a_child_without_labour(skill: str) -> None:
    """A young child recorded with lost or no labour is accepted."""
    child = member_record(6, labour_skill=skill)  # born 2019-02-28
    record = household_record(members=[member_record(), child])

    household = parse_household(record, today=TODAY)

    assert household.members[1].labour_skill == LabourSkill(skill)


@pytest.mark.parametrize(("head", "spouse"), [(0, 4), (1, 5)])
def test_parse_household_refuses_a_spouse_of_the_heads_sex(
    head: int, spouse: int
) -> None:
    """Relations are to the head, so the spouse is of the head's other sex."""
    record = household_record(
        members=[
            member_record(head, relation="head"),
            member_record(spouse, relation="spouse"),
        ]
    )
    sex = "male" if head == 0 else "female"
    other = "female" if head == 0 else "male"

    problems = problems_of(record)

    assert problems == [
        (
            "members[1].relation",
            "spouse",
            f"a spouse of a {sex} head is {other}, not {sex}",
        )
    ]


def test_parse_household_writes_a_lower_case_check_x_as_capital() -> None:
    """A lower-case check x is accepted and stored as GB 11643's X."""
    head = member_record()
    number = head["id_number"]
    head["id_number"] = number.lower()
    record = household_record(members=[head])

    household = parse_household(record)

    assert (number[-1], household.head.id_number) == ("X", number)


def test_parse_household_finds_the_same_person_written_with_x_and_x() -> None:
    """A number written once with x and once with X is the same person."""
    first = member_record()
    second = member_record(relation="brother", id_number=first["id_number"].lower())
    record = household_record(members=[first, second])

    problems = problems_of(record)

    assert problems == [
        ("members[1].id_number", "****************1X", "the same person as members[0]")
    ]


@pytest.mark.parametrize("field", GUARANTEES)
def test_parse_household_requires_each_of_the_three_guarantees(field: str) -> None:
    """A missing housing, schooling, insurance or water answer is refused."""
    record = household_record()
    del record[field]

    problems = problems_of(record)

    assert problems == [(field, None, "must be given (true or false)")]


@pytest.mark.parametrize("field", GUARANTEES)
def test_parse_household_refuses_a_guarantee_given_as_null(field: str) -> None:
    """A null answer is not an answer: it is refused, not read as secured."""
    record = household_record(**{field: None})

    problems = problems_of(record)

    assert problems == [(field, None, "must be given (true or false)")]


@pytest.mark.parametrize("field", GUARANTEES)
def test_parse_household_reads_a_guarantee_given_as_false(field: str) -> None:
    """An answer of false is kept as false."""
    record = household_record(**{field: False})

    household = parse_household(record)

    assert getattr(household, field) is False
