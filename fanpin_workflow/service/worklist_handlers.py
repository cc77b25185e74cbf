"""Campaigns and their tasks in a Batch: start, work, and the tasks that
events create (an assistance plan and a measure declaration after each
inclusion, weekly tracking while a developmental measure is missing)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

import pendulum

from fanpin_workflow.domain.approval import START, Level
from fanpin_workflow.domain.clock import local_date
from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.jurisdiction import Actor, check_acts_for
from fanpin_workflow.domain.lifecycle import MONITORED_STATES
from fanpin_workflow.domain.model import (
    AuditEntry,
    MonitoringObject,
    entry_about,
    fire,
    move,
)
from fanpin_workflow.domain.policy.developmental import lacks_developmental_measure
from fanpin_workflow.domain.worklist.calendar import (
    CalendarNotCovered,
    deadline_at,
    end_of_day,
)
from fanpin_workflow.domain.worklist.deadline import EventDeadline, RecurringDeadline
from fanpin_workflow.domain.worklist.definition import (
    CampaignDefinition,
    FollowUp,
    Stage,
    TaskDefinition,
    guangxi_2024,
)
from fanpin_workflow.domain.worklist.records import Campaign, WorkTask
from fanpin_workflow.domain.worklist.settings import CampaignSettings, DayCount
from fanpin_workflow.domain.worklist.task import (
    TASK,
    TASK_MACHINE,
    TaskEvent,
    TaskState,
    check_predecessors_done,
    check_window_open,
    complete,
)
from fanpin_workflow.errors import InvalidInput, NotFound, TransitionNotAllowed
from fanpin_workflow.service import worklist_commands as w

if TYPE_CHECKING:
    from fanpin_workflow.service.handlers import Batch

#: The work-list definitions a campaign can be started with.
DEFINITIONS = {"guangxi_2024": guangxi_2024}

_FINISHED = frozenset({TaskState.DONE, TaskState.DONE_LATE, TaskState.WAIVED})
_PLAN, _DECLARATION, _TRACKING = (
    "village.11.plan",
    "village.11.declaration",
    "village.11.tracking",
)


def definition_of(campaign: Campaign) -> CampaignDefinition:
    """The definition a campaign runs, with the settings it was started with."""
    return _definition(campaign.definition, campaign.settings)


@functools.lru_cache(maxsize=64)
def _definition(name: str, settings: CampaignSettings | None) -> CampaignDefinition:
    base = DEFINITIONS[name]()
    if settings is None or settings == base.settings:
        return base
    return base.with_settings(settings.as_data())


def preload(batch: Batch) -> None:
    """Load the tasks the commands name, and their areas' other tasks."""
    ids = {
        c.task_id
        for c in batch.commands
        if isinstance(c, w.StartTask | w.CompleteTask | w.WaiveTask)
    }
    for task in batch.uow.tasks.get_many(ids).values():
        batch.track_task(task)
    counties = {t.area_code[:6] + "000000" for t in batch.tasks.values()}
    counties |= {
        c.county_code
        for c in batch.commands
        if isinstance(c, w.StartCampaign | w.EndCampaign)
    }
    batch.load_campaigns(counties)


