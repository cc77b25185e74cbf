"""The figures the policy rules depend on; each is a campaign setting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from fanpin_workflow.errors import InvalidInput


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if (
        not isinstance(value, int | Decimal)
        or isinstance(value, bool)
        or (isinstance(value, Decimal) and not value.is_finite())
        or value <= 0
    ):
        raise InvalidInput(attribute.name, value, "must be a positive number")


def _amount(value: Any) -> Any:
    # Leave anything that is not a number to the validator, which names it.
    if isinstance(value, bool):
        return value
    try:
        return Decimal(str(value)) if isinstance(value, int | str | Decimal) else value
    except InvalidOperation:
        return value


@attrs.frozen
class PolicyParameters:
    """Figures of one province and year.

    No Guangxi monitoring line is published, so `monitoring_line` (yuan of
    per-capita net income a year) is a setting; the default is an example
    figure for tests and simulations, not an official one.
    """

    monitoring_line: Decimal = attrs.field(
        default=Decimal("7300"), converter=_amount, validator=_positive
    )
    min_monitoring_months: int = attrs.field(default=6, validator=_positive)
    marginal_factor: Decimal = attrs.field(
        default=Decimal("1.5"), converter=_amount, validator=_positive
    )
    mandatory_key_since: dt.date = dt.date(2023, 1, 1)
    working_age: tuple[int, int] = (16, 60)
