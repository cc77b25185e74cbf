"""Tests of proposing, deciding and importing, over objects held in memory."""

from __future__ import annotations

import pytest

from fanpin_workflow.domain.approval import CaseEvent, CaseKind, Level
from fanpin_workflow.domain.jurisdiction import Actor
from fanpin_workflow.domain.lifecycle import ObjectState
from fanpin_workflow.domain.model import AuditEntry
from fanpin_workflow.domain.steps import import_object, propose
from fanpin_workflow.errors import (
    InvalidInput,
    OutsideJurisdiction,
    ReasonRequired,
    TransitionNotAllowed,
    WrongLevel,
)
from tests.unit.approval_builders import (
    COUNTY,
    DECIDED_AT,
    DETERMINER,
    KIND_MOVES,
    NEIGHBOUR_VILLAGE,
    OTHER_COUNTY,
    PROPOSED_AT,
    PROPOSER,
    REVIEWER,
    ROUTE,
    TOWNSHIP,
    VILLAGE,
    at,
    case_at,
    new_object,
    open_case,
    states,
    step,
)

# --- propose ---------------------------------------------------------------


def test_propose_opens_a_case_in_proposed() -> None:
    """A proposal opens a case of the object's village, led from now."""
    obj = new_object("candidate")

    case, _ = propose(
        case_id="case-1",
        kind=CaseKind.INCLUSION,
        obj=obj,
        actor=PROPOSER,
        now=PROPOSED_AT,
        first_lead_at=None,
        reason=None,
        request_id=None,
    )

    assert (case.id, case.object_id, case.kind) == ("case-1", "mo-1", "inclusion")
    assert (case.state, case.village_code) == ("proposed", VILLAGE)
    assert (case.proposed_by, case.proposed_at) == ("v-1", PROPOSED_AT)
    assert (case.first_lead_at, case.updated_at) == (PROPOSED_AT, PROPOSED_AT)
    assert (case.notice_ends_at, case.decided_at) == (None, None)
    assert obj.state == "candidate"


def test_propose_inclusion_records_the_new_candidate() -> None:
    """The audit entry of an inclusion proposal shows the candidate appearing."""
    obj = new_object("candidate")
    lead = at(6, 8)

    _, entry = propose(
        case_id="case-1",
        kind=CaseKind.INCLUSION,
        obj=obj,
        actor=PROPOSER,
        now=PROPOSED_AT,
        first_lead_at=lead,
        reason="income fell after a flood",
        request_id="req-1",
    )

    assert entry == AuditEntry(
        subject_type="approval_case",
        subject_id="case-1",
        event="propose",
        from_state=None,
        to_state="proposed",
        object_id="mo-1",
        object_from_state=None,
        object_to_state="candidate",
        actor_id="v-1",
        actor_role="monitoring_officer",
        actor_level="village",
        jurisdiction=VILLAGE,
        reason="income fell after a flood",
        occurred_at=PROPOSED_AT,
        definition_version="2024.1",
        request_id="req-1",
    )


def test_propose_change_records_no_object_move() -> None:
    """Proposing a change of an existing object leaves its audit fields empty."""
    obj = new_object("included")

    case, entry = propose(
        case_id="case-1",
        kind=CaseKind.RISK_ELIMINATION,
        obj=obj,
        actor=PROPOSER,
        now=PROPOSED_AT,
        first_lead_at=None,
        reason=None,
        request_id=None,
    )

    assert (entry.object_from_state, entry.object_to_state) == (None, None)
    assert (case.state, obj.state) == ("proposed", "included")


def test_propose_keeps_an_earlier_first_lead() -> None:
    """A first risk lead earlier than now is kept on the case."""
    lead = at(1, 8)

    case, _ = propose(
        case_id="case-1",
        kind=CaseKind.INCLUSION,
        obj=new_object("candidate"),
        actor=PROPOSER,
        now=PROPOSED_AT,
        first_lead_at=lead,
        reason=None,
        request_id=None,
    )

    assert case.first_lead_at == lead


