"""Queries refuse arguments they can't use, naming the field, value and rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fanpin_workflow import Workflow
from fanpin_workflow.errors import InvalidInput

LARGEST = 2**63 - 1
HUGE = 2**70
OFFSET_RULE = "a whole number from 0 to 9,223,372,036,854,775,807"
PAGE_RULE = "a whole number from 1 to 10,000"

Query = Callable[[Workflow], Any]

REFUSED: list[tuple[str, Query, str, str | None]] = [
    (
        "objects offset too large",
        lambda wf: wf.objects(offset=HUGE),
        "offset",
        OFFSET_RULE,
    ),
    (
        "objects offset negative",
        lambda wf: wf.objects(offset=-1),
        "offset",
        OFFSET_RULE,
    ),
    ("objects offset True", lambda wf: wf.objects(offset=True), "offset", OFFSET_RULE),
    ("objects limit True", lambda wf: wf.objects(limit=True), "limit", PAGE_RULE),
    ("objects limit 0", lambda wf: wf.objects(limit=0), "limit", PAGE_RULE),
    ("objects limit 10,001", lambda wf: wf.objects(limit=10_001), "limit", PAGE_RULE),
    ("objects limit 1.0", lambda wf: wf.objects(limit=1.0), "limit", PAGE_RULE),
    (
        "changes_since too large",
        lambda wf: wf.changes_since(HUGE),
        "sequence",
        OFFSET_RULE,
    ),
    (
        "changes_since negative",
        lambda wf: wf.changes_since(-1),
        "sequence",
        OFFSET_RULE,
    ),
    ("changes_since True", lambda wf: wf.changes_since(True), "sequence", OFFSET_RULE),
    (
        "changes_since limit True",
        lambda wf: wf.changes_since(0, limit=True),
        "limit",
        PAGE_RULE,
    ),
    ("case_history of an empty id", lambda wf: wf.case_history(""), "case_id", None),
    ("case_history of a dict", lambda wf: wf.case_history({}), "case_id", None),
    ("audit_trail of None", lambda wf: wf.audit_trail(None), "object_id", None),
    ("audit_trail of a number", lambda wf: wf.audit_trail(7), "object_id", None),
    (
        "security_log limit True",
        lambda wf: wf.security_log(limit=True),
        "limit",
        PAGE_RULE,
    ),
]


@pytest.mark.parametrize(
    ("query", "field", "rule"),
    [(query, field, rule) for _, query, field, rule in REFUSED],
    ids=[label for label, _, _, _ in REFUSED],
)
def test_bad_query_argument_is_refused(
    workflow: Workflow, query: Query, field: str, rule: str | None
) -> None:
    """A query argument of the wrong type or out of range is refused as
    InvalidInput (not retryable) naming the field, the value and the rule;
    ids are refused by the engine's id rule, whatever its words."""
    with pytest.raises(InvalidInput) as refused:
        query(workflow)

    message = str(refused.value)
    assert refused.value.field == field
    assert message.startswith(f"{field}=")
    assert refused.value.retryable is False
    if rule is not None:
        assert refused.value.rule == rule
        assert message.endswith(f" is refused: {rule}.")


def test_largest_stored_numbers_are_accepted(workflow: Workflow) -> None:
    """The largest offset and sequence both backends store, and a full page,
    are answered (with nothing after them), not refused or overflowed."""
    beyond_objects = workflow.objects(offset=LARGEST, limit=10_000)
    beyond_changes = workflow.changes_since(LARGEST, limit=10_000)
    first_page = workflow.changes_since(0, limit=1)

    assert beyond_objects == []
    assert beyond_changes == []
    assert [entry.sequence for entry in first_page] == [1]


def test_unknown_ids_give_empty_histories(workflow: Workflow) -> None:
    """Well-formed ids that name nothing give empty histories, not errors."""
    case_entries = workflow.case_history("no-such-case")
    object_entries = workflow.audit_trail("no-such-object")

    assert case_entries == []
    assert object_entries == []
