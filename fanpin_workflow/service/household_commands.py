"""Commands for households, investigations and key-household lists."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

import attrs

from fanpin_workflow.domain.approval import Level
from fanpin_workflow.domain.household import Household, as_record, parse_household
from fanpin_workflow.domain.household_terms import RiskType
from fanpin_workflow.domain.investigation import Findings, Form, Judgement, Suggestion
from fanpin_workflow.domain.jurisdiction import check_area_code
from fanpin_workflow.domain.key_households import KeySource
from fanpin_workflow.domain.values import check_free_text
from fanpin_workflow.errors import InvalidInput, InvalidRecord
from fanpin_workflow.service.commands import Command, member, text, version


def _household(value: Any) -> Household:
    # A Household built in code goes through the same checks as a record.
    if isinstance(value, Household):
        return parse_household(as_record(value))
    return parse_household(value)


def _form(value: Any) -> Form | None:
    return None if value is None else member(Form, "form", value)


def _source(value: Any) -> KeySource:
    return member(KeySource, "source", value)


def _findings(value: Any) -> Findings:
    if isinstance(value, Findings):
        value = attrs.asdict(value, value_serializer=_plain)
    if not isinstance(value, Mapping):
        raise InvalidInput("findings", type(value).__name__, "must be a mapping")
    problems: list[InvalidInput] = []
    known = {field.name for field in attrs.fields(Findings)}
    for name in sorted(set(value) - known):
        problems.append(InvalidInput(f"findings.{name}", value[name], "unknown field"))

    def pick(name: str, convert: Any, default: Any) -> Any:
        raw = value.get(name, default)
        if name in ("corrections", "risk_types") and (
            isinstance(raw, str) or not isinstance(raw, list | tuple)
        ):
            problems.append(InvalidInput(f"findings.{name}", raw, "must be a list"))
            return default
        try:
            return convert(raw)
        except InvalidInput as problem:
            problems.append(problem)
            return default

    def flag_or_none(name: str) -> Any:
        raw = value.get(name)
        if raw is not None and not isinstance(raw, bool):
            problems.append(
                InvalidInput(f"findings.{name}", raw, "true, false or null")
            )
            return None
        return raw

    risk_found = value.get("risk_found", False)
    if not isinstance(risk_found, bool):
        problems.append(
            InvalidInput("findings.risk_found", risk_found, "true or false")
        )
        risk_found = False
    findings = Findings(
        corrections=tuple(
            pick(
                "corrections",
                lambda v: tuple(
                    check_free_text(f"findings.corrections[{n}]", item, 500)
                    for n, item in enumerate(v)
                ),
                (),
            )
        ),
        risk_found=risk_found,
        risk_types=pick(
            "risk_types",
            lambda v: tuple(member(RiskType, "findings.risk_types", i) for i in v),
            (),
        ),
        elimination_correct=flag_or_none("elimination_correct"),
        developmental_in_place=flag_or_none("developmental_in_place"),
        judgement=pick(
            "judgement",
            lambda v: None if v is None else member(Judgement, "findings.judgement", v),
            None,
        ),
        suggestion=pick(
            "suggestion",
            lambda v: (
                None if v is None else member(Suggestion, "findings.suggestion", v)
            ),
            None,
        ),
    )
    if problems:
        raise InvalidRecord("findings", problems)
    return findings


def _plain(instance: Any, field: Any, value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Enum):
        return value.value
    return value


def _id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    text(attribute.name, value)


def _note(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        check_free_text(attribute.name, value)


def _reason(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_free_text(attribute.name, value, limit=200)


def _village(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_area_code(attribute.name, value, Level.VILLAGE)


@attrs.frozen(kw_only=True)
class RegisterHousehold(Command):
    """A village records a household's facts, or updates them (a mapping or a
    Household; a mapping is validated on construction)."""

    name = "register_household"

    household: Household = attrs.field(converter=_household)
    expected_version: int | None = attrs.field(default=None, validator=version)
    note: str | None = attrs.field(default=None, validator=_note)


@attrs.frozen(kw_only=True)
class AssignInvestigation(Command):
    """A village assigns a household's investigation to a grid member.

    Without a form, the form that fits the household is chosen (2-1, 2-2
    or 2-3); form 2-4 is opened by a risk found or by the village.
    """

    name = "assign_investigation"

    household_id: str = attrs.field(validator=_id)
    grid_member_id: str = attrs.field(validator=_id)
    form: Form | None = attrs.field(default=None, converter=_form)


@attrs.frozen(kw_only=True)
class ReassignInvestigation(Command):
    """A village gives an unvisited investigation to another grid member."""

    name = "reassign_investigation"
    investigation_id: str = attrs.field(validator=_id)
    grid_member_id: str = attrs.field(validator=_id)
    expected_version: int | None = attrs.field(default=None, validator=version)


@attrs.frozen(kw_only=True)
class RecordVisit(Command):
    """The assigned grid member records the home visit."""

    name = "record_visit"

    investigation_id: str = attrs.field(validator=_id)
    expected_version: int | None = attrs.field(default=None, validator=version)


@attrs.frozen(kw_only=True)
class RecordFindings(Command):
    """The assigned grid member records the form's findings."""

    name = "record_findings"

    investigation_id: str = attrs.field(validator=_id)
    findings: Findings = attrs.field(converter=_findings)
    expected_version: int | None = attrs.field(default=None, validator=version)


@attrs.frozen(kw_only=True)
class AddKeyHousehold(Command):
    """A village puts a household on its key-household list, with a reason."""

    name = "add_key_household"

    village_code: str = attrs.field(validator=_village)
    household_id: str = attrs.field(validator=_id)
    source: KeySource = attrs.field(converter=_source)
    reason: str = attrs.field(validator=_reason)


@attrs.frozen(kw_only=True)
class ConfirmKeyHouseholdList(Command):
    """A village confirms its key-household list after its meeting."""

    name = "confirm_key_households"

    village_code: str = attrs.field(validator=_village)
    expected_version: int | None = attrs.field(default=None, validator=version)
