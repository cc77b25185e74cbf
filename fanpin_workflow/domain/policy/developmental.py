"""Whether a monitored household needs a developmental measure."""

from __future__ import annotations

from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.household_terms import DEVELOPMENTAL
from fanpin_workflow.domain.lifecycle import MONITORED_STATES
from fanpin_workflow.domain.policy.safety_net import is_no_labour_safety_net


def has_developmental_measure(household: Household) -> bool:
    """The household receives at least one developmental measure."""
    return any(measure in DEVELOPMENTAL for measure in household.measures)


def needs_developmental_measure(household: Household, object_state: str) -> bool:
    """Monitored, risk not eliminated, some member with labour capacity, and
    not a no-labour safety-net household: such a household must have a
    developmental measure (开发式帮扶措施)."""
    return (
        object_state in MONITORED_STATES
        and any(member.has_labour for member in household.members)
        and not is_no_labour_safety_net(household)
    )


def lacks_developmental_measure(household: Household, object_state: str) -> bool:
    """The household needs a developmental measure and has none (weekly tracking)."""
    return needs_developmental_measure(
        household, object_state
    ) and not has_developmental_measure(household)
