"""Apply a batch of commands inside one unit of work.

Records are loaded in bulk, every command runs through the domain in
order, and the changed records and audit entries are written in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import pendulum

from fanpin_workflow.domain import steps
from fanpin_workflow.domain.access import HOST_VOUCHED, check_permitted
from fanpin_workflow.domain.approval import CLOSED_CASE_STATES, CaseEvent, CaseKind
from fanpin_workflow.domain.clock import Clock, local_date
from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.investigation import Investigation
from fanpin_workflow.domain.jurisdiction import Actor
from fanpin_workflow.domain.key_households import KeyEntry, KeyHouseholdList
from fanpin_workflow.domain.lifecycle import ENDED_STATES, MONITORED_STATES, ObjectState
from fanpin_workflow.domain.model import (
    ApprovalCase,
    AuditEntry,
    MonitoringObject,
    entry_about,
)
from fanpin_workflow.domain.policy.parameters import PolicyParameters
from fanpin_workflow.domain.questions import Question, QuestionSettings
from fanpin_workflow.domain.registry import (
    Area,
    Grid,
    RoleAssignment,
    check_registered,
)
from fanpin_workflow.domain.settings import ApprovalSettings
from fanpin_workflow.domain.values import check_id, check_time
from fanpin_workflow.domain.worklist.calendar import (
    ChineseWorkingCalendar,
    WorkingCalendar,
    due_after,
)
from fanpin_workflow.domain.worklist.records import Campaign, WorkTask
from fanpin_workflow.domain.worklist.settings import DayCount
from fanpin_workflow.errors import (
    BatchRefused,
    ConcurrencyConflict,
    FanpinError,
    HouseholdAlreadyMonitored,
    InvalidInput,
    NotFound,
    OpenCaseExists,
    RequestIdReused,
)
from fanpin_workflow.service import household_commands as h
from fanpin_workflow.service import (
    household_handlers,
    registry_handlers,
    worklist_handlers,
)
from fanpin_workflow.service import registry_commands as r
from fanpin_workflow.service import worklist_commands as w
from fanpin_workflow.service.commands import (
    CASE_COMMANDS,
    CaseCommand,
    Command,
    ImportMonitoringObject,
    ProposeChange,
    ProposeInclusion,
    fingerprint,
)
from fanpin_workflow.service.unit_of_work import SqlAlchemyUnitOfWork

IdFactory = Callable[[str], str]

_DECISIONS = frozenset({CaseEvent.APPROVE_AT_COUNTY, CaseEvent.DECLINE_AT_COUNTY})


@attrs.frozen
class Parameters:
    """The figures the commands of one area are checked with."""

    approval: ApprovalSettings
    policy: PolicyParameters
    questions: QuestionSettings
    day_count: DayCount = DayCount.CALENDAR


@attrs.frozen
class BatchOutcome:
    """What a batch wrote: one entry per command, in order, and the entries of
    the steps those commands started (forms, cases, list changes)."""

    entries: list[AuditEntry]
    follow_ups: list[AuditEntry]


class Batch:
    """The records one batch works on, as loaded and as changed."""

    def __init__(
        self,
        uow: SqlAlchemyUnitOfWork,
        commands: Sequence[Command],
        *,
        clock: Clock,
        settings: ApprovalSettings,
        policy: PolicyParameters,
        new_id: IdFactory,
        question_settings: QuestionSettings | None = None,
        check_registry: bool = False,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        self.uow = uow
        self.commands = commands
        self.clock = clock
        self.settings = settings
        self.policy = policy
        self._id_factory = new_id
        self._issued_ids: set[str] = set()
        self.question_settings = question_settings or QuestionSettings()
        self.check_registry = check_registry
        self.calendar = calendar or ChineseWorkingCalendar()
        self.current_command = ""
        self._parameters: dict[str, Parameters] = {}

        self.questions: dict[str, Question] = {}
        self.grids: dict[str, Grid] = {}
        self.grid_sizes: dict[str, int] = {}
        self.areas: dict[str, Area] = {}
        self.person_roles: dict[str, list[RoleAssignment]] = {}
        self.tasks: dict[str, WorkTask] = {}
        self.campaigns: dict[str, Campaign] = {}
        self._loaded_subjects: set[str] = set()
        self._no_campaign: set[str] = set()
        self._unregistered: set[str] = set()
        self._loaded_areas: set[tuple[str, str]] = set()

        self.households: dict[str, Household] = {}
        self.household_versions: dict[str, int] = {}
        self.changed_households: set[str] = set()
        self.member_owners: dict[str, str] = {}
        self.investigations: dict[str, Investigation] = {}
        self.open_investigations: dict[tuple[str, str], Investigation] = {}
        self.key_lists: dict[str, KeyHouseholdList] = {}
        self.key_list_versions: dict[str, int | None] = {}
        self.new_key_entries: dict[str, list[KeyEntry]] = {}
        self.touched_key_lists: set[str] = set()
        self.key_recorded_at: dict[str, pendulum.DateTime] = {}

        self.objects: dict[str, MonitoringObject] = {}
        self.cases: dict[str, ApprovalCase] = {}
        self.loaded_versions: dict[str, int] = {}
        self.new_ids: set[str] = set()
        self.open_object_by_household: dict[str, MonitoringObject] = {}
        self.open_case_by_object: dict[str, ApprovalCase] = {}
        self.entries: list[AuditEntry] = []
        # The command each entry is written under, stamped when it is written.
        self.entry_commands: list[str] = []
        self.recorded: dict[str, AuditEntry] = {}

    def run(self) -> BatchOutcome:
        """Apply every command and write the result.

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
        primary = {id(entry) for entry in results}
        return BatchOutcome(
            entries=[written.get(id(entry), entry) for entry in results],
            follow_ups=[written[id(e)] for e in self.entries if id(e) not in primary],
        )

    def _preload(self) -> None:
        request_ids = {c.request_id for c in self.commands if c.request_id}
        self.recorded = self.uow.audit.by_request_ids(request_ids)
        investigated = household_handlers.preload(self)
        registry_handlers.preload(self)
        worklist_handlers.preload(self)
        if self.check_registry:
            actors = {c.actor.id for c in self.commands}
            for assignment in self.uow.registry.assignments(actors):
                roles = self.person_roles.setdefault(assignment.person_id, [])
                if assignment not in roles:
                    roles.append(assignment)

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

        arriving = {
            c.household_id
            for c in self.commands
            if isinstance(c, ProposeInclusion | ImportMonitoringObject)
        }
        self.load_households(arriving)
        imported = {
            c.village_code
            for c in self.commands
            if isinstance(c, ImportMonitoringObject)
        }
        if imported and self.check_registry:
            self.areas.update(self.uow.registry.areas(imported - self.areas.keys()))
        households = investigated | arriving
        for household, obj in self.uow.objects.open_for_households(households).items():
            if obj.id not in self.objects:
                self._track_object(obj)
            self.open_object_by_household[household] = self.objects[obj.id]

        # The county's decisions read the household (elimination rule, the
        # tasks an inclusion starts) and the county's campaign.
        decided = [
            self.objects[case.object_id]
            for case in self.cases.values()
            if case.id in deciding and case.object_id in self.objects
        ]
        self.load_households({obj.household_id for obj in decided})
        # Every case step counts with its county's campaign settings.
        villages = {case.village_code for case in self.cases.values()}
        villages |= {
            c.village_code
            for c in self.commands
            if isinstance(c, ProposeInclusion | ImportMonitoringObject)
        }
        self.load_campaigns({village[:6] + "000000" for village in villages})

        # Proposals, and forms whose follow-ups may propose, need open cases.
        proposed = {c.object_id for c in self.commands if isinstance(c, ProposeChange)}
        proposed |= {obj.id for obj in self.open_object_by_household.values()}
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

        now = self.now()
        self.check_access(command, now)
        self.current_command = command.name
        position = len(self.entries)
        entry = self.apply_internal(command, now)

        if command.request_id:
            entry = attrs.evolve(
                entry,
                command=command.name,
                request_id=command.request_id,
                request_fingerprint=fingerprint(command),
            )
            self.recorded[command.request_id] = entry
        # Entries of follow-ups the command started come after its own.
        self.entries.insert(position, entry)
        self.entry_commands.insert(position, command.name)
        return entry

    def now(self) -> pendulum.DateTime:
        """The host's clock, checked: an aware time from 2000 on.

        Raises:
            InvalidInput: the clock gave something else.
        """
        value = self.clock.now()
        if isinstance(value, pendulum.DateTime) and value.utcoffset() is not None:
            return value
        return check_time("clock.now()", value)

    def new_id(self, kind: str) -> str:
        """A fresh id from the host's id factory, checked.

        Raises:
            InvalidInput: the factory gave no usable id, or one it gave before
                in this batch.
        """
        value = check_id(f"id_factory({kind!r})", self._id_factory(kind))
        if value in self._issued_ids:
            raise InvalidInput(
                f"id_factory({kind!r})", value, "gave an id it had given before"
            )
        self._issued_ids.add(value)
        return value

    def apply_internal(self, command: Command, now: pendulum.DateTime) -> AuditEntry:
        """Carry out a command without recording its entry; return the entry."""
        handler = _HANDLERS.get(type(command))
        if handler is None:
            raise InvalidInput(
                "command", type(command).__name__, "not a command this engine runs"
            )
        return handler(self, command, now)

    def follow(self, entry: AuditEntry) -> None:
        """Record the entry of a step that another command started."""
        self.entries.append(entry)
        self.entry_commands.append(self.current_command)

    def check_access(self, command: Command, now: pendulum.DateTime) -> None:
        """Refuse a command the permission table or the registry does not allow.

        Raises:
            PermissionRefused: the role may not issue the command.
            ActorNotRegistered: the person does not hold the role there then.
        """
        actor = command.actor
        check_permitted(actor, command.name)
        if self.check_registry and actor.role not in HOST_VOUCHED:
            day = local_date(now)
            check_registered(actor, self.person_roles.get(actor.id, []), day)

    def check_version(
        self, kind: str, identifier: str, actual: int, expected: int | None
    ) -> None:
        """Refuse a command whose expected version is not the record's."""
        _check_version(kind, identifier, actual, expected)

    def load_households(self, ids: set[str]) -> None:
        """Load the households not loaded yet."""
        missing = ids - self.households.keys() - self._unregistered
        if not missing:
            return
        for household_id, (household, version) in self.uow.households.get_many(
            missing
        ).items():
            self.households[household_id] = household
            self.household_versions[household_id] = version
        self._unregistered |= missing - self.households.keys()

    def save_household(self, household: Household) -> None:
        """Keep a new or changed household to write at the end."""
        self._unregistered.discard(household.id)
        if household.id not in self.households:
            self.new_ids.add(household.id)
        self.households[household.id] = household
        self.changed_households.add(household.id)

    def track_task(self, task: WorkTask) -> None:
        """Keep a task loaded from storage (the first copy loaded wins)."""
        if task.id not in self.tasks:
            self.tasks[task.id] = task
            self.loaded_versions[task.id] = task.version

    def add_task(self, task: WorkTask) -> None:
        """Keep a new task to write at the end."""
        self.tasks[task.id] = task
        self.new_ids.add(task.id)

    def load_campaigns(self, counties: set[str]) -> None:
        """Load the campaigns running in these counties."""
        missing = counties - self.campaigns.keys() - self._no_campaign
        if missing:
            self.campaigns.update(self.uow.campaigns.for_counties(missing))
            self._no_campaign |= missing - self.campaigns.keys()

    def forget_campaign(self, county: str) -> None:
        """The county's campaign ended in this batch: none runs there now."""
        self._no_campaign.add(county)

    def campaign_for(self, area_code: str) -> Campaign | None:
        """The campaign running in the county of an area, if one is."""
        county = area_code[:6] + "000000"
        self.load_campaigns({county})
        return self.campaigns.get(county)

    def parameters_for(self, area_code: str) -> Parameters:
        """The figures the engine counts with in an area: those of the campaign
        running in its county, or the Workflow's own where none runs."""
        campaign = self.campaign_for(area_code)
        key = campaign.id if campaign is not None else ""
        found = self._parameters.get(key)
        if found is None:
            if campaign is None:
                found = Parameters(self.settings, self.policy, self.question_settings)
            else:
                settings = worklist_handlers.definition_of(campaign).settings
                found = Parameters(
                    settings.approval(),
                    settings.policy(),
                    settings.questions(),
                    settings.day_count,
                )
            self._parameters[key] = found
        return found

    def load_subject_tasks(self, subject_ids: set[str]) -> None:
        """Load the open household tasks of these monitoring objects."""
        missing = subject_ids - self._loaded_subjects
        if missing:
            for task in self.uow.tasks.open_for_subjects(missing):
                self.track_task(task)
            self._loaded_subjects |= missing

    def done_keys(self, task: WorkTask) -> set[str]:
        """The tasks done or waived on the lists this task's copy waits on:
        its own area's and, for a village, its township's."""
        areas = {task.area_code, task.area_code[:9] + "000"}
        for area in areas:
            if (task.campaign_id, area) not in self._loaded_areas:
                for loaded in self.uow.tasks.of_campaign([task.campaign_id], area):
                    self.track_task(loaded)
                self._loaded_areas.add((task.campaign_id, area))
        return {
            t.task_key
            for t in self.tasks.values()
            if t.campaign_id == task.campaign_id
            and t.area_code in areas
            and t.subject_id is None
            and t.state in ("done", "done_late", "waived")
        }

    def track_investigation(self, investigation: Investigation) -> None:
        """Keep an investigation loaded from storage."""
        found = self.investigations.setdefault(investigation.id, investigation)
        self.loaded_versions[found.id] = found.version
        if found.state != "recorded":
            self.open_investigations[(found.household_id, found.form)] = found

    def add_investigation(self, investigation: Investigation) -> None:
        """Keep a new investigation to write at the end."""
        self.investigations[investigation.id] = investigation
        self.new_ids.add(investigation.id)
        self.open_investigations[(investigation.household_id, investigation.form)] = (
            investigation
        )

    def _advance(self, command: CaseCommand, now: pendulum.DateTime) -> AuditEntry:
        case = self.cases.get(command.case_id)
        if case is None:
            raise NotFound("approval case", command.case_id)
        _check_version("approval case", case.id, case.version, command.expected_version)

        obj = self.objects.get(case.object_id)
        household = self.households.get(obj.household_id) if obj else None
        parameters = self.parameters_for(case.village_code)
        entry = steps.advance(
            case=case,
            obj=obj,
            event=command.event,
            actor=command.actor,
            now=now,
            reason=command.reason,
            request_id=command.request_id,
            settings=parameters.approval,
            household=household,
            policy=parameters.policy,
        )

        case.version += 1
        if case.state in CLOSED_CASE_STATES:
            self.open_case_by_object.pop(case.object_id, None)
        if obj is not None and entry.object_to_state is not None:
            obj.version += 1
            if obj.state in ENDED_STATES:
                self.open_object_by_household.pop(obj.household_id, None)
            if entry.event == CaseEvent.APPROVE_AT_COUNTY:
                self._after_decision(obj, case, command.actor, now)
        return entry

    def _after_decision(
        self,
        obj: MonitoringObject,
        case: ApprovalCase,
        actor: Actor,
        now: pendulum.DateTime,
    ) -> None:
        """The work an inclusion (or a return to monitoring) starts."""
        self.load_households({obj.household_id})
        if case.kind in (CaseKind.INCLUSION, CaseKind.RELABEL):
            self._take_into_monitoring(obj, case, actor, now)
            worklist_handlers.on_included(self, obj, actor, now)
        elif obj.state in MONITORED_STATES:
            household = self.households.get(obj.household_id)
            if household is not None:
                worklist_handlers.track(self, household, obj, actor, now)

    def _take_into_monitoring(
        self,
        obj: MonitoringObject,
        case: ApprovalCase,
        actor: Actor,
        now: pendulum.DateTime,
    ) -> None:
        """An inclusion takes the household's new risk into monitoring: it no
        longer counts as new against a later elimination."""
        household = self.households.get(obj.household_id)
        if household is None or not household.new_risk:
            return
        self.save_household(attrs.evolve(household, new_risk=False))
        self.follow(
            entry_about(
                "household",
                household.id,
                "update",
                None,
                None,
                actor,
                now,
                f"new risk taken into monitoring by case {case.id}",
                object_id=obj.id,
            )
        )

    def _propose_inclusion(
        self, command: ProposeInclusion, now: pendulum.DateTime
    ) -> AuditEntry:
        # Whether a household is monitored is itself personal: tell it only
        # to actors who may act on the household.
        steps.check_actor(command.actor, CaseEvent.PROPOSE, command.village_code)
        self._check_household_village(command.household_id, command.village_code)
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
        self._set_decision_due(case)
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
        self._set_decision_due(case)
        self._add_new(None, case)
        return entry

    def _import(
        self, command: ImportMonitoringObject, now: pendulum.DateTime
    ) -> AuditEntry:
        steps.check_importer(command.actor, command.village_code)
        if self.check_registry and command.village_code not in self.areas:
            raise InvalidInput(
                "village_code",
                command.village_code,
                "must be a registered village; register it first",
            )
        self._check_household_village(command.household_id, command.village_code)
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
        household = self.households.get(obj.household_id)
        if household is not None:
            worklist_handlers.track(self, household, obj, command.actor, now)
        return entry

    def _check_household_village(self, household_id: str, village: str) -> None:
        """Refuse a household that lives, or is monitored, in another village.

        The refusal does not say where: whether and where a household is
        registered or monitored is not for an actor of another area to learn.
        """
        household = self.households.get(household_id)
        obj = self.open_object_by_household.get(household_id)
        elsewhere = (household is not None and household.village_code != village) or (
            obj is not None and obj.village_code != village
        )
        if elsewhere:
            raise InvalidInput(
                "household_id", household_id, f"is not a household of village {village}"
            )

    def _set_decision_due(self, case: ApprovalCase) -> None:
        """An inclusion or relabel is to be decided within the limit of days
        from the first risk lead (15 by default), counted like deadlines."""
        if case.kind not in (CaseKind.INCLUSION, CaseKind.RELABEL):
            return
        assert case.first_lead_at is not None
        parameters = self.parameters_for(case.village_code)
        case.decision_due_at = due_after(
            case.first_lead_at,
            parameters.approval.inclusion_limit_days,
            parameters.day_count,
            self.calendar,
            zone=parameters.approval.zone,
        )

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

    def _save(self, repository: Any, records: Iterable[Any]) -> None:
        """Insert the new records and update the changed ones, by id."""
        changed = _changed(records, self)
        repository.add_many([r for r in changed if r.id in self.new_ids])
        repository.update_many(
            [r for r in changed if r.id not in self.new_ids], self.loaded_versions
        )

    def _write(self) -> list[AuditEntry]:
        if not self.entries:
            return []

        households = [self.households[i] for i in sorted(self.changed_households)]
        now = self.now()
        self.uow.households.add_many(
            [h for h in households if h.id in self.new_ids], now
        )
        self.uow.households.update_many(
            [h for h in households if h.id not in self.new_ids],
            self.household_versions,
            now,
        )

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

        self._save(self.uow.investigations, self.investigations.values())
        self._save(self.uow.tasks, self.tasks.values())
        self._save(self.uow.questions, self.questions.values())
        for village in sorted(self.touched_key_lists):
            self.uow.key_lists.save(
                self.key_lists[village],
                self.key_list_versions[village],
                self.new_key_entries.get(village, []),
            )
        return self.uow.audit.append_many(self.entries, self.entry_commands)


