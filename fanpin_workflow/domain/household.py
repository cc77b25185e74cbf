"""Households and their members, validated on the way in.

`parse_household` turns a host's plain data (a mapping, as from JSON) into a
Household, or raises InvalidRecord listing every problem of the record at
once. Identity numbers and health details never appear in an error, and a
field the record does not know is refused rather than dropped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

import attrs

from fanpin_workflow.domain.approval import Level
from fanpin_workflow.domain.household_terms import (
    HEALTH_DETAILS,
    RELATION_SEX,
    WITH_LABOUR,
    Health,
    HouseholdType,
    LabourSkill,
    Measure,
    MonitoringCategory,
    Relation,
    RiskType,
    Sex,
)
from fanpin_workflow.domain.identity import (
    identity_facts,
    identity_problem,
    mask,
    normalised,
)
from fanpin_workflow.domain.jurisdiction import check_area_code
from fanpin_workflow.domain.values import check_id
from fanpin_workflow.errors import UNKNOWN_FIELD, InvalidInput, InvalidRecord

#: At most this many risk types are recorded for a household.
MAX_RISK_TYPES = 5

E = TypeVar("E", bound=StrEnum)

#: No member recorded by the campaign was born before this day.
EARLIEST_BIRTH = dt.date(1900, 1, 1)

#: Without a reference day, no date of a record may lie after this one.
LATEST_DATE = dt.date(2099, 12, 31)

#: A member younger than this has no labour capacity (DOMAIN.md §6).
LABOUR_AGE = 16

_OTHER_SEX = {Sex.MALE: Sex.FEMALE, Sex.FEMALE: Sex.MALE}

#: A day a date must not pass, and the rule that says so.
_Bound = tuple[dt.date, str]

_FEN = Decimal("0.01")
_MAX_YUAN = Decimal(1_000_000_000)


#: What a repr shows in place of a health detail.
WITHHELD = "<withheld>"


def _shown(values: tuple[StrEnum, ...]) -> str:
    # Illness and disability risks and measures are health details.
    items = [WITHHELD if v in HEALTH_DETAILS else repr(str(v)) for v in values]
    return f"({', '.join(items)})"


@attrs.frozen
class Member:
    """One member of a household; no name is kept."""

    id_number: str = attrs.field(repr=mask)
    sex: Sex
    birth_date: dt.date
    relation: Relation
    labour_skill: LabourSkill
    health: frozenset[Health] = attrs.field(repr=lambda _: WITHHELD)
    in_school: bool = False
    medical_insurance: bool = True
    subsistence_allowance: bool = False
    extreme_poverty_support: bool = False
    benefit_identified_on: dt.date | None = None
    benefit_applied_on: dt.date | None = None

    @property
    def has_labour(self) -> bool:
        """Tell whether the member has labour capacity (有劳动能力)."""
        return self.labour_skill in WITH_LABOUR

    @property
    def receives_safety_net(self) -> bool:
        """Tell whether the member receives allowance or extreme-poverty support."""
        return self.subsistence_allowance or self.extreme_poverty_support

    def age_on(self, day: dt.date) -> int:
        """The member's age in whole years on `day`."""
        return age_on(self.birth_date, day)


@attrs.frozen
class Household:
    """A household's facts as the campaign records them (yuan a year)."""

    id: str
    village_code: str
    type: HouseholdType
    members: tuple[Member, ...]
    wage_income: Decimal = Decimal(0)
    business_income: Decimal = Decimal(0)
    property_income: Decimal = Decimal(0)
    transfer_income: Decimal = Decimal(0)
    business_expenses: Decimal = Decimal(0)
    compliant_expenses: Decimal = Decimal(0)
    risk_types: tuple[RiskType, ...] = attrs.field(default=(), repr=_shown)
    new_risk: bool = False
    housing_safe: bool = True
    compulsory_education_secured: bool = True
    medical_insurance_secured: bool = True
    drinking_water_safe: bool = True
    measures: tuple[Measure, ...] = attrs.field(default=(), repr=_shown)
    category: MonitoringCategory | None = None

    @property
    def head(self) -> Member:
        """The head of the household."""
        return next(m for m in self.members if m.relation == Relation.HEAD)


