"""`fanpin`: simulate a campaign, summarize a database, migrate a schema."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
import pendulum
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from fanpin_workflow.adapters import schema
from fanpin_workflow.adapters.database import (
    database_url,
    describe,
    open_engine,
    translated_errors,
)
from fanpin_workflow.cli.describe import access_table, workflow_tables
from fanpin_workflow.cli.render import render_summary
from fanpin_workflow.errors import FanpinError
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
    help="Delete an existing SQLite file first (a PostgreSQL database must "
    "hold no monitoring objects).",
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
    with bar:
        task = bar.add_task("simulating", total=slots, day="")

        def on_slot(slot: pendulum.DateTime, due: int) -> None:
            if slot.hour == 17:
                bar.update(task, advance=1, day=slot.to_date_string())

        result = _run(lambda: simulate(database, config, on_slot))
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


@cli.command("migrate")
@click.option("--db", "database", required=True, help="SQLite file or URL.")
@click.option("--revision", default="head", show_default=True)
def migrate_command(database: str, revision: str) -> None:
    """Create or upgrade the engine's tables."""
    known = schema.revisions()
    if revision not in known:
        raise click.ClickException(
            f"revision={revision!r} is refused: must be one of {', '.join(known)}"
        )
    engine = _run(lambda: open_engine(database))
    try:
        with_target = _storage(database)
        _run(lambda: with_target(lambda: schema.upgrade(engine, revision)))
        current = _run(lambda: with_target(lambda: schema.current_revision(engine)))
    finally:
        engine.dispose()
    click.echo(f"schema at revision {current}")


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
    url = _run(lambda: database_url(database))
    if url.get_backend_name() == "sqlite" and not Path(str(url.database)).exists():
        raise click.ClickException(
            f"{url.database} does not exist; run `fanpin simulate` first or pass --db"
        )
    engine = _run(lambda: open_engine(database))
    in_storage = _storage(database)
    try:
        if _run(lambda: in_storage(lambda: schema.current_revision(engine))) is None:
            raise click.ClickException(
                f"{database} holds no fanpin schema; run `fanpin simulate` "
                "or `fanpin migrate` first"
            )
        summary = _run(lambda: in_storage(lambda: summarize(engine)))
        render_summary(summary, console)
    finally:
        engine.dispose()


def _storage(database: str) -> Callable[[Callable[[], T]], T]:
    """Run a storage action, naming the database if the driver fails."""
    where = describe(database_url(database))

    def run(action: Callable[[], T]) -> T:
        with translated_errors(where):
            return action()

    return run


def _prepare_target(database: str, replace: bool) -> None:
    url = _run(lambda: database_url(database))
    if url.get_backend_name() != "sqlite" or not url.database:
        return
    path = Path(url.database)
    if path.exists() and not replace:
        raise click.ClickException(
            f"{path} exists; pass --replace to overwrite it or --db to choose "
            "another file"
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _run(action: Callable[[], T]) -> T:
    """Run `action`, turning a refusal into a one-line CLI error."""
    try:
        return action()
    except FanpinError as error:
        raise click.ClickException(str(error)) from error
