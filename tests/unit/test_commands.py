"""Tests of command construction: bad values are refused, naming the field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pendulum
import pytest

from fanpin_workflow.domain.approval import CaseEvent, CaseKind, Level
from fanpin_workflow.domain.jurisdiction import Actor
from fanpin_workflow.domain.lifecycle import ObjectState
from fanpin_workflow.errors import InvalidInput
from fanpin_workflow.service.commands import (
    CASE_COMMANDS,
    Deliberate,
    ImportMonitoringObject,
    ProposeChange,
    ProposeInclusion,
    ReturnToVillage,
)

VILLAGE = "450123101201"
PROPOSER = Actor("v-1", "monitoring_officer", Level.VILLAGE, VILLAGE)
DETERMINER = Actor("c-1", "county_determiner", Level.COUNTY, "450123000000")


def inclusion(**overrides: Any) -> ProposeInclusion:
    """Build a valid ProposeInclusion with `overrides` applied."""
    fields: dict[str, Any] = {
        "actor": PROPOSER,
        "household_id": "hh-1",
        "village_code": VILLAGE,
    }
    return ProposeInclusion(**(fields | overrides))


def change(**overrides: Any) -> ProposeChange:
    """Build a valid ProposeChange with `overrides` applied."""
    fields: dict[str, Any] = {
        "actor": PROPOSER,
        "object_id": "mo-1",
        "kind": "risk_elimination",
    }
    return ProposeChange(**(fields | overrides))


def test_valid_inclusion_keeps_its_values() -> None:
    """A valid ProposeInclusion is built with the values it was given."""
    command = inclusion(reason="lost income", request_id="req-1")

    assert (command.household_id, command.village_code) == ("hh-1", VILLAGE)
    assert (command.first_lead_at, command.reason) == (None, "lost income")


@pytest.mark.parametrize(
    "code",
    ["450123101000", "450123000000", "45012310120", "45O123101201", None],
)
def test_inclusion_refuses_a_bad_village_code(code: object) -> None:
    """A village code that is not a 12-digit village code is refused."""
    with pytest.raises(InvalidInput) as caught:
        inclusion(village_code=code)

    assert (caught.value.field, caught.value.value) == ("village_code", code)


@pytest.mark.parametrize("build", [inclusion, change], ids=["inclusion", "change"])
@pytest.mark.parametrize(
    "naive",
    [pendulum.naive(2024, 5, 1, 9), datetime(2024, 5, 1, 9)],
    ids=["pendulum", "stdlib"],
)
def test_proposal_refuses_a_naive_first_lead_at(build: Any, naive: datetime) -> None:
    """A first risk lead without a time zone is refused."""
    with pytest.raises(InvalidInput) as caught:
        build(first_lead_at=naive)

    assert caught.value.field == "first_lead_at"
    assert str(caught.value).startswith("first_lead_at=")


@pytest.mark.parametrize("lead", ["2024-05-01", 1714525200])
def test_proposal_refuses_a_first_lead_at_that_is_not_a_time(lead: object) -> None:
    """A first risk lead given as text or a number is refused."""
    with pytest.raises(InvalidInput) as caught:
        inclusion(first_lead_at=lead)

    assert caught.value.field == "first_lead_at"


def test_proposal_turns_an_aware_datetime_into_pendulum() -> None:
    """An aware stdlib datetime is kept as the same pendulum instant."""
    lead = datetime(2024, 5, 1, 1, tzinfo=UTC)

    command = inclusion(first_lead_at=lead)

    assert isinstance(command.first_lead_at, pendulum.DateTime)
    expected = pendulum.datetime(2024, 5, 1, 9, tz="Asia/Shanghai")
    assert command.first_lead_at == expected


@pytest.mark.parametrize("kind", [CaseKind.INCLUSION, "inclusion"])
def test_change_refuses_kind_inclusion(kind: object) -> None:
    """ProposeChange refuses an inclusion and names ProposeInclusion instead."""
    with pytest.raises(InvalidInput) as caught:
        change(kind=kind)

    assert caught.value.field == "kind"
    assert "ProposeInclusion" in caught.value.rule


@pytest.mark.parametrize("kind", ["graduation", "CLEAR_OUT", ""])
def test_change_refuses_an_unknown_kind(kind: str) -> None:
    """An unknown kind string is refused, listing the kinds that exist."""
    with pytest.raises(InvalidInput) as caught:
        change(kind=kind)

    assert (caught.value.field, caught.value.value) == ("kind", kind)
    assert caught.value.rule == (
        "must be one of inclusion, relabel, risk_elimination, clear_out, rollback"
    )


def test_change_converts_a_kind_string_to_the_enum() -> None:
    """A kind given as its plain name is held as the CaseKind member."""
    command = change(kind="clear_out", reason="wrongly included")

    assert command.kind is CaseKind.CLEAR_OUT


@pytest.mark.parametrize("version", [0, -1, "1", 1.0])
def test_change_refuses_an_expected_version_below_one(version: object) -> None:
    """An expected version must be a whole number of at least 1."""
    with pytest.raises(InvalidInput) as caught:
        change(expected_version=version)

    assert (caught.value.field, caught.value.value) == ("expected_version", version)


@pytest.mark.parametrize("command", [Deliberate, ReturnToVillage])
def test_case_command_refuses_expected_version_zero(command: Any) -> None:
    """A case step with expected_version 0 is refused."""
    with pytest.raises(InvalidInput) as caught:
        command(actor=PROPOSER, case_id="case-1", expected_version=0)

    assert caught.value.field == "expected_version"


@pytest.mark.parametrize("household", ["", "   ", "h" * 65, None])
def test_inclusion_refuses_a_bad_household_id(household: object) -> None:
    """A household id must be 1 to 64 characters, not all blank."""
    with pytest.raises(InvalidInput) as caught:
        inclusion(household_id=household)

    assert caught.value.field == "household_id"


@pytest.mark.parametrize("request_id", ["", "r" * 129, 7])
def test_command_refuses_a_bad_request_id(request_id: object) -> None:
    """A request id must be 1 to 128 characters when given."""
    with pytest.raises(InvalidInput) as caught:
        inclusion(request_id=request_id)

    assert caught.value.field == "request_id"


def test_import_converts_a_state_string_to_the_enum() -> None:
    """An import's state given as its plain name is held as the member."""
    command = ImportMonitoringObject(
        actor=DETERMINER, household_id="hh-1", village_code=VILLAGE, state="rollback"
    )

    assert command.state is ObjectState.ROLLBACK


def test_import_refuses_an_unknown_state() -> None:
    """An import with a state the lifecycle does not have is refused."""
    with pytest.raises(InvalidInput) as caught:
        ImportMonitoringObject(
            actor=DETERMINER,
            household_id="hh-1",
            village_code=VILLAGE,
            state="monitored",
        )

    assert (caught.value.field, caught.value.value) == ("state", "monitored")


def test_case_commands_route_every_step_after_propose() -> None:
    """Each approval event but propose has one command class carrying it."""
    routed = {event: command.event for event, command in CASE_COMMANDS.items()}

    assert set(routed) == set(CaseEvent) - {CaseEvent.PROPOSE}
    assert all(event == carried for event, carried in routed.items())
