"""Tests of deadline arithmetic: day ends, calendar days and working days."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator

import chinese_calendar  # type: ignore[import-untyped,unused-ignore]
import pendulum
import pytest

from fanpin_workflow.domain.worklist import (
    CalendarNotCovered,
    CalendarRequired,
    CampaignSettings,
    ChineseWorkingCalendar,
    DateDeadline,
    DayCount,
    EventDeadline,
    RecurringDeadline,
    deadline_at,
    due_after,
    end_of_day,
    guangxi_2024,
    is_overdue,
    start_of_day,
)
from fanpin_workflow.errors import InvalidInput

SHANGHAI = "Asia/Shanghai"
INCLUDED_AT = pendulum.datetime(2024, 5, 20, 10, tz=SHANGHAI)
DRAGON_BOAT_FRIDAY = pendulum.datetime(2024, 6, 7, 15, tz=SHANGHAI)


@pytest.fixture(params=["UTC", "America/New_York"])
def server_zone(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The process runs in a zone other than the campaign's."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_end_of_day_is_the_next_midnight_in_the_campaign_zone() -> None:
    """A task due on 14 June falls due at 00:00 on 15 June, Shanghai time."""
    day = dt.date(2024, 6, 14)

    due_at = end_of_day(day, SHANGHAI)

    assert due_at == pendulum.datetime(2024, 6, 15, tz=SHANGHAI)
    assert due_at == pendulum.datetime(2024, 6, 14, 16, tz="UTC")


@pytest.mark.usefixtures("server_zone")
def test_due_on_14_june_is_not_overdue_at_its_last_microsecond() -> None:
    """At 23:59:59.999999 on 14 June, Shanghai time, the task is still on time."""
    due_at = end_of_day(dt.date(2024, 6, 14), SHANGHAI)
    now = pendulum.datetime(2024, 6, 14, 23, 59, 59, 999999, tz=SHANGHAI)

    overdue = is_overdue(due_at, now)

    assert not overdue


@pytest.mark.usefixtures("server_zone")
def test_due_on_14_june_is_overdue_from_midnight() -> None:
    """At 00:00:00 on 15 June, Shanghai time, the task is overdue."""
    due_at = end_of_day(dt.date(2024, 6, 14), SHANGHAI)
    now = pendulum.datetime(2024, 6, 15, tz=SHANGHAI)

    overdue = is_overdue(due_at, now)

    assert overdue


def test_the_server_zone_is_really_changed(server_zone: str) -> None:
    """The fixture moves the process's local zone away from Shanghai."""
    probe = dt.datetime(2024, 6, 14, 12)

    offset = probe.astimezone().utcoffset()

    assert offset != dt.timedelta(hours=8)
    assert os.environ["TZ"] == server_zone


@pytest.mark.usefixtures("server_zone")
def test_the_shipped_data_entry_stage_falls_due_at_shanghai_midnight() -> None:
    """The data entry deadline of village.12 is 16:00 UTC on 14 June."""
    definition = guangxi_2024()
    deadline = definition.task("village.12").deadline

    due_at = deadline_at(deadline, definition.settings)

    assert due_at == pendulum.datetime(2024, 6, 14, 16, tz="UTC")


def test_start_of_day_is_midnight_in_the_campaign_zone() -> None:
    """The investigation stage opens at 00:00 on 10 May, Shanghai time."""
    day = dt.date(2024, 5, 10)

    opens_at = start_of_day(day, SHANGHAI)

    assert opens_at == pendulum.datetime(2024, 5, 9, 16, tz="UTC")


def test_within_5_calendar_days_counts_the_event_day_as_day_0() -> None:
    """An inclusion at 10:00 on 20 May, within 5 days, is due by the end of 25 May."""
    included_at = INCLUDED_AT

    due_at = due_after(included_at, 5, DayCount.CALENDAR)

    assert due_at == end_of_day(dt.date(2024, 5, 25), SHANGHAI)


def test_the_event_date_is_read_in_the_campaign_zone() -> None:
    """An event at 17:00 UTC on 20 May is on 21 May in Shanghai, day 0."""
    included_at = pendulum.datetime(2024, 5, 20, 17, tz="UTC")

    due_at = due_after(included_at, 5)

    assert due_at == end_of_day(dt.date(2024, 5, 26), SHANGHAI)


@pytest.mark.parametrize(
    ("now", "overdue"),
    [
        (pendulum.datetime(2024, 5, 25, tz=SHANGHAI), False),
        (pendulum.datetime(2024, 5, 25, 23, 59, 59, 999999, tz=SHANGHAI), False),
        (pendulum.datetime(2024, 5, 26, tz=SHANGHAI), True),
        (pendulum.datetime(2024, 5, 26, 12, tz=SHANGHAI), True),
    ],
    ids=["day-5-start", "day-5-end", "day-6-start", "day-6-noon"],
)
def test_the_5_day_plan_limit_ends_with_the_5th_day(
    now: pendulum.DateTime, overdue: bool
) -> None:
    """The plan is on time all of day 5 and late from the start of day 6."""
    settings = guangxi_2024().settings
    plan = EventDeadline("inclusion", settings.plan_days)

    due_at = deadline_at(plan, settings, since=INCLUDED_AT)

    assert is_overdue(due_at, now) is overdue


