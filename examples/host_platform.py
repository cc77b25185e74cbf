"""A host platform that embeds the engine inside its own transactions.

The host keeps its own table of notifications beside the engine's tables,
in the same SQLite file. When the county determines a case, the host writes
the state change and its notification in one transaction: both land, or
neither does.

Run it: .venv/bin/python examples/host_platform.py [DATABASE]
(a SQLite file, or a postgresql:// URL; a throwaway file by default).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import uuid
from pathlib import Path

import pendulum
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from fanpin_workflow import Actor, VirtualClock, Workflow
from fanpin_workflow.adapters import schema
from fanpin_workflow.adapters.database import open_engine
from fanpin_workflow.errors import FanpinError

host_metadata = MetaData()
notifications = Table(
    "host_notifications",
    host_metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", String(64), nullable=False),
    Column("message", String(200), nullable=False),
)

VILLAGE = "450123101201"
officer = Actor("officer-1", "information_officer", "village", VILLAGE)
township = Actor("reviewer-1", "township_reviewer", "township", "450123101000")
county = Actor("reviewer-9", "county_reviewer", "county", "450123000000")


def main(database: str | Path) -> None:
    """Propose, approve and determine one case, notifying inside the host's work."""
    engine = open_engine(database)
    schema.upgrade(engine)
    host_metadata.create_all(engine)
    clock = VirtualClock(pendulum.datetime(2024, 5, 12, 10, tz="Asia/Shanghai"))
    _register_people(Workflow(engine, clock=clock))

    with engine.connect() as connection:
        workflow = Workflow(connection, clock=clock)
        with connection.begin():
            household = f"hh-{uuid.uuid4().hex[:8]}"
            case_id = workflow.propose_inclusion(officer, household, VILLAGE).case_id
            assert case_id is not None
            workflow.deliberate(officer, case_id)
            workflow.publish_notice(officer, case_id)

        clock.advance(days=5)
        with connection.begin():
            workflow.submit(officer, case_id)
            workflow.approve_at_township(township, case_id)

        # A refusal inside the host's transaction undoes only itself.
        with connection.begin():
            try:
                workflow.approve_at_county(officer, case_id)
            except FanpinError as refusal:
                print(f"refused: {refusal}")
            entry = workflow.approve_at_county(county, case_id)
            connection.execute(
                insert(notifications).values(
                    case_id=case_id,
                    message=f"case determined: {entry.object_to_state}",
                )
            )

        messages = connection.execute(select(notifications.c.message)).scalars()
        print("host notifications:", list(messages))
        print("audit entries:", len(workflow.case_history(case_id)))
    engine.dispose()


def _register_people(workflow: Workflow) -> None:
    """Register the areas and the three people, once per database."""
    if workflow.objects(limit=1) or _registered(workflow):
        return
    admin = Actor("admin-1", "registry_admin", "county", "450123000000")
    workflow.register_area(admin, "450123000000", "county", "Example county")
    workflow.register_area(
        admin, "450123101000", "township", "Example township", "450123000000"
    )
    workflow.register_area(admin, VILLAGE, "village", "Example village", "450123101000")
    for person in (officer, township, county):
        workflow.assign_role(
            admin, person.id, person.role, person.jurisdiction, dt.date(2024, 1, 1)
        )


def _registered(workflow: Workflow) -> bool:
    return bool(workflow.history("area", "450123000000"))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        with tempfile.TemporaryDirectory() as folder:
            main(Path(folder) / "host.sqlite")
