"""The Workflow's methods for campaigns, tasks, the sweep and progress."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import pendulum
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from fanpin_workflow.adapters.database import integrity_refusal, translated_errors
from fanpin_workflow.domain.clock import Clock
from fanpin_workflow.domain.jurisdiction import Actor, area_prefix
from fanpin_workflow.domain.model import AuditEntry
from fanpin_workflow.domain.questions import QuestionSettings
from fanpin_workflow.domain.values import check_id, check_time
from fanpin_workflow.domain.worklist.records import Progress, WorkTask, progress_at
from fanpin_workflow.errors import ConcurrencyConflict, InvalidInput, NotFound
from fanpin_workflow.service import commands as c
from fanpin_workflow.service import worklist_commands as w
from fanpin_workflow.service.sweep import SweepReport, sweep
from fanpin_workflow.service.unit_of_work import SqlAlchemyUnitOfWork

#: How often a sweep that lost a race to another sweep tries again.
_SWEEP_TRIES = 5


@attrs.frozen
class ProgressReport:
    """A work list's tasks by status at one time, overall and by stage."""

    at: pendulum.DateTime
    by_status: dict[str, int]
    by_stage: dict[str, dict[str, int]]


class WorklistMethods:
    """Campaign and task commands, the sweep and progress; mixed into Workflow."""

    clock: Clock
    bind: Engine | Connection
    question_settings: QuestionSettings

    # Workflow, which mixes this in, provides these.
    if TYPE_CHECKING:

        def handle(self, command: c.Command) -> AuditEntry: ...

        def _reading(
            self,
        ) -> contextlib.AbstractContextManager[SqlAlchemyUnitOfWork]: ...

    def start_campaign(
        self,
        actor: Actor,
        county_code: str,
        definition: str = "guangxi_2024",
        settings: Mapping[str, Any] | None = None,
        *,
        request_id: str | None = None,
    ) -> AuditEntry:
        """A county starts a campaign; every township and village gets its list.

        Args:
            settings: changes to the definition's settings for this campaign,
                such as `{"year": 2025, "day_count": "working"}`; the engine
                counts the county's notice periods, deadlines and policy
                rules with them while the campaign runs.
        """
        return self.handle(
            w.StartCampaign(
                actor=actor,
                county_code=county_code,
                definition=definition,
                settings=settings,
                request_id=request_id,
            )
        )

    def end_campaign(
        self,
        actor: Actor,
        county_code: str,
        reason: str,
        *,
        request_id: str | None = None,
    ) -> AuditEntry:
        """A county ends its running campaign, saying why; its open tasks are
        waived with that reason, and the county may start the next one."""
        return self.handle(
            w.EndCampaign(
                actor=actor,
                county_code=county_code,
                reason=reason,
                request_id=request_id,
            )
        )

    def start_task(self, actor: Actor, task_id: str) -> AuditEntry:
        """Begin work on a task (refused before its stage opens)."""
        return self.handle(w.StartTask(actor=actor, task_id=task_id))

    def complete_task(
        self, actor: Actor, task_id: str, reason: str | None = None
    ) -> AuditEntry:
        """Finish a task; after its due time a reason is required."""
        return self.handle(w.CompleteTask(actor=actor, task_id=task_id, reason=reason))

    def waive_task(self, actor: Actor, task_id: str, reason: str) -> AuditEntry:
        """Close a task that is not needed, with a reason."""
        return self.handle(w.WaiveTask(actor=actor, task_id=task_id, reason=reason))

    def sweep_overdue(self, *, limit: int = 5_000) -> SweepReport:
        """Mark past-due work overdue and escalate it to the level above, once.

        Safe to run as often as wanted and from several processes at once.
        """
        if (
            not isinstance(limit, int)
            or isinstance(limit, bool)
            or not 1 <= limit <= 100_000
        ):
            raise InvalidInput("limit", limit, "a whole number from 1 to 100,000")
        for attempt in range(_SWEEP_TRIES):
            try:
                with translated_errors(), SqlAlchemyUnitOfWork(self.bind) as uow:
                    now = check_time("clock.now()", self.clock.now())
                    try:
                        report = sweep(uow, now, limit, self.question_settings)
                        uow.commit()
                    except IntegrityError as error:
                        # Another sweep escalated the same work first.
                        raise integrity_refusal(error, limit) from error
                    return report
            except ConcurrencyConflict:
                if attempt == _SWEEP_TRIES - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def get_task(self, task_id: str) -> WorkTask:
        """The task copy with this id.

        Raises:
            NotFound: there is none.
        """
        check_id("task_id", task_id)
        with self._reading() as uow:
            found = uow.tasks.get_many([task_id])
        if task_id not in found:
            raise NotFound("task", task_id)
        return found[task_id]  # type: ignore[no-any-return]

    def tasks(self, within: str) -> list[WorkTask]:
        """Every task copy inside an area-code prefix (6, 9 or 12 digits), of
        the campaign running in its county, or of the last one if it ended."""
        within = area_prefix(within)
        with self._reading() as uow:
            campaigns = uow.campaigns.for_counties(
                [within[:6] + "000000"], ended_too=True
            )
            return uow.tasks.of_campaign([c.id for c in campaigns.values()], within)

    def progress(
        self, within: str, at: pendulum.DateTime | None = None
    ) -> ProgressReport:
        """Tasks by status (done, done late, waived, overdue, open) at a time.

        `at` may be any past or present instant; tasks created after it are
        left out, and a task completed after it counts as it stood then.
        """
        moment = self.clock.now() if at is None else check_time("at", at)
        by_status: Counter[str] = Counter()
        by_stage: dict[str, Counter[str]] = {}
        for task in self.tasks(within):
            status = progress_at(task, moment)
            if status is None:
                continue
            by_status[status] += 1
            by_stage.setdefault(task.stage, Counter())[status] += 1
        order = [str(p) for p in Progress]
        return ProgressReport(
            moment,
            {s: by_status.get(s, 0) for s in order},
            {
                stage: {s: counts.get(s, 0) for s in order}
                for stage, counts in sorted(by_stage.items())
            },
        )
