"""What the engine logs: every state change at INFO with its subject, event,
states and actor; no personal data at any level; no handlers of its own."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from fanpin_workflow import VirtualClock, Workflow
from fanpin_workflow.domain.model import AuditEntry
from fanpin_workflow.errors import AccessRefused
from tests.conftest import (
    COUNTY,
    VILLAGE,
    county_reviewer,
    grid_member,
    township_reviewer,
    village_leader,
    village_officer,
)
from tests.integration.campaign_builders import decide, household, to_notice

LIBRARY = "fanpin_workflow"

#: The health conditions the flow's households record.
HEALTH_WORDS = ("chronic_illness", "serious_illness", "disability")


def _households() -> list[dict[str, Any]]:
    """Three invented households whose members have health conditions."""
    return [
        household("hh-1", 1, size=2, type="ordinary", health=("chronic_illness",)),
        household(
            "hh-2", 2, size=2, type="ordinary", health=("serious_illness", "disability")
        ),
        household("hh-3", 3, measures=[], health=("disability",)),
    ]


def _run_a_campaign_day(workflow: Workflow, clock: VirtualClock) -> None:
    """Move a task, two questions, an investigation, a case and an import;
    then sweep."""
    officer, member = village_officer(), grid_member()
    for record in _households():
        workflow.register_household(officer, record)
    workflow.start_campaign(county_reviewer(), COUNTY)

    grids = next(
        t.id
        for t in workflow.tasks(VILLAGE)
        if t.task_key == "village.01" and t.area_code == VILLAGE
    )
    workflow.start_task(village_leader(), grids)
    workflow.complete_task(village_leader(), grids, reason="named a day late")

    answered = workflow.raise_question(officer, VILLAGE, "Which form?").subject_id
    workflow.answer_question(township_reviewer(), answered, "Form 2-3.")
    workflow.raise_question(officer, VILLAGE, "Who signs 2-4?")

    form = workflow.assign_investigation(officer, "hh-1", member.id).subject_id
    workflow.record_visit(member, form)
    workflow.record_findings(
        member, form, {"risk_found": True, "risk_types": ["illness"]}
    )

    with pytest.raises(AccessRefused):
        workflow.propose_inclusion(member, "hh-2", VILLAGE)
    decide(workflow, clock, to_notice(workflow, "hh-2"))
    workflow.import_object(county_reviewer(), "hh-3", VILLAGE, "included")

    workflow.sweep_overdue()


def _tokens(record: logging.LogRecord) -> set[str]:
    return set(re.findall(r"[\w.\-]+", record.getMessage()))


def _record_changes(entries: list[AuditEntry]) -> list[tuple[str | None, ...]]:
    """(subject id, event, from, to, actor) of each audited record that moved."""
    return [
        (e.subject_id, e.event, e.from_state, e.to_state, e.actor_id)
        for e in entries
        if e.to_state is not None and e.from_state != e.to_state
    ]


#: The object's own event when a county approval moves it (by the case's
#: kind, all inclusions here), as its machine names it in the log.
_OBJECT_EVENTS = {"propose": "propose", "approve_at_county": "include"}


def _object_changes(entries: list[AuditEntry]) -> list[tuple[str | None, ...]]:
    """(object id, the object's event, from, to, actor) of each monitoring
    object a case step moved."""
    return [
        (
            e.object_id,
            _OBJECT_EVENTS[e.event],
            e.object_from_state,
            e.object_to_state,
            e.actor_id,
        )
        for e in entries
        if e.subject_type == "approval_case"
        and e.object_id
        and e.object_from_state != e.object_to_state
    ]


def _times_logged(
    changes: list[tuple[str | None, ...]], records: list[logging.LogRecord]
) -> dict[tuple[str | None, ...], int]:
    """Each change not logged in exactly one INFO record naming all its parts,
    with the number of records that do name them."""
    infos = [
        _tokens(r)
        for r in records
        if r.levelno == logging.INFO and r.name.startswith(LIBRARY)
    ]
    counts = {
        change: sum({p for p in change if p is not None} <= t for t in infos)
        for change in changes
    }
    return {change: count for change, count in counts.items() if count != 1}


def _latest_sequence(workflow: Workflow) -> int:
    entries = workflow.changes_since(0, limit=10_000)
    return max((e.sequence or 0 for e in entries), default=0)


def test_every_audited_state_change_is_logged_once_at_info(
    workflow: Workflow, clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Each task, question, investigation, case and campaign that moved has
    exactly one INFO record naming its id, the event, both states and the
    actor."""
    start = _latest_sequence(workflow)
    caplog.set_level(logging.INFO, logger=LIBRARY)

    _run_a_campaign_day(workflow, clock)

    entries = workflow.changes_since(start, limit=10_000)
    moved = {e.subject_type for e in entries if e.from_state != e.to_state}
    assert {"task", "question", "investigation", "approval_case", "campaign"} <= moved
    assert {"mark_overdue", "escalate", "complete_late"} <= {e.event for e in entries}
    assert _times_logged(_record_changes(entries), caplog.records) == {}


def test_every_monitoring_object_move_is_logged_once_at_info(
    workflow: Workflow, clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A monitoring object a case creates or moves has exactly one INFO record
    naming the object id, the event, both states and the actor."""
    start = _latest_sequence(workflow)
    caplog.set_level(logging.INFO, logger=LIBRARY)

    _run_a_campaign_day(workflow, clock)

    entries = workflow.changes_since(start, limit=10_000)
    changes = _object_changes(entries)
    assert [c[1:4] for c in changes] == [
        ("propose", None, "candidate"),
        ("include", "candidate", "included"),
    ]
    assert _times_logged(changes, caplog.records) == {}


def test_no_log_record_holds_personal_data(
    workflow: Workflow, clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """No record at any level holds a member's ID number or health condition."""
    caplog.set_level(logging.DEBUG)
    numbers = [m["id_number"] for h in _households() for m in h["members"]]

    _run_a_campaign_day(workflow, clock)

    text = "\n".join(f"{r.getMessage()}\n{r.exc_text or ''}" for r in caplog.records)
    leaked = [s for s in (*numbers, *(n[:17] for n in numbers)) if s in text]
    assert any(r.levelno == logging.WARNING for r in caplog.records)
    assert leaked == []
    assert [w for w in HEALTH_WORDS if w in text] == []


def test_the_library_adds_no_handler_but_a_null_handler() -> None:
    """The package logger holds one NullHandler; its children hold none."""
    manager = logging.getLogger().manager
    children = {
        name: logging.getLogger(name).handlers
        for name in list(manager.loggerDict)
        if name.startswith(LIBRARY + ".")
    }

    package = logging.getLogger(LIBRARY).handlers

    assert [type(h) for h in package] == [logging.NullHandler]
    assert {name: h for name, h in children.items() if h} == {}
