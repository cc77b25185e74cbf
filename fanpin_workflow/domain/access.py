"""Roles and the permission table: which role may issue which command.

The table is declared once here; every command the engine carries out is
checked against it, against the record's jurisdiction, and (for approval
steps) against separation of duties. docs/access.md prints it.
"""

from __future__ import annotations

from enum import StrEnum

import attrs

from fanpin_workflow.domain.approval import Level
from fanpin_workflow.domain.jurisdiction import Actor
from fanpin_workflow.errors import PermissionRefused


@attrs.frozen
class RoleInfo:
    """Where a role sits and what the work lists call it."""

    level: Level
    title_zh: str


class Role(StrEnum):
    """The people of the 4+2+2 grid model and the reviewers (DOMAIN.md §1)."""

    COUNTY_GRID_LEADER = "county_grid_leader"
    COUNTY_REVIEWER = "county_reviewer"
    TOWNSHIP_GRID_LEADER = "township_grid_leader"
    TOWNSHIP_LIAISON = "township_liaison"
    TOWNSHIP_REVIEWER = "township_reviewer"
    VILLAGE_GRID_LEADER = "village_grid_leader"
    HAMLET_GRID_LEADER = "hamlet_grid_leader"
    FIRST_SECRETARY = "first_secretary"
    VILLAGE_ASSISTANT = "village_assistant"
    INFORMATION_OFFICER = "information_officer"
    MONITORING_SPECIALIST = "monitoring_specialist"
    GRID_MEMBER = "grid_member"
    ASSISTANCE_GRID_MEMBER = "assistance_grid_member"
    ASSISTANCE_CONTACT = "assistance_contact"
    REGISTRY_ADMIN = "registry_admin"
    SCHEDULER = "scheduler"


ROLES: dict[Role, RoleInfo] = {
    Role.COUNTY_GRID_LEADER: RoleInfo(Level.COUNTY, "县级网格长"),
    Role.COUNTY_REVIEWER: RoleInfo(Level.COUNTY, "县级审定人员"),
    Role.TOWNSHIP_GRID_LEADER: RoleInfo(Level.TOWNSHIP, "乡镇网格长"),
    Role.TOWNSHIP_LIAISON: RoleInfo(Level.TOWNSHIP, "包村干部"),
    Role.TOWNSHIP_REVIEWER: RoleInfo(Level.TOWNSHIP, "乡镇审核人员"),
    Role.VILLAGE_GRID_LEADER: RoleInfo(Level.VILLAGE, "三级网格长"),
    Role.HAMLET_GRID_LEADER: RoleInfo(Level.VILLAGE, "四级网格长"),
    Role.FIRST_SECRETARY: RoleInfo(Level.VILLAGE, "第一书记"),
    Role.VILLAGE_ASSISTANT: RoleInfo(Level.VILLAGE, "乡村振兴村级协理员"),
    Role.INFORMATION_OFFICER: RoleInfo(Level.VILLAGE, "防返贫监测信息员"),
    Role.MONITORING_SPECIALIST: RoleInfo(Level.VILLAGE, "防返贫监测专员"),
    Role.GRID_MEMBER: RoleInfo(Level.VILLAGE, "一级网格员"),
    Role.ASSISTANCE_GRID_MEMBER: RoleInfo(Level.VILLAGE, "二级网格员"),
    Role.ASSISTANCE_CONTACT: RoleInfo(Level.VILLAGE, "帮扶责任人"),
    Role.REGISTRY_ADMIN: RoleInfo(Level.COUNTY, "系统管理员"),
    Role.SCHEDULER: RoleInfo(Level.COUNTY, "定时任务"),
}

#: Roles the host's own administration vouches for; the registry does not
#: list them (someone has to register the first people).
HOST_VOUCHED = frozenset({Role.REGISTRY_ADMIN, Role.SCHEDULER})

