"""A campaign's settings govern the engine in its county, on every backend."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from fanpin_workflow import VirtualClock, Workflow
from fanpin_workflow.errors import (
    EliminationNotEligible,
    InvalidInput,
    NoticePeriodNotOver,
)
from fanpin_workflow.service.worklist_commands import StartCampaign
from tests.conftest import (
    COUNTY,
    TOWNSHIP,
    VILLAGE,
    county_reviewer,
    village_officer,
)
from tests.integration.campaign_builders import (
    OTHER_COUNTY_VILLAGE,
    at,
    due_of,
    household,
    register_other_county,
    to_county,
    to_notice,
)
from tests.integration.helpers import snapshot


def _start(workflow: Workflow, settings: dict[str, Any] | None = None) -> None:
    workflow.start_campaign(county_reviewer(), COUNTY, settings=settings)


# -- the notice period --------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "days", "too_early"),
    [
        (None, 5, [{"days": 5, "seconds": -1}]),
        ({}, 5, [{"days": 5, "seconds": -1}]),
        ({"notice_days": 7}, 7, [{"days": 5}, {"days": 7, "seconds": -1}]),
    ],
)
def test_the_notice_runs_the_campaigns_days(
    workflow: Workflow,
    clock: VirtualClock,
    engine: Engine,
    settings: dict[str, Any] | None,
    days: int,
    too_early: list[dict[str, int]],
) -> None:
    """A notice published at T can be submitted at T + the campaign's notice
    days (5 without a campaign), not a second before, and a refusal writes
    nothing."""
    if settings is not None:
        _start(workflow, settings)
    case_id = to_notice(workflow, "hh-1")
    published = clock.now()
    refusals = []

    for offset in too_early:
        clock.set(published.add(**offset))
        before = snapshot(engine)
        with pytest.raises(NoticePeriodNotOver) as refused:
            workflow.submit(village_officer(), case_id)
        refusals.append((refused.value.notice_ends_at, snapshot(engine) == before))
    clock.set(published.add(days=days))
    workflow.submit(village_officer(), case_id)

    assert refusals == [(published.add(days=days), True)] * len(too_early)
    assert workflow.get_case(case_id).state == "submitted"


def test_a_campaigns_notice_days_stay_in_its_county(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """A 7-day campaign in one county leaves another county at the default 5."""
    far_officer = register_other_county(workflow)
    _start(workflow, {"notice_days": 7})
    near = to_notice(workflow, "hh-1")
    far = to_notice(workflow, "hh-2", OTHER_COUNTY_VILLAGE, far_officer)

    clock.advance(days=5)
    workflow.submit(far_officer, far)

    with pytest.raises(NoticePeriodNotOver):
        workflow.submit(village_officer(), near)
    assert workflow.get_case(far).state == "submitted"


# -- the monitoring line ------------------------------------------------------


def _elimination_at_county(
    workflow: Workflow, clock: VirtualClock, **incomes: int
) -> str:
    """A two-member household monitored 7 months, eliminated up to the county."""
    officer = village_officer()
    record = household("hh-1", 1, size=2)
    record.update(incomes)
    workflow.register_household(officer, record)
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
    to_county(workflow, clock, case_id)
    return case_id


#: (12000 + 6000 + 500 + 1500 - 3000) / 2 members = 8500.00 a person.
BETWEEN_THE_LINES = {
    "wage_income": 12000,
    "business_income": 6000,
    "property_income": 500,
    "transfer_income": 1500,
    "business_expenses": 3000,
}


@pytest.mark.parametrize("settings", [None, {}, {"monitoring_line": "7300"}])
def test_income_between_the_lines_is_eligible_under_the_default_line(
    workflow: Workflow, clock: VirtualClock, settings: dict[str, Any] | None
) -> None:
    """8500 a person is above the default line of 7300: eliminated."""
    if settings is not None:
        _start(workflow, settings)
    case_id = _elimination_at_county(workflow, clock, **BETWEEN_THE_LINES)

    workflow.approve_at_county(county_reviewer(), case_id)

    assert workflow.get_object(workflow.get_case(case_id).object_id).state == (
        "risk_eliminated"
    )


@pytest.mark.parametrize(
    ("business_expenses", "income"),
    [(3000, "8500.00"), (2000, "9000.00")],
)
def test_a_campaigns_higher_line_refuses_the_elimination(
    workflow: Workflow,
    clock: VirtualClock,
    engine: Engine,
    business_expenses: int,
    income: str,
) -> None:
    """With a line of 9000, 8500 and exactly 9000 a person are refused,
    naming only the income condition, and nothing is written."""
    _start(workflow, {"monitoring_line": "9000"})
    incomes = {**BETWEEN_THE_LINES, "business_expenses": business_expenses}
    case_id = _elimination_at_county(workflow, clock, **incomes)
    before = snapshot(engine)

    with pytest.raises(EliminationNotEligible) as refused:
        workflow.approve_at_county(county_reviewer(), case_id)

    assert refused.value.unmet == [
        f"income_above_line: per-capita net income {income} is not above 9000.00"
    ]
    assert snapshot(engine) == before


def test_a_fen_above_a_campaigns_line_is_eligible(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """(12000 + 6000 + 500 + 1500 - 1999) / 2 = 9000.50 is above 9000."""
    _start(workflow, {"monitoring_line": "9000"})
    incomes = {**BETWEEN_THE_LINES, "business_expenses": 1999}
    case_id = _elimination_at_county(workflow, clock, **incomes)

    workflow.approve_at_county(county_reviewer(), case_id)

    assert workflow.get_case(case_id).state == "determined"


# -- calendar or working days -------------------------------------------------


@pytest.mark.parametrize(
    ("day_count", "plan", "declaration", "decision"),
    [
        # 8-10 June: weekend and the Dragon Boat holiday; the 5th working
        # day after Friday 7 June is Monday 17 June, the 10th Monday 24 June.
        # From Friday 31 May the 15th working day is Monday 24 June.
        ("working", at(2024, 6, 18), at(2024, 6, 25), at(2024, 6, 25)),
        # 7 June + 5 = 12 June, + 10 = 17 June; 31 May + 15 = 15 June.
        ("calendar", at(2024, 6, 13), at(2024, 6, 18), at(2024, 6, 16)),
    ],
)
def test_deadlines_count_the_campaigns_kind_of_day(
    workflow: Workflow,
    clock: VirtualClock,
    day_count: str,
    plan: Any,
    declaration: Any,
    decision: Any,
) -> None:
    """An inclusion determined on Friday 7 June 2024 has its plan and
    declaration due by the end of the campaign's 5th and 10th day."""
    _start(workflow, {"day_count": day_count})
    workflow.register_household(village_officer(), household("hh-1", 1))
    clock.set(at(2024, 5, 31, 9))
    case_id = to_notice(workflow, "hh-1")
    to_county(workflow, clock, case_id)
    clock.set(at(2024, 6, 7, 10))

    workflow.approve_at_county(county_reviewer(), case_id)

    case = workflow.get_case(case_id)
    assert due_of(workflow, case.object_id) == {
        "village.11.plan": plan,
        "village.11.declaration": declaration,
    }
    assert case.decision_due_at == decision


