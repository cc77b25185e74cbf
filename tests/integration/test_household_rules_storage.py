"""Household rules on every backend: weekly tracking of households monitored
before the campaign, when a risk counts as new, villages keep their own
households, and the form an investigation may use."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from fanpin_workflow import VirtualClock, Workflow
from fanpin_workflow.errors import InvalidInput, InvalidRecord
from tests.conftest import (
    COUNTY,
    NEIGHBOUR_VILLAGE,
    VILLAGE,
    county_reviewer,
    grid_member,
    village_officer,
)
from tests.integration.campaign_builders import (
    OTHER_COUNTY_VILLAGE,
    at,
    decide,
    household,
    register_other_county,
)
from tests.integration.helpers import snapshot

GRID_MEMBER = grid_member()


def _start(workflow: Workflow) -> None:
    workflow.start_campaign(county_reviewer(), COUNTY)


def _open_tracking(workflow: Workflow, object_id: str) -> list[tuple[str, Any]]:
    return [
        (t.state, t.due_at)
        for t in workflow.tasks(VILLAGE)
        if t.subject_id == object_id
        and t.task_key == "village.11.tracking"
        and t.state in ("pending", "in_progress", "overdue")
    ]


# -- weekly tracking of households monitored before the campaign -------------


def test_a_household_monitored_before_the_campaign_is_tracked_from_its_start(
    workflow: Workflow,
) -> None:
    """An included household with labour and no developmental measure gets one
    tracking task when the campaign starts, due 7 days later (end of 17 May)."""
    workflow.register_household(village_officer(), household("hh-1", 1, measures=[]))
    imported = workflow.import_object(county_reviewer(), "hh-1", VILLAGE, "included")

    _start(workflow)

    assert _open_tracking(workflow, str(imported.object_id)) == [
        ("pending", at(2024, 5, 18))
    ]


@pytest.mark.parametrize(
    ("fields", "state"),
    [
        ({"measures": ["employment"]}, "included"),
        ({"measures": ["micro_credit"]}, "included"),
        ({"measures": []}, "risk_eliminated"),
    ],
)
def test_households_that_need_no_tracking_get_none(
    workflow: Workflow, fields: dict[str, Any], state: str
) -> None:
    """A developmental measure, or a risk already eliminated, means no tracking."""
    workflow.register_household(village_officer(), household("hh-1", 1, **fields))
    imported = workflow.import_object(county_reviewer(), "hh-1", VILLAGE, state)

    _start(workflow)

    assert _open_tracking(workflow, str(imported.object_id)) == []


def test_a_household_without_labour_gets_no_tracking(workflow: Workflow) -> None:
    """A member without labour capacity (and no measure) is not tracked weekly."""
    record = household("hh-1", 1, measures=[])
    record["members"][0]["labour_skill"] = "none"
    workflow.register_household(village_officer(), record)
    imported = workflow.import_object(county_reviewer(), "hh-1", VILLAGE, "included")

    _start(workflow)

    assert _open_tracking(workflow, str(imported.object_id)) == []


def test_an_import_while_the_campaign_runs_is_tracked(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """Imported on 20 May, the household's tracking is due by the end of 27 May."""
    _start(workflow)
    workflow.register_household(village_officer(), household("hh-1", 1, measures=[]))
    clock.set(at(2024, 5, 20, 10))

    imported = workflow.import_object(county_reviewer(), "hh-1", VILLAGE, "included")

    assert _open_tracking(workflow, str(imported.object_id)) == [
        ("pending", at(2024, 5, 28))
    ]


# -- new risk ----------------------------------------------------------------


def _record(workflow: Workflow, household_id: str, findings: dict[str, Any]) -> str:
    """Assign the household's fitting form, visit, record; the form's id."""
    form = workflow.assign_investigation(
        village_officer(), household_id, GRID_MEMBER.id
    ).subject_id
    workflow.record_visit(GRID_MEMBER, form)
    workflow.record_findings(GRID_MEMBER, form, findings)
    return form


