"""Engines for the two supported backends, and driver-error translation."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError

from fanpin_workflow.errors import (
    ConcurrencyConflict,
    FanpinError,
    InvalidInput,
    StorageError,
)

_CONFIGURED: weakref.WeakSet[Engine] = weakref.WeakSet()

#: PostgreSQL's serialization failure and deadlock: another writer won.
_CONFLICT_STATES = frozenset({"40001", "40P01"})

#: How long a SQLite writer waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def database_url(target: str | Path) -> URL:
    """Turn a file path or a URL into the URL of a supported backend.

    Raises:
        InvalidInput: the URL names a backend the engine does not support.
    """
    if not isinstance(target, str | Path) or not str(target).strip():
        raise InvalidInput("target", target, "a SQLite file path or a database URL")
    text = str(target)
    if "://" not in text:
        return make_url(f"sqlite:///{Path(text).expanduser()}")

    try:
        url = make_url(text)
    except ArgumentError:
        raise InvalidInput("url", text, "not a database URL") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise InvalidInput(
            "url",
            url.render_as_string(hide_password=True),
            "the engine stores to sqlite or postgresql",
        )
    return url


def open_engine(target: str | Path, **options: Any) -> Engine:
    """Create an engine for a SQLite file or a PostgreSQL URL.

    SQLite runs in WAL mode and starts every write transaction with
    BEGIN IMMEDIATE, so writers of one process queue instead of failing
    with "database is locked".
    """
    url = database_url(target)
    # Bound values (reasons, ids) must not travel inside error messages.
    options.setdefault("hide_parameters", True)
    if url.get_backend_name() == "postgresql":
        options.setdefault("pool_pre_ping", True)
        # One snapshot per transaction: a command never sees a case from
        # before a concurrent decision and its object from after it.
        options.setdefault("isolation_level", "REPEATABLE READ")
        return create_engine(url, **options)

    engine = create_engine(url, **options)
    configure_sqlite(engine)
    return engine


def is_ready(engine: Engine) -> bool:
    """Tell whether the engine can carry the workflow's transactions."""
    return engine.dialect.name != "sqlite" or engine in _CONFIGURED


def configure_sqlite(engine: Engine) -> None:
    """Prepare a host's own SQLite engine for the workflow: WAL, a busy
    timeout, foreign keys, and write transactions that begin IMMEDIATE.

    Call it once, right after creating the engine and before its first
    connection; `open_engine` does it for engines it makes.
    """
    if engine in _CONFIGURED:
        return
    _CONFIGURED.add(engine)
    # Connections opened before now would keep pysqlite's own transactions.
    engine.dispose()

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        # Take transaction control away from pysqlite; SQLAlchemy's
        # "begin" hook below decides how each transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get("fanpin_read_only"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextlib.contextmanager
def translated_errors(target: str | None = None) -> Iterator[None]:
    """Re-raise driver failures as StorageError, keeping the cause.

    Integrity errors pass through: the caller knows which rule they broke.
    """
    where = f" ({target})" if target else ""
    try:
        yield
    except IntegrityError:
        raise
    except DBAPIError as error:
        state = getattr(error.orig, "sqlstate", None)
        if state in _CONFLICT_STATES:
            raise ConcurrencyConflict(
                "transaction", target or "database", "a concurrent write"
            ) from error
        reason = str(error.orig).strip().splitlines()[0] if error.orig else error
        raise StorageError(f"the database failed{where}: {reason}") from error


def integrity_refusal(error: IntegrityError, size: int) -> FanpinError:
    """What a broken database rule means, without the values that broke it.

    A uniqueness rule broken at commit means another writer got there
    first (retryable); any other rule means the input was wrong.
    """
    rule = _constraint(error)
    text = str(error.orig)
    unique = "UNIQUE" in text or getattr(error.orig, "sqlstate", "") == "23505"
    if unique:
        return ConcurrencyConflict(
            "batch",
            f"of {size}",
            f"a uniqueness rule ({rule}) met by another writer",
        )
    return InvalidInput("record", rule, "breaks a rule of the database")


def _constraint(error: IntegrityError) -> str:
    diag = getattr(error.orig, "diag", None)
    name = getattr(diag, "constraint_name", None) or getattr(diag, "column_name", None)
    if name:
        return str(name)
    # SQLite says "UNIQUE constraint failed: table.column": names, no values.
    text = str(error.orig)
    return text.split(":", 1)[1].strip() if ":" in text else "a constraint"


def describe(url: URL) -> str:
    """A URL or a file path fit for an error message: no password."""
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=True)
