"""Key-household lists in `fanpin_key_household_lists` and their entries."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import pendulum
from sqlalchemy import Connection, and_, select

from fanpin_workflow.adapters.repository import chunked
from fanpin_workflow.adapters.tables import key_household_lists, key_households
from fanpin_workflow.domain.key_households import (
    KeyEntry,
    KeyHouseholdList,
    KeySource,
)
from fanpin_workflow.errors import ConcurrencyConflict


class SqlAlchemyKeyListRepository:
    """Each village's list, its state and its entries (entries only grow)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def get_many(self, village_codes: Collection[str]) -> dict[str, KeyHouseholdList]:
        """The lists of these villages that exist, with their entries."""
        found: dict[str, KeyHouseholdList] = {}
        for chunk in chunked(village_codes):
            for row in self.connection.execute(
                select(key_household_lists).where(
                    key_household_lists.c.village_code.in_(chunk)
                )
            ):
                found[row.village_code] = KeyHouseholdList(
                    village_code=row.village_code,
                    state=row.state,
                    confirmed_at=row.confirmed_at,
                    confirmed_by=row.confirmed_by,
                    version=row.version,
                    updated_at=row.updated_at,
                )
            for row in self.connection.execute(
                select(key_households)
                .where(key_households.c.village_code.in_(chunk))
                .order_by(key_households.c.added_at, key_households.c.household_id)
            ):
                found[row.village_code].entries.append(
                    KeyEntry(
                        household_id=row.household_id,
                        source=KeySource(row.source),
                        reason=row.reason,
                        added_at=row.added_at,
                        added_by=row.added_by,
                    )
                )
        return found

    def save(
        self,
        key_list: KeyHouseholdList,
        loaded_version: int | None,
        new_entries: Sequence[KeyEntry],
    ) -> None:
        """Insert or update a list (with a version check) and add entries.

        Raises:
            ConcurrencyConflict: another writer saved the list first.
        """
        values: dict[str, Any] = {
            "state": key_list.state,
            "confirmed_at": key_list.confirmed_at,
            "confirmed_by": key_list.confirmed_by,
            "version": key_list.version,
            "updated_at": key_list.updated_at or pendulum.now("UTC"),
        }
        table = key_household_lists
        if loaded_version is None:
            self.connection.execute(
                table.insert().values(village_code=key_list.village_code, **values)
            )
        else:
            result = self.connection.execute(
                table.update()
                .where(
                    and_(
                        table.c.village_code == key_list.village_code,
                        table.c.version == loaded_version,
                    )
                )
                .values(**values)
            )
            if result.rowcount != 1:
                raise ConcurrencyConflict(
                    "key-household list",
                    key_list.village_code,
                    f"loaded at version {loaded_version}",
                )
        if new_entries:
            self.connection.execute(
                key_households.insert(),
                [
                    {
                        "village_code": key_list.village_code,
                        "household_id": entry.household_id,
                        "source": str(entry.source),
                        "reason": entry.reason,
                        "added_at": entry.added_at,
                        "added_by": entry.added_by,
                    }
                    for entry in new_entries
                ],
            )
