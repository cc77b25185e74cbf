"""Every error the engine raises descends from FanpinError.

Each refusal carries what was refused and why, as attributes a host can
read and as a message a township clerk can read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


class FanpinError(Exception):
    """Root of every error raised by fanpin_workflow."""

    retryable: bool = False


class DefinitionError(FanpinError):
    """A state-machine or campaign definition is malformed."""


class InvalidInput(FanpinError):
    """A command carried a value that breaks a rule; nothing was written."""

    def __init__(self, field: str, value: Any, rule: str) -> None:
        self.field = field
        self.value = value
        self.rule = rule
        super().__init__(f"{field}={value!r} is refused: {rule}.")


class NotFound(FanpinError):
    """The object or case named by a command does not exist."""

    def __init__(self, kind: str, identifier: str) -> None:
        self.kind = kind
        self.identifier = identifier
        super().__init__(f"No {kind} with id {identifier!r}.")


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
            f"Actor {actor_id} of jurisdiction {jurisdiction} can't act on an "
            f"object of village {subject_code}: it lies outside that jurisdiction."
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
            "reload it and retry."
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
        self, actor_id: str, role: str, command: str, allowed: list[str]
    ) -> None:
        self.actor_id = actor_id
        self.role = role
        self.command = command
        self.allowed = allowed
        super().__init__(
            f"Actor {actor_id} as {role} may not {command.replace('_', ' ')}: "
            f"the permission table allows it to {', '.join(allowed)}."
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
