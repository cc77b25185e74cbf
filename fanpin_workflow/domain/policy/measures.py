"""Whether the measures a household receives answer its risk types."""

from __future__ import annotations

import attrs

from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.household_terms import (
    SAFETY_NET,
    Measure,
    RiskType,
)

#: The measures that answer each risk type; OTHER is answered by any measure.
ANSWERS: dict[RiskType, frozenset[Measure]] = {
    RiskType.ILLNESS: frozenset({Measure.HEALTH_SUPPORT}),
    RiskType.DISABILITY: frozenset(
        {Measure.DISABILITY_SUPPORT, Measure.HEALTH_SUPPORT}
    ),
    RiskType.SCHOOLING: frozenset({Measure.EDUCATION_SUPPORT}),
    RiskType.DISASTER: frozenset({Measure.DISASTER_RELIEF, Measure.HOUSING_SAFETY}),
    RiskType.ACCIDENT: frozenset({Measure.HEALTH_SUPPORT, Measure.DISASTER_RELIEF}),
    RiskType.BUSINESS_FAILURE: frozenset({Measure.INDUSTRY, Measure.MICRO_CREDIT}),
    RiskType.UNSTABLE_WORK: frozenset({Measure.EMPLOYMENT, Measure.PUBLIC_WELFARE_JOB}),
    RiskType.LACK_OF_LABOUR: SAFETY_NET | {Measure.PUBLIC_WELFARE_JOB},
    RiskType.HOUSING: frozenset({Measure.HOUSING_SAFETY}),
    RiskType.DRINKING_WATER: frozenset({Measure.DRINKING_WATER}),
    RiskType.OTHER: frozenset(Measure),
}


@attrs.frozen
class UnansweredRisk:
    """A risk type none of the household's measures answers."""

    risk_type: RiskType
    expected: frozenset[Measure]

    def __str__(self) -> str:
        names = ", ".join(sorted(self.expected))
        return f"risk {self.risk_type} has none of its measures ({names})"


def unanswered_risks(household: Household) -> list[UnansweredRisk]:
    """Every risk type of the household that no measure answers, in order."""
    received = set(household.measures)
    return [
        UnansweredRisk(risk, ANSWERS[risk])
        for risk in household.risk_types
        if not received & ANSWERS[risk]
    ]


def measures_match_risks(household: Household) -> bool:
    """Every risk type of the household is answered by some measure."""
    return not unanswered_risks(household)
