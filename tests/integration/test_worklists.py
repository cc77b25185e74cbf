"""Campaign work lists: task copies, guards, event-driven tasks, the overdue
sweep (once, however run) and progress at any time, on every backend."""

from __future__ import annotations

import multiprocessing

import pendulum
import pytest
from sqlalchemy import Engine, func, select

from fanpin_workflow import VirtualClock, Workflow
from fanpin_workflow.adapters.tables import escalations
from fanpin_workflow.domain.worklist.deadline import EventDeadline
from fanpin_workflow.domain.worklist.definition import guangxi_2024
from fanpin_workflow.domain.worklist.task import LateReasonRequired, PredecessorsNotDone
from fanpin_workflow.errors import InvalidInput
from tests.conftest import (
    COUNTY,
    VILLAGE,
    county_reviewer,
    village_leader,
    village_officer,
)
from tests.integration.helpers import (
    case_at_county,
    determine,
    snapshot,
)
from tests.integration.test_households_storage import record

SHANGHAI = "Asia/Shanghai"


def _start(workflow: Workflow) -> None:
    workflow.start_campaign(county_reviewer(), COUNTY)


def _task(workflow: Workflow, area: str, key: str) -> str:
    return next(
        t.id for t in workflow.tasks(area) if t.task_key == key and t.area_code == area
    )


def test_a_campaign_gives_every_area_its_list(workflow: Workflow) -> None:
    """Each registered township and village gets the 12 tasks of its list."""
    definition = guangxi_2024()
    per_level = {
        level: len(
            [
                t
                for t in definition.worklist(level)
                if not isinstance(t.deadline, EventDeadline)
            ]
        )
        for level in ("township", "village")
    }

    _start(workflow)

    tasks = workflow.tasks(COUNTY[:6])
    assert per_level == {"township": 12, "village": 12}
    assert len([t for t in tasks if t.level == "township"]) == 2 * 12
    assert len([t for t in tasks if t.level == "village"]) == 3 * 12
    grids = next(
        t for t in tasks if t.task_key == "village.01" and t.area_code == VILLAGE
    )
    assert grids.due_at == pendulum.datetime(2024, 5, 10, tz=SHANGHAI)


def test_order_and_lateness_guards(workflow: Workflow, engine: Engine) -> None:
    """A task waits for its predecessors; after its due time it needs a reason."""
    _start(workflow)
    leader = village_leader()
    key_households = _task(workflow, VILLAGE, "village.03")
    grids = _task(workflow, VILLAGE, "village.01")
    before = snapshot(engine)

    with pytest.raises(PredecessorsNotDone, match=r"village\.01 and township\.03"):
        workflow.complete_task(leader, key_households)
    with pytest.raises(LateReasonRequired):
        workflow.complete_task(leader, grids)

    assert snapshot(engine) == before
    workflow.complete_task(leader, grids, reason="grid leaders named a day late")
    assert (
        next(t for t in workflow.tasks(VILLAGE) if t.id == grids).state == "done_late"
    )


def test_inclusion_creates_plan_and_declaration_tasks(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """Determining an inclusion creates a plan due in 5 days and a declaration
    in 10; a household without a developmental measure is tracked weekly."""
    _start(workflow)
    workflow.register_household(village_officer(), record("hh-1", 1, measures=[]))
    case_id = case_at_county(workflow, clock, household="hh-1")

    determine(workflow, case_id)

    decided = clock.now()
    object_id = workflow.get_case(case_id).object_id
    household_tasks = {
        t.task_key: t.due_at
        for t in workflow.tasks(VILLAGE)
        if t.subject_id == object_id
    }
    assert household_tasks == {
        "village.11.plan": decided.add(days=6).start_of("day"),
        "village.11.declaration": decided.add(days=11).start_of("day"),
        "village.11.tracking": decided.add(days=8).start_of("day"),
    }


def test_sweep_escalates_each_overdue_task_once(
    workflow: Workflow, engine: Engine
) -> None:
    """Running the sweep twice marks and escalates each past-due task once."""
    _start(workflow)
    due = [t for t in workflow.tasks(COUNTY[:6]) if t.due_at <= workflow.clock.now()]

    first = workflow.sweep_overdue()
    second = workflow.sweep_overdue()

    assert first.tasks_marked == len(due) > 0
    assert second.tasks_marked == 0
    assert _escalation_count(engine) == len(due)
    assert {
        t.state for t in workflow.tasks(COUNTY[:6]) if t.id in {d.id for d in due}
    } == {"overdue"}


def _sweep_in_process(url: str, barrier: object, results: object) -> None:
    clock = VirtualClock(pendulum.datetime(2024, 5, 20, 9, tz=SHANGHAI))
    workflow = Workflow.open(url, clock=clock)
    barrier.wait()  # type: ignore[attr-defined]
    report = workflow.sweep_overdue()
    results.put(report.tasks_marked)  # type: ignore[attr-defined]
    workflow.close()


def test_two_processes_sweeping_at_once_escalate_once(
    workflow: Workflow, engine: Engine, backend_url: str
) -> None:
    """Two processes sweeping together escalate each overdue task exactly once."""
    _start(workflow)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    processes = [
        context.Process(target=_sweep_in_process, args=(backend_url, barrier, results))
        for _ in range(2)
    ]

    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)

    marked = sorted(results.get(timeout=5) for _ in processes)
    overdue = [t for t in workflow.tasks(COUNTY[:6]) if t.state == "overdue"]
    assert marked[0] == 0 and marked[1] == len(overdue) > 0
    assert _escalation_count(engine) == len(overdue)


def test_progress_at_a_past_time_and_now(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """Progress counts tasks as they stood then: open before, done after."""
    _start(workflow)
    started = clock.now()
    grids = _task(workflow, VILLAGE, "village.01")
    clock.advance(hours=2)
    workflow.complete_task(village_leader(), grids, reason="late by a day")

    then = workflow.progress(VILLAGE, at=started.add(hours=1))
    now = workflow.progress(VILLAGE)

    assert then.by_status["done_late"] == 0
    assert now.by_status["done_late"] == 1
    assert sum(then.by_status.values()) == sum(now.by_status.values()) == 12
    assert then.by_stage["preparation"]["overdue"] == 3
    with pytest.raises(InvalidInput):
        workflow.progress("4501")


def test_tracking_ends_when_a_measure_is_recorded(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """Recording a developmental measure closes the household's weekly tracking."""
    _start(workflow)
    workflow.register_household(village_officer(), record("hh-1", 1, measures=[]))
    case_id = case_at_county(workflow, clock, household="hh-1")
    determine(workflow, case_id)

    workflow.register_household(
        village_officer(), record("hh-1", 1, measures=["employment"])
    )

    object_id = workflow.get_case(case_id).object_id
    tracking = [
        t
        for t in workflow.tasks(VILLAGE)
        if t.subject_id == object_id and t.task_key == "village.11.tracking"
    ]
    assert [(t.state, t.reason) for t in tracking] == [
        ("done", "developmental measure recorded")
    ]


def _escalation_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count()).select_from(escalations)
            ).scalar_one()
        )
