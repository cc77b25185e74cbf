"""The public notice shows what is proposed and never a health detail."""

from __future__ import annotations

import pendulum
import pytest

from fanpin_workflow.domain.approval import CaseKind, CaseState
from fanpin_workflow.domain.household_terms import RiskType
from fanpin_workflow.domain.model import ApprovalCase
from fanpin_workflow.domain.notice import is_on_notice, notice_line
from tests.unit.household_builders import VILLAGE, household

POSTED = pendulum.datetime(2024, 5, 10, 7, tz="UTC")  # 15:00 in Shanghai
ENDS = pendulum.datetime(2024, 5, 15, 7, tz="UTC")


def posted_case(kind: CaseKind = CaseKind.INCLUSION) -> ApprovalCase:
    """A case whose notice runs from 10 May 15:00 to 15 May 15:00 (Shanghai)."""
    return ApprovalCase(
        id="case-1",
        object_id="object-1",
        kind=kind,
        village_code=VILLAGE,
        state=CaseState.IN_NOTICE,
        notice_started_at=POSTED,
        notice_ends_at=ENDS,
    )


def test_a_line_names_the_proposal_the_size_and_the_period() -> None:
    """The line carries the household number, what is proposed, how many live
    there, and the notice period in the campaign's zone."""
    facts = household(3, risk_types=(RiskType.UNSTABLE_WORK, RiskType.HOUSING))

    line = notice_line(posted_case(), "hh-0001", facts)

    assert (line.household_id, line.kind, line.title_zh) == (
        "hh-0001",
        "inclusion",
        "拟纳入监测对象",
    )
    assert line.members == 3
    assert line.risk_types == ("unstable_work", "housing")
    assert line.risks_withheld is False
    assert line.posted_at.isoformat() == "2024-05-10T15:00:00+08:00"
    assert line.ends_at.isoformat() == "2024-05-15T15:00:00+08:00"


@pytest.mark.parametrize("health", [RiskType.ILLNESS, RiskType.DISABILITY])
def test_health_risks_are_withheld_and_the_line_says_so(health: RiskType) -> None:
    """Illness and disability are health details: left out, and flagged."""
    facts = household(2, risk_types=(health, RiskType.SCHOOLING))

    line = notice_line(posted_case(), "hh-0001", facts)

    assert line.risk_types == ("schooling",)
    assert line.risks_withheld is True
    assert str(health) not in repr(line)


def test_nothing_personal_of_a_member_reaches_the_line() -> None:
    """No identity number, birth date or health of any member is on the line."""
    facts = household(4, risk_types=(RiskType.ILLNESS,))

    shown = repr(notice_line(posted_case(), "hh-0001", facts))

    for person in facts.members:
        assert person.id_number not in shown
        assert person.id_number[6:14] not in shown
    assert "healthy" not in shown
    assert "illness" not in shown


def test_a_household_without_facts_shows_no_size_or_risks() -> None:
    """A household the engine holds no facts of is posted by number only."""
    line = notice_line(posted_case(CaseKind.RISK_ELIMINATION), "hh-9", None)

    assert (line.members, line.risk_types, line.risks_withheld) == (None, (), False)
    assert line.title_zh == "拟风险消除"


@pytest.mark.parametrize(
    ("at", "up"),
    [
        (POSTED.subtract(microseconds=1), False),
        (POSTED, True),
        (ENDS.subtract(microseconds=1), True),
        (ENDS, False),
    ],
)
def test_a_notice_is_up_from_its_posting_until_it_runs_out(
    at: pendulum.DateTime, up: bool
) -> None:
    """The notice is up from the instant it is posted until, not at, its end."""
    assert is_on_notice(posted_case(), at) is up
