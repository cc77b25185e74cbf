"""SQLAlchemy repositories for objects, cases and the audit trail.

They speak Core, in bulk: a day's work of a simulation or a host's batch
loads with one SELECT per table and writes with one executemany per table.
"""

from __future__ import annotations

import abc
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import attrs
import pendulum
from sqlalchemy import Connection, Table, and_, bindparam, func, select, text
from sqlalchemy.engine import Row

from fanpin_workflow.adapters.tables import (
    OPEN_CASES,
    approval_cases,
    audit_trail,
    escalations,
    monitoring_objects,
)
from fanpin_workflow.domain.approval import CLOSED_CASE_STATES
from fanpin_workflow.domain.lifecycle import ENDED_STATES
from fanpin_workflow.domain.model import ApprovalCase, AuditEntry, MonitoringObject
from fanpin_workflow.errors import ConcurrencyConflict

# SQLite allows 32,766 bound parameters per statement; stay well below.
_CHUNK = 5_000


def chunked(values: Collection[str]) -> Iterable[list[str]]:
    """Sorted values in slices small enough for one IN (...) list."""
    ordered = sorted(values)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


class _VersionedRepository(abc.ABC):
    """Shared bulk load and optimistic save for a table with a version."""

    table: Table
    kind: str
    _mutable: tuple[str, ...]

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        # What each loaded record's mutable fields held, to write back only
        # the columns a batch changed. Their values are all immutable.
        self._snapshots: dict[str, tuple[Any, ...]] = {}

    @abc.abstractmethod
    def _load(self, row: Row[Any]) -> Any:
        """Map a row to the record it stores."""

    def _loaded(self, row: Row[Any]) -> Any:
        """The record of a row, remembered as loaded."""
        record = self._load(row)
        self._snapshots[record.id] = tuple(
            getattr(record, name) for name in self._mutable
        )
        return record

    def _changed_columns(self, records: Sequence[Any]) -> tuple[str, ...]:
        """The mutable columns that differ from what was loaded in any record;
        all of them if a record was not loaded here."""
        snapshots = [self._snapshots.get(record.id) for record in records]
        if any(snapshot is None for snapshot in snapshots):
            return self._mutable
        return tuple(
            name
            for index, name in enumerate(self._mutable)
            if name == "version"
            or any(
                getattr(record, name) != snapshot[index]  # type: ignore[index]
                for record, snapshot in zip(records, snapshots, strict=True)
            )
        )

    def get_many(self, ids: Collection[str]) -> dict[str, Any]:
        """Load the records with the given ids, keyed by id."""
        found: dict[str, Any] = {}
        for chunk in chunked(ids):
            rows = self.connection.execute(
                select(self.table).where(self.table.c.id.in_(chunk))
            )
            for row in rows:
                found[row.id] = self._loaded(row)
        return found

    def add_many(self, records: Sequence[Any]) -> None:
        """Insert new records."""
        if records:
            self.connection.execute(
                self.table.insert(), [self._dump(record) for record in records]
            )

    def update_many(self, records: Sequence[Any], loaded: dict[str, int]) -> None:
        """Save changed records, each only if nobody saved it since it was loaded.

        Raises:
            ConcurrencyConflict: another writer saved one of them first.
        """
        if not records:
            return

        table = self.table
        columns = self._changed_columns(records)
        statement = (
            table.update()
            .where(
                and_(
                    table.c.id == bindparam("b_id"),
                    table.c.version == bindparam("b_version"),
                )
            )
            .values({name: bindparam(name) for name in columns})
        )
        params = []
        for record in records:
            values = {name: self._value(record, name) for name in columns}
            values.update(b_id=record.id, b_version=loaded[record.id])
            params.append(values)

        dialect = self.connection.dialect
        # Python's sqlite3 sums the rows an executemany changed, so its
        # total is exact even where SQLAlchemy does not vouch for it.
        if dialect.supports_sane_multi_rowcount or dialect.name == "sqlite":
            result = self.connection.execute(statement, params)
            if result.rowcount == len(params):
                return
        else:
            for values in params:
                result = self.connection.execute(statement, values)
                if result.rowcount != 1:
                    self._raise_conflict([values], loaded)
            return

        self._raise_conflict(params, loaded)

    def _raise_conflict(
        self, params: list[dict[str, Any]], loaded: dict[str, int]
    ) -> None:
        ids = [values["b_id"] for values in params]
        current = dict(
            self.connection.execute(
                select(self.table.c.id, self.table.c.version).where(
                    self.table.c.id.in_(ids)
                )
            ).all()
        )
        for identifier in ids:
            if current.get(identifier) != loaded[identifier]:
                raise ConcurrencyConflict(
                    self.kind,
                    identifier,
                    f"loaded at version {loaded[identifier]}, "
                    f"now at version {current.get(identifier)}",
                )
        raise ConcurrencyConflict(self.kind, ids[0], "a concurrent write")

    def _dump(self, record: Any) -> dict[str, Any]:
        return {
            column.name: self._value(record, column.name) for column in self.table.c
        }

    def _value(self, record: Any, name: str) -> Any:
        """The stored form of one field; repositories override it to convert."""
        return getattr(record, name)


