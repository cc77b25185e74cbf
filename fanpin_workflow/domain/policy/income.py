"""Per-capita net income (人均纯收入)."""

from __future__ import annotations

from decimal import Decimal

from fanpin_workflow.domain.household import Household
from fanpin_workflow.errors import InvalidInput


def per_capita_net_income(household: Household) -> Decimal:
    """(wage + business + property + transfer income - business expenses) / members.

    Raises:
        InvalidInput: the household has no members to divide by.
    """
    if not household.members:
        raise InvalidInput("members", 0, "per-capita income needs at least one member")

    net = (
        household.wage_income
        + household.business_income
        + household.property_income
        + household.transfer_income
        - household.business_expenses
    )
    return net / len(household.members)
