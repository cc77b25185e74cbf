"""Households, investigations, key-household lists and the elimination rule,
through the Workflow on every backend."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine

from fanpin_workflow import VirtualClock, Workflow
from fanpin_workflow.domain.household_terms import Sex
from fanpin_workflow.errors import (
    EliminationNotEligible,
    InvalidInput,
    InvalidRecord,
    MandatoryKeyHouseholdsMissing,
    NotAssignedGridMember,
    OutsideJurisdiction,
)
from tests.conftest import (
    NEIGHBOUR_VILLAGE,
    VILLAGE,
    county_reviewer,
    grid_member,
    township_reviewer,
    village_leader,
    village_officer,
)
from tests.integration.helpers import snapshot
from tests.unit.household_builders import household_record, id_number, member_record

GRID_MEMBER = grid_member()


def record(household_id: str, number: int, **fields: Any) -> dict[str, Any]:
    """A valid one- or two-member household whose ids no other record uses."""
    size = fields.pop("size", 1)
    members = [
        member_record(
            position,
            id_number=id_number(
                dt.date(1980 + position, 3, 7),
                Sex.MALE if position == 0 else Sex.FEMALE,
                region=f"4501{number:02d}",
            ),
            birth_date=f"{1980 + position}-03-07",
        )
        for position in range(size)
    ]
    return household_record(
        size, id=household_id, members=members, **{"wage_income": 20000, **fields}
    )


def test_register_then_update_a_household(workflow: Workflow) -> None:
    """A registered household reads back equal; an update bumps its version."""
    officer = village_officer()
    first = workflow.register_household(officer, record("hh-1", 1))

    workflow.register_household(
        officer, record("hh-1", 1, wage_income="9000.50"), expected_version=1
    )

    stored = workflow.get_household("hh-1")
    assert str(stored.wage_income) == "9000.5"
    assert stored.members[0].id_number == id_number(
        dt.date(1980, 3, 7), Sex.MALE, region="450101"
    )
    assert (first.event, first.subject_type) == ("register", "household")
    assert first.reason is None


def test_invalid_household_lists_every_problem_and_writes_nothing(
    workflow: Workflow, engine: Engine
) -> None:
    """A record with three problems is refused naming all three."""
    bad = record("hh-1", 1, wage_income=-5, type="farmer")
    bad["members"][0]["sex"] = "female"
    before = snapshot(engine)

    with pytest.raises(InvalidRecord) as refused:
        workflow.register_household(village_officer(), bad)

    fields = sorted(problem.field for problem in refused.value.problems)
    assert fields == ["members[0].sex", "type", "wage_income"]
    assert bad["members"][0]["id_number"] not in str(refused.value)
    assert snapshot(engine) == before


def test_a_person_belongs_to_one_household(workflow: Workflow, engine: Engine) -> None:
    """Registering a member already in another household is refused."""
    officer = village_officer()
    workflow.register_household(officer, record("hh-1", 1))
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as refused:
        workflow.register_household(officer, record("hh-2", 1))

    assert refused.value.field == "household.members[0].id_number"
    assert "already a member of another household" in refused.value.rule
    assert "hh-1" not in str(refused.value)
    assert snapshot(engine) == before


def test_key_list_refused_for_a_missing_mandatory_household_then_confirmed(
    workflow: Workflow, engine: Engine
) -> None:
    """The list can't be confirmed until the new-allowance household is on it."""
    officer = village_officer()
    allowance = record("hh-2", 2)
    allowance["members"][0]["benefit_identified_on"] = "2023-01-01"
    workflow.register_household(officer, record("hh-1", 1))
    workflow.register_household(officer, allowance)
    workflow.add_key_household(officer, VILLAGE, "hh-1", "reference_list", "low_income")
    before = snapshot(engine)

    with pytest.raises(MandatoryKeyHouseholdsMissing) as refused:
        workflow.confirm_key_households(village_leader(), VILLAGE)

    assert refused.value.household_ids == ["hh-2"]
    assert snapshot(engine) == before
    workflow.add_key_household(
        officer, VILLAGE, "hh-2", "village_knowledge", "new subsistence allowance"
    )
    workflow.confirm_key_households(village_leader(), VILLAGE)
    listed = workflow.key_household_list(VILLAGE)
    assert listed.state == "confirmed"
    assert sorted(e.household_id for e in listed.entries) == ["hh-1", "hh-2"]


