"""Which monitoring category a household at risk belongs to."""

from __future__ import annotations

from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.household_terms import HouseholdType, MonitoringCategory
from fanpin_workflow.domain.policy.income import per_capita_net_income
from fanpin_workflow.domain.policy.parameters import PolicyParameters


def monitoring_category(
    household: Household, parameters: PolicyParameters
) -> MonitoringCategory | None:
    """The category a household would be monitored in, or None if not at risk.

    - an exited household at risk: unstable exited household (脱贫不稳定户);
    - another household whose per-capita net income is below the line
      times `marginal_factor`: marginal household at risk (边缘易致贫户);
    - another household whose income, less its compliant out-of-pocket
      expenses, falls below the line: sudden severe hardship (突发严重困难户).

    Households found at risk for a non-income reason are categorised the
    same way; an exited household needs a risk type to be at risk at all.
    """
    income = per_capita_net_income(household)
    line = parameters.monitoring_line
    after_expenses = income - household.compliant_expenses / len(household.members)

    if household.type == HouseholdType.EXITED:
        at_risk = household.risk_types or income < line * parameters.marginal_factor
        return MonitoringCategory.UNSTABLE_EXITED if at_risk else None
    if income < line * parameters.marginal_factor:
        return MonitoringCategory.MARGINAL
    if after_expenses < line:
        return MonitoringCategory.SUDDEN_HARDSHIP
    return None
