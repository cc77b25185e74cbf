"""The decisions of the approval workflow, over objects held in memory.

Each function checks its guards, moves the case (and, on a county decision,
the object) through their machines, and returns the audit entry to store.
Nothing here does I/O; the service layer loads and saves.
"""

from __future__ import annotations

import logging

import pendulum

from fanpin_workflow.domain.approval import (
    APPROVAL,
    APPROVAL_MACHINE,
    KINDS_NEEDING_REASON,
    ON_APPROVAL,
    ON_DECLINE,
    START,
    STEPS,
    CaseEvent,
    CaseKind,
    Level,
)
from fanpin_workflow.domain.clock import in_zone
from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.jurisdiction import Actor
from fanpin_workflow.domain.lifecycle import (
    LIFECYCLE,
    LIFECYCLE_MACHINE,
    MONITORED_STATES,
    ObjectState,
)
from fanpin_workflow.domain.model import (
    ApprovalCase,
    AuditEntry,
    MonitoringObject,
    log_change,
    move,
)
from fanpin_workflow.domain.policy.elimination import elimination_unmet
from fanpin_workflow.domain.policy.parameters import PolicyParameters
from fanpin_workflow.domain.settings import ApprovalSettings
from fanpin_workflow.errors import (
    DefinitionError,
    EliminationNotEligible,
    InvalidInput,
    NoticePeriodNotOver,
    OutsideJurisdiction,
    ReasonRequired,
    SeparationOfDuties,
    TransitionNotAllowed,
    WrongLevel,
)

logger = logging.getLogger(__name__)

if APPROVAL.version != LIFECYCLE.version:
    raise DefinitionError("approval and lifecycle definitions must share a version")

#: The version of the workflow definitions written into every audit entry.
DEFINITION_VERSION = APPROVAL.version

#: Events a proposer may not perform on its own case.
_APPROVING_EVENTS = frozenset(
    {
        CaseEvent.APPROVE_AT_TOWNSHIP,
        CaseEvent.RETURN_TO_VILLAGE,
        CaseEvent.APPROVE_AT_COUNTY,
        CaseEvent.DECLINE_AT_COUNTY,
        CaseEvent.RETURN_TO_TOWNSHIP,
    }
)

_IMPORTABLE = frozenset(
    {ObjectState.INCLUDED, ObjectState.RISK_ELIMINATED, ObjectState.ROLLBACK}
)


def check_actor(actor: Actor, event: str, village_code: str) -> None:
    """Refuse an actor of the wrong level or outside the object's area."""
    required = STEPS[event].level
    if actor.level != required:
        raise WrongLevel(actor.id, actor.level, event, required)

    if not actor.covers(village_code):
        raise OutsideJurisdiction(actor.id, actor.jurisdiction, village_code)


def check_importer(actor: Actor, village_code: str) -> None:
    """Refuse an import by anyone but a county actor covering the village."""
    if actor.level != Level.COUNTY:
        raise WrongLevel(actor.id, actor.level, "import", Level.COUNTY)
    if not actor.covers(village_code):
        raise OutsideJurisdiction(actor.id, actor.jurisdiction, village_code)


def check_reason(event: str, reason: str | None) -> None:
    """Refuse a step that needs a reason but came without one."""
    if not (reason and reason.strip()):
        raise ReasonRequired(event)


def check_notice_over(case: ApprovalCase, now: pendulum.DateTime) -> None:
    """Refuse to submit a case whose public notice is still running."""
    ends = case.notice_ends_at
    if ends is None or now < ends:
        shown = (ends or now).in_timezone(now.timezone or "UTC")
        raise NoticePeriodNotOver(case.id, shown, now)


