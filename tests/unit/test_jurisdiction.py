"""Tests of area codes, actors and the jurisdiction each actor covers."""

from __future__ import annotations

from typing import Any

import pytest

from fanpin_workflow.domain.approval import Level
from fanpin_workflow.domain.jurisdiction import (
    Actor,
    check_area_code,
    county_of,
    township_of,
)
from fanpin_workflow.errors import InvalidInput

COUNTY = "450123000000"
TOWNSHIP = "450123101000"
VILLAGE = "450123101201"


@pytest.mark.parametrize(
    ("level", "code"),
    [
        (Level.COUNTY, COUNTY),
        (Level.COUNTY, "450110000000"),
        (Level.TOWNSHIP, TOWNSHIP),
        (Level.TOWNSHIP, "450123100000"),
        (Level.VILLAGE, VILLAGE),
        (Level.VILLAGE, "450123101200"),
        (Level.VILLAGE, "450123101001"),
    ],
)
def test_check_area_code_returns_a_valid_code(level: Level, code: str) -> None:
    """A well-formed code of the right level is returned unchanged."""
    result = check_area_code("code", code, level)

    assert result == code


@pytest.mark.parametrize("level", list(Level))
@pytest.mark.parametrize(
    "code",
    ["45012310120", "4501231012011", "45012310120a", "", " 45012310120"],
)
def test_check_area_code_refuses_a_code_that_is_not_12_digits(
    level: Level, code: str
) -> None:
    """A code that is not exactly 12 digits is refused at every level."""
    with pytest.raises(InvalidInput) as caught:
        check_area_code("code", code, level)

    assert (caught.value.field, caught.value.value) == ("code", code)
    assert caught.value.rule == "an area code is 12 digits"


@pytest.mark.parametrize("level", list(Level))
def test_check_area_code_refuses_a_number(level: Level) -> None:
    """A code given as an integer is refused, not converted."""
    with pytest.raises(InvalidInput) as caught:
        check_area_code("code", 450123101201, level)  # type: ignore[arg-type]

    assert caught.value.rule == "an area code is 12 digits"


@pytest.mark.parametrize(
    ("level", "code", "digits"),
    [
        (Level.COUNTY, TOWNSHIP, 6),
        (Level.COUNTY, VILLAGE, 6),
        (Level.COUNTY, "450123000001", 6),
        (Level.COUNTY, "450000000000", 6),
        (Level.TOWNSHIP, COUNTY, 9),
        (Level.TOWNSHIP, VILLAGE, 9),
        (Level.TOWNSHIP, "450123101010", 9),
        (Level.VILLAGE, TOWNSHIP, 12),
        (Level.VILLAGE, COUNTY, 12),
    ],
)
def test_check_area_code_refuses_a_code_of_another_level(
    level: Level, code: str, digits: int
) -> None:
    """A code with significant digits past its level, or too few, is refused."""
    with pytest.raises(InvalidInput) as caught:
        check_area_code("jurisdiction", code, level)

    assert caught.value.field == "jurisdiction"
    assert caught.value.rule == f"a {level} code has {digits} significant digits"


@pytest.mark.parametrize(
    ("level", "code"),
    [
        pytest.param(Level.COUNTY, "450100000000", id="city-code-as-county"),
        pytest.param(Level.TOWNSHIP, "450100101000", id="township-without-county"),
        pytest.param(Level.VILLAGE, "450123000201", id="village-without-township"),
    ],
)
def test_check_area_code_refuses_a_zero_segment_above_the_level(
    level: Level, code: str
) -> None:
    """A code whose county or township segment is all zeros names no such area."""
    with pytest.raises(InvalidInput) as caught:
        check_area_code("code", code, level)

    assert caught.value.value == code


def test_township_and_county_of_a_village_are_its_prefixes() -> None:
    """A village lies in the township and county its code's prefixes name."""
    found = (township_of(VILLAGE), county_of(VILLAGE))

    assert found == (TOWNSHIP, COUNTY)


def test_actor_converts_a_level_name_to_the_enum() -> None:
    """An actor built with the level's plain name holds the Level member."""
    level: Any = "township"

    actor = Actor("t-1", "township_reviewer", level, TOWNSHIP)

    assert actor.level is Level.TOWNSHIP


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (("", "monitoring_officer", Level.VILLAGE, VILLAGE), "actor.id"),
        (("v-1", "", Level.VILLAGE, VILLAGE), "actor.role"),
        (("v-1", "monitoring_officer", Level.VILLAGE, TOWNSHIP), "actor.jurisdiction"),
        (("t-1", "township_reviewer", Level.TOWNSHIP, VILLAGE), "actor.jurisdiction"),
        (("c-1", "county_determiner", Level.COUNTY, TOWNSHIP), "actor.jurisdiction"),
        (("c-1", "county_determiner", Level.COUNTY, "4501"), "actor.jurisdiction"),
    ],
)
def test_actor_refuses_an_invalid_field(
    fields: tuple[str, str, Level, str], field: str
) -> None:
    """An actor without id or role, or with a code of another level, is refused."""
    with pytest.raises(InvalidInput) as caught:
        Actor(*fields)

    assert caught.value.field == field


def test_actor_refuses_an_unknown_level_as_invalid_input() -> None:
    """An unknown level name is refused as InvalidInput naming actor.level."""
    level: Any = "province"

    with pytest.raises(InvalidInput) as caught:
        Actor("p-1", "provincial_inspector", level, COUNTY)

    assert caught.value.field == "actor.level"


@pytest.mark.parametrize(
    ("level", "jurisdiction", "village", "covered"),
    [
        (Level.COUNTY, COUNTY, VILLAGE, True),
        (Level.COUNTY, COUNTY, "450123202305", True),
        (Level.COUNTY, COUNTY, "450124101201", False),
        (Level.COUNTY, COUNTY, "460123101201", False),
        (Level.TOWNSHIP, TOWNSHIP, VILLAGE, True),
        (Level.TOWNSHIP, TOWNSHIP, "450123101305", True),
        (Level.TOWNSHIP, TOWNSHIP, "450123102201", False),
        (Level.TOWNSHIP, TOWNSHIP, "450124101201", False),
        (Level.VILLAGE, VILLAGE, VILLAGE, True),
        (Level.VILLAGE, VILLAGE, "450123101202", False),
        (Level.VILLAGE, VILLAGE, "450123102201", False),
    ],
)
def test_actor_covers_only_villages_inside_its_jurisdiction(
    level: Level, jurisdiction: str, village: str, covered: bool
) -> None:
    """An actor covers a village exactly when the village lies in its area."""
    actor = Actor("a-1", "grid_leader", level, jurisdiction)

    result = actor.covers(village)

    assert result is covered
