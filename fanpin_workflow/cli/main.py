"""`fanpin`: simulate a campaign, summarize a database, print a village's public
notice, migrate a schema."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn, TypeVar

import click
import pendulum
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import URL

from fanpin_workflow.adapters import schema
from fanpin_workflow.adapters.database import (
    SQLITE_HEADER,
    database_url,
    describe,
    is_in_memory,
    open_engine,
    read_sqlite_header,
    translated_errors,
)
from fanpin_workflow.adapters.tables import audit_trail
from fanpin_workflow.cli.describe import access_table, workflow_tables
from fanpin_workflow.cli.render import render_checks, render_notice, render_summary
from fanpin_workflow.domain.clock import CAMPAIGN_ZONE, in_zone
from fanpin_workflow.domain.notice import NoticeLine
from fanpin_workflow.errors import FanpinError
from fanpin_workflow.service.workflow import Workflow
from fanpin_workflow.simulation.campaign import simulate
from fanpin_workflow.simulation.config import SimulationConfig
from fanpin_workflow.simulation.summary import summarize

_DEFAULTS = SimulationConfig()
T = TypeVar("T")


@click.group()
@click.version_option(package_name="fanpin-workflow")
def cli() -> None:
    """Workflow engine for the campaign against falling back into poverty."""


@cli.command("simulate")
@click.option(
    "--db",
    "database",
    default="campaign.sqlite",
    show_default=True,
    help="SQLite file or PostgreSQL URL to write.",
)
@click.option("--households", default=_DEFAULTS.households, show_default=True)
@click.option("--townships", default=_DEFAULTS.townships, show_default=True)
@click.option(
    "--villages-per-township",
    default=_DEFAULTS.villages_per_township,
    show_default=True,
)
@click.option("--seed", default=_DEFAULTS.seed, show_default=True)
@click.option("--year", default=_DEFAULTS.year, show_default=True)
@click.option(
    "--replace",
    is_flag=True,
    help="Delete an existing SQLite database file (and its -wal and -shm) "
    "first; any other file is kept and refused. A PostgreSQL database must "
    "hold no monitoring objects.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar (default: when the terminal is interactive).",
)
def simulate_command(
    database: str,
    households: int,
    townships: int,
    villages_per_township: int,
    seed: int,
    year: int,
    replace: bool,
    progress: bool | None,
) -> None:
    """Simulate the campaign window (1 May - 30 June) for a synthetic county."""
    console = _console()
    config = _run(
        lambda: SimulationConfig(
            households=households,
            townships=townships,
            villages_per_township=villages_per_township,
            seed=seed,
            year=year,
        )
    )
    _prepare_target(database, replace)

    started = time.perf_counter()
    show = sys.stderr.isatty() if progress is None else progress
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[day]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not show,
        transient=True,
    )
    slots = int((config.end - config.start).total_days()) + 1
    reached: list[pendulum.DateTime] = []
    try:
        with bar:
            task = bar.add_task("simulating", total=slots, day="")

            def on_slot(slot: pendulum.DateTime, due: int) -> None:
                reached[:] = [slot]
                if slot.hour == 17:
                    bar.update(task, advance=1, day=slot.to_date_string())

            result = _run(lambda: simulate(database, config, on_slot))
    except KeyboardInterrupt:
        _interrupted(database, reached[0] if reached else None)
    elapsed = time.perf_counter() - started

    console.print(
        f"Simulated {households:,} households in {townships} townships "
        f"({townships * villages_per_township} villages), seed {seed}, "
        f"{config.start.to_date_string()} to {config.end.to_date_string()}, "
        f"in {elapsed:.1f} s."
    )
    total = (
        result.commands_carried_out + result.follow_up_entries + result.sweep_entries
    )
    console.print(
        f"Commands carried out: {result.commands_carried_out:,}; entries written "
        f"by the follow-ups they started: {result.follow_up_entries:,}; by the "
        f"daily overdue sweeps: {result.sweep_entries:,}; together {total:,}."
    )
    console.print(f"Cases started: {result.cases_started:,}.")
    _summary(database, console)


@cli.command("summary")
@click.option("--db", "database", default="campaign.sqlite", show_default=True)
def summary_command(database: str) -> None:
    """Print the campaign summary of an existing database."""
    _summary(database, _console())


@cli.command("notice")
@click.option("--db", "database", default="campaign.sqlite", show_default=True)
@click.option("--village", required=True, help="The village's 12-digit area code.")
@click.option(
    "--at",
    "moment",
    default=None,
    help="When the notice stood (ISO 8601, campaign zone if none given); now "
    "by default.",
)
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV instead of a table.")
def notice_command(
    database: str, village: str, moment: str | None, as_csv: bool
) -> None:
    """Print a village's public notice (公示): no identity numbers, no health."""
    at = _instant("at", moment) if moment is not None else None
    with _existing(database, "post") as (engine, in_storage):
        workflow = Workflow(engine)
        lines = _run(lambda: in_storage(lambda: workflow.public_notice(village, at)))
    if as_csv:
        _notice_csv(lines)
    else:
        render_notice(village, lines, _console())