def _changed(records: Iterable[Any], batch: Batch) -> list[Any]:
    return sorted(
        (
            r
            for r in records
            if r.id in batch.new_ids or r.version != batch.loaded_versions.get(r.id)
        ),
        key=lambda r: r.id,
    )


def _check_version(
    kind: str, identifier: str, actual: int, expected: int | None
) -> None:
    if expected is not None and expected > actual:
        # A version the record never reached is the caller's mistake.
        raise InvalidInput(
            "expected_version",
            expected,
            f"{kind} {identifier} has only reached version {actual}",
        )
    if expected is not None and expected != actual:
        raise ConcurrencyConflict(
            kind, identifier, f"expected version {expected}, found version {actual}"
        )


def check_same_request(command: Command, earlier: AuditEntry) -> AuditEntry:
    """Return the entry recorded for a retried command, if it is the same one.

    Raises:
        RequestIdReused: the request id was recorded for another command.
    """
    if earlier.request_fingerprint != fingerprint(command):
        recorded = (
            f"{earlier.command or earlier.event} on "
            f"{earlier.subject_type.replace('_', ' ')} {earlier.subject_id}"
        )
        raise RequestIdReused(command.request_id or "", recorded, _describe(command))
    return earlier


#: Fields that name what a command acts on, most specific first.
_TARGETS = (
    "case_id",
    "object_id",
    "task_id",
    "investigation_id",
    "question_id",
    "household_id",
    "grid_id",
    "area_code",
    "village_code",
    "county_code",
    "person_id",
)


