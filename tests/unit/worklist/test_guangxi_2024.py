"""Tests of the shipped 2024 Guangxi work lists against the source document."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from fanpin_workflow.domain.access import PERMISSIONS, ROLES
from fanpin_workflow.domain.approval import Level
from fanpin_workflow.domain.worklist import (
    CampaignSettings,
    DateDeadline,
    DayCount,
    EventDeadline,
    RecurringDeadline,
    Role,
    guangxi_2024,
)
from fanpin_workflow.domain.worklist import definition as definition_module
from fanpin_workflow.domain.worklist.definition import load_definition

PREPARATION = ("preparation", None, dt.date(2024, 5, 9))
INVESTIGATION = ("investigation", dt.date(2024, 5, 10), dt.date(2024, 6, 10))
ASSISTANCE = ("assistance", None, None)
DATA_ENTRY = ("data_entry", None, dt.date(2024, 6, 14))
SUMMARY = ("summary", None, dt.date(2024, 6, 20))

#: Every task heading of 附件1-1 and 附件1-2, copied from the seed, by stage.
SOURCE = {
    "township.01": ("组织安排人员力量", PREPARATION),
    "township.02": ("召开工作会议", PREPARATION),
    "township.03": ("下发10类重点排查参考名单", PREPARATION),
    "township.04": ("解答问题", INVESTIGATION),
    "township.05": ("审核新纳入和消除风险监测对象", INVESTIGATION),
    "township.06": ("审核整户无劳动能力兜底保障户", INVESTIGATION),
    "township.07": (
        "认定是否已实施开发式帮扶措施，督促制定帮扶计划并跟踪落实情况",
        INVESTIGATION,
    ),
    "township.08": ("审核纳入错误和风险消除错误的监测对象", INVESTIGATION),
    "township.09": ("录入新纳入和消除风险监测对象", DATA_ENTRY),
    "township.10": ("标识是否已实施开发式帮扶措施", DATA_ENTRY),
    "township.11": ("开展数据清洗", DATA_ENTRY),
    "township.12": ("开展“回头看”", SUMMARY),
    "village.01": ("划分网格", PREPARATION),
    "village.02": ("组织业务培训", PREPARATION),
    "village.03": ("确定本村重点户", PREPARATION),
    "village.04": ("排查脱贫户和监测对象", INVESTIGATION),
    "village.05": ("排查一般农户", INVESTIGATION),
    "village.06": ("排查重点户", INVESTIGATION),
    "village.07": ("评议公示纳入和消除风险监测对象", INVESTIGATION),
    "village.08": ("申报整户无劳动能力兜底保障户", INVESTIGATION),
    "village.09": ("申报已实施开发式帮扶措施的监测对象", INVESTIGATION),
    "village.10": ("申请监测对象“清退”“风险消除回退”", INVESTIGATION),
    "village.11": ("督促指导制定帮扶计划", ASSISTANCE),
    "village.12": ("开展数据清洗", DATA_ENTRY),
}

#: The stage headings of the source and the windows they state.
STAGES = {
    "preparation": ("前期准备阶段", "5月10日前完成"),
    "investigation": ("开展排查阶段", "5月10日—6月10日"),
    "assistance": ("实施帮扶", "在规定的时限内完成"),
    "data_entry": ("信息录入和数据清洗阶段", "6月15日前完成"),
    "summary": ("总结阶段", "6月21日前完成"),
}


def test_the_campaign_holds_exactly_24_tasks() -> None:
    """The 2024 definition holds the 12 township and 12 village tasks, no more."""
    definition = guangxi_2024()

    townships = definition.worklist(Level.TOWNSHIP)
    villages = definition.worklist(Level.VILLAGE)

    assert len(definition.tasks) == 24
    assert [task.number for task in townships] == list(range(1, 13))
    assert [task.number for task in villages] == list(range(1, 13))


@pytest.mark.parametrize("key", sorted(SOURCE))
def test_each_task_matches_the_source(key: str) -> None:
    """Each task has the source's Chinese title and its stage's window."""
    definition = guangxi_2024()
    title_zh, (stage_key, opens, closes) = SOURCE[key]

    task = definition.task(key)
    stage = definition.stage(task.stage)

    assert task.title_zh == title_zh
    assert (stage.key, stage.opens, stage.closes) == (stage_key, opens, closes)
    assert task.title_en.strip()


def test_the_stages_match_the_source_headings() -> None:
    """The stages come in the source's order with its headings and windows."""
    definition = guangxi_2024()

    found = {
        stage.key: (stage.title_zh, stage.window_zh) for stage in definition.stages
    }

    assert found == STAGES
    assert list(found) == list(STAGES)


def test_before_a_day_is_read_as_due_the_day_before() -> None:
    """A stage done before 10 May is due by the end of 9 May, and so on."""
    definition = guangxi_2024()

    closes = {stage.key: stage.closes for stage in definition.stages}

    assert closes["preparation"] == dt.date(2024, 5, 9)
    assert closes["data_entry"] == dt.date(2024, 6, 14)
    assert closes["summary"] == dt.date(2024, 6, 20)


def test_dated_tasks_fall_due_when_their_stage_closes() -> None:
    """Every task with a date is due on its stage's closing day."""
    definition = guangxi_2024()

    dated = [task for task in definition.tasks if task.stage != "assistance"]

    for task in dated:
        stage = definition.stage(task.stage)
        assert isinstance(task.deadline, DateDeadline), task.key
        assert task.deadline.due == stage.closes, task.key


