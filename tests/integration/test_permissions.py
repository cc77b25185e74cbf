"""Every command, for every role, inside and outside its jurisdiction, against
the permission table; a refusal writes nothing but its security-log row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine

from fanpin_workflow import Actor, VirtualClock, Workflow
from fanpin_workflow.adapters import schema
from fanpin_workflow.adapters.database import database_url, open_engine
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
    county_reviewer,
    grid_member,
    register_cast,
    township_reviewer,
    village_officer,
)
from tests.integration.helpers import security_log, snapshot
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


def _clock(wf: Workflow) -> VirtualClock:
    assert isinstance(wf.clock, VirtualClock)
    return wf.clock


def _case_at(wf: Workflow, stop: str) -> str:
    """An inclusion case of a fresh household, moved up to `stop`."""
    officer = village_officer()
    clock = _clock(wf)
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


def _included(wf: Workflow) -> str:
    """A monitoring object the county included, with no case open."""
    case_id = _case_at(wf, "township_approved")
    wf.approve_at_county(county_reviewer(), case_id)
    return wf.get_case(case_id).object_id


def _question_for(wf: Workflow, actor: Actor) -> str:
    """A question on the desk of the actor's level: open for a township (or
    village) actor, escalated to the county for a county actor."""
    question = wf.raise_question(village_officer(), VILLAGE, "Which form?").subject_id
    if ROLES[Role(actor.role)].level == Level.COUNTY:
        wf.escalate_question(township_reviewer(), question)
    return question


#: The task each task command is tried on, by the actor's level.
_TASK_KEYS = {
    "start_task": {Level.TOWNSHIP: "township.04", Level.VILLAGE: "village.04"},
    "complete_task": {Level.TOWNSHIP: "township.01", Level.VILLAGE: "village.01"},
    "waive_task": {Level.TOWNSHIP: "township.02", Level.VILLAGE: "village.02"},
}


def _task_for(wf: Workflow, command: str, actor: Actor) -> str:
    """The copy of a task on the list of the actor's level (a township's for
    a township actor, a village's for anyone else) inside the records' area."""
    level = ROLES[Role(actor.role)].level
    if level != Level.TOWNSHIP:
        level = Level.VILLAGE
    area = INSIDE[level]
    key = _TASK_KEYS[command][level]
    wf.start_campaign(Actor("reviewer-c1", "county_reviewer", "county", COUNTY), COUNTY)
    return next(
        t.id for t in wf.tasks(area) if t.task_key == key and t.area_code == area
    )


_OFFICER = village_officer()

#: For each service command an actor issues: the table row that governs
#: it, and a setup that returns the attempt. The overdue sweep is the one
#: row no actor's command reaches; test_only_the_scheduler_sweeps pins it.
ATTEMPTS: dict[str, tuple[str, Attempt]] = {
    "register_household": (
        "register_household",
        lambda wf, a: lambda: wf.register_household(a, record("hh-new", 9)),
    ),
    "assign_investigation": (
        "assign_investigation",
        lambda wf, a: lambda: wf.assign_investigation(a, "hh-1", "grid-member-1"),
    ),
    "record_visit": (
        "record_visit",
        lambda wf, a: (lambda inv: lambda: wf.record_visit(a, inv))(
            wf.assign_investigation(_OFFICER, "hh-1", _visitor(a).id).subject_id
        ),
    ),
    "reassign_investigation": (
        "reassign_investigation",
        lambda wf, a: (
            lambda inv: lambda: wf.reassign_investigation(a, inv, "grid-member-2")
        )(wf.assign_investigation(_OFFICER, "hh-1", "grid-member-1").subject_id),
    ),
    "record_findings": (
        "record_findings",
        lambda wf, a: (lambda inv: lambda: wf.record_findings(a, inv, {}))(
            _visit_ready(wf, a)
        ),
    ),
    "add_key_household": (
        "add_key_household",
        lambda wf, a: (
            lambda: wf.add_key_household(
                a, VILLAGE, "hh-1", "village_knowledge", "declared at the office"
            )
        ),
    ),
    "confirm_key_households": (
        "confirm_key_households",
        lambda wf, a: (
            wf.add_key_household(_OFFICER, VILLAGE, "hh-1", "self_declared", "asked"),
            lambda: wf.confirm_key_households(a, VILLAGE),
        )[1],
    ),
    "propose_inclusion": (
        "propose",
        lambda wf, a: lambda: wf.propose_inclusion(a, "hh-9", VILLAGE),
    ),
    "propose_change": (
        "propose",
        lambda wf, a: (
            lambda obj: (
                lambda: wf.propose_change(
                    a, obj, "clear_out", reason="inclusion was wrong"
                )
            )
        )(_included(wf)),
    ),
    "deliberate": (
        "deliberate",
        lambda wf, a: (lambda case: lambda: wf.deliberate(a, case))(
            _case_at(wf, "proposed")
        ),
    ),
    "publish_notice": (
        "publish_notice",
        lambda wf, a: (lambda case: lambda: wf.publish_notice(a, case))(
            _case_at(wf, "deliberated")
        ),
    ),
    "submit": (
        "submit",
        lambda wf, a: (
            lambda case: (_clock(wf).advance(days=5), lambda: wf.submit(a, case))[1]
        )(_case_at(wf, "in_notice")),
    ),
    "approve_at_township": (
        "approve_at_township",
        lambda wf, a: (lambda case: lambda: wf.approve_at_township(a, case))(
            _case_at(wf, "submitted")
        ),
    ),
    "return_to_village": (
        "return_to_village",
        lambda wf, a: (
            lambda case: lambda: wf.return_to_village(a, case, "figures missing")
        )(_case_at(wf, "submitted")),
    ),
    "approve_at_county": (
        "approve_at_county",
        lambda wf, a: (lambda case: lambda: wf.approve_at_county(a, case))(
            _case_at(wf, "township_approved")
        ),
    ),
    "decline_at_county": (
        "decline_at_county",
        lambda wf, a: (
            lambda case: lambda: wf.decline_at_county(a, case, "not at risk")
        )(_case_at(wf, "township_approved")),
    ),
    "return_to_township": (
        "return_to_township",
        lambda wf, a: (
            lambda case: lambda: wf.return_to_township(a, case, "record missing")
        )(_case_at(wf, "township_approved")),
    ),
    "import_object": (
        "import",
        lambda wf, a: lambda: wf.import_object(a, "hh-imported", VILLAGE, "included"),
    ),
    "raise_question": (
        "raise_question",
        lambda wf, a: (
            lambda: wf.raise_question(
                a, VILLAGE, "Which form does a returned migrant worker get?"
            )
        ),
    ),
    "answer_question": (
        "answer_question",
        lambda wf, a: (lambda q: lambda: wf.answer_question(a, q, "Form 2-3."))(
            _question_for(wf, a)
        ),
    ),
    "escalate_question": (
        "escalate_question",
        lambda wf, a: (lambda q: lambda: wf.escalate_question(a, q))(
            wf.raise_question(_OFFICER, VILLAGE, "Which form?").subject_id
        ),
    ),
    "register_area": (
        "register_area",
        lambda wf, a: (
            lambda: wf.register_area(
                a, "450123101209", "village", "new village", TOWNSHIP
            )
        ),
    ),
    "register_grid": (
        "register_grid",
        lambda wf, a: lambda: wf.register_grid(a, "grid-x", VILLAGE, "grid x"),
    ),
    "place_household": (
        "place_household",
        lambda wf, a: (
            wf.register_grid(admin(), "grid-y", VILLAGE, "grid y"),
            lambda: wf.place_household(a, "hh-1", "grid-y"),
        )[1],
    ),
    "assign_role": (
        "assign_role",
        lambda wf, a: (
            lambda: wf.assign_role(
                a, "new-person", "grid_member", VILLAGE, dt.date(2024, 5, 1)
            )
        ),
    ),
    "end_role": (
        "end_role",
        lambda wf, a: (
            lambda: wf.end_role(
                a, "grid-member-2", "grid_member", VILLAGE, dt.date(2024, 12, 31)
            )
        ),
    ),
    "start_campaign": (
        "start_campaign",
        lambda wf, a: lambda: wf.start_campaign(a, COUNTY),
    ),
    "end_campaign": (
        "end_campaign",
        lambda wf, a: (
            wf.start_campaign(
                Actor("reviewer-c1", "county_reviewer", "county", COUNTY), COUNTY
            ),
            lambda: wf.end_campaign(a, COUNTY, "replaced by a revised list"),
        )[1],
    ),
    "start_task": (
        "start_task",
        lambda wf, a: (lambda task: lambda: wf.start_task(a, task))(
            _task_for(wf, "start_task", a)
        ),
    ),
    "complete_task": (
        "complete_task",
        lambda wf, a: (
            lambda task: lambda: wf.complete_task(a, task, "named a day late")
        )(_task_for(wf, "complete_task", a)),
    ),
    "waive_task": (
        "waive_task",
        lambda wf, a: (
            lambda task: lambda: wf.waive_task(a, task, "done with the township")
        )(_task_for(wf, "waive_task", a)),
    ),
}


def expected(command: str, role: Role, inside: bool) -> bool:
    """What the table and the jurisdiction say, and nothing else."""
    return inside and role in PERMISSIONS[command]


Hosted = tuple[Workflow, Connection, Engine]


@pytest.fixture
def hosted(backend_url: str, clock: VirtualClock) -> Iterator[Hosted]:
    """A workflow inside one long transaction, so each attempt can be undone,
    and a plain engine that reads what is committed apart from it."""
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
    outside = create_engine(database_url(backend_url))
    with engine.connect() as connection:
        outer = connection.begin()
        yield Workflow(connection, clock=clock), connection, outside
        outer.rollback()
    outside.dispose()
    engine.dispose()


def _security_log(connection: Connection, outside: Engine) -> dict[int, Any]:
    """Security-log rows (actor, role, command, rule) by sequence, as seen in
    the host's transaction and as committed apart from it: the engine writes
    a refusal in a transaction of its own where it can."""
    seen = {}
    for bind in (connection, outside):
        for row in security_log(bind):
            seen[row["sequence"]] = (
                row["actor_id"],
                row["actor_role"],
                row["command"],
                row["rule"],
            )
    return seen


def test_every_row_of_the_table_is_tried() -> None:
    """The grid below tries a command for every row but the sweep's."""
    rows = {row for row, _ in ATTEMPTS.values()}

    assert rows == set(PERMISSIONS) - {"sweep_overdue"}