def start_campaign(
    batch: Batch, command: w.StartCampaign, now: pendulum.DateTime
) -> AuditEntry:
    """Create every township's and village's copy of its work list."""
    county = command.county_code
    check_acts_for(command.actor, Level.COUNTY, county, "start campaign")
    if command.definition not in DEFINITIONS:
        raise InvalidInput(
            "definition", command.definition, f"one of {', '.join(DEFINITIONS)}"
        )
    if county in batch.campaigns:
        raise InvalidInput("county_code", county, "a campaign already runs there")
    definition = DEFINITIONS[command.definition]().with_settings(command.settings)
    _check_calendar_covers(batch, definition)
    closes = max(s.closes for s in definition.stages if s.closes is not None)
    if now >= end_of_day(closes, definition.settings.zone):
        year = local_date(now, definition.settings.zone).year
        advice = (
            f"start it with settings={{'year': {year}}} to run it this year"
            if year != definition.settings.year
            else "give a later year in settings"
        )
        raise InvalidInput(
            "definition",
            command.definition,
            f"its last stage closed on {closes.isoformat()}; {advice}",
        )
    campaign = Campaign(
        batch.new_id("campaign"),
        command.definition,
        definition.version,
        county,
        now,
        definition.settings,
    )
    batch.uow.campaigns.add(campaign)
    batch.campaigns[county] = campaign

    areas = batch.uow.registry.within(county[:6], ("township", "village"))
    if not areas:
        raise InvalidInput(
            "county_code", county, "register its townships and villages first"
        )
    for area in areas:
        for task in definition.worklist(Level(area.level)):
            if task.deadline is None or isinstance(task.deadline, EventDeadline):
                continue
            due = _due(batch, task, definition, now)
            batch.follow(
                _create(batch, campaign, task, area.code, due, None, command.actor, now)
            )
    _track_monitored(batch, county, command.actor, now)
    return entry_about(
        "campaign",
        campaign.id,
        "start",
        None,
        "running",
        command.actor,
        now,
        f"{definition.name} {definition.version} for county {county}",
    )


def end_campaign(
    batch: Batch, command: w.EndCampaign, now: pendulum.DateTime
) -> AuditEntry:
    """End the county's running campaign; waive its open tasks with the reason."""
    county = command.county_code
    check_acts_for(command.actor, Level.COUNTY, county, "end campaign")
    campaign = batch.campaigns.get(county)
    if campaign is None:
        raise InvalidInput("county_code", county, "no campaign runs there")

    reason = f"campaign ended: {command.reason}"
    for task in batch.uow.tasks.open_of_campaign(campaign.id):
        batch.track_task(task)
        task = batch.tasks[task.id]
        if task.state in _FINISHED:
            continue
        batch.follow(_fire(batch, task, TaskEvent.WAIVE, command.actor, now, reason))
        task.completed_at = now
        task.reason = reason
    batch.uow.campaigns.end(campaign, now)
    del batch.campaigns[county]
    batch.forget_campaign(county)
    return entry_about(
        "campaign",
        campaign.id,
        "end",
        "running",
        "ended",
        command.actor,
        now,
        command.reason,
    )


def _check_calendar_covers(batch: Batch, definition: CampaignDefinition) -> None:
    """A working-day campaign needs the official calendar of its year."""
    if definition.settings.day_count != DayCount.WORKING:
        return
    year = definition.settings.year
    for day in (dt.date(year, 1, 1), dt.date(year, 12, 31)):
        try:
            batch.calendar.is_workday(day)
        except CalendarNotCovered:
            raise InvalidInput(
                "settings.day_count",
                "working",
                f"the working-day calendar has no data for {day.year}; update "
                "the chinesecalendar package or count this campaign in "
                "calendar days",
            ) from None


def start_task(
    batch: Batch, command: w.StartTask, now: pendulum.DateTime
) -> AuditEntry:
    """Begin work on a task, once its stage has opened."""
    task, definition = _task(
        batch, command.task_id, command.actor, command.expected_version
    )
    check_window_open(
        definition.task(_base(task.task_key)), _stage(definition, task), now
    )
    return _fire(batch, task, TaskEvent.START, command.actor, now, None)