def _instant(field: str, text: str) -> pendulum.DateTime:
    """A time given on the command line, read in the campaign's zone."""
    try:
        parsed = pendulum.parse(text, tz=CAMPAIGN_ZONE)
    except (ValueError, pendulum.parsing.exceptions.ParserError):
        parsed = None
    if not isinstance(parsed, pendulum.DateTime):
        raise click.ClickException(
            f"{field}={text!r} is refused: a date and time such as 2024-05-12T10:00"
        )
    return parsed


def _day(field: str, text: str) -> dt.date:
    """A date given on the command line."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise click.ClickException(
            f"{field}={text!r} is refused: a date such as 2024-06-30"
        ) from None


def _notice_csv(lines: list[NoticeLine]) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(
        [
            "household",
            "proposal",
            "提议",
            "members",
            "risk_types",
            "risk_types_withheld",
            "posted_at",
            "ends_at",
        ]
    )
    for line in lines:
        writer.writerow(
            [
                line.household_id,
                line.title_en,
                line.title_zh,
                "" if line.members is None else line.members,
                " ".join(line.risk_types),
                "yes" if line.risks_withheld else "no",
                line.posted_at.isoformat(),
                line.ends_at.isoformat(),
            ]
        )


@cli.command("check")
@click.option("--db", "database", default="campaign.sqlite", show_default=True)
@click.option(
    "--within", required=True, help="An area code, or its 6- or 9-digit prefix."
)
@click.option(
    "--on",
    "day",
    default=None,
    help="Count ages on this date, YYYY-MM-DD (default: today in the campaign's "
    "zone; for a simulated campaign give a day of its year).",
)
@click.option("--csv", "as_csv", is_flag=True, help="List every problem as CSV.")
def check_command(database: str, within: str, day: str | None, as_csv: bool) -> None:
    """Run the data-cleaning checks (数据清洗) on an area's households."""
    on = _day("on", day) if day is not None else None
    with _existing(database, "check") as (engine, in_storage):
        workflow = Workflow(engine)
        problems = _run(lambda: in_storage(lambda: workflow.data_checks(within, on)))
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["household", "rule", "severity", "member", "detail"])
        for problem in problems:
            member = "" if problem.member is None else problem.member
            writer.writerow(
                [
                    problem.household_id,
                    problem.rule,
                    problem.severity,
                    member,
                    problem.detail,
                ]
            )
    else:
        render_checks(within, problems, _console())


@cli.command("migrate")
@click.option("--db", "database", required=True, help="SQLite file or URL.")
@click.option("--revision", default="head", show_default=True)
@click.option(
    "--downgrade",
    is_flag=True,
    help="Take the schema back to --revision, dropping the tables and columns "
    "of later revisions with their rows (base: every fanpin table).",
)
def migrate_command(database: str, revision: str, downgrade: bool) -> None:
    """Create or upgrade the engine's tables (or take them back)."""
    known = schema.revisions()
    if revision not in known:
        raise click.ClickException(
            f"revision={revision!r} is refused: must be one of {', '.join(known)}"
        )
    url = _run(lambda: database_url(database))
    _refuse_directory(url)
    if url.get_backend_name() == "sqlite" and not _writable(Path(str(url.database))):
        raise click.ClickException(
            f"{url.database} is read-only; `fanpin migrate` needs to write to it"
        )
    where = describe(url)
    engine = _run(lambda: open_engine(database))
    move = schema.downgrade if downgrade else schema.upgrade
    try:
        with_target = _storage(database)
        _run(lambda: with_target(lambda: move(engine, revision, where=where)))
        current = _run(
            lambda: with_target(lambda: schema.current_revision(engine, where=where))
        )
    finally:
        engine.dispose()
    click.echo(f"schema at revision {current or 'base (no fanpin tables)'}")


@cli.command("describe")
@click.option(
    "--permissions",
    is_flag=True,
    help="Print the permission table instead of the state tables.",
)
def describe_command(permissions: bool) -> None:
    """Print the lifecycle and approval tables (or the permissions) as Markdown."""
    click.echo(access_table() if permissions else workflow_tables(), nl=False)


def _console() -> Console:
    # Piped output gets a width that fits the tables instead of rich's 80.
    return Console(width=None if sys.stdout.isatty() else 120)


def _summary(database: str, console: Console) -> None:
    """Print the summary, reading the database without changing it."""
    with _existing(database, "summarize") as (engine, in_storage):
        summary = _run(lambda: in_storage(lambda: summarize(engine)))
        last = _run(lambda: in_storage(lambda: _last_entry(engine)))
        render_summary(summary, console)
        console.print(last)


