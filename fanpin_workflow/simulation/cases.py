"""Drive simulated approval cases from proposal to the county's decision."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import pendulum

from fanpin_workflow.domain.approval import CaseKind
from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.model import AuditEntry
from fanpin_workflow.service import commands as c

if TYPE_CHECKING:
    from fanpin_workflow.simulation.campaign import CampaignSimulation

_PROPOSAL_REASONS = {
    CaseKind.CLEAR_OUT: "inclusion found wrong on form 2-2",
    CaseKind.RISK_ELIMINATION: "conditions of elimination checked on form 2-2",
}

_RETURNS: dict[type[c.CaseCommand], str] = {
    c.ReturnToVillage: "household figures incomplete",
    c.ReturnToTownship: "review record missing",
    c.DeclineAtCounty: "risk not confirmed on re-check",
}


@attrs.define
class SimulatedCase:
    """What the simulator knows of one case it drives."""

    kind: CaseKind
    household_id: str
    village_code: str
    object_id: str
    case_id: str = ""


class CaseDriver:
    """Schedules each case's next step with a plausible delay and decision."""

    def __init__(self, simulation: CampaignSimulation) -> None:
        self.sim = simulation
        self.started = 0
        self.known: set[str] = set()

    def propose(
        self,
        household: Household,
        object_id: str,
        kind: CaseKind,
        after: pendulum.DateTime,
    ) -> None:
        """A village proposes a change of a monitored household's object."""
        case = SimulatedCase(kind, household.id, household.village_code, object_id)
        command = c.ProposeChange(
            actor=self.sim.cast.officer(household.village_code),
            object_id=object_id,
            kind=kind,
            reason=_PROPOSAL_REASONS.get(kind),
        )

        def proposed(entries: list[AuditEntry], slot: pendulum.DateTime) -> None:
            case.case_id = entries[0].subject_id
            self._start(case, slot)

        self.sim.schedule(self.sim.later(after, 0, 2), lambda: [command], proposed)

    def adopt(self, entry: AuditEntry, slot: pendulum.DateTime) -> None:
        """Drive a case that the engine opened as a follow-up of a form."""
        if entry.subject_id in self.known:
            return
        stored = self.sim.workflow.get_case(entry.subject_id)
        household_id = self.sim.workflow.get_object(stored.object_id).household_id
        self.sim.object_of.setdefault(household_id, stored.object_id)
        case = SimulatedCase(
            CaseKind(stored.kind),
            household_id,
            stored.village_code,
            stored.object_id,
            stored.id,
        )
        self._start(case, slot)

    def _start(self, case: SimulatedCase, slot: pendulum.DateTime) -> None:
        self.known.add(case.case_id)
        self.started += 1
        self._deliberate(case, slot, 0, 3)

    def _deliberate(
        self, case: SimulatedCase, after: pendulum.DateTime, low: int, high: int
    ) -> None:
        self._step(case, c.Deliberate, self.sim.later(after, low, high), self._publish)

    def _publish(self, case: SimulatedCase, slot: pendulum.DateTime) -> None:
        self._step(case, c.PublishNotice, self.sim.later(slot, 0, 1), self._submit)

    def _submit(self, case: SimulatedCase, slot: pendulum.DateTime) -> None:
        notice = self.sim.worklists.definition.settings.notice_days
        due = self.sim.later(slot.add(days=notice), 0, 1)
        self._step(case, c.SubmitToTownship, due, self._at_township)

    def _at_township(self, case: SimulatedCase, slot: pendulum.DateTime) -> None:
        returned = self.sim.rng.random() < self.sim.config.township_return_rate
        outcome = c.ReturnToVillage if returned else c.ApproveAtTownship
        after = self._after_return if returned else self._at_county
        self._step(case, outcome, self.sim.later(slot, 1, 3), after)

    def _after_return(self, case: SimulatedCase, slot: pendulum.DateTime) -> None:
        self._deliberate(case, slot, 1, 3)

    def _at_county(self, case: SimulatedCase, slot: pendulum.DateTime) -> None:
        when = self.sim.later(slot, 1, 3)
        config, draw = self.sim.config, self.sim.rng.random()
        if draw < config.county_return_rate:
            self._step(case, c.ReturnToTownship, when, self._at_township)
            return
        if case.kind == CaseKind.RISK_ELIMINATION:
            self._decide_elimination(case, when)
            return
        declined = (
            case.kind == CaseKind.INCLUSION
            and draw < config.county_return_rate + config.county_decline_rate
        )
        self._step(
            case, c.DeclineAtCounty if declined else c.ApproveAtCounty, when, _done
        )

    def _decide_elimination(self, case: SimulatedCase, when: pendulum.DateTime) -> None:
        """The county checks the rule at its desk, and declines naming what failed."""
        sim = self.sim

        def build() -> list[c.Command]:
            household = sim.households[case.household_id]
            unmet = sim.elimination_unmet(household, case.object_id, sim.clock.now())
            actor = sim.cast.county_reviewer(sim.rng.randrange(2))
            if unmet:
                return [
                    c.DeclineAtCounty(
                        actor=actor, case_id=case.case_id, reason="; ".join(unmet)
                    )
                ]
            return [c.ApproveAtCounty(actor=actor, case_id=case.case_id)]

        sim.schedule(when, build, lambda entries, slot: None)

    def _step(
        self,
        case: SimulatedCase,
        command: type[c.CaseCommand],
        when: pendulum.DateTime,
        then: object,
    ) -> None:
        sim = self.sim

        def build() -> list[c.Command]:
            if command in (c.ApproveAtTownship, c.ReturnToVillage):
                actor = sim.cast.township_reviewer(case.village_code)
            elif command in (c.ApproveAtCounty, c.DeclineAtCounty, c.ReturnToTownship):
                actor = sim.cast.county_reviewer(sim.rng.randrange(2))
            else:
                actor = sim.cast.officer(case.village_code)
            return [
                command(actor=actor, case_id=case.case_id, reason=_RETURNS.get(command))
            ]

        def done(entries: list[AuditEntry], slot: pendulum.DateTime) -> None:
            if callable(then):
                then(case, slot)

        sim.schedule(when, build, done)


def _done(case: SimulatedCase, slot: pendulum.DateTime) -> None:
    """The county decided; the case is over."""
