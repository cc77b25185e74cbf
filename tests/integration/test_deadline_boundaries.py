"""Stage openings and due dates at their edges, through the database, in
whatever zone the process runs; the sweep across a restart."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from fanpin_workflow import Actor, VirtualClock, Workflow
from fanpin_workflow.domain.worklist.task import StageNotOpen
from tests.conftest import (
    COUNTY,
    NEIGHBOUR_VILLAGE,
    OTHER_TOWNSHIP,
    OTHER_TOWNSHIP_VILLAGE,
    TOWNSHIP,
    VILLAGE,
    county_reviewer,
    register_cast,
    township_reviewer,
    village_leader,
    village_officer,
)
from tests.integration.campaign_builders import at, escalation_rows
from tests.integration.helpers import audit_count, security_rows, snapshot
from tests.unit.worklist.test_guangxi_2024 import SOURCE

#: The areas the test cast registers in COUNTY, each with its own list.
AREAS = {
    "township": (TOWNSHIP, OTHER_TOWNSHIP),
    "village": (VILLAGE, NEIGHBOUR_VILLAGE, OTHER_TOWNSHIP_VILLAGE),
}


def _keys(stage: str, level: str) -> list[str]:
    """The source's tasks of one stage on one level's list."""
    return [
        key
        for key, (_, (stage_key, _, _)) in SOURCE.items()
        if stage_key == stage and key.startswith(level)
    ]


def _copies(stage: str) -> int:
    """How many task copies of a stage the county's areas hold."""
    return sum(len(_keys(stage, level)) * len(AREAS[level]) for level in AREAS)


def _task(workflow: Workflow, area: str, key: str) -> str:
    return next(
        t.id for t in workflow.tasks(area) if t.task_key == key and t.area_code == area
    )


@pytest.fixture
def early_clock() -> VirtualClock:
    """The last microsecond before the investigation stage opens."""
    return VirtualClock(at(2024, 5, 9, 23, 59, 59, 999999))


@pytest.fixture
def early_workflow(backend_url: str, early_clock: VirtualClock) -> Iterator[Workflow]:
    """A workflow whose campaign started before the investigation opened."""
    opened = Workflow.open(backend_url, clock=early_clock)
    register_cast(opened)
    opened.start_campaign(county_reviewer(), COUNTY)
    yield opened
    opened.close()


@pytest.mark.parametrize(
    ("area", "key", "actor", "command"),
    [
        (TOWNSHIP, "township.04", township_reviewer(), "start_task"),
        (TOWNSHIP, "township.04", township_reviewer(), "complete_task"),
        (VILLAGE, "village.04", village_leader(), "start_task"),
        (VILLAGE, "village.04", village_leader(), "complete_task"),
    ],
)
def test_work_before_the_stage_opens_writes_nothing(
    early_workflow: Workflow,
    early_clock: VirtualClock,
    area: str,
    key: str,
    actor: Actor,
    command: str,
) -> None:
    """At 23:59:59.999999 on 9 May an investigation task is refused with
    StageNotOpen and nothing is written; at 00:00 on 10 May it may start."""
    engine = early_workflow.bind
    assert isinstance(engine, Engine)
    task_id = _task(early_workflow, area, key)
    before, logged = snapshot(engine), security_rows(engine)

    with pytest.raises(StageNotOpen) as refused:
        getattr(early_workflow, command)(actor, task_id)

    assert (refused.value.task_key, refused.value.stage_key) == (key, "investigation")
    assert refused.value.opens_at == at(2024, 5, 10)
    assert snapshot(engine) == before
    assert security_rows(engine) == logged
    early_clock.set(at(2024, 5, 10))
    early_workflow.start_task(actor, task_id)
    assert early_workflow.get_task(task_id).state == "in_progress"


@pytest.fixture(params=["UTC", "America/New_York"])
def process_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test with the process's local zone set to another zone."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if previous is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = previous
    time.tzset()


