"""The data-cleaning checks, each at its boundary."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from fanpin_workflow.domain.household import Household, Member
from fanpin_workflow.domain.household_terms import (
    Health,
    LabourSkill,
    Measure,
    RiskType,
    Sex,
)
from fanpin_workflow.domain.policy.data_checks import (
    DataRule,
    Severity,
    check_household,
)
from fanpin_workflow.domain.policy.parameters import PolicyParameters
from tests.unit.household_builders import household, id_number, member

ON = dt.date(2024, 5, 10)
PARAMETERS = PolicyParameters()  # working age 16 to 60


def with_daughter(born: dt.date, **fields: object) -> Household:
    """The head (with labour, employed) and a daughter born on `born`."""
    daughter = member(3, birth_date=born, id_number=id_number(born, Sex.FEMALE, 4))
    return household(
        members=(member(0), _evolve(daughter, **fields)),
        measures=(Measure.EMPLOYMENT,),
        wage_income="12000",
    )


def _evolve(person: Member, **fields: object) -> Member:
    return attrs.evolve(person, **fields)  # type: ignore[misc]


def rules(facts: Household, state: str | None = None) -> list[tuple[str, int | None]]:
    """(rule, member) of each problem found on ON."""
    return [
        (str(p.rule), p.member) for p in check_household(facts, state, PARAMETERS, ON)
    ]


@pytest.mark.parametrize(
    ("born", "flagged"),
    [
        (dt.date(2008, 5, 11), True),  # 15 years and 364 days on 10 May 2024
        (dt.date(2008, 5, 10), False),  # 16 that day
    ],
)
def test_a_child_under_sixteen_with_labour_is_an_error(
    born: dt.date, flagged: bool
) -> None:
    """Labour capacity is wrong for a member under 16, from their 16th birthday
    it is not."""
    facts = with_daughter(born, labour_skill=LabourSkill.ORDINARY)

    found = rules(facts)

    assert (("child_with_labour", 1) in found) is flagged


@pytest.mark.parametrize(
    ("born", "flagged"),
    [
        (dt.date(2008, 5, 10), True),  # 16 today: working age
        (dt.date(1964, 5, 11), True),  # 59 years and 364 days
        (dt.date(1964, 5, 10), False),  # 60 today: past working age
    ],
)
def test_a_healthy_working_age_member_without_labour_is_a_warning(
    born: dt.date, flagged: bool
) -> None:
    """Healthy, not in school, 16 to 59, marked without labour: a warning."""
    facts = with_daughter(born, labour_skill=LabourSkill.NONE)

    found = check_household(facts, None, PARAMETERS, ON)

    matching = [p for p in found if p.rule == DataRule.WORKING_AGE_WITHOUT_LABOUR]
    assert bool(matching) is flagged
    assert all(p.severity == Severity.WARNING and p.member == 1 for p in matching)


@pytest.mark.parametrize(
    "fields",
    [
        {"in_school": True},
        {"health": frozenset({Health.CHRONIC_ILLNESS})},
        {"health": frozenset({Health.DISABILITY})},
    ],
)
def test_a_reason_for_no_labour_clears_the_warning(fields: dict[str, object]) -> None:
    """A student, or a member with an illness or disability, may be without labour."""
    facts = with_daughter(dt.date(2000, 1, 1), labour_skill=LabourSkill.LOST, **fields)

    assert rules(facts) == []


@pytest.mark.parametrize(
    ("state", "measures", "expected"),
    [
        ("included", (), [("developmental_measure_missing", None)]),
        ("rollback", (), [("developmental_measure_missing", None)]),
        ("included", (Measure.MICRO_CREDIT,), []),
        ("risk_eliminated", (), []),
        (None, (), []),
    ],
)
def test_a_monitored_household_with_labour_needs_a_developmental_measure(
    state: str | None, measures: tuple[Measure, ...], expected: list[object]
) -> None:
    """Only a monitored household with labour and no developmental measure is
    an error."""
    facts = household(1, measures=measures)

    assert rules(facts, state) == expected


def test_a_risk_no_measure_answers_is_a_warning_while_monitored() -> None:
    """Housing risk with only a micro-credit: the risk is unanswered."""
    facts = household(
        1, risk_types=(RiskType.HOUSING,), measures=(Measure.MICRO_CREDIT,)
    )

    found = check_household(facts, "included", PARAMETERS, ON)

    assert [(p.rule, p.severity) for p in found] == [
        (DataRule.RISK_UNANSWERED, Severity.WARNING)
    ]
    assert "housing" in found[0].detail


@pytest.mark.parametrize(
    ("measure", "income", "flagged"),
    [
        (Measure.EMPLOYMENT, {"wage_income": "0"}, True),
        (Measure.EMPLOYMENT, {"wage_income": "0.01"}, False),
        (Measure.PUBLIC_WELFARE_JOB, {"wage_income": "0"}, True),
        (Measure.INDUSTRY, {"business_income": "0"}, True),
        (Measure.INDUSTRY, {"business_income": "1"}, False),
    ],
)
def test_a_measure_without_its_income_is_a_warning(
    measure: Measure, income: dict[str, str], flagged: bool
) -> None:
    """Employment or a public-welfare job with no wage, or industry support with
    no business income, is worth a second look; a fen of income clears it."""
    facts = household(1, measures=(measure,), **income)

    found = rules(facts)

    assert (("measure_without_income", None) in found) is flagged
