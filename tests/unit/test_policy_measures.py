"""Tests of whether a household's measures answer each of its risk types."""

from __future__ import annotations

import pytest

from fanpin_workflow.domain.household_terms import Measure, RiskType
from fanpin_workflow.domain.policy.measures import (
    ANSWERS,
    UnansweredRisk,
    measures_match_risks,
    unanswered_risks,
)
from tests.unit.household_builders import household

#: Each risk type with one measure that answers it.
MATCHES = [(risk, measure) for risk, answers in ANSWERS.items() for measure in answers]

#: Each risk type but OTHER with one measure that does not answer it.
MISMATCHES = [
    (risk, next(m for m in Measure if m not in answers))
    for risk, answers in ANSWERS.items()
    if risk != RiskType.OTHER
]


def test_every_risk_type_has_answers() -> None:
    """Every risk type names at least one measure that answers it."""
    assert set(ANSWERS) == set(RiskType)
    assert all(ANSWERS.values())


@pytest.mark.parametrize(
    ("risk", "expected"),
    [
        (RiskType.ILLNESS, {Measure.HEALTH_SUPPORT}),
        (RiskType.HOUSING, {Measure.HOUSING_SAFETY}),
        (RiskType.DRINKING_WATER, {Measure.DRINKING_WATER}),
        (RiskType.SCHOOLING, {Measure.EDUCATION_SUPPORT}),
    ],
)
def test_the_data_cleaning_pairs_hold(risk: RiskType, expected: set[Measure]) -> None:
    """Illness wants health support, housing a housing-safety measure, and so on."""
    assert ANSWERS[risk] == expected


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

    assert unanswered == [UnansweredRisk(risk, ANSWERS[risk])]
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
    item = UnansweredRisk(RiskType.DISABILITY, ANSWERS[RiskType.DISABILITY])

    text = str(item)

    assert text == (
        "risk disability has none of its measures (disability_support, health_support)"
    )