@contextlib.contextmanager
def _existing(
    database: str, purpose: str
) -> Iterator[tuple[Engine, Callable[[Callable[[], T]], T]]]:
    """A read-only engine on a database that holds the current fanpin schema.

    Raises:
        click.ClickException: in one line, when it does not.
    """
    url = _run(lambda: database_url(database))
    sqlite = url.get_backend_name() == "sqlite"
    if sqlite and is_in_memory(url):
        raise click.ClickException(
            f"{database} is an in-memory database, which holds nothing to "
            f"{purpose}; pass the file or URL the campaign was written to"
        )
    _refuse_directory(url)
    if sqlite and not Path(str(url.database)).exists():
        raise click.ClickException(
            f"{url.database} does not exist; run `fanpin simulate` first or pass --db"
        )
    where = describe(url)
    engine = _run(lambda: open_engine(database, read_only=True))
    in_storage = _storage(database)
    try:
        current = _run(
            lambda: in_storage(lambda: schema.current_revision(engine, where=where))
        )
        if current is None:
            raise click.ClickException(
                f"{where} holds no fanpin schema; run `fanpin simulate` "
                "or `fanpin migrate` first"
            )
        _run(lambda: in_storage(lambda: schema.check_current(engine, where=where)))
        yield engine, in_storage
    finally:
        engine.dispose()


def _last_entry(engine: Engine) -> str:
    """When the newest audit row was written, in the campaign's zone.

    A run stopped early ends its trail before the campaign window does.
    """
    with engine.connect() as connection:
        newest = connection.execute(select(func.max(audit_trail.c.occurred_at)))
        found = newest.scalar_one()
    if found is None:
        return "last audit entry: none"
    local = in_zone(pendulum.instance(found)).format("YYYY-MM-DD HH:mm")
    return f"last audit entry: {local} ({CAMPAIGN_ZONE})"


def _storage(database: str) -> Callable[[Callable[[], T]], T]:
    """Run a storage action, naming the database if the driver fails."""
    where = describe(database_url(database))

    def run(action: Callable[[], T]) -> T:
        with translated_errors(where):
            return action()

    return run


def _prepare_target(database: str, replace: bool) -> None:
    """Refuse a target the run can't use; with --replace, delete an old one.

    Only a SQLite database (its first bytes say so) is ever deleted, with
    its -wal and -shm; an empty file is written into as it is.
    """
    url = _run(lambda: database_url(database))
    if url.get_backend_name() != "sqlite":
        return
    if is_in_memory(url):
        raise click.ClickException(
            f"{database} is an in-memory database: it would vanish when the run "
            "ends, before its summary is read back; pass a file path or a "
            "PostgreSQL URL"
        )
    _refuse_directory(url)
    path = Path(str(url.database))
    files = [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")]
    present = [file for file in files if file.exists() or file.is_symlink()]
    if not present:
        return
    if not replace:
        raise click.ClickException(
            f"{present[0]} exists; pass --replace to overwrite it or --db to "
            "choose another file"
        )
    for file in present:
        if not file.is_file():
            raise click.ClickException(
                f"{file} is not a regular file; --replace deletes only a SQLite "
                "database and its -wal and -shm files"
            )
    if path in present:
        header = _run(lambda: read_sqlite_header(path))
        if header and header != SQLITE_HEADER:
            raise click.ClickException(
                f"{path} is not a SQLite database; --replace deletes only SQLite "
                "databases: remove it yourself or choose another --db"
            )
        if not header:
            present.remove(path)
    for file in present:
        try:
            file.unlink()
        except OSError as error:
            raise click.ClickException(
                f"can't delete {file} for --replace: {error.strerror or error}"
            ) from error


def _refuse_directory(url: URL) -> None:
    """A SQLite target must be a file: a directory gets a clear refusal."""
    if url.get_backend_name() == "sqlite" and Path(str(url.database)).is_dir():
        raise click.ClickException(
            f"{url.database} is a directory; --db names a SQLite file or a URL"
        )


def _writable(path: Path) -> bool:
    """A missing file can be created; an existing one must allow writing."""
    return not path.is_file() or os.access(path, os.W_OK)


def _interrupted(database: str, reached: pendulum.DateTime | None) -> NoReturn:
    """Say what an interrupted run left behind, and exit as Ctrl-C does."""
    url = database_url(database)
    again = (
        "run `fanpin simulate --replace` to start again"
        if url.get_backend_name() == "sqlite"
        else "drop its tables with `fanpin migrate --downgrade --revision base` "
        "to start again"
    )
    when = (
        f"at simulated time {reached.format('YYYY-MM-DD HH:mm')} ({CAMPAIGN_ZONE})"
        if reached
        else "before the first simulated day"
    )
    click.echo(
        f"Error: interrupted {when}: {describe(url)} holds a partial campaign; "
        f"{again}.",
        err=True,
    )
    sys.exit(130)


def _run(action: Callable[[], T]) -> T:
    """Run `action`, turning a refusal into a one-line CLI error."""
    try:
        return action()
    except FanpinError as error:
        raise click.ClickException(str(error)) from error
