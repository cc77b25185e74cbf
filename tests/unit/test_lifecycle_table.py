"""Table tests of the lifecycle and approval machines, every pair enumerated."""

from __future__ import annotations

from itertools import product

import pytest

from fanpin_workflow.domain.approval import (
    APPROVAL,
    APPROVAL_MACHINE,
    KINDS_NEEDING_REASON,
    ON_APPROVAL,
    ON_DECLINE,
    START,
    STEPS,
    CaseEvent,
    CaseKind,
    CaseState,
    Level,
    Step,
)
from fanpin_workflow.domain.lifecycle import (
    LIFECYCLE,
    LIFECYCLE_MACHINE,
    LifecycleEvent,
    ObjectState,
)
from fanpin_workflow.domain.machine import StateMachine
from fanpin_workflow.errors import TransitionNotAllowed

#: The lifecycle as DOMAIN.md section 3 describes it: (state, event) -> dest.
LIFECYCLE_TABLE = {
    ("candidate", "include"): "included",
    ("candidate", "reject"): "rejected",
    ("included", "eliminate_risk"): "risk_eliminated",
    ("rollback", "eliminate_risk"): "risk_eliminated",
    ("included", "clear_out"): "cleared_out",
    ("risk_eliminated", "clear_out"): "cleared_out",
    ("rollback", "clear_out"): "cleared_out",
    ("risk_eliminated", "roll_back"): "rollback",
    ("risk_eliminated", "relabel"): "included",
}

#: The approval route: village, township, county, and the returns between.
APPROVAL_TABLE = {
    ("start", "propose"): "proposed",
    ("proposed", "deliberate"): "deliberated",
    ("returned_to_village", "deliberate"): "deliberated",
    ("deliberated", "publish_notice"): "in_notice",
    ("in_notice", "submit"): "submitted",
    ("submitted", "approve_at_township"): "township_approved",
    ("returned_to_township", "approve_at_township"): "township_approved",
    ("submitted", "return_to_village"): "returned_to_village",
    ("returned_to_township", "return_to_village"): "returned_to_village",
    ("township_approved", "approve_at_county"): "determined",
    ("township_approved", "decline_at_county"): "declined",
    ("township_approved", "return_to_township"): "returned_to_township",
}

LIFECYCLE_PAIRS = list(product(map(str, ObjectState), map(str, LifecycleEvent)))
APPROVAL_PAIRS = list(product([START, *map(str, CaseState)], map(str, CaseEvent)))

MACHINES = {"lifecycle": LIFECYCLE_MACHINE, "approval": APPROVAL_MACHINE}


def _allowed(table: dict[tuple[str, str], str], name: str) -> list[object]:
    return [
        pytest.param(name, state, event, dest, id=f"{name}-{state}-{event}")
        for (state, event), dest in sorted(table.items())
    ]


def _refused(
    table: dict[tuple[str, str], str], pairs: list[tuple[str, str]], name: str
) -> list[object]:
    return [
        pytest.param(name, state, event, id=f"{name}-{state}-{event}")
        for state, event in pairs
        if (state, event) not in table
    ]


@pytest.mark.parametrize(
    ("machine", "state", "event", "dest"),
    _allowed(LIFECYCLE_TABLE, "lifecycle") + _allowed(APPROVAL_TABLE, "approval"),
)
def test_every_pair_in_the_table_goes_to_its_destination(
    machine: str, state: str, event: str, dest: str
) -> None:
    """Each (state, event) pair of the table is allowed and reaches its dest."""
    runner = MACHINES[machine]

    result = runner.fire("s-1", state, event)

    assert result == dest
    assert runner.can_fire(state, event) is True


@pytest.mark.parametrize(
    ("machine", "state", "event"),
    _refused(LIFECYCLE_TABLE, LIFECYCLE_PAIRS, "lifecycle")
    + _refused(APPROVAL_TABLE, APPROVAL_PAIRS, "approval"),
)
def test_every_pair_outside_the_table_is_refused(
    machine: str, state: str, event: str
) -> None:
    """Each (state, event) pair missing from the table is refused."""
    runner = MACHINES[machine]

    with pytest.raises(TransitionNotAllowed) as caught:
        runner.fire("s-1", state, event)

    assert (caught.value.state, caught.value.event) == (state, event)
    assert runner.can_fire(state, event) is False


