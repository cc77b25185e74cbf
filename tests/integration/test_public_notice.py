"""A village's public notice, read from storage, shows no personal data."""

from __future__ import annotations

import re

from click.testing import CliRunner

from fanpin_workflow import VirtualClock, Workflow
from fanpin_workflow.cli.main import cli
from tests.conftest import NEIGHBOUR_VILLAGE, VILLAGE, village_officer
from tests.integration.campaign_builders import at, household, to_notice

#: Any run of 15 or more digits: an identity number, whole or in part.
LONG_NUMBER = re.compile(r"\d{15,}")


def _posted(workflow: Workflow) -> tuple[str, list[str]]:
    """A household with an illness and a housing risk on notice since 10 May
    09:00; the case id and the members' identity numbers."""
    record = household(
        "hh-ill",
        7,
        size=2,
        health=("chronic_illness",),
        risk_types=["illness", "housing"],
    )
    workflow.register_household(village_officer(), record)
    case_id = to_notice(workflow, "hh-ill")
    return case_id, [member["id_number"] for member in record["members"]]


def test_the_notice_names_the_proposal_and_withholds_health(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """While up, the notice shows the household, the proposal, its size and
    its housing risk, and says a risk was withheld; nothing else of theirs."""
    case_id, numbers = _posted(workflow)

    lines = workflow.public_notice(VILLAGE, at(2024, 5, 12, 10))

    assert [(line.case_id, line.household_id, line.kind) for line in lines] == [
        (case_id, "hh-ill", "inclusion")
    ]
    line = lines[0]
    assert (line.members, line.risk_types, line.risks_withheld) == (
        2,
        ("housing",),
        True,
    )
    assert line.posted_at.isoformat() == "2024-05-10T09:00:00+08:00"
    assert line.ends_at.isoformat() == "2024-05-15T09:00:00+08:00"
    shown = repr(lines)
    assert all(number not in shown for number in numbers)
    assert "illness" not in shown and "chronic" not in shown


def test_the_notice_is_up_for_its_period_only(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """Up from the instant it is posted until, not at, the end of its 5 days."""
    _posted(workflow)

    def count(*moment: int) -> int:
        return len(workflow.public_notice(VILLAGE, at(*moment)))

    assert count(2024, 5, 10, 8, 59, 59, 999999) == 0
    assert count(2024, 5, 10, 9) == 1
    assert count(2024, 5, 15, 8, 59, 59, 999999) == 1
    assert count(2024, 5, 15, 9) == 0


def test_another_villages_notice_does_not_show_it(
    workflow: Workflow, clock: VirtualClock
) -> None:
    """A notice is the village's own."""
    _posted(workflow)

    assert workflow.public_notice(NEIGHBOUR_VILLAGE, at(2024, 5, 12, 10)) == []


def test_the_cli_prints_the_notice_as_csv_without_identity_numbers(
    backend_url: str, workflow: Workflow, clock: VirtualClock
) -> None:
    """`fanpin notice --csv` writes one row per case and no long number."""
    _, numbers = _posted(workflow)

    result = CliRunner().invoke(
        cli,
        [
            "notice",
            "--db",
            backend_url,
            "--village",
            VILLAGE,
            "--at",
            "2024-05-12T10:00",
            "--csv",
        ],
    )

    assert result.exit_code == 0, result.output
    rows = result.output.splitlines()
    assert rows[1] == (
        "hh-ill,proposed for monitoring,拟纳入监测对象,2,housing,yes,"
        "2024-05-10T09:00:00+08:00,2024-05-15T09:00:00+08:00"
    )
    assert len(rows) == 2
    assert LONG_NUMBER.search(result.output) is None
    assert all(number not in result.output for number in numbers)
