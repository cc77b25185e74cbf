"""Questions the county left unanswered leave the sweep's way; one campaign
per county."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from fanpin_workflow import VirtualClock, Workflow
from fanpin_workflow.adapters.database import integrity_refusal
from fanpin_workflow.adapters.tables import campaigns, escalations
from fanpin_workflow.errors import ConcurrencyConflict, InvalidInput
from tests.conftest import COUNTY, VILLAGE, county_reviewer, village_officer
from tests.integration.helpers import snapshot


def _escalations(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count()).select_from(escalations)
            ).scalar_one()
        )


def test_a_question_overdue_at_the_county_is_escalated_once_and_leaves(
    workflow: Workflow, clock: VirtualClock, engine: Engine
) -> None:
    """Past the township's 3 days it goes up; past the county's 5 it is
    escalated there once and no longer comes back to the sweep."""
    asked = workflow.raise_question(village_officer(), VILLAGE, "Which form?")
    question_id = asked.subject_id

    clock.advance(days=3)
    first = workflow.sweep_overdue()
    clock.advance(days=5)
    second = workflow.sweep_overdue()
    third = workflow.sweep_overdue()

    stored = workflow.get_question(question_id)
    assert (first.questions_escalated, second.questions_escalated) == (1, 1)
    assert third.questions_escalated == 0
    assert (stored.state, stored.due_at) == ("escalated", None)
    assert _escalations(engine) == 2


def test_old_county_overdue_questions_do_not_block_a_new_one(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """With a limit of one, a question newly past its township's limit is still
    escalated after older ones ran out at the county."""
    officer = village_officer()
    for number in range(3):
        workflow.raise_question(officer, VILLAGE, f"Old question {number}")
    clock.advance(days=3)
    for _ in range(3):
        workflow.sweep_overdue(limit=1)
    clock.advance(days=5)
    for _ in range(3):
        workflow.sweep_overdue(limit=1)
    newer = workflow.raise_question(officer, VILLAGE, "A newer question")
    clock.advance(days=3)

    report = workflow.sweep_overdue(limit=1)

    assert report.questions_escalated == 1
    assert workflow.get_question(newer.subject_id).state == "escalated"


def test_a_county_runs_one_campaign(workflow: Workflow, engine: Engine) -> None:
    """A second start is refused and writes nothing; the table holds one row."""
    workflow.start_campaign(county_reviewer(), COUNTY)
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as refused:
        workflow.start_campaign(county_reviewer(), COUNTY)

    assert refused.value.rule == "a campaign already runs there"
    assert snapshot(engine) == before


def test_the_database_holds_one_campaign_per_county(
    workflow: Workflow, engine: Engine
) -> None:
    """Two starts racing past the check can't both land: a second row for the
    county breaks the unique rule (which the engine reports as a conflict)."""
    workflow.start_campaign(county_reviewer(), COUNTY)
    with engine.connect() as connection:
        row = connection.execute(select(campaigns)).one()

    with pytest.raises(IntegrityError) as broken, engine.begin() as connection:
        connection.execute(
            campaigns.insert().values({**row._asdict(), "id": "another-campaign"})
        )

    assert isinstance(integrity_refusal(broken.value, 1), ConcurrencyConflict)


def test_ending_a_campaign_waives_its_open_tasks_and_frees_the_county(
    workflow: Workflow, clock: VirtualClock, engine: Engine
) -> None:
    """Ending waives every open task with the reason, once; the next campaign
    can start at once (and end too); nothing is left for the sweep; the ended
    campaigns stay on record."""
    reviewer = county_reviewer()
    workflow.start_campaign(reviewer, COUNTY)
    started = {task.id for task in workflow.tasks(COUNTY[:6])}

    ended = workflow.end_campaign(reviewer, COUNTY, "replaced by the revised list")
    workflow.start_campaign(reviewer, COUNTY, settings={"notice_days": 7})
    workflow.end_campaign(reviewer, COUNTY, "a test of restarting")
    clock.advance(days=60)
    swept = workflow.sweep_overdue()

    waived = [
        entry
        for entry in workflow.changes_since(ended.sequence or 0, limit=10_000)
        if entry.subject_type == "task"
        and entry.event == "waive"
        and entry.subject_id in started
    ]
    assert (ended.event, ended.from_state, ended.to_state) == (
        "end",
        "running",
        "ended",
    )
    assert {entry.subject_id for entry in waived} == started
    # 2 townships and 3 villages of the county, 12 tasks on each list.
    assert len(waived) == len(started) == 5 * 12
    assert {entry.reason for entry in waived} == {
        "campaign ended: replaced by the revised list"
    }
    assert swept.tasks_marked == 0
    with engine.connect() as connection:
        rows = connection.execute(select(campaigns.c.ended_at)).scalars().all()
    assert rows.count(None) == 0 and len(rows) == 2


def test_ending_where_no_campaign_runs_is_refused(
    workflow: Workflow, engine: Engine
) -> None:
    """Nothing to end: refused, naming the county, and nothing written."""
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as refused:
        workflow.end_campaign(county_reviewer(), COUNTY, "no reason")

    assert (refused.value.field, refused.value.rule) == (
        "county_code",
        "no campaign runs there",
    )
    assert snapshot(engine) == before
