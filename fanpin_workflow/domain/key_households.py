"""A village's key-household list (重点户名单) and its confirmation."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import attrs
import pendulum

from fanpin_workflow.domain.approval import START
from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.machine import Definition, StateMachine, Transition
from fanpin_workflow.domain.model import GuardedState
from fanpin_workflow.domain.policy.key_households import (
    REFERENCE_CATEGORIES,
    must_be_key_household,
)
from fanpin_workflow.domain.policy.parameters import PolicyParameters
from fanpin_workflow.errors import InvalidInput, MandatoryKeyHouseholdsMissing


class KeySource(StrEnum):
    """Where a key household came from."""

    REFERENCE_LIST = "reference_list"
    SELF_DECLARED = "self_declared"
    VILLAGE_KNOWLEDGE = "village_knowledge"
    INVESTIGATION = "investigation"


class KeyListState(StrEnum):
    """Where a village's key-household list stands."""

    DRAFT = "draft"
    CONFIRMED = "confirmed"


KEY_LIST = Definition(
    name="key_household_list",
    version="2024.1",
    states=(START, *KeyListState),
    transitions=(
        Transition("open", (START,), KeyListState.DRAFT),
        Transition("add", (KeyListState.DRAFT,), KeyListState.DRAFT),
        Transition("confirm", (KeyListState.DRAFT,), KeyListState.CONFIRMED),
        # After confirmation only households found at risk on a form join.
        Transition(
            "add_from_investigation",
            (KeyListState.CONFIRMED,),
            KeyListState.CONFIRMED,
        ),
    ),
    final_states=frozenset(),
)

KEY_LIST_MACHINE = StateMachine(KEY_LIST)


@attrs.frozen
class KeyEntry:
    """One reason a household is on the list."""

    household_id: str
    source: KeySource
    reason: str
    added_at: pendulum.DateTime
    added_by: str


@attrs.define(eq=False)
class KeyHouseholdList:
    """The village's list of households to investigate in depth."""

    village_code: str
    _state: str
    entries: list[KeyEntry] = attrs.Factory(list)
    confirmed_at: pendulum.DateTime | None = None
    confirmed_by: str | None = None
    version: int = 0
    updated_at: pendulum.DateTime | None = None

    @property
    def household_ids(self) -> set[str]:
        """Every household on the list, whatever its source."""
        return {entry.household_id for entry in self.entries}

    state = GuardedState("key-household list")


_CATEGORY_CODES = frozenset(category.code for category in REFERENCE_CATEGORIES)


def check_entry_reason(source: KeySource, reason: str) -> None:
    """A reference-list entry names its category; the others give a reason.

    Raises:
        InvalidInput: the reason is missing or not a reference category.
    """
    if source == KeySource.REFERENCE_LIST and reason not in _CATEGORY_CODES:
        allowed = ", ".join(sorted(_CATEGORY_CODES))
        raise InvalidInput("reason", reason, f"a reference category: one of {allowed}")
    if not reason.strip() or len(reason) > 200:
        raise InvalidInput("reason", reason, "must be 1 to 200 characters")


def check_mandatory_present(
    key_list: KeyHouseholdList,
    households: Iterable[Household],
    parameters: PolicyParameters,
) -> None:
    """Refuse confirmation while a household the mandatory rule names is missing.

    Raises:
        MandatoryKeyHouseholdsMissing: listing every missing household.
    """
    listed = key_list.household_ids
    missing = sorted(
        household.id
        for household in households
        if must_be_key_household(household, parameters) and household.id not in listed
    )
    if missing:
        raise MandatoryKeyHouseholdsMissing(key_list.village_code, missing)
