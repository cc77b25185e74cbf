"""Tests of the whole-household no-labour safety-net household."""

from __future__ import annotations

import pytest

from fanpin_workflow.domain.household import Member
from fanpin_workflow.domain.household_terms import LabourSkill
from fanpin_workflow.domain.policy.safety_net import is_no_labour_safety_net
from tests.unit.household_builders import household, member

LOST, NONE = LabourSkill.LOST, LabourSkill.NONE

#: Support on the first member: (subsistence allowance, extreme-poverty support).
SUPPORT = [(True, False), (False, True), (True, True)]


def without_labour(
    skills: tuple[LabourSkill, ...], **support: bool
) -> tuple[Member, ...]:
    """Members of the given skills; the head alone gets `support`."""
    return tuple(
        member(position, labour_skill=skill, **(support if position == 0 else {}))
        for position, skill in enumerate(skills)
    )


@pytest.mark.parametrize(("allowance", "extreme"), SUPPORT)
@pytest.mark.parametrize("skills", [(LOST,), (NONE,), (LOST, NONE, NONE, LOST)])
def test_a_supported_household_without_labour_is_a_safety_net_household(
    skills: tuple[LabourSkill, ...], allowance: bool, extreme: bool
) -> None:
    """No member with labour and some support make a safety-net household."""
    members = without_labour(
        skills, subsistence_allowance=allowance, extreme_poverty_support=extreme
    )

    result = is_no_labour_safety_net(household(members=members))

    assert result is True


@pytest.mark.parametrize("skills", [(LOST,), (NONE,), (LOST, NONE, NONE, LOST)])
def test_an_unsupported_household_without_labour_is_not_a_safety_net_household(
    skills: tuple[LabourSkill, ...],
) -> None:
    """Without allowance or extreme-poverty support there is no safety net."""
    members = without_labour(skills)

    result = is_no_labour_safety_net(household(members=members))

    assert result is False


def test_support_on_any_member_counts() -> None:
    """The supported member need not be the head."""
    members = (
        member(0, labour_skill=LOST),
        member(1, labour_skill=NONE, extreme_poverty_support=True),
    )

    result = is_no_labour_safety_net(household(members=members))

    assert result is True


@pytest.mark.parametrize(
    "skill", [LabourSkill.ORDINARY, LabourSkill.SKILLED, LabourSkill.WEAK_OR_HALF]
)
def test_one_member_with_labour_rules_out_the_safety_net(skill: LabourSkill) -> None:
    """A weak or half labourer, like any labourer, has labour capacity."""
    members = (
        member(0, labour_skill=LOST, subsistence_allowance=True),
        member(1, labour_skill=NONE, extreme_poverty_support=True),
        member(2, labour_skill=skill),
    )

    result = is_no_labour_safety_net(household(members=members))

    assert result is False


def test_a_household_without_members_is_not_a_safety_net_household() -> None:
    """An empty household is nothing, not a safety-net household."""
    result = is_no_labour_safety_net(household(members=()))

    assert result is False
