"""The sizes, seed, window and rates of one simulated campaign."""

from __future__ import annotations

import attrs
import pendulum

from fanpin_workflow.domain.clock import CAMPAIGN_ZONE
from fanpin_workflow.domain.household_terms import HouseholdType
from fanpin_workflow.simulation.county import within

#: Working hours in which the simulated cadres act, one slot per hour.
FIRST_HOUR, LAST_HOUR = 8, 17


@attrs.frozen
class SimulationConfig:
    """Sizes, seed and rates of one simulated campaign; every rate is a share."""

    households: int = attrs.field(default=40_000, validator=within(1, 2_000_000))
    townships: int = attrs.field(default=12, validator=within(1, 999))
    villages_per_township: int = attrs.field(default=16, validator=within(1, 799))
    seed: int = 2024
    year: int = attrs.field(default=2024, validator=within(2020, 2100))
    #: Chance that a 2-1 or 2-3 form finds risk, by household type.
    inclusion_risk: dict[HouseholdType, float] = attrs.field(
        factory=lambda: {HouseholdType.ORDINARY: 0.012, HouseholdType.EXITED: 0.04}
    )
    #: Of eligible monitored households, how many the village proposes.
    elimination_share: float = 0.85
    #: Of ineligible ones, how many it proposes by mistake (the county declines).
    mistaken_share: float = 0.03
    clear_out_share: float = 0.01
    relabel_share: float = 0.05
    rollback_share: float = 0.02
    #: Of low-income households, how many the reference list names.
    reference_share: float = 0.12
    self_declared_share: float = 0.002
    township_return_rate: float = 0.06
    county_return_rate: float = 0.04
    county_decline_rate: float = 0.03
    #: Of work-list tasks, how many are done after their due time.
    late_task_share: float = 0.06

    @property
    def start(self) -> pendulum.DateTime:
        """The first instant simulated: 1 May, 08:00 in the campaign's zone."""
        return pendulum.datetime(self.year, 5, 1, FIRST_HOUR, tz=CAMPAIGN_ZONE)

    @property
    def end(self) -> pendulum.DateTime:
        """The last slot simulated: 30 June, 17:00."""
        return pendulum.datetime(self.year, 6, 30, LAST_HOUR, tz=CAMPAIGN_ZONE)

    @property
    def investigation(self) -> tuple[pendulum.DateTime, pendulum.DateTime]:
        """The investigation stage: 10 May to the end of 10 June."""
        first = pendulum.datetime(self.year, 5, 10, FIRST_HOUR, tz=CAMPAIGN_ZONE)
        last = pendulum.datetime(self.year, 6, 10, LAST_HOUR, tz=CAMPAIGN_ZONE)
        return first, last