@pytest.mark.parametrize("command", sorted(ATTEMPTS))
def test_every_role_against_the_table(hosted: Hosted, command: str) -> None:
    """Each role, inside and outside, is allowed exactly where the table says;
    a refusal writes nothing but one security-log row."""
    wf, connection, outside = hosted
    row, make = ATTEMPTS[command]
    outcomes = {}

    for role in Role:
        for inside in (True, False):
            actor = person(role, inside)
            savepoint = connection.begin_nested()
            attempt = make(wf, actor)
            before = snapshot(connection)
            logged = _security_log(connection, outside)
            try:
                attempt()
                outcomes[(role, inside)] = "allowed"
            except AccessRefused as refused:
                outcomes[(role, inside)] = "refused"
                after = snapshot(connection)
                now_logged = _security_log(connection, outside)
                assert after == before, (role, inside)
                assert [v for k, v in now_logged.items() if k not in logged] == [
                    (actor.id, str(role), row, type(refused).__name__)
                ]
            finally:
                savepoint.rollback()

    wrong = {
        key: outcome
        for key, outcome in outcomes.items()
        if (outcome == "allowed") != expected(row, *key)
    }
    assert wrong == {}
    assert len(outcomes) == 2 * len(Role)


def test_only_the_scheduler_sweeps(workflow: Workflow, clock: VirtualClock) -> None:
    """The sweep is the scheduler's alone, and its rows name that role."""
    raised = workflow.raise_question(village_officer(), VILLAGE, "Who signs 2-4?")
    clock.advance(days=3)

    workflow.sweep_overdue()

    last = workflow.history("question", raised.subject_id)[-1]
    assert PERMISSIONS["sweep_overdue"] == {Role.SCHEDULER}
    assert (last.actor_role, last.command, last.event) == (
        "scheduler",
        "sweep_overdue",
        "escalate",
    )
