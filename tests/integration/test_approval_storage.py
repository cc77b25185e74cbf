"""The approval workflow end to end on every backend."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from sqlalchemy import Engine

from fanpin_workflow import (
    Actor,
    CaseKind,
    FanpinError,
    ObjectState,
    VirtualClock,
    Workflow,
)
from fanpin_workflow.errors import (
    HouseholdAlreadyMonitored,
    NotFound,
    NoticePeriodNotOver,
    OpenCaseExists,
    OutsideJurisdiction,
    PermissionRefused,
    SeparationOfDuties,
    TransitionNotAllowed,
)
from tests.conftest import (
    COUNTY,
    NEIGHBOUR_VILLAGE,
    OTHER_COUNTY,
    OTHER_TOWNSHIP,
    TOWNSHIP,
    VILLAGE,
    admin,
    county_reviewer,
    township_reviewer,
    village_officer,
)
from tests.integration.helpers import (
    case_at_county,
    determine,
    eligible_record,
    security_log,
    snapshot,
)


def test_inclusion_runs_through_every_level(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """A determined inclusion leaves the object included and six audit rows."""
    case_id = case_at_county(workflow, clock)

    determine(workflow, case_id)

    case = workflow.get_case(case_id)
    obj = workflow.get_object(case.object_id)
    trail = workflow.audit_trail(obj.id)
    assert (case.state, obj.state) == ("determined", "included")
    assert [entry.event for entry in trail] == [
        "propose",
        "deliberate",
        "publish_notice",
        "submit",
        "approve_at_township",
        "approve_at_county",
    ]
    assert trail[-1].object_from_state == "candidate"
    assert trail[-1].object_to_state == "included"
    assert trail[-1].actor_level == "county"
    assert [e.sequence for e in trail] == sorted(e.sequence for e in trail)


def test_times_come_back_aware_and_equal(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """Times are stored as UTC and read back as the same aware instants."""
    lead = pendulum.datetime(2024, 5, 9, 23, 59, 59, tz="Asia/Shanghai")

    entry = workflow.propose_inclusion(
        village_officer(), "hh-1", VILLAGE, first_lead_at=lead
    )

    assert entry.case_id is not None
    case = workflow.get_case(entry.case_id)
    stored = workflow.case_history(entry.case_id)[0].occurred_at
    assert case.first_lead_at == lead
    assert case.first_lead_at is not None
    assert case.first_lead_at.utcoffset() == pendulum.duration(0)
    assert stored == clock.now()
    assert stored.to_iso8601_string() == "2024-05-10T01:00:00Z"


def test_decline_rejects_a_candidate(workflow: Workflow, clock: VirtualClock) -> None:
    """A county refusal ends an inclusion case and rejects the candidate."""
    case_id = case_at_county(workflow, clock)

    workflow.decline_at_county(county_reviewer(), case_id, "income above the line")

    case = workflow.get_case(case_id)
    assert case.state == "declined"
    assert workflow.get_object(case.object_id).state == "rejected"
    assert workflow.case_history(case_id)[-1].reason == "income above the line"


def test_returns_go_one_level_down_and_back(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """Returned cases pass deliberation and a fresh notice period again."""
    officer = village_officer()
    case_id = case_at_county(workflow, clock)
    workflow.return_to_township(county_reviewer(), case_id, "review record missing")
    workflow.return_to_village(township_reviewer(), case_id, "figures incomplete")
    workflow.deliberate(officer, case_id)
    workflow.publish_notice(officer, case_id)
    clock.advance(days=4, hours=23)

    with pytest.raises(NoticePeriodNotOver):
        workflow.submit(officer, case_id)
    clock.advance(hours=1)
    workflow.submit(officer, case_id)
    workflow.approve_at_township(township_reviewer(), case_id)
    determine(workflow, case_id)

    events = [e.event for e in workflow.case_history(case_id)]
    assert events.count("return_to_township") == 1
    assert events.count("return_to_village") == 1
    assert events.count("publish_notice") == 2
    assert workflow.get_case(case_id).state == "determined"


def test_every_change_kind_moves_the_object(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """Elimination, rollback, relabel and clear-out each land where the table says."""
    workflow.register_household(village_officer(), eligible_record("hh-1"))
    case_id = case_at_county(workflow, clock)
    determine(workflow, case_id)
    object_id = workflow.get_case(case_id).object_id
    seen = []

    for kind, reason in [
        (CaseKind.RISK_ELIMINATION, None),
        (CaseKind.ROLLBACK, "elimination was wrong"),
        (CaseKind.RISK_ELIMINATION, None),
        (CaseKind.RELABEL, None),
        (CaseKind.CLEAR_OUT, "inclusion was wrong"),
    ]:
        if kind == CaseKind.RISK_ELIMINATION:
            clock.advance(months=6)  # a new monitoring period must run first
        entry = workflow.propose_change(
            village_officer(), object_id, kind, reason=reason
        )
        assert entry.case_id is not None
        _drive_to_determination(workflow, clock, entry.case_id)
        seen.append(workflow.get_object(object_id).state)

    assert seen == [
        "risk_eliminated",
        "rollback",
        "risk_eliminated",
        "included",
        "cleared_out",
    ]
    assert len(workflow.audit_trail(object_id)) == 6 * 6


def _drive_to_determination(
    workflow: Workflow, clock: VirtualClock, case_id: str
) -> None:
    officer = village_officer()
    workflow.deliberate(officer, case_id)
    workflow.publish_notice(officer, case_id)
    clock.advance(days=5)
    workflow.submit(officer, case_id)
    workflow.approve_at_township(township_reviewer(), case_id)
    determine(workflow, case_id)


def _refusals(case_id: str, proposer: Actor) -> list[tuple[str, object]]:
    return [
        ("notice", lambda wf: wf.submit(proposer, case_id)),
        (
            "level",
            lambda wf: wf.approve_at_county(township_reviewer(), case_id),
        ),
        (
            "village outside",
            lambda wf: wf.submit(village_officer(NEIGHBOUR_VILLAGE), case_id),
        ),
        (
            "township outside",
            lambda wf: wf.approve_at_township(
                township_reviewer(OTHER_TOWNSHIP), case_id
            ),
        ),
        (
            "county outside",
            lambda wf: wf.approve_at_county(county_reviewer(OTHER_COUNTY), case_id),
        ),
    ]


@pytest.mark.parametrize(
    ("refusal", "error"),
    [
        ("notice", NoticePeriodNotOver),
        ("level", PermissionRefused),
        ("village outside", OutsideJurisdiction),
        ("township outside", OutsideJurisdiction),
        ("county outside", OutsideJurisdiction),
    ],
)
def test_refusals_in_notice_write_nothing(
    workflow: Workflow,
    engine: Engine,
    refusal: str,
    error: type[FanpinError],
) -> None:
    """Each guard refuses a case in public notice and leaves every row as it was."""
    officer = village_officer()
    case_id = workflow.propose_inclusion(officer, "hh-1", VILLAGE).case_id
    assert case_id is not None
    workflow.deliberate(officer, case_id)
    workflow.publish_notice(officer, case_id)
    attempt = dict(_refusals(case_id, officer))[refusal]
    before = snapshot(engine)

    with pytest.raises(error):
        attempt(workflow)  # type: ignore[operator]

    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        (township_reviewer(OTHER_TOWNSHIP), OutsideJurisdiction),
        (village_officer(), PermissionRefused),
        (county_reviewer(), PermissionRefused),
    ],
)
def test_township_review_refusals_write_nothing(
    workflow: Workflow,
    clock: VirtualClock,
    engine: Engine,
    actor: Actor,
    error: type[FanpinError],
) -> None:
    """Only a reviewer of the case's own township may review it."""
    officer = village_officer()
    case_id = workflow.propose_inclusion(officer, "hh-1", VILLAGE).case_id
    assert case_id is not None
    workflow.deliberate(officer, case_id)
    workflow.publish_notice(officer, case_id)
    clock.advance(days=5)
    workflow.submit(officer, case_id)
    before = snapshot(engine)

    with pytest.raises(error):
        workflow.approve_at_township(actor, case_id)

    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        (county_reviewer(OTHER_COUNTY), OutsideJurisdiction),
        (township_reviewer(TOWNSHIP), PermissionRefused),
    ],
)
def test_county_determination_refusals_write_nothing(
    workflow: Workflow,
    clock: VirtualClock,
    engine: Engine,
    actor: Actor,
    error: type[FanpinError],
) -> None:
    """Neither another county nor the township may determine a case."""
    case_id = case_at_county(workflow, clock)
    before = snapshot(engine)

    with pytest.raises(error) as refused:
        workflow.approve_at_county(actor, case_id)

    assert type(refused.value) is error
    assert snapshot(engine) == before
    assert workflow.get_object(workflow.get_case(case_id).object_id).state == (
        "candidate"
    )