def test_the_summary_stage_is_for_townships_only() -> None:
    """Only the township list has a summary stage task."""
    definition = guangxi_2024()

    in_summary = [task.key for task in definition.tasks if task.stage == "summary"]

    assert in_summary == ["township.12"]
    assert definition.stage("summary").worklists == (Level.TOWNSHIP,)


def test_assistance_is_a_rolling_stage_task_with_follow_ups() -> None:
    """village.11 recurs weekly; its plan and declaration count from inclusion."""
    definition = guangxi_2024()

    task = definition.task("village.11")

    assert definition.stage("assistance").is_rolling
    assert task.deadline == RecurringDeadline(7)
    assert {f.key: f.deadline for f in task.follow_ups} == {
        "village.11.plan": EventDeadline("inclusion", 5),
        "village.11.declaration": EventDeadline("inclusion", 10),
        "village.11.tracking": RecurringDeadline(7),
    }


@pytest.mark.parametrize(
    ("key", "after"),
    [
        ("township.02", {"township.01"}),
        ("village.02", {"village.01"}),
        ("village.03", {"village.01", "township.03"}),
        ("village.04", {"village.01", "village.02", "village.03"}),
        ("village.05", {"village.01", "village.02", "village.03"}),
        ("village.06", {"village.03", "village.04", "village.05"}),
    ],
)
def test_the_order_the_lists_imply(key: str, after: set[str]) -> None:
    """Training follows staffing; investigation follows grids and key households."""
    definition = guangxi_2024()

    task = definition.task(key)

    assert set(task.after) == after


def test_in_order_puts_every_task_after_those_it_waits_for() -> None:
    """`in_order` lists each task's predecessors before it."""
    definition = guangxi_2024()

    order = definition.in_order()

    position = {key: index for index, key in enumerate(order)}
    assert len(order) == 24
    for task in definition.tasks:
        assert all(position[key] < position[task.key] for key in task.after)


@pytest.mark.parametrize(
    ("key", "level", "role"),
    [
        ("township.01", Level.TOWNSHIP, Role.TOWNSHIP_GRID_LEADER),
        ("township.05", Level.TOWNSHIP, Role.TOWNSHIP_REVIEWER),
        ("township.09", Level.TOWNSHIP, Role.TOWNSHIP_GRID_LEADER),
        ("village.02", Level.VILLAGE, Role.FIRST_SECRETARY),
        ("village.04", Level.VILLAGE, Role.VILLAGE_GRID_LEADER),
        ("village.07", Level.VILLAGE, Role.VILLAGE_GRID_LEADER),
        ("village.12", Level.VILLAGE, Role.INFORMATION_OFFICER),
    ],
)
def test_tasks_name_who_answers_for_them(key: str, level: Level, role: Role) -> None:
    """Each task names its responsible level and role."""
    definition = guangxi_2024()

    task = definition.task(key)

    assert (task.level, task.role) == (level, role)


def test_every_responsible_role_may_complete_its_task() -> None:
    """The permission table lets each task's role complete it, at its level."""
    definition = guangxi_2024()

    refused = [
        task.key
        for task in definition.tasks
        if task.role not in PERMISSIONS["complete_task"]
        or ROLES[task.role].level != task.level
    ]

    assert refused == []


def test_the_settings_carry_the_national_defaults() -> None:
    """The shipped settings are the defaults DOMAIN.md gives, in calendar days."""
    definition = guangxi_2024()

    settings = definition.settings

    assert settings == CampaignSettings()
    assert settings.day_count == DayCount.CALENDAR
    assert settings.monitoring_line == Decimal("7300")
    assert settings.zone == "Asia/Shanghai"


def test_the_data_file_ships_inside_the_package() -> None:
    """The definition is read from a file inside the package, not the repository."""
    package = resources.files("fanpin_workflow.domain.worklist")

    shipped = package.joinpath("data", "guangxi_2024.json")

    assert shipped.is_file()


def _shipped_data() -> dict[str, Any]:
    shipped = resources.files("fanpin_workflow.domain.worklist").joinpath(
        "data", "guangxi_2024.json"
    )
    data: dict[str, Any] = json.loads(shipped.read_text(encoding="utf-8"))
    return data


def test_the_definition_is_the_shipped_file_loaded() -> None:
    """guangxi_2024() is exactly what the loader builds from the shipped JSON,
    whose tasks carry the titles copied from the source above."""
    data = _shipped_data()

    loaded = load_definition(data)

    assert guangxi_2024() == loaded
    assert {t["key"]: t["title_zh"] for t in data["tasks"]} == {
        key: title for key, (title, _) in SOURCE.items()
    }


def test_the_definition_is_read_from_the_file_each_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A changed copy of the file changes what guangxi_2024() returns: the
    definition comes from the data file, not from code."""
    data = _shipped_data()
    data["tasks"][0]["title_en"] = "Changed in the copy"
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "guangxi_2024.json").write_text(
        json.dumps(data, ensure_ascii=False), encoding="utf-8"
    )
    monkeypatch.setattr(definition_module.resources, "files", lambda _: tmp_path)
    # Past the process-wide cache, so the copy is read and not kept.
    uncached = getattr(guangxi_2024, "__wrapped__", guangxi_2024)

    changed = uncached()

    assert changed.task(data["tasks"][0]["key"]).title_en == "Changed in the copy"
