"""Every command, for every role, inside and outside its jurisdiction, against
the permission table; a refusal writes nothing but its security-log row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Connection

from fanpin_workflow import Actor, VirtualClock, Workflow
from fanpin_workflow.adapters import schema
from fanpin_workflow.adapters.database import open_engine
from fanpin_workflow.domain.access import HOST_VOUCHED, PERMISSIONS, ROLES, Role
from fanpin_workflow.domain.approval import Level
from fanpin_workflow.errors import AccessRefused
from tests.conftest import (
    COUNTY,
    NEIGHBOUR_VILLAGE,
    OTHER_COUNTY,
    OTHER_TOWNSHIP,
    TOWNSHIP,
    VILLAGE,
    admin,
    grid_member,
    register_cast,
    township_reviewer,
    village_officer,
)
from tests.integration.helpers import security_rows, snapshot
from tests.integration.test_households_storage import record

INSIDE = {Level.VILLAGE: VILLAGE, Level.TOWNSHIP: TOWNSHIP, Level.COUNTY: COUNTY}
OUTSIDE = {
    Level.VILLAGE: NEIGHBOUR_VILLAGE,
    Level.TOWNSHIP: OTHER_TOWNSHIP,
    Level.COUNTY: OTHER_COUNTY,
}

Attempt = Callable[[Workflow, Actor], Callable[[], Any]]


def person(role: Role, inside: bool) -> Actor:
    """The test person holding `role` inside (or outside) the records' areas."""
    level = ROLES[role].level
    area = (INSIDE if inside else OUTSIDE)[level]
    prefix = "p" if inside else "q"
    return Actor(f"{prefix}-{role}", role, level, area)


def _case_at(wf: Workflow, clock: VirtualClock, stop: str) -> str:
    """An inclusion case of a fresh household, moved up to `stop`."""
    officer = village_officer()
    household = f"hh-case-{len(wf.objects(limit=1000))}"
    case_id = str(wf.propose_inclusion(officer, household, VILLAGE).case_id)
    steps = [
        ("proposed", lambda: wf.deliberate(officer, case_id)),
        ("deliberated", lambda: wf.publish_notice(officer, case_id)),
        ("in_notice", lambda: (clock.advance(days=5), wf.submit(officer, case_id))),
        ("submitted", lambda: wf.approve_at_township(township_reviewer(), case_id)),
    ]
    for state, step in steps:
        if state == stop:
            break
        step()
    return case_id


def _visitor(actor: Actor) -> Actor:
    """The actor, if it may visit in the village; else grid-member-1."""
    if actor.role in PERMISSIONS["record_visit"] and actor.jurisdiction == VILLAGE:
        return actor
    return grid_member()


def _visit_ready(wf: Workflow, actor: Actor) -> str:
    """An investigation of hh-2 assigned to the actor (or, if the actor may
    not visit, to grid-member-1) and visited."""
    visitor = _visitor(actor)
    assigned = wf.assign_investigation(village_officer(), "hh-2", visitor.id)
    wf.record_visit(visitor, assigned.subject_id)
    return assigned.subject_id


def attempts(clock: VirtualClock) -> dict[str, Attempt]:
    """For each command: set up what it needs, then return the attempt."""
    officer = village_officer()
    return {
        "register_household": lambda wf, a: (
            lambda: wf.register_household(a, record("hh-new", 9))
        ),
        "assign_investigation": lambda wf, a: (
            lambda: wf.assign_investigation(a, "hh-1", "grid-member-1")
        ),
        "record_visit": lambda wf, a: (lambda inv: lambda: wf.record_visit(a, inv))(
            wf.assign_investigation(officer, "hh-1", _visitor(a).id).subject_id
        ),
        "reassign_investigation": lambda wf, a: (
            lambda inv: lambda: wf.reassign_investigation(a, inv, "grid-member-2")
        )(wf.assign_investigation(officer, "hh-1", "grid-member-1").subject_id),
        "record_findings": lambda wf, a: (
            lambda inv: lambda: wf.record_findings(a, inv, {})
        )(_visit_ready(wf, a)),
        "add_key_household": lambda wf, a: (
            lambda: wf.add_key_household(
                a, VILLAGE, "hh-1", "village_knowledge", "declared at the office"
            )
        ),
        "confirm_key_households": lambda wf, a: (
            wf.add_key_household(officer, VILLAGE, "hh-1", "self_declared", "asked"),
            lambda: wf.confirm_key_households(a, VILLAGE),
        )[1],
        "propose": lambda wf, a: lambda: wf.propose_inclusion(a, "hh-9", VILLAGE),
        "deliberate": lambda wf, a: (lambda case: lambda: wf.deliberate(a, case))(
            _case_at(wf, clock, "proposed")
        ),
        "publish_notice": lambda wf, a: (
            lambda case: lambda: wf.publish_notice(a, case)
        )(_case_at(wf, clock, "deliberated")),
        "submit": lambda wf, a: (
            lambda case: (clock.advance(days=5), lambda: wf.submit(a, case))[1]
        )(_case_at(wf, clock, "in_notice")),
        "approve_at_township": lambda wf, a: (
            lambda case: lambda: wf.approve_at_township(a, case)
        )(_case_at(wf, clock, "submitted")),
        "return_to_village": lambda wf, a: (
            lambda case: lambda: wf.return_to_village(a, case, "figures missing")
        )(_case_at(wf, clock, "submitted")),
        "approve_at_county": lambda wf, a: (
            lambda case: lambda: wf.approve_at_county(a, case)
        )(_case_at(wf, clock, "township_approved")),
        "decline_at_county": lambda wf, a: (
            lambda case: lambda: wf.decline_at_county(a, case, "not at risk")
        )(_case_at(wf, clock, "township_approved")),
        "return_to_township": lambda wf, a: (
            lambda case: lambda: wf.return_to_township(a, case, "record missing")
        )(_case_at(wf, clock, "township_approved")),
        "import": lambda wf, a: (
            lambda: wf.import_object(a, "hh-imported", VILLAGE, "included")
        ),
        "raise_question": lambda wf, a: (
            lambda: wf.raise_question(
                a, VILLAGE, "Which form does a returned migrant worker get?"
            )
        ),
        "answer_question": lambda wf, a: (
            lambda q: lambda: wf.answer_question(a, q, "Form 2-3.")
        )(wf.raise_question(officer, VILLAGE, "Which form?").subject_id),
        "escalate_question": lambda wf, a: (
            lambda q: lambda: wf.escalate_question(a, q)
        )(wf.raise_question(officer, VILLAGE, "Which form?").subject_id),
        "register_area": lambda wf, a: (
            lambda: wf.register_area(
                a, "450123101209", "village", "new village", TOWNSHIP
            )
        ),
        "register_grid": lambda wf, a: (
            lambda: wf.register_grid(a, "grid-x", VILLAGE, "grid x")
        ),
        "place_household": lambda wf, a: (
            wf.register_grid(admin(), "grid-y", VILLAGE, "grid y"),
            lambda: wf.place_household(a, "hh-1", "grid-y"),
        )[1],
        "assign_role": lambda wf, a: (
            lambda: wf.assign_role(
                a, "new-person", "grid_member", VILLAGE, dt.date(2024, 5, 1)
            )
        ),
        "end_role": lambda wf, a: (
            lambda: wf.end_role(
                a, "grid-member-2", "grid_member", VILLAGE, dt.date(2024, 12, 31)
            )
        ),
        "start_campaign": lambda wf, a: lambda: wf.start_campaign(a, COUNTY),
        "start_task": lambda wf, a: (lambda task: lambda: wf.start_task(a, task))(
            _village_task(wf, "village.04")
        ),
        "complete_task": lambda wf, a: (
            lambda task: lambda: wf.complete_task(a, task, "grids named late")
        )(_village_task(wf, "village.01")),
        "waive_task": lambda wf, a: (
            lambda task: lambda: wf.waive_task(a, task, "trained with the township")
        )(_village_task(wf, "village.02")),
    }


