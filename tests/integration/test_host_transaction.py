"""A refusal of access inside a host's transaction, and its security-log row."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine

from fanpin_workflow import VirtualClock, Workflow
from fanpin_workflow.errors import PermissionRefused
from tests.conftest import VILLAGE, backend_name, grid_member, village_officer
from tests.integration.helpers import security_rows

LIBRARY = "fanpin_workflow.service.workflow"
REFUSED_ROW = ("grid-member-1", "grid_member", "propose", "PermissionRefused")
SHARED_FATE = (
    "security log row for refused propose by grid-member-1 written in the host's "
    "transaction: the host's own write lock kept it from a transaction of its "
    "own, so a rollback by the host removes it"
)


def _refuse_inside_host(
    engine: Engine, clock: VirtualClock, *, commit: bool
) -> list[str]:
    """Inside one host transaction: a proposal, then a refused proposal; the
    host then commits or rolls back. Returns the objects left."""
    with engine.connect() as connection:
        transaction = connection.begin()
        host = Workflow(connection, clock=clock)
        host.propose_inclusion(village_officer(), "hh-host", VILLAGE)
        with pytest.raises(PermissionRefused):
            host.propose_inclusion(grid_member(), "hh-refused", VILLAGE)
        if commit:
            transaction.commit()
        else:
            transaction.rollback()
    reader = Workflow(engine, clock=clock)
    return [found.household_id for found in reader.objects()]


def test_refusal_row_after_host_rollback(
    workflow: Workflow,
    engine: Engine,
    clock: VirtualClock,
    backend_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """On PostgreSQL the row is written apart and outlives the host's rollback;
    on SQLite, whose write lock the host holds, it joins the host's
    transaction, leaves with its rollback, and a WARNING says so."""
    caplog.set_level(logging.WARNING, logger=LIBRARY)
    backend = backend_name(backend_url)

    objects = _refuse_inside_host(engine, clock, commit=False)

    assert objects == []
    expected_rows = {"postgresql": [REFUSED_ROW], "sqlite": []}[backend]
    assert security_rows(engine) == expected_rows
    warnings = {"postgresql": 0, "sqlite": 1}[backend]
    assert caplog.messages.count(SHARED_FATE) == warnings


def test_refusal_kept_when_host_commits(
    workflow: Workflow, engine: Engine, clock: VirtualClock
) -> None:
    """When the host commits, its work and the refusal's row are both kept."""
    objects = _refuse_inside_host(engine, clock, commit=True)

    assert objects == ["hh-host"]
    assert security_rows(engine) == [REFUSED_ROW]


def test_refusal_outside_a_host_transaction_is_kept(
    workflow: Workflow,
    engine: Engine,
    clock: VirtualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """On a host's connection with no transaction open, the row is committed
    at once and no WARNING about the host's transaction is logged."""
    caplog.set_level(logging.WARNING, logger=LIBRARY)

    with engine.connect() as connection:
        host = Workflow(connection, clock=clock)
        with pytest.raises(PermissionRefused):
            host.propose_inclusion(grid_member(), "hh-refused", VILLAGE)
        connection.rollback()

    assert security_rows(engine) == [REFUSED_ROW]
    assert SHARED_FATE not in caplog.messages


def test_refusal_in_a_host_transaction_without_the_lock_is_written_apart(
    workflow: Workflow,
    engine: Engine,
    clock: VirtualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A host transaction that has not taken SQLite's write lock (begun
    deferred) lets the row be written apart on both backends, so it stays
    after the host rolls back, with no WARNING about the host's transaction."""
    caplog.set_level(logging.WARNING, logger=LIBRARY)

    with engine.connect() as plain:
        connection = plain.execution_options(fanpin_read_only=True)
        transaction = connection.begin()
        host = Workflow(connection, clock=clock)
        with pytest.raises(PermissionRefused):
            host.propose_inclusion(grid_member(), "hh-refused", VILLAGE)
        transaction.rollback()

    assert security_rows(engine) == [REFUSED_ROW]
    assert SHARED_FATE not in caplog.messages
