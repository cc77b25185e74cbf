"""Read the plain JSON values of a campaign definition, naming the place.

Every reader takes `place` (such as "task village.04") and raises
DefinitionError with it, so a malformed file points at its own line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from fanpin_workflow.errors import DefinitionError

E = TypeVar("E", bound=StrEnum)


def fields(
    place: str, raw: Any, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Mapping[str, Any]:
    """An object with every required field and no unknown one.

    Raises:
        DefinitionError: naming the place and the missing or unknown field.
    """
    if not isinstance(raw, Mapping):
        raise DefinitionError(f"{place}: must be an object, not {type(raw).__name__}")

    missing = [name for name in required if name not in raw]
    if missing:
        raise DefinitionError(f"{place}: missing field {missing[0]!r}")

    unknown = sorted(str(name) for name in raw if name not in (*required, *optional))
    if unknown:
        raise DefinitionError(f"{place}: unknown field {unknown[0]!r}")

    return raw


def text(place: str, name: str, value: Any) -> str:
    """A non-blank string."""
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(f"{place}: {name} must be non-blank text, not {value!r}")
    return value


def optional_text(place: str, name: str, value: Any) -> str:
    """A string that may be empty, such as a note."""
    if not isinstance(value, str):
        raise DefinitionError(f"{place}: {name} must be text, not {value!r}")
    return value


def whole(place: str, name: str, value: Any, low: int, high: int) -> int:
    """A whole number from `low` to `high`."""
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or not low <= value <= high
    ):
        raise DefinitionError(
            f"{place}: {name} must be a whole number from {low} to {high}, "
            f"not {value!r}"
        )
    return value


def date(place: str, name: str, value: Any) -> dt.date:
    """A calendar date written YYYY-MM-DD."""
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DefinitionError(
            f"{place}: {name} must be a date written YYYY-MM-DD, not {value!r}"
        ) from None


def optional_date(place: str, name: str, value: Any) -> dt.date | None:
    """A date, or null for a window left open on that side."""
    return None if value is None else date(place, name, value)


def amount(place: str, name: str, value: Any) -> Decimal:
    """A decimal amount written as a string, so that no float rounds it."""
    try:
        if not isinstance(value, str):
            raise InvalidOperation(value)
        return Decimal(value)
    except InvalidOperation:
        raise DefinitionError(
            f"{place}: {name} must be a decimal written as a string, not {value!r}"
        ) from None


def strings(place: str, name: str, value: Any) -> tuple[str, ...]:
    """A list of non-blank strings."""
    if not isinstance(value, list):
        raise DefinitionError(f"{place}: {name} must be a list, not {value!r}")
    return tuple(text(place, name, item) for item in value)


def items(place: str, name: str, value: Any) -> list[Any]:
    """A non-empty list."""
    if not isinstance(value, list) or not value:
        raise DefinitionError(f"{place}: {name} must be a non-empty list")
    return value


def choice(place: str, name: str, kind: type[E], raw: Any) -> E:
    """One of the values of an enumeration."""
    try:
        return kind(raw)
    except ValueError:
        known = ", ".join(member.value for member in kind)
        raise DefinitionError(
            f"{place}: {name} {raw!r} is not one of: {known}"
        ) from None
