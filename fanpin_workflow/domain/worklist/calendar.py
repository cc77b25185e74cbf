"""Deadline arithmetic: when a task falls due, in the campaign's zone.

A task due on day D is due at the first instant of D + 1 in the campaign
zone: it is on time up to D 23:59:59.999999 and overdue from D + 1 00:00.
Every instant here is aware, so the server's own zone never matters.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import chinese_calendar  # type: ignore[import-untyped,unused-ignore]
import pendulum

from fanpin_workflow.domain.clock import CAMPAIGN_ZONE, local_date, zone_named
from fanpin_workflow.domain.values import check_time
from fanpin_workflow.domain.worklist.deadline import (
    DateDeadline,
    Deadline,
    EventDeadline,
)
from fanpin_workflow.domain.worklist.settings import CampaignSettings, DayCount
from fanpin_workflow.errors import FanpinError, InvalidInput


class CalendarNotCovered(FanpinError):
    """The working-day calendar holds no data for the year of a date."""

    def __init__(self, day: dt.date) -> None:
        self.day = day
        super().__init__(
            f"The official working-day calendar has no data for {day.isoformat()} "
            f"(year {day.year}); update the chinesecalendar package or count "
            "this campaign's deadlines in calendar days."
        )


class CalendarRequired(FanpinError):
    """A working-day deadline was asked for without a calendar."""

    def __init__(self) -> None:
        super().__init__(
            "working-day deadlines need a calendar; "
            "pass calendar=ChineseWorkingCalendar()"
        )


class WorkingCalendar(Protocol):
    """Tells which days are working days."""

    def is_workday(self, day: dt.date) -> bool:
        """Whether `day` is a working day.

        Raises:
            CalendarNotCovered: the calendar knows nothing of that year.
        """
        ...


class ChineseWorkingCalendar:
    """The official mainland calendar, from the `chinesecalendar` package.

    Public holidays are off; weekend days swapped into working days (调休)
    are working days.
    """

    def is_workday(self, day: dt.date) -> bool:
        """Whether `day` is a working day.

        Raises:
            CalendarNotCovered: the package has no data for that year.
        """
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError as error:
            raise CalendarNotCovered(day) from error


def end_of_day(day: dt.date, zone: str = CAMPAIGN_ZONE) -> pendulum.DateTime:
    """The instant a task due on `day` becomes overdue: next midnight in `zone`."""
    following = day + dt.timedelta(days=1)
    return pendulum.datetime(
        following.year, following.month, following.day, tz=zone_named(zone)
    )


def start_of_day(day: dt.date, zone: str = CAMPAIGN_ZONE) -> pendulum.DateTime:
    """The first instant of `day` in `zone`, when a stage opening on it opens."""
    return end_of_day(day - dt.timedelta(days=1), zone)


def is_overdue(due_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a task due at `due_at` is overdue at `now`."""
    return check_time("now", now) >= check_time("due_at", due_at)


def due_after(
    event_time: dt.datetime,
    days: int,
    day_count: DayCount | str = DayCount.CALENDAR,
    calendar: WorkingCalendar | None = None,
    *,
    zone: str = CAMPAIGN_ZONE,
) -> pendulum.DateTime:
    """When a task "within `days` days of" an event falls due.

    The event's date is taken in `zone` and is day 0, whatever its hour.
    In calendar days the task is due by the end of day 0 + `days`: an
    inclusion on 20 May at 10:00, within 5 days, is due by the end of 25 May.
    In working days it is due by the end of the `days`-th working day after
    day 0, day 0 itself not counted; 0 days means the end of day 0.

    Raises:
        InvalidInput: `event_time` is not aware, or `days` is negative.
        CalendarRequired: working days without a calendar.
        CalendarNotCovered: the calendar has no data for a day counted.
    """
    start = local_date(check_time("event_time", event_time), zone)
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        raise InvalidInput("days", days, "must be a whole number from 0 on")

    if DayCount(day_count) == DayCount.CALENDAR:
        return end_of_day(start + dt.timedelta(days=days), zone)

    if calendar is None:
        raise CalendarRequired()
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return end_of_day(day, zone)


def deadline_at(
    deadline: Deadline,
    settings: CampaignSettings,
    *,
    since: dt.datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> pendulum.DateTime:
    """The instant a task with `deadline` becomes overdue.

    `since` is the event a relative deadline counts from, or the previous
    round of a recurring one. Recurring deadlines count calendar days,
    since a week is seven days whether or not they are working days.

    Raises:
        InvalidInput: a relative or recurring deadline without `since`.
        CalendarRequired: working days without a calendar.
    """
    if isinstance(deadline, DateDeadline):
        return end_of_day(deadline.due, settings.zone)
    if since is None:
        raise InvalidInput(
            "since",
            None,
            "a relative or recurring deadline needs the time it counts from",
        )
    if isinstance(deadline, EventDeadline):
        return due_after(
            since, deadline.days, settings.day_count, calendar, zone=settings.zone
        )
    return due_after(
        since, deadline.interval_days, DayCount.CALENDAR, zone=settings.zone
    )
