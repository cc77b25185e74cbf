"""The shipped migrations build exactly the schema the code declares."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from fanpin_workflow import Workflow
from fanpin_workflow.adapters import schema
from fanpin_workflow.adapters.database import open_engine
from fanpin_workflow.adapters.tables import metadata


def test_migrations_match_declared_tables(backend_url: str) -> None:
    """Upgrading to head leaves no difference from the declared metadata."""
    engine = open_engine(backend_url)

    schema.upgrade(engine)

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": schema.VERSION_TABLE}
        )
        assert compare_metadata(context, metadata) == []
    assert schema.current_revision(engine) == schema.head_revision()
    engine.dispose()


def test_downgrade_removes_every_table(backend_url: str) -> None:
    """Downgrading to base drops the engine's tables and keeps the host's."""
    engine = open_engine(backend_url)
    with engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE host_orders (id INTEGER PRIMARY KEY, note TEXT)")
        )
        connection.execute(text("INSERT INTO host_orders VALUES (1, 'kept')"))
    schema.upgrade(engine)
    upgraded = set(inspect(engine).get_table_names())

    schema.downgrade(engine, "base")

    names = set(inspect(engine).get_table_names())
    assert upgraded == {"host_orders", schema.VERSION_TABLE} | set(metadata.tables)
    assert names == {"host_orders", schema.VERSION_TABLE}
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT id, note FROM host_orders")).all()
    assert [tuple(row) for row in kept] == [(1, "kept")]
    assert schema.current_revision(engine) is None
    schema.upgrade(engine)
    assert "fanpin_audit_trail" in inspect(engine).get_table_names()
    engine.dispose()


def test_processes_opening_a_new_database_at_once_all_succeed(
    backend_url: str,
) -> None:
    """Eight openers racing to create the schema take turns, and each finds the
    schema the first one made (on PostgreSQL the lock is taken in READ
    COMMITTED, so a waiter's snapshot starts after the first commit)."""

    def open_once(_: int) -> str:
        try:
            Workflow.open(backend_url).close()
        except Exception as error:  # reported, so the test can say which
            return type(error).__name__
        return "ok"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(open_once, range(8)))

    engine = open_engine(backend_url)
    assert outcomes == ["ok"] * 8
    assert schema.current_revision(engine) == schema.head_revision()
    engine.dispose()