def _describe(command: Command) -> str:
    for name in _TARGETS:
        target = getattr(command, name, None)
        if target:
            return f"{command.name} on {name.removesuffix('_id')} {target}"
    return command.name


_HANDLERS: dict[type[Any], Callable[[Batch, Any, pendulum.DateTime], AuditEntry]] = {
    **{command: Batch._advance for command in CASE_COMMANDS.values()},
    ProposeInclusion: Batch._propose_inclusion,
    ProposeChange: Batch._propose_change,
    ImportMonitoringObject: Batch._import,
    h.RegisterHousehold: household_handlers.register,
    h.AssignInvestigation: household_handlers.assign,
    h.ReassignInvestigation: household_handlers.reassign,
    h.RecordVisit: household_handlers.visit,
    h.RecordFindings: household_handlers.record,
    h.AddKeyHousehold: household_handlers.add_key_household,
    h.ConfirmKeyHouseholdList: household_handlers.confirm_key_list,
    r.RegisterArea: registry_handlers.register_area,
    r.RegisterGrid: registry_handlers.register_grid,
    r.PlaceHousehold: registry_handlers.place_household,
    r.AssignRole: registry_handlers.assign_role,
    r.EndRole: registry_handlers.end_role,
    r.RaiseQuestion: registry_handlers.raise_question,
    r.AnswerQuestion: registry_handlers.answer_question,
    r.EscalateQuestion: registry_handlers.escalate_question,
    w.StartCampaign: worklist_handlers.start_campaign,
    w.EndCampaign: worklist_handlers.end_campaign,
    w.StartTask: worklist_handlers.start_task,
    w.CompleteTask: worklist_handlers.complete_task,
    w.WaiveTask: worklist_handlers.waive_task,
}
