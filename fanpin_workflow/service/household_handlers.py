"""Carry out household, investigation and key-household commands in a Batch.

Each function checks the actor and the records it needs, changes the
Batch's copies, and returns the command's audit entry; the Batch writes
everything at the end of its unit of work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import pendulum

from fanpin_workflow.domain.access import PERMISSIONS
from fanpin_workflow.domain.approval import START, Level
from fanpin_workflow.domain.clock import local_date
from fanpin_workflow.domain.household import Household, as_record, parse_household
from fanpin_workflow.domain.household_terms import RiskType
from fanpin_workflow.domain.identity import mask
from fanpin_workflow.domain.investigation import (
    FOLLOW_UP_CASES,
    INVESTIGATION_MACHINE,
    MAX_RISK_TYPES,
    FollowUp,
    Form,
    Investigation,
    InvestigationEvent,
    findings_problems,
    follow_ups,
    form_for,
)
from fanpin_workflow.domain.jurisdiction import Actor, check_acts_for
from fanpin_workflow.domain.key_households import (
    KEY_LIST_MACHINE,
    KeyEntry,
    KeyHouseholdList,
    KeyListState,
    KeySource,
    check_entry_reason,
    check_mandatory_present,
)
from fanpin_workflow.domain.lifecycle import MONITORED_STATES
from fanpin_workflow.domain.model import AuditEntry, entry_about, fire
from fanpin_workflow.errors import (
    InvalidInput,
    InvalidRecord,
    InvestigationAlreadyOpen,
    NotAssignedGridMember,
    NotFound,
)
from fanpin_workflow.service import commands as c
from fanpin_workflow.service import household_commands as h
from fanpin_workflow.service import worklist_handlers

if TYPE_CHECKING:
    from fanpin_workflow.service.handlers import Batch


def preload(batch: Batch) -> set[str]:
    """Load what the batch's household commands need.

    Returns every household the commands are about, whose monitoring
    objects the batch then loads; facts are loaded only where a command
    reads them (a visit does not).
    """
    commands = batch.commands
    investigation_ids = {
        command.investigation_id
        for command in commands
        if isinstance(
            command, h.RecordVisit | h.RecordFindings | h.ReassignInvestigation
        )
    }
    if batch.check_registry:
        visitors = {
            command.grid_member_id
            for command in commands
            if isinstance(command, h.AssignInvestigation | h.ReassignInvestigation)
        }
        for assignment in batch.uow.registry.assignments(visitors):
            held = batch.person_roles.setdefault(assignment.person_id, [])
            if assignment not in held:
                held.append(assignment)
    for investigation in batch.uow.investigations.get_many(investigation_ids).values():
        batch.track_investigation(investigation)

    recording = {
        command.investigation_id
        for command in commands
        if isinstance(command, h.RecordFindings)
    }
    household_ids = {
        i.household_id for i in batch.investigations.values() if i.id in recording
    }
    household_ids |= {
        command.household.id
        for command in commands
        if isinstance(command, h.RegisterHousehold)
    }
    household_ids |= {
        command.household_id
        for command in commands
        if isinstance(command, h.AssignInvestigation | h.AddKeyHousehold)
    }
    batch.load_households(household_ids)

    for investigation in batch.uow.investigations.open_for_households(
        household_ids
    ).values():
        batch.track_investigation(investigation)
    batch.key_recorded_at.update(
        batch.uow.investigations.last_recorded(household_ids, Form.KEY)
    )

    numbers = {
        member.id_number
        for command in commands
        if isinstance(command, h.RegisterHousehold)
        for member in command.household.members
    }
    batch.member_owners.update(batch.uow.households.owners(numbers))

    villages = {
        command.village_code
        for command in commands
        if isinstance(command, h.AddKeyHousehold | h.ConfirmKeyHouseholdList)
    }
    villages |= {
        i.village_code for i in batch.investigations.values() if i.id in recording
    }
    for key_list in batch.uow.key_lists.get_many(villages).values():
        batch.key_lists[key_list.village_code] = key_list
        batch.key_list_versions[key_list.village_code] = key_list.version
    return household_ids | {i.household_id for i in batch.investigations.values()}


def register(
    batch: Batch, command: h.RegisterHousehold, now: pendulum.DateTime
) -> AuditEntry:
    """Record a household's facts, new or updated."""
    household = command.household
    check_acts_for(command.actor, Level.VILLAGE, household.village_code, "register")
    # The command checked the record on its own; what depends on the day
    # (no birth or benefit date after it, no labour under 16) is checked now.
    parse_household(as_record(household), today=local_date(now))

    existing = batch.households.get(household.id)
    if existing is not None:
        if existing.village_code != household.village_code:
            raise InvalidInput(
                "household.village_code",
                household.village_code,
                f"household {household.id} is registered in village "
                f"{existing.village_code}; moving villages is not supported",
            )
        batch.check_version(
            "household",
            household.id,
            batch.household_versions[household.id],
            command.expected_version,
        )

    for index, member in enumerate(household.members):
        owner = batch.member_owners.get(member.id_number[:18])
        if owner is not None and owner != household.id:
            # Which household, and where, is not said: the owner may live
            # outside the actor's area.
            raise InvalidInput(
                f"household.members[{index}].id_number",
                mask(member.id_number),
                "this person is already a member of another household; a person "
                "belongs to one household, so remove them there first",
            )
    for member in household.members:
        batch.member_owners[member.id_number[:18]] = household.id

    batch.save_household(household)
    obj = batch.open_object_by_household.get(household.id)
    if existing is not None and obj is not None:
        worklist_handlers.track(batch, household, obj, command.actor, now)
    return _entry(
        "household",
        household.id,
        "update" if existing is not None else "register",
        None,
        None,
        command.actor,
        now,
        command.note,
    )