@pytest.mark.parametrize(
    ("runner", "table", "states"),
    [
        pytest.param(
            LIFECYCLE_MACHINE,
            LIFECYCLE_TABLE,
            [str(state) for state in ObjectState],
            id="lifecycle",
        ),
        pytest.param(
            APPROVAL_MACHINE,
            APPROVAL_TABLE,
            [START, *map(str, CaseState)],
            id="approval",
        ),
    ],
)
def test_allowed_events_match_the_table_for_every_state(
    runner: StateMachine,
    table: dict[tuple[str, str], str],
    states: list[str],
) -> None:
    """`allowed_events` of each state lists exactly that state's table events."""
    expected = {state: sorted(e for (s, e) in table if s == state) for state in states}

    allowed = {state: sorted(runner.allowed_events(state)) for state in states}

    assert allowed == expected


@pytest.mark.parametrize(
    ("runner", "source", "target"),
    [
        pytest.param(LIFECYCLE_MACHINE, source, target, id=f"lifecycle-{target}")
        for source, target in [
            ("candidate", "included"),
            ("risk_eliminated", "cleared_out"),
            ("cleared_out", "included"),
            ("rejected", "candidate"),
            ("included", "rollback"),
        ]
    ]
    + [
        pytest.param(APPROVAL_MACHINE, source, target, id=f"approval-{target}")
        for source, target in [
            ("proposed", "determined"),
            ("in_notice", "submitted"),
            ("declined", "proposed"),
        ]
    ],
)
def test_automatic_to_state_events_do_not_exist(
    runner: StateMachine, source: str, target: str
) -> None:
    """No `to_<state>` event lets code jump a subject to any state."""
    event = f"to_{target}"

    with pytest.raises(TransitionNotAllowed):
        runner.fire("s-1", source, event)

    assert runner.can_fire(source, event) is False


def test_final_states_are_the_ended_ones() -> None:
    """Cleared-out and rejected objects, determined and declined cases are final."""
    finals = (set(LIFECYCLE.final_states), set(APPROVAL.final_states))

    assert finals == ({"cleared_out", "rejected"}, {"determined", "declined"})


def test_definitions_share_the_version_written_into_audit() -> None:
    """Both definitions carry version 2024.1."""
    versions = (LIFECYCLE.version, APPROVAL.version)

    assert versions == ("2024.1", "2024.1")


def test_steps_cover_every_case_event() -> None:
    """STEPS says who performs every approval event, and names nothing else."""
    covered = set(STEPS)

    assert covered == set(CaseEvent)


@pytest.mark.parametrize(
    ("event", "step"),
    [
        ("propose", Step(Level.VILLAGE)),
        ("deliberate", Step(Level.VILLAGE)),
        ("publish_notice", Step(Level.VILLAGE)),
        ("submit", Step(Level.VILLAGE)),
        ("approve_at_township", Step(Level.TOWNSHIP)),
        ("return_to_village", Step(Level.TOWNSHIP, needs_reason=True)),
        ("approve_at_county", Step(Level.COUNTY)),
        ("decline_at_county", Step(Level.COUNTY, needs_reason=True)),
        ("return_to_township", Step(Level.COUNTY, needs_reason=True)),
    ],
)
def test_each_event_belongs_to_its_level(event: str, step: Step) -> None:
    """The village proposes, the township reviews, the county determines."""
    found = STEPS[CaseEvent(event)]

    assert found == step


def test_on_approval_covers_every_case_kind() -> None:
    """A county approval has a lifecycle event for every kind of case."""
    covered = set(ON_APPROVAL)

    assert covered == set(CaseKind)


@pytest.mark.parametrize(
    ("kind", "event"),
    [
        ("inclusion", "include"),
        ("relabel", "relabel"),
        ("risk_elimination", "eliminate_risk"),
        ("clear_out", "clear_out"),
        ("rollback", "roll_back"),
    ],
)
def test_on_approval_fires_the_matching_lifecycle_event(kind: str, event: str) -> None:
    """Each kind's approval fires the lifecycle event of the same change."""
    found = ON_APPROVAL[CaseKind(kind)]

    assert found == event
    assert found in LIFECYCLE.events


def test_only_a_declined_inclusion_changes_the_object() -> None:
    """A county refusal rejects a candidate and leaves other objects alone."""
    declines = dict(ON_DECLINE)

    assert declines == {CaseKind.INCLUSION: LifecycleEvent.REJECT}


def test_clear_out_and_rollback_need_a_reason() -> None:
    """Proposing a clear-out or a rollback needs a reason; other kinds do not."""
    kinds = set(KINDS_NEEDING_REASON)

    assert kinds == {CaseKind.CLEAR_OUT, CaseKind.ROLLBACK}
