"""Tests of the monitoring category a household at risk belongs to."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fanpin_workflow.domain.household_terms import (
    HouseholdType,
    MonitoringCategory,
    RiskType,
)
from fanpin_workflow.domain.policy.category import monitoring_category
from fanpin_workflow.domain.policy.parameters import PolicyParameters
from tests.unit.household_builders import household

PARAMETERS = PolicyParameters(monitoring_line=Decimal("7300"))
MARGINAL = MonitoringCategory.MARGINAL
SUDDEN = MonitoringCategory.SUDDEN_HARDSHIP
UNSTABLE = MonitoringCategory.UNSTABLE_EXITED
NOT_EXITED = [HouseholdType.ORDINARY, HouseholdType.MONITORED]


@pytest.mark.parametrize("kind", NOT_EXITED)
@pytest.mark.parametrize(
    ("size", "wage", "expected"),
    [
        (1, "10949", MARGINAL),
        (1, "10949.99", MARGINAL),
        (1, "10950", None),
        (1, "10951", None),
        (4, "43796", MARGINAL),
        (4, "43800", None),
        (4, "43804", None),
        (1, "0", MARGINAL),
    ],
)
def test_marginal_below_one_and_a_half_times_the_line(
    kind: HouseholdType, size: int, wage: str, expected: MonitoringCategory | None
) -> None:
    """Below line times 1.5 (10950) is marginal; exactly 10950 is not."""
    subject = household(size, type=kind, wage_income=wage)

    category = monitoring_category(subject, PARAMETERS)

    assert category == expected


@pytest.mark.parametrize("kind", NOT_EXITED)
@pytest.mark.parametrize(
    ("size", "wage", "expenses", "expected"),
    [
        (1, "12000", "4699", None),
        (1, "12000", "4700", None),
        (1, "12000", "4701", SUDDEN),
        (4, "48000", "18796", None),
        (4, "48000", "18800", None),
        (4, "48000", "18804", SUDDEN),
        (3, "32850.01", "10950.01", None),
        (3, "32850.01", "10950.04", SUDDEN),
    ],
)
def test_sudden_hardship_when_expenses_push_income_below_the_line(
    kind: HouseholdType,
    size: int,
    wage: str,
    expenses: str,
    expected: MonitoringCategory | None,
) -> None:
    """Income less expenses per member below the line is sudden hardship."""
    subject = household(size, type=kind, wage_income=wage, compliant_expenses=expenses)

    category = monitoring_category(subject, PARAMETERS)

    assert category == expected


def test_marginal_comes_before_sudden_hardship() -> None:
    """A household both marginal and burdened by expenses is marginal."""
    subject = household(wage_income="9000", compliant_expenses="5000")

    category = monitoring_category(subject, PARAMETERS)

    assert category == MARGINAL


@pytest.mark.parametrize(
    ("wage", "expenses"), [("10950", "0"), ("50000", "0"), ("12000", "9000")]
)
def test_an_exited_household_with_a_risk_type_is_unstable(
    wage: str, expenses: str
) -> None:
    """An exited household with a risk type is unstable, whatever its income."""
    subject = household(
        type=HouseholdType.EXITED,
        wage_income=wage,
        compliant_expenses=expenses,
        risk_types=(RiskType.ILLNESS,),
    )

    category = monitoring_category(subject, PARAMETERS)

    assert category == UNSTABLE


@pytest.mark.parametrize(
    ("wage", "expenses"), [("10950", "0"), ("50000", "0"), ("12000", "9000")]
)
def test_an_exited_household_without_risk_is_not_at_risk(
    wage: str, expenses: str
) -> None:
    """An exited household with no risk type and income to spare has no category."""
    subject = household(
        type=HouseholdType.EXITED, wage_income=wage, compliant_expenses=expenses
    )

    category = monitoring_category(subject, PARAMETERS)

    assert category is None


@pytest.mark.parametrize(
    ("factor", "wage", "expected"),
    [("1.2", "8759", MARGINAL), ("1.2", "8760", None), ("2", "14599", MARGINAL)],
)
def test_the_marginal_factor_is_a_parameter(
    factor: str, wage: str, expected: MonitoringCategory | None
) -> None:
    """Another province may draw the marginal band at another multiple."""
    parameters = PolicyParameters(
        monitoring_line=Decimal("7300"), marginal_factor=Decimal(factor)
    )
    subject = household(wage_income=wage)

    category = monitoring_category(subject, parameters)

    assert category == expected
