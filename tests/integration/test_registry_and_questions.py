"""Questions raised, escalated and answered; roles in time; grids; the log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from fanpin_workflow import Actor, VirtualClock, Workflow
from fanpin_workflow.errors import (
    ActorNotRegistered,
    InvalidInput,
    OutsideJurisdiction,
    TransitionNotAllowed,
)
from tests.conftest import (
    OTHER_TOWNSHIP,
    TOWNSHIP,
    VILLAGE,
    admin,
    county_reviewer,
    township_reviewer,
    village_officer,
)
from tests.integration.helpers import security_rows, snapshot
from tests.integration.test_households_storage import record


def test_question_escalated_and_answered_with_its_trail(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """Raised, escalated by the township, answered by the county; each audited."""
    raised = workflow.raise_question(
        village_officer(), VILLAGE, "Is a student a labourer?"
    )
    clock.advance(days=1)

    workflow.escalate_question(township_reviewer(), raised.subject_id)
    clock.advance(days=2)
    workflow.answer_question(
        county_reviewer(), raised.subject_id, "Not while studying."
    )

    question = workflow.get_question(raised.subject_id)
    trail = workflow.history("question", raised.subject_id)
    assert [(e.event, e.actor_level, e.to_state) for e in trail] == [
        ("raise", "village", "open"),
        ("escalate", "township", "escalated"),
        ("answer_at_county", "county", "answered"),
    ]
    assert question.answer == "Not while studying."
    assert question.due_at == clock.now().subtract(days=2).add(days=5)
    assert [e.command for e in trail] == [
        "raise_question",
        "escalate_question",
        "answer_question",
    ]


def test_township_answers_and_the_county_cannot_jump_in(
    workflow: Workflow, engine: Engine
) -> None:
    """An open question is the township's; the county answering it is refused."""
    raised = workflow.raise_question(village_officer(), VILLAGE, "Which form?")
    before = snapshot(engine)

    with pytest.raises(Exception, match="county level can't answer question"):
        workflow.answer_question(county_reviewer(), raised.subject_id, "2-3")
    workflow_state = workflow.get_question(raised.subject_id).state
    workflow.answer_question(township_reviewer(), raised.subject_id, "Form 2-3.")

    assert workflow_state == "open"
    assert snapshot(engine) != before
    with pytest.raises(TransitionNotAllowed):
        workflow.escalate_question(township_reviewer(), raised.subject_id)


def test_a_role_that_ended_stops_working(
    workflow: Workflow, clock: VirtualClock, engine: Engine
) -> None:
    """After its last day a person's role no longer lets it act; it is logged."""
    workflow.end_role(
        admin(), "officer-1", "information_officer", VILLAGE, dt.date(2024, 5, 10)
    )
    workflow.raise_question(village_officer(), VILLAGE, "Still on duty today?")
    clock.advance(days=1)
    before = snapshot(engine)

    with pytest.raises(ActorNotRegistered, match="2024-05-11"):
        workflow.raise_question(village_officer(), VILLAGE, "And tomorrow?")

    assert snapshot(engine) == before
    assert security_rows(engine)[-1] == (
        "officer-1",
        "information_officer",
        "raise_question",
        "ActorNotRegistered",
    )


def test_an_unregistered_person_is_refused(workflow: Workflow, engine: Engine) -> None:
    """A person the registry does not know is refused whatever role it claims."""
    stranger = Actor("stranger", "information_officer", "village", VILLAGE)

    with pytest.raises(ActorNotRegistered):
        workflow.propose_inclusion(stranger, "hh-1", VILLAGE)

    assert security_rows(engine) == [
        ("stranger", "information_officer", "propose", "ActorNotRegistered")
    ]


def test_grids_hold_at_most_their_size(workflow: Workflow) -> None:
    """A grid of two households refuses a third; households stay in their village."""
    for number in (1, 2, 3):
        workflow.register_household(village_officer(), record(f"hh-{number}", number))
    workflow.register_grid(admin(), "grid-1", VILLAGE, "grid one", max_households=2)

    workflow.place_household(admin(), "hh-1", "grid-1")
    workflow.place_household(admin(), "hh-2", "grid-1")

    with pytest.raises(InvalidInput, match="maximum of 2"):
        workflow.place_household(admin(), "hh-3", "grid-1")


def test_areas_nest_and_administrators_stay_home(workflow: Workflow) -> None:
    """A village must name its township; another county's admin is refused."""
    with pytest.raises(InvalidInput, match="parent"):
        workflow.register_area(admin(), "450123101299", "village", "v", OTHER_TOWNSHIP)
    with pytest.raises(OutsideJurisdiction):
        workflow.register_area(
            admin("450124000000"), "450123101299", "village", "v", TOWNSHIP
        )

    workflow.register_area(admin(), "450123101299", "village", "v", TOWNSHIP)
    workflow.register_area(admin(), "450123101299-01", "hamlet", "h", "450123101299")


def test_an_unanswered_question_moves_up_once(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """Past the township's limit the sweep passes a question to the county once."""
    raised = workflow.raise_question(village_officer(), VILLAGE, "Who signs 2-4?")
    clock.advance(days=3)

    first = workflow.sweep_overdue()
    second = workflow.sweep_overdue()
    workflow.answer_question(county_reviewer(), raised.subject_id, "The grid leader.")

    trail = workflow.history("question", raised.subject_id)
    assert (first.questions_escalated, second.questions_escalated) == (1, 0)
    assert [(e.event, e.actor_role, e.to_state) for e in trail] == [
        ("raise", "information_officer", "open"),
        ("escalate", "scheduler", "escalated"),
        ("answer_at_county", "county_reviewer", "answered"),
    ]
