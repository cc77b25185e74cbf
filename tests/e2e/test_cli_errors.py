"""The `fanpin` command line given bad targets: one line, an exit code, and
files left exactly as they were."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pendulum
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import fanpin_workflow.cli.main as cli_main
from fanpin_workflow import Workflow
from fanpin_workflow.adapters import schema
from fanpin_workflow.adapters.database import database_url, describe
from fanpin_workflow.adapters.schema import SchemaOutdated, SchemaTooNew
from fanpin_workflow.cli.main import cli
from fanpin_workflow.simulation.campaign import simulate
from tests.conftest import postgres_url

TINY = ["--households", "200", "--townships", "1", "--villages-per-township", "2"]
HEAD = "0006"
FUTURE = "0099"
NO_SCHEMA = "holds no fanpin schema; run `fanpin simulate` or `fanpin migrate` first"


def fanpin(*arguments: str) -> Result:
    """Run the command line as a user would, without a terminal."""
    return CliRunner().invoke(cli, list(arguments))


def contents(directory: Path) -> dict[str, bytes | None]:
    """Every entry of a directory: a file's bytes, or None for a directory."""
    return {
        entry.name: entry.read_bytes() if entry.is_file() else None
        for entry in sorted(directory.iterdir())
    }


def foreign_sqlite(path: Path) -> Path:
    """A SQLite database of another application (rollback journal mode)."""
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        connection.execute("INSERT INTO notes (body) VALUES ('kept')")
    connection.close()
    return path


def where(url: str) -> str:
    """How the command line names a database in its messages."""
    return describe(database_url(url))


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small simulated campaign database, written once for this module."""
    database = tmp_path_factory.mktemp("campaign") / "campaign.sqlite"
    result = fanpin("simulate", "--db", str(database), "--no-progress", *TINY)
    assert result.exit_code == 0, result.output
    return database


def test_summary_leaves_a_campaign_database_untouched(
    tmp_path: Path, campaign: Path
) -> None:
    """Summarizing a campaign reads it without changing a byte or leaving a
    -wal or -shm file, and ends with the time of its last audit entry."""
    database = Path(shutil.copy(campaign, tmp_path / "campaign.sqlite"))
    before = contents(tmp_path)

    result = fanpin("summary", "--db", str(database))

    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "last audit entry: 2024-06-29 08:00 (Asia/Shanghai)\n"
    )
    assert contents(tmp_path) == before


@pytest.mark.parametrize("kind", ["foreign", "empty"])
def test_summary_refuses_a_file_without_the_schema_unchanged(
    tmp_path: Path, kind: str
) -> None:
    """A SQLite file of another application, or an empty file, is refused
    with one line and keeps its bytes: no WAL switch, no new pages."""
    database = tmp_path / "other.sqlite"
    if kind == "foreign":
        foreign_sqlite(database)
    else:
        database.touch()
    before = contents(tmp_path)

    result = fanpin("summary", "--db", str(database))

    assert result.exit_code == 1
    assert result.output == f"Error: {database} {NO_SCHEMA}\n"
    assert contents(tmp_path) == before


def _set_revision(url: str, revision: str) -> None:
    engine = create_engine(database_url(url))
    with engine.begin() as connection:
        connection.execute(
            text(f"UPDATE {schema.VERSION_TABLE} SET version_num = :revision"),
            {"revision": revision},
        )
    engine.dispose()


def _files_beside(url: str) -> dict[str, bytes | None] | None:
    """The SQLite file's directory, to show it unchanged; None on PostgreSQL."""
    if make_url(database_url(url)).get_backend_name() != "sqlite":
        return None
    return contents(Path(url).parent)


