"""Tests of a state-machine definition and the machine that runs it."""

from __future__ import annotations

import pytest

from fanpin_workflow.domain.lifecycle import (
    LIFECYCLE_MACHINE,
    LifecycleEvent,
    ObjectState,
)
from fanpin_workflow.domain.machine import Definition, StateMachine, Transition
from fanpin_workflow.errors import DefinitionError, TransitionNotAllowed

DOOR_ROWS = (
    Transition("open", ("closed",), "open"),
    Transition("close", ("open",), "closed"),
    Transition("lock", ("closed",), "locked"),
    Transition("unlock", ("locked",), "closed"),
    Transition("scrap", ("closed", "locked"), "scrapped"),
)


def door(*extra: Transition) -> Definition:
    """Build a small invented definition, with `extra` rows appended."""
    return Definition(
        name="door",
        version="1",
        states=("closed", "open", "locked", "scrapped"),
        transitions=(*DOOR_ROWS, *extra),
        final_states=frozenset({"scrapped"}),
    )


def test_definition_refuses_unknown_destination() -> None:
    """A row whose destination is not a declared state is a DefinitionError."""
    row = Transition("prop", ("closed",), "ajar")

    with pytest.raises(DefinitionError) as caught:
        door(row)

    assert str(caught.value) == "door: transition 'prop' names unknown state 'ajar'"


def test_definition_refuses_unknown_source() -> None:
    """A row whose source is not a declared state is a DefinitionError."""
    row = Transition("shut", ("ajar",), "closed")

    with pytest.raises(DefinitionError) as caught:
        door(row)

    assert str(caught.value) == "door: transition 'shut' names unknown state 'ajar'"


def test_definition_refuses_transition_leaving_a_final_state() -> None:
    """A row that moves out of a final state is a DefinitionError."""
    row = Transition("repair", ("locked", "scrapped"), "closed")

    with pytest.raises(DefinitionError) as caught:
        door(row)

    assert str(caught.value) == (
        "door: transition 'repair' leaves final state 'scrapped'"
    )


def test_definition_lists_events_in_table_order_without_repeats() -> None:
    """`events` names each event once, in the order of its first row."""
    definition = door(Transition("open", ("locked",), "open"))

    events = definition.events

    assert events == ("open", "close", "lock", "unlock", "scrap")


@pytest.mark.parametrize(
    ("state", "event", "dest"),
    [
        ("closed", "open", "open"),
        ("open", "close", "closed"),
        ("closed", "lock", "locked"),
        ("locked", "unlock", "closed"),
        ("closed", "scrap", "scrapped"),
        ("locked", "scrap", "scrapped"),
    ],
)
def test_fire_returns_the_destination_of_the_row(
    state: str, event: str, dest: str
) -> None:
    """Firing an allowed event returns the row's destination state."""
    machine = StateMachine(door())

    result = machine.fire("d-1", state, event)

    assert result == dest


def test_fire_keeps_no_state_between_subjects() -> None:
    """One machine answers for each subject from the state it is given."""
    machine = StateMachine(door())

    first = machine.fire("d-1", "closed", "open")
    second = machine.fire("d-2", "closed", "lock")

    assert (first, second) == ("open", "locked")


def test_fire_refuses_an_event_not_allowed_from_the_state() -> None:
    """An event without a row from the state raises TransitionNotAllowed."""
    machine = StateMachine(door())

    with pytest.raises(TransitionNotAllowed) as caught:
        machine.fire("d-1", "open", "lock")

    error = caught.value
    assert (error.machine, error.subject_id, error.event, error.state) == (
        "door",
        "d-1",
        "lock",
        "open",
    )
    assert str(error) == "Can't lock when in open (door d-1)."


def test_fire_refuses_an_unknown_event() -> None:
    """An event the table never names raises TransitionNotAllowed."""
    machine = StateMachine(door())

    with pytest.raises(TransitionNotAllowed) as caught:
        machine.fire("d-1", "closed", "kick")

    assert caught.value.event == "kick"


def test_fire_refuses_to_leave_a_final_state() -> None:
    """No event moves a subject out of a final state."""
    machine = StateMachine(door())

    with pytest.raises(TransitionNotAllowed) as caught:
        machine.fire("d-1", "scrapped", "open")

    assert caught.value.state == "scrapped"


def test_refusal_message_reads_like_a_sentence() -> None:
    """The refusal turns underscores to spaces and names machine and subject."""
    with pytest.raises(TransitionNotAllowed) as caught:
        LIFECYCLE_MACHINE.fire("mo-1", "included", "include")

    assert (
        str(caught.value) == "Can't include when in included (monitoring_object mo-1)."
    )


def test_fire_accepts_enum_members_and_returns_the_plain_value() -> None:
    """Enum states and events work and the result compares as the plain value."""
    result = LIFECYCLE_MACHINE.fire(
        "mo-1", ObjectState.CANDIDATE, LifecycleEvent.INCLUDE
    )

    assert result == "included"


@pytest.mark.parametrize(
    ("state", "event", "expected"),
    [
        ("closed", "open", True),
        ("closed", "scrap", True),
        ("open", "close", True),
        ("open", "lock", False),
        ("locked", "open", False),
        ("scrapped", "unlock", False),
        ("closed", "kick", False),
        ("ajar", "open", False),
    ],
)
def test_can_fire_tells_whether_the_table_has_the_move(
    state: str, event: str, expected: bool
) -> None:
    """`can_fire` is true exactly for a (state, event) pair the table has."""
    machine = StateMachine(door())

    result = machine.can_fire(state, event)

    assert result is expected


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("closed", ["lock", "open", "scrap"]),
        ("open", ["close"]),
        ("locked", ["scrap", "unlock"]),
        ("scrapped", []),
    ],
)
def test_allowed_events_lists_every_event_from_the_state(
    state: str, expected: list[str]
) -> None:
    """`allowed_events` lists the events with a row from the state, no more."""
    machine = StateMachine(door())

    events = machine.allowed_events(state)

    assert sorted(events) == expected


@pytest.mark.parametrize("target", ["closed", "open", "locked", "scrapped"])
def test_machine_has_no_automatic_to_state_events(target: str) -> None:
    """`transitions`' automatic `to_<state>` events do not exist."""
    machine = StateMachine(door())

    allowed = machine.can_fire("closed", f"to_{target}")

    assert allowed is False
    with pytest.raises(TransitionNotAllowed):
        machine.fire("d-1", "closed", f"to_{target}")


def test_allowed_events_accepts_an_enum_member_state() -> None:
    """An enum member state has the same allowed events as its plain value."""
    plain = sorted(LIFECYCLE_MACHINE.allowed_events("included"))

    member = sorted(LIFECYCLE_MACHINE.allowed_events(ObjectState.INCLUDED))

    assert member == plain == ["clear_out", "eliminate_risk"]
