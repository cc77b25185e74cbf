"""An expected version tells a stale read from a version that never was."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from fanpin_workflow import Workflow
from fanpin_workflow.errors import ConcurrencyConflict, InvalidInput
from tests.conftest import VILLAGE, village_officer
from tests.integration.helpers import snapshot


def test_a_version_the_case_never_reached_is_refused_as_input(
    workflow: Workflow, engine: Engine
) -> None:
    """Expecting version 99 of a case at version 1 is the caller's mistake,
    not a race: InvalidInput naming the field, and nothing written."""
    officer = village_officer()
    case_id = workflow.propose_inclusion(officer, "hh-1", VILLAGE).subject_id
    before = snapshot(engine)

    with pytest.raises(InvalidInput) as refused:
        workflow.deliberate(officer, case_id, expected_version=99)

    assert refused.value.field == "expected_version"
    assert refused.value.value == 99
    assert refused.value.rule == f"approval case {case_id} has only reached version 1"
    assert snapshot(engine) == before


def test_an_older_version_is_a_retryable_conflict(
    workflow: Workflow, engine: Engine
) -> None:
    """Expecting version 1 of a case another step moved to 2 is a conflict."""
    officer = village_officer()
    case_id = workflow.propose_inclusion(officer, "hh-1", VILLAGE).subject_id
    workflow.deliberate(officer, case_id, expected_version=1)
    before = snapshot(engine)

    with pytest.raises(ConcurrencyConflict) as refused:
        workflow.publish_notice(officer, case_id, expected_version=1)

    assert refused.value.detail == "expected version 1, found version 2"
    assert refused.value.retryable is True
    assert snapshot(engine) == before
