"""The county's approval of a risk elimination runs the eligibility rule."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fanpin_workflow.domain.approval import CaseEvent, CaseKind
from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.household_terms import LabourSkill, Measure
from fanpin_workflow.domain.model import ApprovalCase, MonitoringObject
from fanpin_workflow.domain.steps import advance
from fanpin_workflow.errors import EliminationNotEligible
from tests.unit.approval_builders import (
    DECIDED_AT,
    DETERMINER,
    SETTINGS,
    case_at,
    eligible_household,
    states,
)


def _approve(
    case: ApprovalCase, obj: MonitoringObject, household: Household | None
) -> None:
    advance(
        case=case,
        obj=obj,
        event=CaseEvent.APPROVE_AT_COUNTY,
        actor=DETERMINER,
        now=DECIDED_AT,
        reason=None,
        request_id=None,
        settings=SETTINGS,
        household=household,
    )


def test_eligible_household_is_eliminated() -> None:
    """A household meeting every condition moves to risk_eliminated."""
    case, obj = case_at("township_approved", CaseKind.RISK_ELIMINATION)

    _approve(case, obj, eligible_household())

    assert states(case, obj) == ("determined", "risk_eliminated")


def test_ineligible_household_is_refused_with_every_unmet_condition() -> None:
    """The refusal names each unmet condition and leaves case and object."""
    household = eligible_household(
        wage_income=Decimal("7300"), measures=(), housing_safe=False
    )
    case, obj = case_at("township_approved", CaseKind.RISK_ELIMINATION)

    with pytest.raises(EliminationNotEligible) as refused:
        _approve(case, obj, household)

    assert [u.split(":")[0] for u in refused.value.unmet] == [
        "has_measure",
        "income_above_line",
        "guarantees_secured",
    ]
    assert "7300.00 is not above 7300.00" in str(refused.value)
    assert states(case, obj) == ("township_approved", "included")


def test_unregistered_household_is_refused() -> None:
    """Without registered household facts no elimination is determined."""
    case, obj = case_at("township_approved", CaseKind.RISK_ELIMINATION)

    with pytest.raises(EliminationNotEligible, match="none registered"):
        _approve(case, obj, None)

    assert states(case, obj) == ("township_approved", "included")


def test_no_labour_safety_net_household_is_never_eliminated() -> None:
    """A no-labour household on subsistence allowance stays monitored."""
    base = eligible_household()
    head = base.members[0]
    member = type(head)(
        id_number=head.id_number,
        sex=head.sex,
        birth_date=head.birth_date,
        relation=head.relation,
        labour_skill=LabourSkill.LOST,
        health=head.health,
        subsistence_allowance=True,
    )
    household = eligible_household(
        members=(member,), measures=(Measure.SUBSISTENCE_ALLOWANCE,)
    )

    case, obj = case_at("township_approved", CaseKind.RISK_ELIMINATION)

    with pytest.raises(EliminationNotEligible, match="not_safety_net"):
        _approve(case, obj, household)

    assert states(case, obj) == ("township_approved", "included")
