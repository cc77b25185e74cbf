"""Engines for the two supported backends, and driver-error translation."""

from __future__ import annotations

import contextlib
import sqlite3
import time
import urllib.parse
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy
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

#: The first 16 bytes of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"

#: The largest whole number both backends store (a 64-bit BIGINT).
LARGEST_INTEGER = 2**63 - 1

#: The SQLAlchemy drivers the engine is built and tested with.
_DRIVERS = frozenset({"sqlite", "sqlite+pysqlite", "postgresql+psycopg"})


def database_url(target: str | Path) -> URL:
    """Turn a file path or a URL into the URL of a supported backend.

    Raises:
        InvalidInput: the URL names a backend the engine does not support.
    """
    if not isinstance(target, str | Path) or not str(target).strip():
        raise InvalidInput("target", target, "a SQLite file path or a database URL")
    text = str(target)
    if "\x00" in text:
        raise InvalidInput("target", text, "must not contain a NUL character")
    if "://" not in text:
        # Built, not parsed: a file name may hold "?" or "#".
        return URL.create("sqlite", database=str(Path(text).expanduser()))

    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise InvalidInput("url", text, "not a database URL") from None
    shown = url.render_as_string(hide_password=True)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise InvalidInput("url", shown, "the engine stores to sqlite or postgresql")
    if url.drivername not in _DRIVERS:
        raise InvalidInput(
            "url", shown, f"the engine's drivers are {', '.join(sorted(_DRIVERS))}"
        )
    if url.get_backend_name() == "sqlite" and url.host:
        raise InvalidInput(
            "url",
            shown,
            "a SQLite URL names no host: sqlite:///relative.sqlite or "
            "sqlite:////absolute/path.sqlite",
        )
    return url


def open_engine(
    target: str | Path, *, read_only: bool = False, **options: Any
) -> Engine:
    """Create an engine for a SQLite file or a PostgreSQL URL.

    SQLite runs in WAL mode and starts every write transaction with
    BEGIN IMMEDIATE, so writers of one process queue instead of failing
    with "database is locked".

    With `read_only`, the engine only reads: a SQLite file must exist and
    is opened read-only, so reading it changes none of its bytes and
    leaves no new file beside it; PostgreSQL transactions are READ ONLY.

    Raises:
        InvalidInput: an unsupported URL; with `read_only`, a SQLite target
            that is in memory, missing, a directory or unreadable.
    """
    url = database_url(target)
    # Bound values (reasons, ids) must not travel inside error messages.
    options.setdefault("hide_parameters", True)
    if url.get_backend_name() == "postgresql":
        options.setdefault("pool_pre_ping", True)
        # One snapshot per transaction: a command never sees a case from
        # before a concurrent decision and its object from after it.
        options.setdefault("isolation_level", "REPEATABLE READ")
        if read_only:
            options.setdefault("execution_options", {"postgresql_readonly": True})
        try:
            return create_engine(url, **options)
        except ImportError as error:
            raise InvalidInput(
                "url",
                url.render_as_string(hide_password=True),
                "PostgreSQL needs psycopg: pip install 'fanpin-workflow[postgresql]'",
            ) from error

    if read_only:
        return _sqlite_reader(url, options)
    engine = create_engine(url, **options)
    configure_sqlite(engine)
    return engine


def is_in_memory(url: URL) -> bool:
    """Tell whether a SQLite URL names a database that lives in memory."""
    database = url.database or ""
    return (
        database in ("", ":memory:")
        or database.startswith("file::memory:")
        or url.query.get("mode") == "memory"
    )


def read_sqlite_header(path: Path) -> bytes:
    """The first 16 bytes of a file that exists and can be read.

    Raises:
        InvalidInput: the path is missing, a directory, not a regular file,
            or can't be read; the message says which.
    """
    shown = str(path)
    if path.is_dir():
        raise InvalidInput("db", shown, "is a directory, not a SQLite file")
    if not path.exists():
        raise InvalidInput("db", shown, "no such file")
    if not path.is_file():
        raise InvalidInput("db", shown, "is not a regular file")
    try:
        with path.open("rb") as file:
            return file.read(len(SQLITE_HEADER))
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InvalidInput("db", shown, f"can't be read ({reason})") from error


def _sqlite_reader(url: URL, options: dict[str, Any]) -> Engine:
    """An engine that opens a SQLite file read-only and never writes to it."""
    if is_in_memory(url):
        raise InvalidInput(
            "db",
            url.render_as_string(),
            "an in-memory database holds nothing to read; pass a file path",
        )
    path = Path(str(url.database)).absolute()
    read_sqlite_header(path)

    query = {"mode": "ro", "uri": "true"}
    # Without a WAL file every committed page is in the main file; reading
    # it as immutable takes no lock and creates no -wal or -shm beside it.
    # With one, a writer is at work (or stopped before its checkpoint) and
    # its pages must be read through the WAL it already made.
    if not Path(f"{path}-wal").exists():
        query["immutable"] = "1"
    reader = url.set(database="file:" + urllib.parse.quote(str(path)), query=query)
    engine = create_engine(reader, **options)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    # Ready for a Workflow's queries; a command on it fails as a storage
    # error, the file being read-only.
    _CONFIGURED.add(engine)
    return engine


def check_whole_number(field: str, value: Any, low: int, high: int) -> int:
    """A whole number from `low` to `high` (True and False are not numbers).

    Raises:
        InvalidInput: naming the field, the value and the range.
    """
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or not low <= value <= high
    ):
        raise InvalidInput(field, value, f"a whole number from {low:,} to {high:,}")
    return value


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
        # The timeout first: switching a new file to WAL takes a lock that
        # another connection opening at the same moment may hold.
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            _switch_to_wal(cursor)
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get("fanpin_read_only"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _switch_to_wal(cursor: Any) -> None:
    """Put the file in WAL mode, once; connections racing to switch a new
    file get "database is locked" at once (the busy timeout does not cover
    a change of journal mode), so the loser waits and looks again."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


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
    except sqlalchemy.exc.TimeoutError as error:
        # Every pooled connection stayed busy for the pool's whole timeout.
        raise StorageError(
            f"no database connection came free in time{where}: too many "
            "commands at once for the engine's pool; retry, or open the "
            "engine with a larger pool_size"
        ) from error


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
