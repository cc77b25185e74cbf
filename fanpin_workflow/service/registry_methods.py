"""The Workflow's methods for the registry, questions and the security log."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select

from fanpin_workflow.adapters.tables import security_log
from fanpin_workflow.domain.access import Role
from fanpin_workflow.domain.jurisdiction import Actor
from fanpin_workflow.domain.model import AuditEntry
from fanpin_workflow.domain.questions import Question
from fanpin_workflow.domain.registry import MAX_GRID_HOUSEHOLDS, AreaLevel
from fanpin_workflow.domain.values import check_id
from fanpin_workflow.errors import InvalidInput, NotFound
from fanpin_workflow.service import commands as c
from fanpin_workflow.service import registry_commands as r
from fanpin_workflow.service.unit_of_work import SqlAlchemyUnitOfWork


class RegistryMethods:
    """Commands and queries about the registry and questions; mixed into Workflow."""

    # Workflow, which mixes this in, provides these.
    if TYPE_CHECKING:

        def handle(self, command: c.Command) -> AuditEntry: ...

        def _reading(
            self,
        ) -> contextlib.AbstractContextManager[SqlAlchemyUnitOfWork]: ...

    def register_area(
        self,
        admin: Actor,
        code: str,
        level: AreaLevel | str,
        title: str,
        parent_code: str | None = None,
    ) -> AuditEntry:
        """Register a county, township, village or hamlet (registry_admin only)."""
        return self.handle(
            r.RegisterArea(
                actor=admin,
                code=code,
                level=level,
                title=title,
                parent_code=parent_code,
            )
        )

    def register_grid(
        self,
        admin: Actor,
        grid_id: str,
        village_code: str,
        title: str,
        *,
        max_households: int = MAX_GRID_HOUSEHOLDS,
    ) -> AuditEntry:
        """Register a grid inside a village (registry_admin only)."""
        return self.handle(
            r.RegisterGrid(
                actor=admin,
                grid_id=grid_id,
                village_code=village_code,
                title=title,
                max_households=max_households,
            )
        )

    def place_household(
        self, admin: Actor, household_id: str, grid_id: str
    ) -> AuditEntry:
        """Put a household in a grid of its village (registry_admin only)."""
        return self.handle(
            r.PlaceHousehold(actor=admin, household_id=household_id, grid_id=grid_id)
        )

    def assign_role(
        self,
        admin: Actor,
        person_id: str,
        role: Role | str,
        area_code: str,
        starts_on: dt.date,
        ends_on: dt.date | None = None,
    ) -> AuditEntry:
        """Give a person a role for an area, from a day (registry_admin only)."""
        return self.handle(
            r.AssignRole(
                actor=admin,
                person_id=person_id,
                role=role,
                area_code=area_code,
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )

    def end_role(
        self,
        admin: Actor,
        person_id: str,
        role: Role | str,
        area_code: str,
        ends_on: dt.date,
    ) -> AuditEntry:
        """End a person's role for an area on a last day (registry_admin only)."""
        return self.handle(
            r.EndRole(
                actor=admin,
                person_id=person_id,
                role=role,
                area_code=area_code,
                ends_on=ends_on,
            )
        )

    def raise_question(self, actor: Actor, village_code: str, text: str) -> AuditEntry:
        """A village asks its township a question."""
        return self.handle(
            r.RaiseQuestion(actor=actor, village_code=village_code, text=text)
        )

    def answer_question(
        self, actor: Actor, question_id: str, answer: str
    ) -> AuditEntry:
        """The township (or, once escalated, the county) answers."""
        return self.handle(
            r.AnswerQuestion(actor=actor, question_id=question_id, answer=answer)
        )

    def escalate_question(self, actor: Actor, question_id: str) -> AuditEntry:
        """The township passes the question to the county."""
        return self.handle(r.EscalateQuestion(actor=actor, question_id=question_id))

    def get_question(self, question_id: str) -> Question:
        """The question with this id.

        Raises:
            NotFound: there is none.
        """
        check_id("question_id", question_id)
        with self._reading() as uow:
            found = uow.questions.get_many([question_id])
        if question_id not in found:
            raise NotFound("question", question_id)
        return found[question_id]  # type: ignore[no-any-return]

    def security_log(self, *, limit: int = 100) -> list[dict[str, object]]:
        """The latest refusals of access, newest first."""
        if (
            not isinstance(limit, int)
            or isinstance(limit, bool)
            or not 1 <= limit <= 10_000
        ):
            raise InvalidInput("limit", limit, "a whole number from 1 to 10,000")
        with self._reading() as uow:
            rows = uow.registry.connection.execute(
                select(security_log)
                .order_by(security_log.c.sequence.desc())
                .limit(limit)
            )
            return [dict(row._mapping) for row in rows]
