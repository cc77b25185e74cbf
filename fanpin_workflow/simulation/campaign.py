"""Simulate a county's campaign window on a virtual clock, through the engine.

On 1 May every household is registered and the objects monitored before
the campaign are imported. In the preparation stage each village builds and
confirms its key-household list. Over the investigation stage every
household is visited on its form; what the forms find goes through the
engine's own follow-ups (a 2-4 form, an inclusion, relabel or rollback
case), and villages propose eliminations and clear-outs of monitored
households using the policy rules. Cases move through deliberation, notice,
township review and county determination with random but plausible delays,
and are sometimes returned. Every step is a command of the engine, sent in
one batch per hourly slot; nothing is written behind its back.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import attrs
import pendulum
from sqlalchemy import Engine

from fanpin_workflow.adapters.database import database_url, describe
from fanpin_workflow.domain.approval import CaseEvent, CaseKind
from fanpin_workflow.domain.clock import CAMPAIGN_ZONE, VirtualClock, in_zone
from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.household_terms import HouseholdType, RiskType
from fanpin_workflow.domain.investigation import Form, form_for
from fanpin_workflow.domain.jurisdiction import Actor
from fanpin_workflow.domain.key_households import KeySource
from fanpin_workflow.domain.lifecycle import ObjectState
from fanpin_workflow.domain.model import AuditEntry
from fanpin_workflow.domain.policy.category import monitoring_category
from fanpin_workflow.domain.policy.developmental import has_developmental_measure
from fanpin_workflow.domain.policy.elimination import elimination_unmet
from fanpin_workflow.domain.policy.income import per_capita_net_income
from fanpin_workflow.domain.policy.key_households import must_be_key_household
from fanpin_workflow.errors import InvalidInput
from fanpin_workflow.service import commands as c
from fanpin_workflow.service import household_commands as h
from fanpin_workflow.service import registry_commands as r
from fanpin_workflow.service.workflow import Workflow
from fanpin_workflow.simulation import runs
from fanpin_workflow.simulation.actors import Cast
from fanpin_workflow.simulation.cases import CaseDriver
from fanpin_workflow.simulation.config import (
    FIRST_HOUR,
    LAST_HOUR,
    SimulationConfig,
)
from fanpin_workflow.simulation.county import County, build_county
from fanpin_workflow.simulation.households import HouseholdFactory
from fanpin_workflow.simulation.worklists import WorklistDriver

#: Households registered per batch on the first morning.
REGISTRATION_BATCH = 2_000

#: What a queued action does: build its commands, then react to their entries.
Commands = Callable[[], list[c.Command]]
Done = Callable[[list[AuditEntry], pendulum.DateTime], None]


@attrs.frozen
class SimulationResult:
    """What a run did, as counted by the simulator (the summary re-counts)."""

    database: str
    commands_carried_out: int
    follow_up_entries: int
    sweep_entries: int
    cases_started: int
    county: County


ProgressHook = Callable[[pendulum.DateTime, int], None]


class CampaignSimulation:
    """Drives one simulated campaign against a Workflow."""

    def __init__(
        self, workflow: Workflow, clock: VirtualClock, config: SimulationConfig
    ) -> None:
        self.workflow = workflow
        self.clock = clock
        self.config = config
        self.policy = workflow.policy
        self.rng = random.Random(config.seed)
        self.county = build_county(
            households=config.households,
            townships=config.townships,
            villages_per_township=config.villages_per_township,
            seed=config.seed,
        )
        self.cast = Cast(self.county)
        self.queue: list[tuple[pendulum.DateTime, int, Commands, Done]] = []
        self._sequence = 0
        self.carried_out = 0
        self.follow_ups = 0

        self.households: dict[str, Household] = {}
        self.object_of: dict[str, str] = {}
        self.monitored_since: dict[str, pendulum.DateTime] = {}
        self.object_state: dict[str, str] = {}
        self.key_listed: set[str] = set()
        self.form_of: dict[str, Form] = {}
        self.cases = CaseDriver(self)
        self.worklists = WorklistDriver(self)
        self.swept = 0

    @property
    def cases_started(self) -> int:
        """How many approval cases the run opened."""
        return self.cases.started

    def run(self, on_slot: ProgressHook | None = None) -> None:
        """Register, import, plan the stages, then carry out every slot."""
        self.clock.set(self.config.start)
        self._set_up_registry()
        self._register()
        self.worklists.start()
        self._import_existing()
        self._plan_key_lists()
        self._plan_investigations()

        slot = self.config.start
        while slot <= self.config.end:
            self.clock.set(slot)
            if slot.hour == FIRST_HOUR:
                self.swept += self.worklists.sweep()
            due = self._pop_due(slot)
            if due:
                self._carry_out(due, slot)
            if on_slot is not None:
                on_slot(slot, len(due))
            slot = _next_slot(slot)

    # -- the first morning --------------------------------------------------

    def _set_up_registry(self) -> None:
        """Register the county's areas and grids, and give everyone a role."""
        admin, county = self.cast.admin, self.county
        starts = self.config.start.date().replace(month=1, day=1)
        commands: list[c.Command] = [
            r.RegisterArea(
                actor=admin, code=county.code, level="county", title="synthetic county"
            )
        ]
        for township in county.township_codes:
            commands.append(
                r.RegisterArea(
                    actor=admin,
                    code=township,
                    level="township",
                    title=f"township {township[6:9]}",
                    parent_code=county.code,
                )
            )
            commands += [
                r.AssignRole(
                    actor=admin,
                    person_id=self.cast.township_reviewer(township).id,
                    role="township_reviewer",
                    area_code=township,
                    starts_on=starts,
                )
            ]
        grids: dict[str, str] = {}
        for household in county.households:
            grid = self.cast.grid_id(household.id, household.village_code)
            grids.setdefault(grid, household.village_code)
        for village in county.village_codes:
            commands.append(
                r.RegisterArea(
                    actor=admin,
                    code=village,
                    level="village",
                    title=f"village {village[9:]}",
                    parent_code=village[:9] + "000",
                )
            )
            for actor in (self.cast.officer(village), self.cast.leader(village)):
                commands.append(
                    r.AssignRole(
                        actor=admin,
                        person_id=actor.id,
                        role=actor.role,
                        area_code=village,
                        starts_on=starts,
                    )
                )
        for grid, village in sorted(grids.items()):
            commands += [
                r.RegisterGrid(
                    actor=admin, grid_id=grid, village_code=village, title=grid
                ),
                r.AssignRole(
                    actor=admin,
                    person_id="member-" + grid.removeprefix("grid-"),
                    role="grid_member",
                    area_code=village,
                    starts_on=starts,
                ),
            ]
        for number in range(2):
            reviewer = self.cast.county_reviewer(number)
            commands.append(
                r.AssignRole(
                    actor=admin,
                    person_id=reviewer.id,
                    role=reviewer.role,
                    area_code=county.code,
                    starts_on=starts,
                )
            )
        for start in range(0, len(commands), REGISTRATION_BATCH):
            self.handle(commands[start : start + REGISTRATION_BATCH])

    def _register(self) -> None:
        factory = HouseholdFactory(
            random.Random(self.config.seed + 1), dt.date(self.config.year, 5, 1)
        )
        commands: list[c.Command] = []
        for household in self.county.households:
            facts = factory.household(
                household.id, household.village_code, household.type.programme
            )
            self.households[facts.id] = facts
            commands.append(
                h.RegisterHousehold(
                    actor=self.cast.officer(facts.village_code), household=facts
                )
            )
        commands += [
            r.PlaceHousehold(
                actor=self.cast.admin,
                household_id=household.id,
                grid_id=self.cast.grid_id(household.id, household.village_code),
            )
            for household in self.county.households
        ]
        for start in range(0, len(commands), REGISTRATION_BATCH):
            self.handle(commands[start : start + REGISTRATION_BATCH])

    def _import_existing(self) -> None:
        start = self.config.start
        commands = []
        for household in self.county.households:
            state = household.type.object_state
            if state is None:
                continue
            # Monitored for 3 to 24 months before the campaign.
            since = start.subtract(days=self.rng.randint(90, 730))
            commands.append(
                c.ImportMonitoringObject(
                    actor=self.cast.county_reviewer(0),
                    household_id=household.id,
                    village_code=household.village_code,
                    state=state,
                    monitored_since=since,
                )
            )
        for command, entry in zip(commands, self.handle(commands), strict=True):
            assert entry.object_id is not None and command.monitored_since
            self.object_of[command.household_id] = entry.object_id
            self.monitored_since[entry.object_id] = command.monitored_since
            self.object_state[entry.object_id] = command.state

    # -- preparation: key-household lists ----------------------------------

    def _plan_key_lists(self) -> None:
        """Each village lists its key households between 6 and 9 May."""
        year = self.config.year
        by_village: dict[str, list[Household]] = {}
        for household in self.households.values():
            by_village.setdefault(household.village_code, []).append(household)

        for village, households in sorted(by_village.items()):
            day = pendulum.datetime(year, 5, self.rng.randint(6, 8), tz=CAMPAIGN_ZONE)
            entries = []
            for household in households:
                source_reason = self._key_reason(household)
                if source_reason is not None:
                    entries.append((household.id, *source_reason))
                    self.key_listed.add(household.id)
            officer = self.cast.officer(village)
            leader = self.cast.leader(village)
            adds: list[c.Command] = [
                h.AddKeyHousehold(
                    actor=officer,
                    village_code=village,
                    household_id=household_id,
                    source=source,
                    reason=reason,
                )
                for household_id, source, reason in entries
            ]
            confirm = h.ConfirmKeyHouseholdList(actor=leader, village_code=village)
            self.schedule(_working_slot(day.add(hours=9)), _constant(adds), _ignore)
            confirm_at = pendulum.datetime(year, 5, 9, 16, tz=CAMPAIGN_ZONE)
            self.schedule(confirm_at, _constant([confirm]), _ignore)

    def _key_reason(self, household: Household) -> tuple[KeySource, str] | None:
        if must_be_key_household(household, self.policy):
            return KeySource.VILLAGE_KNOWLEDGE, "new subsistence allowance since 2023"
        low = per_capita_net_income(household) < self.policy.monitoring_line
        ordinary = household.type != HouseholdType.MONITORED
        if ordinary and low and self.rng.random() < self.config.reference_share:
            return KeySource.REFERENCE_LIST, "low_income"
        if self.rng.random() < self.config.self_declared_share:
            return KeySource.SELF_DECLARED, "declared hardship at the village office"
        return None

    # -- investigation ------------------------------------------------------

    def _plan_investigations(self) -> None:
        first, last = self.config.investigation
        span_hours = int((last - first).total_hours())
        for household in self.county.households:
            day = _working_slot(first.add(hours=self.rng.randrange(span_hours)))
            forms: list[Form | None] = [None]
            if household.id in self.key_listed:
                forms.append(Form.KEY)
            for form in forms:
                self._plan_assignment(household.id, household.village_code, form, day)

    def _plan_assignment(
        self,
        household_id: str,
        village: str,
        form: Form | None,
        when: pendulum.DateTime,
    ) -> None:
        command = h.AssignInvestigation(
            actor=self.cast.officer(village),
            household_id=household_id,
            grid_member_id=self.cast.grid_member_id(household_id, village),
            form=form,
        )

        def assigned(entries: list[AuditEntry], slot: pendulum.DateTime) -> None:
            chosen = form or form_for(
                self.households[household_id].type,
                self.object_state.get(self.object_of.get(household_id, "")),
            )
            self._schedule_visit(entries[0].subject_id, household_id, chosen, slot)

        self.schedule(when, lambda: [command], assigned)

    def _schedule_visit(
        self,
        investigation_id: str,
        household_id: str,
        form: Form,
        after: pendulum.DateTime,
    ) -> None:
        self.form_of[investigation_id] = form
        village = self.households[household_id].village_code
        member = self.cast.grid_member(household_id, village)

        def visited(entries: list[AuditEntry], slot: pendulum.DateTime) -> None:
            self.schedule(
                self.later(slot, 0, 1),
                lambda: self._record(investigation_id, household_id, member),
                lambda e, s: self._recorded(household_id, e, s),
            )

        self.schedule(
            self.later(after, 0, 2),
            lambda: [h.RecordVisit(actor=member, investigation_id=investigation_id)],
            visited,
        )

    def _record(
        self, investigation_id: str, household_id: str, member: Actor
    ) -> list[c.Command]:
        household = self.households[household_id]
        form = self.form_of[investigation_id]
        object_id = self.object_of.get(household_id)
        state = self.object_state.get(object_id) if object_id else None
        commands: list[c.Command] = []
        findings: dict[str, object] = {}

        if form == Form.KEY:
            if household.new_risk:
                household = self._shock(household)
                commands.append(
                    h.RegisterHousehold(
                        actor=self.cast.officer(household.village_code),
                        household=household,
                        note="income and expenses collected on form 2-4",
                    )
                )
            at_risk = monitoring_category(household, self.policy) is not None
            findings = {
                "judgement": "at_risk" if at_risk else "not_at_risk",
                "suggestion": "include" if at_risk else "no_action",
            }
        elif form == Form.MONITORED:
            findings = {"developmental_in_place": has_developmental_measure(household)}
        else:
            findings = self._screen(household, state)

        commands.append(
            h.RecordFindings(
                actor=member, investigation_id=investigation_id, findings=findings
            )
        )
        return commands

    def _screen(self, household: Household, state: str | None) -> dict[str, object]:
        """Findings of a 2-1 or 2-3 form, drawn at the configured rates."""
        config, draw = self.config, self.rng.random()
        findings: dict[str, object] = {}
        if state == ObjectState.RISK_ELIMINATED:
            if draw < config.rollback_share:
                return {"elimination_correct": False}
            findings["elimination_correct"] = True
            risky = draw < config.rollback_share + config.relabel_share
        else:
            risky = draw < config.inclusion_risk[household.type]
        if risky:
            risks = self.rng.sample(_SCREEN_RISKS, self.rng.randint(1, 2))
            findings.update(risk_found=True, risk_types=[str(r) for r in risks])
            merged = tuple(dict.fromkeys((*household.risk_types, *risks)))[:5]
            self.households[household.id] = attrs.evolve(
                household, new_risk=True, risk_types=merged
            )
        return findings

    def _shock(self, household: Household) -> Household:
        """What a 2-4 form finds at a household in trouble: lower income."""
        factor = Decimal(self.rng.randint(20, 60)) / 100
        wage = (household.wage_income * factor).quantize(Decimal(1))
        illness = RiskType.ILLNESS in household.risk_types
        expenses = household.compliant_expenses + (
            self.rng.randint(3000, 30000) if illness else 0
        )
        changed = attrs.evolve(household, wage_income=wage, compliant_expenses=expenses)
        self.households[household.id] = changed
        return changed

    def _recorded(
        self, household_id: str, entries: list[AuditEntry], slot: pendulum.DateTime
    ) -> None:
        """After a 2-2 form the village may propose elimination or clear-out."""
        object_id = self.object_of.get(household_id)
        if self.form_of[entries[-1].subject_id] != Form.MONITORED or not object_id:
            return
        config, draw = self.config, self.rng.random()
        household = self.households[household_id]
        if draw < config.clear_out_share:
            self.cases.propose(household, object_id, CaseKind.CLEAR_OUT, slot)
            return
        eligible = not self.elimination_unmet(household, object_id, slot)
        chance = config.elimination_share if eligible else config.mistaken_share
        if self.rng.random() < chance:
            self.cases.propose(household, object_id, CaseKind.RISK_ELIMINATION, slot)

    def elimination_unmet(
        self, household: Household, object_id: str, at: pendulum.DateTime
    ) -> list[str]:
        """The unmet elimination conditions, as the county would check them."""
        since = self.monitored_since.get(object_id)
        return [str(u) for u in elimination_unmet(household, since, at, self.policy)]

    # -- the slot loop ------------------------------------------------------

    def handle(self, commands: Sequence[c.Command]) -> list[AuditEntry]:
        """Send a batch; count what it carried out; follow what it started."""
        outcome = self.workflow.handle_batch(commands)
        self.carried_out += len(outcome.entries)
        self.follow_ups += len(outcome.follow_ups)
        slot = self.clock.now()
        for entry in outcome.entries:
            self._observe(entry)
        for entry in outcome.follow_ups:
            self._adopt(entry, slot)
        return outcome.entries

    def schedule(self, when: pendulum.DateTime, build: Commands, done: Done) -> None:
        """Queue an action for the first slot at or after `when`."""
        self._sequence += 1
        heapq.heappush(self.queue, (when, self._sequence, build, done))

    def later(
        self, after: pendulum.DateTime, min_days: int, max_days: int
    ) -> pendulum.DateTime:
        """A working-hours slot between min_days and max_days after `after`."""
        hours = self.rng.randint(min_days * 24, max_days * 24)
        return _working_slot(after.add(hours=max(hours, 1)))

    def _pop_due(self, slot: pendulum.DateTime) -> list[tuple[Commands, Done]]:
        due = []
        while self.queue and self.queue[0][0] <= slot:
            _, _, build, done = heapq.heappop(self.queue)
            due.append((build, done))
        return due

    def _carry_out(
        self, due: list[tuple[Commands, Done]], slot: pendulum.DateTime
    ) -> None:
        built = [(build(), done) for build, done in due]
        commands = [command for group, _ in built for command in group]
        entries = self.handle(commands)

        position = 0
        for group, done in built:
            done(entries[position : position + len(group)], slot)
            position += len(group)

    def _adopt(self, entry: AuditEntry, slot: pendulum.DateTime) -> None:
        """Take over what the engine started: a 2-4 form, or a case."""
        if entry.subject_type == "investigation" and entry.event == "assign":
            # Only a risk found on a form makes the engine open one: a 2-4.
            investigation = self.workflow.get_investigation(entry.subject_id)
            self._schedule_visit(
                entry.subject_id, investigation.household_id, Form.KEY, slot
            )
        elif entry.subject_type == "approval_case" and entry.event == "propose":
            self.cases.adopt(entry, slot)
        elif (
            entry.subject_type == "task"
            and entry.event == "create"
            and self.worklists.planned  # the campaign's own are planned at start
        ):
            self.worklists.adopt(entry)

    def _observe(self, entry: AuditEntry) -> None:
        """Keep track of the county's decisions on objects."""
        if entry.object_id and entry.event == CaseEvent.APPROVE_AT_COUNTY:
            state = str(entry.object_to_state)
            self.object_state[entry.object_id] = state
            if state in (ObjectState.INCLUDED, ObjectState.ROLLBACK):
                self.monitored_since[entry.object_id] = entry.occurred_at
        elif (
            entry.object_id
            and entry.event == CaseEvent.DECLINE_AT_COUNTY
            and entry.object_to_state
        ):
            self.object_state[entry.object_id] = entry.object_to_state


