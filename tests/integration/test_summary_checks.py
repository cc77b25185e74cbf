"""Negative controls for the summary's checks: a tiny simulation, then rows
tampered with SQL behind the engine's back; each check counts exactly them."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    insert,
    select,
    text,
    update,
)

from fanpin_workflow.adapters.database import database_url
from fanpin_workflow.adapters.tables import (
    approval_cases,
    audit_trail,
    household_members,
    households,
    monitoring_objects,
)
from fanpin_workflow.cli.main import cli
from fanpin_workflow.simulation.summary import CampaignSummary, summarize
from tests.conftest import postgres_url

TINY = [
    "--households",
    "300",
    "--townships",
    "1",
    "--villages-per-township",
    "2",
    "--seed",
    "3",
]

#: The monitoring line of the simulated campaign, in fen per person a year.
LINE_FEN = 7300_00


@attrs.frozen
class Checks:
    """What the summary's checks report."""

    objects_off_trail: int
    cases_off_trail: int
    access_violations: int
    determined: int
    eligible_on_recheck: int
    safety_net_eliminated: int


def checks(summary: CampaignSummary) -> Checks:
    """The check figures of a summary."""
    eliminations = summary.eliminations
    assert eliminations is not None
    return Checks(
        summary.objects_off_trail,
        summary.cases_off_trail,
        summary.access_violations,
        eliminations.determined,
        eliminations.eligible_on_recheck,
        eliminations.safety_net_eliminated,
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def simulated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A tiny simulated campaign on each backend (one per module: each test
    tampers inside a transaction it rolls back), and an engine on it."""
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("summary") / "tiny.sqlite")
        schema = None
    else:
        base = database_url(postgres_url())
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with create_engine(base).begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        options = {"options": f"-csearch_path={schema}"}
        url = base.update_query_dict(options).render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["simulate", "--db", url, "--no-progress", *TINY])
    assert result.exit_code == 0, result.output
    engine = create_engine(database_url(url))
    yield engine
    engine.dispose()
    if schema is not None:
        admin = create_engine(database_url(postgres_url()))
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def clean(simulated: Engine) -> Checks:
    """The checks of the untouched simulation: nothing off, every elimination
    eligible, none of a safety-net household."""
    found = checks(summarize(simulated))
    assert found == Checks(0, 0, 0, found.determined, found.determined, 0)
    assert found.determined >= 2
    return found


def _ids(connection: Connection, statement: Any, count: int) -> list[str]:
    found = [row[0] for row in connection.execute(statement.limit(count))]
    assert len(found) == count
    return found


def _eliminated(connection: Connection, count: int) -> list[str]:
    """Households the county determined risk-eliminated (imported ones are
    not the county's decision and the re-check leaves them out)."""
    statement = (
        select(monitoring_objects.c.household_id)
        .join(audit_trail, audit_trail.c.object_id == monitoring_objects.c.id)
        .where(
            monitoring_objects.c.state == "risk_eliminated",
            audit_trail.c.event == "approve_at_county",
            audit_trail.c.object_to_state == "risk_eliminated",
        )
        .order_by(monitoring_objects.c.household_id)
    )
    return _ids(connection, statement, count)


def _objects_moved(connection: Connection) -> None:
    """Two included objects moved to cleared_out without an audit row."""
    chosen = _ids(
        connection,
        select(monitoring_objects.c.id)
        .where(monitoring_objects.c.state == "included")
        .order_by(monitoring_objects.c.id),
        2,
    )
    connection.execute(
        update(monitoring_objects)
        .where(monitoring_objects.c.id.in_(chosen))
        .values(state="cleared_out")
    )


def _case_moved(connection: Connection) -> None:
    """One determined case set to declined without an audit row."""
    chosen = _ids(
        connection,
        select(approval_cases.c.id)
        .where(approval_cases.c.state == "determined")
        .order_by(approval_cases.c.id),
        1,
    )
    connection.execute(
        update(approval_cases)
        .where(approval_cases.c.id.in_(chosen))
        .values(state="declined")
    )


def _forged_rows(connection: Connection) -> None:
    """Two audit rows by actors the engine would have refused: a role the
    table does not allow the command, and a role nobody holds there."""
    template = connection.execute(
        select(audit_trail)
        .where(audit_trail.c.command == "register_household")
        .order_by(audit_trail.c.sequence)
        .limit(1)
    ).one()
    row = {k: v for k, v in template._mapping.items() if k != "sequence"}
    row.update(request_id=None, request_fingerprint=None)
    connection.execute(
        insert(audit_trail),
        [
            {**row, "actor_role": "township_reviewer", "actor_level": "township"},
            {**row, "actor_id": "nobody-registered"},
        ],
    )


def _income_at_the_line(connection: Connection) -> None:
    """One eliminated household's net income set exactly at the line."""
    _set_income(connection, _eliminated(connection, 1)[0], LINE_FEN)


def _income_a_yuan_above(connection: Connection) -> None:
    """One eliminated household one yuan per person above the line: still
    eligible (the control of the control)."""
    _set_income(connection, _eliminated(connection, 1)[0], LINE_FEN + 100)


def _set_income(connection: Connection, household_id: str, per_person: int) -> None:
    members = connection.execute(
        select(household_members.c.position).where(
            household_members.c.household_id == household_id
        )
    ).all()
    connection.execute(
        update(households)
        .where(households.c.id == household_id)
        .values(
            wage_income=per_person * len(members),
            business_income=0,
            property_income=0,
            transfer_income=0,
            business_expenses=0,
            compliant_expenses=0,
        )
    )


def _safety_net(connection: Connection) -> None:
    """One eliminated household turned into a no-labour safety-net household."""
    household_id = _eliminated(connection, 1)[0]
    connection.execute(
        update(household_members)
        .where(household_members.c.household_id == household_id)
        .values(labour_skill="none", subsistence_allowance=True)
    )


TAMPERS: dict[str, tuple[Callable[[Connection], None], dict[str, int]]] = {
    "object_state": (_objects_moved, {"objects_off_trail": 2}),
    "case_state": (_case_moved, {"cases_off_trail": 1}),
    "forged_actors": (_forged_rows, {"access_violations": 2}),
    "income_at_line": (_income_at_the_line, {"eligible_on_recheck": -1}),
    "income_above_line": (_income_a_yuan_above, {}),
    "safety_net": (
        _safety_net,
        {"safety_net_eliminated": 1, "eligible_on_recheck": -1},
    ),
}


@pytest.mark.parametrize("tamper", sorted(TAMPERS))
def test_each_check_counts_exactly_what_was_tampered(
    simulated: Engine, clean: Checks, tamper: str
) -> None:
    """A tampered row moves its own check by exactly the tampered count and
    leaves every other check as it was."""
    change, moved = TAMPERS[tamper]
    expected = attrs.evolve(
        clean, **{name: getattr(clean, name) + delta for name, delta in moved.items()}
    )

    with simulated.connect() as connection, connection.begin() as transaction:
        change(connection)
        found = checks(summarize(connection))
        transaction.rollback()

    assert found == expected
    assert checks(summarize(simulated)) == clean
