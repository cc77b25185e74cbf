"""Concurrent writers, retried requests, batches and host transactions."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fanpin_workflow import VirtualClock, Workflow
from fanpin_workflow.errors import (
    BatchRefused,
    ConcurrencyConflict,
    RequestIdReused,
    TransitionNotAllowed,
)
from fanpin_workflow.service import commands as c
from fanpin_workflow.service.unit_of_work import SqlAlchemyUnitOfWork
from tests.conftest import VILLAGE, county_reviewer, village_officer
from tests.integration.helpers import case_at_county, snapshot


def _race(*actions: Callable[[], Any]) -> list[Any]:
    """Start the actions together in threads; return each result or error."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = action()
        except Exception as error:  # the test inspects every outcome
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _determinations(workflow: Workflow, case_id: str) -> int:
    return [e.event for e in workflow.case_history(case_id)].count("approve_at_county")


def test_two_determinations_one_wins(workflow: Workflow, clock: VirtualClock) -> None:
    """Two reviewers determining the version they saw: one wins, one conflicts."""
    case_id = case_at_county(workflow, clock)
    seen = workflow.get_case(case_id).version
    reviewers = [county_reviewer(person=f"reviewer-c{i}") for i in (1, 2)]

    results = _race(
        *(
            lambda r=r: workflow.approve_at_county(r, case_id, expected_version=seen)
            for r in reviewers
        )
    )

    conflicts = [r for r in results if isinstance(r, ConcurrencyConflict)]
    wins = [r for r in results if not isinstance(r, Exception)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    assert conflicts[0].retryable is True
    assert _determinations(workflow, case_id) == 1
    assert workflow.get_case(case_id).version == seen + 1


def test_two_determinations_without_versions_one_wins(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """Without expected versions the loser is still refused and writes nothing."""
    case_id = case_at_county(workflow, clock)
    reviewers = [county_reviewer(person=f"reviewer-c{i}") for i in (1, 2)]

    results = _race(
        *(lambda r=r: workflow.approve_at_county(r, case_id) for r in reviewers)
    )

    losers = [r for r in results if isinstance(r, Exception)]
    assert len(losers) == 1
    assert isinstance(losers[0], ConcurrencyConflict | TransitionNotAllowed)
    assert _determinations(workflow, case_id) == 1


def test_stale_save_raises_conflict(workflow: Workflow, clock: VirtualClock) -> None:
    """The repository names the record and both versions in the conflict."""
    case_id = case_at_county(workflow, clock)

    stale = pytest.raises(ConcurrencyConflict, match="loaded at version 4, now at")
    with stale, SqlAlchemyUnitOfWork(workflow.bind) as uow:
        case = uow.cases.get_many([case_id])[case_id]
        uow.cases.update_many([case], {case_id: case.version - 1})


def test_many_writers_of_one_process_all_succeed(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """Eight threads proposing at once never see "database is locked"."""
    officer = village_officer()

    results = _race(
        *(
            lambda i=i: [
                workflow.propose_inclusion(officer, f"hh-{i}-{j}", VILLAGE)
                for j in range(10)
            ]
            for i in range(8)
        )
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert len(workflow.objects(limit=1000)) == 80


def test_retried_request_is_a_no_op(workflow: Workflow, engine: Engine) -> None:
    """Sending a command again with its request id returns the first entry."""
    officer = village_officer()
    first = workflow.propose_inclusion(officer, "hh-1", VILLAGE, request_id="req-1")
    before = snapshot(engine)

    again = workflow.propose_inclusion(officer, "hh-1", VILLAGE, request_id="req-1")

    assert snapshot(engine) == before
    assert again.case_id == first.case_id
    assert again.sequence is not None


def test_request_id_reused_for_another_command(
    workflow: Workflow, engine: Engine
) -> None:
    """A request id recorded for one command refuses a different one."""
    officer = village_officer()
    entry = workflow.propose_inclusion(officer, "hh-1", VILLAGE, request_id="req-1")
    assert entry.case_id is not None
    before = snapshot(engine)

    with pytest.raises(RequestIdReused, match="req-1"):
        workflow.deliberate(officer, entry.case_id, request_id="req-1")

    assert snapshot(engine) == before


def test_concurrent_retries_write_once(workflow: Workflow, clock: VirtualClock) -> None:
    """The same request sent twice at once is carried out once."""
    case_id = case_at_county(workflow, clock)

    results = _race(
        *(
            lambda: workflow.approve_at_county(
                county_reviewer(), case_id, request_id="req-det"
            )
            for _ in range(2)
        )
    )

    assert not [r for r in results if isinstance(r, Exception)]
    assert results[0].sequence == results[1].sequence
    assert _determinations(workflow, case_id) == 1


def test_refused_batch_writes_nothing(workflow: Workflow, engine: Engine) -> None:
    """A batch whose third command is refused leaves the database unchanged."""
    officer = village_officer()
    entry = workflow.propose_inclusion(officer, "hh-1", VILLAGE)
    assert entry.case_id is not None
    before = snapshot(engine)
    batch = [
        c.ProposeInclusion(actor=officer, household_id="hh-2", village_code=VILLAGE),
        c.Deliberate(actor=officer, case_id=entry.case_id),
        c.SubmitToTownship(actor=officer, case_id=entry.case_id),
    ]

    with pytest.raises(BatchRefused) as refused:
        workflow.handle_many(batch)

    assert refused.value.index == 2
    assert isinstance(refused.value.error, TransitionNotAllowed)
    assert snapshot(engine) == before


def test_batch_steps_one_case_several_times(workflow: Workflow, engine: Engine) -> None:
    """One batch may carry a case through several steps in order."""
    officer = village_officer()
    entry = workflow.propose_inclusion(officer, "hh-1", VILLAGE)
    assert entry.case_id is not None

    workflow.handle_many(
        [
            c.Deliberate(actor=officer, case_id=entry.case_id),
            c.PublishNotice(actor=officer, case_id=entry.case_id),
        ]
    )

    case = workflow.get_case(entry.case_id)
    assert (case.state, case.version) == ("in_notice", 3)


def test_host_transaction_decides_what_lands(
    workflow: Workflow, engine: Engine
) -> None:
    """Inside a host's transaction a refusal undoes only its own savepoint."""
    officer = village_officer()
    before = snapshot(engine)

    with engine.connect() as connection:
        transaction = connection.begin()
        hosted = Workflow(connection, clock=workflow.clock)
        entry = hosted.propose_inclusion(officer, "hh-1", VILLAGE)
        assert entry.case_id is not None
        with pytest.raises(TransitionNotAllowed):
            hosted.submit(officer, entry.case_id)
        hosted.deliberate(officer, entry.case_id)
        transaction.rollback()

    assert snapshot(engine) == before

    with Session(engine) as session:
        hosted = Workflow(session, clock=workflow.clock)
        hosted.propose_inclusion(officer, "hh-1", VILLAGE)
        session.commit()

    assert [o.household_id for o in workflow.objects()] == ["hh-1"]


def test_audit_trail_refuses_update_and_delete(
    workflow: Workflow, engine: Engine
) -> None:
    """The database itself keeps the audit trail append-only."""
    workflow.propose_inclusion(village_officer(), "hh-1", VILLAGE)

    for statement in (
        "UPDATE fanpin_audit_trail SET reason = 'edited'",
        "DELETE FROM fanpin_audit_trail",
    ):
        refused = pytest.raises(DBAPIError, match="append-only")
        with refused, engine.begin() as connection:
            connection.execute(text(statement))

    assert len(workflow.audit_trail(workflow.objects()[0].id)) == 1
