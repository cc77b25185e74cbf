"""Synthetic households: members, ages, labour, health, incomes and benefits.

Every figure is drawn from a seeded generator and is invented. The shapes
follow what the campaign's forms record (DOMAIN.md §2), not any real data.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from fanpin_workflow.domain.household import Household, Member
from fanpin_workflow.domain.household_terms import (
    SAFETY_NET,
    Health,
    HouseholdType,
    LabourSkill,
    Measure,
    Relation,
    RiskType,
    Sex,
)
from fanpin_workflow.domain.identity import check_digit
from fanpin_workflow.domain.policy.measures import ANSWERS
from fanpin_workflow.simulation.county import COUNTY_CODE

#: How many members households have, and how often.
SIZES = {1: 0.10, 2: 0.20, 3: 0.22, 4: 0.23, 5: 0.15, 6: 0.10}

#: The day ages are counted on, unless the campaign's year gives another.
REFERENCE_DAY = dt.date(2024, 5, 1)


class HouseholdFactory:
    """Draws households; the same seed gives the same households."""

    def __init__(
        self, rng: random.Random, reference_day: dt.date = REFERENCE_DAY
    ) -> None:
        self.rng = rng
        self.reference_day = reference_day
        self._serials: dict[tuple[dt.date, Sex], int] = {}

    def household(
        self, household_id: str, village_code: str, kind: HouseholdType
    ) -> Household:
        """One household of the given type, with plausible facts."""
        rng = self.rng
        size = rng.choices(list(SIZES), list(SIZES.values()))[0]
        members = self._members(size)
        poor = kind == HouseholdType.MONITORED
        wage = sum((self._wage(m, poor) for m in members), Decimal(0))
        pensions = sum(
            (
                Decimal(rng.randint(1500, 3600))
                for m in members
                if m.age_on(self.reference_day) >= 60
            ),
            Decimal(0),
        )
        business = Decimal(rng.choice([0, 0, 0, rng.randint(2000, 20000)]))
        expenses = (business * Decimal("0.4")).quantize(Decimal(1))
        illness = any(h != Health.HEALTHY for m in members for h in m.health)
        compliant = Decimal(rng.randint(500, 12000) if illness else 0)

        risks: tuple[RiskType, ...] = ()
        measures: list[Measure] = []
        if poor:
            risks = self._risks(members)
            measures = self._measures(members, risks)
        members = self._benefits(members, wage + pensions, poor)
        if any(m.receives_safety_net for m in members):
            measures.append(
                Measure.SUBSISTENCE_ALLOWANCE
                if any(m.subsistence_allowance for m in members)
                else Measure.EXTREME_POVERTY_SUPPORT
            )
        # Each guarantee is drawn on its own: poorer households miss one more
        # often, and housing most often.
        gaps = (0.06, 0.02, 0.02, 0.03) if poor else (0.01, 0.005, 0.005, 0.01)
        housing, schooling, insurance, water = (rng.random() > gap for gap in gaps)
        return Household(
            id=household_id,
            village_code=village_code,
            type=kind,
            members=tuple(members),
            wage_income=wage,
            business_income=business,
            property_income=Decimal(rng.choice([0, 0, 0, 300, 800])),
            transfer_income=pensions,
            business_expenses=expenses,
            compliant_expenses=compliant,
            risk_types=risks,
            housing_safe=housing,
            compulsory_education_secured=schooling,
            medical_insurance_secured=insurance,
            drinking_water_safe=water,
            measures=tuple(dict.fromkeys(measures)),
        )

    def _members(self, size: int) -> list[Member]:
        rng = self.rng
        head_sex = Sex.MALE if rng.random() < 0.85 else Sex.FEMALE
        head_age = rng.randint(26, 78)
        members = [self._member(Relation.HEAD, head_sex, head_age)]
        if size >= 2 and rng.random() < 0.8:
            spouse_sex = Sex.FEMALE if head_sex == Sex.MALE else Sex.MALE
            age = max(20, head_age + rng.randint(-6, 4))
            members.append(self._member(Relation.SPOUSE, spouse_sex, age))
        while len(members) < size:
            if head_age < 55 and rng.random() < 0.2:
                sex = rng.choice([Sex.MALE, Sex.FEMALE])
                relation = Relation.FATHER if sex == Sex.MALE else Relation.MOTHER
                age = min(95, head_age + rng.randint(22, 32))
            else:
                sex = rng.choice([Sex.MALE, Sex.FEMALE])
                relation = Relation.SON if sex == Sex.MALE else Relation.DAUGHTER
                age = max(0, head_age - rng.randint(20, 34))
            members.append(self._member(relation, sex, age))
        return members

    def _member(self, relation: Relation, sex: Sex, age: int) -> Member:
        rng = self.rng
        day = self.reference_day
        born = day.replace(year=day.year - age) - dt.timedelta(days=rng.randint(1, 364))
        draw = rng.random()
        health = frozenset(
            {Health.HEALTHY}
            if draw < 0.86
            else {Health.CHRONIC_ILLNESS}
            if draw < 0.94
            else {Health.SERIOUS_ILLNESS}
            if draw < 0.97
            else {Health.DISABILITY}
        )
        return Member(
            id_number=self._id_number(born, sex),
            sex=sex,
            birth_date=born,
            relation=relation,
            labour_skill=self._labour(age, health),
            health=health,
            in_school=6 <= age <= 21 and rng.random() < 0.85,
        )

    def _labour(self, age: int, health: frozenset[Health]) -> LabourSkill:
        rng = self.rng
        if age < 16:
            return LabourSkill.NONE
        if Health.SERIOUS_ILLNESS in health or Health.DISABILITY in health:
            return LabourSkill.LOST if rng.random() < 0.6 else LabourSkill.WEAK_OR_HALF
        if age > 65:
            return rng.choice(
                [LabourSkill.WEAK_OR_HALF, LabourSkill.LOST, LabourSkill.NONE]
            )
        if Health.CHRONIC_ILLNESS in health or age > 58:
            return LabourSkill.WEAK_OR_HALF
        return LabourSkill.SKILLED if rng.random() < 0.15 else LabourSkill.ORDINARY

    def _wage(self, member: Member, poor: bool) -> Decimal:
        if not member.has_labour or member.in_school:
            return Decimal(0)
        typical = 9000 if member.labour_skill == LabourSkill.WEAK_OR_HALF else 26000
        if member.labour_skill == LabourSkill.SKILLED:
            typical = 38000
        if poor:
            typical = typical * 45 // 100
        drawn = self.rng.lognormvariate(math.log(typical), 0.45)
        return Decimal(round(drawn))

    def _risks(self, members: list[Member]) -> tuple[RiskType, ...]:
        rng = self.rng
        found = []
        if any(Health.SERIOUS_ILLNESS in m.health for m in members):
            found.append(RiskType.ILLNESS)
        if any(Health.DISABILITY in m.health for m in members):
            found.append(RiskType.DISABILITY)
        if not any(m.has_labour for m in members):
            found.append(RiskType.LACK_OF_LABOUR)
        if not found or rng.random() < 0.3:
            found.append(
                rng.choice(
                    [
                        RiskType.UNSTABLE_WORK,
                        RiskType.SCHOOLING,
                        RiskType.BUSINESS_FAILURE,
                        RiskType.DISASTER,
                        RiskType.ILLNESS,
                    ]
                )
            )
        return tuple(dict.fromkeys(found))[:5]

    def _measures(
        self, members: list[Member], risks: tuple[RiskType, ...]
    ) -> list[Measure]:
        rng = self.rng
        chosen: list[Measure] = []
        for risk in risks:
            answers = sorted(ANSWERS[risk] - SAFETY_NET)
            if answers and rng.random() < 0.85:
                chosen.append(rng.choice(answers))
        if any(m.has_labour for m in members) and rng.random() < 0.75:
            chosen.append(rng.choice([Measure.EMPLOYMENT, Measure.INDUSTRY]))
        return chosen

    def _benefits(
        self, members: list[Member], income: Decimal, poor: bool
    ) -> list[Member]:
        """Give some poorer households the allowance or extreme-poverty support."""
        rng = self.rng
        per_head = income / len(members)
        no_labour = not any(m.has_labour for m in members)
        chance = 0.55 if poor and per_head < 7300 else 0.35 if no_labour else 0.004
        if rng.random() >= chance:
            return members
        since = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 1950))
        single_elder = len(members) == 1 and members[0].age_on(self.reference_day) >= 60
        head = members[0]
        changed = Member(
            id_number=head.id_number,
            sex=head.sex,
            birth_date=head.birth_date,
            relation=head.relation,
            labour_skill=head.labour_skill,
            health=head.health,
            in_school=head.in_school,
            subsistence_allowance=not single_elder,
            extreme_poverty_support=single_elder,
            benefit_identified_on=since,
        )
        return [changed, *members[1:]]

    def _id_number(self, born: dt.date, sex: Sex) -> str:
        key = (born, sex)
        serial = self._serials.get(key, 0) + 1
        self._serials[key] = serial
        # The 17th digit is odd for men and even for women.
        sequence = serial * 2 - (1 if sex == Sex.MALE else 0)
        first_17 = f"{COUNTY_CODE[:6]}{born:%Y%m%d}{sequence:03d}"
        return first_17 + check_digit(first_17)
