"""Create or upgrade the engine's schema with the Alembic scripts it ships."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

_SCRIPTS = Path(__file__).with_name("migrations")
VERSION_TABLE = "fanpin_alembic_version"


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.attributes["connection"] = connection
    return config


#: The PostgreSQL advisory lock that lets one process migrate at a time.
_MIGRATION_LOCK = 0x46414E50494E  # "FANPIN"


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (the newest by default).

    Processes upgrading at once take turns: PostgreSQL through an advisory
    lock, SQLite through its write lock.
    """
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
            )
        command.upgrade(_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to `revision` ("base" drops every table)."""
    with engine.begin() as connection:
        command.downgrade(_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None before the first upgrade."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE}
        )
        return context.get_current_revision()


def revisions() -> list[str]:
    """Every revision name `upgrade` accepts: base, head and each script's id."""
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    scripts = ScriptDirectory.from_config(config)
    return ["base", "head", *sorted(s.revision for s in scripts.walk_revisions())]


def head_revision() -> str:
    """The newest revision shipped with this version of the engine."""
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head
