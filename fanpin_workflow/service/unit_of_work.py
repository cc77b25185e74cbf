"""The unit of work: one transaction, its repositories, all or nothing."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine, RootTransaction
from sqlalchemy.engine import NestedTransaction

from fanpin_workflow.adapters.household_repository import (
    SqlAlchemyHouseholdRepository,
)
from fanpin_workflow.adapters.investigation_repository import (
    SqlAlchemyInvestigationRepository,
)
from fanpin_workflow.adapters.key_household_repository import (
    SqlAlchemyKeyListRepository,
)
from fanpin_workflow.adapters.registry_repository import (
    SqlAlchemyQuestionRepository,
    SqlAlchemyRegistry,
)
from fanpin_workflow.adapters.repository import (
    SqlAlchemyAuditTrail,
    SqlAlchemyCaseRepository,
    SqlAlchemyObjectRepository,
)
from fanpin_workflow.adapters.worklist_repository import (
    SqlAlchemyCampaignRepository,
    SqlAlchemyTaskRepository,
)


class SqlAlchemyUnitOfWork:
    """A transaction on the engine's own connection or on a host's.

    On a host's connection that is already in a transaction the work runs
    in a savepoint: a refused command rolls back only its own writes, and
    the host decides when to commit the rest.
    """

    objects: SqlAlchemyObjectRepository
    cases: SqlAlchemyCaseRepository
    audit: SqlAlchemyAuditTrail
    households: SqlAlchemyHouseholdRepository
    investigations: SqlAlchemyInvestigationRepository
    key_lists: SqlAlchemyKeyListRepository
    registry: SqlAlchemyRegistry
    questions: SqlAlchemyQuestionRepository
    tasks: SqlAlchemyTaskRepository
    campaigns: SqlAlchemyCampaignRepository

    def __init__(self, bind: Engine | Connection, *, read_only: bool = False) -> None:
        self._bind = bind
        self._read_only = read_only
        self._connection: Connection | None = None
        self._transaction: RootTransaction | NestedTransaction | None = None

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        if isinstance(self._bind, Engine):
            connection = self._bind.connect()
            if self._read_only:
                connection = connection.execution_options(fanpin_read_only=True)
            self._transaction = connection.begin()
        else:
            connection = self._bind
            if connection.in_transaction():
                self._transaction = connection.begin_nested()
            else:
                self._transaction = connection.begin()

        self._connection = connection
        self.objects = SqlAlchemyObjectRepository(connection)
        self.cases = SqlAlchemyCaseRepository(connection)
        self.audit = SqlAlchemyAuditTrail(connection)
        self.households = SqlAlchemyHouseholdRepository(connection)
        self.investigations = SqlAlchemyInvestigationRepository(connection)
        self.key_lists = SqlAlchemyKeyListRepository(connection)
        self.registry = SqlAlchemyRegistry(connection)
        self.questions = SqlAlchemyQuestionRepository(connection)
        self.tasks = SqlAlchemyTaskRepository(connection)
        self.campaigns = SqlAlchemyCampaignRepository(connection)
        return self

    def commit(self) -> None:
        """Make the work durable (or, in a savepoint, part of the host's)."""
        assert self._transaction is not None
        self._transaction.commit()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        assert self._connection is not None and self._transaction is not None
        try:
            if self._transaction.is_active:
                self._transaction.rollback()
        finally:
            if isinstance(self._bind, Engine):
                self._connection.close()