_R = Role
_VILLAGE_CLERKS = frozenset(
    {_R.INFORMATION_OFFICER, _R.MONITORING_SPECIALIST, _R.VILLAGE_GRID_LEADER}
)
_VILLAGE_HEADS = frozenset({_R.VILLAGE_GRID_LEADER, _R.FIRST_SECRETARY})
_VISITORS = frozenset(
    {_R.GRID_MEMBER, _R.ASSISTANCE_GRID_MEMBER, _R.MONITORING_SPECIALIST}
)
_VILLAGE_ALL = frozenset(r for r, info in ROLES.items() if info.level == Level.VILLAGE)
_ADMIN = frozenset({Role.REGISTRY_ADMIN})
_TOWNSHIP_REVIEW = frozenset({_R.TOWNSHIP_REVIEWER, _R.TOWNSHIP_GRID_LEADER})
_TOWNSHIP_ALL = _TOWNSHIP_REVIEW | {_R.TOWNSHIP_LIAISON}
_COUNTY_REVIEW = frozenset({_R.COUNTY_REVIEWER, _R.COUNTY_GRID_LEADER})

#: Which roles may issue each command. The level and the jurisdiction are
#: checked as well: a role only acts inside the area it holds.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "register_household": _VILLAGE_CLERKS,
    "assign_investigation": _VILLAGE_CLERKS | _VILLAGE_HEADS,
    "reassign_investigation": _VILLAGE_CLERKS | _VILLAGE_HEADS,
    "record_visit": _VISITORS,
    "record_findings": _VISITORS,
    "add_key_household": _VILLAGE_CLERKS | _VILLAGE_HEADS,
    "confirm_key_households": _VILLAGE_HEADS,
    "propose": _VILLAGE_CLERKS | _VILLAGE_HEADS,
    "deliberate": _VILLAGE_CLERKS | _VILLAGE_HEADS,
    "publish_notice": _VILLAGE_CLERKS | _VILLAGE_HEADS,
    "submit": _VILLAGE_CLERKS | _VILLAGE_HEADS,
    "approve_at_township": _TOWNSHIP_REVIEW,
    "return_to_village": _TOWNSHIP_REVIEW,
    "approve_at_county": _COUNTY_REVIEW,
    "decline_at_county": _COUNTY_REVIEW,
    "return_to_township": _COUNTY_REVIEW,
    "import": frozenset({_R.COUNTY_REVIEWER}),
    "raise_question": _VILLAGE_ALL,
    "answer_question": _TOWNSHIP_ALL | _COUNTY_REVIEW,
    "escalate_question": _TOWNSHIP_ALL,
    "register_area": _ADMIN,
    "register_grid": _ADMIN,
    "assign_role": _ADMIN,
    "end_role": _ADMIN,
    "place_household": _ADMIN,
    "start_campaign": _COUNTY_REVIEW,
    "end_campaign": _COUNTY_REVIEW,
    "start_task": _VILLAGE_CLERKS | _VILLAGE_HEADS | _TOWNSHIP_ALL,
    "complete_task": _VILLAGE_CLERKS | _VILLAGE_HEADS | _TOWNSHIP_ALL,
    "waive_task": _VILLAGE_HEADS | _TOWNSHIP_REVIEW,
    "sweep_overdue": frozenset({Role.SCHEDULER}),
}


def allowed_commands(role: str) -> list[str]:
    """The commands a role may issue, in table order."""
    return [command for command, roles in PERMISSIONS.items() if role in roles]


def check_permitted(actor: Actor, command: str) -> None:
    """Refuse a command the actor's role may not issue, or a role at the wrong level.

    Raises:
        PermissionRefused: naming the role, the command and what it may do.
    """
    roles = PERMISSIONS[command]
    info = ROLES.get(actor.role)  # type: ignore[call-overload]
    if info is not None and info.level != actor.level:
        raise PermissionRefused(
            actor.id,
            actor.role,
            command,
            [],
            f"the role {actor.role} is held at {info.level} level, not {actor.level}",
        )
    if actor.role not in roles or info is None:
        raise PermissionRefused(
            actor.id, actor.role, command, allowed_commands(actor.role) or ["nothing"]
        )
