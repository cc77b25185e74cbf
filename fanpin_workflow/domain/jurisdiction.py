"""Actors and their jurisdictions, named by 12-digit statistical area codes.

A code reads 2 digits province, 2 city, 2 county, 3 township, 3 village;
an area's code is zero-padded below its level, so containment is a prefix.
"""

from __future__ import annotations

import re

import attrs

from fanpin_workflow.domain.approval import Level
from fanpin_workflow.domain.values import check_id
from fanpin_workflow.errors import InvalidInput, OutsideJurisdiction, WrongLevel

_CODE = re.compile(r"^[0-9]{12}$", re.ASCII)

#: Where province, city, county, township and village digits sit.
_SEGMENTS = ((0, 2), (2, 4), (4, 6), (6, 9), (9, 12))

#: How many leading digits name an area of each level.
PREFIX_LENGTH = {Level.COUNTY: 6, Level.TOWNSHIP: 9, Level.VILLAGE: 12}


def check_area_code(field: str, code: str, level: Level) -> str:
    """Return `code` if it is a 12-digit code of an area at `level`.

    Raises:
        InvalidInput: the code is malformed or names another level.
    """
    if not isinstance(code, str) or not _CODE.match(code):
        raise InvalidInput(field, code, "an area code is 12 digits")

    prefix = PREFIX_LENGTH[level]
    named = [code[start:end] for start, end in _SEGMENTS if end <= prefix]
    if code[prefix:].strip("0") or any(not part.strip("0") for part in named):
        raise InvalidInput(
            field,
            code,
            f"a {level} code has {prefix} significant digits",
        )

    return code


def area_prefix(within: object) -> str:
    """The digits that name an area: a 6-, 9- or 12-digit prefix as given, or
    a full 12-digit county or township code cut to its 6 or 9 digits.

    Raises:
        InvalidInput: not such a prefix or code.
    """
    if (
        not isinstance(within, str)
        or not within.isascii()
        or not within.isdigit()
        or len(within) not in (6, 9, 12)
    ):
        raise InvalidInput(
            "within", within, "an area code, or its prefix of 6 or 9 digits"
        )
    if len(within) == 12 and within.endswith("000000"):
        return within[:6]
    if len(within) == 12 and within.endswith("000"):
        return within[:9]
    return within


def township_of(village_code: str) -> str:
    """The code of the township a village lies in."""
    return village_code[:9] + "000"


def county_of(village_code: str) -> str:
    """The code of the county a village lies in."""
    return village_code[:6] + "000000"


def _level(value: str) -> Level:
    try:
        return Level(value)
    except ValueError:
        allowed = ", ".join(level.value for level in Level)
        raise InvalidInput("actor.level", value, f"must be one of {allowed}") from None


def check_acts_for(actor: Actor, level: Level, village_code: str, action: str) -> None:
    """Refuse an actor of another level, or one whose area excludes the village.

    Raises:
        WrongLevel: the action belongs to another level.
        OutsideJurisdiction: the village lies outside the actor's area.
    """
    if actor.level != level:
        raise WrongLevel(actor.id, actor.level, action, level)
    if not actor.covers(village_code):
        raise OutsideJurisdiction(actor.id, actor.jurisdiction, village_code)


@attrs.frozen
class Actor:
    """A person acting in one role at one level for one jurisdiction."""

    id: str
    role: str
    level: Level = attrs.field(converter=_level)
    jurisdiction: str

    def __attrs_post_init__(self) -> None:
        check_id("actor.id", self.id)
        check_id("actor.role", self.role)
        check_area_code("actor.jurisdiction", self.jurisdiction, self.level)

    def covers(self, village_code: str) -> bool:
        """Tell whether a village lies inside this actor's jurisdiction."""
        prefix = PREFIX_LENGTH[self.level]
        return village_code[:prefix] == self.jurisdiction[:prefix]
