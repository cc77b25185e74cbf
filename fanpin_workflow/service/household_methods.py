"""The Workflow's methods for households, investigations and key households."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fanpin_workflow.domain.household import Household
from fanpin_workflow.domain.investigation import Findings, Form, Investigation
from fanpin_workflow.domain.jurisdiction import Actor
from fanpin_workflow.domain.key_households import KeyHouseholdList, KeySource
from fanpin_workflow.domain.model import AuditEntry
from fanpin_workflow.domain.values import check_id
from fanpin_workflow.errors import NotFound
from fanpin_workflow.service import commands as c
from fanpin_workflow.service import household_commands as h
from fanpin_workflow.service.unit_of_work import SqlAlchemyUnitOfWork


class HouseholdMethods:
    """Commands and queries about households; mixed into Workflow."""

    # Workflow, which mixes this in, provides these.
    if TYPE_CHECKING:

        def handle(self, command: c.Command) -> AuditEntry: ...

        def _reading(
            self,
        ) -> contextlib.AbstractContextManager[SqlAlchemyUnitOfWork]: ...

    def register_household(
        self,
        actor: Actor,
        household: Household | Mapping[str, Any],
        *,
        note: str | None = None,
        request_id: str | None = None,
        expected_version: int | None = None,
    ) -> AuditEntry:
        """A village records a household's facts (new, or an update).

        Raises:
            InvalidRecord: every problem of the record, nothing written.
        """
        return self.handle(
            h.RegisterHousehold(
                actor=actor,
                household=household,
                note=note,
                request_id=request_id,
                expected_version=expected_version,
            )
        )

    def assign_investigation(
        self,
        actor: Actor,
        household_id: str,
        grid_member_id: str,
        *,
        form: Form | str | None = None,
        request_id: str | None = None,
    ) -> AuditEntry:
        """A village assigns a household's investigation to a grid member."""
        return self.handle(
            h.AssignInvestigation(
                actor=actor,
                household_id=household_id,
                grid_member_id=grid_member_id,
                form=form,
                request_id=request_id,
            )
        )

    def reassign_investigation(
        self,
        actor: Actor,
        investigation_id: str,
        grid_member_id: str,
        *,
        request_id: str | None = None,
        expected_version: int | None = None,
    ) -> AuditEntry:
        """A village gives an unvisited investigation to another grid member."""
        return self.handle(
            h.ReassignInvestigation(
                actor=actor,
                investigation_id=investigation_id,
                grid_member_id=grid_member_id,
                request_id=request_id,
                expected_version=expected_version,
            )
        )

    def record_visit(
        self,
        actor: Actor,
        investigation_id: str,
        *,
        request_id: str | None = None,
        expected_version: int | None = None,
    ) -> AuditEntry:
        """The assigned grid member records the home visit."""
        return self.handle(
            h.RecordVisit(
                actor=actor,
                investigation_id=investigation_id,
                request_id=request_id,
                expected_version=expected_version,
            )
        )

    def record_findings(
        self,
        actor: Actor,
        investigation_id: str,
        findings: Findings | Mapping[str, Any],
        *,
        request_id: str | None = None,
        expected_version: int | None = None,
    ) -> AuditEntry:
        """The assigned grid member records the form; follow-ups start."""
        return self.handle(
            h.RecordFindings(
                actor=actor,
                investigation_id=investigation_id,
                findings=findings,
                request_id=request_id,
                expected_version=expected_version,
            )
        )

    def add_key_household(
        self,
        actor: Actor,
        village_code: str,
        household_id: str,
        source: KeySource | str,
        reason: str,
        *,
        request_id: str | None = None,
    ) -> AuditEntry:
        """A village puts a household on its key-household list."""
        return self.handle(
            h.AddKeyHousehold(
                actor=actor,
                village_code=village_code,
                household_id=household_id,
                source=source,
                reason=reason,
                request_id=request_id,
            )
        )

    def confirm_key_households(
        self,
        actor: Actor,
        village_code: str,
        *,
        request_id: str | None = None,
        expected_version: int | None = None,
    ) -> AuditEntry:
        """A village confirms its key-household list.

        Raises:
            MandatoryKeyHouseholdsMissing: listing the households left out.
        """
        return self.handle(
            h.ConfirmKeyHouseholdList(
                actor=actor,
                village_code=village_code,
                request_id=request_id,
                expected_version=expected_version,
            )
        )

    def get_household(self, household_id: str) -> Household:
        """The household with this id, as last registered.

        Raises:
            NotFound: there is none.
        """
        check_id("household_id", household_id)
        with self._reading() as uow:
            found = uow.households.get_many([household_id]).get(household_id)
        if found is None:
            raise NotFound("household", household_id)
        return found[0]

    def get_investigation(self, investigation_id: str) -> Investigation:
        """The investigation with this id.

        Raises:
            NotFound: there is none.
        """
        check_id("investigation_id", investigation_id)
        with self._reading() as uow:
            found = uow.investigations.get_many([investigation_id])
        if investigation_id not in found:
            raise NotFound("investigation", investigation_id)
        return found[investigation_id]  # type: ignore[no-any-return]

    def investigations_of(self, household_id: str) -> list[Investigation]:
        """Every investigation of a household, in the order they were assigned."""
        check_id("household_id", household_id)
        with self._reading() as uow:
            found = uow.investigations.for_household(household_id)
        return found

    def key_household_list(self, village_code: str) -> KeyHouseholdList:
        """A village's key-household list with its entries.

        Raises:
            NotFound: the village has no list yet.
        """
        check_id("village_code", village_code, limit=12)
        with self._reading() as uow:
            found = uow.key_lists.get_many([village_code])
        if village_code not in found:
            raise NotFound("key-household list of village", village_code)
        return found[village_code]
