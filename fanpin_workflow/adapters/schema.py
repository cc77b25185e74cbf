"""Create or upgrade the engine's schema with the Alembic scripts it ships."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, text

from fanpin_workflow.adapters.database import describe
from fanpin_workflow.errors import FanpinError, InvalidInput, StorageError

_SCRIPTS = Path(__file__).with_name("migrations")
VERSION_TABLE = "fanpin_alembic_version"


class SchemaMismatch(FanpinError):
    """The database's schema is not the revision this package works with."""

    def __init__(
        self, database: str, revision: str | None, head: str, message: str
    ) -> None:
        self.database = database
        self.revision = revision
        self.head = head
        super().__init__(message)


class SchemaTooNew(SchemaMismatch):
    """A newer fanpin-workflow migrated the database past what this one knows."""

    def __init__(self, database: str, revision: str, head: str) -> None:
        super().__init__(
            database,
            revision,
            head,
            f"{database} is at schema revision {revision}, which this version "
            f"of fanpin-workflow does not know (its newest is {head}): a newer "
            "version wrote it; upgrade fanpin-workflow to use it.",
        )


class SchemaOutdated(SchemaMismatch):
    """The database has no schema yet, or an older one than this package's."""

    def __init__(self, database: str, revision: str | None, head: str) -> None:
        where = (
            "holds no fanpin schema"
            if revision is None
            else f"is at schema revision {revision}, older than this version's {head}"
        )
        super().__init__(
            database,
            revision,
            head,
            f"{database} {where}; upgrade it with `fanpin migrate` first.",
        )


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
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
            )
        current = _current(connection, where)
        if target < _position(current):
            raise InvalidInput(
                "revision",
                revision,
                f"older than the database's {current}; an upgrade only goes "
                "forward (`fanpin migrate --downgrade` takes a schema back)",
            )
        _run(lambda: command.upgrade(_config(connection), revision), where)


def downgrade(engine: Engine, revision: str, *, where: str | None = None) -> None:
    """Take the schema back to `revision` ("base" drops every table).

    The tables and columns of later revisions are dropped with their rows.

    Raises:
        SchemaTooNew: a newer version of the package migrated the database.
        InvalidInput: `revision` is unknown, or newer than the database's.
    """
    where = where or describe(engine.url)
    target = _position(revision)
    with engine.begin() as connection:
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
