"""The state of one copy of a task, and the guards on working on it.

Nothing moves a task by itself: a sweep that finds it past due fires
`mark_overdue`, and an overdue task can still be done late or waived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from enum import StrEnum

import pendulum

from fanpin_workflow.domain.clock import CAMPAIGN_ZONE, in_zone
from fanpin_workflow.domain.machine import Definition, StateMachine, Transition
from fanpin_workflow.domain.values import check_free_text, check_time
from fanpin_workflow.domain.worklist.calendar import start_of_day
from fanpin_workflow.domain.worklist.definition import Stage, TaskDefinition
from fanpin_workflow.errors import GuardRefused, InvalidInput, TransitionNotAllowed


class TaskState(StrEnum):
    """Where one copy of a task stands."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DONE_LATE = "done_late"
    WAIVED = "waived"
    OVERDUE = "overdue"


class TaskEvent(StrEnum):
    """What can happen to a task."""

    START = "start"
    COMPLETE = "complete"
    COMPLETE_LATE = "complete_late"
    MARK_OVERDUE = "mark_overdue"
    WAIVE = "waive"


_S = TaskState
_E = TaskEvent

TASK = Definition(
    name="work_task",
    version="2024.1",
    states=tuple(_S),
    transitions=(
        Transition(_E.START, (_S.PENDING,), _S.IN_PROGRESS),
        Transition(_E.COMPLETE, (_S.PENDING, _S.IN_PROGRESS), _S.DONE),
        Transition(
            _E.COMPLETE_LATE, (_S.PENDING, _S.IN_PROGRESS, _S.OVERDUE), _S.DONE_LATE
        ),
        Transition(_E.MARK_OVERDUE, (_S.PENDING, _S.IN_PROGRESS), _S.OVERDUE),
        Transition(_E.WAIVE, (_S.PENDING, _S.IN_PROGRESS, _S.OVERDUE), _S.WAIVED),
    ),
    final_states=frozenset({_S.DONE, _S.DONE_LATE, _S.WAIVED}),
)

TASK_MACHINE = StateMachine(TASK)


class StageNotOpen(GuardRefused):
    """Work was started on a task whose stage has not opened yet."""

    def __init__(
        self, task_key: str, stage: Stage, opens_at: dt.datetime, now: dt.datetime
    ) -> None:
        self.task_key = task_key
        self.stage_key = stage.key
        self.opens_at = opens_at
        self.now = now
        super().__init__(
            f"Can't work on task {task_key} yet: its stage {stage.title_zh} "
            f"({stage.title_en.lower()}) opens at {opens_at.isoformat()} "
            f"(now {now.isoformat()})."
        )


class PredecessorsNotDone(GuardRefused):
    """A task was completed before the tasks it waits for."""

    def __init__(self, task_key: str, missing: tuple[str, ...]) -> None:
        self.task_key = task_key
        self.missing = missing
        super().__init__(
            f"Can't complete task {task_key} before {_listed(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} done."
        )


class LateReasonRequired(GuardRefused):
    """A task was completed after its due time without a reason."""

    def __init__(self, task_key: str, due_at: dt.datetime, now: dt.datetime) -> None:
        self.task_key = task_key
        self.due_at = due_at
        self.now = now
        due = in_zone(pendulum.instance(due_at))
        super().__init__(
            f"Task {task_key} was due before {due.format('YYYY-MM-DD HH:mm')} "
            f"({due.timezone_name}); completing it late (now "
            f"{in_zone(pendulum.instance(now)).format('YYYY-MM-DD HH:mm')}) "
            "needs a reason."
        )


def _listed(keys: tuple[str, ...]) -> str:
    if len(keys) == 1:
        return keys[0]
    return f"{', '.join(keys[:-1])} and {keys[-1]}"


def check_window_open(
    task: TaskDefinition, stage: Stage, now: dt.datetime, zone: str = CAMPAIGN_ZONE
) -> None:
    """Refuse work on a task whose stage opens after `now`.

    A stage opens at 00:00 of its first day in the campaign zone. Work after
    the stage closes is allowed: it is late, not refused.

    Raises:
        InvalidInput: `stage` is not the task's stage, or `now` is not aware.
        StageNotOpen: the stage has not opened yet.
    """
    if stage.key != task.stage:
        raise InvalidInput(
            "stage", stage.key, f"task {task.key} belongs to stage {task.stage!r}"
        )
    instant = check_time("now", now)
    if stage.opens is None:
        return

    opens_at = start_of_day(stage.opens, zone)
    if instant < opens_at:
        raise StageNotOpen(task.key, stage, opens_at, in_zone(instant, zone))


def check_predecessors_done(task: TaskDefinition, done_keys: Collection[str]) -> None:
    """Refuse completing a task before the tasks it waits for are done.

    `done_keys` are the tasks done or waived on the copies this one sees: a
    village's own list and its township's.

    Raises:
        PredecessorsNotDone: naming every task still to be done, in order.
    """
    missing = tuple(key for key in task.after if key not in done_keys)
    if missing:
        raise PredecessorsNotDone(task.key, missing)


def complete(
    task_state: str,
    due_at: dt.datetime,
    now: dt.datetime,
    reason: str | None = None,
    *,
    task_key: str = "task",
) -> TaskState:
    """The state a task moves to when completed at `now`.

    Done if `now` is before `due_at`; done late otherwise, or if the task
    was already marked overdue, and then only with a non-blank reason.

    Raises:
        TransitionNotAllowed: the task is already done or waived.
        LateReasonRequired: a late completion came without a reason.
        InvalidInput: a time is not aware, or the reason is too long.
    """
    instant = check_time("now", now)
    due = check_time("due_at", due_at)
    late = instant >= due or task_state == TaskState.OVERDUE
    event = TaskEvent.COMPLETE_LATE if late else TaskEvent.COMPLETE
    if not TASK_MACHINE.can_fire(task_state, event):
        raise TransitionNotAllowed(TASK.name, task_key, event, task_state)

    if late:
        if reason is None or not reason.strip():
            raise LateReasonRequired(task_key, due, instant)
        check_free_text("reason", reason)

    return TaskState(TASK_MACHINE.fire(task_key, task_state, event))
