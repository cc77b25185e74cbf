"""Tests of the clocks the engine reads time from."""

from __future__ import annotations

from datetime import datetime, timedelta

import pendulum
import pytest

from fanpin_workflow.domain.clock import CAMPAIGN_ZONE, SystemClock, VirtualClock
from fanpin_workflow.errors import InvalidInput

START = pendulum.datetime(2024, 5, 10, 15, tz="Asia/Shanghai")


@pytest.mark.parametrize(
    "naive",
    [pendulum.naive(2024, 5, 10, 15), datetime(2024, 5, 10, 15)],
    ids=["pendulum", "stdlib"],
)
def test_virtual_clock_refuses_a_naive_start(naive: datetime) -> None:
    """A virtual clock can't start from a time without a zone."""
    with pytest.raises(InvalidInput) as caught:
        VirtualClock(naive)  # type: ignore[arg-type]

    assert caught.value.field == "start"


def test_virtual_clock_tells_its_start_until_moved() -> None:
    """A new virtual clock reports its start time, however often it is read."""
    clock = VirtualClock(START)

    readings = (clock.now(), clock.now())

    assert readings == (START, START)


def test_advance_moves_forward_by_the_duration() -> None:
    """`advance(days=5)` moves the clock five calendar days on and returns it."""
    clock = VirtualClock(START)

    moved = clock.advance(days=5)

    expected = pendulum.datetime(2024, 5, 15, 15, tz="Asia/Shanghai")
    assert moved == expected
    assert clock.now() == expected


def test_advance_refuses_a_negative_duration() -> None:
    """`advance` with a negative duration is refused and the clock stays."""
    clock = VirtualClock(START)

    with pytest.raises(InvalidInput) as caught:
        clock.advance(seconds=-1)

    assert caught.value.field == "instant"
    assert clock.now() == START


def test_set_refuses_going_back() -> None:
    """Setting an earlier instant is refused and the clock stays."""
    clock = VirtualClock(START)
    earlier = START.subtract(seconds=1)

    with pytest.raises(InvalidInput) as caught:
        clock.set(earlier)

    assert "never goes back" in caught.value.rule
    assert clock.now() == START


def test_set_accepts_the_same_instant_in_another_zone() -> None:
    """The same instant written in UTC is not going back."""
    clock = VirtualClock(START)
    same = START.in_timezone("UTC")

    clock.set(same)

    assert clock.now() == START


def test_set_refuses_a_naive_instant() -> None:
    """Setting a time without a zone is refused and the clock stays."""
    clock = VirtualClock(START)

    with pytest.raises(InvalidInput) as caught:
        clock.set(pendulum.naive(2024, 5, 11, 9))

    assert caught.value.field == "instant"
    assert clock.now() == START


def test_system_clock_reports_aware_time_in_the_campaign_zone() -> None:
    """The system clock gives the current instant in Asia/Shanghai."""
    clock = SystemClock()

    earliest = pendulum.now("UTC")
    now = clock.now()
    latest = pendulum.now("UTC")

    assert CAMPAIGN_ZONE == "Asia/Shanghai"
    assert now.timezone_name == "Asia/Shanghai"
    assert now.utcoffset() == timedelta(hours=8)
    assert earliest <= now <= latest


def test_system_clock_reports_in_a_given_zone() -> None:
    """A system clock made with another zone reports in that zone."""
    clock = SystemClock(zone="UTC")

    now = clock.now()

    assert now.timezone_name == "UTC"