def check_eligible(
    case: ApprovalCase,
    obj: MonitoringObject,
    household: Household | None,
    now: pendulum.DateTime,
    policy: PolicyParameters,
) -> None:
    """Refuse to eliminate the risk of a household that is not eligible.

    Raises:
        EliminationNotEligible: naming every unmet condition.
    """
    if household is None:
        unmet = ["household facts: none registered for this household"]
    else:
        unmet = [
            str(c)
            for c in elimination_unmet(household, obj.monitored_since, now, policy)
        ]
    if unmet:
        raise EliminationNotEligible(case.id, obj.household_id, unmet)


def propose(
    *,
    case_id: str,
    kind: CaseKind,
    obj: MonitoringObject,
    actor: Actor,
    now: pendulum.DateTime,
    first_lead_at: pendulum.DateTime | None,
    reason: str | None,
    request_id: str | None,
) -> tuple[ApprovalCase, AuditEntry]:
    """Open an approval case asking for `kind` on `obj`.

    For an inclusion `obj` is the new candidate, not yet stored.

    Raises:
        GuardRefused: a guard refused the proposal.
        TransitionNotAllowed: the object's state does not allow the change.
    """
    check_actor(actor, CaseEvent.PROPOSE, obj.village_code)

    lifecycle_event = ON_APPROVAL[kind]
    if not LIFECYCLE_MACHINE.can_fire(obj.state, lifecycle_event):
        raise TransitionNotAllowed(LIFECYCLE.name, obj.id, lifecycle_event, obj.state)

    if kind in KINDS_NEEDING_REASON:
        check_reason(f"propose {kind}", reason)

    lead = first_lead_at or now
    if lead > now:
        raise InvalidInput(
            "first_lead_at", lead.isoformat(), "a risk lead can't lie in the future"
        )

    case = ApprovalCase(
        id=case_id,
        object_id=obj.id,
        kind=kind,
        village_code=obj.village_code,
        state=START,
        proposed_by=actor.id,
        proposed_at=now,
        first_lead_at=lead,
    )
    created = (None, obj.state) if kind == CaseKind.INCLUSION else (None, None)
    entry = _advance_case(
        case, CaseEvent.PROPOSE, actor, now, reason, request_id, created
    )
    if kind == CaseKind.INCLUSION:
        log_change(LIFECYCLE.name, obj.id, CaseEvent.PROPOSE, None, obj.state, actor)
    return case, entry


def advance(
    *,
    case: ApprovalCase,
    obj: MonitoringObject | None,
    event: CaseEvent,
    actor: Actor,
    now: pendulum.DateTime,
    reason: str | None,
    request_id: str | None,
    settings: ApprovalSettings,
    household: Household | None = None,
    policy: PolicyParameters | None = None,
) -> AuditEntry:
    """Perform one approval step after `propose`.

    `obj` is the case's monitoring object; only the county's decision
    needs it, so other steps may pass None. The county's approval of a risk
    elimination also needs the household's facts and the policy figures.

    Raises:
        GuardRefused: a guard refused the step.
        TransitionNotAllowed: the case's state does not allow the step.
    """
    if event == CaseEvent.PROPOSE:
        raise InvalidInput("event", event, "use propose() to open a case")
    if obj is not None and obj.id != case.object_id:
        raise InvalidInput("obj", obj.id, f"case {case.id} is about {case.object_id}")

    check_actor(actor, event, case.village_code)
    if not APPROVAL_MACHINE.can_fire(case.state, event):
        raise TransitionNotAllowed(APPROVAL.name, case.id, event, case.state)

    if event in _APPROVING_EVENTS and actor.id == case.proposed_by:
        raise SeparationOfDuties(actor.id, case.id, event)

    if STEPS[event].needs_reason:
        check_reason(event, reason)

    if event == CaseEvent.SUBMIT:
        check_notice_over(case, now)

    if event == CaseEvent.APPROVE_AT_COUNTY and case.kind == CaseKind.RISK_ELIMINATION:
        assert obj is not None
        check_eligible(case, obj, household, now, policy or PolicyParameters())

    change: tuple[str | None, str | None] = (None, None)
    lifecycle_event = _lifecycle_event(case, event)
    if lifecycle_event is not None:
        if obj is None:
            raise InvalidInput("obj", None, f"{event} moves the case's object")
        change = (
            obj.state,
            LIFECYCLE_MACHINE.fire(obj.id, obj.state, lifecycle_event),
        )

    if event == CaseEvent.PUBLISH_NOTICE:
        case.notice_started_at = now
        case.notice_ends_at = in_zone(now, settings.zone).add(days=settings.notice_days)

    entry = _advance_case(case, event, actor, now, reason, request_id, change)

    if event in (CaseEvent.APPROVE_AT_COUNTY, CaseEvent.DECLINE_AT_COUNTY):
        case.decided_at = now
        case.decided_by = actor.id
    if obj is not None and change[1] is not None:
        assert lifecycle_event is not None
        _move_object(obj, lifecycle_event, change[1], now, entry)

    return entry