def complete_task(
    batch: Batch, command: w.CompleteTask, now: pendulum.DateTime
) -> AuditEntry:
    """Finish a task: done in time, or late with a reason."""
    task, definition = _task(
        batch, command.task_id, command.actor, command.expected_version
    )
    template = definition.task(_base(task.task_key))
    check_window_open(template, _stage(definition, task), now)
    if task.subject_id is None:
        check_predecessors_done(template, batch.done_keys(task))
    assert task.due_at is not None
    shown = f"{task.task_key} of {task.area_code} ({task.id})"
    after = complete(task.state, task.due_at, now, command.reason, task_key=shown)
    event = (
        TaskEvent.COMPLETE_LATE if after == TaskState.DONE_LATE else TaskEvent.COMPLETE
    )
    entry = _fire(batch, task, event, command.actor, now, command.reason)
    task.completed_at = now
    task.reason = command.reason
    _repeat(batch, task, definition, command.actor, now)
    return entry


def waive_task(
    batch: Batch, command: w.WaiveTask, now: pendulum.DateTime
) -> AuditEntry:
    """Close a task that is not needed here, saying why."""
    task, _ = _task(batch, command.task_id, command.actor, command.expected_version)
    entry = _fire(batch, task, TaskEvent.WAIVE, command.actor, now, command.reason)
    task.completed_at = now
    task.reason = command.reason
    return entry


def on_included(
    batch: Batch, obj: MonitoringObject, actor: Actor, now: pendulum.DateTime
) -> None:
    """After an inclusion: a plan within 5 days, a declaration within 10, and
    weekly tracking if the household lacks a developmental measure."""
    campaign = batch.campaign_for(obj.village_code)
    if campaign is None:
        return
    definition = definition_of(campaign)
    village_task = definition.task("village.11")
    for follow_up in village_task.follow_ups:
        if isinstance(follow_up.deadline, EventDeadline):
            due = _due(batch, follow_up, definition, now)
            batch.follow(
                _create(
                    batch,
                    campaign,
                    follow_up,
                    obj.village_code,
                    due,
                    obj.id,
                    actor,
                    now,
                )
            )
    household = batch.households.get(obj.household_id)
    if household is not None:
        track(batch, household, obj, actor, now)


def _track_monitored(
    batch: Batch, county: str, actor: Actor, now: pendulum.DateTime
) -> None:
    """At the start, the households monitored already (imported or included
    before the campaign) get weekly tracking too, where they need it."""
    monitored = batch.uow.objects.in_states_within(county[:6], MONITORED_STATES)
    batch.load_households({obj.household_id for obj in monitored})
    batch.load_subject_tasks({obj.id for obj in monitored})
    for obj in monitored:
        household = batch.households.get(obj.household_id)
        if household is not None:
            track(batch, household, obj, actor, now)


def track(
    batch: Batch,
    household: Household,
    obj: MonitoringObject,
    actor: Actor,
    now: pendulum.DateTime,
) -> None:
    """Open weekly tracking while a developmental measure is missing; close it
    when one is recorded."""
    campaign = batch.campaign_for(obj.village_code)
    if campaign is None or obj.state not in MONITORED_STATES:
        return
    batch.load_subject_tasks({obj.id})
    tracking = [
        t
        for t in batch.tasks.values()
        if t.subject_id == obj.id
        and t.task_key == _TRACKING
        and t.state not in _FINISHED
    ]
    lacking = lacks_developmental_measure(household, obj.state)
    if lacking and not tracking:
        definition = definition_of(campaign)
        follow_up = _follow_up(definition, _TRACKING)
        due = _due(batch, follow_up, definition, now)
        batch.follow(
            _create(
                batch, campaign, follow_up, obj.village_code, due, obj.id, actor, now
            )
        )
    elif not lacking:
        for task in tracking:
            reason = "developmental measure recorded"
            batch.follow(
                _fire(batch, task, TaskEvent.COMPLETE, actor, now, reason, late_ok=True)
            )
            task.completed_at = now
            task.reason = reason


def _due(
    batch: Batch,
    template: TaskDefinition | FollowUp,
    definition: CampaignDefinition,
    since: pendulum.DateTime,
) -> pendulum.DateTime:
    """When a task made now falls due, counted as its campaign says."""
    return deadline_at(
        template.deadline, definition.settings, since=since, calendar=batch.calendar
    )


