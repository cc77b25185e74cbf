"""Tests of the approval guards, the public notice and the return paths."""

from __future__ import annotations

import pytest

from fanpin_workflow.domain.approval import CaseEvent, CaseKind, Level
from fanpin_workflow.domain.jurisdiction import Actor
from fanpin_workflow.domain.settings import ApprovalSettings
from fanpin_workflow.domain.steps import advance
from fanpin_workflow.errors import (
    InvalidInput,
    NoticePeriodNotOver,
    OutsideJurisdiction,
    ReasonRequired,
    SeparationOfDuties,
    TransitionNotAllowed,
    WrongLevel,
)
from tests.unit.approval_builders import (
    COUNTY,
    DECIDED_AT,
    DETERMINER,
    NEIGHBOUR_VILLAGE,
    NOTICE_AT,
    NOTICE_ENDS,
    OTHER_COUNTY,
    OTHER_TOWNSHIP,
    PROPOSER,
    REVIEWER,
    SECRETARY,
    TOWNSHIP,
    VILLAGE,
    at,
    case_at,
    new_object,
    open_case,
    states,
    step,
)

# --- guards --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case_state", "event", "actor", "required"),
    [
        ("proposed", "deliberate", REVIEWER, "village"),
        ("proposed", "deliberate", DETERMINER, "village"),
        ("in_notice", "submit", REVIEWER, "village"),
        ("submitted", "approve_at_township", SECRETARY, "township"),
        ("submitted", "approve_at_township", DETERMINER, "township"),
        ("submitted", "return_to_village", DETERMINER, "township"),
        ("township_approved", "approve_at_county", SECRETARY, "county"),
        ("township_approved", "approve_at_county", REVIEWER, "county"),
        ("township_approved", "decline_at_county", REVIEWER, "county"),
        ("township_approved", "return_to_township", REVIEWER, "county"),
    ],
)
def test_step_refuses_an_actor_of_the_wrong_level(
    case_state: str, event: str, actor: Actor, required: str
) -> None:
    """Each step is refused to an actor of any level but its own."""
    case, obj = case_at(case_state)
    before = states(case, obj)

    with pytest.raises(WrongLevel) as caught:
        step(case, obj, CaseEvent(event), actor, at(20, 9), "checked")

    assert (caught.value.level, caught.value.required) == (actor.level, required)
    assert states(case, obj) == before


@pytest.mark.parametrize(
    ("case_state", "event", "actor"),
    [
        (
            "proposed",
            "deliberate",
            Actor("v-9", "monitoring_officer", Level.VILLAGE, NEIGHBOUR_VILLAGE),
        ),
        (
            "in_notice",
            "submit",
            Actor("v-9", "monitoring_officer", Level.VILLAGE, NEIGHBOUR_VILLAGE),
        ),
        (
            "submitted",
            "approve_at_township",
            Actor("t-9", "township_reviewer", Level.TOWNSHIP, OTHER_TOWNSHIP),
        ),
        (
            "township_approved",
            "approve_at_county",
            Actor("c-9", "county_determiner", Level.COUNTY, OTHER_COUNTY),
        ),
    ],
)
def test_step_refuses_an_actor_outside_the_jurisdiction(
    case_state: str, event: str, actor: Actor
) -> None:
    """An actor of the right level but another area is refused."""
    case, obj = case_at(case_state)
    before = states(case, obj)

    with pytest.raises(OutsideJurisdiction) as caught:
        step(case, obj, CaseEvent(event), actor, at(20, 9))

    assert (caught.value.jurisdiction, caught.value.subject_code) == (
        actor.jurisdiction,
        VILLAGE,
    )
    assert states(case, obj) == before