@pytest.fixture
def zoned_workflow(
    process_zone: str, backend_url: str, clock: VirtualClock
) -> Iterator[Workflow]:
    """A workflow opened (and its campaign started) in the process zone."""
    opened = Workflow.open(backend_url, clock=clock)
    register_cast(opened)
    opened.start_campaign(county_reviewer(), COUNTY)
    yield opened
    opened.close()


def test_a_date_deadline_ends_at_midnight_in_shanghai(
    zoned_workflow: Workflow, clock: VirtualClock, process_zone: str
) -> None:
    """A task due on 10 June is not overdue at 23:59:59.999999 that day in
    Asia/Shanghai and is overdue at 00:00:00 on 11 June, whatever the process
    zone, in the sweep and in progress."""
    workflow = zoned_workflow
    engine = workflow.bind
    assert isinstance(engine, Engine)
    assert (
        time.strftime("%Z", time.localtime(0))
        == {
            "UTC": "UTC",
            "America/New_York": "EST",
        }[process_zone]
    )
    last = at(2024, 6, 10, 23, 59, 59, 999999)
    midnight = at(2024, 6, 11)
    target = _task(workflow, VILLAGE, "village.04")
    # village.11 recurs weekly from the campaign's start on 10 May.
    weekly = len(AREAS["village"])

    clock.set(last)
    before = workflow.sweep_overdue()
    still_open = workflow.get_task(target).state
    clock.set(midnight)
    after = workflow.sweep_overdue()

    assert (before.tasks_marked, after.tasks_marked) == (
        _copies("preparation") + weekly,
        _copies("investigation"),
    )
    assert (still_open, workflow.get_task(target).state) == ("pending", "overdue")
    assert [row for row in escalation_rows(engine, "task") if row[0] == target] == [
        (target, midnight, VILLAGE, "township", TOWNSHIP)
    ]
    village_overdue = {
        moment: workflow.progress(VILLAGE, at=moment).by_status["overdue"]
        for moment in (last, midnight)
    }
    assert village_overdue == {
        last: len(_keys("preparation", "village")) + 1,
        midnight: len(_keys("preparation", "village"))
        + 1
        + len(_keys("investigation", "village")),
    }


def test_the_sweep_after_a_restart_escalates_nothing_again(
    workflow: Workflow, clock: VirtualClock, backend_url: str
) -> None:
    """A sweep by a new Workflow on the same database, after the first one
    closed, finds every past-due task and question already escalated."""
    workflow.start_campaign(county_reviewer(), COUNTY)
    workflow.raise_question(village_officer(), VILLAGE, "Who signs form 2-4?")
    clock.set(at(2024, 5, 20, 9))
    first = workflow.sweep_overdue()
    engine = workflow.bind
    assert isinstance(engine, Engine)
    escalated, rows = escalation_rows(engine, "task"), audit_count(engine)
    questions = escalation_rows(engine, "question")
    workflow.close()

    restarted = Workflow.open(backend_url, clock=VirtualClock(at(2024, 5, 20, 10)))
    again = restarted.sweep_overdue()

    # Preparation closed on 9 May; the first weekly tracking fell due by the
    # end of 17 May in each village.
    expected = _copies("preparation") + len(AREAS["village"])
    assert (first.tasks_marked, first.questions_escalated) == (expected, 1)
    assert len(escalated) == expected == len({row[0] for row in escalated})
    assert (again.tasks_marked, again.questions_escalated, again.cases_escalated) == (
        0,
        0,
        0,
    )
    reopened = restarted.bind
    assert isinstance(reopened, Engine)
    assert escalation_rows(reopened, "task") == escalated
    assert escalation_rows(reopened, "question") == questions
    assert len(questions) == 1
    assert audit_count(reopened) == rows
    overdue = [t for t in restarted.tasks(COUNTY[:6]) if t.state == "overdue"]
    assert len(overdue) == expected
    restarted.close()