def test_propose_accepts_a_first_lead_equal_to_now() -> None:
    """A first risk lead at exactly the current instant is not in the future."""
    case, _ = propose(
        case_id="case-1",
        kind=CaseKind.INCLUSION,
        obj=new_object("candidate"),
        actor=PROPOSER,
        now=PROPOSED_AT,
        first_lead_at=PROPOSED_AT,
        reason=None,
        request_id=None,
    )

    assert case.first_lead_at == PROPOSED_AT


def test_propose_refuses_a_first_lead_in_the_future() -> None:
    """A first risk lead one second after now is refused as InvalidInput."""
    obj = new_object("candidate")

    with pytest.raises(InvalidInput) as caught:
        propose(
            case_id="case-1",
            kind=CaseKind.INCLUSION,
            obj=obj,
            actor=PROPOSER,
            now=PROPOSED_AT,
            first_lead_at=PROPOSED_AT.add(seconds=1),
            reason=None,
            request_id=None,
        )

    assert caught.value.field == "first_lead_at"
    assert obj.state == "candidate"


@pytest.mark.parametrize(
    ("kind", "state", "event"),
    [
        (CaseKind.INCLUSION, "included", "include"),
        (CaseKind.RISK_ELIMINATION, "candidate", "eliminate_risk"),
        (CaseKind.RISK_ELIMINATION, "risk_eliminated", "eliminate_risk"),
        (CaseKind.RELABEL, "included", "relabel"),
        (CaseKind.CLEAR_OUT, "candidate", "clear_out"),
        (CaseKind.CLEAR_OUT, "rejected", "clear_out"),
        (CaseKind.ROLLBACK, "included", "roll_back"),
        (CaseKind.ROLLBACK, "cleared_out", "roll_back"),
    ],
)
def test_propose_refuses_a_change_the_object_state_does_not_allow(
    kind: CaseKind, state: str, event: str
) -> None:
    """A proposal whose lifecycle move is not allowed from the state is refused."""
    obj = new_object(state)

    with pytest.raises(TransitionNotAllowed) as caught:
        propose(
            case_id="case-1",
            kind=kind,
            obj=obj,
            actor=PROPOSER,
            now=PROPOSED_AT,
            first_lead_at=None,
            reason="checked at home visit",
            request_id=None,
        )

    assert (caught.value.event, caught.value.state) == (event, state)
    assert obj.state == state


def test_propose_inclusion_of_an_included_object_reads_as_a_sentence() -> None:
    """Proposing to include an included object says why in plain words."""
    obj = new_object("included")

    with pytest.raises(TransitionNotAllowed) as caught:
        propose(
            case_id="case-1",
            kind=CaseKind.INCLUSION,
            obj=obj,
            actor=PROPOSER,
            now=PROPOSED_AT,
            first_lead_at=None,
            reason=None,
            request_id=None,
        )

    assert str(caught.value) == (
        "Can't include when in included (monitoring_object mo-1)."
    )
    assert obj.state == "included"


@pytest.mark.parametrize("kind", [CaseKind.CLEAR_OUT, CaseKind.ROLLBACK])
@pytest.mark.parametrize("reason", [None, "", "  "])
def test_propose_clear_out_or_rollback_needs_a_reason(
    kind: CaseKind, reason: str | None
) -> None:
    """Proposing a clear-out or a rollback without a reason is refused."""
    obj = new_object("risk_eliminated")

    with pytest.raises(ReasonRequired) as caught:
        propose(
            case_id="case-1",
            kind=kind,
            obj=obj,
            actor=PROPOSER,
            now=PROPOSED_AT,
            first_lead_at=None,
            reason=reason,
            request_id=None,
        )

    assert caught.value.event == f"propose {kind.value}"
    assert obj.state == "risk_eliminated"


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        (REVIEWER, WrongLevel),
        (DETERMINER, WrongLevel),
        (
            Actor("v-9", "monitoring_officer", Level.VILLAGE, NEIGHBOUR_VILLAGE),
            OutsideJurisdiction,
        ),
    ],
)
def test_propose_refuses_an_actor_other_than_the_village(
    actor: Actor, error: type[Exception]
) -> None:
    """Only an actor of the object's own village proposes."""
    obj = new_object("candidate")

    with pytest.raises(error):
        propose(
            case_id="case-1",
            kind=CaseKind.INCLUSION,
            obj=obj,
            actor=actor,
            now=PROPOSED_AT,
            first_lead_at=None,
            reason=None,
            request_id=None,
        )

    assert obj.state == "candidate"