def age_on(born: dt.date, day: dt.date) -> int:
    """The age in whole years on `day` of someone born on `born`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class _Reader:
    """Reads fields of a mapping, collecting every problem it meets."""

    def __init__(self, data: Mapping[str, Any], prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix
        self.problems: list[InvalidInput] = []

    def fail(self, field: str, value: Any, rule: str) -> None:
        self.problems.append(InvalidInput(self.prefix + field, value, rule))

    def unknown(self, known: Sequence[str]) -> None:
        """Refuse every field the record holds that is not one of `known`."""
        for name in sorted(set(self.data) - set(known), key=str):
            self.fail(str(name), None, UNKNOWN_FIELD)

    def text(self, field: str, limit: int = 64) -> str:
        value = self.data.get(field)
        try:
            return check_id(self.prefix + field, value, limit)
        except InvalidInput as problem:
            self.problems.append(problem)
            return ""

    def choice(self, field: str, enum: type[E], default: E | None = None) -> E:
        value = self.data.get(field, default)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            self.fail(field, value, f"must be one of {allowed}")
            return next(iter(enum))

    def choices(self, field: str, enum: type[E]) -> tuple[E, ...]:
        values = self.data.get(field, ())
        if isinstance(values, str) or not isinstance(values, Sequence):
            self.fail(field, values, "must be a list")
            return ()
        chosen = []
        for index, value in enumerate(values):
            try:
                chosen.append(enum(value))
            except ValueError:
                allowed = ", ".join(member.value for member in enum)
                self.fail(f"{field}[{index}]", value, f"must be one of {allowed}")
        if len(set(chosen)) != len(chosen):
            self.fail(field, list(values), "must not repeat a value")
        return tuple(chosen)

    def flag(self, field: str, default: bool | None) -> bool:
        value = self.data.get(field, default)
        if value is None and default is None:
            self.fail(field, None, "must be given (true or false)")
            return False
        if not isinstance(value, bool):
            self.fail(field, value, "must be true or false")
            return bool(default)
        return value

    def money(self, field: str) -> Decimal:
        value = self.data.get(field, 0)
        try:
            amount = Decimal(str(value)) if not isinstance(value, bool) else None
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            self.fail(field, value, "must be an amount of yuan")
            return Decimal(0)
        if amount < 0:
            self.fail(field, value, "must not be negative")
        elif amount > _MAX_YUAN:
            self.fail(field, value, "must be at most 1,000,000,000 yuan")
        elif amount != amount.quantize(_FEN):
            self.fail(field, value, "must have at most 2 decimal places (fen)")
        return amount

    def date(
        self, field: str, *, required: bool, earliest: _Bound, latest: _Bound
    ) -> dt.date | None:
        value = self.data.get(field)
        if value is None and not required:
            return None
        day: dt.date | None = None
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                day = dt.date.fromisoformat(value)
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            day = value
        if day is None:
            self.fail(field, value, "must be a date (YYYY-MM-DD)")
            return None
        if not earliest[0] <= day <= latest[0]:
            rule = earliest[1] if day < earliest[0] else latest[1]
            self.fail(field, day.isoformat(), rule)
            return None
        return day


def as_record(household: Household) -> dict[str, Any]:
    """A household as the plain record `parse_household` reads, so a Household
    built in code passes the same checks as one read from JSON."""

    def plain(value: Any) -> Any:
        if isinstance(value, frozenset | tuple | list):
            return [plain(item) for item in value]
        if isinstance(value, StrEnum):
            return value.value
        if isinstance(value, Decimal):
            return str(value)
        return value

    record = {
        field.name: plain(getattr(household, field.name))
        for field in attrs.fields(Household)
        if field.name != "members"
    }
    record["members"] = [
        {f.name: plain(getattr(m, f.name)) for f in attrs.fields(Member)}
        if isinstance(m, Member)
        else m
        for m in (household.members if isinstance(household.members, tuple) else ())
    ]
    return record


def parse_household(
    data: Mapping[str, Any], *, today: dt.date | None = None
) -> Household:
    """Validate a household record and build it.

    Args:
        data: the record, as `as_record` writes it.
        today: the record's day in the campaign's zone. With it, no date
            may lie after it and a child under 16 on it may not have labour
            capacity; without it, dates are only bounded by 2099-12-31.

    Raises:
        InvalidRecord: every problem found, each naming field, value and rule.
    """
    if not isinstance(data, Mapping):
        raise InvalidRecord("household", [InvalidInput("household", data, "a mapping")])

    read = _Reader(data)
    read.unknown([field.name for field in attrs.fields(Household)])
    household_id = read.text("id")
    village_code: str = data.get("village_code")  # type: ignore[assignment]
    try:
        check_area_code("village_code", village_code, Level.VILLAGE)
    except InvalidInput as problem:
        read.problems.append(problem)
        village_code = ""

    members = _members(data.get("members"), read, today)
    risk_types = read.choices("risk_types", RiskType)
    if len(risk_types) > MAX_RISK_TYPES:
        read.fail("risk_types", len(risk_types), f"at most {MAX_RISK_TYPES} risk types")

    category = data.get("category")
    household = Household(
        id=household_id,
        village_code=village_code,
        type=read.choice("type", HouseholdType),
        members=members,
        wage_income=read.money("wage_income"),
        business_income=read.money("business_income"),
        property_income=read.money("property_income"),
        transfer_income=read.money("transfer_income"),
        business_expenses=read.money("business_expenses"),
        compliant_expenses=read.money("compliant_expenses"),
        risk_types=risk_types,
        new_risk=read.flag("new_risk", False),
        # The three guarantees and drinking water must each be answered: a
        # missing answer must not count as secured.
        housing_safe=read.flag("housing_safe", None),
        compulsory_education_secured=read.flag("compulsory_education_secured", None),
        medical_insurance_secured=read.flag("medical_insurance_secured", None),
        drinking_water_safe=read.flag("drinking_water_safe", None),
        measures=read.choices("measures", Measure),
        category=None
        if category is None
        else read.choice("category", MonitoringCategory),
    )
    if read.problems:
        raise InvalidRecord(f"household {household_id or '?'}", read.problems)
    return household


def _members(values: Any, read: _Reader, today: dt.date | None) -> tuple[Member, ...]:
    if not isinstance(values, Sequence) or isinstance(values, str) or not values:
        read.fail("members", values, "a household has at least one member")
        return ()

    members: dict[int, Member] = {}
    for index, value in enumerate(values):
        member = _member(value, f"members[{index}].", read, today)
        if member is not None:
            members[index] = member

    heads = sum(
        1 for v in values if isinstance(v, Mapping) and v.get("relation") == "head"
    )
    if heads != 1:
        read.fail("members", f"{heads} heads", "a household has exactly one head")
    else:
        _check_spouses(members, read)

    # Duplicates are found on the record as given, by position, whether or
    # not the members had other problems.
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        number = value.get("id_number") if isinstance(value, Mapping) else None
        number = normalised(number)
        if not isinstance(number, str) or len(number) < 18:
            continue
        earlier = seen.setdefault(number[:18], index)
        if earlier != index:
            read.fail(
                f"members[{index}].id_number",
                mask(number),
                f"the same person as members[{earlier}]",
            )
    return tuple(members.values())


def _check_spouses(members: dict[int, Member], read: _Reader) -> None:
    # Relations are to the head, so a spouse is of the head's other sex.
    head = next((m for m in members.values() if m.relation == Relation.HEAD), None)
    if head is None:
        return
    for index, member in members.items():
        if member.relation == Relation.SPOUSE and member.sex == head.sex:
            read.fail(
                f"members[{index}].relation",
                member.relation.value,
                f"a spouse of a {head.sex} head is {_OTHER_SEX[head.sex]}, "
                f"not {member.sex}",
            )


def _member(
    value: Any, prefix: str, household: _Reader, today: dt.date | None
) -> Member | None:
    if not isinstance(value, Mapping):
        household.fail(prefix.rstrip("."), value, "a member is a mapping")
        return None

    read = _Reader(value, prefix)
    read.unknown([field.name for field in attrs.fields(Member)])
    id_number = normalised(value.get("id_number"))
    problem = identity_problem(id_number)
    if problem is not None:
        read.fail("id_number", mask(id_number), problem)

    known = len(read.problems)
    sex = read.choice("sex", Sex)
    sex_known = len(read.problems) == known
    latest: _Bound = (
        (LATEST_DATE, f"must be {LATEST_DATE.isoformat()} or earlier")
        if today is None
        else (today, f"must not be after today ({today.isoformat()})")
    )
    birth_date = read.date(
        "birth_date",
        required=True,
        earliest=(EARLIEST_BIRTH, f"must be {EARLIEST_BIRTH.isoformat()} or later"),
        latest=latest,
    )
    known = len(read.problems)
    relation = read.choice("relation", Relation)
    relation_known = len(read.problems) == known
    health = frozenset(read.choices("health", Health)) or frozenset({Health.HEALTHY})
    if Health.HEALTHY in health and len(health) > 1:
        read.fail("health", None, "'healthy' can't be combined with another condition")

    facts = identity_facts(str(id_number)) if problem is None else None
    if facts is not None:
        if birth_date is not None and birth_date != facts.birth_date:
            read.fail("birth_date", birth_date.isoformat(), "must match the ID number")
        if sex_known and sex != facts.sex:
            read.fail("sex", sex.value, "must match the ID number")
    expected = RELATION_SEX.get(relation)
    if sex_known and relation_known and expected is not None and sex != expected:
        read.fail(
            "relation", relation.value, f"names a {expected} member, not a {sex} one"
        )

    born = birth_date or (facts.birth_date if facts is not None else EARLIEST_BIRTH)
    after_birth: _Bound = (born, "must not be before the member's birth date")
    known = len(read.problems)
    labour_skill = read.choice("labour_skill", LabourSkill)
    if (
        today is not None
        and birth_date is not None
        and len(read.problems) == known
        and labour_skill in WITH_LABOUR
        and age_on(born, today) < LABOUR_AGE
    ):
        read.fail(
            "labour_skill",
            labour_skill.value,
            f"a child under {LABOUR_AGE} on {today.isoformat()} has no labour "
            "capacity (lost or none)",
        )

    member = Member(
        id_number=id_number if isinstance(id_number, str) else "",
        sex=sex,
        birth_date=birth_date or dt.date.min,
        relation=relation,
        labour_skill=labour_skill,
        health=health,
        in_school=read.flag("in_school", False),
        medical_insurance=read.flag("medical_insurance", True),
        subsistence_allowance=read.flag("subsistence_allowance", False),
        extreme_poverty_support=read.flag("extreme_poverty_support", False),
        benefit_identified_on=read.date(
            "benefit_identified_on", required=False, earliest=after_birth, latest=latest
        ),
        benefit_applied_on=read.date(
            "benefit_applied_on", required=False, earliest=after_birth, latest=latest
        ),
    )
    household.problems.extend(read.problems)
    return None if read.problems else member
