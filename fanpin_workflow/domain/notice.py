"""The village's public notice (公示) of its cases: what may be shown.

A notice is posted where anyone can read it. It names the household by the
number the host gave it, says what is proposed, how many people live there
and why (the risk types), and how long the notice runs. It never shows an
identity number, a phone number, a bank account or a health detail: the
engine stores no phone or bank account, members' health and out-of-pocket
medical expenses are left out, and the risk types that are health details
(illness, disability) are withheld and the line says so.
"""

from __future__ import annotations

import attrs
import pendulum

from fanpin_workflow.domain.approval import CaseKind
from fanpin_workflow.domain.clock import CAMPAIGN_ZONE, in_zone
from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.household_terms import HEALTH_DETAILS, RiskType
from fanpin_workflow.domain.model import ApprovalCase

#: Risk types that are health details, never posted.
WITHHELD_RISKS = frozenset(risk for risk in RiskType if risk in HEALTH_DETAILS)

#: What each kind of case proposes, as the notice heads it.
KIND_TITLES: dict[str, tuple[str, str]] = {
    CaseKind.INCLUSION: ("拟纳入监测对象", "proposed for monitoring"),
    CaseKind.RELABEL: ("拟风险再标注", "proposed for monitoring again"),
    CaseKind.RISK_ELIMINATION: ("拟风险消除", "proposed: risk eliminated"),
    CaseKind.CLEAR_OUT: ("拟清退", "proposed for clearing out"),
    CaseKind.ROLLBACK: ("拟风险消除回退", "proposed: elimination revoked"),
}


@attrs.frozen
class NoticeLine:
    """One household on a village's public notice."""

    case_id: str
    household_id: str
    village_code: str
    kind: str
    title_zh: str
    title_en: str
    members: int | None
    risk_types: tuple[str, ...]
    risks_withheld: bool
    posted_at: pendulum.DateTime
    ends_at: pendulum.DateTime


def is_on_notice(case: ApprovalCase, at: pendulum.DateTime) -> bool:
    """Whether the case's notice was up at `at`: posted, and not yet run out."""
    return (
        case.notice_started_at is not None
        and case.notice_ends_at is not None
        and case.notice_started_at <= at < case.notice_ends_at
    )


def notice_line(
    case: ApprovalCase,
    household_id: str,
    household: Household | None,
    zone: str = CAMPAIGN_ZONE,
) -> NoticeLine:
    """The line a case puts on its village's notice.

    A household whose facts the engine does not hold shows no member count
    and no risk types.
    """
    assert case.notice_started_at is not None and case.notice_ends_at is not None
    title_zh, title_en = KIND_TITLES[case.kind]
    shown: tuple[str, ...] = ()
    withheld = False
    if household is not None:
        shown = tuple(
            str(risk) for risk in household.risk_types if risk not in WITHHELD_RISKS
        )
        withheld = any(risk in WITHHELD_RISKS for risk in household.risk_types)

    return NoticeLine(
        case_id=case.id,
        household_id=household_id,
        village_code=case.village_code,
        kind=str(case.kind),
        title_zh=title_zh,
        title_en=title_en,
        members=len(household.members) if household is not None else None,
        risk_types=shown,
        risks_withheld=withheld,
        posted_at=in_zone(case.notice_started_at, zone),
        ends_at=in_zone(case.notice_ends_at, zone),
    )