def assign(
    batch: Batch, command: h.AssignInvestigation, now: pendulum.DateTime
) -> AuditEntry:
    """Open an investigation of a household, assigned to a grid member."""
    household = batch.households.get(command.household_id)
    if household is None:
        raise NotFound("household", command.household_id)
    check_acts_for(
        command.actor, Level.VILLAGE, household.village_code, "assign investigation"
    )

    obj = batch.open_object_by_household.get(household.id)
    fitting = form_for(household.type, obj.state if obj else None)
    form = command.form or fitting
    if form not in (fitting, Form.KEY):
        raise InvalidInput(
            "form",
            form,
            f"household {household.id} is investigated on form {fitting} "
            "(or 2-4 as a key household)",
        )
    _check_visitor(batch, command.grid_member_id, household.village_code, now)
    return _open_investigation(
        batch, household, form, command.grid_member_id, command.actor, now, None
    )


def reassign(
    batch: Batch, command: h.ReassignInvestigation, now: pendulum.DateTime
) -> AuditEntry:
    """Give an investigation not yet visited to another grid member."""
    investigation = batch.investigations.get(command.investigation_id)
    if investigation is None:
        raise NotFound("investigation", command.investigation_id)
    check_acts_for(command.actor, Level.VILLAGE, investigation.village_code, "reassign")
    batch.check_version(
        "investigation",
        investigation.id,
        investigation.version,
        command.expected_version,
    )
    _check_visitor(batch, command.grid_member_id, investigation.village_code, now)
    entry = _move(batch, investigation, InvestigationEvent.REASSIGN, command.actor, now)
    previous = investigation.grid_member_id
    investigation.grid_member_id = command.grid_member_id
    return attrs.evolve(entry, reason=f"from {previous} to {command.grid_member_id}")


def _check_visitor(
    batch: Batch, person_id: str, village: str, now: pendulum.DateTime
) -> None:
    """With the registry on, only a person who may visit there is assigned."""
    if not batch.check_registry:
        return
    day = local_date(now)
    visiting = PERMISSIONS["record_visit"]
    for held in batch.person_roles.get(person_id, []):
        if (
            held.role in visiting
            and held.area_code[:12] == village
            and held.active_on(day)
        ):
            return
    raise InvalidInput(
        "grid_member_id",
        person_id,
        f"must hold a visiting role in village {village} on {day.isoformat()}",
    )


def visit(batch: Batch, command: h.RecordVisit, now: pendulum.DateTime) -> AuditEntry:
    """The assigned grid member records the home visit."""
    investigation = _assigned(batch, command.investigation_id, command.actor)
    batch.check_version(
        "investigation",
        investigation.id,
        investigation.version,
        command.expected_version,
    )

    entry = _move(batch, investigation, InvestigationEvent.VISIT, command.actor, now)
    investigation.visited_at = now
    return entry


