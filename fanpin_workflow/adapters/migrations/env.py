"""Alembic environment: runs on a connection the engine hands over."""

from __future__ import annotations

from alembic import context

from fanpin_workflow.adapters.tables import metadata

VERSION_TABLE = "fanpin_alembic_version"

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)

with context.begin_transaction():
    context.run_migrations()
