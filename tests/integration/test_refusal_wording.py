"""Refusals a new user met read right: the level, the task, the zone, the
calendar's years; an object's history is its whole trail."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from fanpin_workflow import Actor, VirtualClock, Workflow
from fanpin_workflow.domain.worklist.calendar import CalendarNotCovered
from fanpin_workflow.domain.worklist.task import LateReasonRequired
from fanpin_workflow.errors import InvalidInput, PermissionRefused
from tests.conftest import (
    COUNTY,
    VILLAGE,
    county_reviewer,
    register_cast,
    village_officer,
)
from tests.integration.campaign_builders import at, decide, to_notice
from tests.integration.helpers import snapshot


class CalendarUntil2024:
    """A working-day calendar that knows 2024 only: every weekday works."""

    def is_workday(self, day: dt.date) -> bool:
        """Monday to Friday of 2024."""
        if day.year != 2024:
            raise CalendarNotCovered(day)
        return day.weekday() < 5


def test_a_role_claimed_at_another_level_is_refused_naming_the_level(
    workflow: Workflow,
) -> None:
    """A county reviewer passed as a village actor is told the role's level,
    not offered the very command it was refused."""
    case_id = to_notice(workflow, "hh-1")
    wrong = Actor("reviewer-c1", "county_reviewer", "village", VILLAGE)

    with pytest.raises(PermissionRefused) as refused:
        workflow.approve_at_county(wrong, case_id)

    assert str(refused.value) == (
        "Actor reviewer-c1 as county_reviewer may not approve at county: the "
        "role county_reviewer is held at county level, not village."
    )


def test_a_late_task_is_named_by_its_key_and_read_in_shanghai(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """Completing a preparation task on 10 May without a reason names the task
    and its village and gives the times in Asia/Shanghai."""
    workflow.start_campaign(county_reviewer(), COUNTY)
    task = next(t for t in workflow.tasks(VILLAGE) if t.task_key == "village.01")

    with pytest.raises(LateReasonRequired) as refused:
        workflow.complete_task(village_officer(), task.id)

    assert str(refused.value) == (
        f"Task village.01 of {VILLAGE} ({task.id}) was due before 2024-05-10 "
        "00:00 (Asia/Shanghai); completing it late (now 2024-05-10 09:00) needs "
        "a reason."
    )


def test_an_object_history_is_its_whole_trail(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """history('monitoring_object', id) gives the rows audit_trail(id) gives."""
    case_id = to_notice(workflow, "hh-1")
    decide(workflow, clock, case_id)
    object_id = workflow.get_case(case_id).object_id

    trail = workflow.history("monitoring_object", object_id)

    assert [e.sequence for e in trail] == [
        e.sequence for e in workflow.audit_trail(object_id)
    ]
    assert [e.event for e in trail][-1] == "approve_at_county"
    assert len(trail) == 6


def test_a_working_day_campaign_outside_the_calendar_is_refused(
    backend_url: str,
) -> None:
    """A 2025 working-day campaign on a calendar that knows 2024 only is refused
    when it starts, naming the setting, and writes nothing; 2024 starts."""
    workflow = Workflow.open(
        backend_url,
        clock=VirtualClock(at(2025, 5, 1, 9)),
        calendar=CalendarUntil2024(),
    )
    register_cast(workflow)
    engine = workflow.bind
    assert isinstance(engine, Engine)
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as refused:
        workflow.start_campaign(
            county_reviewer(), COUNTY, settings={"year": 2025, "day_count": "working"}
        )

    assert refused.value.field == "settings.day_count"
    assert "no data for 2025" in refused.value.rule
    assert snapshot(engine) == before
    workflow.close()