def test_newer_schema_is_refused_by_name(backend_url: str) -> None:
    """A database a newer version migrated is refused by `migrate`, `summary`
    and Workflow.open with SchemaTooNew naming both revisions."""
    assert fanpin("migrate", "--db", backend_url).exit_code == 0
    _set_revision(backend_url, FUTURE)
    before = _files_beside(backend_url)
    message = (
        f"{where(backend_url)} is at schema revision {FUTURE}, which this "
        f"version of fanpin-workflow does not know (its newest is {HEAD}): "
        "a newer version wrote it; upgrade fanpin-workflow to use it."
    )

    migrated = fanpin("migrate", "--db", backend_url)
    summarized = fanpin("summary", "--db", backend_url)
    with pytest.raises(SchemaTooNew) as opened:
        Workflow.open(backend_url)

    assert (migrated.exit_code, migrated.output) == (1, f"Error: {message}\n")
    assert (summarized.exit_code, summarized.output) == (1, f"Error: {message}\n")
    assert str(opened.value) == message
    assert (opened.value.revision, opened.value.head) == (FUTURE, HEAD)
    assert _files_beside(backend_url) == before


def test_older_schema_is_named_and_upgraded(backend_url: str) -> None:
    """A database at an older revision is refused by `summary` and by
    Workflow.open(migrate=False) with its revision, until `migrate` runs."""
    assert fanpin("migrate", "--db", backend_url, "--revision", "0003").exit_code == 0
    message = (
        f"{where(backend_url)} is at schema revision 0003, older than this "
        f"version's {HEAD}; upgrade it with `fanpin migrate` first."
    )

    summarized = fanpin("summary", "--db", backend_url)
    with pytest.raises(SchemaOutdated) as opened:
        Workflow.open(backend_url, migrate=False)
    migrated = fanpin("migrate", "--db", backend_url)

    assert (summarized.exit_code, summarized.output) == (1, f"Error: {message}\n")
    assert str(opened.value) == message
    assert (opened.value.revision, opened.value.head) == ("0003", HEAD)
    assert (migrated.exit_code, migrated.output) == (0, f"schema at revision {HEAD}\n")


def test_migrate_goes_back_only_when_told(backend_url: str) -> None:
    """An older --revision is refused and changes nothing; --downgrade takes
    the schema back, and refuses to go forward."""
    fanpin("migrate", "--db", backend_url)
    engine = create_engine(database_url(backend_url))

    backwards = fanpin("migrate", "--db", backend_url, "--revision", "0001")
    at_head = schema.current_revision(engine)
    down = fanpin("migrate", "--db", backend_url, "--revision", "0003", "--downgrade")
    up = fanpin("migrate", "--db", backend_url, "--revision", "0004", "--downgrade")
    base = fanpin("migrate", "--db", backend_url, "--revision", "base", "--downgrade")

    assert (backwards.exit_code, backwards.output) == (
        1,
        "Error: revision='0001' is refused: older than the database's 0006; an "
        "upgrade only goes forward (`fanpin migrate --downgrade` takes a schema "
        "back).\n",
    )
    assert at_head == HEAD
    assert (down.exit_code, down.output) == (0, "schema at revision 0003\n")
    assert (up.exit_code, up.output) == (
        1,
        "Error: revision='0004' is refused: newer than the database's 0003; a "
        "downgrade only goes back.\n",
    )
    assert (base.exit_code, base.output) == (
        0,
        "schema at revision base (no fanpin tables)\n",
    )
    assert schema.current_revision(engine) is None
    engine.dispose()


def test_replace_keeps_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    """--replace refuses to delete a file that does not start with the SQLite
    header, with one line, and the file keeps its bytes."""
    notes = tmp_path / "notes.txt"
    notes.write_text("precious notes\n")
    before = contents(tmp_path)

    result = fanpin("simulate", "--db", str(notes), "--replace", *TINY)

    assert result.exit_code == 1
    assert result.output == (
        f"Error: {notes} is not a SQLite database; --replace deletes only SQLite "
        "databases: remove it yourself or choose another --db\n"
    )
    assert contents(tmp_path) == before


