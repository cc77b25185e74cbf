"""The data-cleaning checks, run over stored households and their objects."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from fanpin_workflow import Workflow
from fanpin_workflow.cli.main import cli
from tests.conftest import NEIGHBOUR_VILLAGE, VILLAGE, county_reviewer, village_officer
from tests.integration.campaign_builders import household

ON = dt.date(2024, 5, 10)


def _register(workflow: Workflow) -> None:
    """Three households of the village and one of its neighbour:

    - hh-fine: employed, with wage income: nothing to say;
    - hh-idle: the spouse (born 1982, healthy, not in school) marked without
      labour: a warning;
    - hh-tracked: monitored (imported as included) with labour and only a
      housing-safety measure: no developmental measure (an error), and its
      industry measure shows no business income (a warning);
    - hh-next: the neighbour's, like hh-idle, outside the area asked about.
    """
    officer = village_officer()
    workflow.register_household(officer, household("hh-fine", 11))
    idle = household("hh-idle", 12, size=2)
    idle["members"][1]["labour_skill"] = "none"
    workflow.register_household(officer, idle)
    tracked = household(
        "hh-tracked",
        13,
        measures=["industry", "housing_safety"],
        wage_income=0,
        business_income=0,
        risk_types=["housing"],
    )
    workflow.register_household(officer, tracked)
    workflow.import_object(county_reviewer(), "hh-tracked", VILLAGE, "included")
    neighbour = household("hh-next", 14, size=2, village=NEIGHBOUR_VILLAGE)
    neighbour["members"][1]["labour_skill"] = "none"
    workflow.register_household(village_officer(NEIGHBOUR_VILLAGE), neighbour)


def test_each_household_gets_exactly_its_problems(workflow: Workflow) -> None:
    """Problems come per household in id order, members first, and only from
    inside the area asked about."""
    _register(workflow)

    found = workflow.data_checks(VILLAGE, on=ON)

    assert [
        (p.household_id, str(p.rule), str(p.severity), p.member) for p in found
    ] == [
        ("hh-idle", "working_age_without_labour", "warning", 1),
        ("hh-tracked", "measure_without_income", "warning", None),
    ]


def test_an_industry_measure_counts_as_developmental(workflow: Workflow) -> None:
    """hh-tracked's industry support is developmental, so it is not missing
    one; with only housing safety it would be."""
    _register(workflow)
    workflow.register_household(
        village_officer(),
        household(
            "hh-tracked",
            13,
            measures=["housing_safety"],
            wage_income=0,
            risk_types=["housing"],
        ),
        expected_version=1,
    )

    found = workflow.data_checks(VILLAGE, on=ON)

    assert [(p.household_id, str(p.rule)) for p in found] == [
        ("hh-idle", "working_age_without_labour"),
        ("hh-tracked", "developmental_measure_missing"),
    ]


def test_the_cli_lists_the_problems_as_csv(
    backend_url: str, workflow: Workflow
) -> None:
    """`fanpin check --csv` writes one row per problem, no identity number."""
    _register(workflow)

    result = CliRunner().invoke(
        cli,
        ["check", "--db", backend_url, "--within", VILLAGE[:9], "--on", "2024-05-10"],
    )
    listed = CliRunner().invoke(
        cli,
        [
            "check",
            "--db",
            backend_url,
            "--within",
            VILLAGE,
            "--on",
            "2024-05-10",
            "--csv",
        ],
    )

    assert result.exit_code == 0, result.output
    assert "3 problem(s) in 3 household(s)" in result.output
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        "household,rule,severity,member,detail",
        "hh-idle,working_age_without_labour,warning,1,"
        '"of working age, healthy and not in school, but labour_skill is none"',
        "hh-tracked,measure_without_income,warning,,measure industry but "
        "business_income is 0",
    ]