def _suggest_inclusion(workflow: Workflow, household_id: str) -> str:
    """Record the opened 2-4 as at risk, suggesting inclusion; the new case."""
    key_form = next(
        i for i in workflow.investigations_of(household_id) if i.form == "2-4"
    )
    workflow.record_visit(GRID_MEMBER, key_form.id)
    workflow.record_findings(
        GRID_MEMBER, key_form.id, {"judgement": "at_risk", "suggestion": "include"}
    )
    obj = workflow.objects(state="candidate") + workflow.objects(
        state="risk_eliminated"
    )
    trail = workflow.audit_trail(obj[0].id)
    return next(
        e.subject_id
        for e in reversed(trail)
        if (e.subject_type, e.event) == ("approval_case", "propose")
    )


@pytest.mark.parametrize(
    ("household_type", "imported_as", "extra", "kind"),
    [
        ("exited", None, {}, "inclusion"),
        ("monitored", "risk_eliminated", {"elimination_correct": True}, "relabel"),
    ],
)
def test_a_risk_on_form_2_1_is_new_until_the_county_takes_it_in(
    workflow: Workflow,
    clock: VirtualClock,
    household_type: str,
    imported_as: str | None,
    extra: dict[str, Any],
    kind: str,
) -> None:
    """A 2-1 risk marks the household's risk new; the county's approval of the
    inclusion or relabel that follows clears it, with an audited update."""
    workflow.register_household(
        village_officer(), household("hh-1", 1, type=household_type)
    )
    if imported_as is not None:
        workflow.import_object(county_reviewer(), "hh-1", VILLAGE, imported_as)
    form = _record(
        workflow, "hh-1", {"risk_found": True, "risk_types": ["illness"], **extra}
    )
    after_form = workflow.get_household("hh-1")
    clock.advance(days=1)
    case_id = _suggest_inclusion(workflow, "hh-1")
    officer = village_officer()
    workflow.deliberate(officer, case_id)
    workflow.publish_notice(officer, case_id)

    decide(workflow, clock, case_id)

    update = workflow.history("household", "hh-1")[-1]
    assert workflow.get_investigation(form).form == "2-1"
    assert workflow.get_case(case_id).kind == kind
    assert (after_form.new_risk, after_form.risk_types) == (True, ("illness",))
    assert workflow.get_household("hh-1").new_risk is False
    assert (update.event, update.actor_id, update.reason) == (
        "update",
        county_reviewer().id,
        f"new risk taken into monitoring by case {case_id}",
    )


def test_a_risk_on_form_2_2_of_a_monitored_household_is_not_new(
    workflow: Workflow,
) -> None:
    """A risk found on 2-2 is added to an included household's risks, not new."""
    workflow.register_household(village_officer(), household("hh-1", 1))
    workflow.import_object(county_reviewer(), "hh-1", VILLAGE, "included")

    form = _record(
        workflow,
        "hh-1",
        {
            "risk_found": True,
            "risk_types": ["illness"],
            "developmental_in_place": True,
        },
    )

    stored = workflow.get_household("hh-1")
    assert workflow.get_investigation(form).form == "2-2"
    assert (stored.new_risk, stored.risk_types) == (False, ("illness",))


# -- villages keep their own households --------------------------------------


@pytest.mark.parametrize("monitored_there", [False, True])
@pytest.mark.parametrize("where", [NEIGHBOUR_VILLAGE, OTHER_COUNTY_VILLAGE])
def test_a_proposal_for_another_villages_household_says_not_where(
    workflow: Workflow, engine: Engine, where: str, monitored_there: bool
) -> None:
    """Proposing a household of another village is refused on household_id
    without naming that village or any object, and writes nothing."""
    far_officer = register_other_county(workflow)
    owner = far_officer if where == OTHER_COUNTY_VILLAGE else village_officer(where)
    workflow.register_household(owner, household("hh-1", 1, village=where))
    secrets = [where]
    if monitored_there:
        county = county_reviewer(where[:6] + "000000")
        imported = workflow.import_object(county, "hh-1", where, "included")
        secrets.append(str(imported.object_id))
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as refused:
        workflow.propose_inclusion(village_officer(), "hh-1", VILLAGE)

    assert (refused.value.field, refused.value.value) == ("household_id", "hh-1")
    assert [s for s in secrets if s in str(refused.value)] == []
    assert snapshot(engine) == before


