"""The figures a campaign's deadlines and rules count with."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs
import pendulum

from fanpin_workflow.domain.clock import CAMPAIGN_ZONE
from fanpin_workflow.errors import InvalidInput


class DayCount(StrEnum):
    """How "within N days" is counted."""

    CALENDAR = "calendar"
    WORKING = "working"


def _days(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 366:
        raise InvalidInput(
            attribute.name, value, "must be a whole number of days from 1 to 366"
        )


def _year(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not value >= 2000:
        raise InvalidInput(attribute.name, value, "must be a year from 2000 on")


def _line(instance: object, attribute: attrs.Attribute[Decimal], value: Any) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise InvalidInput(attribute.name, value, "must be a positive amount")


def _day_count(value: Any) -> DayCount:
    try:
        return DayCount(value)
    except ValueError:
        rule = "must be 'calendar' or 'working'"
        raise InvalidInput("day_count", value, rule) from None


def _zone(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    try:
        pendulum.timezone(value)
    except Exception:  # pendulum raises several kinds for an unknown name
        rule = "must be an IANA time zone"
        raise InvalidInput(attribute.name, value, rule) from None


@attrs.frozen
class CampaignSettings:
    """The figures a campaign's deadlines and rules count with.

    `monitoring_line` (yuan of per-capita net income a year) has no published
    Guangxi figure; the default is an example, not an official value.
    """

    year: int = attrs.field(default=2024, validator=_year)
    notice_days: int = attrs.field(default=5, validator=_days)
    inclusion_limit_days: int = attrs.field(default=15, validator=_days)
    plan_days: int = attrs.field(default=5, validator=_days)
    declaration_days: int = attrs.field(default=10, validator=_days)
    tracking_interval_days: int = attrs.field(default=7, validator=_days)
    monitoring_line: Decimal = attrs.field(default=Decimal("7300"), validator=_line)
    day_count: DayCount = attrs.field(default=DayCount.CALENDAR, converter=_day_count)
    zone: str = attrs.field(default=CAMPAIGN_ZONE, validator=_zone)


#: Settings a deadline may name instead of a number of days.
DAY_SETTINGS = (
    "notice_days",
    "inclusion_limit_days",
    "plan_days",
    "declaration_days",
    "tracking_interval_days",
)
