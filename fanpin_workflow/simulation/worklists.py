"""Simulated townships and villages working through their lists.

Each task is done after its predecessors and inside its stage, mostly in
time; some (a share set in the config) run late and are completed with a
reason. Tasks the engine creates later (the next weekly occurrence, a
household's plan, declaration and tracking) are picked up as they appear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum

from fanpin_workflow.domain.approval import Level
from fanpin_workflow.domain.jurisdiction import Actor
from fanpin_workflow.domain.model import AuditEntry
from fanpin_workflow.domain.worklist.calendar import start_of_day
from fanpin_workflow.domain.worklist.definition import guangxi_2024
from fanpin_workflow.domain.worklist.records import WorkTask
from fanpin_workflow.service import commands as c
from fanpin_workflow.service import worklist_commands as w

if TYPE_CHECKING:
    from fanpin_workflow.simulation.campaign import CampaignSimulation

_LATE_REASONS = (
    "staff were away at township training",
    "the platform was down for two days",
    "waited for the village meeting to gather",
)


class WorklistDriver:
    """Starts the county's campaign and completes its tasks over time."""

    def __init__(self, simulation: CampaignSimulation) -> None:
        self.sim = simulation
        self.settings = {"year": simulation.config.year}
        self.definition = guangxi_2024().with_settings(self.settings)
        self.planned: dict[tuple[str, str], pendulum.DateTime] = {}

    def start(self) -> None:
        """The county starts the campaign; every list's tasks get planned."""
        sim = self.sim
        reviewer = sim.cast.county_reviewer(0)
        sim.handle(
            [
                w.StartCampaign(
                    actor=reviewer,
                    county_code=sim.county.code,
                    settings=self.settings,
                )
            ]
        )
        tasks = sim.workflow.tasks(sim.county.code[:6])
        # Townships first (villages wait for their township's reference
        # list), and each list in the order its tasks depend on each other.
        order = {key: n for n, key in enumerate(self.definition.in_order())}
        ranked = sorted(
            tasks, key=lambda t: (t.level != "township", order[t.task_key], t.id)
        )
        for task in ranked:
            self._plan(task)

    def adopt(self, entry: AuditEntry) -> None:
        """Plan a task the engine created after the start."""
        if entry.subject_type == "task" and entry.event == "create":
            self._plan(self.sim.workflow.get_task(entry.subject_id))

    def sweep(self) -> int:
        """The morning sweep of overdue work; returns the audit rows it wrote."""
        report = self.sim.workflow.sweep_overdue()
        return report.tasks_marked + report.questions_escalated + report.cases_escalated

    def _plan(self, task: WorkTask) -> None:
        sim, config = self.sim, self.sim.config
        base = task.task_key if task.subject_id is None else task.task_key[:10]
        template = self.definition.task(base)
        stage = self.definition.stage(template.stage)
        earliest = sim.clock.now()
        if stage.opens is not None:
            earliest = max(earliest, start_of_day(stage.opens).set(hour=8))
        for before in template.after if task.subject_id is None else ():
            area = task.area_code
            if before.startswith("township.") and task.level == Level.VILLAGE:
                area = area[:9] + "000"
            done = self.planned.get((before, area))
            if done is not None:
                earliest = max(earliest, done.add(hours=1))
        due = task.due_at or earliest.add(days=7)
        late = sim.rng.random() < config.late_task_share
        if late or due <= earliest:
            when = max(sim.later(due, 1, 5), sim.later(earliest, 0, 1))
        else:
            span = max(1, int((due - earliest).total_hours()) - 1)
            when = sim.later(earliest.add(hours=sim.rng.randrange(span)), 0, 0)
        self.planned[(task.task_key, task.area_code)] = when

        def build() -> list[c.Command]:
            reason = None
            if sim.clock.now() >= due:
                reason = sim.rng.choice(_LATE_REASONS)
            return [
                w.CompleteTask(actor=self._worker(task), task_id=task.id, reason=reason)
            ]

        sim.schedule(when, build, lambda entries, slot: None)

    def _worker(self, task: WorkTask) -> Actor:
        if task.level == Level.TOWNSHIP:
            return self.sim.cast.township_reviewer(task.area_code)
        if task.subject_id is not None:
            return self.sim.cast.officer(task.area_code)
        return self.sim.cast.leader(task.area_code)