def test_an_import_of_another_villages_household_is_refused(
    workflow: Workflow, engine: Engine
) -> None:
    """A county importing a neighbour village's household into this village is
    refused without naming the neighbour, and writes nothing."""
    workflow.register_household(
        village_officer(NEIGHBOUR_VILLAGE),
        household("hh-1", 1, village=NEIGHBOUR_VILLAGE),
    )
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as refused:
        workflow.import_object(county_reviewer(), "hh-1", VILLAGE, "included")

    assert refused.value.field == "household_id"
    assert NEIGHBOUR_VILLAGE not in str(refused.value)
    assert snapshot(engine) == before


def test_an_import_into_an_unregistered_village_is_refused(
    workflow: Workflow, engine: Engine
) -> None:
    """A village code the registry does not hold is refused on village_code."""
    unregistered = "450123101299"
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as refused:
        workflow.import_object(county_reviewer(), "hh-1", unregistered, "included")

    assert (refused.value.field, refused.value.value) == ("village_code", unregistered)
    assert snapshot(engine) == before


def test_a_person_of_another_counties_household_is_refused_without_naming_it(
    workflow: Workflow, engine: Engine
) -> None:
    """Registering a person who belongs to a household of another county is
    refused without naming that household, its village or the full number."""
    far_officer = register_other_county(workflow)
    far = household("hh-far-1", 1, village=OTHER_COUNTY_VILLAGE)
    workflow.register_household(far_officer, far)
    near = household("hh-2", 2)
    near["members"] = far["members"]
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as refused:
        workflow.register_household(village_officer(), near)

    message = str(refused.value)
    number = far["members"][0]["id_number"]
    assert refused.value.field == "household.members[0].id_number"
    assert [s for s in ("hh-far-1", OTHER_COUNTY_VILLAGE, number) if s in message] == []
    assert snapshot(engine) == before


# -- the form an investigation may use ---------------------------------------


@pytest.mark.parametrize(
    ("household_type", "imported_as", "form"),
    [
        ("ordinary", None, "2-2"),
        ("ordinary", None, "2-1"),
        ("exited", None, "2-3"),
        ("monitored", "included", "2-1"),
        ("monitored", "risk_eliminated", "2-2"),
    ],
)
def test_a_form_that_does_not_fit_is_refused(
    workflow: Workflow,
    engine: Engine,
    household_type: str,
    imported_as: str | None,
    form: str,
) -> None:
    """An explicit form other than the household's own (or 2-4) is refused on
    `form`, and nothing is written."""
    workflow.register_household(
        village_officer(), household("hh-1", 1, type=household_type)
    )
    if imported_as is not None:
        workflow.import_object(county_reviewer(), "hh-1", VILLAGE, imported_as)
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as refused:
        workflow.assign_investigation(
            village_officer(), "hh-1", GRID_MEMBER.id, form=form
        )

    assert (refused.value.field, refused.value.value) == ("form", form)
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("household_type", "imported_as", "form"),
    [
        ("ordinary", None, "2-3"),
        ("ordinary", None, "2-4"),
        ("exited", None, "2-1"),
        ("exited", None, "2-4"),
        ("monitored", "included", "2-2"),
        ("monitored", "included", "2-4"),
        ("monitored", "risk_eliminated", "2-1"),
        ("monitored", "risk_eliminated", "2-4"),
    ],
)
def test_the_fitting_form_and_2_4_are_accepted(
    workflow: Workflow, household_type: str, imported_as: str | None, form: str
) -> None:
    """The household's own form, and 2-4 for any household, are assigned."""
    workflow.register_household(
        village_officer(), household("hh-1", 1, type=household_type)
    )
    if imported_as is not None:
        workflow.import_object(county_reviewer(), "hh-1", VILLAGE, imported_as)

    assigned = workflow.assign_investigation(
        village_officer(), "hh-1", GRID_MEMBER.id, form=form
    )

    assert workflow.get_investigation(assigned.subject_id).form == form


def test_labour_of_a_child_is_refused_on_the_day_of_registering(
    workflow: Workflow, engine: Engine
) -> None:
    """A daughter born 24 Dec 2008 (15) and a grandson born in 2019, marked with
    ordinary labour, are refused when the household is registered on 10 May
    2024; the adults are not; nothing is written."""
    record = household("hh-kids", 31, size=7)
    before = snapshot(engine)

    with pytest.raises(InvalidRecord) as refused:
        workflow.register_household(village_officer(), record)

    fields = [problem.field for problem in refused.value.problems]
    assert fields == ["members[3].labour_skill", "members[6].labour_skill"]
    assert snapshot(engine) == before
