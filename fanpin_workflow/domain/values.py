"""Checks for the plain values commands carry: ids, free text, times."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

import pendulum

from fanpin_workflow.errors import InvalidInput

#: Times before this are refused: no campaign record predates it.
EARLIEST = pendulum.datetime(2000, 1, 1, tz="UTC")


#: Unicode categories refused in an identifier: control codes, invisible
#: format characters (zero-width space, right-to-left override) and lone
#: UTF-16 surrogates, which no database can store.
_NOT_IN_ID = frozenset({"Cc", "Cf", "Cs"})

_NO_SURROGATE = (
    "must not hold a lone UTF-16 surrogate (half of a character, such as "
    "an emoji cut in two); send whole characters"
)


def _has_category(value: str, categories: frozenset[str], allowed: str = "") -> bool:
    # Printable ASCII holds no control, format or surrogate character; most
    # ids and texts are that, and need no look at each character.
    if value.isascii() and value.isprintable():
        return False
    return any(
        unicodedata.category(ch) in categories and ch not in allowed for ch in value
    )


def check_id(field: str, value: Any, limit: int = 64) -> str:
    """An identifier: 1 to `limit` characters, no edge spaces, no control
    codes, invisible format characters or lone surrogates.

    Raises:
        InvalidInput: naming the field, the value and the rule.
    """
    if not isinstance(value, str):
        raise InvalidInput(field, value, "must be text", show_type=True)
    if _has_category(value, frozenset({"Cs"})):
        raise InvalidInput(field, value, _NO_SURROGATE)
    if _has_category(value, _NOT_IN_ID):
        raise InvalidInput(
            field,
            value,
            "must not hold control codes or invisible format characters "
            "(such as a zero-width space or a right-to-left override)",
        )
    if not value or len(value) > limit or value != value.strip():
        raise InvalidInput(
            field,
            value,
            f"must be 1 to {limit} characters without edge spaces or control codes",
        )
    return value


def check_free_text(field: str, value: Any, limit: int = 1000) -> str:
    """Free text such as a reason: 1 to `limit` characters, not blank, no
    control codes but line breaks and tabs, no lone surrogates.

    Raises:
        InvalidInput: naming the field, the value and the rule.
    """
    if not isinstance(value, str):
        raise InvalidInput(field, value, "must be text", show_type=True)
    if _has_category(value, frozenset({"Cs"})):
        raise InvalidInput(field, value, _NO_SURROGATE)
    if (
        not value.strip()
        or len(value) > limit
        or _has_category(value, frozenset({"Cc"}), allowed="\n\t")
    ):
        raise InvalidInput(
            field, value, f"must be 1 to {limit} characters of text, not blank"
        )
    return value


def check_time(field: str, value: Any) -> pendulum.DateTime:
    """An aware instant from 2000 on, as a pendulum DateTime.

    Raises:
        InvalidInput: naming the field, the value and the rule.
    """
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput(field, value, "must be a timezone-aware time")
    instant = pendulum.instance(value)
    if instant < EARLIEST:
        raise InvalidInput(field, instant.isoformat(), "must lie in 2000 or later")
    return instant
