"""Tests of the guards on task work: stage windows, order and late completion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pendulum
import pytest

from fanpin_workflow.domain.worklist import (
    LateReasonRequired,
    PredecessorsNotDone,
    StageNotOpen,
    TaskState,
    check_predecessors_done,
    check_window_open,
    complete,
    end_of_day,
    guangxi_2024,
)
from fanpin_workflow.errors import GuardRefused, InvalidInput, TransitionNotAllowed

SHANGHAI = "Asia/Shanghai"
DEFINITION = guangxi_2024()
DUE_AT = end_of_day(dt.date(2024, 6, 14), SHANGHAI)
ON_TIME = pendulum.datetime(2024, 6, 14, 23, 59, 59, tz=SHANGHAI)
LATE = pendulum.datetime(2024, 6, 15, tz=SHANGHAI)


def refusal(check: Callable[[], None]) -> GuardRefused | None:
    """The refusal a guard raises, or None when it lets the work through."""
    try:
        check()
    except GuardRefused as error:
        return error
    return None


def test_work_before_the_stage_opens_is_refused() -> None:
    """A village can't start investigating on 9 May: the stage opens on 10 May."""
    task = DEFINITION.task("village.04")
    stage = DEFINITION.stage("investigation")
    now = pendulum.datetime(2024, 5, 9, 23, 59, 59, tz=SHANGHAI)

    with pytest.raises(StageNotOpen) as caught:
        check_window_open(task, stage, now)

    assert isinstance(caught.value, GuardRefused)
    assert (caught.value.task_key, caught.value.stage_key) == (
        "village.04",
        "investigation",
    )
    assert caught.value.opens_at == pendulum.datetime(2024, 5, 10, tz=SHANGHAI)
    assert str(caught.value).startswith(
        "Can't work on task village.04 yet: its stage 开展排查阶段 (investigation) "
        "opens at 2024-05-10T00:00:00+08:00"
    )


@pytest.mark.parametrize(
    "now",
    [
        pendulum.datetime(2024, 5, 10, tz=SHANGHAI),
        pendulum.datetime(2024, 5, 9, 16, tz="UTC"),
        pendulum.datetime(2024, 6, 30, tz=SHANGHAI),
    ],
    ids=["opening-midnight", "same-instant-in-utc", "after-close"],
)
def test_work_from_the_opening_midnight_on_is_allowed(
    now: pendulum.DateTime,
) -> None:
    """From 00:00 on 10 May Shanghai time, and after closing, work is allowed."""
    task = DEFINITION.task("village.04")
    stage = DEFINITION.stage("investigation")

    refused = refusal(lambda: check_window_open(task, stage, now))

    assert refused is None


def test_a_stage_without_an_opening_date_is_always_open() -> None:
    """Preparation has no opening date, so its tasks can start any time."""
    task = DEFINITION.task("village.01")
    stage = DEFINITION.stage("preparation")
    now = pendulum.datetime(2024, 1, 2, tz=SHANGHAI)

    refused = refusal(lambda: check_window_open(task, stage, now))

    assert refused is None


def test_the_window_check_refuses_another_tasks_stage() -> None:
    """Checking a task against a stage it is not in is a caller's mistake."""
    task = DEFINITION.task("village.01")
    stage = DEFINITION.stage("investigation")

    with pytest.raises(InvalidInput) as caught:
        check_window_open(task, stage, ON_TIME)

    assert caught.value.field == "stage"


def test_completing_before_predecessors_names_the_missing_ones() -> None:
    """Key households need the township's lists and the grids, both named."""
    task = DEFINITION.task("village.03")
    done: set[str] = set()

    with pytest.raises(PredecessorsNotDone) as caught:
        check_predecessors_done(task, done)

    assert caught.value.missing == ("village.01", "township.03")
    assert str(caught.value) == (
        "Can't complete task village.03 before village.01 and township.03 are done."
    )


def test_one_missing_predecessor_reads_in_the_singular() -> None:
    """With one predecessor left, the refusal names it alone."""
    task = DEFINITION.task("village.03")
    done = {"village.01"}

    with pytest.raises(PredecessorsNotDone) as caught:
        check_predecessors_done(task, done)

    assert str(caught.value) == (
        "Can't complete task village.03 before township.03 is done."
    )


def test_completing_after_predecessors_is_allowed() -> None:
    """Once every predecessor is done, the guard lets the task complete."""
    task = DEFINITION.task("village.03")
    done = frozenset({"village.01", "township.03", "village.02"})

    refused = refusal(lambda: check_predecessors_done(task, done))

    assert refused is None


@pytest.mark.parametrize("state", ["pending", "in_progress"])
def test_completing_on_time_is_done(state: str) -> None:
    """Completed before the due instant, a task is done."""
    now = ON_TIME

    moved = complete(state, DUE_AT, now)

    assert moved == TaskState.DONE


@pytest.mark.parametrize("state", ["pending", "in_progress", "overdue"])
def test_completing_late_with_a_reason_is_done_late(state: str) -> None:
    """Completed from the due instant on, with a reason, a task is done late."""
    now = LATE

    moved = complete(state, DUE_AT, now, "The grid member was in hospital.")

    assert moved == TaskState.DONE_LATE


@pytest.mark.parametrize("reason", [None, "", "   \n"])
def test_completing_late_without_a_reason_is_refused(reason: str | None) -> None:
    """A late completion without a non-blank reason is refused with the times."""
    now = LATE

    with pytest.raises(LateReasonRequired) as caught:
        complete("in_progress", DUE_AT, now, reason, task_key="village.12")

    assert (caught.value.task_key, caught.value.due_at) == ("village.12", DUE_AT)
    assert str(caught.value) == (
        "Task village.12 was due before 2024-06-15 00:00 (Asia/Shanghai); "
        "completing it late (now 2024-06-15 00:00) needs a reason."
    )


def test_an_overdue_task_is_late_even_before_a_moved_due_time() -> None:
    """A task already marked overdue completes late and still needs a reason."""
    now = ON_TIME

    with pytest.raises(LateReasonRequired):
        complete("overdue", DUE_AT, now)


@pytest.mark.parametrize("state", ["done", "done_late", "waived"])
def test_a_finished_task_cannot_be_completed_again(state: str) -> None:
    """Completing a done, late or waived task is refused as a transition."""
    now = LATE

    with pytest.raises(TransitionNotAllowed) as caught:
        complete(state, DUE_AT, now, "again", task_key="village.12")

    assert (caught.value.subject_id, caught.value.state) == ("village.12", state)


def test_a_naive_completion_time_is_refused() -> None:
    """A completion time without a zone is refused rather than read as local."""
    naive = dt.datetime(2024, 6, 14, 12)

    with pytest.raises(InvalidInput) as caught:
        complete("pending", DUE_AT, naive)

    assert caught.value.field == "now"
