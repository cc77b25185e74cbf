"""Cost per lifecycle transition: the engine's batch path against raw Core.

Every household goes through the six steps of an inclusion case: propose,
deliberate, publish_notice, submit, approve_at_township, approve_at_county.
The same number of state changes is made four ways, on one SQLite file
opened by `Workflow.open` (WAL, synchronous=NORMAL, BEGIN IMMEDIATE):

* engine: `Workflow.handle_many` on batches of commands, with a VirtualClock.
  Commands carry `request_id=None`, so the batch skips the look-up of
  earlier request ids; this is the engine's cheapest batch path.
* engine + request ids: the same, every command with a distinct request id
  (one extra SELECT per batch, and the unique index on the audit trail).
* raw per-row: the floor a hand-written implementation reaches, in Core on
  the same tables. Per transition one `UPDATE fanpin_approval_cases SET
  state=..., version=version+1 ... WHERE id=? AND version=?` and one `INSERT
  INTO fanpin_audit_trail`, plus the `UPDATE fanpin_monitoring_objects` of
  the county determination, each a separate `conn.execute`, in one
  transaction per batch.
* raw executemany: the same rows, one `conn.execute(statement, rows)` per
  table per batch: the stricter floor, and what the engine's repositories
  themselves do when they write.

Why: the issue sets a target of at most 2x the raw floor for the engine.
The engine must read what it validates (one SELECT per table per batch) and
runs the domain rules in Python; the floor knows the states and only writes.

What is timed: only the transitions. Inputs are built before the timer
starts: the commands for the engine (the host's input), the case ids and
villages for the raw paths. The raw paths build their parameter rows inside
the timer, as the engine builds its rows from the commands. For the raw
paths the objects and cases are inserted untimed first (the case in state
"start", version 0), so their "propose" is an UPDATE, where the engine's is
an INSERT of the object and the case. The clock moves 5 days (the notice
period) before the submissions, untimed.

Each path runs `--repeats` times (default 3) on fresh households, the order
of the paths rotating between rounds, after an untimed warm-up; the median
is reported because the machine is noisy and shared.

    python benchmarks/transitions_vs_core.py [--households N] [--batch B]
    python benchmarks/transitions_vs_core.py --profile   # cProfile, engine
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pendulum
import sqlalchemy
from sqlalchemy import Connection, Engine, Update, bindparam, func, select

from fanpin_workflow.adapters.tables import (
    approval_cases,
    audit_trail,
    monitoring_objects,
)
from fanpin_workflow.domain.approval import START, CaseEvent, CaseKind, CaseState
from fanpin_workflow.domain.clock import VirtualClock
from fanpin_workflow.domain.jurisdiction import Actor
from fanpin_workflow.domain.lifecycle import ObjectState
from fanpin_workflow.domain.steps import DEFINITION_VERSION
from fanpin_workflow.service import commands as c
from fanpin_workflow.service.workflow import Workflow

TOWNSHIP = "450102001000"
COUNTY = "450102000000"
VILLAGES = tuple(f"450102001{number:03d}" for number in range(1, 21))
NOTICE_DAYS = 5
STEPS_PER_CASE = 6

TOWNSHIP_ACTOR = Actor("township-reviewer", "township_reviewer", "township", TOWNSHIP)
COUNTY_ACTOR = Actor("county-reviewer", "county_reviewer", "county", COUNTY)
VILLAGE_ACTORS = {
    code: Actor(f"officer-{code}", "information_officer", "village", code)
    for code in VILLAGES
}

ENGINE = "engine handle_many"
ENGINE_IDS = "engine handle_many + request ids"
RAW_ROW = "raw Core per-row"
RAW_MANY = "raw Core executemany"
PATHS = (ENGINE, ENGINE_IDS, RAW_ROW, RAW_MANY)


@dataclass
class Household:
    """One household of a run, and the case that includes it once known."""

    id: str
    village: str
    object_id: str = ""
    case_id: str = ""


@dataclass(frozen=True)
class Step:
    """One approval step: the event, the case states, who performs it."""

    event: CaseEvent
    before: str
    after: CaseState
    level: str
    command: type[c.CaseCommand] | None


STEPS = (
    Step(CaseEvent.PROPOSE, START, CaseState.PROPOSED, "village", None),
    Step(
        CaseEvent.DELIBERATE,
        CaseState.PROPOSED,
        CaseState.DELIBERATED,
        "village",
        c.Deliberate,
    ),
    Step(
        CaseEvent.PUBLISH_NOTICE,
        CaseState.DELIBERATED,
        CaseState.IN_NOTICE,
        "village",
        c.PublishNotice,
    ),
    Step(
        CaseEvent.SUBMIT,
        CaseState.IN_NOTICE,
        CaseState.SUBMITTED,
        "village",
        c.SubmitToTownship,
    ),
    Step(
        CaseEvent.APPROVE_AT_TOWNSHIP,
        CaseState.SUBMITTED,
        CaseState.TOWNSHIP_APPROVED,
        "township",
        c.ApproveAtTownship,
    ),
    Step(
        CaseEvent.APPROVE_AT_COUNTY,
        CaseState.TOWNSHIP_APPROVED,
        CaseState.DETERMINED,
        "county",
        c.ApproveAtCounty,
    ),
)


def actor_for(step: Step, village: str) -> Actor:
    """The actor who performs `step` on a case of `village`."""
    if step.level == "county":
        return COUNTY_ACTOR
    if step.level == "township":
        return TOWNSHIP_ACTOR
    return VILLAGE_ACTORS[village]


def new_households(count: int) -> list[Household]:
    """Fresh households spread over the villages, unique across runs."""
    run = uuid.uuid4().hex[:8]
    return [
        Household(f"hh-{run}-{index:06d}", VILLAGES[index % len(VILLAGES)])
        for index in range(count)
    ]


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def advance_clock_before(step: Step, clock: VirtualClock) -> None:
    """Let the public notice run out before the submissions (untimed)."""
    if step.event == CaseEvent.SUBMIT:
        clock.advance(days=NOTICE_DAYS)


# -- (a) the engine ----------------------------------------------------------


def engine_commands(
    step: Step, households: Sequence[Household], request_ids: bool
) -> list[c.Command]:
    """The commands of one step for every household, built untimed."""
    commands: list[c.Command] = []
    for index, household in enumerate(households):
        actor = actor_for(step, household.village)
        request_id = f"{household.id}-{index}-{step.event}" if request_ids else None
        if step.command is None:
            commands.append(
                c.ProposeInclusion(
                    actor=actor,
                    household_id=household.id,
                    village_code=household.village,
                    request_id=request_id,
                )
            )
        else:
            commands.append(
                step.command(
                    actor=actor, case_id=household.case_id, request_id=request_id
                )
            )
    return commands


def run_engine(
    workflow: Workflow,
    clock: VirtualClock,
    households: Sequence[Household],
    batch: int,
    request_ids: bool = False,
) -> float:
    """Take every household through the six steps; return the timed seconds."""
    elapsed = 0.0
    for step in STEPS:
        advance_clock_before(step, clock)
        commands = engine_commands(step, households, request_ids)
        entries = []
        started = time.perf_counter()
        for part in chunks(commands, batch):
            entries.extend(workflow.handle_many(part))
        elapsed += time.perf_counter() - started
        if step.command is None:
            for household, entry in zip(households, entries, strict=True):
                household.object_id = entry.object_id
                household.case_id = entry.case_id or ""
    return elapsed


# -- (b), (c) the raw floor --------------------------------------------------


def insert_raw_rows(
    engine: Engine, clock: VirtualClock, households: Sequence[Household]
) -> None:
    """Insert a candidate object and a not-yet-proposed case each (untimed)."""
    now = clock.now()
    objects, cases = [], []
    for household in households:
        household.object_id = uuid.uuid4().hex
        household.case_id = uuid.uuid4().hex
        objects.append(
            {
                "id": household.object_id,
                "household_id": household.id,
                "village_code": household.village,
                "state": ObjectState.CANDIDATE.value,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        cases.append(
            {
                "id": household.case_id,
                "object_id": household.object_id,
                "kind": CaseKind.INCLUSION.value,
                "village_code": household.village,
                "state": START,
                "proposed_by": VILLAGE_ACTORS[household.village].id,
                "proposed_at": now,
                "first_lead_at": now,
                "version": 0,
                "updated_at": now,
            }
        )
    with engine.begin() as conn:
        conn.execute(monitoring_objects.insert(), objects)
        conn.execute(approval_cases.insert(), cases)


def case_update(step: Step) -> Update:
    """UPDATE one case by id and expected version, bumping the version."""
    table = approval_cases
    values: dict[str, Any] = {
        "state": bindparam("state"),
        "version": table.c.version + 1,
        "updated_at": bindparam("updated_at"),
    }
    if step.event == CaseEvent.PUBLISH_NOTICE:
        values["notice_started_at"] = bindparam("notice_started_at")
        values["notice_ends_at"] = bindparam("notice_ends_at")
    if step.event == CaseEvent.APPROVE_AT_COUNTY:
        values["decided_at"] = bindparam("decided_at")
        values["decided_by"] = bindparam("decided_by")
    return (
        table.update()
        .where(table.c.id == bindparam("b_id"))
        .where(table.c.version == bindparam("b_version"))
        .values(values)
    )


OBJECT_UPDATE = (
    monitoring_objects.update()
    .where(monitoring_objects.c.id == bindparam("b_id"))
    .where(monitoring_objects.c.version == bindparam("b_version"))
    .values(
        state=bindparam("state"),
        version=monitoring_objects.c.version + 1,
        updated_at=bindparam("updated_at"),
    )
)
AUDIT_INSERT = audit_trail.insert()
CASE_UPDATES = {step.event: case_update(step) for step in STEPS}


def raw_rows(
    step: Step, household: Household, version: int, now: pendulum.DateTime
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any]]:
    """The case update, object update (or None) and audit row of one step."""
    actor = actor_for(step, household.village)
    case = {
        "b_id": household.case_id,
        "b_version": version,
        "state": step.after.value,
        "updated_at": now,
    }
    if step.event == CaseEvent.PUBLISH_NOTICE:
        case["notice_started_at"] = now
        case["notice_ends_at"] = now.add(days=NOTICE_DAYS)
    obj = None
    object_from = object_to = None
    if step.event == CaseEvent.PROPOSE:
        object_to = ObjectState.CANDIDATE.value
    if step.event == CaseEvent.APPROVE_AT_COUNTY:
        case["decided_at"] = now
        case["decided_by"] = actor.id
        object_from = ObjectState.CANDIDATE.value
        object_to = ObjectState.INCLUDED.value
        obj = {
            "b_id": household.object_id,
            "b_version": 1,
            "state": object_to,
            "updated_at": now,
        }
    audit = {
        "subject_type": "approval_case",
        "subject_id": household.case_id,
        "event": step.event.value,
        "from_state": None if step.before == START else str(step.before),
        "to_state": step.after.value,
        "object_id": household.object_id,
        "object_from_state": object_from,
        "object_to_state": object_to,
        "actor_id": actor.id,
        "actor_role": actor.role,
        "actor_level": str(actor.level),
        "jurisdiction": actor.jurisdiction,
        "reason": None,
        "occurred_at": now,
        "definition_version": DEFINITION_VERSION,
        "request_id": None,
    }
    return case, obj, audit


def check_rowcount(result: Any, expected: int) -> None:
    """Refuse a write that missed a row, as an optimistic lock would."""
    if result.rowcount != expected:
        raise RuntimeError(f"expected {expected} rows, updated {result.rowcount}")


def write_per_row(
    conn: Connection, step: Step, part: Sequence[Household], version: int, now: Any
) -> None:
    """One conn.execute per statement per transition."""
    statement = CASE_UPDATES[step.event]
    for household in part:
        case, obj, audit = raw_rows(step, household, version, now)
        check_rowcount(conn.execute(statement, case), 1)
        if obj is not None:
            check_rowcount(conn.execute(OBJECT_UPDATE, obj), 1)
        conn.execute(AUDIT_INSERT, audit)


def write_many(
    conn: Connection, step: Step, part: Sequence[Household], version: int, now: Any
) -> None:
    """One conn.execute with a list of rows per table per batch."""
    rows = [raw_rows(step, household, version, now) for household in part]
    check_rowcount(
        conn.execute(CASE_UPDATES[step.event], [r[0] for r in rows]), len(rows)
    )
    objects = [r[1] for r in rows if r[1] is not None]
    if objects:
        check_rowcount(conn.execute(OBJECT_UPDATE, objects), len(objects))
    conn.execute(AUDIT_INSERT, [r[2] for r in rows])


Writer = Callable[[Connection, Step, Sequence[Household], int, Any], None]


def run_raw(
    engine: Engine,
    clock: VirtualClock,
    households: Sequence[Household],
    batch: int,
    write: Writer,
) -> float:
    """Insert the rows untimed, then time the six state moves per case."""
    insert_raw_rows(engine, clock, households)
    elapsed = 0.0
    for version, step in enumerate(STEPS):
        advance_clock_before(step, clock)
        now = clock.now()
        started = time.perf_counter()
        for part in chunks(households, batch):
            with engine.begin() as conn:
                write(conn, step, part, version, now)
        elapsed += time.perf_counter() - started
    return elapsed


# -- the measurement -------------------------------------------------------


def totals(engine: Engine) -> tuple[int, int, int]:
    """Audit rows, determined cases and included objects in the database."""
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(audit_trail)).scalar_one(),
            conn.execute(
                select(func.count())
                .select_from(approval_cases)
                .where(approval_cases.c.state == CaseState.DETERMINED.value)
            ).scalar_one(),
            conn.execute(
                select(func.count())
                .select_from(monitoring_objects)
                .where(monitoring_objects.c.state == ObjectState.INCLUDED.value)
            ).scalar_one(),
        )


def measure(
    path: str, workflow: Workflow, clock: VirtualClock, households: int, batch: int
) -> float:
    """Run one path on fresh households; check its writes; return seconds."""
    engine = workflow.bind
    assert isinstance(engine, Engine)
    people = new_households(households)
    before = totals(engine)
    gc.collect()
    if path == ENGINE:
        seconds = run_engine(workflow, clock, people, batch)
    elif path == ENGINE_IDS:
        seconds = run_engine(workflow, clock, people, batch, request_ids=True)
    elif path == RAW_ROW:
        seconds = run_raw(engine, clock, people, batch, write_per_row)
    else:
        seconds = run_raw(engine, clock, people, batch, write_many)
    after = totals(engine)
    added = tuple(a - b for a, b in zip(after, before, strict=True))
    expected = (households * STEPS_PER_CASE, households, households)
    if added != expected:
        raise RuntimeError(f"{path}: wrote {added}, expected {expected}")
    return seconds


def print_versions() -> None:
    """The versions the numbers depend on."""
    print(
        f"Python {sys.version.split()[0]}, SQLAlchemy {sqlalchemy.__version__}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def print_table(results: dict[str, list[float]], transitions: int) -> None:
    """The median of each path, per transition, and the ratios."""
    medians = {path: statistics.median(runs) for path, runs in results.items()}
    print(f"{'path':<34}{'transitions':>12}{'total s':>10}{'µs/transition':>15}")
    for path, seconds in medians.items():
        per = seconds / transitions * 1e6
        print(f"{path:<34}{transitions:>12,}{seconds:>10.3f}{per:>15.1f}")
    print()
    for engine_path in (ENGINE, ENGINE_IDS):
        label = "engine" if engine_path == ENGINE else "engine+ids"
        for raw, name in ((RAW_ROW, "raw per-row"), (RAW_MANY, "raw executemany")):
            ratio = medians[engine_path] / medians[raw]
            print(f"ratio {label} / {name}: {ratio:.2f}x")
    for raw, name in ((RAW_ROW, "per-row"), (RAW_MANY, "executemany")):
        verdict = "met" if medians[ENGINE] <= 2 * medians[raw] else "NOT met"
        print(f"target engine <= 2x raw {name} floor: {verdict}")
    print("all runs, seconds:")
    for path, runs in results.items():
        print(f"  {path:<34}" + "  ".join(f"{s:.3f}" for s in runs))


def benchmark(
    workflow: Workflow, clock: VirtualClock, args: argparse.Namespace
) -> None:
    """Warm up, then run every path `repeats` times in rotating order."""
    for path in PATHS:
        measure(path, workflow, clock, min(args.batch, 200), args.batch)
    results: dict[str, list[float]] = {path: [] for path in PATHS}
    for round_ in range(args.repeats):
        shift = round_ % len(PATHS)
        for path in PATHS[shift:] + PATHS[:shift]:
            results[path].append(
                measure(path, workflow, clock, args.households, args.batch)
            )
    print_table(results, args.households * STEPS_PER_CASE)


def profile(workflow: Workflow, clock: VirtualClock, args: argparse.Namespace) -> None:
    """Print the top functions by cumulative time of one engine run."""
    measure(ENGINE, workflow, clock, min(args.batch, 200), args.batch)
    profiler = cProfile.Profile()
    profiler.enable()
    measure(ENGINE, workflow, clock, args.households, args.batch)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
    stats.print_stats(args.top)


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the options and run the benchmark (or the profile) once."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile the engine")
    parser.add_argument("--top", type=int, default=10, help="rows of the profile")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as directory:
        database = Path(directory) / "bench.sqlite"
        clock = VirtualClock(pendulum.datetime(2024, 5, 10, 9, tz="Asia/Shanghai"))
        workflow = Workflow.open(database, clock=clock)
        try:
            register_actors(workflow)
            print_versions()
            mode = "cProfile, engine" if args.profile else f"median of {args.repeats}"
            print(
                f"{args.households:,} households x {STEPS_PER_CASE} steps, "
                f"batches of {args.batch:,}, {mode}, "
                "one SQLite file (WAL, synchronous=NORMAL)"
            )
            if args.profile:
                profile(workflow, clock, args)
            else:
                benchmark(workflow, clock, args)
        finally:
            workflow.close()


def register_actors(workflow: Workflow) -> None:
    """Register the areas and people, so the engine's registry check passes
    (its cost is part of what the engine path measures)."""
    admin = Actor("admin", "registry_admin", "county", COUNTY)
    workflow.register_area(admin, COUNTY, "county", "bench county")
    workflow.register_area(admin, TOWNSHIP, "township", "bench township", COUNTY)
    for village in VILLAGES:
        workflow.register_area(admin, village, "village", "bench village", TOWNSHIP)
    starts = dt.date(2024, 1, 1)
    for actor in (TOWNSHIP_ACTOR, COUNTY_ACTOR, *VILLAGE_ACTORS.values()):
        workflow.assign_role(admin, actor.id, actor.role, actor.jurisdiction, starts)


if __name__ == "__main__":
    main()
