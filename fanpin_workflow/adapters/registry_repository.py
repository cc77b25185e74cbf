"""Areas, grids, role assignments, questions and the security log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

import pendulum
from sqlalchemy import Connection, and_, func, select
from sqlalchemy.engine import Row

from fanpin_workflow.adapters.repository import _VersionedRepository, chunked
from fanpin_workflow.adapters.tables import (
    areas,
    grid_households,
    grids,
    questions,
    role_assignments,
    security_log,
)
from fanpin_workflow.domain.access import Role
from fanpin_workflow.domain.questions import Question
from fanpin_workflow.domain.registry import Area, AreaLevel, Grid, RoleAssignment


class SqlAlchemyRegistry:
    """The registry's tables, read and written by the batch."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def areas(self, codes: Collection[str]) -> dict[str, Area]:
        """The registered areas with these codes."""
        found: dict[str, Area] = {}
        for chunk in chunked(codes):
            for row in self.connection.execute(
                select(areas).where(areas.c.code.in_(chunk))
            ):
                found[row.code] = Area(
                    row.code, AreaLevel(row.level), row.name, row.parent_code
                )
        return found

    def within(self, prefix: str, levels: Collection[str]) -> list[Area]:
        """Registered areas of the given levels whose code starts with `prefix`."""
        rows = self.connection.execute(
            select(areas)
            .where(areas.c.code.startswith(prefix), areas.c.level.in_(sorted(levels)))
            .order_by(areas.c.code)
        )
        return [
            Area(row.code, AreaLevel(row.level), row.name, row.parent_code)
            for row in rows
        ]

    def add_area(self, area: Area) -> None:
        """Register an area."""
        self.connection.execute(
            areas.insert().values(
                code=area.code,
                level=str(area.level),
                name=area.name,
                parent_code=area.parent_code,
            )
        )

    def grids(self, ids: Collection[str]) -> dict[str, Grid]:
        """The registered grids with these ids."""
        found: dict[str, Grid] = {}
        for chunk in chunked(ids):
            for row in self.connection.execute(
                select(grids).where(grids.c.id.in_(chunk))
            ):
                found[row.id] = Grid(
                    row.id, row.village_code, row.name, row.max_households
                )
        return found

    def add_grid(self, grid: Grid) -> None:
        """Register a grid."""
        self.connection.execute(
            grids.insert().values(
                id=grid.id,
                village_code=grid.village_code,
                name=grid.name,
                max_households=grid.max_households,
            )
        )

    def grid_sizes(self, grid_ids: Collection[str]) -> dict[str, int]:
        """How many households each grid holds."""
        found: dict[str, int] = dict.fromkeys(grid_ids, 0)
        for chunk in chunked(grid_ids):
            rows = self.connection.execute(
                select(grid_households.c.grid_id, func.count())
                .where(grid_households.c.grid_id.in_(chunk))
                .group_by(grid_households.c.grid_id)
            )
            found.update({grid: count for grid, count in rows})
        return found

    def place(self, placements: dict[str, str]) -> None:
        """Put households in grids, replacing where they were."""
        if not placements:
            return
        ids = sorted(placements)
        self.connection.execute(
            grid_households.delete().where(grid_households.c.household_id.in_(ids))
        )
        self.connection.execute(
            grid_households.insert(),
            [{"household_id": h, "grid_id": placements[h]} for h in ids],
        )

    def assignments(self, person_ids: Collection[str]) -> list[RoleAssignment]:
        """Every role assignment of these people."""
        found: list[RoleAssignment] = []
        for chunk in chunked(person_ids):
            rows = self.connection.execute(
                select(role_assignments).where(role_assignments.c.person_id.in_(chunk))
            )
            found += [_assignment(row) for row in rows]
        return found

    def add_assignments(self, assigned: list[RoleAssignment]) -> None:
        """Record new role assignments."""
        if assigned:
            self.connection.execute(
                role_assignments.insert(),
                [
                    {
                        "person_id": a.person_id,
                        "role": str(a.role),
                        "area_code": a.area_code,
                        "starts_on": a.starts_on,
                        "ends_on": a.ends_on,
                    }
                    for a in assigned
                ],
            )

    def end_assignment(self, assignment: RoleAssignment, ends_on: dt.date) -> None:
        """Set the last day of an assignment."""
        table = role_assignments
        self.connection.execute(
            table.update()
            .where(
                and_(
                    table.c.person_id == assignment.person_id,
                    table.c.role == str(assignment.role),
                    table.c.area_code == assignment.area_code,
                    table.c.starts_on == assignment.starts_on,
                )
            )
            .values(ends_on=ends_on)
        )

    def log_refusal(self, values: dict[str, Any]) -> None:
        """Append one row to the security log."""
        self.connection.execute(security_log.insert().values(**values))


def _assignment(row: Row[Any]) -> RoleAssignment:
    return RoleAssignment(
        person_id=row.person_id,
        role=Role(row.role),
        area_code=row.area_code,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
    )


class SqlAlchemyQuestionRepository(_VersionedRepository):
    """Questions, loaded and saved with a version check."""

    table = questions
    kind = "question"
    _mutable = (
        "state",
        "version",
        "updated_at",
        "due_at",
        "escalated_at",
        "answer",
        "answered_by",
        "answered_at",
    )

    def _load(self, row: Row[Any]) -> Question:
        return Question(
            id=row.id,
            village_code=row.village_code,
            text=row.text,
            state=row.state,
            raised_by=row.raised_by,
            raised_at=row.raised_at,
            due_at=row.due_at,
            escalated_at=row.escalated_at,
            answer=row.answer,
            answered_by=row.answered_by,
            answered_at=row.answered_at,
            version=row.version,
            updated_at=row.updated_at,
        )

    def due_by(self, at: pendulum.DateTime, limit: int) -> list[Question]:
        """Unanswered questions whose time limit has passed (by the index)."""
        rows = self.connection.execute(
            select(questions)
            .where(
                questions.c.state.in_(("open", "escalated")),
                questions.c.due_at <= at,
            )
            .order_by(questions.c.due_at, questions.c.id)
            .limit(limit)
        )
        return [self._loaded(row) for row in rows]
