"""Simulate a county's campaign window on a virtual clock, through the engine.

Households are investigated over the investigation stage; those found at
risk get a case that moves through deliberation, public notice, township
review and county determination with random but plausible delays, and is
sometimes returned. Every step is a real command of the engine, issued in
batches of one hourly slot each; nothing is written behind its back.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path

import attrs
import pendulum

from fanpin_workflow.domain.approval import CaseKind, Level
from fanpin_workflow.domain.clock import CAMPAIGN_ZONE, VirtualClock
from fanpin_workflow.domain.jurisdiction import Actor, township_of
from fanpin_workflow.domain.lifecycle import ObjectState
from fanpin_workflow.domain.model import AuditEntry
from fanpin_workflow.errors import InvalidInput
from fanpin_workflow.service import commands as c
from fanpin_workflow.service.workflow import Workflow
from fanpin_workflow.simulation.county import (
    County,
    HouseholdType,
    build_county,
    within,
)

#: Working hours in which the simulated cadres act, one slot per hour.
FIRST_HOUR, LAST_HOUR = 8, 17


@attrs.frozen
class SimulationConfig:
    """Sizes, seed and rates of one simulated campaign."""

    households: int = attrs.field(default=40_000, validator=within(1, 2_000_000))
    townships: int = attrs.field(default=12, validator=within(1, 999))
    villages_per_township: int = attrs.field(default=16, validator=within(1, 799))
    seed: int = 2024
    year: int = attrs.field(default=2024, validator=within(2020, 2100))
    #: Chance that investigating a household of each type starts a case.
    inclusion_risk: dict[HouseholdType, float] = attrs.field(
        factory=lambda: {HouseholdType.ORDINARY: 0.012, HouseholdType.EXITED: 0.04}
    )
    elimination_share: float = 0.35
    clear_out_share: float = 0.01
    relabel_share: float = 0.05
    rollback_share: float = 0.02
    township_return_rate: float = 0.06
    county_return_rate: float = 0.04
    county_decline_rate: float = 0.03

    @property
    def start(self) -> pendulum.DateTime:
        """The first instant simulated: 1 May, 08:00 in the campaign's zone."""
        return pendulum.datetime(self.year, 5, 1, FIRST_HOUR, tz=CAMPAIGN_ZONE)

    @property
    def end(self) -> pendulum.DateTime:
        """The last slot simulated: 30 June, 17:00."""
        return pendulum.datetime(self.year, 6, 30, LAST_HOUR, tz=CAMPAIGN_ZONE)

    @property
    def investigation(self) -> tuple[pendulum.DateTime, pendulum.DateTime]:
        """The investigation stage: 10 May to the end of 10 June."""
        first = pendulum.datetime(self.year, 5, 10, FIRST_HOUR, tz=CAMPAIGN_ZONE)
        last = pendulum.datetime(self.year, 6, 10, LAST_HOUR, tz=CAMPAIGN_ZONE)
        return first, last


class Step(StrEnum):
    """The next thing a simulated case waits for."""

    PROPOSE = "propose"
    DELIBERATE = "deliberate"
    PUBLISH = "publish"
    SUBMIT = "submit"
    TOWNSHIP = "township"
    COUNTY = "county"


@attrs.define
class _Case:
    """What the simulator knows of one case it drives."""

    kind: CaseKind
    household_id: str
    village_code: str
    first_lead_at: pendulum.DateTime
    object_id: str | None = None
    case_id: str | None = None
    outcome: type[c.CaseCommand] | None = None


@attrs.frozen
class SimulationResult:
    """What a run did, as counted by the simulator (the summary re-counts)."""

    database: str
    commands_carried_out: int
    cases_started: int
    county: County


ProgressHook = Callable[[pendulum.DateTime, int], None]