def _repeat(
    batch: Batch,
    task: WorkTask,
    definition: CampaignDefinition,
    actor: Actor,
    now: pendulum.DateTime,
) -> None:
    """A recurring task comes back one interval after its due time, while the
    campaign's stages last (tracking: while the measure is still missing)."""
    template = (
        _follow_up(definition, task.task_key)
        if task.subject_id
        else definition.task(task.task_key)
    )
    if not isinstance(template.deadline, RecurringDeadline) or task.due_at is None:
        return
    last = max(s.closes for s in definition.stages if s.closes is not None)
    due = task.due_at.add(days=template.deadline.interval_days)
    if due > end_of_day(last, definition.settings.zone) and task.subject_id is None:
        return
    if task.subject_id is not None:
        obj = batch.objects.get(task.subject_id)
        household = batch.households.get(obj.household_id) if obj else None
        if household is None or obj is None:
            return
        if not lacks_developmental_measure(household, obj.state):
            return
    campaign = next(c for c in batch.campaigns.values() if c.id == task.campaign_id)
    batch.follow(
        _create(
            batch, campaign, template, task.area_code, due, task.subject_id, actor, now
        )
    )


def _create(
    batch: Batch,
    campaign: Campaign,
    template: TaskDefinition | FollowUp,
    area_code: str,
    due: pendulum.DateTime | None,
    subject_id: str | None,
    actor: Actor,
    now: pendulum.DateTime,
) -> AuditEntry:
    key = template.key
    stage = getattr(template, "stage", "assistance")
    level = getattr(template, "level", Level.VILLAGE)
    task = WorkTask(
        id=batch.new_id("task"),
        campaign_id=campaign.id,
        task_key=key,
        stage=stage,
        level=str(level),
        area_code=area_code,
        state=START,
        due_at=due,
        subject_id=subject_id,
        created_at=now,
    )
    batch.add_task(task)
    after = TaskState.PENDING
    move(task, after)
    task.version = 1
    task.updated_at = now
    return entry_about(
        "task",
        task.id,
        "create",
        None,
        after,
        actor,
        now,
        key,
        object_id=subject_id,
        version=TASK.version,
    )


def _fire(
    batch: Batch,
    task: WorkTask,
    event: TaskEvent,
    actor: Actor,
    now: pendulum.DateTime,
    reason: str | None,
    *,
    late_ok: bool = False,
) -> AuditEntry:
    if late_ok and task.state == TaskState.OVERDUE:
        event = TaskEvent.COMPLETE_LATE
    return fire(
        TASK_MACHINE,
        "task",
        task.id,
        task,
        event,
        actor,
        now,
        reason,
        object_id=task.subject_id,
    )


def _task(
    batch: Batch, task_id: str, actor: Actor, expected: int | None
) -> tuple[WorkTask, CampaignDefinition]:
    task = batch.tasks.get(task_id)
    if task is None:
        raise NotFound("task", task_id)
    check_acts_for(
        actor, Level(task.level), task.area_code, f"work on task {task.task_key}"
    )
    batch.check_version("task", task.id, task.version, expected)
    campaign = batch.campaign_for(task.area_code)
    if campaign is None or campaign.id != task.campaign_id:
        raise TransitionNotAllowed("work_task", task.id, "work", "a closed campaign")
    return task, definition_of(campaign)


def _base(key: str) -> str:
    """The work-list task a household task belongs to: village.11.plan → village.11."""
    return ".".join(key.split(".")[:2])


def _stage(definition: CampaignDefinition, task: WorkTask) -> Stage:
    return definition.stage(definition.task(_base(task.task_key)).stage)


def _follow_up(definition: CampaignDefinition, key: str) -> FollowUp:
    base = definition.task(_base(key))
    return next(f for f in base.follow_ups if f.key == key)
