"""Every error the engine raises descends from FanpinError.

Each refusal carries what was refused and why, as attributes a host can
read and as a message a township clerk can read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from fanpin_workflow.domain.identity import mask

#: A run of 15 or more digits: an identity, certificate or bank account
#: number. Letters glued to its end (a check X, a certificate suffix) go too.
_LONG_NUMBER = re.compile(r"\d{15,}[0-9A-Za-z]*")

#: No amount, count or version reaches 15 digits, so a number that does is
#: shown masked; fewer digits (an amount like 0.30000000000000004) show as is.
_LONG_ENOUGH = 10**14

#: Longer text is cut, after masking, to this many characters.
_SHOWN_LIMIT = 80

#: Fields whose values are health details: errors name them, never show them.
HEALTH_FIELDS = frozenset({"health"})

#: The rule of a field the engine does not know; its value may be anything
#: (a name, a phone number), so it is never shown.
UNKNOWN_FIELD = "unknown field"


def shown(value: Any) -> str:
    """A value as an error shows it: enumerations by their value, long
    numbers masked, long text cut."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, str):
        return repr(_text(value))
    if isinstance(value, Mapping):
        pairs = (f"{shown(k)}: {shown(v)}" for k, v in value.items())
        return _cut("{" + ", ".join(pairs) + "}")
    if isinstance(value, list | tuple):
        return _cut("[" + ", ".join(map(shown, value[:_SHOWN_LIMIT])) + "]")
    if isinstance(value, set | frozenset):
        return _cut("{" + ", ".join(sorted(map(shown, value))) + "}")
    return _text(repr(value))


def redact(value: Any) -> Any:
    """The value itself, or the text an error shows for it when the value
    holds a long number or is too long to show."""
    if not _needs_redaction(value):
        return value
    return _text(value) if isinstance(value, str) else shown(value)


def _needs_redaction(value: Any) -> bool:
    if isinstance(value, Enum | bool) or value is None:
        return False
    if isinstance(value, str):
        return _text(value) != value
    if isinstance(value, int | float | Decimal):
        return _large(value)
    if isinstance(value, Mapping):
        return any(_needs_redaction(k) or _needs_redaction(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_needs_redaction(item) for item in value)
    return _text(repr(value)) != repr(value)


def _large(value: int | float | Decimal) -> bool:
    if isinstance(value, Decimal) and not value.is_finite():
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return abs(Decimal(value)) >= _LONG_ENOUGH


def _number(value: int | float | Decimal) -> str:
    if not _large(value):
        return str(value) if isinstance(value, Decimal) else repr(value)
    whole = int(value)
    sign = "-" if whole < 0 else ""
    if abs(whole).bit_length() > 4 * _SHOWN_LIMIT:
        return f"{sign}{'*' * (_SHOWN_LIMIT - 1)}…"
    return _cut(sign + mask(str(abs(whole))))


def _text(text: str) -> str:
    if len(text) <= 40:
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            pass
        else:
            if number.is_finite() and abs(number) < _LONG_ENOUGH:
                return text
    return _cut(_LONG_NUMBER.sub(lambda found: mask(found.group(0)), text))


def _cut(text: str) -> str:
    return text if len(text) <= _SHOWN_LIMIT else text[: _SHOWN_LIMIT - 1] + "…"


def _field(field: str) -> str:
    # A field may be a key the host sent: mask it like a value, and escape
    # what can't be printed (a lone surrogate would break every log handler).
    name = _text(str(field))
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in name)


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in ('a', 'e', 'i', 'o', 'u') else 'a'} {noun}"