class SqlAlchemyObjectRepository(_VersionedRepository):
    """Monitoring objects stored in `fanpin_monitoring_objects`."""

    table = monitoring_objects
    kind = "monitoring object"
    _mutable = ("state", "version", "updated_at", "monitored_since")

    def _load(self, row: Row[Any]) -> MonitoringObject:
        return MonitoringObject(
            id=row.id,
            household_id=row.household_id,
            village_code=row.village_code,
            state=row.state,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
            monitored_since=row.monitored_since,
        )

    def open_for_households(
        self, household_ids: Collection[str]
    ) -> dict[str, MonitoringObject]:
        """The not-ended object of each household that has one."""
        table = self.table
        found: dict[str, MonitoringObject] = {}
        for chunk in chunked(household_ids):
            rows = self.connection.execute(
                select(table).where(
                    table.c.household_id.in_(chunk),
                    table.c.state.not_in(sorted(ENDED_STATES)),
                )
            )
            for row in rows:
                found[row.household_id] = self._loaded(row)
        return found

    def in_states_within(
        self, prefix: str, states: Collection[str]
    ) -> list[MonitoringObject]:
        """Every object in one of `states` inside an area-code prefix."""
        rows = self.connection.execute(
            select(self.table)
            .where(
                self.table.c.village_code.startswith(prefix),
                self.table.c.state.in_(sorted(states)),
            )
            .order_by(self.table.c.id)
        )
        return [self._loaded(row) for row in rows]

    def list(
        self,
        *,
        state: str | None = None,
        within: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[MonitoringObject]:
        """Objects by state and area-code prefix, ordered by id."""
        query = select(self.table).order_by(self.table.c.id)
        if state is not None:
            query = query.where(self.table.c.state == state)
        if within is not None:
            query = query.where(self.table.c.village_code.startswith(within))
        rows = self.connection.execute(query.limit(limit).offset(offset))
        return [self._loaded(row) for row in rows]


class SqlAlchemyCaseRepository(_VersionedRepository):
    """Approval cases stored in `fanpin_approval_cases`."""

    table = approval_cases
    kind = "approval case"
    _mutable = (
        "state",
        "version",
        "updated_at",
        "notice_started_at",
        "notice_ends_at",
        "decided_at",
        "decided_by",
        "decision_due_at",
    )

    def _load(self, row: Row[Any]) -> ApprovalCase:
        return ApprovalCase(
            id=row.id,
            object_id=row.object_id,
            kind=row.kind,
            village_code=row.village_code,
            state=row.state,
            proposed_by=row.proposed_by,
            proposed_at=row.proposed_at,
            first_lead_at=row.first_lead_at,
            notice_started_at=row.notice_started_at,
            notice_ends_at=row.notice_ends_at,
            decided_at=row.decided_at,
            decided_by=row.decided_by,
            version=row.version,
            updated_at=row.updated_at,
            decision_due_at=row.decision_due_at,
        )

    def on_notice(
        self, village_code: str, at: pendulum.DateTime
    ) -> list[tuple[ApprovalCase, str]]:
        """The village's cases whose public notice was up at `at`, each with
        its household's id, in the order they were posted."""
        table = self.table
        rows = self.connection.execute(
            select(table, monitoring_objects.c.household_id)
            .join(monitoring_objects, monitoring_objects.c.id == table.c.object_id)
            .where(
                table.c.village_code == village_code,
                table.c.notice_started_at <= at,
                table.c.notice_ends_at > at,
            )
            .order_by(table.c.notice_started_at, table.c.id)
        )
        return [(self._load(row), row.household_id) for row in rows]

    def decision_overdue(self, at: pendulum.DateTime, limit: int) -> list[ApprovalCase]:
        """Open cases past their decision due time and not yet escalated for it,
        oldest first (through the partial index of open cases)."""
        table = self.table
        escalated = (
            select(escalations.c.sequence)
            .where(
                escalations.c.subject_type == "approval_case",
                escalations.c.subject_id == table.c.id,
                escalations.c.due_at == table.c.decision_due_at,
            )
            .exists()
        )
        rows = self.connection.execute(
            select(table)
            # Written out, not bound, so that SQLite sees the index's own term.
            .where(text(OPEN_CASES), table.c.decision_due_at <= at, ~escalated)
            .order_by(table.c.decision_due_at, table.c.id)
            .limit(limit)
        )
        return [self._loaded(row) for row in rows]

    def open_for_objects(self, object_ids: Collection[str]) -> dict[str, ApprovalCase]:
        """The open case of each object that has one."""
        table = self.table
        found: dict[str, ApprovalCase] = {}
        for chunk in chunked(object_ids):
            rows = self.connection.execute(
                select(table).where(
                    table.c.object_id.in_(chunk),
                    table.c.state.not_in(sorted(CLOSED_CASE_STATES)),
                )
            )
            for row in rows:
                found[row.object_id] = self._loaded(row)
        return found


class SqlAlchemyAuditTrail:
    """The append-only audit trail in `fanpin_audit_trail`."""

    table = audit_trail

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def append_many(
        self, entries: Sequence[AuditEntry], commands: Sequence[str] | None = None
    ) -> list[AuditEntry]:
        """Append entries; return them with the sequence numbers they got.

        `commands`, if given, names the command each entry is written under.
        """
        if not entries:
            return []
        names: Sequence[str | None] = commands or [e.command for e in entries]
        rows = [_dump_entry(entry) for entry in entries]
        for row, name in zip(rows, names, strict=True):
            row["command"] = name
        if self.connection.dialect.name == "sqlite":
            # SQLite can't promise RETURNING's order for many rows, so
            # SQLAlchemy would insert them one statement each. The batch
            # holds the write lock, so it numbers its rows itself and writes
            # them in one executemany.
            last = self.connection.execute(
                select(func.coalesce(func.max(self.table.c.sequence), 0))
            ).scalar_one()
            sequences: Sequence[int] = range(last + 1, last + 1 + len(rows))
            for row, sequence in zip(rows, sequences, strict=True):
                row["sequence"] = sequence
            self.connection.execute(self.table.insert(), rows)
        else:
            statement = self.table.insert().returning(
                self.table.c.sequence, sort_by_parameter_order=True
            )
            sequences = self.connection.execute(statement, rows).scalars().all()
        return [
            attrs.evolve(entry, sequence=sequence, command=name)
            for entry, sequence, name in zip(entries, sequences, names, strict=True)
        ]

    def by_request_ids(self, request_ids: Collection[str]) -> dict[str, AuditEntry]:
        """Entries already written for the given request ids."""
        found: dict[str, AuditEntry] = {}
        for chunk in chunked(request_ids):
            rows = self.connection.execute(
                select(self.table).where(self.table.c.request_id.in_(chunk))
            )
            for row in rows:
                found[row.request_id] = _load_entry(row)
        return found

    def for_object(self, object_id: str) -> list[AuditEntry]:
        """Every entry about one monitoring object, oldest first."""
        return self._where(self.table.c.object_id == object_id)

    def for_subject(self, subject_type: str, subject_id: str) -> list[AuditEntry]:
        """Every entry about one record, oldest first."""
        return self._where(
            and_(
                self.table.c.subject_type == subject_type,
                self.table.c.subject_id == subject_id,
            )
        )

    def after(self, sequence: int, limit: int) -> list[AuditEntry]:
        """Up to `limit` entries with a sequence number above `sequence`."""
        rows = self.connection.execute(
            select(self.table)
            .where(self.table.c.sequence > sequence)
            .order_by(self.table.c.sequence)
            .limit(limit)
        )
        return [_load_entry(row) for row in rows]

    def count(self) -> int:
        """How many entries the trail holds."""
        return int(
            self.connection.execute(
                select(func.count()).select_from(self.table)
            ).scalar_one()
        )

    def _where(self, condition: Any) -> list[AuditEntry]:
        rows = self.connection.execute(
            select(self.table).where(condition).order_by(self.table.c.sequence)
        )
        return [_load_entry(row) for row in rows]


_ENTRY_FIELDS = tuple(
    field.name for field in attrs.fields(AuditEntry) if field.name != "sequence"
)


def _dump_entry(entry: AuditEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in _ENTRY_FIELDS}


def _load_entry(row: Row[Any]) -> AuditEntry:
    values = {name: getattr(row, name) for name in _ENTRY_FIELDS}
    return AuditEntry(sequence=row.sequence, **values)
