"""Investigations in `fanpin_investigations`; findings are stored as JSON."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

import attrs
from sqlalchemy import func, select
from sqlalchemy.engine import Row

from fanpin_workflow.adapters.repository import _VersionedRepository, chunked
from fanpin_workflow.adapters.tables import investigations
from fanpin_workflow.domain.household_terms import RiskType
from fanpin_workflow.domain.investigation import (
    Findings,
    Form,
    Investigation,
    Judgement,
    Suggestion,
)


class SqlAlchemyInvestigationRepository(_VersionedRepository):
    """Investigations, loaded and saved in bulk with a version check."""

    table = investigations
    kind = "investigation"
    _mutable = (
        "state",
        "version",
        "updated_at",
        "grid_member_id",
        "visited_at",
        "recorded_at",
        "findings",
    )

    def _value(self, record: Any, name: str) -> Any:
        if name == "findings":
            return dump_findings(record.findings)
        return getattr(record, name)

    def _load(self, row: Row[Any]) -> Investigation:
        return Investigation(
            id=row.id,
            household_id=row.household_id,
            village_code=row.village_code,
            form=Form(row.form),
            state=row.state,
            grid_member_id=row.grid_member_id,
            assigned_at=row.assigned_at,
            visited_at=row.visited_at,
            recorded_at=row.recorded_at,
            findings=load_findings(row.findings),
            version=row.version,
            updated_at=row.updated_at,
        )

    def for_household(self, household_id: str) -> list[Investigation]:
        """Every investigation of one household, oldest assignment first."""
        rows = self.connection.execute(
            select(self.table)
            .where(self.table.c.household_id == household_id)
            .order_by(self.table.c.assigned_at, self.table.c.id)
        )
        return [self._loaded(row) for row in rows]

    def last_recorded(
        self, household_ids: Collection[str], form: Form
    ) -> dict[str, Any]:
        """When each household's latest investigation on `form` was recorded."""
        found: dict[str, Any] = {}
        table = self.table
        for chunk in chunked(household_ids):
            rows = self.connection.execute(
                select(table.c.household_id, func.max(table.c.recorded_at))
                .where(
                    table.c.household_id.in_(chunk),
                    table.c.form == form,
                    table.c.state == "recorded",
                )
                .group_by(table.c.household_id)
            )
            found.update({household: at for household, at in rows})
        return found

    def open_for_households(
        self, household_ids: Collection[str]
    ) -> dict[tuple[str, str], Investigation]:
        """Investigations not yet recorded, by (household, form)."""
        found: dict[tuple[str, str], Investigation] = {}
        for chunk in chunked(household_ids):
            rows = self.connection.execute(
                select(self.table).where(
                    self.table.c.household_id.in_(chunk),
                    self.table.c.state != "recorded",
                )
            )
            for row in rows:
                found[(row.household_id, row.form)] = self._loaded(row)
        return found


def dump_findings(findings: Findings | None) -> str | None:
    """Findings as JSON text, or None before they are recorded."""
    if findings is None:
        return None
    return json.dumps(attrs.asdict(findings), sort_keys=True, ensure_ascii=False)


def load_findings(text: str | None) -> Findings | None:
    """Findings from their JSON text."""
    if text is None:
        return None
    data = json.loads(text)
    return Findings(
        corrections=tuple(data["corrections"]),
        risk_found=data["risk_found"],
        risk_types=tuple(RiskType(v) for v in data["risk_types"]),
        elimination_correct=data["elimination_correct"],
        developmental_in_place=data["developmental_in_place"],
        judgement=None if data["judgement"] is None else Judgement(data["judgement"]),
        suggestion=None
        if data["suggestion"] is None
        else Suggestion(data["suggestion"]),
    )
