"""Tests of findings_problems: what a form's findings may and may not hold."""

from __future__ import annotations

from fanpin_workflow.domain.household_terms import RiskType
from fanpin_workflow.domain.investigation import (
    Findings,
    Form,
    Judgement,
    Suggestion,
    findings_problems,
)
from fanpin_workflow.domain.lifecycle import ObjectState


def test_findings_refuse_a_repeated_risk_type() -> None:
    """A risk type listed twice is refused, as on a household record."""
    findings = Findings(
        risk_found=True, risk_types=(RiskType.ILLNESS, RiskType.ILLNESS)
    )

    problems = findings_problems(Form.ORDINARY, findings, None)

    assert [str(problem) for problem in problems] == [
        "findings.risk_types=['illness', 'illness'] is refused: "
        "must not repeat a value."
    ]


def test_findings_accept_distinct_risk_types() -> None:
    """Different risk types are accepted together."""
    findings = Findings(
        risk_found=True, risk_types=(RiskType.ILLNESS, RiskType.DISASTER)
    )

    problems = findings_problems(Form.ORDINARY, findings, None)

    assert problems == []


def test_findings_problems_show_enumerations_by_their_value() -> None:
    """A judgement or suggestion out of place reads as its value."""
    findings = Findings(judgement=Judgement.AT_RISK, suggestion=Suggestion.INCLUDE)

    problems = findings_problems(Form.ORDINARY, findings, ObjectState.INCLUDED)

    assert [str(problem) for problem in problems] == [
        "findings.judgement='at_risk' is refused: only on form 2-4.",
        "findings.suggestion='include' is refused: only on form 2-4.",
    ]
