"""The overdue sweep: mark past-due work overdue and escalate it, once.

Past-due work is a task past its due time, a question its level did not
answer in time, and an inclusion or relabel the county has not decided
within the limit from the first risk lead (15 days by default).

Deadlines live in the database; the sweep reads open tasks by due time
through an index, so one call costs what is due, not what exists. Each task
and each question is escalated once per due time, however often the sweep
runs and from however many processes: the task's version check and the
escalation's unique key both refuse a second time.
"""

from __future__ import annotations

import attrs
import pendulum

from fanpin_workflow.domain.access import Role, check_permitted
from fanpin_workflow.domain.approval import APPROVAL, Level
from fanpin_workflow.domain.jurisdiction import Actor
from fanpin_workflow.domain.model import AuditEntry, entry_about, move
from fanpin_workflow.domain.questions import (
    QUESTION,
    QUESTION_MACHINE,
    QuestionSettings,
    QuestionState,
)
from fanpin_workflow.domain.worklist.task import TASK, TASK_MACHINE, TaskEvent
from fanpin_workflow.service.unit_of_work import SqlAlchemyUnitOfWork
from fanpin_workflow.service.worklist_handlers import definition_of

#: Who a level's overdue work goes up to.
_ABOVE = {Level.VILLAGE: Level.TOWNSHIP, Level.TOWNSHIP: Level.COUNTY}


@attrs.frozen
class SweepReport:
    """What one sweep did."""

    tasks_marked: int
    questions_escalated: int
    cases_escalated: int = 0


def scheduler(area_code: str) -> Actor:
    """The engine's own scheduler, acting for the county of an area."""
    county = area_code[:6] + "000000"
    return Actor("fanpin-scheduler", Role.SCHEDULER, Level.COUNTY, county)


def sweep(
    uow: SqlAlchemyUnitOfWork,
    now: pendulum.DateTime,
    limit: int,
    questions: QuestionSettings,
) -> SweepReport:
    """Mark up to `limit` past-due tasks overdue and escalate past-due questions.

    A question the township did not answer in time moves up to the county,
    which gets its own time limit (its campaign's, or `questions` where no
    campaign runs); one the county did not answer in time is
    recorded as escalated there, once.
    """
    entries: list[AuditEntry] = []
    escalations: list[dict[str, object]] = []

    due = uow.tasks.due_by(now, limit)
    loaded = {task.id: task.version for task in due}
    for task in due:
        actor = scheduler(task.area_code)
        check_permitted(actor, "sweep_overdue")
        before = task.state
        move(task, TASK_MACHINE.fire(task.id, before, TaskEvent.MARK_OVERDUE))
        task.version += 1
        task.updated_at = now
        level = Level(task.level)
        above = _ABOVE.get(level, Level.COUNTY)
        escalations.append(
            _escalation("task", task.id, task.due_at, now, task.area_code, above)
        )
        entries.append(
            entry_about(
                "task",
                task.id,
                TaskEvent.MARK_OVERDUE,
                before,
                task.state,
                actor,
                now,
                f"escalated to the {above}",
                object_id=task.subject_id,
                version=TASK.version,
            )
        )

    late = uow.questions.due_by(now, limit)
    counties = {question.village_code[:6] + "000000" for question in late}
    campaigns = uow.campaigns.for_counties(counties) if counties else {}
    loaded_questions = {question.id: question.version for question in late}
    done = uow.campaigns.escalated(list(loaded_questions))
    moved = []
    for question in late:
        if ("question", question.id, question.due_at) in done:
            continue
        escalations.append(
            _escalation(
                "question",
                question.id,
                question.due_at,
                now,
                question.village_code,
                Level.COUNTY,
            )
        )
        before = question.state
        reason = f"not answered by {question.due_at}"
        if before == QuestionState.OPEN:
            move(question, QUESTION_MACHINE.fire(question.id, before, "escalate"))
            question.escalated_at = now
            campaign = campaigns.get(question.village_code[:6] + "000000")
            county_days = (
                definition_of(campaign).settings.county_answer_days
                if campaign is not None
                else questions.county_days
            )
            question.due_at = now.add(days=county_days)
            reason += "; passed to the county"
        else:
            # The county's own limit has passed: escalated once, the question
            # leaves the sweep's index (its due time stays in the escalation)
            # and waits for the county's answer.
            question.due_at = None
        question.version += 1
        question.updated_at = now
        moved.append(question)
        entries.append(
            entry_about(
                "question",
                question.id,
                "escalate" if before == QuestionState.OPEN else "overdue",
                before,
                question.state,
                scheduler(question.village_code),
                now,
                reason,
                version=QUESTION.version,
            )
        )

    undecided = uow.cases.decision_overdue(now, limit)
    for case in undecided:
        assert case.decision_due_at is not None
        escalations.append(
            _escalation(
                "approval_case",
                case.id,
                case.decision_due_at,
                now,
                case.village_code,
                Level.COUNTY,
            )
        )
        entries.append(
            entry_about(
                "approval_case",
                case.id,
                "decision_overdue",
                case.state,
                case.state,
                scheduler(case.village_code),
                now,
                f"{case.kind} not decided by {case.decision_due_at.isoformat()}; "
                "escalated to the county",
                object_id=case.object_id,
                version=APPROVAL.version,
            )
        )

    uow.tasks.update_many(due, loaded)
    uow.questions.update_many(moved, loaded_questions)
    uow.campaigns.escalate(escalations)
    uow.audit.append_many(
        [attrs.evolve(entry, command="sweep_overdue") for entry in entries]
    )
    return SweepReport(
        tasks_marked=len(due),
        questions_escalated=len(entries) - len(due) - len(undecided),
        cases_escalated=len(undecided),
    )


def _escalation(
    kind: str,
    subject_id: str,
    due_at: pendulum.DateTime | None,
    now: pendulum.DateTime,
    area: str,
    above: Level,
) -> dict[str, object]:
    prefix = {Level.TOWNSHIP: 9, Level.COUNTY: 6}[above]
    return {
        "subject_type": kind,
        "subject_id": subject_id,
        "due_at": due_at,
        "escalated_at": now,
        "from_area": area,
        "to_level": str(above),
        "to_area": area[:prefix] + "0" * (12 - prefix),
    }
