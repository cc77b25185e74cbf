"""Helpers for storage tests: drive a case, snapshot every table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, func, select

from fanpin_workflow import VirtualClock, Workflow
from fanpin_workflow.adapters.tables import metadata
from tests.conftest import (
    VILLAGE,
    county_reviewer,
    township_reviewer,
    village_officer,
)
from tests.unit.household_builders import household_record


def eligible_record(household_id: str) -> dict[str, Any]:
    """A one-member household meeting every condition of risk elimination."""
    return household_record(
        1, id=household_id, wage_income=20000, measures=["employment"]
    )


def snapshot(bind: Engine | Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every engine table, to prove a refusal wrote nothing.

    The security log is left out: a refusal of access is written there on
    purpose (see security_rows).
    """
    if isinstance(bind, Connection):
        return _rows(bind)
    with bind.connect() as connection:
        return _rows(connection)


def _rows(connection: Connection) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table.name: [
            tuple(row)
            for row in connection.execute(
                select(table).order_by(*table.primary_key.columns)
            )
        ]
        for table in metadata.sorted_tables
        if table.name != "fanpin_security_log"
    }


def audit_count(bind: Engine | Connection) -> int:
    """How many rows the audit trail holds."""
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return audit_count(connection)
    table = metadata.tables["fanpin_audit_trail"]
    return int(bind.execute(select(func.count()).select_from(table)).scalar_one())


def security_log(bind: Engine | Connection) -> list[dict[str, Any]]:
    """Every field of every security-log row, oldest first."""
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return security_log(connection)
    log = metadata.tables["fanpin_security_log"]
    rows = bind.execute(select(log).order_by(log.c.sequence))
    return [dict(row._mapping) for row in rows]


def security_rows(bind: Engine | Connection) -> list[tuple[Any, ...]]:
    """The security log's rows: (actor, role, command, rule)."""
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return security_rows(connection)
    log = metadata.tables["fanpin_security_log"]
    return [
        tuple(row)
        for row in bind.execute(
            select(
                log.c.actor_id, log.c.actor_role, log.c.command, log.c.rule
            ).order_by(log.c.sequence)
        )
    ]


def case_at_county(
    workflow: Workflow, clock: VirtualClock, household: str = "hh-1"
) -> str:
    """Drive a new inclusion case up to the county's desk; return its id."""
    officer = village_officer()
    case_id = workflow.propose_inclusion(officer, household, VILLAGE).case_id
    assert case_id is not None
    workflow.deliberate(officer, case_id)
    workflow.publish_notice(officer, case_id)
    clock.advance(days=workflow.settings.notice_days)
    workflow.submit(officer, case_id)
    workflow.approve_at_township(township_reviewer(), case_id)
    return case_id


def determine(workflow: Workflow, case_id: str) -> None:
    """The county approves a case."""
    workflow.approve_at_county(county_reviewer(), case_id)
