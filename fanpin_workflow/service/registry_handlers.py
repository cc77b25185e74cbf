"""Carry out registry and question commands in a Batch."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum

from fanpin_workflow.domain.approval import START, Level
from fanpin_workflow.domain.jurisdiction import Actor, check_acts_for
from fanpin_workflow.domain.model import AuditEntry, entry_about, fire
from fanpin_workflow.domain.questions import (
    QUESTION_MACHINE,
    Question,
    QuestionState,
)
from fanpin_workflow.domain.registry import (
    Area,
    Grid,
    RoleAssignment,
    check_area,
    check_assignment,
)
from fanpin_workflow.errors import InvalidInput, NotFound, OutsideJurisdiction
from fanpin_workflow.service import registry_commands as r

if TYPE_CHECKING:
    from fanpin_workflow.service.handlers import Batch

_REGISTRY_VERSION = "2024.1"


def preload(batch: Batch) -> None:
    """Load the questions, grids and areas the batch's commands name."""
    commands = batch.commands
    question_ids = {
        command.question_id
        for command in commands
        if isinstance(command, r.AnswerQuestion | r.EscalateQuestion)
    }
    batch.questions.update(batch.uow.questions.get_many(question_ids))
    for question in batch.questions.values():
        batch.loaded_versions[question.id] = question.version

    grid_ids = {
        command.grid_id
        for command in commands
        if isinstance(command, r.RegisterGrid | r.PlaceHousehold)
    }
    batch.grids.update(batch.uow.registry.grids(grid_ids))
    batch.grid_sizes.update(batch.uow.registry.grid_sizes(batch.grids.keys()))

    codes: set[str] = set()
    for command in commands:
        if isinstance(command, r.RegisterArea):
            codes |= {command.code, command.parent_code or command.code}
        elif isinstance(command, r.RegisterGrid):
            codes.add(command.village_code)
        elif isinstance(command, r.AssignRole | r.EndRole):
            codes.add(command.area_code)
    batch.areas.update(batch.uow.registry.areas(codes))
    batch.load_households(
        {c.household_id for c in commands if isinstance(c, r.PlaceHousehold)}
    )

    people = {c.person_id for c in commands if isinstance(c, r.EndRole | r.AssignRole)}
    for assignment in batch.uow.registry.assignments(people):
        batch.person_roles.setdefault(assignment.person_id, []).append(assignment)


def register_area(
    batch: Batch, command: r.RegisterArea, now: pendulum.DateTime
) -> AuditEntry:
    """Register a county, township, village or hamlet under its parent."""
    check_area(command.code, command.level, command.parent_code)
    _check_admin(command.actor, command.code)
    if command.code in batch.areas:
        raise InvalidInput("code", command.code, "this area is already registered")
    if command.parent_code is not None and command.parent_code not in batch.areas:
        raise InvalidInput(
            "parent_code", command.parent_code, "register the parent area first"
        )
    area = Area(command.code, command.level, command.title, command.parent_code)
    batch.areas[area.code] = area
    batch.uow.registry.add_area(area)
    return _entry("area", area.code, "register", None, None, command.actor, now)


def register_grid(
    batch: Batch, command: r.RegisterGrid, now: pendulum.DateTime
) -> AuditEntry:
    """Register a grid inside a registered village."""
    _check_admin(command.actor, command.village_code)
    if command.village_code not in batch.areas:
        raise InvalidInput(
            "village_code", command.village_code, "register the village first"
        )
    if command.grid_id in batch.grids:
        raise InvalidInput(
            "grid_id", command.grid_id, "this grid is already registered"
        )
    grid = Grid(
        command.grid_id, command.village_code, command.title, command.max_households
    )
    batch.grids[grid.id] = grid
    batch.grid_sizes[grid.id] = 0
    batch.uow.registry.add_grid(grid)
    return _entry("grid", grid.id, "register", None, None, command.actor, now)


def place_household(
    batch: Batch, command: r.PlaceHousehold, now: pendulum.DateTime
) -> AuditEntry:
    """Put a registered household in a grid of its own village."""
    grid = batch.grids.get(command.grid_id)
    if grid is None:
        raise NotFound("grid", command.grid_id)
    _check_admin(command.actor, grid.village_code)
    batch.load_households({command.household_id})
    household = batch.households.get(command.household_id)
    if household is None:
        raise NotFound("household", command.household_id)
    if household.village_code != grid.village_code:
        raise InvalidInput(
            "grid_id",
            grid.id,
            f"grid of village {grid.village_code}, not the household's "
            f"{household.village_code}",
        )
    if batch.grid_sizes.get(grid.id, 0) >= grid.max_households:
        raise InvalidInput(
            "grid_id", grid.id, f"the grid holds its maximum of {grid.max_households}"
        )
    batch.grid_sizes[grid.id] = batch.grid_sizes.get(grid.id, 0) + 1
    batch.uow.registry.place({household.id: grid.id})
    return _entry(
        "household", household.id, "place", None, None, command.actor, now, grid.id
    )


