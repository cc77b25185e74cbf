"""The `fanpin` command line, as a user runs it."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from fanpin_workflow.adapters.database import database_url
from fanpin_workflow.cli.main import cli
from fanpin_workflow.domain.settings import ApprovalSettings
from fanpin_workflow.simulation.summary import summarize
from tests.conftest import backend_name

SMALL = ["--households", "3000", "--townships", "3", "--villages-per-township", "4"]


def _simulate(database: str, *extra: str) -> str:
    result = CliRunner().invoke(
        cli, ["simulate", "--db", database, "--no-progress", *SMALL, *extra]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _without_timing(output: str) -> str:
    return re.sub(r" in \d+\.\d s\.", "", output)


def test_same_seed_same_summary(tmp_path: Path) -> None:
    """Two runs with one seed print identical summaries, digest included."""
    first = _simulate(str(tmp_path / "a.sqlite"), "--seed", "7")
    second = _simulate(str(tmp_path / "b.sqlite"), "--seed", "7")
    other = _simulate(str(tmp_path / "c.sqlite"), "--seed", "8")

    assert _without_timing(first) == _without_timing(second)
    assert _without_timing(first) != _without_timing(other)
    assert "audit digest:" in first


def test_audit_rows_equal_commands_and_follow_ups(backend_url: str) -> None:
    """Every command and every follow-up it started left exactly one audit row,
    and every elimination passes the rule when re-checked from storage."""
    output = _simulate(backend_url, "--seed", "3")

    figures = re.search(
        r"Commands carried out: ([\d,]+); entries written by the follow-ups "
        r"they started: ([\d,]+); by the daily overdue sweeps: ([\d,]+)",
        output,
    )
    assert figures is not None
    carried, followed, swept = (int(g.replace(",", "")) for g in figures.groups())
    engine = create_engine(database_url(backend_url))
    summary = summarize(engine, ApprovalSettings())
    engine.dispose()
    assert summary.audit_rows == carried + followed + swept
    assert summary.run == "complete: the whole window, 2024-05-01 to 2024-06-30"
    assert carried > 10_000 and followed > 0 and swept > 0
    assert summary.access_violations == 0
    assert summary.escalations > 0
    assert set(summary.tasks_by_stage) == {
        "assistance",
        "data_entry",
        "investigation",
        "preparation",
        "summary",
    }
    assert summary.objects_off_trail == 0
    assert summary.cases_off_trail == 0
    assert sum(summary.returns_by_level.values()) > 0
    assert summary.inclusions_within_limit + summary.inclusions_beyond_limit > 0
    assert summary.eliminations is not None
    assert summary.eliminations.determined > 0
    assert summary.eliminations.eligible_on_recheck == summary.eliminations.determined
    assert summary.eliminations.safety_net_eliminated == 0
    assert summary.households == 3000


def test_existing_file_is_kept_without_replace(tmp_path: Path) -> None:
    """Simulating into an existing file is refused unless --replace is given."""
    database = tmp_path / "kept.sqlite"
    database.write_bytes(b"host data")

    result = CliRunner().invoke(cli, ["simulate", "--db", str(database), *SMALL])

    assert result.exit_code == 1
    assert "exists; pass --replace" in result.output
    assert database.read_bytes() == b"host data"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--households", "0", "households=0 is refused"),
        ("--townships", "1000", "townships=1000 is refused"),
        ("--db", "mysql://host/db", "the engine stores to sqlite or postgresql"),
    ],
)
def test_bad_options_are_named(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    """A bad option is refused with its name, value and rule, and no traceback."""
    arguments = ["simulate", "--db", str(tmp_path / "x.sqlite"), option, value]

    result = CliRunner().invoke(cli, arguments)

    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_summary_of_a_database_without_schema(tmp_path: Path) -> None:
    """Summarizing a host database the engine never wrote explains what to run."""
    database = tmp_path / "host.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE host_things (id INTEGER PRIMARY KEY)")

    result = CliRunner().invoke(cli, ["summary", "--db", str(database)])

    assert result.exit_code == 1
    assert "holds no fanpin schema" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["summary", "--db", "{dir}/absent.sqlite"], "absent.sqlite does not exist"),
        (
            ["migrate", "--db", "{dir}/m.sqlite", "--revision", "bogus"],
            "revision='bogus' is refused: must be one of base, head, 0001",
        ),
        (
            ["summary", "--db", "{dir}/junk.sqlite"],
            "the database failed ({dir}/junk.sqlite): file is not a database",
        ),
    ],
)
def test_failed_commands_create_nothing(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    """A refused command prints one line, no traceback, and leaves no new file."""
    (tmp_path / "junk.sqlite").write_text("not a database")
    before = sorted(p.name for p in tmp_path.iterdir())

    result = CliRunner().invoke(cli, [a.format(dir=tmp_path) for a in arguments])

    assert result.exit_code == 1
    assert message.format(dir=tmp_path) in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_simulation_refuses_a_populated_database(backend_url: str) -> None:
    """A second simulation into the same database is refused and writes nothing."""
    _simulate(backend_url, "--seed", "5")
    engine = create_engine(database_url(backend_url))
    before = summarize(engine, ApprovalSettings())

    result = CliRunner().invoke(
        cli, ["simulate", "--db", backend_url, "--no-progress", *SMALL]
    )

    expected = {
        "sqlite": "exists; pass --replace",
        "postgresql": "a simulation needs a database without monitoring objects",
    }[backend_name(backend_url)]
    assert result.exit_code == 1
    assert expected in result.output
    password = make_url(database_url(backend_url)).password
    assert not password or str(password) not in result.output
    assert summarize(engine, ApprovalSettings()) == before
    engine.dispose()
