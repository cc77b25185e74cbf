"""The simulated people: a village officer and grid members per village, a
reviewer per township, two county reviewers."""

from __future__ import annotations

import functools

from fanpin_workflow.domain.approval import Level
from fanpin_workflow.domain.jurisdiction import Actor, township_of
from fanpin_workflow.simulation.county import County

#: Households per grid (a grid member visits one grid).
GRID_SIZE = 100


class Cast:
    """Who acts where in the simulated county; ids are invented."""

    def __init__(self, county: County) -> None:
        self.county = county
        self._county_reviewers = tuple(
            Actor(f"county-reviewer-{n}", "county_reviewer", Level.COUNTY, county.code)
            for n in (1, 2)
        )

    @functools.cache  # noqa: B019 - one Cast per run, a few hundred actors
    def officer(self, village: str) -> Actor:
        """The village's monitoring information officer."""
        return Actor(
            f"officer-{village}", "information_officer", Level.VILLAGE, village
        )

    def grid_id(self, household_id: str, village: str) -> str:
        """The grid a household lies in: a grid per 100 households of a village."""
        number = int(household_id.rsplit("-", 1)[1])
        grid = number // (GRID_SIZE * len(self.county.village_codes))
        return f"grid-{village}-{grid:02d}"

    def grid_member_id(self, household_id: str, village: str) -> str:
        """The grid member who visits a household: the one of its grid."""
        return "member-" + self.grid_id(household_id, village).removeprefix("grid-")

    @functools.cache  # noqa: B019 - one Cast per run, a few hundred actors
    def leader(self, village: str) -> Actor:
        """The village's grid leader (三级网格长)."""
        return Actor(f"leader-{village}", "village_grid_leader", Level.VILLAGE, village)

    @property
    def admin(self) -> Actor:
        """The county's registry administrator."""
        return Actor("admin-1", "registry_admin", Level.COUNTY, self.county.code)

    def grid_member(self, household_id: str, village: str) -> Actor:
        """The grid member of a household, as an actor."""
        return self._grid_member(self.grid_member_id(household_id, village), village)

    @functools.cache  # noqa: B019 - one Cast per run, a few thousand actors
    def _grid_member(self, member_id: str, village: str) -> Actor:
        return Actor(member_id, "grid_member", Level.VILLAGE, village)

    @functools.cache  # noqa: B019 - one Cast per run, a few dozen actors
    def township_reviewer(self, village: str) -> Actor:
        """The reviewer of the village's township."""
        township = township_of(village)
        return Actor(
            f"reviewer-{township}", "township_reviewer", Level.TOWNSHIP, township
        )

    def county_reviewer(self, number: int) -> Actor:
        """One of the two county reviewers."""
        return self._county_reviewers[number % 2]
