"""Apply a batch of commands inside one unit of work.

Records are loaded in bulk, every command runs through the domain in
order, and the changed records and audit entries are written in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pendulum

from fanpin_workflow.domain import steps
from fanpin_workflow.domain.approval import CLOSED_CASE_STATES, CaseEvent, CaseKind
from fanpin_workflow.domain.clock import Clock
from fanpin_workflow.domain.lifecycle import ENDED_STATES, ObjectState
from fanpin_workflow.domain.model import ApprovalCase, AuditEntry, MonitoringObject
from fanpin_workflow.domain.settings import ApprovalSettings
from fanpin_workflow.errors import (
    BatchRefused,
    ConcurrencyConflict,
    FanpinError,
    HouseholdAlreadyMonitored,
    NotFound,
    OpenCaseExists,
    RequestIdReused,
)
from fanpin_workflow.service.commands import (
    CaseCommand,
    Command,
    ImportMonitoringObject,
    ProposeChange,
    ProposeInclusion,
)
from fanpin_workflow.service.unit_of_work import SqlAlchemyUnitOfWork

IdFactory = Callable[[str], str]

_DECISIONS = frozenset({CaseEvent.APPROVE_AT_COUNTY, CaseEvent.DECLINE_AT_COUNTY})


class Batch:
    """The records one batch works on, as loaded and as changed."""

    def __init__(
        self,
        uow: SqlAlchemyUnitOfWork,
        commands: Sequence[Command],
        *,
        clock: Clock,
        settings: ApprovalSettings,
        new_id: IdFactory,
    ) -> None:
        self.uow = uow
        self.commands = commands
        self.clock = clock
        self.settings = settings
        self.new_id = new_id

        self.objects: dict[str, MonitoringObject] = {}
        self.cases: dict[str, ApprovalCase] = {}
        self.loaded_versions: dict[str, int] = {}
        self.new_ids: set[str] = set()
        self.open_object_by_household: dict[str, MonitoringObject] = {}
        self.open_case_by_object: dict[str, ApprovalCase] = {}
        self.entries: list[AuditEntry] = []
        self.recorded: dict[str, AuditEntry] = {}

    def run(self) -> list[AuditEntry]:
        """Apply every command and write the result; return one entry each.

        Raises:
            BatchRefused: a command of a batch of several was refused.
            FanpinError: the only command was refused.
        """
        self._preload()

        results = []
        for index, command in enumerate(self.commands):
            try:
                results.append(self._apply(command))
            except FanpinError as error:
                if len(self.commands) == 1:
                    raise
                raise BatchRefused(index, error) from error

        written = {id(e): w for e, w in zip(self.entries, self._write(), strict=True)}
        return [written.get(id(entry), entry) for entry in results]

    def _preload(self) -> None:
        request_ids = {c.request_id for c in self.commands if c.request_id}
        self.recorded = self.uow.audit.by_request_ids(request_ids)

        case_ids = {c.case_id for c in self.commands if isinstance(c, CaseCommand)}
        for case in self.uow.cases.get_many(case_ids).values():
            self._track_case(case)

        # Only a county decision moves an object; other steps need only the case.
        deciding = {
            c.case_id
            for c in self.commands
            if isinstance(c, CaseCommand) and c.event in _DECISIONS
        }
        object_ids = {
            case.object_id for case in self.cases.values() if case.id in deciding
        }
        object_ids |= {
            c.object_id for c in self.commands if isinstance(c, ProposeChange)
        }
        for obj in self.uow.objects.get_many(object_ids).values():
            self._track_object(obj)

        households = {
            c.household_id
            for c in self.commands
            if isinstance(c, ProposeInclusion | ImportMonitoringObject)
        }
        for household, obj in self.uow.objects.open_for_households(households).items():
            self.open_object_by_household[household] = obj

        proposed = {c.object_id for c in self.commands if isinstance(c, ProposeChange)}
        for object_id, case in self.uow.cases.open_for_objects(proposed).items():
            self.open_case_by_object[object_id] = self.cases.setdefault(case.id, case)

    def _track_case(self, case: ApprovalCase) -> None:
        self.cases[case.id] = case
        self.loaded_versions[case.id] = case.version
        if case.state not in CLOSED_CASE_STATES:
            self.open_case_by_object[case.object_id] = case

    def _track_object(self, obj: MonitoringObject) -> None:
        self.objects[obj.id] = obj
        self.loaded_versions[obj.id] = obj.version

    def _apply(self, command: Command) -> AuditEntry:
        if command.request_id:
            earlier = self.recorded.get(command.request_id)
            if earlier is not None:
                return check_same_request(command, earlier)

        now = self.clock.now()
        if isinstance(command, CaseCommand):
            entry = self._advance(command, now)
        elif isinstance(command, ProposeInclusion):
            entry = self._propose_inclusion(command, now)
        elif isinstance(command, ProposeChange):
            entry = self._propose_change(command, now)
        elif isinstance(command, ImportMonitoringObject):
            entry = self._import(command, now)
        else:
            raise TypeError(f"unknown command {type(command).__name__}")

        self.entries.append(entry)
        if command.request_id:
            self.recorded[command.request_id] = entry
        return entry

    def _advance(self, command: CaseCommand, now: pendulum.DateTime) -> AuditEntry:
        case = self.cases.get(command.case_id)
        if case is None:
            raise NotFound("approval case", command.case_id)
        _check_version("approval case", case.id, case.version, command.expected_version)

        obj = self.objects.get(case.object_id)
        entry = steps.advance(
            case=case,
            obj=obj,
            event=command.event,
            actor=command.actor,
            now=now,
            reason=command.reason,
            request_id=command.request_id,
            settings=self.settings,
        )

        case.version += 1
        if case.state in CLOSED_CASE_STATES:
            self.open_case_by_object.pop(case.object_id, None)
        if obj is not None and entry.object_to_state is not None:
            obj.version += 1
            if obj.state in ENDED_STATES:
                self.open_object_by_household.pop(obj.household_id, None)
        return entry

    def _propose_inclusion(
        self, command: ProposeInclusion, now: pendulum.DateTime
    ) -> AuditEntry:
        # Whether a household is monitored is itself personal: tell it only
        # to actors who may act on the household.
        steps.check_actor(command.actor, CaseEvent.PROPOSE, command.village_code)
        existing = self.open_object_by_household.get(command.household_id)
        if existing is not None:
            raise HouseholdAlreadyMonitored(command.household_id, existing.id)

        obj = MonitoringObject(
            id=self.new_id("object"),
            household_id=command.household_id,
            village_code=command.village_code,
            state=ObjectState.CANDIDATE,
            version=1,
            created_at=now,
            updated_at=now,
        )
        case, entry = steps.propose(
            case_id=self.new_id("case"),
            kind=CaseKind.INCLUSION,
            obj=obj,
            actor=command.actor,
            now=now,
            first_lead_at=command.first_lead_at,
            reason=command.reason,
            request_id=command.request_id,
        )
        self._add_new(obj, case)
        return entry

    def _propose_change(
        self, command: ProposeChange, now: pendulum.DateTime
    ) -> AuditEntry:
        obj = self.objects.get(command.object_id)
        if obj is None:
            raise NotFound("monitoring object", command.object_id)
        steps.check_actor(command.actor, CaseEvent.PROPOSE, obj.village_code)
        _check_version(
            "monitoring object", obj.id, obj.version, command.expected_version
        )

        open_case = self.open_case_by_object.get(obj.id)
        if open_case is not None:
            raise OpenCaseExists(obj.id, open_case.id)

        # A proposal writes the object's version too, so that a decision on
        # the object committed meanwhile makes one of the two a conflict.
        obj.version += 1

        case, entry = steps.propose(
            case_id=self.new_id("case"),
            kind=command.kind,
            obj=obj,
            actor=command.actor,
            now=now,
            first_lead_at=command.first_lead_at,
            reason=command.reason,
            request_id=command.request_id,
        )
        self._add_new(None, case)
        return entry

    def _import(
        self, command: ImportMonitoringObject, now: pendulum.DateTime
    ) -> AuditEntry:
        steps.check_importer(command.actor, command.village_code)
        existing = self.open_object_by_household.get(command.household_id)
        if existing is not None:
            raise HouseholdAlreadyMonitored(command.household_id, existing.id)

        obj = MonitoringObject(
            id=self.new_id("object"),
            household_id=command.household_id,
            village_code=command.village_code,
            state=command.state,
            version=1,
            created_at=now,
            updated_at=now,
            monitored_since=command.monitored_since or now,
        )
        entry = steps.import_object(
            obj=obj, actor=command.actor, now=now, request_id=command.request_id
        )
        self._add_new(obj, None)
        return entry

    def _add_new(self, obj: MonitoringObject | None, case: ApprovalCase | None) -> None:
        if obj is not None:
            self.objects[obj.id] = obj
            self.new_ids.add(obj.id)
            self.open_object_by_household[obj.household_id] = obj
        if case is not None:
            case.version = 1
            self.cases[case.id] = case
            self.new_ids.add(case.id)
            self.open_case_by_object[case.object_id] = case

    def _write(self) -> list[AuditEntry]:
        if not self.entries:
            return []

        touched_objects = {e.object_id for e in self.entries if e.object_id}
        touched_cases = {e.case_id for e in self.entries if e.case_id}
        objects = [
            self.objects[i] for i in sorted(touched_objects) if i in self.objects
        ]
        cases = [self.cases[i] for i in sorted(touched_cases)]

        self.uow.objects.add_many([o for o in objects if o.id in self.new_ids])
        self.uow.cases.add_many([c for c in cases if c.id in self.new_ids])
        self.uow.objects.update_many(
            [
                o
                for o in objects
                if o.id not in self.new_ids and o.version != self.loaded_versions[o.id]
            ],
            self.loaded_versions,
        )
        self.uow.cases.update_many(
            [c for c in cases if c.id not in self.new_ids],
            self.loaded_versions,
        )
        return self.uow.audit.append_many(self.entries)


def _check_version(
    kind: str, identifier: str, actual: int, expected: int | None
) -> None:
    if expected is not None and expected != actual:
        raise ConcurrencyConflict(
            kind, identifier, f"expected version {expected}, found version {actual}"
        )


def check_same_request(command: Command, earlier: AuditEntry) -> AuditEntry:
    """Return the entry recorded for a retried command, if it is the same one.

    Raises:
        RequestIdReused: the request id was recorded for another command.
    """
    target = getattr(command, "case_id", None) or getattr(command, "object_id", None)
    same = (
        earlier.event == _event_of(command)
        and earlier.actor_id == command.actor.id
        and target in (None, earlier.case_id, earlier.object_id)
    )
    if not same:
        recorded = f"{earlier.event} on {earlier.case_id or earlier.object_id}"
        raise RequestIdReused(command.request_id or "", recorded, _describe(command))
    return earlier


def _event_of(command: Command) -> str:
    if isinstance(command, CaseCommand):
        return command.event
    if isinstance(command, ImportMonitoringObject):
        return "import"
    return CaseEvent.PROPOSE


def _describe(command: Command) -> str:
    target = getattr(command, "case_id", None) or getattr(command, "object_id", None)
    return f"{_event_of(command)} on {target or getattr(command, 'household_id', '?')}"
