"""Monitoring objects, approval cases and audit entries, as plain data."""

from __future__ import annotations

import logging
from typing import Any, Protocol, overload

import attrs
import pendulum

from fanpin_workflow.domain.machine import StateMachine
from fanpin_workflow.errors import StateAssignmentRefused

logger = logging.getLogger(__name__)


class GuardedState:
    """A record's `state`: read like a field, changed only by `move`.

    The record keeps the value in its `_state` field. Unlike an attrs
    on_setattr hook, which makes every field assignment of the class a
    Python call (in `__init__` too), this costs nothing but on `state`.
    """

    def __init__(self, owner: str) -> None:
        self.owner = owner

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> GuardedState: ...
    @overload
    def __get__(self, instance: object, owner: type[Any]) -> str: ...
    def __get__(self, instance: object | None, owner: type[Any]) -> Any:
        if instance is None:
            return self
        return instance._state  # type: ignore[attr-defined]

    def __set__(self, instance: object, value: Any) -> None:
        raise StateAssignmentRefused(self.owner, value)


def move(subject: Any, state: str) -> None:
    """Set a record's guarded state field; only the domain's step modules call it."""
    object.__setattr__(subject, "_state", state)


@attrs.define(eq=False)
class MonitoringObject:
    """A household under (or proposed for) monitoring (监测对象)."""

    id: str
    household_id: str
    village_code: str
    _state: str
    version: int = 0
    created_at: pendulum.DateTime | None = None
    updated_at: pendulum.DateTime | None = None
    monitored_since: pendulum.DateTime | None = None

    state = GuardedState("monitoring object")


@attrs.define(eq=False)
class ApprovalCase:
    """One request to change a monitoring object's state, and its progress."""

    id: str
    object_id: str
    kind: str
    village_code: str
    _state: str
    proposed_by: str = ""
    proposed_at: pendulum.DateTime | None = None
    first_lead_at: pendulum.DateTime | None = None
    notice_started_at: pendulum.DateTime | None = None
    notice_ends_at: pendulum.DateTime | None = None
    decided_at: pendulum.DateTime | None = None
    decided_by: str | None = None
    version: int = 0
    updated_at: pendulum.DateTime | None = None
    #: When an inclusion or relabel must be decided by, while it is open.
    decision_due_at: pendulum.DateTime | None = None

    state = GuardedState("approval case")


def _plain(value: str | None) -> str | None:
    # Enum members and plain strings must compare and print alike.
    return None if value is None else str(value)


class _Acting(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def jurisdiction(self) -> str: ...


def log_change(
    machine: str,
    subject_id: str,
    event: str,
    before: str | None,
    after: str | None,
    actor: _Acting,
) -> None:
    """Log one state change at INFO: machine, id, event, states, actor (ids only)."""
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "%s %s: %s %s -> %s by %s (%s)",
            machine,
            subject_id,
            event,
            before,
            after,
            actor.id,
            actor.role,
        )


def entry_about(
    subject_type: str,
    subject_id: str,
    event: str,
    before: str | None,
    after: str | None,
    actor: _Acting,
    now: pendulum.DateTime,
    reason: str | None = None,
    *,
    object_id: str | None = None,
    version: str = "2024.1",
) -> AuditEntry:
    """The audit entry of a record that moved (or was written) without
    moving a monitoring object; the change is logged at INFO."""
    log_change(subject_type, subject_id, event, before, after, actor)
    return AuditEntry(
        subject_type=subject_type,
        subject_id=subject_id,
        event=event,
        from_state=before,
        to_state=after,
        object_id=object_id,
        object_from_state=None,
        object_to_state=None,
        actor_id=actor.id,
        actor_role=actor.role,
        actor_level=actor.level,
        jurisdiction=actor.jurisdiction,
        reason=reason,
        occurred_at=now,
        definition_version=version,
    )


def fire(
    machine: StateMachine,
    subject_type: str,
    subject_id: str,
    record: Any,
    event: str,
    actor: _Acting,
    now: pendulum.DateTime,
    reason: str | None = None,
    *,
    object_id: str | None = None,
) -> AuditEntry:
    """Move a versioned record through its machine; return the audit entry.

    Raises:
        TransitionNotAllowed: the machine has no such move from its state.
    """
    before = record.state
    after = machine.fire(subject_id, before, event)
    move(record, after)
    record.version += 1
    record.updated_at = now
    return entry_about(
        subject_type,
        subject_id,
        event,
        None if before == "start" else before,
        after,
        actor,
        now,
        reason,
        object_id=object_id,
        version=machine.definition.version,
    )


#: The kinds of record an audit entry can be about.
SUBJECT_TYPES = (
    "approval_case",
    "monitoring_object",
    "investigation",
    "key_household_list",
    "household",
    "question",
    "area",
    "grid",
    "role_assignment",
    "task",
    "campaign",
)


@attrs.frozen
class AuditEntry:
    """The record of one command: what moved, who moved it, when and why.

    `subject_type` and `subject_id` name the record the command moved and
    `from_state`/`to_state` its states; `object_id` names the monitoring
    object concerned, if any, and `object_from_state`/`object_to_state` are
    set when the command created or moved it.
    """

    subject_type: str
    subject_id: str
    event: str = attrs.field(converter=str)
    from_state: str | None = attrs.field(converter=_plain)
    to_state: str | None = attrs.field(converter=_plain)
    object_id: str | None
    object_from_state: str | None = attrs.field(converter=_plain)
    object_to_state: str | None = attrs.field(converter=_plain)
    actor_id: str
    actor_role: str
    actor_level: str = attrs.field(converter=str)
    jurisdiction: str
    reason: str | None
    occurred_at: pendulum.DateTime
    definition_version: str
    request_id: str | None = None
    request_fingerprint: str | None = None
    command: str | None = None
    sequence: int | None = None

    @property
    def case_id(self) -> str | None:
        """The approval case this entry is about, if it is about one."""
        return self.subject_id if self.subject_type == "approval_case" else None

    @property
    def changed_object(self) -> bool:
        """Tell whether this command changed the object's lifecycle state."""
        return self.object_to_state is not None and (
            self.object_to_state != self.object_from_state
        )