@pytest.mark.parametrize(
    "arguments",
    [["simulate", "--replace", *TINY], ["simulate", *TINY], ["summary"], ["migrate"]],
    ids=["simulate --replace", "simulate", "summary", "migrate"],
)
def test_a_directory_is_refused(tmp_path: Path, arguments: list[str]) -> None:
    """A directory given as --db is refused with one line and left as it was."""
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "inside.txt").write_text("kept")

    result = fanpin(arguments[0], "--db", str(folder), *arguments[1:])

    assert result.exit_code == 1
    assert result.output == (
        f"Error: {folder} is a directory; --db names a SQLite file or a URL\n"
    )
    assert contents(folder) == {"inside.txt": b"kept"}
    assert contents(tmp_path) == {"folder": None}


def test_replace_reports_an_undeletable_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SQLite file that can't be deleted gives one line, and is kept."""
    database = foreign_sqlite(tmp_path / "locked.sqlite")
    before = contents(tmp_path)

    def refuse(self: Path, missing_ok: bool = False) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "unlink", refuse)
    result = fanpin("simulate", "--db", str(database), "--replace", *TINY)

    assert result.exit_code == 1
    assert result.output == (
        f"Error: can't delete {database} for --replace: Permission denied\n"
    )
    assert contents(tmp_path) == before


