"""The figures a campaign's deadlines and rules count with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs
import pendulum

from fanpin_workflow.domain.clock import CAMPAIGN_ZONE
from fanpin_workflow.domain.policy.parameters import PolicyParameters
from fanpin_workflow.domain.questions import QuestionSettings
from fanpin_workflow.domain.settings import ApprovalSettings
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


def _months(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 60:
        raise InvalidInput(
            attribute.name, value, "must be a whole number of months from 1 to 60"
        )


def _answer_days(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 60:
        raise InvalidInput(
            attribute.name, value, "must be a whole number of days from 1 to 60"
        )


def _since(instance: object, attribute: attrs.Attribute[dt.date], value: Any) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidInput(attribute.name, value, "must be a date (YYYY-MM-DD)")


def _age_range(
    instance: object, attribute: attrs.Attribute[tuple[int, int]], value: Any
) -> None:
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or not 0 <= value[0] < value[1] <= 120
    ):
        raise InvalidInput(
            attribute.name, value, "must be two ages, the first below the second"
        )


def _decimal(value: Any) -> Any:
    # A string or whole number becomes a Decimal; anything else is left
    # for the validator, which names it.
    if isinstance(value, str | int) and not isinstance(value, bool):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def _pair(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


@attrs.frozen
class CampaignSettings:
    """Every figure a campaign's deadlines and rules count with.

    The engine reads them from the campaign running in a county: the notice
    period and the 15-day limit of its approvals, the policy figures of its
    rules, the time its levels have to answer questions, and its deadlines.
    `monitoring_line` (yuan of per-capita net income a year) has no published
    Guangxi figure; the default is an example, not an official value.
    """

    year: int = attrs.field(default=2024, validator=_year)
    notice_days: int = attrs.field(default=5, validator=_days)
    inclusion_limit_days: int = attrs.field(default=15, validator=_days)
    plan_days: int = attrs.field(default=5, validator=_days)
    declaration_days: int = attrs.field(default=10, validator=_days)
    tracking_interval_days: int = attrs.field(default=7, validator=_days)
    monitoring_line: Decimal = attrs.field(
        default=Decimal("7300"), converter=_decimal, validator=_line
    )
    marginal_factor: Decimal = attrs.field(
        default=Decimal("1.5"), converter=_decimal, validator=_line
    )
    min_monitoring_months: int = attrs.field(default=6, validator=_months)
    mandatory_key_since: dt.date = attrs.field(
        default=dt.date(2023, 1, 1), converter=_iso_date, validator=_since
    )
    working_age: tuple[int, int] = attrs.field(
        default=(16, 60), converter=_pair, validator=_age_range
    )
    township_answer_days: int = attrs.field(default=3, validator=_answer_days)
    county_answer_days: int = attrs.field(default=5, validator=_answer_days)
    day_count: DayCount = attrs.field(default=DayCount.CALENDAR, converter=_day_count)
    zone: str = attrs.field(default=CAMPAIGN_ZONE, validator=_zone)

    def approval(self) -> ApprovalSettings:
        """The figures of the approval workflow."""
        return ApprovalSettings(
            notice_days=self.notice_days,
            inclusion_limit_days=self.inclusion_limit_days,
            zone=self.zone,
        )

    def policy(self) -> PolicyParameters:
        """The figures of the policy rules."""
        return PolicyParameters(
            monitoring_line=self.monitoring_line,
            min_monitoring_months=self.min_monitoring_months,
            marginal_factor=self.marginal_factor,
            mandatory_key_since=self.mandatory_key_since,
            working_age=self.working_age,
        )

    def questions(self) -> QuestionSettings:
        """How long each level has to answer a question."""
        return QuestionSettings(
            township_days=self.township_answer_days,
            county_days=self.county_answer_days,
        )

    def as_data(self) -> dict[str, Any]:
        """The settings as plain JSON values, as a definition file writes them."""
        data: dict[str, Any] = {}
        for name in attrs.fields_dict(CampaignSettings):
            value = getattr(self, name)
            if isinstance(value, Decimal):
                value = str(value)
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, StrEnum):
                value = value.value
            data[name] = value
        return data


def read_settings(raw: Mapping[str, Any], field: str = "settings") -> CampaignSettings:
    """Campaign settings from plain JSON values; missing ones take defaults.

    Raises:
        InvalidInput: naming the setting (as `settings.<name>`) and its rule.
    """
    known = attrs.fields_dict(CampaignSettings)
    prefix = f"{field}." if field else ""
    if not isinstance(raw, Mapping):
        raise InvalidInput(field, type(raw).__name__, "must be an object of settings")
    for name in raw:
        if name not in known:
            rule = f"not a campaign setting (known: {', '.join(known)})"
            raise InvalidInput(f"{prefix}{name}", raw[name], rule)
    try:
        return CampaignSettings(**raw)
    except InvalidInput as error:
        raise InvalidInput(prefix + error.field, error.value, error.rule) from None


#: Settings a deadline may name instead of a number of days.
DAY_SETTINGS = (
    "notice_days",
    "inclusion_limit_days",
    "plan_days",
    "declaration_days",
    "tracking_interval_days",
)
