"""Column types shared by every backend."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pendulum
from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from fanpin_workflow.errors import InvalidInput


class UtcDateTime(TypeDecorator[pendulum.DateTime]):
    """An aware instant, stored as UTC and read back aware on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        offset = value.utcoffset() if isinstance(value, datetime) else None
        if offset is None:
            raise InvalidInput("time", value, "times must be timezone-aware")

        # Field by field and one subtraction: `astimezone` on a pendulum
        # instance costs twice as much, and every row binds several times.
        utc = (
            datetime(
                value.year,
                value.month,
                value.day,
                value.hour,
                value.minute,
                value.second,
                value.microsecond,
            )
            - offset
        )
        if dialect.name == "sqlite":
            # SQLite keeps no zone: store the UTC wall time, read it back as UTC.
            return utc
        return utc.replace(tzinfo=UTC)

    def process_result_value(
        self, value: Any, dialect: Dialect
    ) -> pendulum.DateTime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        # Built field by field: pendulum.instance() costs several times more,
        # and every loaded row carries up to six of these.
        return pendulum.DateTime(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            tzinfo=pendulum.UTC,
        )
