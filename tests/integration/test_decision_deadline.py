"""The deadline by which the county must decide an inclusion or relabel, and
the sweep that escalates an undecided one."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from fanpin_workflow import VirtualClock, Workflow
from fanpin_workflow.service.sweep import SweepReport
from tests.conftest import (
    COUNTY,
    VILLAGE,
    county_reviewer,
    village_officer,
)
from tests.integration.campaign_builders import (
    at,
    decide,
    escalation_rows,
    to_notice,
)
from tests.integration.helpers import snapshot


def _start(workflow: Workflow, settings: dict[str, Any] | None = None) -> None:
    workflow.start_campaign(county_reviewer(), COUNTY, settings=settings)


# -- the decision deadline of an inclusion ------------------------------------


#: The offset from UTC of each zone the process runs in, in seconds.
PROCESS_ZONES = {"Asia/Shanghai": 8 * 3600, "UTC": 0}


@pytest.fixture(params=sorted(PROCESS_ZONES))
def process_zone(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The process's local zone (TZ) for one test."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_an_undecided_inclusion_is_escalated_once_at_its_due_time(
    process_zone: str, workflow: Workflow, clock: VirtualClock, engine: Engine
) -> None:
    """First lead 10 May 09:00: due at 26 May 00:00 (+08), not escalated a
    microsecond before, escalated once to the county from then on."""
    first_lead = at(2024, 5, 10, 9)
    clock.advance(days=2)
    case_id = to_notice(workflow, "hh-1", first_lead_at=first_lead)
    case = workflow.get_case(case_id)
    clock.set(at(2024, 5, 25, 23, 59, 59, 999999))
    early = workflow.sweep_overdue()
    before = snapshot(engine)
    clock.set(at(2024, 5, 26))

    due = workflow.sweep_overdue()

    after = snapshot(engine)
    again = workflow.sweep_overdue()
    trail = workflow.history("approval_case", case_id)
    overdue = trail[-1]
    assert time.localtime(0).tm_gmtoff == PROCESS_ZONES[process_zone]
    assert workflow.get_case(case_id).state == "in_notice"
    assert case.decision_due_at == at(2024, 5, 26)
    assert (early, due, again) == (
        SweepReport(0, 0, 0),
        SweepReport(0, 0, 1),
        SweepReport(0, 0, 0),
    )
    assert [e.event for e in trail].count("decision_overdue") == 1
    assert (
        overdue.event,
        overdue.from_state,
        overdue.to_state,
        overdue.actor_role,
        overdue.object_id,
    ) == ("decision_overdue", "in_notice", "in_notice", "scheduler", case.object_id)
    assert escalation_rows(engine, "approval_case") == [
        (case_id, at(2024, 5, 26), VILLAGE, "county", COUNTY)
    ]
    changed = {t for t in after if after[t] != before[t]}
    assert changed == {"fanpin_audit_trail", "fanpin_escalations"}
    assert len(after["fanpin_audit_trail"]) == len(before["fanpin_audit_trail"]) + 1
    assert snapshot(engine) == after


def test_a_case_decided_in_time_is_never_escalated(
    workflow: Workflow, clock: VirtualClock, engine: Engine
) -> None:
    """A case the county determined on 15 May is not escalated on 26 May."""
    case_id = to_notice(workflow, "hh-1", first_lead_at=at(2024, 5, 10, 9))
    decide(workflow, clock, case_id)
    clock.set(at(2024, 5, 26))

    report = workflow.sweep_overdue()

    assert report.cases_escalated == 0
    assert escalation_rows(engine, "approval_case") == []
    assert workflow.get_case(case_id).state == "determined"


def test_a_relabel_has_a_decision_due_time_and_an_elimination_none(
    workflow: Workflow, clock: VirtualClock, engine: Engine
) -> None:
    """A relabel is due 15 days from its lead and escalated; a risk
    elimination has no decision due time and is not."""
    officer, county = village_officer(), county_reviewer()
    eliminated = workflow.import_object(county, "hh-1", VILLAGE, "risk_eliminated")
    included = workflow.import_object(county, "hh-2", VILLAGE, "included")
    relabel = workflow.propose_change(
        officer,
        str(eliminated.object_id),
        "relabel",
        first_lead_at=at(2024, 5, 10, 9),
    ).case_id
    elimination = workflow.propose_change(
        officer, str(included.object_id), "risk_elimination"
    ).case_id
    assert relabel is not None and elimination is not None
    clock.set(at(2024, 5, 26))

    report = workflow.sweep_overdue()

    assert workflow.get_case(relabel).decision_due_at == at(2024, 5, 26)
    assert workflow.get_case(elimination).decision_due_at is None
    assert report.cases_escalated == 1
    assert [row[0] for row in escalation_rows(engine, "approval_case")] == [relabel]


def test_a_campaigns_inclusion_limit_sets_the_decision_due_time(
    workflow: Workflow,
) -> None:
    """With inclusion_limit_days 10, a lead on 10 May is due by the end of
    20 May."""
    _start(workflow, {"inclusion_limit_days": 10})

    case_id = to_notice(workflow, "hh-1", first_lead_at=at(2024, 5, 10, 9))

    assert workflow.get_case(case_id).decision_due_at == at(2024, 5, 21)