class CampaignSimulation:
    """Drives one simulated campaign against a Workflow."""

    def __init__(
        self, workflow: Workflow, clock: VirtualClock, config: SimulationConfig
    ):
        self.workflow = workflow
        self.clock = clock
        self.config = config
        self.rng = random.Random(config.seed)
        self.county = build_county(
            households=config.households,
            townships=config.townships,
            villages_per_township=config.villages_per_township,
            seed=config.seed,
        )
        self.queue: list[tuple[pendulum.DateTime, int, _Case, Step]] = []
        self._sequence = 0
        self.carried_out = 0
        self.cases_started = 0
        self.county_actors = (
            Actor(
                "county-reviewer-1", "county_reviewer", Level.COUNTY, self.county.code
            ),
            Actor(
                "county-reviewer-2", "county_reviewer", Level.COUNTY, self.county.code
            ),
        )

    def run(self, on_slot: ProgressHook | None = None) -> None:
        """Import the objects monitored before the campaign, then run every slot."""
        objects = self._import_existing()
        self._investigate(objects)

        slot = self.config.start
        while slot <= self.config.end:
            self.clock.set(slot)
            due = self._pop_due(slot)
            if due:
                self._carry_out(due, slot)
            if on_slot is not None:
                on_slot(slot, len(due))
            slot = _next_slot(slot)

    def _import_existing(self) -> dict[str, str]:
        self.clock.set(self.config.start)
        states = {
            HouseholdType.MONITORED: ObjectState.INCLUDED,
            HouseholdType.ELIMINATED: ObjectState.RISK_ELIMINATED,
        }
        commands = [
            c.ImportMonitoringObject(
                actor=self.county_actors[0],
                household_id=household.id,
                village_code=household.village_code,
                state=states[household.type],
            )
            for household in self.county.households
            if household.type in states
        ]
        entries = self._handle(commands)
        return {
            command.household_id: str(entry.object_id)
            for command, entry in zip(commands, entries, strict=True)
        }

    def _investigate(self, objects: dict[str, str]) -> None:
        """Draw each household's visit and whether it starts a case."""
        config, rng = self.config, self.rng
        first, last = config.investigation
        span_hours = int((last - first).total_hours())

        for household in self.county.households:
            visited = first.add(hours=rng.randrange(span_hours))
            kind = self._finding(household.type)
            if kind is None:
                continue
            case = _Case(
                kind=kind,
                household_id=household.id,
                village_code=household.village_code,
                first_lead_at=visited,
                object_id=objects.get(household.id),
            )
            self._schedule(case, Step.PROPOSE, self._later(visited, 0, 1))

    def _finding(self, household_type: HouseholdType) -> CaseKind | None:
        config, draw = self.config, self.rng.random()
        if household_type in config.inclusion_risk:
            risky = draw < config.inclusion_risk[household_type]
            return CaseKind.INCLUSION if risky else None
        if household_type == HouseholdType.MONITORED:
            if draw < config.clear_out_share:
                return CaseKind.CLEAR_OUT
            if draw < config.clear_out_share + config.elimination_share:
                return CaseKind.RISK_ELIMINATION
            return None
        if draw < config.rollback_share:
            return CaseKind.ROLLBACK
        if draw < config.rollback_share + config.relabel_share:
            return CaseKind.RELABEL
        return None

    def _carry_out(
        self, due: list[tuple[_Case, Step]], slot: pendulum.DateTime
    ) -> None:
        commands = [self._command(case, step) for case, step in due]
        entries = self._handle(commands)
        for (case, step), entry in zip(due, entries, strict=True):
            self._after(case, step, entry, slot)

    def _handle(self, commands: Sequence[c.Command]) -> list[AuditEntry]:
        entries = self.workflow.handle_many(commands)
        self.carried_out += len(entries)
        return entries

    def _command(self, case: _Case, step: Step) -> c.Command:
        village = Actor(
            f"info-officer-{case.village_code}",
            "information_officer",
            Level.VILLAGE,
            case.village_code,
        )
        if step == Step.PROPOSE:
            self.cases_started += 1
            reason = _PROPOSAL_REASONS.get(case.kind)
            if case.kind == CaseKind.INCLUSION:
                return c.ProposeInclusion(
                    actor=village,
                    household_id=case.household_id,
                    village_code=case.village_code,
                    first_lead_at=case.first_lead_at,
                )
            assert case.object_id is not None
            return c.ProposeChange(
                actor=village,
                object_id=case.object_id,
                kind=case.kind,
                first_lead_at=case.first_lead_at,
                reason=reason,
            )

        assert case.case_id is not None and case.outcome is not None
        if step in (Step.DELIBERATE, Step.PUBLISH, Step.SUBMIT):
            actor = village
        elif step == Step.TOWNSHIP:
            township = township_of(case.village_code)
            actor = Actor(
                f"township-reviewer-{township}",
                "township_reviewer",
                Level.TOWNSHIP,
                township,
            )
        else:
            actor = self.rng.choice(self.county_actors)
        needs_reason = case.outcome in _RETURNS
        return case.outcome(
            actor=actor,
            case_id=case.case_id,
            reason=_RETURNS.get(case.outcome) if needs_reason else None,
        )

    def _after(
        self, case: _Case, step: Step, entry: AuditEntry, slot: pendulum.DateTime
    ) -> None:
        """Schedule what the case waits for next, drawing the decisions."""
        config, rng = self.config, self.rng
        if step == Step.PROPOSE:
            case.case_id, case.object_id = entry.case_id, entry.object_id
            self._next(case, Step.DELIBERATE, c.Deliberate, self._later(slot, 0, 3))
        elif step == Step.DELIBERATE:
            self._next(case, Step.PUBLISH, c.PublishNotice, self._later(slot, 0, 1))
        elif step == Step.PUBLISH:
            notice = self.workflow.settings.notice_days
            due = self._later(slot.add(days=notice), 0, 1)
            self._next(case, Step.SUBMIT, c.SubmitToTownship, due)
        elif step == Step.SUBMIT or case.outcome is c.ReturnToTownship:
            returned = rng.random() < config.township_return_rate
            outcome = c.ReturnToVillage if returned else c.ApproveAtTownship
            self._next(case, Step.TOWNSHIP, outcome, self._later(slot, 1, 3))
        elif case.outcome is c.ReturnToVillage:
            self._next(case, Step.DELIBERATE, c.Deliberate, self._later(slot, 1, 3))
        elif case.outcome is c.ApproveAtTownship:
            due = self._later(slot, 1, 3)
            self._next(case, Step.COUNTY, self._county_outcome(case), due)

    def _county_outcome(self, case: _Case) -> type[c.CaseCommand]:
        config, draw = self.config, self.rng.random()
        if draw < config.county_return_rate:
            return c.ReturnToTownship
        declinable = case.kind == CaseKind.INCLUSION
        if declinable and draw < config.county_return_rate + config.county_decline_rate:
            return c.DeclineAtCounty
        return c.ApproveAtCounty

    def _next(
        self,
        case: _Case,
        step: Step,
        outcome: type[c.CaseCommand],
        when: pendulum.DateTime,
    ) -> None:
        case.outcome = outcome
        self._schedule(case, step, when)

    def _schedule(self, case: _Case, step: Step, when: pendulum.DateTime) -> None:
        self._sequence += 1
        heapq.heappush(self.queue, (when, self._sequence, case, step))

    def _pop_due(self, slot: pendulum.DateTime) -> list[tuple[_Case, Step]]:
        due = []
        while self.queue and self.queue[0][0] <= slot:
            _, _, case, step = heapq.heappop(self.queue)
            due.append((case, step))
        return due

    def _later(
        self, after: pendulum.DateTime, min_days: int, max_days: int
    ) -> pendulum.DateTime:
        """A working-hours slot between min_days and max_days after `after`."""
        hours = self.rng.randint(min_days * 24, max_days * 24)
        return _working_slot(after.add(hours=max(hours, 1)))


