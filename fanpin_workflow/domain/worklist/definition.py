"""A campaign's work lists (工作清单) as data: stages, tasks and their order.

Each township and each village gets its own copy of its list. A village task
may wait for a task of its township (there is exactly one); a township task
never waits for a village task, since it would have to wait for every copy.
"""

from __future__ import annotations

import datetime as dt
import functools
import graphlib
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

import attrs

from fanpin_workflow.domain.access import PERMISSIONS, ROLES, Role
from fanpin_workflow.domain.approval import Level
from fanpin_workflow.domain.worklist import parsing
from fanpin_workflow.domain.worklist.deadline import (
    EVENTS,
    DateDeadline,
    Deadline,
    EventDeadline,
    read_deadline,
)
from fanpin_workflow.domain.worklist.settings import CampaignSettings, read_settings
from fanpin_workflow.errors import DefinitionError, InvalidInput, NotFound

#: The work lists: one per township, one per village.
WORKLISTS = (Level.TOWNSHIP, Level.VILLAGE)


@attrs.frozen
class Stage:
    """A stage of the campaign and its window, both ends inclusive.

    A missing `opens` means open from the start of the campaign; a stage
    with neither end is rolling and its tasks run on relative deadlines.
    """

    key: str
    title_zh: str
    title_en: str
    opens: dt.date | None
    closes: dt.date | None
    window_zh: str = ""
    worklists: tuple[Level, ...] = WORKLISTS

    @property
    def is_rolling(self) -> bool:
        """Whether the stage has no fixed window at all."""
        return self.opens is None and self.closes is None

    def contains(self, day: dt.date) -> bool:
        """Whether `day` lies inside the window."""
        return (self.opens is None or self.opens <= day) and (
            self.closes is None or day <= self.closes
        )

    def describe_window(self) -> str:
        """The window in words, for messages."""
        if self.is_rolling:
            return "rolling, no fixed dates"
        since = self.opens.isoformat() if self.opens else "the start"
        until = self.closes.isoformat() if self.closes else "the end"
        return f"{since} to {until}"


@attrs.frozen
class FollowUp:
    """A per-household task that an event creates under a stage task."""

    key: str
    title_zh: str
    title_en: str
    deadline: Deadline