_SCREEN_RISKS = [
    RiskType.ILLNESS,
    RiskType.UNSTABLE_WORK,
    RiskType.DISASTER,
    RiskType.SCHOOLING,
    RiskType.BUSINESS_FAILURE,
    RiskType.ACCIDENT,
]


def _constant(commands: list[c.Command]) -> Commands:
    return lambda: commands


def _ignore(entries: list[AuditEntry], slot: pendulum.DateTime) -> None:
    """Nothing follows from these entries."""


def _working_slot(instant: pendulum.DateTime) -> pendulum.DateTime:
    """The first whole-hour slot in working hours at or after `instant`."""
    slot = in_zone(instant)
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
    """An id factory that numbers records of each kind, for repeatable runs."""
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
        if workflow.objects(limit=1):
            raise InvalidInput(
                "db",
                describe(database_url(database)),
                "a simulation needs a database without monitoring objects",
            )
        engine = workflow.bind
        assert isinstance(engine, Engine)
        run_id = runs.record_start(engine, config)

        def on_slot_recorded(slot: pendulum.DateTime, due: int) -> None:
            if slot.hour == LAST_HOUR:
                runs.record_progress(engine, run_id, slot, finished=False)
            if on_slot is not None:
                on_slot(slot, due)

        simulation = CampaignSimulation(workflow, clock, config)
        simulation.run(on_slot_recorded)
        runs.record_progress(engine, run_id, config.end, finished=True)
    finally:
        workflow.close()
    return SimulationResult(
        database=str(database),
        commands_carried_out=simulation.carried_out,
        follow_up_entries=simulation.follow_ups,
        sweep_entries=simulation.swept,
        cases_started=simulation.cases_started,
        county=simulation.county,
    )