def assign_role(
    batch: Batch, command: r.AssignRole, now: pendulum.DateTime
) -> AuditEntry:
    """Give a person a role for a registered area."""
    assignment = RoleAssignment(
        command.person_id,
        command.role,
        command.area_code,
        command.starts_on,
        command.ends_on,
    )
    check_assignment(assignment)
    _check_admin(command.actor, command.area_code)
    if command.area_code not in batch.areas:
        raise InvalidInput("area_code", command.area_code, "register the area first")
    for held in batch.person_roles.get(assignment.person_id, []):
        same = (held.role, held.area_code) == (assignment.role, assignment.area_code)
        if same and (held.ends_on is None or held.ends_on >= assignment.starts_on):
            raise InvalidInput(
                "starts_on",
                assignment.starts_on.isoformat(),
                f"{assignment.person_id} already holds this role here from "
                f"{held.starts_on.isoformat()}; end it first",
            )
    batch.uow.registry.add_assignments([assignment])
    batch.person_roles.setdefault(assignment.person_id, []).append(assignment)
    return _entry(
        "role_assignment",
        f"{assignment.person_id}/{assignment.role}/{assignment.area_code}",
        "assign",
        None,
        "active",
        command.actor,
        now,
        f"from {assignment.starts_on.isoformat()}",
    )


def end_role(batch: Batch, command: r.EndRole, now: pendulum.DateTime) -> AuditEntry:
    """End the person's open assignment of that role for that area."""
    _check_admin(command.actor, command.area_code)
    current = [
        a
        for a in batch.person_roles.get(command.person_id, [])
        if a.role == command.role
        and a.area_code == command.area_code
        and a.ends_on is None
    ]
    if not current:
        raise NotFound(
            "open role assignment",
            f"{command.person_id}/{command.role}/{command.area_code}",
        )
    if command.ends_on < current[0].starts_on:
        raise InvalidInput(
            "ends_on", command.ends_on.isoformat(), "must not come before starts_on"
        )
    batch.uow.registry.end_assignment(current[0], command.ends_on)
    return _entry(
        "role_assignment",
        f"{command.person_id}/{command.role}/{command.area_code}",
        "end",
        "active",
        "ended",
        command.actor,
        now,
        f"last day {command.ends_on.isoformat()}",
    )


def raise_question(
    batch: Batch, command: r.RaiseQuestion, now: pendulum.DateTime
) -> AuditEntry:
    """A village asks; the township's time limit starts."""
    check_acts_for(command.actor, Level.VILLAGE, command.village_code, "raise question")
    question = Question(
        id=batch.new_id("question"),
        village_code=command.village_code,
        text=command.text,
        state=START,
        raised_by=command.actor.id,
        raised_at=now,
        due_at=now.add(
            days=batch.parameters_for(command.village_code).questions.township_days
        ),
    )
    batch.questions[question.id] = question
    batch.new_ids.add(question.id)
    return _move(question, "raise", command.actor, now)


def answer_question(
    batch: Batch, command: r.AnswerQuestion, now: pendulum.DateTime
) -> AuditEntry:
    """The township answers an open question, or the county an escalated one."""
    question = _question(batch, command.question_id, command.expected_version)
    county = question.state == QuestionState.ESCALATED
    level = Level.COUNTY if county else Level.TOWNSHIP
    check_acts_for(command.actor, level, question.village_code, "answer question")

    event = "answer_at_county" if county else "answer_at_township"
    entry = _move(question, event, command.actor, now)
    question.answer = command.answer
    question.answered_by = command.actor.id
    question.answered_at = now
    return entry


def escalate_question(
    batch: Batch, command: r.EscalateQuestion, now: pendulum.DateTime
) -> AuditEntry:
    """The township passes the question up; the county's time limit starts."""
    question = _question(batch, command.question_id, command.expected_version)
    check_acts_for(
        command.actor, Level.TOWNSHIP, question.village_code, "escalate question"
    )
    entry = _move(question, "escalate", command.actor, now)
    question.escalated_at = now
    days = batch.parameters_for(question.village_code).questions.county_days
    question.due_at = now.add(days=days)
    return entry


def _check_admin(actor: Actor, code: str) -> None:
    """An administrator registers only inside its own county."""
    if not actor.covers(code[:12]):
        raise OutsideJurisdiction(actor.id, actor.jurisdiction, code)


def _question(batch: Batch, question_id: str, expected: int | None) -> Question:
    question = batch.questions.get(question_id)
    if question is None:
        raise NotFound("question", question_id)
    batch.check_version("question", question.id, question.version, expected)
    return question


def _move(
    question: Question, event: str, actor: Actor, now: pendulum.DateTime
) -> AuditEntry:
    return fire(QUESTION_MACHINE, "question", question.id, question, event, actor, now)


_entry = entry_about