def _leaf(field: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", field).rsplit(".", 1)[-1]


class FanpinError(Exception):
    """Root of every error raised by fanpin_workflow."""

    retryable: bool = False


class DefinitionError(FanpinError):
    """A state-machine or campaign definition is malformed."""


class InvalidInput(FanpinError):
    """A command carried a value that breaks a rule; nothing was written.

    The message shows the value with long numbers masked, and its type
    too with `show_type=True` (for a value of the wrong type). A health
    field's value, an unknown field's value, or one given with
    `withhold=True` is not shown at all (`value` is None, `withheld` True).
    """

    def __init__(
        self,
        field: str,
        value: Any,
        rule: str,
        *,
        withhold: bool = False,
        show_type: bool = False,
    ) -> None:
        self.field = field = _field(field)
        self.rule = rule
        self.withheld = (
            withhold or _leaf(field) in HEALTH_FIELDS or rule == UNKNOWN_FIELD
        )
        if self.withheld:
            self.value: Any = None
            super().__init__(f"{field} is refused: {rule}.")
            return
        self.value = redact(value)
        typed = (
            f" ({_a(type(value).__name__)})" if show_type and value is not None else ""
        )
        super().__init__(f"{field}={shown(value)}{typed} is refused: {rule}.")


class NotFound(FanpinError):
    """The object or case named by a command does not exist."""

    def __init__(self, kind: str, identifier: str) -> None:
        self.kind = kind
        self.identifier = redact(identifier)
        super().__init__(f"No {kind} with id {shown(identifier)}.")


class TransitionNotAllowed(FanpinError):
    """The event is not allowed from the current state."""

    def __init__(self, machine: str, subject_id: str, event: str, state: str) -> None:
        self.machine = machine
        self.subject_id = subject_id
        self.event = event
        self.state = state
        super().__init__(
            f"Can't {event.replace('_', ' ')} when in {state.replace('_', ' ')} "
            f"({machine} {subject_id})."
        )


class StateAssignmentRefused(FanpinError):
    """Code tried to set a state field directly instead of firing an event."""

    def __init__(self, owner: str, attempted: Any) -> None:
        self.owner = owner
        self.attempted = attempted
        article = "an" if owner[:1] in ("a", "e", "i", "o", "u") else "a"
        super().__init__(
            f"The state of {article} {owner} changes only through its events; "
            f"assigning {attempted!r} directly is refused."
        )


class GuardRefused(FanpinError):
    """A guard of the approval workflow refused the command."""


class NoticePeriodNotOver(GuardRefused):
    """The public notice has not yet run for the required days."""

    def __init__(self, case_id: str, notice_ends_at: datetime, now: datetime) -> None:
        self.case_id = case_id
        self.notice_ends_at = notice_ends_at
        self.now = now
        super().__init__(
            f"Can't submit case {case_id} before its public notice ends at "
            f"{notice_ends_at.isoformat()} (now {now.isoformat()})."
        )


class AccessRefused(GuardRefused):
    """The actor may not issue this command on this record; it is logged."""


class WrongLevel(AccessRefused):
    """The actor's level is not the level that performs this step."""

    def __init__(self, actor_id: str, level: str, event: str, required: str) -> None:
        self.actor_id = actor_id
        self.level = level
        self.event = event
        self.required = required
        super().__init__(
            f"Actor {actor_id} at {level} level can't {event.replace('_', ' ')}: "
            f"that step belongs to the {required} level."
        )


class OutsideJurisdiction(AccessRefused):
    """The actor acts on an object outside its own jurisdiction."""

    def __init__(self, actor_id: str, jurisdiction: str, subject_code: str) -> None:
        self.actor_id = actor_id
        self.jurisdiction = jurisdiction
        self.subject_code = subject_code
        super().__init__(
            f"Actor {actor_id} of jurisdiction {jurisdiction} can't act in area "
            f"{subject_code}: it lies outside that jurisdiction."
        )


class SeparationOfDuties(AccessRefused):
    """The proposer of a case tried to review or determine it."""

    def __init__(self, actor_id: str, case_id: str, event: str) -> None:
        self.actor_id = actor_id
        self.case_id = case_id
        self.event = event
        super().__init__(
            f"Actor {actor_id} proposed case {case_id}, so someone else must "
            f"take its {event.replace('_', ' ')} step."
        )


class ReasonRequired(GuardRefused):
    """A return or a refusal was sent without a reason."""

    def __init__(self, event: str) -> None:
        self.event = event
        super().__init__(f"A reason is required to {event.replace('_', ' ')}.")


class OpenCaseExists(GuardRefused):
    """The object already has an approval case that is not closed."""

    def __init__(self, object_id: str, case_id: str) -> None:
        self.object_id = object_id
        self.case_id = case_id
        super().__init__(
            f"Monitoring object {object_id} already has open case {case_id}; "
            "close it before proposing another change."
        )


class HouseholdAlreadyMonitored(GuardRefused):
    """The household already has a monitoring object that has not ended."""

    def __init__(self, household_id: str, object_id: str) -> None:
        self.household_id = household_id
        self.object_id = object_id
        super().__init__(
            f"Household {household_id} already has monitoring object "
            f"{object_id}; propose a change of that object instead."
        )


class ConcurrencyConflict(FanpinError):
    """Another writer changed the record first; reload and retry."""

    retryable = True

    def __init__(self, kind: str, identifier: str, detail: str) -> None:
        self.kind = kind
        self.identifier = identifier
        self.detail = detail
        super().__init__(
            f"{kind} {identifier} was changed by another writer ({detail}); "
            "reload it and try again."
        )


class RequestIdReused(FanpinError):
    """A request id already recorded for a different command was sent again."""

    def __init__(self, request_id: str, recorded: str, sent: str) -> None:
        self.request_id = request_id
        self.recorded = recorded
        self.sent = sent
        super().__init__(
            f"Request id {request_id!r} was already used for {recorded}; "
            f"it can't be reused for {sent}."
        )


class BatchRefused(FanpinError):
    """One command of a batch was refused, so the whole batch wrote nothing."""

    def __init__(self, index: int, error: FanpinError) -> None:
        self.index = index
        self.error = error
        self.retryable = error.retryable
        super().__init__(f"Command {index} of the batch was refused: {error}")


class StorageError(FanpinError):
    """The database failed; the command wrote nothing."""

    retryable = True


class InvalidRecord(FanpinError):
    """A record broke rules; every problem is listed and nothing was written."""

    def __init__(self, record: str, problems: list[InvalidInput]) -> None:
        record = _text(record)
        self.record = record
        self.problems = problems
        listed = "; ".join(str(problem) for problem in problems)
        super().__init__(f"{record} has {len(problems)} problem(s): {listed}")


class MandatoryKeyHouseholdsMissing(GuardRefused):
    """A key-household list left out households the mandatory rule names."""

    def __init__(self, village_code: str, household_ids: list[str]) -> None:
        self.village_code = village_code
        self.household_ids = household_ids
        super().__init__(
            f"The key-household list of village {village_code} can't be confirmed: "
            f"{len(household_ids)} household(s) with a member newly identified for "
            "or applying for subsistence allowance or extreme-poverty support are "
            f"missing: {', '.join(household_ids)}."
        )


class EliminationNotEligible(GuardRefused):
    """The county was refused marking a household's risk eliminated."""

    def __init__(self, case_id: str, household_id: str, unmet: list[str]) -> None:
        self.case_id = case_id
        self.household_id = household_id
        self.unmet = unmet
        super().__init__(
            f"Case {case_id}: household {household_id} does not meet "
            f"{len(unmet)} condition(s) of risk elimination: {'; '.join(unmet)}."
        )


class NotAssignedGridMember(AccessRefused):
    """Someone other than the assigned grid member recorded an investigation."""

    def __init__(self, actor_id: str, investigation_id: str, assigned: str) -> None:
        self.actor_id = actor_id
        self.investigation_id = investigation_id
        self.assigned = assigned
        super().__init__(
            f"Actor {actor_id} is not the grid member assigned to investigation "
            f"{investigation_id} ({assigned} is); reassign it first."
        )


class InvestigationAlreadyOpen(GuardRefused):
    """The household already has an unrecorded investigation on that form."""

    def __init__(self, household_id: str, form: str, investigation_id: str) -> None:
        self.household_id = household_id
        self.form = form
        self.investigation_id = investigation_id
        super().__init__(
            f"Household {household_id} already has investigation {investigation_id} "
            f"open on form {form}."
        )


class PermissionRefused(AccessRefused):
    """The actor's role may not issue the command (the permission table)."""

    def __init__(
        self,
        actor_id: str,
        role: str,
        command: str,
        allowed: list[str],
        why: str | None = None,
    ) -> None:
        self.actor_id = actor_id
        self.role = role
        self.command = command
        self.allowed = allowed
        known = [name for name in allowed if name != "nothing"]
        may = why or (
            f"the permission table allows it: {', '.join(known)}"
            if known
            else f"the permission table gives the role {role!r} no command"
        )
        super().__init__(
            f"Actor {actor_id} as {role} may not {command.replace('_', ' ')}: {may}."
        )


class ActorNotRegistered(AccessRefused):
    """The actor holds no such role there on that day, by the registry."""

    def __init__(self, actor_id: str, role: str, area: str, day: str) -> None:
        self.actor_id = actor_id
        self.role = role
        self.area = area
        self.day = day
        super().__init__(
            f"Actor {actor_id} holds no {role} role for area {area} on {day} "
            "in the registry; assign the role first."
        )


class SchemaMismatch(FanpinError):
    """The database's schema is not the revision this package works with."""

    def __init__(
        self, database: str, revision: str | None, head: str, message: str
    ) -> None:
        self.database = database
        self.revision = revision
        self.head = head
        super().__init__(message)


class SchemaTooNew(SchemaMismatch):
    """A newer fanpin-workflow migrated the database past what this one knows."""

    def __init__(self, database: str, revision: str, head: str) -> None:
        super().__init__(
            database,
            revision,
            head,
            f"{database} is at schema revision {revision}, which this version "
            f"of fanpin-workflow does not know (its newest is {head}): a newer "
            "version wrote it; upgrade fanpin-workflow to use it.",
        )


class SchemaOutdated(SchemaMismatch):
    """The database has no schema yet, or an older one than this package's."""

    def __init__(self, database: str, revision: str | None, head: str) -> None:
        where = (
            "holds no fanpin schema"
            if revision is None
            else f"is at schema revision {revision}, older than this version's {head}"
        )
        super().__init__(
            database,
            revision,
            head,
            f"{database} {where}; upgrade it with `fanpin migrate` first.",
        )