def record(
    batch: Batch, command: h.RecordFindings, now: pendulum.DateTime
) -> AuditEntry:
    """The assigned grid member records the findings; follow-ups start."""
    investigation = _assigned(batch, command.investigation_id, command.actor)
    batch.check_version(
        "investigation",
        investigation.id,
        investigation.version,
        command.expected_version,
    )
    obj = batch.open_object_by_household.get(investigation.household_id)
    object_state = obj.state if obj else None
    findings = command.findings
    problems = findings_problems(investigation.form, findings, object_state)
    if problems:
        raise InvalidRecord(f"findings of investigation {investigation.id}", problems)

    entry = _move(batch, investigation, InvestigationEvent.RECORD, command.actor, now)
    investigation.recorded_at = now
    investigation.findings = findings

    household = batch.households[investigation.household_id]
    if findings.risk_found:
        _note_risk(batch, household, findings.risk_types, investigation, command, now)
    notes = [
        note
        for follow_up in follow_ups(investigation.form, findings, object_state)
        if (
            note := _start(
                batch, follow_up, investigation, household, command.actor, now
            )
        )
    ]
    if investigation.form == Form.KEY:
        batch.key_recorded_at[household.id] = now
    # A follow-up left out is said in the entry, never dropped in silence.
    return attrs.evolve(entry, reason="; ".join(notes)) if notes else entry


def add_key_household(
    batch: Batch, command: h.AddKeyHousehold, now: pendulum.DateTime
) -> AuditEntry:
    """Put a household on its village's key-household list."""
    check_acts_for(
        command.actor, Level.VILLAGE, command.village_code, "add key household"
    )
    household = batch.households.get(command.household_id)
    if household is None or household.village_code != command.village_code:
        raise InvalidInput(
            "household_id",
            command.household_id,
            f"must be a household registered in village {command.village_code}",
        )
    check_entry_reason(command.source, command.reason)
    return _add_to_list(
        batch,
        household,
        command.source,
        command.reason,
        command.actor,
        now,
    )


def confirm_key_list(
    batch: Batch, command: h.ConfirmKeyHouseholdList, now: pendulum.DateTime
) -> AuditEntry:
    """Confirm a village's list, once every mandatory household is on it."""
    village = command.village_code
    check_acts_for(command.actor, Level.VILLAGE, village, "confirm key households")
    key_list = batch.key_lists.get(village) or _open_list(
        batch, village, command.actor, now
    )
    batch.check_version(
        "key-household list", village, key_list.version, command.expected_version
    )

    # Only households with a benefit date on or after the rule's start can
    # be named by the mandatory rule; the rule itself then decides.
    policy = batch.parameters_for(village).policy
    since = policy.mandatory_key_since
    ids = set(batch.uow.households.with_benefit_since(village, since))
    ids |= {i for i, hh in batch.households.items() if hh.village_code == village}
    batch.load_households(ids)
    check_mandatory_present(
        key_list, [batch.households[i] for i in sorted(ids)], policy
    )

    entry = _move_list(batch, key_list, "confirm", command.actor, now, None)
    key_list.confirmed_at = now
    key_list.confirmed_by = command.actor.id
    return entry


def _assigned(batch: Batch, investigation_id: str, actor: Actor) -> Investigation:
    investigation = batch.investigations.get(investigation_id)
    if investigation is None:
        raise NotFound("investigation", investigation_id)
    check_acts_for(actor, Level.VILLAGE, investigation.village_code, "investigate")
    if actor.id != investigation.grid_member_id:
        raise NotAssignedGridMember(
            actor.id, investigation.id, investigation.grid_member_id
        )
    return investigation


def _open_investigation(
    batch: Batch,
    household: Household,
    form: Form,
    grid_member_id: str,
    actor: Actor,
    now: pendulum.DateTime,
    reason: str | None,
) -> AuditEntry:
    already = batch.open_investigations.get((household.id, form))
    if already is not None:
        raise InvestigationAlreadyOpen(household.id, form, already.id)

    investigation = Investigation(
        id=batch.new_id("investigation"),
        household_id=household.id,
        village_code=household.village_code,
        form=form,
        state=START,
        grid_member_id=grid_member_id,
        assigned_at=now,
    )
    batch.add_investigation(investigation)
    entry = _move(batch, investigation, InvestigationEvent.ASSIGN, actor, now)
    return attrs.evolve(entry, reason=reason) if reason else entry