# --- the happy paths ---------------------------------------------------------


def test_inclusion_happy_path_includes_the_candidate() -> None:
    """An inclusion walked through every level ends with the object included."""
    case, obj = open_case(CaseKind.INCLUSION)
    visited = [case.state]

    for event, actor, now in ROUTE:
        step(case, obj, event, actor, now)
        visited.append(case.state)
    step(case, obj, CaseEvent.APPROVE_AT_COUNTY, DETERMINER, DECIDED_AT)
    visited.append(case.state)

    assert visited == [
        "proposed",
        "deliberated",
        "in_notice",
        "submitted",
        "township_approved",
        "determined",
    ]
    assert obj.state == "included"
    assert (case.decided_at, case.decided_by) == (DECIDED_AT, "c-1")
    assert (obj.updated_at, case.updated_at) == (DECIDED_AT, DECIDED_AT)


@pytest.mark.parametrize(("kind", "start", "end"), KIND_MOVES)
def test_object_keeps_its_state_until_the_county_decides(
    kind: CaseKind, start: str, end: str
) -> None:
    """Village and township steps never change the object's state."""
    case, obj = open_case(kind, start)

    for event, actor, now in ROUTE:
        step(case, obj, event, actor, now)

    assert states(case, obj) == ("township_approved", start)


@pytest.mark.parametrize(("kind", "start", "end"), KIND_MOVES)
def test_county_approval_moves_the_object_for_every_kind(
    kind: CaseKind, start: str, end: str
) -> None:
    """Approval at county fires the kind's lifecycle event on the object."""
    case, obj = case_at("township_approved", kind, start)

    entry = step(case, obj, CaseEvent.APPROVE_AT_COUNTY, DETERMINER, DECIDED_AT)

    assert states(case, obj) == ("determined", end)
    assert (entry.object_from_state, entry.object_to_state) == (start, end)
    assert entry.changed_object is True


def test_county_decline_of_an_inclusion_rejects_the_candidate() -> None:
    """Declining an inclusion at county ends the candidate as rejected."""
    case, obj = case_at("township_approved")

    entry = step(
        case, obj, CaseEvent.DECLINE_AT_COUNTY, DETERMINER, DECIDED_AT, "not at risk"
    )

    assert states(case, obj) == ("declined", "rejected")
    assert (entry.object_from_state, entry.object_to_state) == (
        "candidate",
        "rejected",
    )
    assert (case.decided_at, case.decided_by) == (DECIDED_AT, "c-1")
    assert entry.reason == "not at risk"


@pytest.mark.parametrize(("kind", "start", "end"), KIND_MOVES[1:])
def test_county_decline_of_a_change_leaves_the_object(
    kind: CaseKind, start: str, end: str
) -> None:
    """Declining any kind but inclusion closes the case and keeps the object."""
    case, obj = case_at("township_approved", kind, start)

    entry = step(
        case, obj, CaseEvent.DECLINE_AT_COUNTY, DETERMINER, DECIDED_AT, "too early"
    )

    assert states(case, obj) == ("declined", start)
    assert (entry.object_from_state, entry.object_to_state) == (None, None)
    assert (case.decided_at, case.decided_by) == (DECIDED_AT, "c-1")


@pytest.mark.parametrize("closing", ["approve_at_county", "decline_at_county"])
@pytest.mark.parametrize(
    "event", ["approve_at_county", "decline_at_county", "return_to_township"]
)
def test_a_decided_case_takes_no_further_county_step(closing: str, event: str) -> None:
    """Once determined or declined, a case refuses every further step."""
    case, obj = case_at("township_approved", CaseKind.RISK_ELIMINATION)
    step(case, obj, CaseEvent(closing), DETERMINER, DECIDED_AT, "checked")
    before = states(case, obj)

    with pytest.raises(TransitionNotAllowed):
        step(case, obj, CaseEvent(event), DETERMINER, at(18, 9), "again")

    assert states(case, obj) == before


