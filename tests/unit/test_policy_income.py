"""Tests of per-capita net income: the four incomes less expenses, per member."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from fanpin_workflow.domain.policy.income import net_income, per_capita_net_income
from fanpin_workflow.errors import InvalidInput
from tests.unit.household_builders import household


@pytest.mark.parametrize(
    ("size", "figures", "expected"),
    [
        (1, {"wage_income": "7300"}, "7300"),
        (4, {"wage_income": "29200"}, "7300"),
        (
            4,
            {
                "wage_income": "20000",
                "business_income": "6000",
                "property_income": "1200",
                "transfer_income": "2000",
            },
            "7300",
        ),
        (2, {"business_income": "10000", "business_expenses": "2599.98"}, "3700.01"),
        (4, {"wage_income": "29200.04"}, "7300.01"),
        (1, {}, "0"),
        (2, {"business_expenses": "500"}, "-250"),
        (4, {"wage_income": "1", "compliant_expenses": "99999"}, "0.25"),
    ],
)
def test_per_capita_net_income_divides_net_income_by_members(
    size: int, figures: dict[str, str], expected: str
) -> None:
    """Net income is divided by members; compliant expenses don't count."""
    subject = household(size, **figures)

    income = per_capita_net_income(subject)

    assert income == Decimal(expected)


def test_per_capita_net_income_refuses_a_household_without_members() -> None:
    """A household with no members has no per-capita income."""
    subject = household(members=())

    with pytest.raises(InvalidInput) as caught:
        per_capita_net_income(subject)

    assert caught.value.field == "members"


YUAN = st.decimals(
    min_value=0,
    max_value=Decimal("9999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
FIGURES = st.fixed_dictionaries(
    {
        "wage_income": YUAN,
        "business_income": YUAN,
        "property_income": YUAN,
        "transfer_income": YUAN,
        "business_expenses": YUAN,
    }
)


@given(FIGURES, st.integers(1, 10))
@example(
    {
        "wage_income": Decimal("1.00"),
        "business_income": Decimal(0),
        "property_income": Decimal(0),
        "transfer_income": Decimal(0),
        "business_expenses": Decimal(0),
    },
    3,
)
def test_per_capita_net_income_is_the_net_income_shared_to_the_fen(
    figures: dict[str, Decimal], size: int
) -> None:
    """The per-capita figure is the exact net income shared, off by under half a fen."""
    subject = household(size, **figures)

    income = per_capita_net_income(subject)

    net = sum(
        (value for name, value in figures.items() if name.endswith("_income")),
        Decimal(0),
    )
    exact = net - figures["business_expenses"]
    assert net_income(subject) == exact
    assert income == income.quantize(Decimal("0.01"))
    assert abs(income * size - exact) <= Decimal("0.005") * size


@given(FIGURES, YUAN, st.integers(1, 10))
def test_per_capita_net_income_grows_with_wage_income(
    figures: dict[str, Decimal], raise_by: Decimal, size: int
) -> None:
    """More wage income never gives a lower per-capita income."""
    before = household(size, **figures)
    after = household(
        size, **{**figures, "wage_income": figures["wage_income"] + raise_by}
    )

    lower, higher = per_capita_net_income(before), per_capita_net_income(after)

    assert lower <= higher
    assert (net_income(before) < net_income(after)) == (raise_by > 0)
