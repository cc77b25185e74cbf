"""Commands for campaigns and their tasks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from fanpin_workflow.domain.approval import Level
from fanpin_workflow.domain.jurisdiction import check_area_code
from fanpin_workflow.domain.values import check_free_text, check_id
from fanpin_workflow.domain.worklist.settings import read_settings
from fanpin_workflow.errors import InvalidInput
from fanpin_workflow.service.commands import Command, version


def _id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_id(attribute.name, value)


def _reason(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        check_free_text(attribute.name, value)


def _required_reason(
    instance: Any, attribute: attrs.Attribute[Any], value: Any
) -> None:
    check_free_text(attribute.name, value)


def _county(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_area_code(attribute.name, value, Level.COUNTY)


def _settings(value: Any) -> dict[str, Any]:
    # Checked on their own here (names and rules); against the whole
    # definition when the campaign starts.
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInput("settings", value, "must be an object of settings")
    changes = dict(value)
    read_settings(changes)
    return changes


@attrs.frozen(kw_only=True)
class StartCampaign(Command):
    """A county starts a campaign: every township and village gets its list.

    `settings` changes some of the definition's settings for this campaign
    (a `year` moves every date to that year); the rest keep their values.
    """

    name = "start_campaign"
    county_code: str = attrs.field(validator=_county)
    definition: str = attrs.field(default="guangxi_2024", validator=_id)
    settings: dict[str, Any] = attrs.field(factory=dict, converter=_settings)


@attrs.frozen(kw_only=True)
class EndCampaign(Command):
    """A county ends its running campaign; its open tasks are waived."""

    name = "end_campaign"
    county_code: str = attrs.field(validator=_county)
    reason: str = attrs.field(validator=_required_reason)


@attrs.frozen(kw_only=True)
class StartTask(Command):
    """Work on a task begins."""

    name = "start_task"
    task_id: str = attrs.field(validator=_id)
    expected_version: int | None = attrs.field(default=None, validator=version)


@attrs.frozen(kw_only=True)
class CompleteTask(Command):
    """A task is done; late, it needs a reason."""

    name = "complete_task"
    task_id: str = attrs.field(validator=_id)
    reason: str | None = attrs.field(default=None, validator=_reason)
    expected_version: int | None = attrs.field(default=None, validator=version)


@attrs.frozen(kw_only=True)
class WaiveTask(Command):
    """A task is not needed here, for a stated reason."""

    name = "waive_task"
    task_id: str = attrs.field(validator=_id)
    reason: str = attrs.field(validator=_required_reason)
    expected_version: int | None = attrs.field(default=None, validator=version)