def test_proposer_cannot_determine_own_case(
    workflow: Workflow, clock: VirtualClock, engine: Engine
) -> None:
    """A person who proposed a case is refused when determining it in another role."""
    person = "cadre-7"
    proposer = village_officer(person=person)
    case_id = workflow.propose_inclusion(proposer, "hh-1", VILLAGE).case_id
    assert case_id is not None
    workflow.deliberate(proposer, case_id)
    workflow.publish_notice(proposer, case_id)
    clock.advance(days=5)
    workflow.submit(proposer, case_id)
    workflow.approve_at_township(township_reviewer(), case_id)
    before = snapshot(engine)

    with pytest.raises(SeparationOfDuties) as refused:
        workflow.approve_at_county(county_reviewer(person=person), case_id)

    assert refused.value.actor_id == person
    assert refused.value.case_id == case_id
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("step", "reason"),
    [("approve_at_township", None), ("return_to_village", "figures missing")],
)
def test_proposer_cannot_review_own_case_at_the_township(
    workflow: Workflow,
    clock: VirtualClock,
    engine: Engine,
    step: str,
    reason: str | None,
) -> None:
    """A person who proposed a case in a village role is refused reviewing it
    in a township role; only the security log gets a row."""
    person = "cadre-8"
    workflow.assign_role(
        admin(), person, "information_officer", VILLAGE, dt.date(2024, 1, 1)
    )
    workflow.assign_role(
        admin(), person, "township_reviewer", TOWNSHIP, dt.date(2024, 1, 1)
    )
    proposer = village_officer(person=person)
    case_id = workflow.propose_inclusion(proposer, "hh-1", VILLAGE).case_id
    assert case_id is not None
    workflow.deliberate(proposer, case_id)
    workflow.publish_notice(proposer, case_id)
    clock.advance(days=5)
    workflow.submit(proposer, case_id)
    before, logged = snapshot(engine), security_log(engine)
    reviewer = township_reviewer(person=person)
    arguments = (reviewer, case_id) if reason is None else (reviewer, case_id, reason)

    with pytest.raises(SeparationOfDuties) as refused:
        getattr(workflow, step)(*arguments)

    assert (refused.value.actor_id, refused.value.case_id, refused.value.event) == (
        person,
        case_id,
        step,
    )
    assert snapshot(engine) == before
    written = security_log(engine)[len(logged) :]
    assert [{k: v for k, v in row.items() if k != "sequence"} for row in written] == [
        {
            "occurred_at": clock.now(),
            "actor_id": person,
            "actor_role": "township_reviewer",
            "actor_level": "township",
            "jurisdiction": TOWNSHIP,
            "command": step,
            "rule": "SeparationOfDuties",
            "message": str(refused.value),
        }
    ]
    assert workflow.get_case(case_id).state == "submitted"


