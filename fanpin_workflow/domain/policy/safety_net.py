"""Whole-household no-labour safety-net households (整户无劳动能力兜底保障户)."""

from __future__ import annotations

from fanpin_workflow.domain.household import Household


def is_no_labour_safety_net(household: Household) -> bool:
    """No member has labour capacity, and the household receives the
    rural subsistence allowance or dispersed extreme-poverty support."""
    no_labour = not any(member.has_labour for member in household.members)
    supported = any(member.receives_safety_net for member in household.members)
    return bool(household.members) and no_labour and supported
