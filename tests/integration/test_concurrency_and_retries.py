"""Concurrent writers, retried requests, batches and host transactions."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pendulum
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
from fanpin_workflow.service import household_commands as h
from fanpin_workflow.service import registry_commands as r
from fanpin_workflow.service.handlers import Batch
from fanpin_workflow.service.unit_of_work import SqlAlchemyUnitOfWork
from fanpin_workflow.service.workflow import random_id
from tests.conftest import (
    VILLAGE,
    admin,
    backend_name,
    county_reviewer,
    village_officer,
)
from tests.integration.helpers import audit_count, case_at_county, snapshot
from tests.integration.test_households_storage import record


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


class _PausingClock:
    """A clock that holds the first command reading it until released.

    A command reads the clock right after it has loaded its records, so a
    command held here has loaded them and written nothing yet.
    """

    def __init__(self, clock: VirtualClock) -> None:
        self._clock = clock
        self.loaded = threading.Event()
        self.release = threading.Event()

    def now(self) -> pendulum.DateTime:
        if not self.loaded.is_set():
            self.loaded.set()
            if not self.release.wait(timeout=60):
                raise TimeoutError("the test never released this writer")
        return self._clock.now()


class _Writer:
    """A second Workflow on the same engine, deciding one case in a thread."""

    def __init__(self, engine: Engine, clock: VirtualClock) -> None:
        self.clock = _PausingClock(clock)
        self.workflow = Workflow(engine, clock=self.clock)
        self.outcome: Any = None
        self._thread: threading.Thread | None = None

    def start(self, action: Callable[[Workflow], Any]) -> None:
        def run() -> None:
            try:
                self.outcome = action(self.workflow)
            except Exception as error:  # the test inspects the outcome
                self.outcome = error

        self._thread = threading.Thread(target=run)
        self._thread.start()

    def finish(self) -> Any:
        self.clock.release.set()
        assert self._thread is not None
        self._thread.join(timeout=60)
        assert not self._thread.is_alive()
        return self.outcome


def _interleave(
    engine: Engine,
    clock: VirtualClock,
    first: Callable[[Workflow], Any],
    second: Callable[[Workflow], Any],
    wait: float,
) -> tuple[bool, Any, Any]:
    """Hold the first writer after its reads, let the second read if it can,
    then let the first commit before the second writes.

    Returns whether the second had loaded, within `wait` seconds, before the
    first committed, and both outcomes.
    """
    winner, loser = _Writer(engine, clock), _Writer(engine, clock)
    winner.start(first)
    assert winner.clock.loaded.wait(timeout=30)
    loser.start(second)

    # PostgreSQL lets the second writer read now; SQLite queues it at
    # BEGIN IMMEDIATE until the first one commits, so this wait runs out.
    both_loaded = loser.clock.loaded.wait(timeout=wait)
    won = winner.finish()
    lost = loser.finish()
    return both_loaded, won, lost


@pytest.mark.parametrize("with_version", [True, False], ids=["versioned", "bare"])
def test_two_determinations_one_wins(
    workflow: Workflow,
    clock: VirtualClock,
    engine: Engine,
    backend_url: str,
    with_version: bool,
) -> None:
    """Two reviewers determining one case at once: one wins, the other gets a
    retryable conflict; one decision and one audit row are written."""
    case_id = case_at_county(workflow, clock)
    seen = workflow.get_case(case_id).version
    version = seen if with_version else None
    rows = audit_count(engine)
    postgresql = backend_name(backend_url) == "postgresql"

    both_loaded, won, lost = _interleave(
        engine,
        clock,
        lambda wf: wf.approve_at_county(
            county_reviewer(person="reviewer-c1"), case_id, expected_version=version
        ),
        lambda wf: wf.approve_at_county(
            county_reviewer(person="reviewer-c2"), case_id, expected_version=version
        ),
        # Long enough for PostgreSQL to load under load; SQLite never does.
        wait=30 if postgresql else 2,
    )

    case = workflow.get_case(case_id)
    assert not isinstance(won, Exception), won
    assert (case.state, case.decided_by, case.version) == (
        "determined",
        "reviewer-c1",
        seen + 1,
    )
    assert _determinations(workflow, case_id) == 1
    assert audit_count(engine) == rows + 1
    if postgresql:
        # Both read version `seen`; the loser passes the version check and
        # its write meets the winner's committed one.
        assert both_loaded is True
        assert isinstance(lost, ConcurrencyConflict), lost
        assert (lost.kind, lost.detail) == ("transaction", "a concurrent write")
        assert lost.retryable is True
    elif with_version:
        # SQLite serialises writers: the loser reads after the commit, and
        # its expected version no longer matches.
        assert both_loaded is False
        assert isinstance(lost, ConcurrencyConflict), lost
        assert lost.detail == f"expected version {seen}, found version {seen + 1}"
    else:
        # Without a version the queued loser finds the case already decided.
        assert both_loaded is False
        assert isinstance(lost, TransitionNotAllowed), lost
        assert lost.state == "determined"


def test_a_write_after_another_commit_fails_the_version_check(
    workflow: Workflow, clock: VirtualClock, engine: Engine
) -> None:
    """A determination that loaded the case before another one committed is
    refused by the version check when it writes, and writes nothing."""
    case_id = case_at_county(workflow, clock)
    late = c.ApproveAtCounty(
        actor=county_reviewer(person="reviewer-c2"), case_id=case_id
    )
    with SqlAlchemyUnitOfWork(engine, read_only=True) as reading:
        batch = Batch(
            reading,
            [late],
            clock=clock,
            settings=workflow.settings,
            policy=workflow.policy,
            new_id=random_id,
            check_registry=True,
        )
        batch._preload()
        batch._apply(late)
    workflow.approve_at_county(county_reviewer(), case_id)
    object_id = workflow.get_case(case_id).object_id
    before = snapshot(engine)

    with (
        pytest.raises(ConcurrencyConflict) as stale,
        SqlAlchemyUnitOfWork(engine) as writing,
    ):
        batch.uow = writing
        batch._write()
        writing.commit()

    assert (stale.value.kind, stale.value.identifier) == (
        "monitoring object",
        object_id,
    )
    assert stale.value.detail == "loaded at version 1, now at version 2"
    assert snapshot(engine) == before


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
    before, rows = snapshot(engine), audit_count(engine)

    again = workflow.propose_inclusion(officer, "hh-1", VILLAGE, request_id="req-1")

    assert snapshot(engine) == before
    assert audit_count(engine) == rows
    assert again.case_id == first.case_id
    assert again.sequence == first.sequence
    assert again.sequence is not None


#: Commands other than approval steps, each with a retry and a different
#: command sent under the same request id.
_RETRIED: dict[str, tuple[Callable[[str], Any], Callable[[str], Any]]] = {
    "register_household": (
        lambda rid: h.RegisterHousehold(
            actor=village_officer(), household=record("hh-2", 2), request_id=rid
        ),
        lambda rid: h.RegisterHousehold(
            actor=village_officer(), household=record("hh-3", 3), request_id=rid
        ),
    ),
    "raise_question": (
        lambda rid: r.RaiseQuestion(
            actor=village_officer(),
            village_code=VILLAGE,
            text="Which form?",
            request_id=rid,
        ),
        lambda rid: r.RaiseQuestion(
            actor=village_officer(),
            village_code=VILLAGE,
            text="Who signs?",
            request_id=rid,
        ),
    ),
    "register_grid": (
        lambda rid: r.RegisterGrid(
            actor=admin(),
            grid_id="grid-1",
            village_code=VILLAGE,
            title="one",
            request_id=rid,
        ),
        lambda rid: r.RegisterGrid(
            actor=admin(),
            grid_id="grid-2",
            village_code=VILLAGE,
            title="two",
            request_id=rid,
        ),
    ),
    "assign_investigation": (
        lambda rid: h.AssignInvestigation(
            actor=village_officer(),
            household_id="hh-1",
            grid_member_id="grid-member-1",
            request_id=rid,
        ),
        lambda rid: h.AssignInvestigation(
            actor=village_officer(),
            household_id="hh-1",
            grid_member_id="grid-member-2",
            request_id=rid,
        ),
    ),
}


@pytest.mark.parametrize("command", sorted(_RETRIED))
def test_retried_command_returns_the_first_entry(
    workflow: Workflow, engine: Engine, command: str
) -> None:
    """A retried registry, question or investigation command writes nothing and
    answers with the entry the first attempt recorded."""
    workflow.register_household(village_officer(), record("hh-1", 1))
    make, _ = _RETRIED[command]
    first = workflow.handle(make("req-9"))
    before, rows = snapshot(engine), audit_count(engine)

    again = workflow.handle(make("req-9"))

    assert snapshot(engine) == before
    assert audit_count(engine) == rows
    assert again.sequence == first.sequence
    assert (again.subject_type, again.subject_id, again.event) == (
        first.subject_type,
        first.subject_id,
        first.event,
    )
    assert again.command == command


@pytest.mark.parametrize("command", sorted(_RETRIED))
def test_request_id_reused_by_another_command_of_its_kind(
    workflow: Workflow, engine: Engine, command: str
) -> None:
    """A request id sent again with different content is refused, writing nothing."""
    workflow.register_household(village_officer(), record("hh-1", 1))
    make, other = _RETRIED[command]
    workflow.handle(make("req-9"))
    before = snapshot(engine)

    with pytest.raises(RequestIdReused) as reused:
        workflow.handle(other("req-9"))

    assert reused.value.request_id == "req-9"
    assert reused.value.recorded.startswith(command)
    assert snapshot(engine) == before


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