def _village_task(wf: Workflow, key: str) -> str:
    """Start the campaign and return the village's copy of task `key`."""
    wf.start_campaign(Actor("reviewer-c1", "county_reviewer", "county", COUNTY), COUNTY)
    return next(
        t.id for t in wf.tasks(VILLAGE) if t.task_key == key and t.area_code == VILLAGE
    )


def expected(command: str, role: Role, inside: bool) -> bool:
    """What the table says; a question at the township's desk is answered there."""
    allowed = inside and role in PERMISSIONS[command]
    if command == "answer_question":
        allowed = allowed and ROLES[role].level == Level.TOWNSHIP
    if command in ("start_task", "complete_task", "waive_task"):
        allowed = allowed and ROLES[role].level == Level.VILLAGE
    return allowed


@pytest.fixture
def hosted(
    backend_url: str, clock: VirtualClock
) -> Iterator[tuple[Workflow, Connection]]:
    """A workflow inside one long transaction, so each attempt can be undone."""
    engine = open_engine(backend_url)
    setup = Workflow(engine, clock=clock)
    schema.upgrade(engine)
    register_cast(setup)
    for role in Role:
        if role in HOST_VOUCHED:
            continue
        for inside in (True, False):
            actor = person(role, inside)
            setup.assign_role(
                admin(actor.jurisdiction),
                actor.id,
                role,
                actor.jurisdiction,
                dt.date(2024, 1, 1),
            )
    for number in (1, 2):
        setup.register_household(
            village_officer(), record(f"hh-{number}", number, type="ordinary")
        )
    with engine.connect() as connection:
        outer = connection.begin()
        yield Workflow(connection, clock=clock), connection
        outer.rollback()
    engine.dispose()


# The overdue sweep is no actor's command: the host's scheduler runs it, and
# its rows name the scheduler role (pinned in tests/unit/test_access.py).
@pytest.mark.parametrize("command", [c for c in PERMISSIONS if c != "sweep_overdue"])
def test_every_role_against_the_table(
    hosted: tuple[Workflow, Connection], clock: VirtualClock, command: str
) -> None:
    """Each role, inside and outside, is allowed exactly where the table says."""
    wf, connection = hosted
    outcomes = {}

    for role in Role:
        for inside in (True, False):
            actor = person(role, inside)
            if role in HOST_VOUCHED:
                actor = Actor(
                    actor.id, role, Level.COUNTY, COUNTY if inside else OTHER_COUNTY
                )
            savepoint = connection.begin_nested()
            attempt = attempts(clock)[command](wf, actor)
            before, logged = snapshot(connection), security_rows(connection)
            try:
                attempt()
                outcomes[(role, inside)] = "allowed"
            except AccessRefused as refused:
                outcomes[(role, inside)] = "refused"
                after = snapshot(connection)
                now_logged = security_rows(connection)
                assert after == before, (role, inside)
                assert now_logged[len(logged) :] == [
                    (actor.id, str(role), command, type(refused).__name__)
                ]
            finally:
                savepoint.rollback()

    wrong = {
        key: outcome
        for key, outcome in outcomes.items()
        if (outcome == "allowed") != expected(command, *key)
    }
    assert wrong == {}
    assert len(outcomes) == 2 * len(Role)
