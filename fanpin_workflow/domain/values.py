"""Checks for the plain values commands carry: ids, free text, times."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

import pendulum

from fanpin_workflow.errors import InvalidInput

#: Times before this are refused: no campaign record predates it.
EARLIEST = pendulum.datetime(2000, 1, 1, tz="UTC")


def _has_control(value: str, allowed: str = "") -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value)


def check_id(field: str, value: Any, limit: int = 64) -> str:
    """An identifier: 1 to `limit` characters, no edge spaces, no control codes.

    Raises:
        InvalidInput: naming the field, the value and the rule.
    """
    if (
        not isinstance(value, str)
        or not value
        or len(value) > limit
        or value != value.strip()
        or _has_control(value)
    ):
        raise InvalidInput(
            field,
            value if not isinstance(value, str) else value[:80],
            f"must be 1 to {limit} characters without edge spaces or control codes",
        )
    return value


def check_free_text(field: str, value: Any, limit: int = 1000) -> str:
    """Free text such as a reason: 1 to `limit` characters, not blank.

    Raises:
        InvalidInput: naming the field, the value and the rule.
    """
    if (
        not isinstance(value, str)
        or not value.strip()
        or len(value) > limit
        or _has_control(value, allowed="\n\t")
    ):
        shown = value[:80] if isinstance(value, str) else type(value).__name__
        raise InvalidInput(
            field, shown, f"must be 1 to {limit} characters of text, not blank"
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
