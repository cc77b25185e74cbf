"""Household investigations (入户排查) on forms 2-1 to 2-4, and what follows.

Which form a household gets depends on what it is: exited households and
eliminated monitored households fill 2-1, monitored households whose risk is
not eliminated 2-2, ordinary households 2-3, key households 2-4. A risk
found on 2-1 or 2-3 opens a 2-4 investigation; a 2-4 suggestion to include
opens an inclusion (or relabel) case; a 2-1 finding that an elimination
was wrong opens a rollback case.
"""

from __future__ import annotations

from enum import StrEnum

import attrs
import pendulum

from fanpin_workflow.domain.approval import START, CaseKind
from fanpin_workflow.domain.household_terms import HouseholdType, RiskType
from fanpin_workflow.domain.lifecycle import MONITORED_STATES, ObjectState
from fanpin_workflow.domain.machine import Definition, StateMachine, Transition
from fanpin_workflow.domain.model import GuardedState
from fanpin_workflow.errors import InvalidInput

#: At most this many risk types are recorded on a form.
MAX_RISK_TYPES = 5


class Form(StrEnum):
    """The investigation forms of the campaign (附件2-1 to 2-4)."""

    EXITED_OR_ELIMINATED = "2-1"
    MONITORED = "2-2"
    ORDINARY = "2-3"
    KEY = "2-4"


class InvestigationState(StrEnum):
    """Where an investigation stands."""

    ASSIGNED = "assigned"
    VISITED = "visited"
    RECORDED = "recorded"


class InvestigationEvent(StrEnum):
    """A step of an investigation."""

    ASSIGN = "assign"
    REASSIGN = "reassign"
    VISIT = "visit"
    RECORD = "record"


_I = InvestigationState
_V = InvestigationEvent

INVESTIGATION = Definition(
    name="investigation",
    version="2024.1",
    states=(START, *InvestigationState),
    transitions=(
        Transition(_V.ASSIGN, (START,), _I.ASSIGNED),
        Transition(_V.REASSIGN, (_I.ASSIGNED,), _I.ASSIGNED),
        Transition(_V.VISIT, (_I.ASSIGNED,), _I.VISITED),
        Transition(_V.RECORD, (_I.VISITED,), _I.RECORDED),
    ),
    final_states=frozenset({_I.RECORDED}),
)

INVESTIGATION_MACHINE = StateMachine(INVESTIGATION)


class Judgement(StrEnum):
    """The overall judgement of a key-household investigation."""

    AT_RISK = "at_risk"
    NOT_AT_RISK = "not_at_risk"


class Suggestion(StrEnum):
    """What a key-household investigation suggests."""

    INCLUDE = "include"
    NO_ACTION = "no_action"


@attrs.frozen
class Findings:
    """What a grid member recorded on a form."""

    corrections: tuple[str, ...] = ()
    risk_found: bool = False
    risk_types: tuple[RiskType, ...] = ()
    elimination_correct: bool | None = None
    developmental_in_place: bool | None = None
    judgement: Judgement | None = None
    suggestion: Suggestion | None = None


@attrs.define(eq=False)
class Investigation:
    """One household's investigation on one form."""

    id: str
    household_id: str
    village_code: str
    form: Form
    _state: str
    grid_member_id: str = ""
    assigned_at: pendulum.DateTime | None = None
    visited_at: pendulum.DateTime | None = None
    recorded_at: pendulum.DateTime | None = None
    findings: Findings | None = None
    version: int = 0
    updated_at: pendulum.DateTime | None = None

    state = GuardedState("investigation")


def form_for(household_type: HouseholdType, object_state: str | None) -> Form:
    """The form a household is investigated on, before any risk is found."""
    if object_state in MONITORED_STATES:
        return Form.MONITORED
    if object_state == ObjectState.RISK_ELIMINATED:
        return Form.EXITED_OR_ELIMINATED
    if household_type == HouseholdType.EXITED:
        return Form.EXITED_OR_ELIMINATED
    return Form.ORDINARY


def findings_problems(
    form: Form, findings: Findings, object_state: str | None
) -> list[InvalidInput]:
    """Every way the findings do not fit the form; empty when they do."""
    problems = []

    def fail(field: str, value: object, rule: str) -> None:
        problems.append(InvalidInput(f"findings.{field}", value, rule))

    if findings.risk_found and not findings.risk_types:
        fail("risk_types", [], "a risk found needs at least one risk type")
    if not findings.risk_found and findings.risk_types:
        fail("risk_types", list(findings.risk_types), "only when a risk is found")
    if len(findings.risk_types) > MAX_RISK_TYPES:
        fail("risk_types", len(findings.risk_types), f"at most {MAX_RISK_TYPES}")
    if len(set(findings.risk_types)) != len(findings.risk_types):
        fail("risk_types", list(findings.risk_types), "must not repeat a value")

    eliminated = object_state == ObjectState.RISK_ELIMINATED
    if form == Form.EXITED_OR_ELIMINATED and eliminated:
        if findings.elimination_correct is None:
            fail("elimination_correct", None, "form 2-1 of an eliminated household")
    elif findings.elimination_correct is not None:
        fail(
            "elimination_correct",
            findings.elimination_correct,
            "only on form 2-1 of an eliminated household",
        )

    if form == Form.MONITORED:
        if findings.developmental_in_place is None:
            fail("developmental_in_place", None, "form 2-2 asks it")
    elif findings.developmental_in_place is not None:
        fail(
            "developmental_in_place",
            findings.developmental_in_place,
            "only on form 2-2",
        )

    if form == Form.KEY:
        if findings.judgement is None:
            fail("judgement", None, "form 2-4 ends with a judgement")
        if findings.suggestion is None:
            fail("suggestion", None, "form 2-4 ends with a suggestion")
        if (
            findings.suggestion == Suggestion.INCLUDE
            and findings.judgement != Judgement.AT_RISK
        ):
            fail("suggestion", "include", "needs the judgement at_risk")
    else:
        for field in ("judgement", "suggestion"):
            if getattr(findings, field) is not None:
                fail(field, getattr(findings, field), "only on form 2-4")
    return problems


class FollowUp(StrEnum):
    """What recording a form starts."""

    KEY_INVESTIGATION = "key_investigation"
    INCLUSION_CASE = "inclusion_case"
    RELABEL_CASE = "relabel_case"
    ROLLBACK_CASE = "rollback_case"


#: The case kind each follow-up proposes, for the follow-ups that are cases.
FOLLOW_UP_CASES = {
    FollowUp.INCLUSION_CASE: CaseKind.INCLUSION,
    FollowUp.RELABEL_CASE: CaseKind.RELABEL,
    FollowUp.ROLLBACK_CASE: CaseKind.ROLLBACK,
}


def follow_ups(
    form: Form, findings: Findings, object_state: str | None
) -> list[FollowUp]:
    """What the recorded findings start, in order."""
    started = []
    at_risk_screen = form in (Form.EXITED_OR_ELIMINATED, Form.ORDINARY)
    if at_risk_screen and findings.risk_found:
        started.append(FollowUp.KEY_INVESTIGATION)
    if findings.elimination_correct is False:
        started.append(FollowUp.ROLLBACK_CASE)
    if form == Form.KEY and findings.suggestion == Suggestion.INCLUDE:
        if object_state is None or object_state in (
            ObjectState.CLEARED_OUT,
            ObjectState.REJECTED,
        ):
            started.append(FollowUp.INCLUSION_CASE)
        elif object_state == ObjectState.RISK_ELIMINATED:
            started.append(FollowUp.RELABEL_CASE)
    return started
