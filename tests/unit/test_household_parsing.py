"""Tests of parse_household: valid records build, invalid ones list every problem."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fanpin_workflow.domain.household import MAX_RISK_TYPES, parse_household
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
from fanpin_workflow.domain.identity import mask
from fanpin_workflow.errors import InvalidInput, InvalidRecord
from tests.unit.household_builders import (
    VILLAGE,
    household_record,
    member_record,
)

MONEY_FIELDS = [
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "business_expenses",
    "compliant_expenses",
]


def with_wrong_check(number: str) -> str:
    """The number with a check character that does not match."""
    return number[:17] + ("1" if number[17] == "0" else "0")


def problems_of(record: dict[str, Any]) -> list[tuple[str, str]]:
    """The (field, rule) of every problem parse_household finds in a record."""
    with pytest.raises(InvalidRecord) as caught:
        parse_household(record)

    return [(problem.field, problem.rule) for problem in caught.value.problems]


def fields_of(record: dict[str, Any]) -> list[str]:
    """The fields of every problem parse_household finds in a record."""
    return [field for field, _ in problems_of(record)]


def test_parse_household_builds_a_valid_record() -> None:
    """A valid record becomes a Household with typed members and figures."""
    record = household_record(
        4,
        type="exited",
        wage_income="18000.50",
        business_income=3000,
        transfer_income=1200.25,
        business_expenses="500",
        compliant_expenses="8000",
        risk_types=["illness", "schooling"],
        measures=["health_support", "education_support"],
        new_risk=True,
        housing_safe=False,
        category="unstable_exited",
    )

    household = parse_household(record)

    assert (household.id, household.village_code) == ("hh-0001", VILLAGE)
    assert household.type == HouseholdType.EXITED
    assert [m.relation for m in household.members] == [
        Relation.HEAD,
        Relation.SPOUSE,
        Relation.SON,
        Relation.DAUGHTER,
    ]
    assert household.head.sex == Sex.MALE
    assert household.members[3].birth_date == dt.date(2008, 12, 24)
    assert household.wage_income == Decimal("18000.50")
    assert household.business_income == Decimal(3000)
    assert household.transfer_income == Decimal("1200.25")
    assert household.property_income == Decimal(0)
    assert household.risk_types == (RiskType.ILLNESS, RiskType.SCHOOLING)
    assert household.measures == (Measure.HEALTH_SUPPORT, Measure.EDUCATION_SUPPORT)
    assert (household.new_risk, household.housing_safe) == (True, False)
    assert household.category == MonitoringCategory.UNSTABLE_EXITED


def test_parse_household_fills_the_defaults() -> None:
    """Omitted flags, figures and health take the documented defaults."""
    record = household_record()
    del record["members"][0]["health"]

    household = parse_household(record)

    member = household.head
    assert member.health == frozenset({Health.HEALTHY})
    assert (member.in_school, member.medical_insurance) == (False, True)
    assert (member.subsistence_allowance, member.extreme_poverty_support) == (
        False,
        False,
    )
    assert (member.benefit_identified_on, member.benefit_applied_on) == (None, None)
    assert household.compliant_expenses == Decimal(0)
    assert (household.risk_types, household.measures) == ((), ())
    assert household.category is None


def test_parse_household_reads_dates_given_as_dates() -> None:
    """A birth or benefit date may be a date object as well as ISO text."""
    record = household_record(
        members=[
            member_record(
                birth_date=dt.date(1980, 3, 7),
                benefit_applied_on=dt.date(2023, 1, 1),
                subsistence_allowance=True,
            )
        ]
    )

    household = parse_household(record)

    assert household.head.benefit_applied_on == dt.date(2023, 1, 1)
    assert household.head.subsistence_allowance is True


@pytest.mark.parametrize("suffix", ["11", "11B1"])
def test_parse_household_accepts_a_certificate_number(suffix: str) -> None:
    """A member may be recorded by a 20- or 22-character certificate number."""
    record = household_record()
    record["members"][0]["id_number"] += suffix

    household = parse_household(record)

    assert household.head.id_number.endswith(suffix)


def test_parse_household_lists_every_problem_of_a_record() -> None:
    """Problems in the household and in several members are all reported."""
    record = household_record(3, type="rich", wage_income="-1", business_income="lots")
    wrong = with_wrong_check(record["members"][1]["id_number"])
    record["members"][1]["id_number"] = wrong
    record["members"][2]["labour_skill"] = "retired"

    with pytest.raises(InvalidRecord) as caught:
        parse_household(record)

    problems = caught.value.problems
    assert [(p.field, p.value) for p in problems] == [
        ("members[1].id_number", mask(wrong)),
        ("members[2].labour_skill", "retired"),
        ("type", "rich"),
        ("wage_income", "-1"),
        ("business_income", "lots"),
    ]
    assert all(isinstance(p, InvalidInput) and p.rule for p in problems)
    assert caught.value.record == "household hh-0001"
    assert "5 problem(s)" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id_number": "wrong check"}, "members[0].id_number"),
        ({"birth_date": "1980-03-08"}, "members[0].birth_date"),
        ({"sex": "female"}, "members[0].sex"),
        ({"duplicate": True}, "members[1].id_number"),
    ],
)
def test_parse_household_never_shows_an_identity_number(
    change: dict[str, Any], field: str
) -> None:
    """No error about a member's number, date or sex shows the number in clear."""
    record = household_record(2)
    number = record["members"][0]["id_number"]
    if "duplicate" in change:
        record["members"][1] = member_record(relation="brother")
    elif "id_number" in change:
        number = with_wrong_check(number)
        record["members"][0]["id_number"] = number
    else:
        record["members"][0].update(change)

    with pytest.raises(InvalidRecord) as caught:
        parse_household(record)

    assert field in [problem.field for problem in caught.value.problems]
    assert number not in str(caught.value)
    assert number[:-2] not in str(caught.value)
    assert number not in repr(caught.value.problems)


