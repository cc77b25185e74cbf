"""Which monitoring category a household at risk belongs to."""

from __future__ import annotations

from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.household_terms import HouseholdType, MonitoringCategory
from fanpin_workflow.domain.policy.income import net_income
from fanpin_workflow.domain.policy.parameters import PolicyParameters
from fanpin_workflow.errors import InvalidInput


def monitoring_category(
    household: Household, parameters: PolicyParameters
) -> MonitoringCategory | None:
    """The category a household would be monitored in, or None if not at risk.

    - an exited household at risk: unstable exited household (脱贫不稳定户);
    - another household whose per-capita net income is below the line
      times `marginal_factor`: marginal household at risk (边缘易致贫户);
    - another household whose income, less its compliant out-of-pocket
      expenses, falls below the line: sudden severe hardship (突发严重困难户).

    An exited household is at risk when it has a risk type or its income is
    below the marginal threshold. Comparisons use household totals against
    the line times the number of members, so no rounding decides them.
    """
    if not household.members:
        raise InvalidInput("members", 0, "a category needs at least one member")
    net = net_income(household)
    line_total = parameters.monitoring_line * len(household.members)
    below_marginal = net < line_total * parameters.marginal_factor

    if household.type == HouseholdType.EXITED:
        at_risk = bool(household.risk_types) or below_marginal
        return MonitoringCategory.UNSTABLE_EXITED if at_risk else None
    if below_marginal:
        return MonitoringCategory.MARGINAL
    if net - household.compliant_expenses < line_total:
        return MonitoringCategory.SUDDEN_HARDSHIP
    return None