_PROPOSAL_REASONS = {
    CaseKind.CLEAR_OUT: "inclusion found wrong on investigation",
    CaseKind.ROLLBACK: "elimination found wrong on investigation",
}

_RETURNS: dict[type[c.CaseCommand], str] = {
    c.ReturnToVillage: "household figures incomplete",
    c.ReturnToTownship: "review record missing",
    c.DeclineAtCounty: "risk not confirmed on re-check",
}


def _working_slot(instant: pendulum.DateTime) -> pendulum.DateTime:
    """The first whole-hour slot in working hours at or after `instant`."""
    slot = instant.in_timezone(CAMPAIGN_ZONE)
    if slot.minute or slot.second or slot.microsecond:
        slot = slot.set(minute=0, second=0, microsecond=0).add(hours=1)
    if slot.hour < FIRST_HOUR:
        return slot.set(hour=FIRST_HOUR)
    if slot.hour > LAST_HOUR:
        return slot.add(days=1).set(hour=FIRST_HOUR)
    return slot


def _next_slot(slot: pendulum.DateTime) -> pendulum.DateTime:
    if slot.hour < LAST_HOUR:
        return slot.add(hours=1)
    return slot.add(days=1).set(hour=FIRST_HOUR)


def sequential_ids() -> Callable[[str], str]:
    """An id factory that numbers objects and cases, for repeatable runs."""
    counters: dict[str, int] = {}

    def new_id(kind: str) -> str:
        counters[kind] = counters.get(kind, 0) + 1
        return f"{kind}-{counters[kind]:07d}"

    return new_id


def simulate(
    database: str | Path,
    config: SimulationConfig | None = None,
    on_slot: ProgressHook | None = None,
) -> SimulationResult:
    """Run a whole campaign into `database` (a SQLite path or a URL)."""
    config = config or SimulationConfig()
    clock = VirtualClock(config.start)
    workflow = Workflow.open(database, clock=clock, id_factory=sequential_ids())
    try:
        existing = workflow.objects(limit=1)
        if existing:
            raise InvalidInput(
                "db",
                str(database),
                "a simulation needs a database without monitoring objects",
            )
        simulation = CampaignSimulation(workflow, clock, config)
        simulation.run(on_slot)
    finally:
        workflow.close()
    return SimulationResult(
        database=str(database),
        commands_carried_out=simulation.carried_out,
        cases_started=simulation.cases_started,
        county=simulation.county,
    )
