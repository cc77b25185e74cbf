"""Tests of whether a household's measures answer each of its risk types."""

from __future__ import annotations

import pytest

from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.household_terms import Measure, RiskType
from fanpin_workflow.domain.policy.measures import (
    ANSWERS,
    UnansweredRisk,
    measures_match_risks,
    unanswered_risks,
)
from tests.unit.household_builders import household

_R, _M = RiskType, Measure

#: Which measures answer each risk type, written by hand. DOMAIN.md §6 and
#: docs/households.md give "illness → health support, housing → housing
#: safety, and so on"; the rest is the reading of that "and so on" this
#: project holds to: a risk is answered by the help that addresses it.
EXPECTED: dict[RiskType, set[Measure]] = {
    _R.ILLNESS: {_M.HEALTH_SUPPORT},
    _R.HOUSING: {_M.HOUSING_SAFETY},
    _R.DISABILITY: {_M.DISABILITY_SUPPORT, _M.HEALTH_SUPPORT},
    _R.SCHOOLING: {_M.EDUCATION_SUPPORT},
    _R.DRINKING_WATER: {_M.DRINKING_WATER},
    _R.DISASTER: {_M.DISASTER_RELIEF, _M.HOUSING_SAFETY},
    _R.ACCIDENT: {_M.HEALTH_SUPPORT, _M.DISASTER_RELIEF},
    _R.BUSINESS_FAILURE: {_M.INDUSTRY, _M.MICRO_CREDIT},
    _R.UNSTABLE_WORK: {_M.EMPLOYMENT, _M.PUBLIC_WELFARE_JOB},
    _R.LACK_OF_LABOUR: {
        _M.SUBSISTENCE_ALLOWANCE,
        _M.EXTREME_POVERTY_SUPPORT,
        _M.COMPREHENSIVE_GUARANTEE,
        _M.PUBLIC_WELFARE_JOB,
    },
    _R.OTHER: set(Measure),
}

#: Every risk type with every measure, and whether it answers the risk.
PAIRS = [
    (risk, measure, measure in EXPECTED[risk])
    for risk in RiskType
    for measure in Measure
]

#: Every pair whose measure answers the risk.
MATCHES = [(risk, measure) for risk, measure, answers in PAIRS if answers]

#: Every pair whose measure does not answer the risk.
MISMATCHES = [(risk, measure) for risk, measure, answers in PAIRS if not answers]


def test_every_risk_type_has_answers() -> None:
    """Every risk type is written out above and names at least one measure."""
    assert set(EXPECTED) == set(RiskType)
    assert all(EXPECTED.values())


@pytest.mark.parametrize(
    ("risk", "expected"),
    [
        (RiskType.ILLNESS, {Measure.HEALTH_SUPPORT}),
        (RiskType.HOUSING, {Measure.HOUSING_SAFETY}),
    ],
)
def test_the_data_cleaning_pairs_hold(risk: RiskType, expected: set[Measure]) -> None:
    """The two pairs DOMAIN.md names: illness wants health support, housing a
    housing-safety measure, and only those."""
    answering = {m for m in Measure if not unanswered_risks(_with(risk, m))}

    assert answering == expected


@pytest.mark.parametrize("risk", list(RiskType))
def test_the_answers_table_is_the_expected_one(risk: RiskType) -> None:
    """The table the rule reads agrees with the hand-written one."""
    assert ANSWERS[risk] == EXPECTED[risk]


def _with(risk: RiskType, measure: Measure) -> Household:
    return household(risk_types=(risk,), measures=(measure,))


@pytest.mark.parametrize(("risk", "measure"), MATCHES)
def test_a_matching_measure_answers_the_risk(risk: RiskType, measure: Measure) -> None:
    """A risk is answered by any one of its measures."""
    subject = household(risk_types=(risk,), measures=(measure,))

    unanswered = unanswered_risks(subject)

    assert unanswered == []
    assert measures_match_risks(subject) is True


@pytest.mark.parametrize(("risk", "measure"), MISMATCHES)
def test_a_measure_of_another_kind_leaves_the_risk_unanswered(
    risk: RiskType, measure: Measure
) -> None:
    """A measure that does not answer the risk leaves it unanswered."""
    subject = household(risk_types=(risk,), measures=(measure,))

    unanswered = unanswered_risks(subject)

    assert unanswered == [UnansweredRisk(risk, frozenset(EXPECTED[risk]))]
    assert measures_match_risks(subject) is False


@pytest.mark.parametrize("measure", list(Measure))
def test_any_measure_answers_other(measure: Measure) -> None:
    """The risk type OTHER is answered by every measure."""
    subject = household(risk_types=(RiskType.OTHER,), measures=(measure,))

    unanswered = unanswered_risks(subject)

    assert unanswered == []


@pytest.mark.parametrize("risk", list(RiskType))
def test_no_measure_answers_no_risk(risk: RiskType) -> None:
    """A household with a risk and no measure at all has it unanswered."""
    subject = household(risk_types=(risk,))

    unanswered = unanswered_risks(subject)

    assert [item.risk_type for item in unanswered] == [risk]


@pytest.mark.parametrize("measures", [(), (Measure.OTHER,), tuple(Measure)])
def test_a_household_without_risks_has_nothing_unanswered(
    measures: tuple[Measure, ...],
) -> None:
    """An empty risk list is always answered."""
    subject = household(measures=measures)

    unanswered = unanswered_risks(subject)

    assert unanswered == []
    assert measures_match_risks(subject) is True


def test_unanswered_risks_keep_the_household_order() -> None:
    """Only the unanswered risks are listed, in the order they were recorded."""
    subject = household(
        risk_types=(
            RiskType.HOUSING,
            RiskType.ILLNESS,
            RiskType.DRINKING_WATER,
            RiskType.SCHOOLING,
        ),
        measures=(Measure.HEALTH_SUPPORT,),
    )

    unanswered = unanswered_risks(subject)

    assert [item.risk_type for item in unanswered] == [
        RiskType.HOUSING,
        RiskType.DRINKING_WATER,
        RiskType.SCHOOLING,
    ]


def test_an_unanswered_risk_reads_as_a_sentence() -> None:
    """The text names the risk and the measures that would answer it."""
    item = UnansweredRisk(RiskType.DISABILITY, frozenset(EXPECTED[RiskType.DISABILITY]))

    text = str(item)

    assert text == (
        "risk disability has none of its measures (disability_support, health_support)"
    )
