"""Builders shared by the approval-workflow unit tests: actors, times, cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pendulum

from fanpin_workflow.domain.approval import CaseEvent, CaseKind, Level
from fanpin_workflow.domain.household import Household, Member
from fanpin_workflow.domain.household_terms import (
    Health,
    HouseholdType,
    LabourSkill,
    Measure,
    Relation,
    Sex,
)
from fanpin_workflow.domain.identity import check_digit
from fanpin_workflow.domain.jurisdiction import Actor
from fanpin_workflow.domain.model import ApprovalCase, AuditEntry, MonitoringObject
from fanpin_workflow.domain.settings import ApprovalSettings
from fanpin_workflow.domain.steps import advance, propose

ZONE = "Asia/Shanghai"
VILLAGE = "450123101201"
NEIGHBOUR_VILLAGE = "450123101202"
TOWNSHIP = "450123101000"
OTHER_TOWNSHIP = "450123102000"
COUNTY = "450123000000"
OTHER_COUNTY = "450124000000"

PROPOSER = Actor("v-1", "monitoring_officer", Level.VILLAGE, VILLAGE)
SECRETARY = Actor("v-2", "first_secretary", Level.VILLAGE, VILLAGE)
REVIEWER = Actor("t-1", "township_reviewer", Level.TOWNSHIP, TOWNSHIP)
DETERMINER = Actor("c-1", "county_determiner", Level.COUNTY, COUNTY)

SETTINGS = ApprovalSettings(notice_days=5)


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> pendulum.DateTime:
    """Return a time in May 2024, campaign zone."""
    return pendulum.datetime(2024, 5, day, hour, minute, second, tz=ZONE)


PROPOSED_AT = at(8, 9)
NOTICE_AT = at(10, 15)
NOTICE_ENDS = at(15, 15)
DECIDED_AT = at(17, 10)

#: The steps of a case that nobody returns, up to the county decision.
ROUTE = (
    (CaseEvent.DELIBERATE, PROPOSER, at(9, 10)),
    (CaseEvent.PUBLISH_NOTICE, PROPOSER, NOTICE_AT),
    (CaseEvent.SUBMIT, PROPOSER, NOTICE_ENDS),
    (CaseEvent.APPROVE_AT_TOWNSHIP, REVIEWER, at(16, 10)),
)

#: Each kind with the object state it starts from and the one approval gives.
KIND_MOVES = [
    (CaseKind.INCLUSION, "candidate", "included"),
    (CaseKind.RELABEL, "risk_eliminated", "included"),
    (CaseKind.RISK_ELIMINATION, "included", "risk_eliminated"),
    (CaseKind.RISK_ELIMINATION, "rollback", "risk_eliminated"),
    (CaseKind.CLEAR_OUT, "included", "cleared_out"),
    (CaseKind.CLEAR_OUT, "risk_eliminated", "cleared_out"),
    (CaseKind.CLEAR_OUT, "rollback", "cleared_out"),
    (CaseKind.ROLLBACK, "risk_eliminated", "rollback"),
]

START_STATE = {
    CaseKind.INCLUSION: "candidate",
    CaseKind.RELABEL: "risk_eliminated",
    CaseKind.RISK_ELIMINATION: "included",
    CaseKind.CLEAR_OUT: "included",
    CaseKind.ROLLBACK: "risk_eliminated",
}


#: When the test objects' monitoring began: well over six months before May.
MONITORED_SINCE = pendulum.datetime(2023, 10, 1, 9, tz="Asia/Shanghai")


def eligible_household(**changes: object) -> Household:
    """Household hh-1, meeting every condition of risk elimination."""
    head = Member(
        id_number=with_check_digit("45012319800101001"),
        sex=Sex.MALE,
        birth_date=dt.date(1980, 1, 1),
        relation=Relation.HEAD,
        labour_skill=LabourSkill.ORDINARY,
        health=frozenset({Health.HEALTHY}),
    )
    household = Household(
        id="hh-1",
        village_code=VILLAGE,
        type=HouseholdType.MONITORED,
        members=(head,),
        wage_income=Decimal("12000"),
        measures=(Measure.EMPLOYMENT,),
    )
    return attrs.evolve(household, **changes)


def with_check_digit(first_17: str) -> str:
    """A valid identity number from its first 17 digits."""
    return first_17 + check_digit(first_17)


def new_object(state: str, village: str = VILLAGE) -> MonitoringObject:
    """Build the monitoring object of household hh-1 in `state`."""
    return MonitoringObject(
        id="mo-1",
        household_id="hh-1",
        village_code=village,
        state=state,
        monitored_since=MONITORED_SINCE,
    )


def open_case(
    kind: CaseKind = CaseKind.INCLUSION, state: str | None = None
) -> tuple[ApprovalCase, MonitoringObject]:
    """Propose `kind` for a new object, by the village officer."""
    obj = new_object(state or START_STATE[kind])
    case, _ = propose(
        case_id="case-1",
        kind=kind,
        obj=obj,
        actor=PROPOSER,
        now=PROPOSED_AT,
        first_lead_at=None,
        reason="income fell after a flood",
        request_id=None,
    )
    return case, obj


def step(
    case: ApprovalCase,
    obj: MonitoringObject,
    event: CaseEvent,
    actor: Actor,
    now: pendulum.DateTime,
    reason: str | None = None,
    request_id: str | None = None,
    household: Household | None = None,
) -> AuditEntry:
    """Perform one approval step with the test settings.

    The household is hh-1 meeting every elimination condition, unless given.
    """
    return advance(
        case=case,
        obj=obj,
        event=event,
        actor=actor,
        now=now,
        reason=reason,
        request_id=request_id,
        settings=SETTINGS,
        household=household or eligible_household(),
    )


def case_at(
    case_state: str, kind: CaseKind = CaseKind.INCLUSION, state: str | None = None
) -> tuple[ApprovalCase, MonitoringObject]:
    """Open a case and follow ROUTE until the case reaches `case_state`."""
    case, obj = open_case(kind, state)
    for event, actor, now in ROUTE:
        if case.state == case_state:
            break
        step(case, obj, event, actor, now)
    assert case.state == case_state
    return case, obj


def states(case: ApprovalCase, obj: MonitoringObject) -> tuple[str, str]:
    """Return the case's and the object's state, for before/after checks."""
    return case.state, obj.state