@pytest.mark.parametrize(
    ("relations", "heads"),
    [
        (["spouse"], "0 heads"),
        (["spouse", "son"], "0 heads"),
        (["head", "head"], "2 heads"),
    ],
)
def test_parse_household_needs_exactly_one_head(
    relations: list[str], heads: str
) -> None:
    """A household with no head or with two heads is refused."""
    members = [
        member_record(position, relation=relation)
        for position, relation in zip((1, 2), relations, strict=False)
    ]
    record = household_record(members=members)

    with pytest.raises(InvalidRecord) as caught:
        parse_household(record)

    [problem] = caught.value.problems
    assert (problem.field, problem.value) == ("members", heads)
    assert problem.rule == "a household has exactly one head"


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("birth_date", "1980-03-08", "must match the ID number"),
        ("sex", "female", "must match the ID number"),
    ],
)
def test_parse_household_checks_birth_date_and_sex_against_the_number(
    field: str, value: str, rule: str
) -> None:
    """A birth date or sex that disagrees with the identity number is refused."""
    record = household_record(members=[member_record(**{field: value})])

    problems = problems_of(record)

    assert problems == [(f"members[0].{field}", rule)]


@pytest.mark.parametrize(
    ("position", "relation", "sex"),
    [
        (1, "son", "female"),
        (1, "grandson", "female"),
        (1, "father", "female"),
        (2, "daughter", "male"),
        (4, "mother", "male"),
        (8, "sister", "male"),
    ],
)
def test_parse_household_checks_relation_against_sex(
    position: int, relation: str, sex: str
) -> None:
    """A relation that names a sex refuses a member of the other sex."""
    record = household_record(
        members=[member_record(), member_record(position, relation=relation)]
    )

    problems = problems_of(record)

    assert problems == [
        ("members[1].relation", f"names a {_other(sex)} member, not a {sex} one")
    ]


def _other(sex: str) -> str:
    return "female" if sex == "male" else "male"


@pytest.mark.parametrize(("position", "sex"), [(0, "male"), (1, "female")])
def test_parse_household_lets_a_spouse_be_either_sex(position: int, sex: str) -> None:
    """Spouse and head name no sex."""
    record = household_record(
        members=[
            member_record(1 - position, relation="head"),
            member_record(position, relation="spouse"),
        ]
    )

    household = parse_household(record)

    assert household.members[1].sex == Sex(sex)


