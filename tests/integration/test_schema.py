"""The shipped migrations build exactly the schema the code declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

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
