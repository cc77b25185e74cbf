"""Fixtures shared by every test layer: backends, clocks, actors."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from fanpin_workflow import Actor, VirtualClock, Workflow
from fanpin_workflow.adapters.database import database_url

POSTGRES_ENV = "FANPIN_TEST_POSTGRES_URL"

VILLAGE = "450123101201"
NEIGHBOUR_VILLAGE = "450123101202"
TOWNSHIP = "450123101000"
OTHER_TOWNSHIP = "450123102000"
OTHER_TOWNSHIP_VILLAGE = "450123102201"
COUNTY = "450123000000"
OTHER_COUNTY = "450124000000"


def postgres_url() -> str:
    """The test server's URL; CI fails rather than skip without one."""
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"{POSTGRES_ENV} is not set: CI must run the PostgreSQL tests")
    pytest.skip(f"needs {POSTGRES_ENV}; `make test` starts a server when it can")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh empty database on each backend: a file, or a private schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "fanpin.sqlite")
        return

    base = database_url(postgres_url())
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def clock() -> VirtualClock:
    """A virtual clock at 10 May 2024, 09:00 in Asia/Shanghai."""
    return VirtualClock(pendulum.datetime(2024, 5, 10, 9, tz="Asia/Shanghai"))


@pytest.fixture
def workflow(backend_url: str, clock: VirtualClock) -> Iterator[Workflow]:
    """A workflow on a fresh database of each backend, with the test cast
    registered."""
    opened = Workflow.open(backend_url, clock=clock)
    register_cast(opened)
    yield opened
    opened.close()


def admin(code: str = COUNTY) -> Actor:
    """The registry administrator of the county of an area (host-vouched)."""
    county = code[:6] + "000000"
    return Actor(f"admin-{county[:6]}", "registry_admin", "county", county)


#: Everyone the storage tests act as: (person, role, areas).
CAST: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("officer-1", "information_officer", (VILLAGE, NEIGHBOUR_VILLAGE)),
    ("officer-1", "information_officer", (OTHER_TOWNSHIP_VILLAGE,)),
    ("leader-1", "village_grid_leader", (VILLAGE, NEIGHBOUR_VILLAGE)),
    ("grid-member-1", "grid_member", (VILLAGE, NEIGHBOUR_VILLAGE)),
    ("grid-member-2", "grid_member", (VILLAGE,)),
    ("cadre-7", "information_officer", (VILLAGE,)),
    ("cadre-7", "county_reviewer", (COUNTY,)),
    ("liaison-1", "township_liaison", (TOWNSHIP,)),
    ("reviewer-t1", "township_reviewer", (TOWNSHIP, OTHER_TOWNSHIP)),
    ("reviewer-c1", "county_reviewer", (COUNTY, OTHER_COUNTY)),
    ("reviewer-c2", "county_reviewer", (COUNTY,)),
)


def register_cast(workflow: Workflow) -> None:
    """Register the test areas and give the CAST their roles from 1 Jan 2024."""
    for code, level, parent in (
        (COUNTY, "county", None),
        (OTHER_COUNTY, "county", None),
        (TOWNSHIP, "township", COUNTY),
        (OTHER_TOWNSHIP, "township", COUNTY),
        (VILLAGE, "village", TOWNSHIP),
        (NEIGHBOUR_VILLAGE, "village", TOWNSHIP),
        (OTHER_TOWNSHIP_VILLAGE, "village", OTHER_TOWNSHIP),
    ):
        workflow.register_area(admin(code), code, level, f"area {code}", parent)
    for person, role, codes in CAST:
        for code in codes:
            workflow.assign_role(admin(code), person, role, code, dt.date(2024, 1, 1))


def grid_member(code: str = VILLAGE, person: str = "grid-member-1") -> Actor:
    """A grid member (一级网格员) of a village."""
    return Actor(person, "grid_member", "village", code)


def village_leader(code: str = VILLAGE, person: str = "leader-1") -> Actor:
    """The village's grid leader (三级网格长)."""
    return Actor(person, "village_grid_leader", "village", code)


@pytest.fixture
def engine(workflow: Workflow) -> Engine:
    """The engine behind the workflow fixture."""
    assert isinstance(workflow.bind, Engine)
    return workflow.bind


def village_officer(code: str = VILLAGE, person: str = "officer-1") -> Actor:
    """The monitoring information officer of a village."""
    return Actor(person, "information_officer", "village", code)


def township_reviewer(code: str = TOWNSHIP, person: str = "reviewer-t1") -> Actor:
    """A township reviewer."""
    return Actor(person, "township_reviewer", "township", code)


def county_reviewer(code: str = COUNTY, person: str = "reviewer-c1") -> Actor:
    """A county reviewer."""
    return Actor(person, "county_reviewer", "county", code)


def backend_name(url: str) -> str:
    """The backend a test URL points at."""
    return make_url(database_url(url)).get_backend_name()
