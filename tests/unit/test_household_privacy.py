"""Tests that household errors and reprs keep ID numbers and health out, and
that a record's unknown fields are refused rather than dropped."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fanpin_workflow.domain.household import parse_household
from fanpin_workflow.domain.household_terms import Health, Measure, RiskType
from fanpin_workflow.errors import InvalidRecord
from tests.unit.household_builders import (
    household,
    household_record,
    member,
    member_record,
)

#: An invented identity number (a woman born on 2 February 1982).
NUMBER = "450123198202020027"

LONG_RUN = re.compile(r"\d{15,}")

HEALTH_TERMS = ("healthy", "chronic_illness", "serious_illness", "disability")


def refusal(record: dict[str, Any]) -> InvalidRecord:
    """The InvalidRecord parse_household raises for the record."""
    with pytest.raises(InvalidRecord) as caught:
        parse_household(record)

    return caught.value


def messages(record: dict[str, Any]) -> list[str]:
    """The message of every problem parse_household finds in the record."""
    return [str(problem) for problem in refusal(record).problems]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"village_code": NUMBER},
            "village_code='****************27' is refused: an area code is 12 digits.",
        ),
        (
            {"id": "hh-" + NUMBER * 4},
            f"id='hh-{'*' * 70}27' is refused: must be 1 to 64 characters "
            "without edge spaces or control codes.",
        ),
        (
            {"category": NUMBER},
            "category='****************27' is refused: must be one of "
            "unstable_exited, marginal, sudden_hardship.",
        ),
    ],
)
def test_parse_household_masks_an_identity_number_in_any_field(
    fields: dict[str, Any], message: str
) -> None:
    """An ID number typed into an area code, id or choice is shown masked."""
    record = household_record(**fields)

    refused = refusal(record)

    assert [str(problem) for problem in refused.problems] == [message]
    assert LONG_RUN.search(str(refused)) is None


def test_parse_household_masks_a_household_id_that_is_an_identity_number() -> None:
    """A record whose id is an ID number is named masked in the refusal."""
    record = household_record(id=NUMBER, type="rich")

    refused = refusal(record)

    assert refused.record == "household ****************27"
    assert LONG_RUN.search(str(refused)) is None


def test_parse_household_shows_a_float_amount_as_an_amount() -> None:
    """An amount with many decimal places is shown as given, not masked."""
    record = household_record(wage_income=0.1 + 0.2)

    found = messages(record)

    assert found == [
        "wage_income=0.30000000000000004 is refused: "
        "must have at most 2 decimal places (fen)."
    ]


@pytest.mark.parametrize(
    ("health", "message"),
    [
        (
            ["healthy", "serious_illness"],
            "members[0].health is refused: "
            "'healthy' can't be combined with another condition.",
        ),
        ("serious_illness", "members[0].health is refused: must be a list."),
        (
            ["chronic_illness", "chronic_illness"],
            "members[0].health is refused: must not repeat a value.",
        ),
    ],
)
def test_parse_household_never_shows_a_members_health(
    health: Any, message: str
) -> None:
    """An error about health names the field and the rule, never the conditions."""
    record = household_record(members=[member_record(health=health)])

    found = messages(record)

    assert found == [message]
    assert not [term for term in HEALTH_TERMS[1:] if term in found[0]]


def test_parse_household_never_shows_an_unknown_health_value() -> None:
    """A condition outside the list is refused without being echoed."""
    record = household_record(members=[member_record(health=["HIV"])])

    refused = refusal(record)

    [problem] = refused.problems
    assert (problem.field, problem.value) == ("members[0].health[0]", None)
    assert "HIV" not in str(refused)


def test_member_repr_hides_health_and_the_identity_number() -> None:
    """A Member's or a Household's repr shows neither health nor the number."""
    sick = member(
        id_number=NUMBER,
        health=frozenset({Health.SERIOUS_ILLNESS, Health.DISABILITY}),
    )

    shown = repr(household(members=(sick,)))

    assert "health=<withheld>" in shown
    assert not [term for term in HEALTH_TERMS if term in shown]
    assert NUMBER[:-2] not in shown


def test_household_repr_withholds_illness_and_disability_risks_and_measures() -> None:
    """Risk types and measures that tell of illness or disability are withheld."""
    built = household(
        risk_types=(RiskType.ILLNESS, RiskType.HOUSING, RiskType.DISABILITY),
        measures=(Measure.HEALTH_SUPPORT, Measure.DISABILITY_SUPPORT, Measure.INDUSTRY),
    )

    shown = repr(built)

    assert "risk_types=(<withheld>, 'housing', <withheld>)" in shown
    assert "measures=(<withheld>, <withheld>, 'industry')" in shown
    assert not [w for w in ("illness", "disability", "health_support") if w in shown]


@pytest.mark.parametrize(
    ("fields", "found"),
    [
        ({"wage_incme": 99999}, ["wage_incme is refused: unknown field."]),
        (
            {"phone": "13800138000", "bank_account": "6222020200112233445"},
            [
                "bank_account is refused: unknown field.",
                "phone is refused: unknown field.",
            ],
        ),
        ({"id_number": NUMBER}, ["id_number is refused: unknown field."]),
    ],
)
def test_parse_household_refuses_an_unknown_household_field(
    fields: dict[str, Any], found: list[str]
) -> None:
    """A field the household record does not have is refused, its value unshown."""
    record = household_record(**fields)

    refused = refusal(record)

    assert [str(problem) for problem in refused.problems] == found
    assert [problem.value for problem in refused.problems] == [None] * len(found)
    assert "13800138000" not in str(refused)
    assert LONG_RUN.search(str(refused)) is None


def test_parse_household_refuses_an_unknown_member_field() -> None:
    """A member's name or phone is refused, named by its place, and not echoed."""
    record = household_record(members=[member_record(name="张三", phone="13800138000")])

    found = messages(record)

    assert found == [
        "members[0].name is refused: unknown field.",
        "members[0].phone is refused: unknown field.",
    ]


def test_parse_household_names_an_unknown_key_that_is_an_identity_number() -> None:
    """A key that is itself an ID number is masked where the field is named."""
    record = household_record(**{NUMBER: "x"})

    found = messages(record)

    assert found == ["****************27 is refused: unknown field."]


@pytest.mark.parametrize("value", ["hh\ud83d", "hh-\u202e1-fdp", "hh\u200b1"])
def test_parse_household_refuses_an_invisible_or_half_character_in_its_id(
    value: str,
) -> None:
    """A lone surrogate or a format character in the household id is refused."""
    record = household_record(id=value)

    refused = refusal(record)

    [problem] = refused.problems
    assert problem.field == "id"
    assert problem.rule.startswith("must not hold ")
    str(refused).encode("utf-8")
