"""Commands a host platform sends to the engine, validated on construction.

Every command names its actor; a `request_id` makes a retry a no-op, and an
`expected_version` refuses the command if the record moved since the caller
read it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar, TypeVar

import attrs
import pendulum

from fanpin_workflow.domain.approval import CaseEvent, CaseKind, Level
from fanpin_workflow.domain.jurisdiction import Actor, check_area_code
from fanpin_workflow.domain.lifecycle import ObjectState
from fanpin_workflow.domain.values import check_free_text, check_id, check_time
from fanpin_workflow.errors import InvalidInput

E = TypeVar("E", bound=Enum)


def fingerprint(command: Command) -> str:
    """A digest of what a command asks, for telling a retry from a reuse.

    The request id and the expected version are left out: a retry may come
    with a fresher version.
    """
    content = attrs.asdict(
        command,
        filter=lambda field, _: field.name not in ("request_id", "expected_version"),
        value_serializer=_serializable,
    )
    text = json.dumps([type(command).__name__, content], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _serializable(instance: Any, field: Any, value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return sorted(map(str, value))
    if isinstance(value, datetime):
        return pendulum.instance(value).in_timezone("UTC").isoformat()
    return value


def text(field: str, value: Any) -> str:
    """An id-like text field of a command."""
    return check_id(field, value)


def _text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_id(attribute.name, value)


def _request_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        check_id(attribute.name, value, limit=128)


def _reason(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        check_free_text(attribute.name, value)


def version(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validate an optional expected version: a whole number from 1."""
    if value is not None and (
        not isinstance(value, int) or isinstance(value, bool) or value < 1
    ):
        raise InvalidInput(attribute.name, value, "must be a version number >= 1")


def _actor(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Actor):
        raise InvalidInput("actor", type(value).__name__, "must be an Actor")


def _village(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_area_code(attribute.name, value, Level.VILLAGE)


def _aware(field: str, value: Any) -> pendulum.DateTime | None:
    return None if value is None else check_time(field, value)


def _first_lead_at(value: Any) -> pendulum.DateTime | None:
    return _aware("first_lead_at", value)


def _monitored_since(value: Any) -> pendulum.DateTime | None:
    return _aware("monitored_since", value)


def member(enum: type[E], field: str, value: Any) -> E:
    """The member of `enum` named by `value`, or InvalidInput listing them."""
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidInput(field, value, f"must be one of {allowed}") from None


def _case_kind(value: Any) -> CaseKind:
    return member(CaseKind, "kind", value)


def object_state(value: Any) -> ObjectState:
    """Read a monitoring-object state, refusing unknown names."""
    return member(ObjectState, "state", value)


@attrs.frozen(kw_only=True)
class Command:
    """What every command carries; `name` is its row in the permission table."""

    name: ClassVar[str] = ""

    actor: Actor = attrs.field(validator=_actor)
    request_id: str | None = attrs.field(default=None, validator=_request_id)


@attrs.frozen(kw_only=True)
class ProposeInclusion(Command):
    """A village proposes a household for monitoring (拟纳入)."""

    name = "propose"

    household_id: str = attrs.field(validator=_text)
    village_code: str = attrs.field(validator=_village)
    first_lead_at: pendulum.DateTime | None = attrs.field(
        default=None, converter=_first_lead_at
    )
    reason: str | None = attrs.field(default=None, validator=_reason)


@attrs.frozen(kw_only=True)
class ProposeChange(Command):
    """A village proposes relabel, elimination, clear-out or rollback."""

    name = "propose"

    object_id: str = attrs.field(validator=_text)
    kind: CaseKind = attrs.field(converter=_case_kind)
    first_lead_at: pendulum.DateTime | None = attrs.field(
        default=None, converter=_first_lead_at
    )
    reason: str | None = attrs.field(default=None, validator=_reason)
    expected_version: int | None = attrs.field(default=None, validator=version)

    def __attrs_post_init__(self) -> None:
        if self.kind == CaseKind.INCLUSION:
            raise InvalidInput(
                "kind", self.kind.value, "use ProposeInclusion for a new household"
            )


@attrs.frozen(kw_only=True)
class ImportMonitoringObject(Command):
    """A county registers an object monitored before the engine took over."""

    name = "import"

    household_id: str = attrs.field(validator=_text)
    village_code: str = attrs.field(validator=_village)
    state: ObjectState = attrs.field(converter=object_state)
    monitored_since: pendulum.DateTime | None = attrs.field(
        default=None, converter=_monitored_since
    )


@attrs.frozen(kw_only=True)
class CaseCommand(Command):
    """A step on an open approval case."""

    event: ClassVar[CaseEvent]

    case_id: str = attrs.field(validator=_text)
    reason: str | None = attrs.field(default=None, validator=_reason)
    expected_version: int | None = attrs.field(default=None, validator=version)


@attrs.frozen(kw_only=True)
class Deliberate(CaseCommand):
    """The village records its deliberation meeting (民主评议)."""

    event = CaseEvent.DELIBERATE
    name = "deliberate"


@attrs.frozen(kw_only=True)
class PublishNotice(CaseCommand):
    """The village posts the public notice (公示); the notice period starts."""

    event = CaseEvent.PUBLISH_NOTICE
    name = "publish_notice"


@attrs.frozen(kw_only=True)
class SubmitToTownship(CaseCommand):
    """The village submits the case once the notice period has run."""

    event = CaseEvent.SUBMIT
    name = "submit"


@attrs.frozen(kw_only=True)
class ApproveAtTownship(CaseCommand):
    """The township passes the case up after review (审核)."""

    event = CaseEvent.APPROVE_AT_TOWNSHIP
    name = "approve_at_township"


@attrs.frozen(kw_only=True)
class ReturnToVillage(CaseCommand):
    """The township returns the case to the village, with a reason."""

    event = CaseEvent.RETURN_TO_VILLAGE
    name = "return_to_village"


@attrs.frozen(kw_only=True)
class ApproveAtCounty(CaseCommand):
    """The county determines the case (审定); the object's state changes."""

    event = CaseEvent.APPROVE_AT_COUNTY
    name = "approve_at_county"


@attrs.frozen(kw_only=True)
class DeclineAtCounty(CaseCommand):
    """The county refuses the change, with a reason."""

    event = CaseEvent.DECLINE_AT_COUNTY
    name = "decline_at_county"


@attrs.frozen(kw_only=True)
class ReturnToTownship(CaseCommand):
    """The county returns the case to the township, with a reason."""

    event = CaseEvent.RETURN_TO_TOWNSHIP
    name = "return_to_township"


#: The command class for each case event, for hosts that route by name.
CASE_COMMANDS: dict[CaseEvent, type[CaseCommand]] = {
    command.event: command
    for command in (
        Deliberate,
        PublishNotice,
        SubmitToTownship,
        ApproveAtTownship,
        ReturnToVillage,
        ApproveAtCounty,
        DeclineAtCounty,
        ReturnToTownship,
    )
}