@attrs.frozen
class TaskDefinition:
    """One task (工作任务) of a work list.

    `after` holds the keys of the tasks that must be done before this one
    can be completed.
    """

    key: str
    worklist: Level
    number: int
    title_zh: str
    title_en: str
    stage: str
    level: Level
    role: Role
    deadline: Deadline
    after: tuple[str, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    note: str = ""


@attrs.frozen
class CampaignDefinition:
    """A campaign's settings, stages and tasks, checked when built.

    Raises:
        DefinitionError: naming the stage or task that is wrong.
    """

    name: str
    version: str
    settings: CampaignSettings
    stages: tuple[Stage, ...]
    tasks: tuple[TaskDefinition, ...]
    notes: tuple[str, ...] = ()
    source: Mapping[str, Any] | None = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        _check_stages(self.stages, self.settings.year)
        stages = {stage.key: stage for stage in self.stages}
        tasks: dict[str, TaskDefinition] = {}
        for task in self.tasks:
            if task.key in tasks:
                raise DefinitionError(f"task {task.key}: duplicate key")
            tasks[task.key] = task
        for task in self.tasks:
            _check_task(task, stages, tasks)
        _check_order(self.tasks)

    def with_settings(self, changes: Mapping[str, Any]) -> CampaignDefinition:
        """This definition with some settings changed, checked as a whole.

        A new `year` moves every stage date and due date to that year, day
        and month kept; the other settings replace the definition's own.

        Raises:
            InvalidInput: a setting is unknown or breaks its rule, or the
                definition no longer holds together with it.
        """
        if not isinstance(changes, Mapping):
            raise InvalidInput(
                "settings", type(changes).__name__, "must be an object of settings"
            )
        if not changes:
            return self
        if self.source is None:
            raise InvalidInput(
                "settings", dict(changes), "this definition was not read from data"
            )

        current = self.settings.as_data()
        merged = read_settings({**current, **changes})
        data = dict(self.source)
        data["settings"] = merged.as_data()
        if merged.year != self.settings.year:
            data = _moved_to_year(data, merged.year)
        try:
            return load_definition(data)
        except DefinitionError as error:
            raise InvalidInput("settings", dict(changes), str(error)) from None

    def stage(self, key: str) -> Stage:
        """The stage named `key`.

        Raises:
            NotFound: the campaign has no such stage.
        """
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise NotFound("stage", key)

    def task(self, key: str) -> TaskDefinition:
        """The task named `key`.

        Raises:
            NotFound: the campaign has no such task.
        """
        for task in self.tasks:
            if task.key == key:
                return task
        raise NotFound("task", key)

    def worklist(self, level: Level) -> tuple[TaskDefinition, ...]:
        """The tasks of one work list, in list order."""
        return tuple(task for task in self.tasks if task.worklist == level)

    def in_order(self) -> tuple[str, ...]:
        """Every task key, each after the tasks it waits for."""
        graph = {task.key: task.after for task in self.tasks}
        return tuple(graphlib.TopologicalSorter(graph).static_order())


def _check_stages(stages: tuple[Stage, ...], year: int) -> None:
    seen: set[str] = set()
    for stage in stages:
        place = f"stage {stage.key}"
        if stage.key in seen:
            raise DefinitionError(f"{place}: duplicate key")
        seen.add(stage.key)
        if stage.opens and stage.closes and stage.opens > stage.closes:
            raise DefinitionError(
                f"{place}: opens {stage.opens} after it closes {stage.closes}"
            )
        for day in (stage.opens, stage.closes):
            if day is not None and day.year != year:
                raise DefinitionError(
                    f"{place}: {day} lies outside the campaign year {year}"
                )
        for level in stage.worklists:
            if level not in WORKLISTS:
                raise DefinitionError(f"{place}: there is no {level} work list")


def _check_task(
    task: TaskDefinition, stages: dict[str, Stage], tasks: dict[str, TaskDefinition]
) -> None:
    place = f"task {task.key}"
    for name, level in (("work list", task.worklist), ("level", task.level)):
        if level not in WORKLISTS:
            raise DefinitionError(f"{place}: there is no {level} {name}")
    expected = f"{task.worklist}.{task.number:02d}"
    if task.key != expected:
        raise DefinitionError(f"{place}: key must be {expected!r}")

    stage = stages.get(task.stage)
    if stage is None:
        raise DefinitionError(f"{place}: unknown stage {task.stage!r}")
    if task.worklist not in stage.worklists:
        raise DefinitionError(
            f"{place}: stage {stage.key!r} has no {task.worklist} tasks"
        )

    info = ROLES[task.role]
    if info.level != task.level or task.role not in PERMISSIONS["complete_task"]:
        raise DefinitionError(
            f"{place}: role {task.role.value!r} can't answer for a {task.level} "
            "task: the permission table lets it complete no task at that level"
        )

    _check_deadline(place, task.deadline, stage)
    follow_up_keys = [follow_up.key for follow_up in task.follow_ups]
    for follow_up in task.follow_ups:
        if follow_up_keys.count(follow_up.key) > 1:
            raise DefinitionError(f"follow-up {follow_up.key}: duplicate key")
        if not follow_up.key.startswith(f"{task.key}."):
            raise DefinitionError(
                f"{place}: follow-up key {follow_up.key!r} must start with "
                f"{task.key + '.'!r}"
            )
        _check_deadline(f"follow-up {follow_up.key}", follow_up.deadline, stage)

    for key in task.after:
        before = tasks.get(key)
        if before is None:
            raise DefinitionError(f"{place}: after names unknown task {key!r}")
        if task.worklist == Level.TOWNSHIP and before.worklist != Level.TOWNSHIP:
            raise DefinitionError(
                f"{place}: a township task can't wait for {key}, a task that "
                "every village does on its own copy"
            )


def _check_deadline(place: str, deadline: Deadline, stage: Stage) -> None:
    if isinstance(deadline, DateDeadline):
        if stage.is_rolling:
            raise DefinitionError(
                f"{place}: stage {stage.key!r} is rolling, so its deadlines "
                "count from an event or recur; it has no due date"
            )
        if not stage.contains(deadline.due):
            raise DefinitionError(
                f"{place}: due {deadline.due} lies outside stage {stage.key!r} "
                f"({stage.describe_window()})"
            )
    elif isinstance(deadline, EventDeadline) and deadline.event not in EVENTS:
        raise DefinitionError(
            f"{place}: deadline counts from unknown event {deadline.event!r} "
            f"(known: {', '.join(sorted(EVENTS))})"
        )


def _check_order(tasks: tuple[TaskDefinition, ...]) -> None:
    graph = {task.key: task.after for task in tasks}
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        # graphlib lists the cycle so that each key comes before the next.
        cycle = " → ".join(error.args[1])
        raise DefinitionError(
            f"task order has a cycle: {cycle} (→ reads 'must be done before')"
        ) from None


def load_definition(data: Mapping[str, Any]) -> CampaignDefinition:
    """Build a campaign definition from parsed JSON.

    Raises:
        DefinitionError: naming the place of the first problem found.
    """
    top = parsing.fields(
        "definition",
        data,
        ("name", "version", "settings", "stages", "tasks"),
        ("notes",),
    )
    settings = _settings(top["settings"])
    stages = parsing.items("definition", "stages", top["stages"])
    tasks = parsing.items("definition", "tasks", top["tasks"])

    return CampaignDefinition(
        source=data,
        name=parsing.text("definition", "name", top["name"]),
        version=parsing.text("definition", "version", top["version"]),
        settings=settings,
        stages=tuple(
            _stage(_place("stage", i, raw), raw) for i, raw in enumerate(stages)
        ),
        tasks=tuple(
            _task(_place("task", i, raw), raw, settings) for i, raw in enumerate(tasks)
        ),
        notes=parsing.strings("definition", "notes", top.get("notes", [])),
    )


@functools.cache
def guangxi_2024() -> CampaignDefinition:
    """The 2024 Guangxi concentrated-investigation campaign, as shipped."""
    shipped = resources.files("fanpin_workflow.domain.worklist").joinpath(
        "data", "guangxi_2024.json"
    )
    return load_definition(json.loads(shipped.read_text(encoding="utf-8")))


def _moved_to_year(data: dict[str, Any], year: int) -> dict[str, Any]:
    """The definition's data with every date string moved to `year`."""

    def moved(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        try:
            return day.replace(year=year).isoformat()
        except ValueError:
            raise InvalidInput(
                "settings.year", year, f"{value} has no day in {year}"
            ) from None

    stages = [
        {
            **stage,
            "opens": moved(stage.get("opens")),
            "closes": moved(stage.get("closes")),
        }
        if isinstance(stage, Mapping)
        else stage
        for stage in data.get("stages", [])
    ]
    tasks = []
    for task in data.get("tasks", []):
        deadline = task.get("deadline") if isinstance(task, Mapping) else None
        if isinstance(deadline, Mapping) and deadline.get("kind") == "date":
            task = {**task, "deadline": {**deadline, "due": moved(deadline.get("due"))}}
        tasks.append(task)
    return {**data, "stages": stages, "tasks": tasks}


def _place(kind: str, index: int, raw: Any) -> str:
    key = raw.get("key") if isinstance(raw, Mapping) else None
    return f"{kind} {key}" if isinstance(key, str) else f"{kind} #{index + 1}"


def _settings(raw: Any) -> CampaignSettings:
    place = "settings"
    if not isinstance(raw, Mapping):
        raise DefinitionError(f"{place}: must be an object, not {type(raw).__name__}")
    values = dict(raw)
    if "monitoring_line" in values:
        # A float in a file would round the line; it must be written as text.
        values["monitoring_line"] = parsing.amount(
            place, "monitoring_line", values["monitoring_line"]
        )
    try:
        return read_settings(values, field="")
    except InvalidInput as error:
        raise DefinitionError(f"{place}: {error}") from None


def _stage(place: str, raw: Any) -> Stage:
    found = parsing.fields(
        place,
        raw,
        ("key", "title_zh", "title_en", "opens", "closes"),
        ("window_zh", "worklists"),
    )
    worklists = parsing.strings(
        place, "worklists", found.get("worklists", list(WORKLISTS))
    )
    return Stage(
        key=parsing.text(place, "key", found["key"]),
        title_zh=parsing.text(place, "title_zh", found["title_zh"]),
        title_en=parsing.text(place, "title_en", found["title_en"]),
        opens=parsing.optional_date(place, "opens", found["opens"]),
        closes=parsing.optional_date(place, "closes", found["closes"]),
        window_zh=parsing.optional_text(place, "window_zh", found.get("window_zh", "")),
        worklists=tuple(
            parsing.choice(place, "worklists", Level, name) for name in worklists
        ),
    )


def _task(place: str, raw: Any, settings: CampaignSettings) -> TaskDefinition:
    found = parsing.fields(
        place,
        raw,
        (
            "key",
            "worklist",
            "number",
            "title_zh",
            "title_en",
            "stage",
            "level",
            "role",
            "deadline",
        ),
        ("after", "follow_ups", "note"),
    )
    follow_ups = found.get("follow_ups", [])
    if not isinstance(follow_ups, list):
        raise DefinitionError(f"{place}: follow_ups must be a list")

    return TaskDefinition(
        key=parsing.text(place, "key", found["key"]),
        worklist=parsing.choice(place, "worklist", Level, found["worklist"]),
        number=parsing.whole(place, "number", found["number"], 1, 99),
        title_zh=parsing.text(place, "title_zh", found["title_zh"]),
        title_en=parsing.text(place, "title_en", found["title_en"]),
        stage=parsing.text(place, "stage", found["stage"]),
        level=parsing.choice(place, "level", Level, found["level"]),
        role=parsing.choice(place, "role", Role, found["role"]),
        deadline=read_deadline(place, found["deadline"], settings),
        after=parsing.strings(place, "after", found.get("after", [])),
        follow_ups=tuple(
            _follow_up(_place("follow-up", i, item), item, settings)
            for i, item in enumerate(follow_ups)
        ),
        note=parsing.optional_text(place, "note", found.get("note", "")),
    )


def _follow_up(place: str, raw: Any, settings: CampaignSettings) -> FollowUp:
    found = parsing.fields(place, raw, ("key", "title_zh", "title_en", "deadline"))
    return FollowUp(
        key=parsing.text(place, "key", found["key"]),
        title_zh=parsing.text(place, "title_zh", found["title_zh"]),
        title_en=parsing.text(place, "title_en", found["title_en"]),
        deadline=read_deadline(place, found["deadline"], settings),
    )
