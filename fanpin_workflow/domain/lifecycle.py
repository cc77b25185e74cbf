"""The lifecycle of a monitoring object (监测对象), declared once as data."""

from __future__ import annotations

from enum import StrEnum

from fanpin_workflow.domain.machine import Definition, StateMachine, Transition


class ObjectState(StrEnum):
    """Where a monitoring object stands in its lifecycle."""

    CANDIDATE = "candidate"
    INCLUDED = "included"
    RISK_ELIMINATED = "risk_eliminated"
    CLEARED_OUT = "cleared_out"
    ROLLBACK = "rollback"
    REJECTED = "rejected"


class LifecycleEvent(StrEnum):
    """What a county determination does to a monitoring object."""

    INCLUDE = "include"
    REJECT = "reject"
    ELIMINATE_RISK = "eliminate_risk"
    CLEAR_OUT = "clear_out"
    ROLL_BACK = "roll_back"
    RELABEL = "relabel"


_S = ObjectState
_E = LifecycleEvent

LIFECYCLE = Definition(
    name="monitoring_object",
    version="2024.1",
    states=tuple(_S),
    transitions=(
        Transition(_E.INCLUDE, (_S.CANDIDATE,), _S.INCLUDED),
        Transition(_E.REJECT, (_S.CANDIDATE,), _S.REJECTED),
        Transition(_E.ELIMINATE_RISK, (_S.INCLUDED, _S.ROLLBACK), _S.RISK_ELIMINATED),
        Transition(
            _E.CLEAR_OUT,
            (_S.INCLUDED, _S.RISK_ELIMINATED, _S.ROLLBACK),
            _S.CLEARED_OUT,
        ),
        Transition(_E.ROLL_BACK, (_S.RISK_ELIMINATED,), _S.ROLLBACK),
        Transition(_E.RELABEL, (_S.RISK_ELIMINATED,), _S.INCLUDED),
    ),
    final_states=frozenset({_S.CLEARED_OUT, _S.REJECTED}),
)

LIFECYCLE_MACHINE = StateMachine(LIFECYCLE)

#: States in which a household's object has ended and a new one may start.
ENDED_STATES = frozenset({ObjectState.CLEARED_OUT, ObjectState.REJECTED})

#: States in which the household is monitored (risk not eliminated).
MONITORED_STATES = frozenset({ObjectState.INCLUDED, ObjectState.ROLLBACK})