@pytest.mark.parametrize("field", MONEY_FIELDS)
@pytest.mark.parametrize("value", ["-0.01", -1, "-29200"])
def test_parse_household_refuses_a_negative_amount(field: str, value: Any) -> None:
    """Incomes and expenses are never negative."""
    record = household_record(**{field: value})

    problems = problems_of(record)

    assert problems == [(field, "must not be negative")]


@pytest.mark.parametrize("field", MONEY_FIELDS)
def test_parse_household_accepts_zero(field: str) -> None:
    """Zero yuan is the smallest amount accepted."""
    record = household_record(**{field: "0.00"})

    household = parse_household(record)

    assert getattr(household, field) == Decimal(0)


@pytest.mark.parametrize("value", ["lots", "", None, True, "NaN", "Infinity", [1]])
def test_parse_household_refuses_what_is_not_an_amount(value: Any) -> None:
    """Text, flags, lists and non-finite numbers are not amounts of yuan."""
    record = household_record(wage_income=value)

    problems = problems_of(record)

    assert problems == [("wage_income", "must be an amount of yuan")]


@pytest.mark.parametrize(
    ("member_field", "field", "value"),
    [
        (False, "type", "poor"),
        (False, "category", "urgent"),
        (False, "risk_types", ["illness", "flood"]),
        (False, "measures", ["cash"]),
        (True, "sex", "unknown"),
        (True, "relation", "cousin"),
        (True, "labour_skill", "strong"),
    ],
)
def test_parse_household_refuses_an_unknown_value(
    member_field: bool, field: str, value: Any
) -> None:
    """A value outside its enumeration is refused and the allowed ones listed."""
    record = household_record()
    if member_field:
        record["members"][0][field] = value
    else:
        record[field] = value

    with pytest.raises(InvalidRecord) as caught:
        parse_household(record)

    first = caught.value.problems[0]
    assert first.field.startswith(f"members[0].{field}" if member_field else field)
    assert first.value == (value[-1] if isinstance(value, list) else value)
    assert first.rule.startswith("must be one of ")


def test_parse_household_accepts_five_risk_types() -> None:
    """Five risk types is the most a household records."""
    risk_types = [risk.value for risk in list(RiskType)[:MAX_RISK_TYPES]]
    record = household_record(risk_types=risk_types)

    household = parse_household(record)

    assert len(household.risk_types) == MAX_RISK_TYPES


def test_parse_household_refuses_six_risk_types() -> None:
    """A sixth risk type is refused."""
    risk_types = [risk.value for risk in list(RiskType)[: MAX_RISK_TYPES + 1]]
    record = household_record(risk_types=risk_types)

    with pytest.raises(InvalidRecord) as caught:
        parse_household(record)

    [problem] = caught.value.problems
    assert (problem.field, problem.value) == ("risk_types", 6)
    assert problem.rule == "at most 5 risk types"


@pytest.mark.parametrize("field", ["risk_types", "measures"])
def test_parse_household_refuses_a_repeated_value(field: str) -> None:
    """A risk type or a measure listed twice is refused."""
    record = household_record(**{field: ["other", "other"]})

    problems = problems_of(record)

    assert problems == [(field, "must not repeat a value")]


@pytest.mark.parametrize("field", ["risk_types", "measures"])
def test_parse_household_refuses_a_list_given_as_text(field: str) -> None:
    """A single value where a list belongs is refused."""
    record = household_record(**{field: "other"})

    problems = problems_of(record)

    assert problems == [(field, "must be a list")]


@pytest.mark.parametrize(
    "health",
    [["healthy", "chronic_illness"], ["serious_illness", "healthy"]],
)
def test_parse_household_refuses_healthy_with_a_condition(health: list[str]) -> None:
    """Healthy can't combine with an illness."""
    record = household_record(members=[member_record(health=health)])

    problems = problems_of(record)

    rule = "'healthy' can't be combined with another condition"
    assert problems == [("members[0].health", rule)]


def test_parse_household_combines_conditions() -> None:
    """Chronic illness and disability may be recorded together."""
    record = household_record(
        members=[member_record(health=["chronic_illness", "disability"])]
    )

    household = parse_household(record)

    assert household.head.health == {Health.CHRONIC_ILLNESS, Health.DISABILITY}


