"""A campaign summary computed from the database alone.

Nothing here reads the simulator's own counters, so the summary can be
run on any database the engine wrote, simulated or real.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from typing import Any

import attrs
import pendulum
from sqlalchemy import ColumnElement, Connection, Engine, Table, func, select

from fanpin_workflow.adapters.household_repository import (
    SqlAlchemyHouseholdRepository,
)
from fanpin_workflow.adapters.tables import (
    approval_cases,
    audit_trail,
    campaigns,
    escalations,
    households,
    investigations,
    key_household_lists,
    key_households,
    monitoring_objects,
    role_assignments,
    security_log,
    tasks,
)
from fanpin_workflow.adapters.worklist_repository import (
    SqlAlchemyCampaignRepository,
)
from fanpin_workflow.domain.access import HOST_VOUCHED, PERMISSIONS
from fanpin_workflow.domain.approval import CaseEvent, CaseKind, CaseState
from fanpin_workflow.domain.clock import local_date
from fanpin_workflow.domain.lifecycle import ObjectState
from fanpin_workflow.domain.policy.elimination import elimination_unmet
from fanpin_workflow.domain.policy.parameters import PolicyParameters
from fanpin_workflow.domain.policy.safety_net import is_no_labour_safety_net
from fanpin_workflow.domain.settings import ApprovalSettings
from fanpin_workflow.domain.worklist.settings import CampaignSettings
from fanpin_workflow.service.worklist_handlers import definition_of
from fanpin_workflow.simulation.runs import run_state

_INCLUDING = (CaseKind.INCLUSION, CaseKind.RELABEL)
_DECIDED = (CaseState.DETERMINED, CaseState.DECLINED)


@attrs.frozen
class EliminationCheck:
    """Risk eliminations determined, re-checked against the rule from storage."""

    determined: int
    eligible_on_recheck: int
    safety_net_eliminated: int


@attrs.frozen
class CampaignSummary:
    """Figures of a campaign, each counted from the stored rows."""

    objects_by_township: dict[str, dict[str, int]]
    cases_by_state: dict[str, int]
    cases_by_kind: dict[str, int]
    inclusions_within_limit: int
    inclusions_beyond_limit: int
    limit_days: int
    returns_by_level: dict[str, int]
    audit_rows: int
    objects_off_trail: int
    cases_off_trail: int
    audit_digest: str
    households: int = 0
    investigations: dict[str, dict[str, int]] = attrs.Factory(dict)
    key_lists: dict[str, int] = attrs.Factory(dict)
    key_households: int = 0
    eliminations: EliminationCheck | None = None
    access_violations: int = 0
    security_refusals: int = 0
    tasks_by_stage: dict[str, dict[str, int]] = attrs.Factory(dict)
    overdue_by_township: dict[str, int] = attrs.Factory(dict)
    escalations: int = 0
    escalations_by_kind: dict[str, int] = attrs.Factory(dict)
    #: How far the simulation that wrote the database got, if one did.
    run: str | None = None

    @property
    def objects_by_state(self) -> dict[str, int]:
        """Objects by lifecycle state, all townships together."""
        total: Counter[str] = Counter()
        for states in self.objects_by_township.values():
            total.update(states)
        return dict(total)


def summarize(
    bind: Engine | Connection,
    settings: ApprovalSettings | None = None,
    policy: PolicyParameters | None = None,
) -> CampaignSummary:
    """Count the campaign's figures from the database.

    The limit of days and the policy figures are those of the campaign
    stored in the database, where one ran; `settings` and `policy` (or
    their defaults) stand in where none did.
    """
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return summarize(connection, settings, policy)

    connection = bind
    campaigns = _campaign_settings(connection)
    if len(campaigns) == 1 and settings is None and policy is None:
        only = next(iter(campaigns.values()))
        settings, policy = only.approval(), only.policy()
    settings = settings or ApprovalSettings()
    policy = policy or PolicyParameters()
    within, beyond = _inclusion_speed(connection, settings.inclusion_limit_days)
    return CampaignSummary(
        objects_by_township=_objects_by_township(connection),
        cases_by_state=_count_by(connection, approval_cases.c.state),
        cases_by_kind=_count_by(connection, approval_cases.c.kind),
        inclusions_within_limit=within,
        inclusions_beyond_limit=beyond,
        limit_days=settings.inclusion_limit_days,
        returns_by_level=_returns_by_level(connection),
        audit_rows=int(
            connection.execute(
                select(func.count()).select_from(audit_trail)
            ).scalar_one()
        ),
        objects_off_trail=_objects_off_trail(connection),
        cases_off_trail=_cases_off_trail(connection),
        audit_digest=_audit_digest(connection),
        households=_count(connection, households),
        investigations=_investigations(connection),
        key_lists=_count_by(connection, key_household_lists.c.state),
        key_households=int(
            connection.execute(
                select(func.count(func.distinct(key_households.c.household_id)))
            ).scalar_one()
        ),
        eliminations=recheck_eliminations(connection, policy),
        access_violations=access_violations(connection),
        security_refusals=_count(connection, security_log),
        tasks_by_stage=_tasks_by_stage(connection),
        overdue_by_township=_overdue_by_township(connection),
        escalations=_count(connection, escalations),
        escalations_by_kind=_count_by(connection, escalations.c.subject_type),
        run=state.describe() if (state := run_state(connection)) else None,
    )


def _tasks_by_stage(connection: Connection) -> dict[str, dict[str, int]]:
    """Work-list tasks (households' own left out) by stage and final state."""
    rows = connection.execute(
        select(tasks.c.stage, tasks.c.state, func.count())
        .where(tasks.c.subject_id.is_(None))
        .group_by(tasks.c.stage, tasks.c.state)
        .order_by(tasks.c.stage, tasks.c.state)
    )
    table: dict[str, dict[str, int]] = {}
    for stage, state, count in rows:
        table.setdefault(stage, {})[state] = count
    return table


def _overdue_by_township(connection: Connection) -> dict[str, int]:
    """Tasks that went overdue, counted for the township they lie in."""
    township = func.substr(escalations.c.from_area, 1, 9)
    rows = connection.execute(
        select(township, func.count())
        .where(escalations.c.subject_type == "task")
        .group_by(township)
        .order_by(township)
    )
    return {prefix + "000": count for prefix, count in rows}


def access_violations(connection: Connection) -> int:
    """Audit rows whose actor's role the permission table did not allow for
    the command, or who did not hold that role for that area in the registry
    on the day of the row (in the campaign's zone)."""
    rows = connection.execute(
        select(
            audit_trail.c.actor_id,
            audit_trail.c.actor_role,
            audit_trail.c.jurisdiction,
            audit_trail.c.command,
            audit_trail.c.occurred_at,
        )
    )
    held: dict[tuple[str, str, str], list[tuple[dt.date, dt.date | None]]] = {}
    for row in connection.execute(select(role_assignments)):
        key = (row.person_id, row.role, row.area_code[:12])
        held.setdefault(key, []).append((row.starts_on, row.ends_on))

    violations = 0
    for actor_id, role, area, command, occurred_at in rows:
        if command not in PERMISSIONS or role not in PERMISSIONS[command]:
            violations += 1
        elif role not in HOST_VOUCHED:
            day = local_date(occurred_at)
            spans = held.get((actor_id, role, area), [])
            if not any(
                first <= day and (last is None or day <= last) for first, last in spans
            ):
                violations += 1
    return violations


def _count(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _investigations(connection: Connection) -> dict[str, dict[str, int]]:
    rows = connection.execute(
        select(investigations.c.form, investigations.c.state, func.count())
        .group_by(investigations.c.form, investigations.c.state)
        .order_by(investigations.c.form, investigations.c.state)
    )
    table: dict[str, dict[str, int]] = {}
    for form, state, count in rows:
        table.setdefault(form, {})[state] = count
    return table


def recheck_eliminations(
    connection: Connection, policy: PolicyParameters
) -> EliminationCheck:
    """Run the elimination rule again, from stored facts, on every object the
    county marked risk-eliminated that still is: at the decision's time, with
    the object's monitoring start and the household as stored."""
    decisions = connection.execute(
        select(
            audit_trail.c.object_id,
            audit_trail.c.occurred_at,
            monitoring_objects.c.household_id,
            monitoring_objects.c.monitored_since,
        )
        .join(monitoring_objects, monitoring_objects.c.id == audit_trail.c.object_id)
        .where(
            audit_trail.c.event == CaseEvent.APPROVE_AT_COUNTY,
            audit_trail.c.object_to_state == ObjectState.RISK_ELIMINATED,
            monitoring_objects.c.state == ObjectState.RISK_ELIMINATED,
        )
    ).all()
    facts = SqlAlchemyHouseholdRepository(connection).get_many(
        {row.household_id for row in decisions}
    )
    eligible = safety_net = 0
    for row in decisions:
        household = facts[row.household_id][0] if row.household_id in facts else None
        if household is None:
            continue
        at = row.occurred_at
        if not elimination_unmet(household, row.monitored_since, at, policy):
            eligible += 1
        if is_no_labour_safety_net(household):
            safety_net += 1
    return EliminationCheck(len(decisions), eligible, safety_net)


def _objects_by_township(connection: Connection) -> dict[str, dict[str, int]]:
    township = func.substr(monitoring_objects.c.village_code, 1, 9)
    rows = connection.execute(
        select(township, monitoring_objects.c.state, func.count())
        .group_by(township, monitoring_objects.c.state)
        .order_by(township, monitoring_objects.c.state)
    )
    table: dict[str, dict[str, int]] = {}
    for prefix, state, count in rows:
        table.setdefault(prefix + "000", {})[state] = count
    return table


def _count_by(connection: Connection, column: ColumnElement[Any]) -> dict[str, int]:
    rows = connection.execute(
        select(column, func.count()).group_by(column).order_by(column)
    )
    return {key: count for key, count in rows}


def _campaign_settings(connection: Connection) -> dict[str, CampaignSettings]:
    """The settings of the campaign each county ran, latest campaign first."""
    rows = connection.execute(select(campaigns.c.county_code).distinct())
    counties = {row.county_code for row in rows}
    found = SqlAlchemyCampaignRepository(connection).for_counties(
        counties, ended_too=True
    )
    return {
        county: definition_of(campaign).settings for county, campaign in found.items()
    }


def _inclusion_speed(connection: Connection, limit_days: int) -> tuple[int, int]:
    """Decided inclusion cases within and beyond the limit from the first lead.

    A case's own decision due time counts where it has one (set as its
    campaign counts days); older cases count `limit_days` from the lead.
    """
    rows = connection.execute(
        select(
            approval_cases.c.first_lead_at,
            approval_cases.c.decided_at,
            approval_cases.c.decision_due_at,
        ).where(
            approval_cases.c.kind.in_(_INCLUDING),
            approval_cases.c.state.in_(_DECIDED),
        )
    )
    within = beyond = 0
    for first_lead_at, decided_at, due_at in rows:
        if due_at is not None:
            in_time = decided_at < due_at
        else:
            limit: pendulum.DateTime = first_lead_at.add(days=limit_days)
            in_time = decided_at <= limit
        if in_time:
            within += 1
        else:
            beyond += 1
    return within, beyond


def _returns_by_level(connection: Connection) -> dict[str, int]:
    events = {
        CaseEvent.RETURN_TO_VILLAGE: "township to village",
        CaseEvent.RETURN_TO_TOWNSHIP: "county to township",
    }
    counted = dict.fromkeys(events.values(), 0)
    rows = connection.execute(
        select(audit_trail.c.event, func.count())
        .where(audit_trail.c.event.in_(list(events)))
        .group_by(audit_trail.c.event)
    )
    for event, count in rows:
        counted[events[CaseEvent(event)]] = count
    return counted


def _objects_off_trail(connection: Connection) -> int:
    """Objects whose state is not where their audit trail ends."""
    last = (
        select(audit_trail.c.object_to_state)
        .where(
            audit_trail.c.object_id == monitoring_objects.c.id,
            audit_trail.c.object_to_state.is_not(None),
        )
        .order_by(audit_trail.c.sequence.desc())
        .limit(1)
        .scalar_subquery()
    )
    return int(
        connection.execute(
            select(func.count())
            .select_from(monitoring_objects)
            .where(func.coalesce(last, "") != monitoring_objects.c.state)
        ).scalar_one()
    )


def _cases_off_trail(connection: Connection) -> int:
    """Cases whose state is not where their audit trail ends."""
    last = (
        select(audit_trail.c.to_state)
        .where(
            audit_trail.c.subject_type == "approval_case",
            audit_trail.c.subject_id == approval_cases.c.id,
        )
        .order_by(audit_trail.c.sequence.desc())
        .limit(1)
        .scalar_subquery()
    )
    return int(
        connection.execute(
            select(func.count())
            .select_from(approval_cases)
            .where(func.coalesce(last, "") != approval_cases.c.state)
        ).scalar_one()
    )


def _audit_digest(connection: Connection) -> str:
    """A fingerprint of the whole trail, to compare two runs."""
    digest = hashlib.sha256()
    columns = [
        audit_trail.c.sequence,
        audit_trail.c.subject_type,
        audit_trail.c.subject_id,
        audit_trail.c.event,
        audit_trail.c.to_state,
        audit_trail.c.object_to_state,
        audit_trail.c.actor_id,
        audit_trail.c.occurred_at,
    ]
    for row in connection.execute(select(*columns).order_by(audit_trail.c.sequence)):
        digest.update("|".join(map(str, row)).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


#: States listed first in tables, in lifecycle order.
STATE_ORDER = tuple(ObjectState)
