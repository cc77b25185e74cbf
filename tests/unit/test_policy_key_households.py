"""Tests of the households that must be investigated in depth (重点户)."""

from __future__ import annotations

import datetime as dt

import pytest

from fanpin_workflow.domain.policy.key_households import (
    REFERENCE_CATEGORIES,
    must_be_key_household,
)
from fanpin_workflow.domain.policy.parameters import PolicyParameters
from tests.unit.household_builders import household, member

PARAMETERS = PolicyParameters()
LAST_DAY_BEFORE = dt.date(2022, 12, 31)
FIRST_DAY = dt.date(2023, 1, 1)


@pytest.mark.parametrize("field", ["benefit_identified_on", "benefit_applied_on"])
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2019, 6, 1), False),
        (LAST_DAY_BEFORE, False),
        (FIRST_DAY, True),
        (dt.date(2024, 5, 9), True),
    ],
)
def test_a_benefit_since_2023_makes_a_key_household(
    field: str, day: dt.date, expected: bool
) -> None:
    """Identified for or applying for a benefit on or after 1 January 2023."""
    members = (member(0), member(1, **{field: day}))

    result = must_be_key_household(household(members=members), PARAMETERS)

    assert result is expected


def test_a_household_without_benefit_dates_need_not_be_key() -> None:
    """Members with no benefit dates don't make a key household."""
    members = (member(0, subsistence_allowance=True), member(1))

    result = must_be_key_household(household(members=members), PARAMETERS)

    assert result is False


@pytest.mark.parametrize(
    ("identified", "applied", "expected"),
    [
        (LAST_DAY_BEFORE, FIRST_DAY, True),
        (FIRST_DAY, LAST_DAY_BEFORE, True),
        (LAST_DAY_BEFORE, LAST_DAY_BEFORE, False),
        (None, FIRST_DAY, True),
        (LAST_DAY_BEFORE, None, False),
    ],
)
def test_either_date_is_enough(
    identified: dt.date | None, applied: dt.date | None, expected: bool
) -> None:
    """A recent application counts even when the identification is older."""
    subject = household(
        members=(
            member(0, benefit_identified_on=identified, benefit_applied_on=applied),
        )
    )

    result = must_be_key_household(subject, PARAMETERS)

    assert result is expected


@pytest.mark.parametrize(
    ("since", "expected"),
    [(dt.date(2024, 1, 1), False), (dt.date(2023, 6, 30), True)],
)
def test_the_start_date_is_a_parameter(since: dt.date, expected: bool) -> None:
    """Another campaign may count benefits from another day."""
    parameters = PolicyParameters(mandatory_key_since=since)
    subject = household(members=(member(0, benefit_applied_on=dt.date(2023, 6, 30)),))

    result = must_be_key_household(subject, parameters)

    assert result is expected


def test_the_reference_list_has_ten_distinct_categories() -> None:
    """The upper level's reference list has ten categories with unique codes."""
    codes = [category.code for category in REFERENCE_CATEGORIES]

    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(c.title_zh and c.title_en for c in REFERENCE_CATEGORIES)
