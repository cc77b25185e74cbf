"""The facade a host platform embeds: one method per command, plus queries."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import SingletonThreadPool, StaticPool

from fanpin_workflow.adapters import schema
from fanpin_workflow.adapters.database import (
    LARGEST_INTEGER,
    SQLITE_BUSY_TIMEOUT_MS,
    check_whole_number,
    database_url,
    describe,
    integrity_refusal,
    is_ready,
    open_engine,
    translated_errors,
)
from fanpin_workflow.domain.approval import CaseKind, Level
from fanpin_workflow.domain.clock import Clock, SystemClock, local_date
from fanpin_workflow.domain.jurisdiction import Actor, area_prefix, check_area_code
from fanpin_workflow.domain.lifecycle import ObjectState
from fanpin_workflow.domain.model import (
    SUBJECT_TYPES,
    ApprovalCase,
    AuditEntry,
    MonitoringObject,
)
from fanpin_workflow.domain.notice import NoticeLine, notice_line
from fanpin_workflow.domain.policy.data_checks import DataProblem, check_household
from fanpin_workflow.domain.policy.parameters import PolicyParameters
from fanpin_workflow.domain.questions import QuestionSettings
from fanpin_workflow.domain.settings import ApprovalSettings
from fanpin_workflow.domain.values import check_id, check_time
from fanpin_workflow.domain.worklist.calendar import (
    ChineseWorkingCalendar,
    WorkingCalendar,
)
from fanpin_workflow.errors import (
    AccessRefused,
    BatchRefused,
    FanpinError,
    InvalidInput,
    NotFound,
)
from fanpin_workflow.service import commands as c
from fanpin_workflow.service.handlers import (
    Batch,
    BatchOutcome,
    IdFactory,
    check_same_request,
)
from fanpin_workflow.service.household_methods import HouseholdMethods
from fanpin_workflow.service.registry_methods import RegistryMethods
from fanpin_workflow.service.unit_of_work import SqlAlchemyUnitOfWork
from fanpin_workflow.service.worklist_handlers import definition_of
from fanpin_workflow.service.worklist_methods import WorklistMethods

logger = logging.getLogger(__name__)

#: Base classes that carry no command of their own.
_ABSTRACT = (c.Command, c.CaseCommand)


def random_id(kind: str) -> str:
    """A fresh random id for a new object or case."""
    return uuid.uuid4().hex


class Workflow(HouseholdMethods, RegistryMethods, WorklistMethods):
    """Runs monitoring-object approvals on a database the host chooses.

    Args:
        bind: an Engine the workflow opens connections on, or a host's
            Connection or ORM Session whose transaction it joins.
        clock: where the time comes from; real time by default.
        settings: the approval parameters; national defaults by default.
        policy: the policy figures (monitoring line, months); defaults are
            examples, not official figures.
        questions: how many days each level has to answer a question.
        check_registry: refuse actors who do not hold their role in the
            registry on the day they act (on by default); off means the host
            vouches for every actor it passes, and only the permission
            table, levels and jurisdictions are checked.
        id_factory: makes ids for new objects and cases.
        calendar: which days are working days, for campaigns that count in
            working days; the official mainland calendar (`chinesecalendar`)
            by default.
    """

    def __init__(
        self,
        bind: Engine | Connection | Session,
        *,
        clock: Clock | None = None,
        settings: ApprovalSettings | None = None,
        policy: PolicyParameters | None = None,
        questions: QuestionSettings | None = None,
        check_registry: bool = True,
        id_factory: IdFactory = random_id,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        if isinstance(bind, Session):
            bind = bind.connection()
        if not isinstance(bind, Engine | Connection):
            raise InvalidInput(
                "bind", type(bind).__name__, "an Engine, a Connection or a Session"
            )
        if not is_ready(bind if isinstance(bind, Engine) else bind.engine):
            raise InvalidInput(
                "bind",
                "a SQLite engine",
                "must come from fanpin_workflow.adapters.database.open_engine, or "
                "be prepared with configure_sqlite(engine) before its first use",
            )
        self.bind: Engine | Connection = bind
        self.clock = clock or SystemClock()
        self.settings = settings or ApprovalSettings()
        self.policy = policy or PolicyParameters()
        self.question_settings = questions or QuestionSettings()
        self.check_registry = check_registry
        self.id_factory = id_factory
        self.calendar = calendar or ChineseWorkingCalendar()

    @classmethod
    def open(
        cls, target: str | Path, *, migrate: bool = True, **options: Any
    ) -> Workflow:
        """Open a SQLite file or a PostgreSQL URL, creating the schema.

        Args:
            target: a file path, or a URL such as postgresql://host/db.
            migrate: bring the schema to the newest revision first; with
                False the schema must already be at it.
            options: passed on to the Workflow constructor.

        Raises:
            SchemaTooNew: a newer fanpin-workflow migrated the database.
            SchemaOutdated: with `migrate=False`, the schema is older.
            StorageError: the database could not be reached or read.
        """
        engine = open_engine(target)
        where = describe(database_url(target))
        try:
            with translated_errors(where):
                if migrate:
                    schema.upgrade(engine, where=where)
                else:
                    schema.check_current(engine, where=where)
            return cls(engine, **options)
        except BaseException:
            engine.dispose()
            raise

    def close(self) -> None:
        """Release the connections of an engine the workflow opened."""
        if isinstance(self.bind, Engine):
            self.bind.dispose()

    # -- commands ----------------------------------------------------------

    def handle(self, command: c.Command) -> AuditEntry:
        """Carry out one command and return its audit entry.

        A command whose request id was already carried out is a no-op that
        returns the entry recorded then.

        Raises:
            FanpinError: the command was refused; nothing was written.
        """
        return self.handle_many([command])[0]

    def handle_many(self, batch: Sequence[c.Command]) -> list[AuditEntry]:
        """Carry out commands in order, in one transaction, all or nothing.

        Returns one audit entry per command; `handle_batch` also returns the
        entries of the follow-ups the commands started.

        Raises:
            BatchRefused: a command was refused; the batch wrote nothing.
            ConcurrencyConflict: another writer won; retry the batch.
        """
        return self.handle_batch(batch).entries

    def handle_batch(self, batch: Sequence[c.Command]) -> BatchOutcome:
        """Like `handle_many`, returning the follow-ups' entries too.

        A retried batch that was already carried out returns the entries
        recorded then, and no follow-ups (they were reported the first time).
        """
        if not isinstance(batch, Sequence) or isinstance(batch, str):
            raise InvalidInput("batch", type(batch).__name__, "a list of commands")
        for index, command in enumerate(batch):
            if not isinstance(command, c.Command) or type(command) in _ABSTRACT:
                raise InvalidInput(
                    f"batch[{index}]", type(command).__name__, "a fanpin command"
                )
        if not batch:
            return BatchOutcome([], [])
        try:
            return self._run(batch)
        except AccessRefused as refused:
            self._log_refusal(batch[0], refused)
            raise
        except BatchRefused as refused:
            if isinstance(refused.error, AccessRefused):
                self._log_refusal(batch[refused.index], refused.error)
            raise
        except FanpinError:
            # A retry racing its own first attempt loses to it; it is then
            # answered with what the first attempt recorded.
            retried = self._already_done(batch)
            if retried is None:
                raise
            return BatchOutcome(retried, [])

    def _run(self, batch: Sequence[c.Command]) -> BatchOutcome:
        with translated_errors(), SqlAlchemyUnitOfWork(self.bind) as uow:
            work = Batch(
                uow,
                batch,
                clock=self.clock,
                settings=self.settings,
                policy=self.policy,
                new_id=self.id_factory,
                question_settings=self.question_settings,
                check_registry=self.check_registry,
                calendar=self.calendar,
            )
            try:
                outcome = work.run()
                uow.commit()
            except IntegrityError as error:
                raise integrity_refusal(error, len(batch)) from error
            return outcome

    def _log_refusal(self, command: c.Command, refused: AccessRefused) -> None:
        """Write the refusal to the security log in a transaction of its own.

        Inside a host's transaction the row goes through another connection
        of the host's engine, so the host's rollback does not take it away.
        Where that connection can't write at once (SQLite, whose write lock
        the host's transaction holds), the row is written in the host's
        transaction instead, and a WARNING says it shares the host's fate.
        """
        actor = command.actor
        row = {
            "occurred_at": self.clock.now(),
            "actor_id": actor.id,
            "actor_role": actor.role,
            "actor_level": str(actor.level),
            "jurisdiction": actor.jurisdiction,
            "command": command.name,
            "rule": type(refused).__name__,
            "message": str(refused),
        }
        host = self.bind
        if not isinstance(host, Connection) or not host.in_transaction():
            _write_refusal(host, row)
        elif _holds_sqlite_write_lock(host) or not _write_refusal_apart(
            host.engine, row
        ):
            _write_refusal(host, row)
            logger.warning(
                "security log row for refused %s by %s written in the host's "
                "transaction: the host's own write lock kept it from a "
                "transaction of its own, so a rollback by the host removes it",
                command.name,
                actor.id,
            )
        logger.warning(
            "refused %s by %s (%s): %s",
            command.name,
            actor.id,
            actor.role,
            type(refused).__name__,
        )

    def _already_done(self, batch: Sequence[c.Command]) -> list[AuditEntry] | None:
        """Entries of a batch a concurrent retry already carried out, if all were."""
        ids = [command.request_id for command in batch]
        if not all(ids):
            return None
        with self._reading() as uow:
            recorded = uow.audit.by_request_ids({i for i in ids if i})
        if len(recorded) != len(set(ids)):
            return None
        return [
            check_same_request(command, recorded[command.request_id])
            for command in batch
            if command.request_id
        ]

    def propose_inclusion(
        self,
        actor: Actor,
        household_id: str,
        village_code: str,
        *,
        first_lead_at: datetime | None = None,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> AuditEntry:
        """A village proposes a household for monitoring; returns the entry."""
        return self.handle(
            c.ProposeInclusion(
                actor=actor,
                household_id=household_id,
                village_code=village_code,
                first_lead_at=first_lead_at,
                reason=reason,
                request_id=request_id,
            )
        )

    def propose_change(
        self,
        actor: Actor,
        object_id: str,
        kind: CaseKind | str,
        *,
        first_lead_at: datetime | None = None,
        reason: str | None = None,
        request_id: str | None = None,
        expected_version: int | None = None,
    ) -> AuditEntry:
        """A village proposes relabel, risk elimination, clear-out or rollback."""
        return self.handle(
            c.ProposeChange(
                actor=actor,
                object_id=object_id,
                kind=kind,
                first_lead_at=first_lead_at,
                reason=reason,
                request_id=request_id,
                expected_version=expected_version,
            )
        )

    def import_object(
        self,
        actor: Actor,
        household_id: str,
        village_code: str,
        state: ObjectState | str,
        *,
        monitored_since: datetime | None = None,
        request_id: str | None = None,
    ) -> AuditEntry:
        """A county registers an object already monitored elsewhere."""
        return self.handle(
            c.ImportMonitoringObject(
                actor=actor,
                household_id=household_id,
                village_code=village_code,
                state=state,
                monitored_since=monitored_since,
                request_id=request_id,
            )
        )

    def _step(
        self,
        command: type[c.CaseCommand],
        actor: Actor,
        case_id: str,
        reason: str | None,
        request_id: str | None,
        expected_version: int | None,
    ) -> AuditEntry:
        return self.handle(
            command(
                actor=actor,
                case_id=case_id,
                reason=reason,
                request_id=request_id,
                expected_version=expected_version,
            )
        )

    def deliberate(
        self,
        actor: Actor,
        case_id: str,
        *,
        request_id: str | None = None,
        expected_version: int | None = None,
    ) -> AuditEntry:
        """The village records its deliberation of the case."""
        return self._step(
            c.Deliberate, actor, case_id, None, request_id, expected_version
        )

    def publish_notice(
        self,
        actor: Actor,
        case_id: str,
        *,
        request_id: str | None = None,
        expected_version: int | None = None,
    ) -> AuditEntry:
        """The village publishes the public notice; the notice period starts."""
        return self._step(
            c.PublishNotice, actor, case_id, None, request_id, expected_version
        )

    def submit(
        self,
        actor: Actor,
        case_id: str,
        *,
        request_id: str | None = None,
        expected_version: int | None = None,
    ) -> AuditEntry:
        """The village submits the case to the township after the notice."""
        return self._step(
            c.SubmitToTownship, actor, case_id, None, request_id, expected_version
        )

    def approve_at_township(
        self,
        actor: Actor,
        case_id: str,
        *,
        request_id: str | None = None,
        expected_version: int | None = None,
    ) -> AuditEntry:
        """The township reviews the case and passes it to the county."""
        return self._step(
            c.ApproveAtTownship, actor, case_id, None, request_id, expected_version
        )

    def return_to_village(
        self,
        actor: Actor,
        case_id: str,
        reason: str,
        *,
        request_id: str | None = None,
        expected_version: int | None = None,
    ) -> AuditEntry:
        """The township returns the case to the village with a reason."""
        return self._step(
            c.ReturnToVillage, actor, case_id, reason, request_id, expected_version
        )

    def approve_at_county(
        self,
        actor: Actor,
        case_id: str,
        *,
        request_id: str | None = None,
        expected_version: int | None = None,
    ) -> AuditEntry:
        """The county determines the case; the object's state changes."""
        return self._step(
            c.ApproveAtCounty, actor, case_id, None, request_id, expected_version
        )

    def decline_at_county(
        self,
        actor: Actor,
        case_id: str,
        reason: str,
        *,
        request_id: str | None = None,
        expected_version: int | None = None,
    ) -> AuditEntry:
        """The county refuses the change with a reason."""
        return self._step(
            c.DeclineAtCounty, actor, case_id, reason, request_id, expected_version
        )

    def return_to_township(
        self,
        actor: Actor,
        case_id: str,
        reason: str,
        *,
        request_id: str | None = None,
        expected_version: int | None = None,
    ) -> AuditEntry:
        """The county returns the case to the township with a reason."""
        return self._step(
            c.ReturnToTownship, actor, case_id, reason, request_id, expected_version
        )

    # -- queries -----------------------------------------------------------

    def get_object(self, object_id: str) -> MonitoringObject:
        """The monitoring object with this id.

        Raises:
            NotFound: there is none.
        """
        check_id("object_id", object_id)
        with self._reading() as uow:
            found = uow.objects.get_many([object_id]).get(object_id)
        if found is None:
            raise NotFound("monitoring object", object_id)
        return found  # type: ignore[no-any-return]

    def get_case(self, case_id: str) -> ApprovalCase:
        """The approval case with this id.

        Raises:
            NotFound: there is none.
        """
        check_id("case_id", case_id)
        with self._reading() as uow:
            found = uow.cases.get_many([case_id]).get(case_id)
        if found is None:
            raise NotFound("approval case", case_id)
        return found  # type: ignore[no-any-return]

    def objects(
        self,
        *,
        state: ObjectState | str | None = None,
        within: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[MonitoringObject]:
        """Objects in a state and inside an area code, a page at a time.

        `within` is an area code prefix: 6 digits for a county, 9 for a
        township, 12 for a village.
        """
        chosen = None if state is None else c.object_state(state)
        if within is not None:
            within = area_prefix(within)
        check_whole_number("limit", limit, 1, _PAGE)
        check_whole_number("offset", offset, 0, LARGEST_INTEGER)
        with self._reading() as uow:
            return uow.objects.list(
                state=chosen, within=within, limit=limit, offset=offset
            )

    def public_notice(
        self, village_code: str, at: datetime | None = None
    ) -> list[NoticeLine]:
        """The village's public notice (公示) as it stood at `at` (now by
        default): one line per case whose notice was up then.

        A line shows the household's number, what is proposed, how many live
        there, its risk types that are not health details, and the notice
        period; never an identity number or a health detail
        (`fanpin_workflow.domain.notice`).
        """
        check_area_code("village_code", village_code, Level.VILLAGE)
        moment = self.clock.now() if at is None else at
        moment = check_time("at", moment)
        with self._reading() as uow:
            posted = uow.cases.on_notice(village_code, moment)
            facts = uow.households.get_many({household for _, household in posted})
        return [
            notice_line(
                case,
                household,
                facts[household][0] if household in facts else None,
                self.settings.zone,
            )
            for case, household in posted
        ]

    def data_checks(self, within: str, on: date | None = None) -> list[DataProblem]:
        """The data-cleaning problems (数据清洗) of every household inside an
        area code or its 6- or 9-digit prefix, errors and warnings alike.

        Ages are counted on `on` (today in the campaign's zone by default);
        the policy figures are those of the county's campaign, where one
        runs. See `fanpin_workflow.domain.policy.data_checks`.
        """
        prefix = area_prefix(within)
        day = on if on is not None else local_date(self.clock.now())
        if not isinstance(day, date) or isinstance(day, datetime):
            raise InvalidInput("on", day, "must be a date")
        with self._reading() as uow:
            ids = uow.households.ids_within(prefix)
            facts = uow.households.get_many(ids)
            objects = uow.objects.open_for_households(ids)
            county = prefix[:6] + "000000"
            campaign = uow.campaigns.for_counties({county}).get(county)
        policy = (
            definition_of(campaign).settings.policy()
            if campaign is not None
            else self.policy
        )
        problems: list[DataProblem] = []
        for household_id in ids:
            household = facts[household_id][0]
            obj = objects.get(household_id)
            problems += check_household(
                household, obj.state if obj else None, policy, day
            )
        return problems

    def case_history(self, case_id: str) -> list[AuditEntry]:
        """Every audit entry of one case, oldest first."""
        check_id("case_id", case_id)
        with self._reading() as uow:
            return uow.audit.for_subject("approval_case", case_id)

    def history(self, subject_type: str, subject_id: str) -> list[AuditEntry]:
        """Every audit entry about one record of any kind, oldest first."""
        if subject_type not in SUBJECT_TYPES:
            raise InvalidInput(
                "subject_type", subject_type, f"one of {', '.join(SUBJECT_TYPES)}"
            )
        check_id("subject_id", subject_id)
        with self._reading() as uow:
            if subject_type == "monitoring_object":
                # An object moves through its cases' rows (and its import's).
                return uow.audit.for_object(subject_id)
            return uow.audit.for_subject(subject_type, subject_id)

    def changes_since(self, sequence: int, *, limit: int = 1000) -> list[AuditEntry]:
        """The audit trail after a sequence number, oldest first: a change feed.

        Pass the last sequence number seen (0 at first) to read what every
        command, including the follow-ups it started, has written since.
        """
        check_whole_number("sequence", sequence, 0, LARGEST_INTEGER)
        check_whole_number("limit", limit, 1, _PAGE)
        with self._reading() as uow:
            return uow.audit.after(sequence, limit)

    def audit_trail(self, object_id: str) -> list[AuditEntry]:
        """Every audit entry of one monitoring object, oldest first."""
        check_id("object_id", object_id)
        with self._reading() as uow:
            return uow.audit.for_object(object_id)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[SqlAlchemyUnitOfWork]:
        with (
            translated_errors(),
            SqlAlchemyUnitOfWork(self.bind, read_only=True) as uow,
        ):
            yield uow


#: The most rows one page of a query returns.
_PAGE = 10_000

#: How long a security-log write apart from a host's transaction waits for
#: a lock before the row joins the host's transaction instead.
_APART_WAIT_MS = 200


def _write_refusal(bind: Engine | Connection, row: dict[str, Any]) -> None:
    """Write one security-log row in its own transaction (or a savepoint)."""
    with translated_errors(), SqlAlchemyUnitOfWork(bind) as uow:
        uow.registry.log_refusal(row)
        uow.commit()


def _holds_sqlite_write_lock(connection: Connection) -> bool:
    """Tell whether a host's open SQLite transaction holds the write lock.

    A prepared engine begins every transaction IMMEDIATE unless it only
    reads, so a write apart from it could only wait for the host.
    """
    return connection.dialect.name == "sqlite" and not (
        connection.get_execution_options().get("fanpin_read_only")
    )


def _write_refusal_apart(engine: Engine, row: dict[str, Any]) -> bool:
    """Write one security-log row on a connection of its own; tell if it was.

    Waits at most _APART_WAIT_MS for a lock: the host's transaction may hold
    the one it needs, and waiting longer would only wait for the host.
    """
    if isinstance(engine.pool, SingletonThreadPool | StaticPool):
        # Every checkout is the host's own connection: nothing is apart.
        return False
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as connection:
            driver = connection.connection.driver_connection
            assert driver is not None
            if sqlite:
                driver.execute(f"PRAGMA busy_timeout={_APART_WAIT_MS}")
            try:
                with SqlAlchemyUnitOfWork(connection) as uow:
                    if not sqlite:
                        connection.exec_driver_sql(
                            f"SET LOCAL lock_timeout = {_APART_WAIT_MS}"
                        )
                    uow.registry.log_refusal(row)
                    uow.commit()
            finally:
                if sqlite:
                    driver.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    except SQLAlchemyError as error:
        logger.debug("security log row not written apart: %s", type(error).__name__)
        return False
    return True