def test_county_approval_of_an_enum_state_object_includes_it() -> None:
    """An object whose state is held as an ObjectState member can be included."""
    case, obj = case_at("township_approved", state=ObjectState.CANDIDATE)

    step(case, obj, CaseEvent.APPROVE_AT_COUNTY, DETERMINER, DECIDED_AT)

    assert states(case, obj) == ("determined", "included")


# --- audit entries -----------------------------------------------------------


def test_county_approval_audit_entry_records_both_moves() -> None:
    """The audit entry of a county approval names both moves and the actor."""
    case, obj = case_at("township_approved")

    entry = step(
        case,
        obj,
        CaseEvent.APPROVE_AT_COUNTY,
        DETERMINER,
        DECIDED_AT,
        request_id="req-7",
    )

    assert entry == AuditEntry(
        subject_type="approval_case",
        subject_id="case-1",
        event="approve_at_county",
        from_state="township_approved",
        to_state="determined",
        object_id="mo-1",
        object_from_state="candidate",
        object_to_state="included",
        actor_id="c-1",
        actor_role="county_determiner",
        actor_level="county",
        jurisdiction=COUNTY,
        reason=None,
        occurred_at=DECIDED_AT,
        definition_version="2024.1",
        request_id="req-7",
    )


def test_township_step_audit_entry_records_only_the_case_move() -> None:
    """A township return records the case move, the reason and no object move."""
    case, obj = case_at("submitted")

    entry = step(
        case,
        obj,
        CaseEvent.RETURN_TO_VILLAGE,
        REVIEWER,
        at(16, 10),
        "income proof missing",
    )

    assert entry == AuditEntry(
        subject_type="approval_case",
        subject_id="case-1",
        event="return_to_village",
        from_state="submitted",
        to_state="returned_to_village",
        object_id="mo-1",
        object_from_state=None,
        object_to_state=None,
        actor_id="t-1",
        actor_role="township_reviewer",
        actor_level="township",
        jurisdiction=TOWNSHIP,
        reason="income proof missing",
        occurred_at=at(16, 10),
        definition_version="2024.1",
        request_id=None,
    )
    assert entry.changed_object is False


# --- import --------------------------------------------------------------------


@pytest.mark.parametrize("state", ["included", "risk_eliminated", "rollback"])
def test_import_records_an_existing_object(state: str) -> None:
    """A county imports an object already monitored, in its current state."""
    obj = new_object(state)

    entry = import_object(obj=obj, actor=DETERMINER, now=at(9, 8), request_id="r-1")

    assert entry == AuditEntry(
        subject_type="monitoring_object",
        subject_id="mo-1",
        event="import",
        from_state=None,
        to_state=state,
        object_id="mo-1",
        object_from_state=None,
        object_to_state=state,
        actor_id="c-1",
        actor_role="county_determiner",
        actor_level="county",
        jurisdiction=COUNTY,
        reason=None,
        occurred_at=at(9, 8),
        definition_version="2024.1",
        request_id="r-1",
    )
    assert obj.state == state


@pytest.mark.parametrize("state", ["candidate", "cleared_out", "rejected"])
def test_import_refuses_a_state_no_existing_object_is_in(state: str) -> None:
    """Candidates and ended objects can't be imported."""
    obj = new_object(state)

    with pytest.raises(InvalidInput) as caught:
        import_object(obj=obj, actor=DETERMINER, now=at(9, 8), request_id=None)

    assert (caught.value.field, caught.value.value) == ("state", state)


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        (PROPOSER, WrongLevel),
        (REVIEWER, WrongLevel),
        (
            Actor("c-9", "county_determiner", Level.COUNTY, OTHER_COUNTY),
            OutsideJurisdiction,
        ),
    ],
)
def test_import_refuses_an_actor_other_than_the_county(
    actor: Actor, error: type[Exception]
) -> None:
    """Only an actor of the object's own county imports it."""
    obj = new_object("included")

    with pytest.raises(error):
        import_object(obj=obj, actor=actor, now=at(9, 8), request_id=None)

    assert obj.state == "included"
