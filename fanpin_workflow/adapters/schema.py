"""Create or upgrade the engine's schema with the Alembic scripts it ships."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, text

from fanpin_workflow.adapters.database import describe
from fanpin_workflow.errors import (
    InvalidInput,
    SchemaMismatch,
    SchemaOutdated,
    SchemaTooNew,
    StorageError,
)

_SCRIPTS = Path(__file__).with_name("migrations")
VERSION_TABLE = "fanpin_alembic_version"

__all__ = ["SchemaMismatch", "SchemaOutdated", "SchemaTooNew"]


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.attributes["connection"] = connection
    return config


def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    return ScriptDirectory.from_config(config)


#: The PostgreSQL advisory lock that lets one process migrate at a time.
_MIGRATION_LOCK = 0x46414E50494E  # "FANPIN"


def upgrade(
    engine: Engine, revision: str = "head", *, where: str | None = None
) -> None:
    """Bring the schema up to `revision` (the newest by default).

    Processes upgrading at once take turns: PostgreSQL through an advisory
    lock, SQLite through its write lock.

    Args:
        where: how to name the database in errors (its URL or file by default).

    Raises:
        SchemaTooNew: a newer version of the package migrated the database.
        InvalidInput: `revision` is unknown, or older than the database's
            (going back is `downgrade`).
    """
    where = where or describe(engine.url)
    target = _position(revision)
    with _migrating(engine) as connection:
        current = _current(connection, where)
        if target < _position(current):
            raise InvalidInput(
                "revision",
                revision,
                f"older than the database's {current}; an upgrade only goes "
                "forward (`fanpin migrate --downgrade` takes a schema back)",
            )
        _run(lambda: command.upgrade(_config(connection), revision), where)


@contextlib.contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """One transaction that migrates, taking turns with other processes.

    On PostgreSQL the turn is an advisory lock, taken in READ COMMITTED:
    under the engine's REPEATABLE READ the lock's own statement would fix
    the snapshot before the lock is granted, and a process that waited would
    not see the tables the one before it created.
    """
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="READ COMMITTED")
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"),
                    {"key": _MIGRATION_LOCK},
                )
            yield connection


def downgrade(engine: Engine, revision: str, *, where: str | None = None) -> None:
    """Take the schema back to `revision` ("base" drops every table).

    The tables and columns of later revisions are dropped with their rows.

    Raises:
        SchemaTooNew: a newer version of the package migrated the database.
        InvalidInput: `revision` is unknown, or newer than the database's.
    """
    where = where or describe(engine.url)
    target = _position(revision)
    with _migrating(engine) as connection:
        current = _current(connection, where)
        if target > _position(current):
            raise InvalidInput(
                "revision",
                revision,
                f"newer than the database's {current or 'base'}; a downgrade "
                "only goes back",
            )
        _run(lambda: command.downgrade(_config(connection), revision), where)


def current_revision(engine: Engine, *, where: str | None = None) -> str | None:
    """The revision the database is at, or None before the first upgrade.

    Raises:
        SchemaTooNew: the revision is not one this package ships.
    """
    with engine.connect() as connection:
        return _current(connection, where or describe(engine.url))


def check_current(engine: Engine, *, where: str | None = None) -> str:
    """Make sure the database is at this package's newest revision.

    Raises:
        SchemaOutdated: it has no schema, or an older one.
        SchemaTooNew: a newer version of the package migrated it.
    """
    where = where or describe(engine.url)
    current = current_revision(engine, where=where)
    head = head_revision()
    if current != head:
        raise SchemaOutdated(where, current, head)
    return head


def revisions() -> list[str]:
    """Every revision name `upgrade` accepts: base, head and each script's id."""
    return ["base", "head", *_ordered()]


def head_revision() -> str:
    """The newest revision shipped with this version of the engine."""
    head = _scripts().get_current_head()
    assert head is not None
    return head


def _ordered() -> list[str]:
    """The shipped revisions, oldest first (they form one line)."""
    return [script.revision for script in reversed(list(_scripts().walk_revisions()))]


def _position(revision: str | None) -> int:
    """0 for no schema, n for the n-th shipped revision."""
    ordered = _ordered()
    if revision in (None, "base"):
        return 0
    if revision == "head":
        return len(ordered)
    if revision not in ordered:
        raise InvalidInput(
            "revision", revision, f"must be one of {', '.join(revisions())}"
        )
    return ordered.index(revision) + 1


def _current(connection: Connection, where: str) -> str | None:
    """The database's revision, refused when this package does not ship it."""
    context = MigrationContext.configure(
        connection, opts={"version_table": VERSION_TABLE}
    )
    heads = context.get_current_heads()
    if not heads:
        return None
    if len(heads) > 1 or heads[0] not in _ordered():
        raise SchemaTooNew(where, ", ".join(heads), head_revision())
    return heads[0]


def _run(step: Callable[[], None], where: str) -> None:
    """Run an Alembic command, its failures translated."""
    try:
        step()
    except CommandError as error:
        raise StorageError(f"the migration failed ({where}): {error}") from error