def test_risk_on_form_2_3_leads_to_an_inclusion_case(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """2-3 risk opens a 2-4; its suggestion to include opens an inclusion case."""
    officer = village_officer()
    workflow.register_household(officer, record("hh-1", 1, type="ordinary"))
    screen = workflow.assign_investigation(officer, "hh-1", GRID_MEMBER.id)
    workflow.record_visit(GRID_MEMBER, screen.subject_id)

    workflow.record_findings(
        GRID_MEMBER,
        screen.subject_id,
        {"risk_found": True, "risk_types": ["illness"]},
    )
    key_form = workflow.history("investigation", screen.subject_id)
    household = workflow.get_household("hh-1")
    key_list = workflow.key_household_list(VILLAGE)
    deep = next(i for i in workflow.investigations_of("hh-1") if i.form == "2-4")
    clock.advance(days=1)
    workflow.record_visit(GRID_MEMBER, deep.id)
    workflow.record_findings(
        GRID_MEMBER, deep.id, {"judgement": "at_risk", "suggestion": "include"}
    )

    assert [e.event for e in key_form] == ["assign", "visit", "record"]
    assert (household.new_risk, household.risk_types) == (True, ("illness",))
    assert [e.source for e in key_list.entries] == ["investigation"]
    candidates = workflow.objects(state="candidate")
    assert [o.household_id for o in candidates] == ["hh-1"]
    case = workflow.case_history(workflow.audit_trail(candidates[0].id)[0].subject_id)[
        0
    ]
    assert case.reason == f"suggested on form 2-4 ({deep.id})"


def test_wrong_elimination_on_form_2_1_opens_a_rollback_case(
    workflow: Workflow,
) -> None:
    """A 2-1 finding that the elimination was wrong proposes a rollback."""
    officer = village_officer()
    workflow.register_household(officer, record("hh-1", 1))
    imported = workflow.import_object(
        county_reviewer(), "hh-1", VILLAGE, "risk_eliminated"
    )
    form = workflow.assign_investigation(officer, "hh-1", GRID_MEMBER.id)
    workflow.record_visit(GRID_MEMBER, form.subject_id)

    workflow.record_findings(
        GRID_MEMBER, form.subject_id, {"elimination_correct": False}
    )

    trail = workflow.audit_trail(str(imported.object_id))
    assert workflow.get_investigation(form.subject_id).form == "2-1"
    assert [(e.subject_type, e.event) for e in trail] == [
        ("monitoring_object", "import"),
        ("investigation", "assign"),
        ("investigation", "visit"),
        ("investigation", "record"),
        ("approval_case", "propose"),
    ]
    assert trail[-1].reason == f"found on form 2-1 ({form.subject_id})"


@pytest.mark.parametrize(
    ("actor", "findings", "error"),
    [
        (grid_member(person="grid-member-2"), {}, NotAssignedGridMember),
        (grid_member(NEIGHBOUR_VILLAGE), {}, OutsideJurisdiction),
        (GRID_MEMBER, {"judgement": "at_risk"}, InvalidRecord),
        (GRID_MEMBER, {"risk_found": True}, InvalidRecord),
    ],
)
def test_findings_refusals_write_nothing(
    workflow: Workflow,
    engine: Engine,
    actor: Any,
    findings: dict[str, Any],
    error: type[Exception],
) -> None:
    """Only the assigned grid member records, and only findings fitting the form."""
    officer = village_officer()
    workflow.register_household(officer, record("hh-1", 1, type="ordinary"))
    form = workflow.assign_investigation(officer, "hh-1", GRID_MEMBER.id)
    workflow.record_visit(GRID_MEMBER, form.subject_id)
    before = snapshot(engine)

    with pytest.raises(error):
        workflow.record_findings(actor, form.subject_id, findings)

    assert snapshot(engine) == before


def _elimination_at_county(workflow: Workflow, clock: VirtualClock) -> str:
    officer = village_officer()
    imported = workflow.import_object(
        county_reviewer(),
        "hh-1",
        VILLAGE,
        "included",
        monitored_since=clock.now().subtract(months=7),
    )
    case_id = workflow.propose_change(
        officer, str(imported.object_id), "risk_elimination"
    ).case_id
    assert case_id is not None
    workflow.deliberate(officer, case_id)
    workflow.publish_notice(officer, case_id)
    clock.advance(days=5)
    workflow.submit(officer, case_id)
    workflow.approve_at_township(township_reviewer(), case_id)
    return case_id


def test_county_eliminates_an_eligible_household(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """A household meeting every condition is marked risk-eliminated."""
    workflow.register_household(
        village_officer(), record("hh-1", 1, measures=["employment"])
    )
    case_id = _elimination_at_county(workflow, clock)

    workflow.approve_at_county(county_reviewer(), case_id)

    assert workflow.objects(state="risk_eliminated")[0].household_id == "hh-1"


def test_county_is_refused_an_ineligible_elimination(
    workflow: Workflow, clock: VirtualClock, engine: Engine
) -> None:
    """Income at the line and no measure: refused, naming both, nothing written."""
    workflow.register_household(village_officer(), record("hh-1", 1, wage_income=7300))
    case_id = _elimination_at_county(workflow, clock)
    before = snapshot(engine)

    with pytest.raises(EliminationNotEligible) as refused:
        workflow.approve_at_county(county_reviewer(), case_id)

    assert [u.split(":")[0] for u in refused.value.unmet] == [
        "has_measure",
        "income_above_line",
    ]
    assert snapshot(engine) == before
