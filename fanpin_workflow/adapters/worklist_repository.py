"""Campaigns, task copies and escalations."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

import pendulum
from sqlalchemy import Connection, func, select
from sqlalchemy.engine import Row

from fanpin_workflow.adapters.repository import _VersionedRepository, chunked
from fanpin_workflow.adapters.tables import campaigns, escalations, tasks
from fanpin_workflow.domain.worklist.records import Campaign, WorkTask
from fanpin_workflow.domain.worklist.settings import read_settings
from fanpin_workflow.errors import ConcurrencyConflict

#: States in which a task still waits for work.
OPEN_STATES = ("pending", "in_progress")


class SqlAlchemyTaskRepository(_VersionedRepository):
    """Task copies, loaded and saved with a version check."""

    table = tasks
    kind = "task"
    _mutable = ("state", "version", "updated_at", "completed_at", "reason")

    def _load(self, row: Row[Any]) -> WorkTask:
        return WorkTask(
            id=row.id,
            campaign_id=row.campaign_id,
            task_key=row.task_key,
            stage=row.stage,
            level=row.level,
            area_code=row.area_code,
            state=row.state,
            due_at=row.due_at,
            subject_id=row.subject_id,
            created_at=row.created_at,
            completed_at=row.completed_at,
            reason=row.reason,
            version=row.version,
            updated_at=row.updated_at,
        )

    def due_by(self, at: pendulum.DateTime, limit: int) -> list[WorkTask]:
        """Open tasks whose due time has come, oldest first (by the index)."""
        rows = self.connection.execute(
            select(self.table)
            .where(self.table.c.state.in_(OPEN_STATES), self.table.c.due_at <= at)
            .order_by(self.table.c.due_at, self.table.c.id)
            .limit(limit)
        )
        return [self._loaded(row) for row in rows]

    def of_campaign(
        self, campaign_ids: Collection[str], area_prefix: str | None = None
    ) -> list[WorkTask]:
        """Every task of these campaigns, inside an area-code prefix if given."""
        query = select(self.table).where(self.table.c.campaign_id.in_(campaign_ids))
        if area_prefix:
            query = query.where(self.table.c.area_code.startswith(area_prefix))
        rows = self.connection.execute(query.order_by(self.table.c.id))
        return [self._loaded(row) for row in rows]

    def open_of_campaign(self, campaign_id: str) -> list[WorkTask]:
        """Every task of a campaign not done or waived yet, by id."""
        rows = self.connection.execute(
            select(self.table)
            .where(
                self.table.c.campaign_id == campaign_id,
                self.table.c.state.in_((*OPEN_STATES, "overdue")),
            )
            .order_by(self.table.c.id)
        )
        return [self._loaded(row) for row in rows]

    def open_for_subjects(self, subject_ids: Collection[str]) -> list[WorkTask]:
        """Open household tasks of these monitoring objects."""
        found: list[WorkTask] = []
        for chunk in chunked(subject_ids):
            rows = self.connection.execute(
                select(self.table).where(
                    self.table.c.subject_id.in_(chunk),
                    self.table.c.state.in_((*OPEN_STATES, "overdue")),
                )
            )
            found += [self._loaded(row) for row in rows]
        return found


class SqlAlchemyCampaignRepository:
    """Campaigns and the escalations of overdue work."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def for_counties(
        self, county_codes: Collection[str], *, ended_too: bool = False
    ) -> dict[str, Campaign]:
        """The campaign running in each of these counties; with `ended_too`,
        the latest started, running or ended."""
        found: dict[str, Campaign] = {}
        query = select(campaigns).where(
            campaigns.c.county_code.in_(sorted(county_codes))
        )
        if not ended_too:
            query = query.where(campaigns.c.ended_at.is_(None))
        rows = self.connection.execute(
            query.order_by(campaigns.c.started_at, campaigns.c.id)
        )
        for row in rows:
            settings = (
                None
                if row.settings is None
                else read_settings(json.loads(row.settings))
            )
            found[row.county_code] = Campaign(
                row.id,
                row.definition,
                row.version,
                row.county_code,
                row.started_at,
                settings,
                row.ended_at,
            )
        return found

    def end(self, campaign: Campaign, at: pendulum.DateTime) -> None:
        """Record that a running campaign ended.

        Raises:
            ConcurrencyConflict: another writer ended it first.
        """
        result = self.connection.execute(
            campaigns.update()
            .where(campaigns.c.id == campaign.id, campaigns.c.ended_at.is_(None))
            .values(ended_at=at)
        )
        if result.rowcount != 1:
            raise ConcurrencyConflict("campaign", campaign.id, "it ended meanwhile")

    def add(self, campaign: Campaign) -> None:
        """Record a started campaign."""
        self.connection.execute(
            campaigns.insert().values(
                id=campaign.id,
                definition=campaign.definition,
                version=campaign.version,
                county_code=campaign.county_code,
                started_at=campaign.started_at,
                settings=(
                    None
                    if campaign.settings is None
                    else json.dumps(campaign.settings.as_data(), sort_keys=True)
                ),
            )
        )

    def escalated(self, subject_ids: Collection[str]) -> set[tuple[str, str, Any]]:
        """The (subject type, subject id, due time) escalated for these subjects."""
        found: set[tuple[str, str, Any]] = set()
        for chunk in chunked(subject_ids):
            rows = self.connection.execute(
                select(
                    escalations.c.subject_type,
                    escalations.c.subject_id,
                    escalations.c.due_at,
                ).where(escalations.c.subject_id.in_(chunk))
            )
            found |= {(kind, subject, due) for kind, subject, due in rows}
        return found

    def escalate(self, rows: list[dict[str, Any]]) -> None:
        """Record escalations; the unique key makes each happen once."""
        if rows:
            self.connection.execute(escalations.insert(), rows)

    def escalation_count(self) -> int:
        """How many escalations were recorded."""
        return int(
            self.connection.execute(
                select(func.count()).select_from(escalations)
            ).scalar_one()
        )
