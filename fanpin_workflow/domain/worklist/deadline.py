"""The kinds of deadline a task can have, and how each is written in JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from fanpin_workflow.domain.worklist import parsing
from fanpin_workflow.domain.worklist.settings import DAY_SETTINGS, CampaignSettings
from fanpin_workflow.errors import DefinitionError

#: Events a relative deadline may count from.
EVENTS = frozenset({"inclusion"})


@attrs.frozen
class DateDeadline:
    """Due by the end of `due`, a date inside the task's stage window."""

    due: dt.date


@attrs.frozen
class EventDeadline:
    """Due `days` days after an event of the household, such as inclusion."""

    event: str
    days: int


@attrs.frozen
class RecurringDeadline:
    """Due again every `interval_days` calendar days, like weekly tracking."""

    interval_days: int


Deadline = DateDeadline | EventDeadline | RecurringDeadline


def read_deadline(place: str, raw: Any, settings: CampaignSettings) -> Deadline:
    """A deadline from parsed JSON; `days` may name a setting such as plan_days.

    Raises:
        DefinitionError: naming the place and what is wrong.
    """
    kind = raw.get("kind") if isinstance(raw, Mapping) else None
    if kind == "date":
        found = parsing.fields(place, raw, ("kind", "due"))
        return DateDeadline(parsing.date(place, "due", found["due"]))
    if kind == "after_event":
        found = parsing.fields(place, raw, ("kind", "event", "days"))
        event = parsing.text(place, "event", found["event"])
        return EventDeadline(event, _day_count(place, found["days"], settings))
    if kind == "recurring":
        found = parsing.fields(place, raw, ("kind", "days"))
        return RecurringDeadline(_day_count(place, found["days"], settings))
    raise DefinitionError(
        f"{place}: deadline kind must be 'date', 'after_event' or 'recurring', "
        f"not {kind!r}"
    )


def _day_count(place: str, raw: Any, settings: CampaignSettings) -> int:
    """A number of days, or the name of the setting that holds it."""
    if isinstance(raw, str):
        if raw not in DAY_SETTINGS:
            raise DefinitionError(f"{place}: deadline names unknown setting {raw!r}")
        days: int = getattr(settings, raw)
        return days
    return parsing.whole(place, "days", raw, 0, 366)