def test_5_working_days_from_friday_skip_the_dragon_boat_holiday() -> None:
    """5 working days from Friday 7 June 2024 land on Monday 17 June."""
    calendar = ChineseWorkingCalendar()

    due_at = due_after(DRAGON_BOAT_FRIDAY, 5, DayCount.WORKING, calendar)

    assert due_at == end_of_day(dt.date(2024, 6, 17), SHANGHAI)
    assert chinese_calendar.is_holiday(dt.date(2024, 6, 10))
    counted = [
        dt.date(2024, 6, 7) + dt.timedelta(days=n)
        for n in range(1, 11)
        if chinese_calendar.is_workday(dt.date(2024, 6, 7) + dt.timedelta(days=n))
    ]
    assert counted[4] == dt.date(2024, 6, 17)


def test_a_swapped_sunday_counts_as_a_working_day() -> None:
    """Sunday 4 February 2024 was a working day swapped for Spring Festival."""
    calendar = ChineseWorkingCalendar()
    sunday = dt.date(2024, 2, 4)

    working = calendar.is_workday(sunday)

    assert sunday.isoweekday() == 7
    assert working
    assert chinese_calendar.is_workday(sunday)


def test_one_working_day_from_a_saturday_is_the_swapped_sunday() -> None:
    """From Saturday 3 February 2024, the first working day is the next day."""
    saturday = pendulum.datetime(2024, 2, 3, 9, tz=SHANGHAI)

    due_at = due_after(saturday, 1, "working", ChineseWorkingCalendar())

    assert due_at == end_of_day(dt.date(2024, 2, 4), SHANGHAI)


def test_zero_working_days_is_the_end_of_the_event_day() -> None:
    """Within 0 working days means by the end of the event's own day."""
    saturday = pendulum.datetime(2024, 6, 8, 9, tz=SHANGHAI)

    due_at = due_after(saturday, 0, "working", ChineseWorkingCalendar())

    assert due_at == end_of_day(dt.date(2024, 6, 8), SHANGHAI)


def test_working_days_without_a_calendar_are_refused() -> None:
    """A working-day deadline without a calendar names the missing argument."""
    included_at = INCLUDED_AT

    with pytest.raises(CalendarRequired) as caught:
        due_after(included_at, 5, DayCount.WORKING)

    assert "working-day deadlines need a calendar; pass calendar=" in str(caught.value)


def test_a_year_the_calendar_does_not_cover_is_named() -> None:
    """Asking about a year chinesecalendar lacks raises CalendarNotCovered."""
    calendar = ChineseWorkingCalendar()
    day = dt.date(2099, 1, 2)

    with pytest.raises(CalendarNotCovered) as caught:
        calendar.is_workday(day)

    assert caught.value.day == day
    assert "2099-01-02" in str(caught.value)


def test_counting_into_an_uncovered_year_is_refused() -> None:
    """A working-day count that runs past the calendar's data is refused."""
    late_in_2099 = pendulum.datetime(2099, 12, 30, tz=SHANGHAI)

    with pytest.raises(CalendarNotCovered):
        due_after(late_in_2099, 3, DayCount.WORKING, ChineseWorkingCalendar())


def test_working_day_settings_apply_to_event_deadlines() -> None:
    """With day_count "working", the 5-day plan from 7 June is due on 17 June."""
    settings = CampaignSettings(day_count=DayCount.WORKING)
    plan = EventDeadline("inclusion", settings.plan_days)

    due_at = deadline_at(
        plan, settings, since=DRAGON_BOAT_FRIDAY, calendar=ChineseWorkingCalendar()
    )

    assert due_at == end_of_day(dt.date(2024, 6, 17), SHANGHAI)


def test_recurring_deadlines_count_calendar_days() -> None:
    """Weekly tracking is due 7 calendar days on, even across a holiday."""
    settings = CampaignSettings(day_count=DayCount.WORKING)
    tracking = RecurringDeadline(settings.tracking_interval_days)

    due_at = deadline_at(tracking, settings, since=DRAGON_BOAT_FRIDAY)

    assert due_at == end_of_day(dt.date(2024, 6, 14), SHANGHAI)


def test_a_date_deadline_needs_no_event() -> None:
    """A dated deadline falls due at the end of its date."""
    deadline = DateDeadline(dt.date(2024, 5, 9))

    due_at = deadline_at(deadline, CampaignSettings())

    assert due_at == pendulum.datetime(2024, 5, 10, tz=SHANGHAI)


def test_a_relative_deadline_without_its_event_is_refused() -> None:
    """A deadline counted from inclusion needs the time of the inclusion."""
    plan = EventDeadline("inclusion", 5)

    with pytest.raises(InvalidInput) as caught:
        deadline_at(plan, CampaignSettings())

    assert caught.value.field == "since"


@pytest.mark.parametrize("days", [-1, True, 2.5])
def test_a_bad_number_of_days_is_refused(days: object) -> None:
    """Days must be a whole number from 0 on."""
    included_at = INCLUDED_AT

    with pytest.raises(InvalidInput) as caught:
        due_after(included_at, days, DayCount.CALENDAR)  # type: ignore[arg-type]

    assert caught.value.field == "days"


def test_a_naive_event_time_is_refused() -> None:
    """An event time without a zone is refused rather than read as local."""
    naive = dt.datetime(2024, 5, 20, 10)

    with pytest.raises(InvalidInput) as caught:
        due_after(naive, 5)

    assert caught.value.field == "event_time"