@pytest.mark.parametrize(
    ("case_state", "event", "actor"),
    [
        (
            "submitted",
            "approve_at_township",
            Actor("v-1", "township_reviewer", Level.TOWNSHIP, TOWNSHIP),
        ),
        (
            "submitted",
            "return_to_village",
            Actor("v-1", "township_reviewer", Level.TOWNSHIP, TOWNSHIP),
        ),
        (
            "township_approved",
            "approve_at_county",
            Actor("v-1", "county_determiner", Level.COUNTY, COUNTY),
        ),
        (
            "township_approved",
            "decline_at_county",
            Actor("v-1", "county_determiner", Level.COUNTY, COUNTY),
        ),
    ],
)
def test_step_refuses_the_proposer_as_approver(
    case_state: str, event: str, actor: Actor
) -> None:
    """The person who proposed a case can't review or determine it."""
    case, obj = case_at(case_state)
    before = states(case, obj)

    with pytest.raises(SeparationOfDuties) as caught:
        step(case, obj, CaseEvent(event), actor, at(20, 9), "checked")

    assert (caught.value.actor_id, caught.value.case_id) == ("v-1", "case-1")
    assert states(case, obj) == before


@pytest.mark.parametrize(
    ("case_state", "event", "actor"),
    [
        ("submitted", "return_to_village", REVIEWER),
        ("township_approved", "decline_at_county", DETERMINER),
        ("township_approved", "return_to_township", DETERMINER),
    ],
)
@pytest.mark.parametrize("reason", [None, "", "  "])
def test_step_that_needs_a_reason_refuses_none_or_blank(
    case_state: str, event: str, actor: Actor, reason: str | None
) -> None:
    """A return or a decline without a real reason is refused."""
    case, obj = case_at(case_state)
    before = states(case, obj)

    with pytest.raises(ReasonRequired) as caught:
        step(case, obj, CaseEvent(event), actor, at(20, 9), reason)

    assert caught.value.event == event
    assert states(case, obj) == before


def test_step_refuses_an_event_not_allowed_from_the_case_state() -> None:
    """Approving at county a case the township has not passed is refused."""
    case, obj = case_at("submitted")

    with pytest.raises(TransitionNotAllowed) as caught:
        step(case, obj, CaseEvent.APPROVE_AT_COUNTY, DETERMINER, DECIDED_AT)

    assert str(caught.value) == (
        "Can't approve at county when in submitted (approval_case case-1)."
    )
    assert states(case, obj) == ("submitted", "candidate")


def test_advance_refuses_propose() -> None:
    """`advance` can't open a case; propose() does that."""
    case, obj = open_case()

    with pytest.raises(InvalidInput) as caught:
        step(case, obj, CaseEvent.PROPOSE, PROPOSER, at(9, 9))

    assert caught.value.field == "event"
    assert states(case, obj) == ("proposed", "candidate")


def test_county_step_refused_by_the_object_leaves_the_case() -> None:
    """If the object moved meanwhile, the county approval changes nothing."""
    case, _ = case_at("township_approved", CaseKind.RISK_ELIMINATION)
    moved = new_object("cleared_out")

    with pytest.raises(TransitionNotAllowed):
        step(case, moved, CaseEvent.APPROVE_AT_COUNTY, DETERMINER, DECIDED_AT)

    assert states(case, moved) == ("township_approved", "cleared_out")
    assert (case.decided_at, case.decided_by) == (None, None)


# --- the public notice ---------------------------------------------------------


def test_publishing_starts_a_notice_of_the_configured_days() -> None:
    """Publishing the notice records when it started and when it ends."""
    case, obj = case_at("deliberated")

    step(case, obj, CaseEvent.PUBLISH_NOTICE, PROPOSER, NOTICE_AT)

    assert (case.notice_started_at, case.notice_ends_at) == (NOTICE_AT, NOTICE_ENDS)


def test_submit_one_second_before_the_notice_ends_is_refused() -> None:
    """A submission at 14:59:59 on the fifth day of the notice is refused."""
    case, obj = case_at("in_notice")
    early = at(15, 14, 59, 59)

    with pytest.raises(NoticePeriodNotOver) as caught:
        step(case, obj, CaseEvent.SUBMIT, PROPOSER, early)

    assert (caught.value.notice_ends_at, caught.value.now) == (NOTICE_ENDS, early)
    assert states(case, obj) == ("in_notice", "candidate")