def _move(
    batch: Batch,
    investigation: Investigation,
    event: InvestigationEvent,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEntry:
    obj = batch.open_object_by_household.get(investigation.household_id)
    entry = fire(
        INVESTIGATION_MACHINE,
        "investigation",
        investigation.id,
        investigation,
        event,
        actor,
        now,
        object_id=obj.id if obj else None,
    )
    if investigation.state == "recorded":
        batch.open_investigations.pop((investigation.household_id, investigation.form))
    return entry


def _note_risk(
    batch: Batch,
    household: Household,
    risk_types: tuple[RiskType, ...],
    investigation: Investigation,
    command: c.Command,
    now: pendulum.DateTime,
) -> None:
    """A risk found on a form becomes part of the household's facts.

    Its risk types are added to the household's. It is a *new* risk (which
    bars an elimination until an inclusion or relabel takes it into
    monitoring) unless the household is monitored now: a 2-2 form, or a 2-4
    of a monitored household, checks the risks it was included for.
    """
    obj = batch.open_object_by_household.get(household.id)
    monitored = obj is not None and obj.state in MONITORED_STATES
    merged = tuple(dict.fromkeys((*household.risk_types, *risk_types)))
    updated = attrs.evolve(
        household,
        new_risk=household.new_risk or not monitored,
        risk_types=merged[:MAX_RISK_TYPES],
    )
    batch.save_household(updated)
    batch.follow(
        _entry(
            "household",
            household.id,
            "update",
            None,
            None,
            command.actor,
            now,
            f"risk recorded on form {investigation.form} ({investigation.id})",
        )
    )


def _start(
    batch: Batch,
    follow_up: FollowUp,
    investigation: Investigation,
    household: Household,
    actor: Actor,
    now: pendulum.DateTime,
) -> str | None:
    """Start a follow-up; return why it was left out, if it was."""
    source = f"form {investigation.form} ({investigation.id})"
    if follow_up == FollowUp.KEY_INVESTIGATION:
        covered = batch.key_recorded_at.get(household.id)
        lead = investigation.visited_at or now
        if covered is not None and covered >= lead:
            return f"no new 2-4: one was recorded on {covered.to_date_string()}"
        if (household.id, Form.KEY) not in batch.open_investigations:
            batch.follow(
                _open_investigation(
                    batch,
                    household,
                    Form.KEY,
                    investigation.grid_member_id,
                    actor,
                    now,
                    f"risk found on {source}",
                )
            )
        key_list = batch.key_lists.get(household.village_code)
        listed = key_list is not None and any(
            e.household_id == household.id and e.source == KeySource.INVESTIGATION
            for e in key_list.entries
        )
        if not listed:
            batch.follow(
                _add_to_list(
                    batch,
                    household,
                    KeySource.INVESTIGATION,
                    f"risk found on {source}",
                    actor,
                    now,
                )
            )
        return None

    kind = FOLLOW_UP_CASES[follow_up]
    obj = batch.open_object_by_household.get(household.id)
    open_case = batch.open_case_by_object.get(obj.id) if obj else None
    if open_case is not None:
        return f"no {kind} case: case {open_case.id} is open on the object"
    lead = investigation.visited_at or now
    proposal: c.Command
    if follow_up == FollowUp.INCLUSION_CASE:
        proposal = c.ProposeInclusion(
            actor=actor,
            household_id=household.id,
            village_code=household.village_code,
            first_lead_at=lead,
            reason=f"suggested on {source}",
        )
    else:
        assert obj is not None
        proposal = c.ProposeChange(
            actor=actor,
            object_id=obj.id,
            kind=kind,
            first_lead_at=lead,
            reason=f"found on {source}",
        )
    batch.follow(batch.apply_internal(proposal, now))
    return None


def _add_to_list(
    batch: Batch,
    household: Household,
    source: KeySource,
    reason: str,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEntry:
    village = household.village_code
    key_list = batch.key_lists.get(village) or _open_list(batch, village, actor, now)

    if any(
        e.household_id == household.id and e.source == source for e in key_list.entries
    ):
        raise InvalidInput(
            "household_id", household.id, f"already on the list as {source}"
        )
    event = "add"
    if key_list.state == KeyListState.CONFIRMED:
        event = "add_from_investigation" if source == KeySource.INVESTIGATION else "add"

    entry = KeyEntry(household.id, source, reason, now, actor.id)
    outcome = _move_list(
        batch, key_list, event, actor, now, f"{household.id}: {source}: {reason}"
    )
    key_list.entries.append(entry)
    batch.new_key_entries.setdefault(village, []).append(entry)
    return outcome


def _open_list(
    batch: Batch, village: str, actor: Actor, now: pendulum.DateTime
) -> KeyHouseholdList:
    """Start a village's list, empty, in draft."""
    key_list = KeyHouseholdList(village_code=village, state=START)
    batch.key_lists[village] = key_list
    batch.key_list_versions[village] = None
    batch.follow(_move_list(batch, key_list, "open", actor, now, None))
    return key_list


def _move_list(
    batch: Batch,
    key_list: KeyHouseholdList,
    event: str,
    actor: Actor,
    now: pendulum.DateTime,
    reason: str | None,
) -> AuditEntry:
    batch.touched_key_lists.add(key_list.village_code)
    return fire(
        KEY_LIST_MACHINE,
        "key_household_list",
        key_list.village_code,
        key_list,
        event,
        actor,
        now,
        reason,
    )


_entry = entry_about
