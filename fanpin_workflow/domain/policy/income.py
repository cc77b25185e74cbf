"""Per-capita net income (人均纯收入)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from fanpin_workflow.domain.household import Household
from fanpin_workflow.errors import InvalidInput


def net_income(household: Household) -> Decimal:
    """Wage + business + property + transfer income - business expenses (exact)."""
    return (
        household.wage_income
        + household.business_income
        + household.property_income
        + household.transfer_income
        - household.business_expenses
    )


def per_capita_net_income(household: Household) -> Decimal:
    """Net income / members, rounded half up to the fen, for showing.

    Rules compare totals (`net_income` against line x members) instead, so
    no rounding decides a boundary.

    Raises:
        InvalidInput: the household has no members to divide by.
    """
    if not household.members:
        raise InvalidInput("members", 0, "per-capita income needs at least one member")
    share = net_income(household) / len(household.members)
    return share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
