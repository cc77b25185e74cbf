"""The registry: areas, grids and who holds which role where and when.

Areas are named by 12-digit statistical codes; a hamlet (屯/组) by its
village's code and a two-digit suffix ("450123101201-03"). A grid (网格)
sits inside a village and holds at most `max_households` households.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

import attrs

from fanpin_workflow.domain.access import ROLES, Role
from fanpin_workflow.domain.approval import Level
from fanpin_workflow.domain.jurisdiction import PREFIX_LENGTH, Actor, check_area_code
from fanpin_workflow.domain.values import check_id
from fanpin_workflow.errors import ActorNotRegistered, InvalidInput

_HAMLET = re.compile(r"^[0-9]{12}-[0-9]{2}$", re.ASCII)

#: How many households a grid holds at most, unless a campaign says otherwise.
MAX_GRID_HOUSEHOLDS = 100


class AreaLevel(StrEnum):
    """The administrative levels the registry knows."""

    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    HAMLET = "hamlet"


@attrs.frozen
class Area:
    """A county, township, village or hamlet."""

    code: str
    level: AreaLevel
    name: str
    parent_code: str | None


@attrs.frozen
class Grid:
    """A grid of households inside a village."""

    id: str
    village_code: str
    name: str
    max_households: int = MAX_GRID_HOUSEHOLDS


@attrs.frozen
class RoleAssignment:
    """A person holds a role for an area from a first day to a last (or on)."""

    person_id: str
    role: Role
    area_code: str
    starts_on: dt.date
    ends_on: dt.date | None = None

    def active_on(self, day: dt.date) -> bool:
        """Tell whether the assignment covers `day`."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


def check_area(code: str, level: AreaLevel, parent_code: str | None) -> None:
    """Refuse an area whose code does not fit its level or its parent.

    Raises:
        InvalidInput: naming the field, the value and the rule.
    """
    if level == AreaLevel.HAMLET:
        if not isinstance(code, str) or not _HAMLET.match(code):
            raise InvalidInput(
                "code", code, "a hamlet code is a village code, '-', 2 digits"
            )
        check_area_code("code", code[:12], Level.VILLAGE)
        if parent_code != code[:12]:
            raise InvalidInput(
                "parent_code", parent_code, "a hamlet's parent is its village"
            )
        return

    check_area_code("code", code, Level(level))
    if level == AreaLevel.COUNTY:
        return
    parent_level = Level.COUNTY if level == AreaLevel.TOWNSHIP else Level.TOWNSHIP
    prefix = PREFIX_LENGTH[parent_level]
    if parent_code is None or parent_code != code[:prefix] + "0" * (12 - prefix):
        raise InvalidInput(
            "parent_code",
            parent_code,
            f"a {level}'s parent is the {parent_level} of its code",
        )


def check_assignment(assignment: RoleAssignment) -> None:
    """Refuse an assignment whose area does not fit the role's level.

    Raises:
        InvalidInput: naming the field, the value and the rule.
    """
    check_id("person_id", assignment.person_id)
    level = ROLES[assignment.role].level
    check_area_code("area_code", assignment.area_code[:12], level)
    if assignment.ends_on is not None and assignment.ends_on < assignment.starts_on:
        raise InvalidInput(
            "ends_on", assignment.ends_on.isoformat(), "must not come before starts_on"
        )


def check_registered(
    actor: Actor, assignments: list[RoleAssignment], day: dt.date
) -> None:
    """Refuse an actor who holds no such role for that area on that day.

    Raises:
        ActorNotRegistered: naming the person, the role, the area and the day.
    """
    for assignment in assignments:
        if (
            assignment.person_id == actor.id
            and assignment.role == actor.role
            and assignment.area_code[:12] == actor.jurisdiction
            and assignment.active_on(day)
        ):
            return
    raise ActorNotRegistered(actor.id, actor.role, actor.jurisdiction, day.isoformat())
