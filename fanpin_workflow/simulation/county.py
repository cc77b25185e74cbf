"""A synthetic county: townships, villages and households, from a seed.

Every name and number here is invented; no real household is modelled.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import attrs

from fanpin_workflow.domain.household_terms import HouseholdType
from fanpin_workflow.domain.lifecycle import ObjectState
from fanpin_workflow.errors import InvalidInput

#: An invented county code (province 45, city 01, county 23).
COUNTY_CODE = "450123000000"


class StartingType(StrEnum):
    """What a household is when the campaign starts."""

    ORDINARY = "ordinary"
    EXITED = "exited"
    MONITORED = "monitored"
    ELIMINATED = "eliminated"

    @property
    def programme(self) -> HouseholdType:
        """The household's type in the household record."""
        if self in (StartingType.MONITORED, StartingType.ELIMINATED):
            return HouseholdType.MONITORED
        return HouseholdType(self.value)

    @property
    def object_state(self) -> ObjectState | None:
        """The state of its monitoring object when imported, if it has one."""
        return {
            StartingType.MONITORED: ObjectState.INCLUDED,
            StartingType.ELIMINATED: ObjectState.RISK_ELIMINATED,
        }.get(self)


#: Shares of household types in the synthetic county.
TYPE_SHARES = {
    StartingType.ORDINARY: 0.72,
    StartingType.EXITED: 0.22,
    StartingType.MONITORED: 0.025,
    StartingType.ELIMINATED: 0.035,
}


@attrs.frozen
class Household:
    """A synthetic household: an id, its village and its type."""

    id: str
    village_code: str
    type: StartingType


@attrs.frozen
class County:
    """The generated county."""

    code: str
    township_codes: tuple[str, ...]
    village_codes: tuple[str, ...]
    households: tuple[Household, ...]


def build_county(
    *, households: int, townships: int, villages_per_township: int, seed: int
) -> County:
    """Generate a county with the given sizes; the same seed gives the same county.

    Raises:
        InvalidInput: a size is out of range.
    """
    for field, value, low, high in (
        ("households", households, 1, 2_000_000),
        ("townships", townships, 1, 999),
        ("villages_per_township", villages_per_township, 1, 799),
    ):
        _check_size(field, value, low, high)
    rng = random.Random(seed)

    township_codes = tuple(
        f"{COUNTY_CODE[:6]}{100 + t:03d}000" for t in range(1, townships + 1)
    )
    village_codes = tuple(
        f"{township[:9]}{200 + v:03d}"
        for township in township_codes
        for v in range(1, villages_per_township + 1)
    )

    types = list(TYPE_SHARES)
    weights = list(TYPE_SHARES.values())
    members = tuple(
        Household(
            id=f"hh-{index:07d}",
            village_code=village_codes[index % len(village_codes)],
            type=rng.choices(types, weights)[0],
        )
        for index in range(1, households + 1)
    )
    return County(COUNTY_CODE, township_codes, village_codes, members)


def _check_size(field: str, value: int, low: int, high: int) -> None:
    if not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(field, value, f"must be a whole number from {low} to {high}")


def within(low: int, high: int) -> Callable[[Any, attrs.Attribute[int], int], None]:
    """An attrs validator for a whole number from `low` to `high`."""

    def check(instance: Any, attribute: attrs.Attribute[int], value: int) -> None:
        _check_size(attribute.name, value, low, high)

    return check