def test_submit_when_the_notice_ends_is_accepted() -> None:
    """A submission at exactly 15:00:00 on the fifth day is accepted."""
    case, obj = case_at("in_notice")

    entry = step(case, obj, CaseEvent.SUBMIT, PROPOSER, at(15, 15, 0, 0))

    assert states(case, obj) == ("submitted", "candidate")
    assert (entry.from_state, entry.to_state) == ("in_notice", "submitted")


def test_notice_length_follows_the_settings() -> None:
    """With notice_days=7 a submission after five days is still refused."""
    case, obj = case_at("deliberated")
    longer = ApprovalSettings(notice_days=7)
    advance(
        case=case,
        obj=obj,
        event=CaseEvent.PUBLISH_NOTICE,
        actor=PROPOSER,
        now=NOTICE_AT,
        reason=None,
        request_id=None,
        settings=longer,
    )

    with pytest.raises(NoticePeriodNotOver) as caught:
        step(case, obj, CaseEvent.SUBMIT, PROPOSER, NOTICE_ENDS)

    assert caught.value.notice_ends_at == at(17, 15)


# --- returns -------------------------------------------------------------------


def test_township_return_needs_a_new_notice_period() -> None:
    """A case returned to the village must be deliberated and noticed again."""
    case, obj = case_at("submitted")
    step(case, obj, CaseEvent.RETURN_TO_VILLAGE, REVIEWER, at(16, 10), "no proof")
    step(case, obj, CaseEvent.DELIBERATE, PROPOSER, at(17, 10))
    step(case, obj, CaseEvent.PUBLISH_NOTICE, PROPOSER, at(18, 9))

    with pytest.raises(NoticePeriodNotOver) as caught:
        step(case, obj, CaseEvent.SUBMIT, PROPOSER, at(23, 8, 59, 59))
    step(case, obj, CaseEvent.SUBMIT, PROPOSER, at(23, 9))

    assert caught.value.notice_ends_at == at(23, 9)
    assert (case.notice_started_at, case.notice_ends_at) == (at(18, 9), at(23, 9))
    assert states(case, obj) == ("submitted", "candidate")


def test_returned_case_can_not_be_submitted_without_deliberation() -> None:
    """A case returned to the village can't skip the deliberation meeting."""
    case, obj = case_at("submitted")
    step(case, obj, CaseEvent.RETURN_TO_VILLAGE, REVIEWER, at(16, 10), "no proof")

    with pytest.raises(TransitionNotAllowed):
        step(case, obj, CaseEvent.SUBMIT, PROPOSER, at(25, 9))

    assert states(case, obj) == ("returned_to_village", "candidate")


def test_county_return_goes_back_to_the_township() -> None:
    """A county return lets the township approve again, then the county decides."""
    case, obj = case_at("township_approved")
    step(case, obj, CaseEvent.RETURN_TO_TOWNSHIP, DETERMINER, at(17, 9), "recheck")
    returned = states(case, obj)

    step(case, obj, CaseEvent.APPROVE_AT_TOWNSHIP, REVIEWER, at(18, 9))
    reapproved = states(case, obj)
    step(case, obj, CaseEvent.APPROVE_AT_COUNTY, DETERMINER, at(19, 9))

    assert returned == ("returned_to_township", "candidate")
    assert reapproved == ("township_approved", "candidate")
    assert states(case, obj) == ("determined", "included")


def test_township_may_pass_a_county_return_down_to_the_village() -> None:
    """A case the county returned can be returned on to the village."""
    case, obj = case_at("township_approved")
    step(case, obj, CaseEvent.RETURN_TO_TOWNSHIP, DETERMINER, at(17, 9), "recheck")

    step(case, obj, CaseEvent.RETURN_TO_VILLAGE, REVIEWER, at(18, 9), "new visit")

    assert states(case, obj) == ("returned_to_village", "candidate")
