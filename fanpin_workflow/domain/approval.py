"""The multi-level approval case every lifecycle change goes through.

village: deliberation (民主评议) → public notice (公示) → submission;
township: review (审核); county: determination (审定). Each higher level
may return the case one level down with a reason.
"""

from __future__ import annotations

from enum import StrEnum

import attrs

from fanpin_workflow.domain.lifecycle import LifecycleEvent
from fanpin_workflow.domain.machine import Definition, StateMachine, Transition


class Level(StrEnum):
    """An administrative level that takes part in approval."""

    VILLAGE = "village"
    TOWNSHIP = "township"
    COUNTY = "county"


class CaseKind(StrEnum):
    """The lifecycle change an approval case asks for."""

    INCLUSION = "inclusion"
    RELABEL = "relabel"
    RISK_ELIMINATION = "risk_elimination"
    CLEAR_OUT = "clear_out"
    ROLLBACK = "rollback"


class CaseState(StrEnum):
    """Where an approval case stands."""

    PROPOSED = "proposed"
    DELIBERATED = "deliberated"
    IN_NOTICE = "in_notice"
    SUBMITTED = "submitted"
    TOWNSHIP_APPROVED = "township_approved"
    RETURNED_TO_VILLAGE = "returned_to_village"
    RETURNED_TO_TOWNSHIP = "returned_to_township"
    DETERMINED = "determined"
    DECLINED = "declined"


class CaseEvent(StrEnum):
    """A step of the approval workflow."""

    PROPOSE = "propose"
    DELIBERATE = "deliberate"
    PUBLISH_NOTICE = "publish_notice"
    SUBMIT = "submit"
    APPROVE_AT_TOWNSHIP = "approve_at_township"
    RETURN_TO_VILLAGE = "return_to_village"
    APPROVE_AT_COUNTY = "approve_at_county"
    DECLINE_AT_COUNTY = "decline_at_county"
    RETURN_TO_TOWNSHIP = "return_to_township"


@attrs.frozen
class Step:
    """Who performs an approval event and whether it needs a reason."""

    level: Level
    needs_reason: bool = False


#: The state a case is in before its first event.
START = "start"

_C = CaseState
_V = CaseEvent

APPROVAL = Definition(
    name="approval_case",
    version="2024.1",
    states=(START, *CaseState),
    transitions=(
        Transition(_V.PROPOSE, (START,), _C.PROPOSED),
        Transition(
            _V.DELIBERATE, (_C.PROPOSED, _C.RETURNED_TO_VILLAGE), _C.DELIBERATED
        ),
        Transition(_V.PUBLISH_NOTICE, (_C.DELIBERATED,), _C.IN_NOTICE),
        Transition(_V.SUBMIT, (_C.IN_NOTICE,), _C.SUBMITTED),
        Transition(
            _V.APPROVE_AT_TOWNSHIP,
            (_C.SUBMITTED, _C.RETURNED_TO_TOWNSHIP),
            _C.TOWNSHIP_APPROVED,
        ),
        Transition(
            _V.RETURN_TO_VILLAGE,
            (_C.SUBMITTED, _C.RETURNED_TO_TOWNSHIP),
            _C.RETURNED_TO_VILLAGE,
        ),
        Transition(_V.APPROVE_AT_COUNTY, (_C.TOWNSHIP_APPROVED,), _C.DETERMINED),
        Transition(_V.DECLINE_AT_COUNTY, (_C.TOWNSHIP_APPROVED,), _C.DECLINED),
        Transition(
            _V.RETURN_TO_TOWNSHIP, (_C.TOWNSHIP_APPROVED,), _C.RETURNED_TO_TOWNSHIP
        ),
    ),
    final_states=frozenset({_C.DETERMINED, _C.DECLINED}),
)

APPROVAL_MACHINE = StateMachine(APPROVAL)

#: Who performs each event.
STEPS: dict[str, Step] = {
    _V.PROPOSE: Step(Level.VILLAGE),
    _V.DELIBERATE: Step(Level.VILLAGE),
    _V.PUBLISH_NOTICE: Step(Level.VILLAGE),
    _V.SUBMIT: Step(Level.VILLAGE),
    _V.APPROVE_AT_TOWNSHIP: Step(Level.TOWNSHIP),
    _V.RETURN_TO_VILLAGE: Step(Level.TOWNSHIP, needs_reason=True),
    _V.APPROVE_AT_COUNTY: Step(Level.COUNTY),
    _V.DECLINE_AT_COUNTY: Step(Level.COUNTY, needs_reason=True),
    _V.RETURN_TO_TOWNSHIP: Step(Level.COUNTY, needs_reason=True),
}

#: The lifecycle event a county approval fires, by case kind.
ON_APPROVAL: dict[CaseKind, LifecycleEvent] = {
    CaseKind.INCLUSION: LifecycleEvent.INCLUDE,
    CaseKind.RELABEL: LifecycleEvent.RELABEL,
    CaseKind.RISK_ELIMINATION: LifecycleEvent.ELIMINATE_RISK,
    CaseKind.CLEAR_OUT: LifecycleEvent.CLEAR_OUT,
    CaseKind.ROLLBACK: LifecycleEvent.ROLL_BACK,
}

#: The lifecycle event a county refusal fires, for the kinds that have one.
ON_DECLINE: dict[CaseKind, LifecycleEvent] = {
    CaseKind.INCLUSION: LifecycleEvent.REJECT,
}

#: Case kinds that clearing out or rolling back need a reason for.
KINDS_NEEDING_REASON = frozenset({CaseKind.CLEAR_OUT, CaseKind.ROLLBACK})

CLOSED_CASE_STATES = APPROVAL.final_states
