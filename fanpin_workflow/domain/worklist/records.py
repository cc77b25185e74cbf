"""Campaigns started for a county, and the copies of tasks they create."""

from __future__ import annotations

from enum import StrEnum

import attrs
import pendulum

from fanpin_workflow.domain.model import GuardedState
from fanpin_workflow.domain.worklist.settings import CampaignSettings
from fanpin_workflow.domain.worklist.task import TaskState


@attrs.frozen
class Campaign:
    """A work-list definition running for one county from a start."""

    id: str
    definition: str
    version: str
    county_code: str
    started_at: pendulum.DateTime
    #: The settings it runs with; None: its definition's own.
    settings: CampaignSettings | None = None
    #: When the county ended it; None while it runs.
    ended_at: pendulum.DateTime | None = None


@attrs.define(eq=False)
class WorkTask:
    """One township's, village's or household's copy of a task."""

    id: str
    campaign_id: str
    task_key: str
    stage: str
    level: str
    area_code: str
    _state: str
    due_at: pendulum.DateTime | None = None
    subject_id: str | None = None
    created_at: pendulum.DateTime | None = None
    completed_at: pendulum.DateTime | None = None
    reason: str | None = None
    version: int = 0
    updated_at: pendulum.DateTime | None = None

    state = GuardedState("work task")


class Progress(StrEnum):
    """How a task stands at a given time."""

    DONE = "done"
    DONE_LATE = "done_late"
    WAIVED = "waived"
    OVERDUE = "overdue"
    OPEN = "open"


def progress_at(task: WorkTask, at: pendulum.DateTime) -> Progress | None:
    """How the task stood at `at`, or None if it did not exist yet.

    A task completed by `at` counts as done, done late or waived as it
    ended; one not completed by then is overdue once its due time has come,
    and open before.
    """
    if task.created_at is not None and task.created_at > at:
        return None
    if task.completed_at is not None and task.completed_at <= at:
        if task.state == TaskState.WAIVED:
            return Progress.WAIVED
        late = task.state == TaskState.DONE_LATE
        return Progress.DONE_LATE if late else Progress.DONE
    if task.due_at is not None and task.due_at <= at:
        return Progress.OVERDUE
    return Progress.OPEN
