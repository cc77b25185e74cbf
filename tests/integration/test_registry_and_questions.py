"""Questions raised, escalated and answered; roles in time; grids; the log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from fanpin_workflow import Actor, VirtualClock, Workflow
from fanpin_workflow.adapters.tables import areas, grid_households
from fanpin_workflow.errors import (
    ActorNotRegistered,
    InvalidInput,
    OutsideJurisdiction,
    TransitionNotAllowed,
    WrongLevel,
)
from tests.conftest import (
    NEIGHBOUR_VILLAGE,
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
    before, logged = snapshot(engine), security_rows(engine)

    with pytest.raises(WrongLevel, match="county level can't answer question"):
        workflow.answer_question(county_reviewer(), raised.subject_id, "2-3")

    assert snapshot(engine) == before
    assert security_rows(engine) == [
        *logged,
        ("reviewer-c1", "county_reviewer", "answer_question", "WrongLevel"),
    ]
    workflow.answer_question(township_reviewer(), raised.subject_id, "Form 2-3.")
    answered = workflow.get_question(raised.subject_id)
    assert (answered.state, answered.answer) == ("answered", "Form 2-3.")
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


def test_grids_hold_at_most_their_size(workflow: Workflow, engine: Engine) -> None:
    """A grid of two households refuses a third, writing nothing."""
    for number in (1, 2, 3):
        workflow.register_household(village_officer(), record(f"hh-{number}", number))
    workflow.register_grid(admin(), "grid-1", VILLAGE, "grid one", max_households=2)
    workflow.place_household(admin(), "hh-1", "grid-1")
    workflow.place_household(admin(), "hh-2", "grid-1")
    before = snapshot(engine)

    with pytest.raises(InvalidInput, match="maximum of 2") as refused:
        workflow.place_household(admin(), "hh-3", "grid-1")

    assert (refused.value.field, refused.value.value) == ("grid_id", "grid-1")
    assert snapshot(engine) == before
    assert _grid_of(engine) == {"hh-1": "grid-1", "hh-2": "grid-1"}


def test_households_stay_in_their_village(workflow: Workflow, engine: Engine) -> None:
    """A household of one village is refused a grid of another, writing nothing."""
    workflow.register_household(
        village_officer(NEIGHBOUR_VILLAGE),
        record("hh-9", 9, village_code=NEIGHBOUR_VILLAGE),
    )
    workflow.register_grid(admin(), "grid-1", VILLAGE, "grid one")
    before = snapshot(engine)

    with pytest.raises(InvalidInput, match="not the household's") as refused:
        workflow.place_household(admin(), "hh-9", "grid-1")

    assert (refused.value.field, refused.value.value) == ("grid_id", "grid-1")
    assert snapshot(engine) == before
    assert _grid_of(engine) == {}


def _grid_of(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(select(grid_households))
        return {row.household_id: row.grid_id for row in rows}


def test_areas_nest_and_administrators_stay_home(
    workflow: Workflow, engine: Engine
) -> None:
    """A village must name a registered parent and another county's admin is
    refused; neither writes anything."""
    before = snapshot(engine)

    with pytest.raises(InvalidInput, match="parent") as orphan:
        workflow.register_area(admin(), "450123101299", "village", "v", OTHER_TOWNSHIP)
    with pytest.raises(OutsideJurisdiction) as stranger:
        workflow.register_area(
            admin("450124000000"), "450123101299", "village", "v", TOWNSHIP
        )

    assert snapshot(engine) == before
    assert (orphan.value.field, orphan.value.value) == ("parent_code", OTHER_TOWNSHIP)
    assert stranger.value.subject_code == "450123101299"


def test_registered_areas_read_back(workflow: Workflow, engine: Engine) -> None:
    """A village and its hamlet read back with their level, title and parent."""
    workflow.register_area(admin(), "450123101299", "village", "v", TOWNSHIP)

    workflow.register_area(admin(), "450123101299-01", "hamlet", "h", "450123101299")

    with engine.connect() as connection:
        rows = connection.execute(
            select(areas.c.code, areas.c.level, areas.c.name, areas.c.parent_code)
            .where(areas.c.code.like("450123101299%"))
            .order_by(areas.c.code)
        ).all()
    assert [tuple(row) for row in rows] == [
        ("450123101299", "village", "v", TOWNSHIP),
        ("450123101299-01", "hamlet", "h", "450123101299"),
    ]
    assert [e.event for e in workflow.history("area", "450123101299-01")] == [
        "register"
    ]


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
