"""The data-cleaning checks of stored household records (数据清洗).

Record-level rules (identity numbers, one head, sex and relation) are
enforced when a household is registered; these checks look at what the
records say together, as the campaign's data cleaning does: a child marked
with labour, a working-age member marked without labour for no visible
reason, a monitored household that needs a developmental measure and has
none, risks no measure answers, and measures with no income to show.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import attrs

from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.household_terms import Health, LabourSkill, Measure
from fanpin_workflow.domain.lifecycle import MONITORED_STATES
from fanpin_workflow.domain.policy.developmental import lacks_developmental_measure
from fanpin_workflow.domain.policy.measures import unanswered_risks
from fanpin_workflow.domain.policy.parameters import PolicyParameters


class Severity(StrEnum):
    """How a problem stands: wrong, or worth a second look."""

    ERROR = "error"
    WARNING = "warning"


class DataRule(StrEnum):
    """A data-cleaning check."""

    CHILD_WITH_LABOUR = "child_with_labour"
    WORKING_AGE_WITHOUT_LABOUR = "working_age_without_labour"
    DEVELOPMENTAL_MEASURE_MISSING = "developmental_measure_missing"
    RISK_UNANSWERED = "risk_unanswered"
    MEASURE_WITHOUT_INCOME = "measure_without_income"


#: How each check stands.
SEVERITY: dict[DataRule, Severity] = {
    DataRule.CHILD_WITH_LABOUR: Severity.ERROR,
    DataRule.WORKING_AGE_WITHOUT_LABOUR: Severity.WARNING,
    DataRule.DEVELOPMENTAL_MEASURE_MISSING: Severity.ERROR,
    DataRule.RISK_UNANSWERED: Severity.WARNING,
    DataRule.MEASURE_WITHOUT_INCOME: Severity.WARNING,
}

#: Measures whose household should show the income they bring.
_INCOME_OF: dict[Measure, str] = {
    Measure.EMPLOYMENT: "wage_income",
    Measure.PUBLIC_WELFARE_JOB: "wage_income",
    Measure.INDUSTRY: "business_income",
}

_NO_LABOUR = frozenset({LabourSkill.LOST, LabourSkill.NONE})


@attrs.frozen
class DataProblem:
    """One thing a household's record says that a check finds wrong.

    `member` is the member's position in the record, when the problem is a
    member's; `detail` names fields and rules, never identity numbers.
    """

    household_id: str
    rule: DataRule
    member: int | None
    detail: str

    @property
    def severity(self) -> Severity:
        """Whether the record is wrong or only worth a second look."""
        return SEVERITY[self.rule]


def check_household(
    household: Household,
    object_state: str | None,
    parameters: PolicyParameters,
    on: dt.date,
) -> list[DataProblem]:
    """Every data-cleaning problem of one household, members first.

    `object_state` is the state of its monitoring object, if it has one;
    ages are counted on `on`.
    """
    problems: list[DataProblem] = []
    youngest_worker, oldest_worker = parameters.working_age

    def found(rule: DataRule, member: int | None, detail: str) -> None:
        problems.append(DataProblem(household.id, rule, member, detail))

    for index, person in enumerate(household.members):
        age = person.age_on(on)
        if age < youngest_worker and person.has_labour:
            found(
                DataRule.CHILD_WITH_LABOUR,
                index,
                f"aged under {youngest_worker} but labour_skill is "
                f"{person.labour_skill}",
            )
        working_age = youngest_worker <= age < oldest_worker
        if (
            working_age
            and person.labour_skill in _NO_LABOUR
            and person.health == frozenset({Health.HEALTHY})
            and not person.in_school
        ):
            found(
                DataRule.WORKING_AGE_WITHOUT_LABOUR,
                index,
                f"of working age, healthy and not in school, but labour_skill "
                f"is {person.labour_skill}",
            )

    if object_state is not None and lacks_developmental_measure(
        household, object_state
    ):
        found(
            DataRule.DEVELOPMENTAL_MEASURE_MISSING,
            None,
            "monitored, with labour, and no developmental measure",
        )
    if object_state in MONITORED_STATES:
        for risk in unanswered_risks(household):
            found(DataRule.RISK_UNANSWERED, None, str(risk))

    for measure, income in _INCOME_OF.items():
        if measure in household.measures and not getattr(household, income):
            found(
                DataRule.MEASURE_WITHOUT_INCOME,
                None,
                f"measure {measure} but {income} is 0",
            )
    return problems