# -- the campaign's year ------------------------------------------------------

#: The 2024 list moved to 2025: preparation by the end of 9 May, investigation
#: by 10 June, data entry by 14 June, the summary by 20 June, each due at the
#: next midnight; village.11 recurs weekly from the start (6 May + 7 days).
DUE_2025 = {
    **{f"village.0{n}": at(2025, 5, 10) for n in (1, 2, 3)},
    **{f"village.0{n}": at(2025, 6, 11) for n in (4, 5, 6, 7, 8, 9)},
    "village.10": at(2025, 6, 11),
    "village.11": at(2025, 5, 14),
    "village.12": at(2025, 6, 15),
    **{f"township.0{n}": at(2025, 5, 10) for n in (1, 2, 3)},
    **{f"township.0{n}": at(2025, 6, 11) for n in (4, 5, 6, 7, 8)},
    **{f"township.{n}": at(2025, 6, 15) for n in ("09", "10", "11")},
    "township.12": at(2025, 6, 21),
}


def test_a_2025_campaign_falls_due_on_2025_dates(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """Started with year 2025 in May 2025, every task is due on its 2025 date."""
    clock.set(at(2025, 5, 6, 9))

    _start(workflow, {"year": 2025})

    tasks = workflow.tasks(TOWNSHIP)
    assert {t.task_key: t.due_at for t in tasks if t.area_code == VILLAGE} == {
        k: v for k, v in DUE_2025.items() if k.startswith("village")
    }
    assert {t.task_key: t.due_at for t in tasks if t.area_code == TOWNSHIP} == {
        k: v for k, v in DUE_2025.items() if k.startswith("township")
    }


def test_the_2024_list_is_refused_in_2026_naming_the_year(
    workflow: Workflow, clock: VirtualClock, engine: Engine
) -> None:
    """Starting the 2024 definition in 2026 is refused, suggests year 2026 and
    writes nothing; started with that year it runs."""
    clock.set(at(2026, 3, 2, 9))
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as refused:
        _start(workflow)

    assert (refused.value.field, refused.value.value) == ("definition", "guangxi_2024")
    assert "settings={'year': 2026}" in refused.value.rule
    assert snapshot(engine) == before
    _start(workflow, {"year": 2026})
    assert {
        t.due_at for t in workflow.tasks(VILLAGE) if t.task_key == "village.01"
    } == {at(2026, 5, 10)}


# -- refused settings ---------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "field", "value"),
    [
        ({"notice_dayz": 7}, "settings.notice_dayz", 7),
        ({"notice_days": 0}, "settings.notice_days", 0),
        ({"day_count": "weekdays"}, "settings.day_count", "weekdays"),
        ({"township_answer_days": 61}, "settings.township_answer_days", 61),
    ],
)
def test_a_bad_setting_is_refused_when_the_command_is_built(
    workflow: Workflow,
    engine: Engine,
    settings: dict[str, Any],
    field: str,
    value: Any,
) -> None:
    """An unknown setting or a value out of its rule is refused at
    construction, naming `settings.<name>`, and nothing is written."""
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as built:
        StartCampaign(actor=county_reviewer(), county_code=COUNTY, settings=settings)
    with pytest.raises(InvalidInput) as started:
        _start(workflow, settings)

    assert (built.value.field, built.value.value) == (field, value)
    assert (started.value.field, started.value.value) == (field, value)
    assert snapshot(engine) == before


