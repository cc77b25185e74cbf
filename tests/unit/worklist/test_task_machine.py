"""Table tests of the task machine, every state and event pair enumerated."""

from __future__ import annotations

from itertools import product

import pytest

from fanpin_workflow.domain.worklist import TASK, TASK_MACHINE, TaskEvent, TaskState
from fanpin_workflow.errors import TransitionNotAllowed

#: The task lifecycle written out by hand from docs/worklists.md ("Task
#: copies"): work starts or completes a pending task; completing before the
#: due time is done, at or after it done late, and an overdue task can only
#: complete late; the sweep marks open work overdue; open or overdue work can
#: be waived. (state, event) -> dest.
TABLE = {
    ("pending", "start"): "in_progress",
    ("pending", "complete"): "done",
    ("in_progress", "complete"): "done",
    ("pending", "complete_late"): "done_late",
    ("in_progress", "complete_late"): "done_late",
    ("overdue", "complete_late"): "done_late",
    ("pending", "mark_overdue"): "overdue",
    ("in_progress", "mark_overdue"): "overdue",
    ("pending", "waive"): "waived",
    ("in_progress", "waive"): "waived",
    ("overdue", "waive"): "waived",
}

PAIRS = list(product(map(str, TaskState), map(str, TaskEvent)))
ALLOWED = [(state, event, dest) for (state, event), dest in sorted(TABLE.items())]
REFUSED = [pair for pair in PAIRS if pair not in TABLE]


@pytest.mark.parametrize(("state", "event", "dest"), ALLOWED)
def test_each_allowed_pair_moves_to_its_state(
    state: str, event: str, dest: str
) -> None:
    """Every move the table allows lands on the table's state."""
    machine = TASK_MACHINE

    moved = machine.fire("village.04", state, event)

    assert moved == dest
    assert machine.can_fire(state, event)


@pytest.mark.parametrize(("state", "event"), REFUSED)
def test_each_other_pair_is_refused(state: str, event: str) -> None:
    """Every pair outside the table is refused, naming the task and state."""
    machine = TASK_MACHINE

    with pytest.raises(TransitionNotAllowed) as caught:
        machine.fire("village.04", state, event)

    assert (caught.value.subject_id, caught.value.state) == ("village.04", state)
    assert not machine.can_fire(state, event)


def test_the_machine_allows_exactly_the_documented_moves() -> None:
    """The states, events and moves the machine declares are the ones
    docs/worklists.md sets out, written out by hand in TABLE, no more."""
    states = {"pending", "in_progress", "done", "done_late", "overdue", "waived"}
    events = {"start", "complete", "complete_late", "mark_overdue", "waive"}

    declared = {
        (str(source), str(transition.event)): str(transition.dest)
        for transition in TASK.transitions
        for source in transition.sources
    }
    fired = {
        (state, event): TASK_MACHINE.fire("village.04", state, event)
        for state, event in product(sorted(states), sorted(events))
        if TASK_MACHINE.can_fire(state, event)
    }

    assert set(map(str, TaskState)) == states
    assert set(map(str, TaskEvent)) == events
    assert declared == TABLE
    assert fired == TABLE


def test_done_done_late_and_waived_are_final() -> None:
    """No event leaves a finished task."""
    final = TASK.final_states

    leaving = [state for state in final if TASK_MACHINE.allowed_events(state)]

    assert final == {"done", "done_late", "waived"}
    assert leaving == []


def test_nothing_moves_a_task_by_itself() -> None:
    """The machine has no automatic `to_<state>` events."""
    events = set(TASK.events)

    extra = events - set(map(str, TaskEvent))

    assert extra == set()
    assert TASK_MACHINE.allowed_events("pending") == [
        "start",
        "complete",
        "complete_late",
        "mark_overdue",
        "waive",
    ]
