"""Tests of the plain records: objects, cases and audit entries."""

from __future__ import annotations

import pendulum
import pytest

from fanpin_workflow.domain.approval import CaseEvent, CaseKind, CaseState, Level
from fanpin_workflow.domain.lifecycle import ObjectState
from fanpin_workflow.domain.model import ApprovalCase, AuditEntry, MonitoringObject
from fanpin_workflow.errors import StateAssignmentRefused

VILLAGE = "450123101201"


def new_object() -> MonitoringObject:
    """Build a candidate monitoring object of an invented household."""
    return MonitoringObject(
        id="mo-1", household_id="hh-1", village_code=VILLAGE, state="candidate"
    )


def new_case() -> ApprovalCase:
    """Build an inclusion case of that object, just proposed."""
    return ApprovalCase(
        id="case-1",
        object_id="mo-1",
        kind=CaseKind.INCLUSION,
        village_code=VILLAGE,
        state="proposed",
    )


@pytest.mark.parametrize("attempted", ["included", ObjectState.REJECTED])
def test_assigning_an_object_state_is_refused(attempted: str) -> None:
    """Setting `.state` on a monitoring object raises and keeps the old state."""
    obj = new_object()

    with pytest.raises(StateAssignmentRefused) as caught:
        obj.state = attempted

    assert obj.state == "candidate"
    assert (caught.value.owner, caught.value.attempted) == (
        "monitoring object",
        attempted,
    )


@pytest.mark.parametrize("attempted", ["determined", CaseState.DECLINED])
def test_assigning_a_case_state_is_refused(attempted: str) -> None:
    """Setting `.state` on an approval case raises and keeps the old state."""
    case = new_case()

    with pytest.raises(StateAssignmentRefused) as caught:
        case.state = attempted

    assert case.state == "proposed"
    assert caught.value.owner == "approval case"


def test_refusal_message_names_the_alternative() -> None:
    """The refusal says states change only through events."""
    obj = new_object()

    with pytest.raises(StateAssignmentRefused) as caught:
        obj.state = "included"

    assert str(caught.value) == (
        "The state of a monitoring object changes only through its events; "
        "assigning 'included' directly is refused."
    )


def test_fields_other_than_state_can_be_assigned() -> None:
    """Only the state is guarded; bookkeeping fields stay writable."""
    case = new_case()
    later = pendulum.datetime(2024, 5, 11, 9, tz="Asia/Shanghai")

    case.updated_at = later
    case.version = 2

    assert (case.updated_at, case.version, case.state) == (later, 2, "proposed")


def audit_entry(before: str | None, after: str | None) -> AuditEntry:
    """Build an audit entry whose object moved from `before` to `after`."""
    return AuditEntry(
        subject_type="approval_case",
        subject_id="case-1",
        event=CaseEvent.APPROVE_AT_COUNTY,
        from_state=CaseState.TOWNSHIP_APPROVED,
        to_state=CaseState.DETERMINED,
        object_id="mo-1",
        object_from_state=before,
        object_to_state=after,
        actor_id="c-1",
        actor_role="county_determiner",
        actor_level=Level.COUNTY,
        jurisdiction="450123000000",
        reason=None,
        occurred_at=pendulum.datetime(2024, 5, 17, 10, tz="Asia/Shanghai"),
        definition_version="2024.1",
    )


def test_audit_entry_stores_enum_members_as_plain_strings() -> None:
    """Event, states and level are stored as their plain string values."""
    entry = audit_entry(ObjectState.CANDIDATE, ObjectState.INCLUDED)

    stored = (
        entry.event,
        entry.from_state,
        entry.object_to_state,
        entry.actor_level,
    )

    assert stored == ("approve_at_county", "township_approved", "included", "county")
    assert all(type(value) is str for value in stored)


@pytest.mark.parametrize(
    ("before", "after", "changed"),
    [
        (None, None, False),
        (None, "candidate", True),
        ("candidate", "included", True),
        ("included", "included", False),
        ("included", None, False),
    ],
)
def test_changed_object_is_true_only_when_the_state_moved(
    before: str | None, after: str | None, changed: bool
) -> None:
    """`changed_object` tells whether the entry moved the object's state."""
    entry = audit_entry(before, after)

    result = entry.changed_object

    assert result is changed