# -- questions ----------------------------------------------------------------


def test_a_township_answer_day_of_one_escalates_after_a_day(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """With township_answer_days 1 and county_answer_days 2, a question raised
    at T is due at T + 1 day, moves up then, and is due at T + 3 days."""
    _start(workflow, {"township_answer_days": 1, "county_answer_days": 2})
    raised_at = clock.now()
    question_id = workflow.raise_question(
        village_officer(), VILLAGE, "Which form for a returned migrant?"
    ).subject_id
    due = workflow.get_question(question_id).due_at

    clock.set(raised_at.add(days=1, microseconds=-1))
    early = workflow.sweep_overdue().questions_escalated
    clock.set(raised_at.add(days=1))
    on_time = workflow.sweep_overdue().questions_escalated

    question = workflow.get_question(question_id)
    assert due == raised_at.add(days=1)
    assert (early, on_time) == (0, 1)
    assert (question.state, question.due_at) == ("escalated", raised_at.add(days=3))


def test_without_a_campaign_a_question_has_three_days(workflow: Workflow) -> None:
    """Where no campaign runs the Workflow's own limit (3 days) applies."""
    raised_at = workflow.clock.now()

    question_id = workflow.raise_question(
        village_officer(), VILLAGE, "Who signs form 2-4?"
    ).subject_id

    assert workflow.get_question(question_id).due_at == raised_at.add(days=3)


# -- a restart ----------------------------------------------------------------


def test_settings_survive_a_restart(
    workflow: Workflow, clock: VirtualClock, backend_url: str
) -> None:
    """A Workflow opened anew on the database counts with the stored settings."""
    _start(workflow, {"notice_days": 7, "monitoring_line": "9000"})
    workflow.close()
    reopened = Workflow.open(backend_url, clock=clock)
    try:
        case_id = to_notice(reopened, "hh-1")
        published = clock.now()

        clock.set(published.add(days=7, seconds=-1))
        with pytest.raises(NoticePeriodNotOver) as refused:
            reopened.submit(village_officer(), case_id)
        clock.set(published.add(days=7))
        reopened.submit(village_officer(), case_id)

        assert refused.value.notice_ends_at == published.add(days=7)
        assert reopened.get_case(case_id).state == "submitted"
    finally:
        reopened.close()


def test_a_restarted_workflow_keeps_the_campaigns_line(
    workflow: Workflow, clock: VirtualClock, backend_url: str
) -> None:
    """After a restart, 8500 a person is still refused under a line of 9000."""
    _start(workflow, {"monitoring_line": "9000"})
    case_id = _elimination_at_county(workflow, clock, **BETWEEN_THE_LINES)
    workflow.close()
    reopened = Workflow.open(backend_url, clock=clock)
    try:
        with pytest.raises(EliminationNotEligible) as refused:
            reopened.approve_at_county(county_reviewer(), case_id)

        assert [u.split(":")[0] for u in refused.value.unmet] == ["income_above_line"]
    finally:
        reopened.close()
