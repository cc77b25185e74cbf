"""Whether a monitored household's risk may be marked eliminated (风险消除)."""

from __future__ import annotations

from enum import StrEnum

import attrs
import pendulum

from fanpin_workflow.domain.clock import in_zone
from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.policy.income import net_income, per_capita_net_income
from fanpin_workflow.domain.policy.parameters import PolicyParameters
from fanpin_workflow.domain.policy.safety_net import is_no_labour_safety_net


class Condition(StrEnum):
    """A condition of risk elimination."""

    MONITORED_LONG_ENOUGH = "monitored_long_enough"
    HAS_MEASURE = "has_measure"
    INCOME_ABOVE_LINE = "income_above_line"
    GUARANTEES_SECURED = "guarantees_secured"
    NO_NEW_RISK = "no_new_risk"
    NOT_SAFETY_NET = "not_safety_net"


@attrs.frozen
class UnmetCondition:
    """A condition the household does not meet, and the figures behind it."""

    condition: Condition
    detail: str

    def __str__(self) -> str:
        return f"{self.condition}: {self.detail}"


def elimination_unmet(
    household: Household,
    monitored_since: pendulum.DateTime | None,
    now: pendulum.DateTime,
    parameters: PolicyParameters,
) -> list[UnmetCondition]:
    """Every condition of risk elimination the household does not meet.

    The conditions: monitored at least `min_monitoring_months` (calendar
    months, counted in Asia/Shanghai); at least one assistance measure;
    per-capita net income strictly above the monitoring line; housing,
    compulsory schooling, basic medical insurance and drinking water
    secured; no new risk; not a no-labour safety-net household. An empty
    list means the household is eligible.
    """
    unmet: list[UnmetCondition] = []
    months = parameters.min_monitoring_months

    if monitored_since is None:
        unmet.append(_unmet(Condition.MONITORED_LONG_ENOUGH, "never included"))
    else:
        ready = in_zone(monitored_since).add(months=months)
        if now < ready:
            unmet.append(
                _unmet(
                    Condition.MONITORED_LONG_ENOUGH,
                    f"monitored since {in_zone(monitored_since).to_date_string()}, "
                    f"{months} months run to {ready.to_date_string()}",
                )
            )

    if not household.measures:
        unmet.append(_unmet(Condition.HAS_MEASURE, "no assistance measure"))

    line = parameters.monitoring_line
    if net_income(household) <= line * len(household.members):
        income = per_capita_net_income(household)
        unmet.append(
            _unmet(
                Condition.INCOME_ABOVE_LINE,
                f"per-capita net income {income:.2f} is not above {line:.2f}",
            )
        )

    missing = [
        name
        for name, secured in (
            ("housing", household.housing_safe),
            ("compulsory schooling", household.compulsory_education_secured),
            ("medical insurance", household.medical_insurance_secured),
            ("drinking water", household.drinking_water_safe),
        )
        if not secured
    ]
    if missing:
        unmet.append(
            _unmet(Condition.GUARANTEES_SECURED, "not secured: " + ", ".join(missing))
        )

    if household.new_risk:
        unmet.append(_unmet(Condition.NO_NEW_RISK, "a new risk was found"))

    if is_no_labour_safety_net(household):
        unmet.append(
            _unmet(
                Condition.NOT_SAFETY_NET,
                "a no-labour safety-net household is never marked eliminated",
            )
        )
    return unmet


def can_eliminate(
    household: Household,
    monitored_since: pendulum.DateTime | None,
    now: pendulum.DateTime,
    parameters: PolicyParameters,
) -> bool:
    """The household meets every condition of risk elimination."""
    return not elimination_unmet(household, monitored_since, now, parameters)


def _unmet(condition: Condition, detail: str) -> UnmetCondition:
    return UnmetCondition(condition, detail)