def test_replace_deletes_a_sqlite_database_and_its_companions(
    tmp_path: Path,
) -> None:
    """--replace deletes a SQLite database with its -wal and -shm files and
    simulates into a fresh one."""
    database = foreign_sqlite(tmp_path / "old.sqlite")
    Path(f"{database}-wal").write_bytes(b"")
    Path(f"{database}-shm").write_bytes(b"")

    result = fanpin("simulate", "--db", str(database), "--replace", *TINY)

    assert result.exit_code == 0, result.output
    assert list(contents(tmp_path)) == ["old.sqlite"]
    with sqlite3.connect(database) as connection:
        tables = {
            row[0] for row in connection.execute("SELECT name FROM sqlite_master")
        }
    connection.close()
    assert "notes" not in tables
    assert "fanpin_audit_trail" in tables


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_databases_are_refused_up_front(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    """An in-memory SQLite URL is refused before any simulation runs."""
    monkeypatch.chdir(tmp_path)
    ran: list[str] = []
    monkeypatch.setattr(cli_main, "simulate", lambda *a: ran.append("ran"))

    simulated = fanpin("simulate", "--db", url, *TINY)
    summarized = fanpin("summary", "--db", url)

    assert (simulated.exit_code, simulated.output) == (
        1,
        f"Error: {url} is an in-memory database: it would vanish when the run "
        "ends, before its summary is read back; pass a file path or a "
        "PostgreSQL URL\n",
    )
    assert (summarized.exit_code, summarized.output) == (
        1,
        f"Error: {url} is an in-memory database, which holds nothing to "
        "summarize; pass the file or URL the campaign was written to\n",
    )
    assert ran == []
    assert contents(tmp_path) == {}


def test_interrupted_simulation_is_reported_as_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during a simulation prints one line saying the database holds a
    partial campaign and exits 130; its summary shows where the trail ends."""
    stop = pendulum.datetime(2024, 5, 3, 9, tz="Asia/Shanghai")

    def interrupted(database: str, config: Any, hook: Callable[..., None]) -> Any:
        def on_slot(slot: pendulum.DateTime, due: int) -> None:
            hook(slot, due)
            if slot >= stop:
                raise KeyboardInterrupt

        return simulate(database, config, on_slot)

    monkeypatch.setattr(cli_main, "simulate", interrupted)
    database = tmp_path / "partial.sqlite"

    result = fanpin("simulate", "--db", str(database), "--no-progress", *TINY)
    summary = fanpin("summary", "--db", str(database))

    assert result.exit_code == 130
    assert result.output == (
        "Error: interrupted at simulated time 2024-05-03 09:00 (Asia/Shanghai): "
        f"{database} holds a partial campaign; run `fanpin simulate --replace` "
        "to start again.\n"
    )
    assert summary.exit_code == 0
    assert summary.output.startswith(
        "simulation run: partial: simulated to 2024-05-02 of 2024-05-01 to "
        "2024-06-30 (interrupted or failed)\n"
    )
    assert summary.output.endswith(
        "last audit entry: 2024-05-01 08:00 (Asia/Shanghai)\n"
    )
    assert list(contents(tmp_path)) == ["partial.sqlite"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["summary", "--db", ""],
            "target='' is refused: a SQLite file path or a database URL.",
        ),
        (
            ["summary", "--db", "a\x00b.sqlite"],
            "target='a\\x00b.sqlite' is refused: must not contain a NUL character.",
        ),
        (
            ["migrate", "--db", "postgresql+asyncpg://user@127.0.0.1/db"],
            "url='postgresql+asyncpg://user@127.0.0.1/db' is refused: the "
            "engine's drivers are postgresql+psycopg, sqlite, sqlite+pysqlite.",
        ),
        (
            ["migrate", "--db", "postgresql+nodriver://user:secret@host/db"],
            "url='postgresql+nodriver://user:***@host/db' is refused: the "
            "engine's drivers are postgresql+psycopg, sqlite, sqlite+pysqlite.",
        ),
        (
            ["simulate", "--db", "sqlite://relative.sqlite", *TINY],
            "url='sqlite://relative.sqlite' is refused: a SQLite URL names no "
            "host: sqlite:///relative.sqlite or sqlite:////absolute/path.sqlite.",
        ),
        (
            ["migrate", "--db", "postgresql://user@host:notaport/db"],
            "url='postgresql://user@host:notaport/db' is refused: not a database URL.",
        ),
    ],
    ids=["empty", "nul", "asyncpg", "unknown driver", "sqlite host", "bad port"],
)
def test_bad_targets_get_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arguments: list[str], message: str
) -> None:
    """A target that is no usable database is refused with one line naming
    it (never its password) and creates no file."""
    monkeypatch.chdir(tmp_path)

    result = fanpin(*arguments)

    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert contents(tmp_path) == {}


def test_unreadable_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the user may not read is refused by `summary` with one line."""
    database = foreign_sqlite(tmp_path / "private.sqlite")
    before = contents(tmp_path)
    opened = Path.open

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == database:
            raise PermissionError(13, "Permission denied", str(self))
        return opened(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    result = fanpin("summary", "--db", str(database))
    monkeypatch.undo()

    assert (result.exit_code, result.output) == (
        1,
        f"Error: db='{database}' is refused: can't be read (Permission denied).\n",
    )
    assert contents(tmp_path) == before


def test_migrate_refuses_a_read_only_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`migrate` on a file it may not write is refused before opening it, so
    no -wal or -shm file is left beside it."""
    database = foreign_sqlite(tmp_path / "readonly.sqlite")
    before = contents(tmp_path)
    allowed = os.access

    def access(path: Any, mode: int, **options: Any) -> bool:
        return Path(path) != database and allowed(path, mode, **options)

    monkeypatch.setattr(os, "access", access)

    result = fanpin("migrate", "--db", str(database))

    assert (result.exit_code, result.output) == (
        1,
        f"Error: {database} is read-only; `fanpin migrate` needs to write to it\n",
    )
    assert contents(tmp_path) == before


@pytest.mark.parametrize("fault", ["password", "port"])
def test_postgresql_connection_failures_are_one_line(fault: str) -> None:
    """A wrong password or port gives one line naming the server, never the
    password, and no traceback."""
    good = database_url(postgres_url())
    bad = good.set(password="wrong-pass") if fault == "password" else good.set(port=1)
    shown = bad.render_as_string(hide_password=True)
    detail = {
        "password": f'password authentication failed for user "{good.username}"',
        "port": "port 1 failed: Connection refused",
    }[fault]

    result = fanpin("summary", "--db", bad.render_as_string(hide_password=False))

    assert result.exit_code == 1
    assert result.output.startswith(f"Error: the database failed ({shown}): ")
    assert detail in result.output
    assert result.output.count("\n") == 1
    assert "wrong-pass" not in result.output
