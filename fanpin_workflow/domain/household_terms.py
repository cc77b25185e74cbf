"""The enumerations of household and member records (DOMAIN.md §2)."""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    """A member's sex, as the identity number records it."""

    MALE = "male"
    FEMALE = "female"


class Relation(StrEnum):
    """A member's relation to the head of the household."""

    HEAD = "head"
    SPOUSE = "spouse"
    SON = "son"
    DAUGHTER = "daughter"
    SON_IN_LAW = "son_in_law"
    DAUGHTER_IN_LAW = "daughter_in_law"
    GRANDSON = "grandson"
    GRANDDAUGHTER = "granddaughter"
    FATHER = "father"
    MOTHER = "mother"
    BROTHER = "brother"
    SISTER = "sister"
    OTHER = "other"


#: Relations that name the member's sex.
RELATION_SEX = {
    Relation.SON: Sex.MALE,
    Relation.SON_IN_LAW: Sex.MALE,
    Relation.GRANDSON: Sex.MALE,
    Relation.FATHER: Sex.MALE,
    Relation.BROTHER: Sex.MALE,
    Relation.DAUGHTER: Sex.FEMALE,
    Relation.DAUGHTER_IN_LAW: Sex.FEMALE,
    Relation.GRANDDAUGHTER: Sex.FEMALE,
    Relation.MOTHER: Sex.FEMALE,
    Relation.SISTER: Sex.FEMALE,
}


class LabourSkill(StrEnum):
    """A member's labour skill (劳动技能)."""

    ORDINARY = "ordinary"
    SKILLED = "skilled"
    WEAK_OR_HALF = "weak_or_half"
    LOST = "lost"
    NONE = "none"


#: "Has labour capacity" (有劳动能力): ordinary, skilled, or weak or half labour.
WITH_LABOUR = frozenset(
    {LabourSkill.ORDINARY, LabourSkill.SKILLED, LabourSkill.WEAK_OR_HALF}
)


class Health(StrEnum):
    """A member's health; the conditions other than healthy may combine."""

    HEALTHY = "healthy"
    CHRONIC_ILLNESS = "chronic_illness"
    SERIOUS_ILLNESS = "serious_illness"
    DISABILITY = "disability"


class RiskType(StrEnum):
    """Why a household may fall (back) into poverty."""

    ILLNESS = "illness"
    DISABILITY = "disability"
    SCHOOLING = "schooling"
    DISASTER = "disaster"
    ACCIDENT = "accident"
    BUSINESS_FAILURE = "business_failure"
    UNSTABLE_WORK = "unstable_work"
    LACK_OF_LABOUR = "lack_of_labour"
    HOUSING = "housing"
    DRINKING_WATER = "drinking_water"
    OTHER = "other"


class Measure(StrEnum):
    """An assistance measure a household receives."""

    INDUSTRY = "industry"
    EMPLOYMENT = "employment"
    MICRO_CREDIT = "micro_credit"
    PUBLIC_WELFARE_JOB = "public_welfare_job"
    SUBSISTENCE_ALLOWANCE = "subsistence_allowance"
    EXTREME_POVERTY_SUPPORT = "extreme_poverty_support"
    COMPREHENSIVE_GUARANTEE = "comprehensive_guarantee"
    HEALTH_SUPPORT = "health_support"
    DISABILITY_SUPPORT = "disability_support"
    EDUCATION_SUPPORT = "education_support"
    HOUSING_SAFETY = "housing_safety"
    DRINKING_WATER = "drinking_water"
    DISASTER_RELIEF = "disaster_relief"
    OTHER = "other"


#: Risk types and measures that tell of a member's illness or disability:
#: health details, kept out of reprs, errors and public notices.
HEALTH_DETAILS = frozenset(
    {
        RiskType.ILLNESS,
        RiskType.DISABILITY,
        Measure.HEALTH_SUPPORT,
        Measure.DISABILITY_SUPPORT,
    }
)

#: Developmental measures (开发式帮扶措施).
DEVELOPMENTAL = frozenset(
    {
        Measure.INDUSTRY,
        Measure.EMPLOYMENT,
        Measure.MICRO_CREDIT,
        Measure.PUBLIC_WELFARE_JOB,
    }
)

#: Safety-net measures (兜底保障).
SAFETY_NET = frozenset(
    {
        Measure.SUBSISTENCE_ALLOWANCE,
        Measure.EXTREME_POVERTY_SUPPORT,
        Measure.COMPREHENSIVE_GUARANTEE,
    }
)


class HouseholdType(StrEnum):
    """What a household is to the programme."""

    EXITED = "exited"
    MONITORED = "monitored"
    ORDINARY = "ordinary"


class MonitoringCategory(StrEnum):
    """The category of a monitored household."""

    UNSTABLE_EXITED = "unstable_exited"
    MARGINAL = "marginal"
    SUDDEN_HARDSHIP = "sudden_hardship"