@pytest.mark.parametrize("suffix", ["", "11", "11B1"])
def test_parse_household_refuses_the_same_person_twice(suffix: str) -> None:
    """A member recorded twice, even once by certificate number, is refused."""
    first = member_record()
    second = member_record(relation="brother", id_number=first["id_number"] + suffix)
    record = household_record(members=[first, second])

    problems = problems_of(record)

    assert problems == [("members[1].id_number", "the same person as members[0]")]


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("in_school", "yes", "must be true or false"),
        ("subsistence_allowance", 1, "must be true or false"),
        ("birth_date", "07/03/1980", "must be a date (YYYY-MM-DD)"),
        ("birth_date", None, "must be a date (YYYY-MM-DD)"),
        ("benefit_applied_on", "2023-02-30", "must be a date (YYYY-MM-DD)"),
        (
            "benefit_identified_on",
            dt.datetime(2023, 1, 1, 9),
            "must be a date (YYYY-MM-DD)",
        ),
    ],
)
def test_parse_household_refuses_a_malformed_member_field(
    field: str, value: Any, rule: str
) -> None:
    """Flags must be booleans and dates must be dates."""
    record = household_record(members=[member_record(**{field: value})])

    problems = problems_of(record)

    assert problems == [(f"members[0].{field}", rule)]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("village_code", "450123101000"),
        ("village_code", "4501231012"),
        ("village_code", None),
        ("id", ""),
        ("id", "x" * 65),
        ("members", []),
        ("members", "head"),
        ("new_risk", "no"),
    ],
)
def test_parse_household_refuses_a_malformed_household_field(
    field: str, value: Any
) -> None:
    """The household id, village code, members and flags are checked too."""
    record = household_record(**{field: value})

    fields = [field for field, _ in problems_of(record)]

    assert field in fields


def test_parse_household_refuses_what_is_not_a_mapping() -> None:
    """A list is not a household record."""
    with pytest.raises(InvalidRecord) as caught:
        parse_household([])  # type: ignore[arg-type]

    assert [p.field for p in caught.value.problems] == ["household"]


def test_parse_household_refuses_a_member_that_is_not_a_mapping() -> None:
    """Each member is a mapping; the problem names its position."""
    record = household_record(members=[member_record(), "spouse"])

    fields = fields_of(record)

    assert fields == ["members[1]"]


def test_parse_household_names_the_recorded_position_of_a_duplicate() -> None:
    """A duplicate is named by its position in the record, not among valid ones."""
    first = member_record(1, relation="head", labour_skill="strong")
    second = member_record(relation="spouse")
    third = member_record(relation="brother")
    record = household_record(members=[first, second, third])

    problems = problems_of(record)

    assert problems == [
        ("members[0].labour_skill", problems[0][1]),
        ("members[2].id_number", "the same person as members[1]"),
    ]


def test_parse_household_finds_a_duplicate_of_a_member_with_a_problem() -> None:
    """The same person recorded twice is reported even if one entry has an error."""
    first = member_record()
    second = member_record(relation="brother", labour_skill="strong")
    record = household_record(members=[first, second])

    fields = fields_of(record)

    assert sorted(fields) == ["members[1].id_number", "members[1].labour_skill"]


def test_parse_household_reports_an_unknown_sex_once() -> None:
    """An unknown sex is one problem, not also a mismatch with a sex never given."""
    record = household_record(members=[member_record(1, relation="head", sex="f")])

    with pytest.raises(InvalidRecord) as caught:
        parse_household(record)

    assert [(p.field, p.value) for p in caught.value.problems] == [
        ("members[0].sex", "f")
    ]


def test_parse_household_reads_labour_skills() -> None:
    """Every labour skill value parses to its enumeration member."""
    members = [member_record()] + [
        member_record(position, labour_skill=skill.value)
        for position, skill in enumerate(LabourSkill, start=1)
    ]
    record = household_record(members=members)

    household = parse_household(record)

    assert [m.labour_skill for m in household.members[1:]] == list(LabourSkill)
