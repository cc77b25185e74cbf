"""Tests of the conditions of risk elimination (风险消除), one boundary at a time."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pendulum
import pytest

from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.household_terms import LabourSkill, Measure
from fanpin_workflow.domain.policy.elimination import (
    Condition,
    UnmetCondition,
    can_eliminate,
    elimination_unmet,
)
from fanpin_workflow.domain.policy.parameters import PolicyParameters
from fanpin_workflow.errors import InvalidInput
from tests.unit.household_builders import household, member

ZONE = "Asia/Shanghai"
PARAMETERS = PolicyParameters(monitoring_line=Decimal("7300"))
SINCE = pendulum.datetime(2023, 11, 10, 10, tz=ZONE)
NOW = pendulum.datetime(2024, 5, 10, 10, tz=ZONE)

GUARANTEES = [
    ("housing_safe", "housing"),
    ("compulsory_education_secured", "compulsory schooling"),
    ("medical_insurance_secured", "medical insurance"),
    ("drinking_water_safe", "drinking water"),
]


def eligible(size: int = 1, **fields: Any) -> Household:
    """A household that meets every condition: 7301 yuan a head and a measure."""
    facts: dict[str, Any] = {
        "wage_income": Decimal(7301 * size),
        "measures": (Measure.EMPLOYMENT,),
    }
    facts.update(fields)
    return household(size, **facts)


def conditions(
    subject: Household,
    since: pendulum.DateTime | None = SINCE,
    now: pendulum.DateTime = NOW,
    parameters: PolicyParameters = PARAMETERS,
) -> list[Condition]:
    """The unmet conditions of a household, in the order reported."""
    unmet = elimination_unmet(subject, since, now, parameters)
    return [item.condition for item in unmet]


@pytest.mark.parametrize("size", [1, 4])
def test_a_household_meeting_every_condition_is_eligible(size: int) -> None:
    """An empty list of unmet conditions means the risk may be eliminated."""
    subject = eligible(size)

    unmet = elimination_unmet(subject, SINCE, NOW, PARAMETERS)

    assert unmet == []
    assert can_eliminate(subject, SINCE, NOW, PARAMETERS) is True


@pytest.mark.parametrize(
    ("size", "wage", "met"),
    [
        (1, "7299", False),
        (1, "7300", False),
        (1, "7301", True),
        (1, "7300.01", True),
        (4, "29196", False),
        (4, "29200", False),
        (4, "29204", True),
        (4, "29200.04", True),
        (4, "29199.96", False),
    ],
)
def test_income_must_be_strictly_above_the_line(
    size: int, wage: str, met: bool
) -> None:
    """At the line (7300 a head) or below is unmet; one yuan above is met."""
    subject = eligible(size, wage_income=wage)

    unmet = conditions(subject)

    assert unmet == ([] if met else [Condition.INCOME_ABOVE_LINE])


def test_income_at_the_line_reports_the_figures() -> None:
    """The detail gives the per-capita income and the line, in yuan."""
    subject = eligible(4, wage_income="29200")

    [unmet] = elimination_unmet(subject, SINCE, NOW, PARAMETERS)

    assert unmet.detail == "per-capita net income 7300.00 is not above 7300.00"
    assert str(unmet) == f"income_above_line: {unmet.detail}"


def test_business_expenses_count_against_income() -> None:
    """Business expenses are taken off before comparing with the line."""
    subject = eligible(4, wage_income="29204", business_expenses="4")

    unmet = conditions(subject)

    assert unmet == [Condition.INCOME_ABOVE_LINE]


@pytest.mark.parametrize(
    ("since", "now", "met"),
    [
        (SINCE, pendulum.datetime(2024, 5, 9, 23, 59, 59, tz=ZONE), False),
        (SINCE, pendulum.datetime(2024, 5, 10, 9, 59, 59, tz=ZONE), False),
        (SINCE, NOW, True),
        (SINCE, pendulum.datetime(2025, 1, 1, tz=ZONE), True),
        (
            pendulum.datetime(2023, 8, 31, 10, tz=ZONE),
            pendulum.datetime(2024, 2, 28, 23, 59, tz=ZONE),
            False,
        ),
        (
            pendulum.datetime(2023, 8, 31, 10, tz=ZONE),
            pendulum.datetime(2024, 2, 29, 10, tz=ZONE),
            True,
        ),
        (
            pendulum.datetime(2022, 8, 31, 10, tz=ZONE),
            pendulum.datetime(2023, 2, 28, 9, 59, tz=ZONE),
            False,
        ),
        (
            pendulum.datetime(2022, 8, 31, 10, tz=ZONE),
            pendulum.datetime(2023, 2, 28, 10, tz=ZONE),
            True,
        ),
    ],
)
def test_monitoring_must_have_lasted_six_calendar_months(
    since: pendulum.DateTime, now: pendulum.DateTime, met: bool
) -> None:
    """Six months from 10 Nov is 10 May; from 31 Aug it is the end of February."""
    unmet = conditions(eligible(), since=since, now=now)

    assert unmet == ([] if met else [Condition.MONITORED_LONG_ENOUGH])


@pytest.mark.parametrize(
    ("now", "met"),
    [
        (pendulum.datetime(2024, 6, 9, 10, tz=ZONE), False),  # 5 months 30 days
        (pendulum.datetime(2024, 6, 10, 10, tz=ZONE), True),  # 6 months
    ],
)
def test_five_months_thirty_days_is_not_six_months(
    now: pendulum.DateTime, met: bool
) -> None:
    """From 10 Dec, 5 months and 30 days end on 9 June, a day short of the six
    calendar months that end on 10 June."""
    since = pendulum.datetime(2023, 12, 10, 10, tz=ZONE)

    unmet = conditions(eligible(), since=since, now=now)

    assert unmet == ([] if met else [Condition.MONITORED_LONG_ENOUGH])


def test_short_monitoring_reports_when_the_months_run_out() -> None:
    """The detail names the start and the day six months are complete."""
    now = pendulum.datetime(2024, 5, 9, 23, 59, 59, tz=ZONE)

    [unmet] = elimination_unmet(eligible(), SINCE, now, PARAMETERS)

    assert unmet == UnmetCondition(
        Condition.MONITORED_LONG_ENOUGH,
        "monitored since 2023-11-10, 6 months run to 2024-05-10",
    )


@pytest.mark.parametrize(
    ("now", "met"),
    [
        (pendulum.datetime(2024, 3, 31, 12, tz=ZONE), False),
        (pendulum.datetime(2024, 4, 1, 0, 30, tz=ZONE), True),
    ],
)
def test_months_are_counted_in_the_campaign_zone(
    now: pendulum.DateTime, met: bool
) -> None:
    """Included 30 Sep UTC, which is 1 Oct in Shanghai, the months run to 1 Apr."""
    since = pendulum.datetime(2023, 9, 30, 16, 30, tz="UTC")

    unmet = conditions(eligible(), since=since, now=now)

    assert unmet == ([] if met else [Condition.MONITORED_LONG_ENOUGH])


def test_a_household_never_included_is_not_monitored_long_enough() -> None:
    """Without an inclusion date the monitoring condition is unmet."""
    [unmet] = elimination_unmet(eligible(), None, NOW, PARAMETERS)

    assert unmet == UnmetCondition(Condition.MONITORED_LONG_ENOUGH, "never included")


@pytest.mark.parametrize(
    ("months", "now", "met"),
    [
        (3, pendulum.datetime(2024, 2, 10, 9, tz=ZONE), False),
        (3, pendulum.datetime(2024, 2, 10, 10, tz=ZONE), True),
        (12, NOW, False),
    ],
)
def test_the_monitoring_months_are_a_parameter(
    months: int, now: pendulum.DateTime, met: bool
) -> None:
    """Another campaign may ask for a different number of months."""
    parameters = PolicyParameters(
        monitoring_line=Decimal("7300"), min_monitoring_months=months
    )

    unmet = conditions(eligible(), now=now, parameters=parameters)

    assert unmet == ([] if met else [Condition.MONITORED_LONG_ENOUGH])


def test_a_household_without_measures_is_not_eligible() -> None:
    """At least one assistance measure is required."""
    subject = eligible(measures=())

    unmet = conditions(subject)

    assert unmet == [Condition.HAS_MEASURE]


@pytest.mark.parametrize(
    "measure", [Measure.HEALTH_SUPPORT, Measure.SUBSISTENCE_ALLOWANCE, Measure.OTHER]
)
def test_any_measure_counts(measure: Measure) -> None:
    """The measure need not be developmental."""
    subject = eligible(measures=(measure,))

    unmet = conditions(subject)

    assert unmet == []


@pytest.mark.parametrize(("flag", "name"), GUARANTEES)
def test_each_guarantee_is_required(flag: str, name: str) -> None:
    """Housing, schooling, medical insurance and water must each be secured."""
    subject = eligible(**{flag: False})

    [unmet] = elimination_unmet(subject, SINCE, NOW, PARAMETERS)

    expected = UnmetCondition(Condition.GUARANTEES_SECURED, f"not secured: {name}")
    assert unmet == expected


def test_missing_guarantees_are_listed_together() -> None:
    """Several unsecured guarantees make one condition naming them all."""
    subject = eligible(**{flag: False for flag, _ in GUARANTEES})

    [unmet] = elimination_unmet(subject, SINCE, NOW, PARAMETERS)

    assert unmet.detail == (
        "not secured: housing, compulsory schooling, medical insurance, drinking water"
    )


def test_a_new_risk_blocks_elimination() -> None:
    """A household with a new risk is not eligible."""
    subject = eligible(new_risk=True)

    unmet = conditions(subject)

    assert unmet == [Condition.NO_NEW_RISK]


@pytest.mark.parametrize(
    ("allowance", "extreme"), [(True, False), (False, True), (True, True)]
)
def test_a_safety_net_household_is_never_eligible(
    allowance: bool, extreme: bool
) -> None:
    """A no-labour safety-net household is refused, all else being met."""
    members = (
        member(
            4,
            labour_skill=LabourSkill.LOST,
            subsistence_allowance=allowance,
            extreme_poverty_support=extreme,
        ),
        member(5, labour_skill=LabourSkill.NONE),
    )
    subject = eligible(
        members=members,
        transfer_income="20000",
        wage_income="0",
        measures=(Measure.SUBSISTENCE_ALLOWANCE,),
    )

    unmet = conditions(subject)

    assert unmet == [Condition.NOT_SAFETY_NET]
    assert can_eliminate(subject, SINCE, NOW, PARAMETERS) is False


@pytest.mark.parametrize(
    ("skill", "supported"),
    [
        (LabourSkill.WEAK_OR_HALF, True),
        (LabourSkill.LOST, False),
    ],
)
def test_a_household_that_is_not_a_safety_net_household_may_be_eligible(
    skill: LabourSkill, supported: bool
) -> None:
    """A weak labourer, or no allowance, keeps the household eligible."""
    members = (
        member(4, labour_skill=skill, subsistence_allowance=supported),
        member(5, labour_skill=LabourSkill.NONE),
    )
    subject = eligible(members=members, wage_income="14602")

    unmet = conditions(subject)

    assert unmet == []


def test_every_unmet_condition_is_reported_at_once() -> None:
    """A household failing all six conditions gets six entries, in order."""
    members = (member(4, labour_skill=LabourSkill.LOST, subsistence_allowance=True),)
    subject = eligible(
        members=members,
        wage_income="0",
        measures=(),
        housing_safe=False,
        new_risk=True,
    )

    unmet = conditions(subject, since=None)

    assert unmet == [
        Condition.MONITORED_LONG_ENOUGH,
        Condition.HAS_MEASURE,
        Condition.INCOME_ABOVE_LINE,
        Condition.GUARANTEES_SECURED,
        Condition.NO_NEW_RISK,
        Condition.NOT_SAFETY_NET,
    ]
    assert can_eliminate(subject, None, NOW, PARAMETERS) is False


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("monitoring_line", Decimal(0)),
        ("monitoring_line", Decimal("-7300")),
        ("min_monitoring_months", 0),
        ("min_monitoring_months", True),
        ("marginal_factor", 0),
    ],
)
def test_policy_parameters_must_be_positive(field: str, value: Any) -> None:
    """A line, a number of months or a factor of zero or less is refused."""
    with pytest.raises(InvalidInput) as caught:
        PolicyParameters(**{field: value})

    assert caught.value.field == field