def import_object(
    *,
    obj: MonitoringObject,
    actor: Actor,
    now: pendulum.DateTime,
    request_id: str | None,
) -> AuditEntry:
    """Register an object already monitored before the engine took over.

    Raises:
        WrongLevel: only a county actor imports from the national system.
        InvalidInput: the state is not one an existing object can be in.
    """
    check_importer(actor, obj.village_code)
    if obj.state not in _IMPORTABLE:
        raise InvalidInput(
            "state",
            obj.state,
            f"an imported object is one of {', '.join(sorted(_IMPORTABLE))}",
        )

    log_change(LIFECYCLE.name, obj.id, "import", None, obj.state, actor)
    return AuditEntry(
        subject_type="monitoring_object",
        subject_id=obj.id,
        event="import",
        from_state=None,
        to_state=obj.state,
        object_id=obj.id,
        object_from_state=None,
        object_to_state=obj.state,
        actor_id=actor.id,
        actor_role=actor.role,
        actor_level=actor.level,
        jurisdiction=actor.jurisdiction,
        reason=None,
        occurred_at=now,
        definition_version=DEFINITION_VERSION,
        request_id=request_id,
    )


def _lifecycle_event(case: ApprovalCase, event: CaseEvent) -> str | None:
    kind = CaseKind(case.kind)
    if event == CaseEvent.APPROVE_AT_COUNTY:
        return ON_APPROVAL[kind]
    if event == CaseEvent.DECLINE_AT_COUNTY:
        return ON_DECLINE.get(kind)
    return None


def _advance_case(
    case: ApprovalCase,
    event: str,
    actor: Actor,
    now: pendulum.DateTime,
    reason: str | None,
    request_id: str | None,
    object_change: tuple[str | None, str | None],
) -> AuditEntry:
    before = case.state
    after = APPROVAL_MACHINE.fire(case.id, before, event)
    move(case, after)
    case.updated_at = now
    log_change(APPROVAL.name, case.id, event, before, after, actor)

    return AuditEntry(
        subject_type="approval_case",
        subject_id=case.id,
        event=event,
        from_state=None if before == START else before,
        to_state=after,
        object_id=case.object_id,
        object_from_state=object_change[0],
        object_to_state=object_change[1],
        actor_id=actor.id,
        actor_role=actor.role,
        actor_level=actor.level,
        jurisdiction=actor.jurisdiction,
        reason=reason,
        occurred_at=now,
        definition_version=DEFINITION_VERSION,
        request_id=request_id,
    )


def _move_object(
    obj: MonitoringObject,
    event: str,
    state: str,
    now: pendulum.DateTime,
    entry: AuditEntry,
) -> None:
    before = obj.state
    move(obj, state)
    obj.updated_at = now
    if state in MONITORED_STATES:
        # Inclusion, relabel and rollback each start a new monitoring period.
        obj.monitored_since = now
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "%s %s: %s %s -> %s by %s (%s, case %s)",
            LIFECYCLE.name,
            obj.id,
            event,
            before,
            state,
            entry.actor_id,
            entry.actor_role,
            entry.case_id,
        )
