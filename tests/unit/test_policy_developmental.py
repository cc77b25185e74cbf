"""Tests of which monitored households need, have or lack a developmental measure."""

from __future__ import annotations

import pytest

from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.household_terms import (
    DEVELOPMENTAL,
    SAFETY_NET,
    LabourSkill,
    Measure,
)
from fanpin_workflow.domain.lifecycle import ObjectState
from fanpin_workflow.domain.policy.developmental import (
    has_developmental_measure,
    lacks_developmental_measure,
    needs_developmental_measure,
)
from tests.unit.household_builders import household, member

MONITORED = [ObjectState.INCLUDED, ObjectState.ROLLBACK]
NOT_MONITORED = [
    ObjectState.CANDIDATE,
    ObjectState.RISK_ELIMINATED,
    ObjectState.CLEARED_OUT,
    ObjectState.REJECTED,
]


def with_labour(*measures: Measure) -> Household:
    """A household of two: a weak or half labourer and a member without labour."""
    members = (
        member(0, labour_skill=LabourSkill.WEAK_OR_HALF),
        member(1, labour_skill=LabourSkill.LOST),
    )
    return household(members=members, measures=measures)


def without_labour(*measures: Measure, supported: bool = False) -> Household:
    """A household of two members, neither with labour capacity."""
    members = (
        member(0, labour_skill=LabourSkill.LOST, subsistence_allowance=supported),
        member(1, labour_skill=LabourSkill.NONE),
    )
    return household(members=members, measures=measures)


@pytest.mark.parametrize("state", [*MONITORED, "included", "rollback"])
def test_a_monitored_household_with_labour_needs_a_developmental_measure(
    state: str,
) -> None:
    """Included and rolled-back households with labour need such a measure."""
    subject = with_labour()

    needs = needs_developmental_measure(subject, state)
    lacks = lacks_developmental_measure(subject, state)

    assert (needs, lacks) == (True, True)


@pytest.mark.parametrize("state", NOT_MONITORED)
def test_a_household_not_under_monitoring_needs_none(state: str) -> None:
    """Candidates and eliminated, cleared or rejected households need none."""
    subject = with_labour()

    needs = needs_developmental_measure(subject, state)
    lacks = lacks_developmental_measure(subject, state)

    assert (needs, lacks) == (False, False)


@pytest.mark.parametrize("state", MONITORED)
@pytest.mark.parametrize("supported", [False, True])
def test_a_household_without_labour_needs_none(state: str, supported: bool) -> None:
    """Without labour capacity, supported or not, no measure is needed."""
    subject = without_labour(supported=supported)

    needs = needs_developmental_measure(subject, state)
    lacks = lacks_developmental_measure(subject, state)

    assert (needs, lacks) == (False, False)


@pytest.mark.parametrize("state", MONITORED)
def test_a_household_with_labour_and_an_allowance_needs_one(state: str) -> None:
    """An allowance does not excuse a household that has a labourer."""
    members = (
        member(0, labour_skill=LabourSkill.ORDINARY, subsistence_allowance=True),
        member(1, labour_skill=LabourSkill.NONE, extreme_poverty_support=True),
    )
    subject = household(members=members, measures=(Measure.SUBSISTENCE_ALLOWANCE,))

    needs = needs_developmental_measure(subject, state)
    lacks = lacks_developmental_measure(subject, state)

    assert (needs, lacks) == (True, True)


@pytest.mark.parametrize("measure", sorted(DEVELOPMENTAL))
def test_each_developmental_measure_counts(measure: Measure) -> None:
    """Industry, employment, micro-credit and public-welfare jobs are developmental."""
    subject = with_labour(measure)

    has = has_developmental_measure(subject)
    lacks = lacks_developmental_measure(subject, ObjectState.INCLUDED)

    assert (has, lacks) == (True, False)


@pytest.mark.parametrize(
    "measures",
    [
        (),
        tuple(sorted(SAFETY_NET)),
        (Measure.HEALTH_SUPPORT, Measure.HOUSING_SAFETY, Measure.OTHER),
    ],
)
def test_other_measures_are_not_developmental(measures: tuple[Measure, ...]) -> None:
    """Safety-net and other measures do not stand for a developmental one."""
    subject = with_labour(*measures)

    has = has_developmental_measure(subject)
    lacks = lacks_developmental_measure(subject, ObjectState.ROLLBACK)

    assert (has, lacks) == (False, True)


def test_the_four_developmental_measures_are_those_of_the_domain() -> None:
    """Exactly four measures are developmental, none of them a safety net."""
    expected = {
        Measure.INDUSTRY,
        Measure.EMPLOYMENT,
        Measure.MICRO_CREDIT,
        Measure.PUBLIC_WELFARE_JOB,
    }

    assert expected == DEVELOPMENTAL
    assert not DEVELOPMENTAL & SAFETY_NET