def test_out_of_order_step_writes_nothing(workflow: Workflow, engine: Engine) -> None:
    """Approving a case that is still at the village is refused by the table."""
    case_id = workflow.propose_inclusion(village_officer(), "hh-1", VILLAGE).case_id
    assert case_id is not None
    before = snapshot(engine)

    with pytest.raises(TransitionNotAllowed, match="Can't approve at county when in"):
        workflow.approve_at_county(county_reviewer(), case_id)

    assert snapshot(engine) == before


def test_one_open_object_per_household_and_case_per_object(
    workflow: Workflow, clock: VirtualClock, engine: Engine
) -> None:
    """A household has one live object, and an object one open case."""
    first = workflow.propose_inclusion(village_officer(), "hh-1", VILLAGE)
    before = snapshot(engine)

    with pytest.raises(HouseholdAlreadyMonitored):
        workflow.propose_inclusion(village_officer(), "hh-1", VILLAGE)
    with pytest.raises(OpenCaseExists):
        workflow.propose_change(
            village_officer(), first.object_id, "clear_out", reason="duplicate"
        )

    assert snapshot(engine) == before


def test_queries_filter_by_state_and_area(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """Objects are listed by state and inside an area-code prefix."""
    included = case_at_county(workflow, clock, household="hh-1")
    determine(workflow, included)
    workflow.propose_inclusion(village_officer(), "hh-2", VILLAGE)
    workflow.propose_inclusion(
        village_officer(NEIGHBOUR_VILLAGE), "hh-3", NEIGHBOUR_VILLAGE
    )

    candidates = workflow.objects(state=ObjectState.CANDIDATE, within=TOWNSHIP[:9])
    in_village = workflow.objects(within=VILLAGE)
    in_county = workflow.objects(within=COUNTY[:6], limit=2)

    assert sorted(o.household_id for o in candidates) == ["hh-2", "hh-3"]
    assert sorted(o.household_id for o in in_village) == ["hh-1", "hh-2"]
    assert len(in_county) == 2
    with pytest.raises(NotFound):
        workflow.get_object("no-such-object")
