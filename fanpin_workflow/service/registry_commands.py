"""Commands for the registry (areas, grids, roles) and for questions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from fanpin_workflow.domain.access import Role
from fanpin_workflow.domain.approval import Level
from fanpin_workflow.domain.jurisdiction import check_area_code
from fanpin_workflow.domain.registry import MAX_GRID_HOUSEHOLDS, AreaLevel
from fanpin_workflow.domain.values import check_free_text, check_id
from fanpin_workflow.errors import InvalidInput
from fanpin_workflow.service.commands import Command, member, version


def _id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_id(attribute.name, value)


def _optional_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        check_id(attribute.name, value)


def _name(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_free_text(attribute.name, value, limit=100)


def _text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_free_text(attribute.name, value, limit=2000)


def _village(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_area_code(attribute.name, value, Level.VILLAGE)


def _date(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (
        not isinstance(value, dt.date) or isinstance(value, dt.datetime)
    ):
        raise InvalidInput(attribute.name, value, "must be a date")


def _required_date(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        raise InvalidInput(attribute.name, value, "must be a date")
    _date(instance, attribute, value)


def _capacity(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 500:
        raise InvalidInput(attribute.name, value, "a whole number from 1 to 500")


def _area_level(value: Any) -> AreaLevel:
    return member(AreaLevel, "level", value)


def _role(value: Any) -> Role:
    return member(Role, "role", value)


@attrs.frozen(kw_only=True)
class RegisterArea(Command):
    """The administration registers a county, township, village or hamlet."""

    name = "register_area"
    code: str = attrs.field(validator=_id)
    level: AreaLevel = attrs.field(converter=_area_level)
    title: str = attrs.field(validator=_name)
    parent_code: str | None = attrs.field(default=None, validator=_optional_id)


@attrs.frozen(kw_only=True)
class RegisterGrid(Command):
    """The administration registers a grid inside a village."""

    name = "register_grid"
    grid_id: str = attrs.field(validator=_id)
    village_code: str = attrs.field(validator=_village)
    title: str = attrs.field(validator=_name)
    max_households: int = attrs.field(default=MAX_GRID_HOUSEHOLDS, validator=_capacity)


@attrs.frozen(kw_only=True)
class PlaceHousehold(Command):
    """The administration places a household in a grid of its village."""

    name = "place_household"
    household_id: str = attrs.field(validator=_id)
    grid_id: str = attrs.field(validator=_id)


@attrs.frozen(kw_only=True)
class AssignRole(Command):
    """The administration gives a person a role for an area from a day on."""

    name = "assign_role"
    person_id: str = attrs.field(validator=_id)
    role: Role = attrs.field(converter=_role)
    area_code: str = attrs.field(validator=_id)
    starts_on: dt.date = attrs.field(validator=_required_date)
    ends_on: dt.date | None = attrs.field(default=None, validator=_date)


@attrs.frozen(kw_only=True)
class EndRole(Command):
    """The administration ends a person's role on a last day."""

    name = "end_role"
    person_id: str = attrs.field(validator=_id)
    role: Role = attrs.field(converter=_role)
    area_code: str = attrs.field(validator=_id)
    ends_on: dt.date = attrs.field(validator=_required_date)


@attrs.frozen(kw_only=True)
class RaiseQuestion(Command):
    """A village asks its township a question about the campaign."""

    name = "raise_question"
    village_code: str = attrs.field(validator=_village)
    text: str = attrs.field(validator=_text)


@attrs.frozen(kw_only=True)
class AnswerQuestion(Command):
    """The township, or after escalation the county, answers a question."""

    name = "answer_question"
    question_id: str = attrs.field(validator=_id)
    answer: str = attrs.field(validator=_text)
    expected_version: int | None = attrs.field(default=None, validator=version)


@attrs.frozen(kw_only=True)
class EscalateQuestion(Command):
    """The township passes a question it can't answer to the county."""

    name = "escalate_question"
    question_id: str = attrs.field(validator=_id)
    expected_version: int | None = attrs.field(default=None, validator=version)
