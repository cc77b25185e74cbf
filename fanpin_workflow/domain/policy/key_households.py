"""Which households the campaign investigates in depth (重点户)."""

from __future__ import annotations

import attrs

from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.policy.parameters import PolicyParameters


@attrs.frozen
class ReferenceCategory:
    """A category of the upper level's reference list."""

    code: str
    title_zh: str
    title_en: str


#: The ten categories of published reference lists; a campaign may replace them.
REFERENCE_CATEGORIES: tuple[ReferenceCategory, ...] = (
    ReferenceCategory("low_income", "收入较低", "low income"),
    ReferenceCategory("falling_income", "收入大幅下降", "sharply falling income"),
    ReferenceCategory("new_allowance", "新纳入低保", "new subsistence allowance"),
    ReferenceCategory(
        "new_extreme_support", "新纳入特困供养", "new extreme-poverty support"
    ),
    ReferenceCategory("large_relief", "大额临时救助", "large temporary relief"),
    ReferenceCategory("new_disability", "新增重度残疾", "new severe disability"),
    ReferenceCategory("serious_illness", "大病重病", "serious illness"),
    ReferenceCategory("many_in_school", "多子女就学", "many children in school"),
    ReferenceCategory("unstable_work", "务工不稳定", "unstable migrant work"),
    ReferenceCategory("disaster_accident", "灾害意外事故", "disaster or accident"),
)


def must_be_key_household(household: Household, parameters: PolicyParameters) -> bool:
    """A member was newly identified for, or newly applied for, the rural
    subsistence allowance or dispersed extreme-poverty support on or after
    `mandatory_key_since` (1 January 2023 in the 2024 campaign)."""
    since = parameters.mandatory_key_since
    return any(
        (
            member.benefit_identified_on is not None
            and member.benefit_identified_on >= since
        )
        or (
            member.benefit_applied_on is not None and member.benefit_applied_on >= since
        )
        for member in household.members
    )
