"""Clocks: the engine never reads the time except through one of these."""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Protocol

import pendulum

from fanpin_workflow.errors import InvalidInput

#: The zone the campaign's dates are read in.
CAMPAIGN_ZONE = "Asia/Shanghai"


@functools.cache
def zone_named(name: str) -> pendulum.Timezone | pendulum.FixedTimezone:
    """The zone of an IANA name, loaded once per process.

    pendulum reads the zone file again on every `in_timezone(name)`, which
    costs more than the rest of a transition; this keeps the loaded zone.
    """
    return pendulum.timezone(name)


def local_date(instant: datetime, zone: str = CAMPAIGN_ZONE) -> date:
    """The calendar day `instant` falls on in `zone`."""
    return instant.astimezone(zone_named(zone)).date()


def in_zone(instant: pendulum.DateTime, zone: str = CAMPAIGN_ZONE) -> pendulum.DateTime:
    """`instant` as the wall time of `zone`."""
    return instant.in_timezone(zone_named(zone))


class Clock(Protocol):
    """Something that tells the current time, timezone-aware."""

    def now(self) -> pendulum.DateTime:
        """Return the current instant."""
        ...


class SystemClock:
    """Real time, reported in the campaign's zone."""

    def __init__(self, zone: str = CAMPAIGN_ZONE) -> None:
        self.zone = pendulum.timezone(zone)

    def now(self) -> pendulum.DateTime:
        """Return the current instant in the campaign's zone."""
        return pendulum.now(self.zone)


class VirtualClock:
    """A clock that only moves when a simulation or test moves it."""

    def __init__(self, start: pendulum.DateTime) -> None:
        if not isinstance(start, datetime) or start.tzinfo is None:
            raise InvalidInput("start", start, "a virtual clock needs an aware time")
        self._now = pendulum.instance(start)

    def now(self) -> pendulum.DateTime:
        """Return the virtual instant."""
        return self._now

    def advance(self, **delta: float) -> pendulum.DateTime:
        """Move forward by a pendulum duration, such as `days=5`."""
        try:
            moved = self._now.add(**delta)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            raise InvalidInput(
                "delta", delta, "whole or decimal numbers of years to microseconds"
            ) from None
        self.set(moved)
        return moved

    def set(self, instant: pendulum.DateTime) -> None:
        """Move to `instant`, which must not lie in the past."""
        if not isinstance(instant, datetime) or instant.tzinfo is None:
            raise InvalidInput("instant", instant, "the clock needs an aware time")
        if instant < self._now:
            raise InvalidInput(
                "instant",
                instant.isoformat(),
                f"a virtual clock never goes back (now {self._now.isoformat()})",
            )
        self._now = instant
