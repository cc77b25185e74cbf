"""Tests that a malformed campaign definition is refused, naming the place."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest

from fanpin_workflow.domain.worklist import load_definition
from fanpin_workflow.errors import DefinitionError

Data = dict[str, Any]

SHIPPED: Data = json.loads(
    resources.files("fanpin_workflow.domain.worklist")
    .joinpath("data", "guangxi_2024.json")
    .read_text(encoding="utf-8")
)


def task(data: Data, key: str) -> Data:
    """The raw task named `key`."""
    found: Data = next(item for item in data["tasks"] if item["key"] == key)
    return found


def stage(data: Data, key: str) -> Data:
    """The raw stage named `key`."""
    found: Data = next(item for item in data["stages"] if item["key"] == key)
    return found


def _unknown_stage(data: Data) -> None:
    task(data, "village.04")["stage"] = "investigate"


def _due_after_window(data: Data) -> None:
    task(data, "village.05")["deadline"]["due"] = "2024-06-11"


def _due_before_window(data: Data) -> None:
    task(data, "township.04")["deadline"]["due"] = "2024-05-09"


def _due_in_rolling_stage(data: Data) -> None:
    task(data, "village.11")["deadline"] = {"kind": "date", "due": "2024-06-01"}


def _unknown_predecessor(data: Data) -> None:
    task(data, "village.04")["after"] = ["village.01", "village.99"]


def _cycle(data: Data) -> None:
    task(data, "township.01")["after"] = ["township.02"]


def _long_cycle(data: Data) -> None:
    task(data, "village.01")["after"] = ["village.06"]


def _duplicate_task(data: Data) -> None:
    data["tasks"].append(copy.deepcopy(task(data, "village.01")))


def _duplicate_stage(data: Data) -> None:
    data["stages"].append(copy.deepcopy(stage(data, "summary")))


def _unknown_event(data: Data) -> None:
    task(data, "village.11")["deadline"] = {
        "kind": "after_event",
        "event": "harvest",
        "days": 5,
    }


def _unknown_follow_up_event(data: Data) -> None:
    task(data, "village.11")["follow_ups"][0]["deadline"]["event"] = "harvest"


def _unknown_setting(data: Data) -> None:
    task(data, "village.11")["follow_ups"][1]["deadline"]["days"] = "plan_dayz"


def _key_number_mismatch(data: Data) -> None:
    task(data, "village.07")["number"] = 8


def _township_waits_for_village(data: Data) -> None:
    task(data, "township.05")["after"] = ["village.07"]


def _village_in_summary(data: Data) -> None:
    task(data, "village.12")["stage"] = "summary"
    task(data, "village.12")["deadline"]["due"] = "2024-06-20"


def _window_backwards(data: Data) -> None:
    stage(data, "investigation")["opens"] = "2024-06-11"


def _window_outside_year(data: Data) -> None:
    stage(data, "summary")["closes"] = "2025-06-20"


def _missing_field(data: Data) -> None:
    del task(data, "village.04")["stage"]


def _unknown_field(data: Data) -> None:
    task(data, "village.04")["stag"] = "investigation"


def _bad_date(data: Data) -> None:
    stage(data, "preparation")["closes"] = "2024-05-32"


def _bad_setting(data: Data) -> None:
    data["settings"]["plan_days"] = 0


def _float_line(data: Data) -> None:
    data["settings"]["monitoring_line"] = 7300.5


def _unknown_role(data: Data) -> None:
    task(data, "village.04")["role"] = "mayor"


def _unknown_kind(data: Data) -> None:
    task(data, "village.04")["deadline"] = {"kind": "someday"}


def _duplicate_follow_up(data: Data) -> None:
    follow_ups = task(data, "village.11")["follow_ups"]
    follow_ups.append(copy.deepcopy(follow_ups[0]))


def _foreign_follow_up(data: Data) -> None:
    task(data, "village.11")["follow_ups"][0]["key"] = "village.12.plan"


def _bad_day_count(data: Data) -> None:
    data["settings"]["day_count"] = "lunar"


def _bad_zone(data: Data) -> None:
    data["settings"]["zone"] = "Asia/Guilin"


def _note_not_text(data: Data) -> None:
    task(data, "village.04")["note"] = 4


CASES: list[tuple[Callable[[Data], None], str]] = [
    (_unknown_stage, "task village.04: unknown stage 'investigate'"),
    (
        _due_after_window,
        "task village.05: due 2024-06-11 lies outside stage 'investigation' "
        "(2024-05-10 to 2024-06-10)",
    ),
    (
        _due_before_window,
        "task township.04: due 2024-05-09 lies outside stage 'investigation' "
        "(2024-05-10 to 2024-06-10)",
    ),
    (_due_in_rolling_stage, "task village.11: stage 'assistance' is rolling"),
    (_unknown_predecessor, "task village.04: after names unknown task 'village.99'"),
    (
        _cycle,
        "task order has a cycle: township.01 → township.02 → township.01",
    ),
    (
        _long_cycle,
        "task order has a cycle: village.04 → village.06 → village.01 "
        "→ village.02 → village.04",
    ),
    (_duplicate_task, "task village.01: duplicate key"),
    (_duplicate_stage, "stage summary: duplicate key"),
    (
        _unknown_event,
        "task village.11: deadline counts from unknown event 'harvest' "
        "(known: inclusion)",
    ),
    (
        _unknown_follow_up_event,
        "follow-up village.11.plan: deadline counts from unknown event 'harvest'",
    ),
    (
        _unknown_setting,
        "follow-up village.11.declaration: deadline names unknown setting 'plan_dayz'",
    ),
    (_key_number_mismatch, "task village.07: key must be 'village.08'"),
    (_township_waits_for_village, "task township.05: a township task can't wait"),
    (_village_in_summary, "task village.12: stage 'summary' has no village tasks"),
    (
        _window_backwards,
        "stage investigation: opens 2024-06-11 after it closes 2024-06-10",
    ),
    (
        _window_outside_year,
        "stage summary: 2025-06-20 lies outside the campaign year 2024",
    ),
    (_missing_field, "task village.04: missing field 'stage'"),
    (_unknown_field, "task village.04: unknown field 'stag'"),
    (_bad_date, "stage preparation: closes must be a date written YYYY-MM-DD"),
    (_bad_setting, "settings: plan_days=0 is refused"),
    (_float_line, "settings: monitoring_line must be a decimal written as a string"),
    (_unknown_role, "task village.04: role 'mayor' is not one of"),
    (_unknown_kind, "task village.04: deadline kind must be 'date'"),
    (_duplicate_follow_up, "follow-up village.11.plan: duplicate key"),
    (
        _foreign_follow_up,
        "task village.11: follow-up key 'village.12.plan' must start with "
        "'village.11.'",
    ),
    (_bad_day_count, "settings: day_count='lunar' is refused"),
    (_bad_zone, "settings: zone='Asia/Guilin' is refused"),
    (_note_not_text, "task village.04: note must be text"),
]


@pytest.mark.parametrize(
    ("mutate", "message"), CASES, ids=[mutate.__name__[1:] for mutate, _ in CASES]
)
def test_a_malformed_definition_is_refused_naming_the_place(
    mutate: Callable[[Data], None], message: str
) -> None:
    """Each kind of mistake raises DefinitionError whose message names its place."""
    data = copy.deepcopy(SHIPPED)
    mutate(data)

    with pytest.raises(DefinitionError) as caught:
        load_definition(data)

    assert str(caught.value).startswith(message)


def test_the_shipped_data_loads_unchanged() -> None:
    """The untouched shipped data loads, so each refusal above is its mutation's."""
    data = copy.deepcopy(SHIPPED)

    definition = load_definition(data)

    assert definition.name == "guangxi_2024"


def test_a_definition_that_is_not_an_object_is_refused() -> None:
    """A list where the definition object belongs is refused by name."""
    data: Any = []

    with pytest.raises(DefinitionError) as caught:
        load_definition(data)

    assert str(caught.value) == "definition: must be an object, not list"
