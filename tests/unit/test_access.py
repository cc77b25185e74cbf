"""The permission table's key rows, pinned as the work lists assign them."""

from __future__ import annotations

import pytest

from fanpin_workflow.domain.access import (
    PERMISSIONS,
    Role,
    allowed_commands,
    check_permitted,
)
from fanpin_workflow.domain.jurisdiction import Actor
from fanpin_workflow.errors import PermissionRefused

VILLAGE = "450123101201"


@pytest.mark.parametrize(
    ("command", "roles"),
    [
        ("approve_at_county", {"county_reviewer", "county_grid_leader"}),
        ("approve_at_township", {"township_reviewer", "township_grid_leader"}),
        ("confirm_key_households", {"village_grid_leader", "first_secretary"}),
        (
            "record_findings",
            {"grid_member", "assistance_grid_member", "monitoring_specialist"},
        ),
        ("import", {"county_reviewer"}),
        (
            "escalate_question",
            {"township_reviewer", "township_grid_leader", "township_liaison"},
        ),
        ("assign_role", {"registry_admin"}),
    ],
)
def test_table_rows(command: str, roles: set[str]) -> None:
    """The roles allowed to issue a command are exactly these."""
    allowed = {str(role) for role in PERMISSIONS[command]}

    assert allowed == roles


def test_every_role_may_do_something() -> None:
    """No role is left without a command; the assistance contact may ask."""
    idle = [role for role in Role if not allowed_commands(role)]

    assert idle == []
    assert allowed_commands(Role.ASSISTANCE_CONTACT) == ["raise_question"]


def test_refusal_names_role_command_and_rule() -> None:
    """A grid member proposing is refused with what the table lets it do."""
    member = Actor("m-1", "grid_member", "village", VILLAGE)

    with pytest.raises(PermissionRefused) as refused:
        check_permitted(member, "propose")

    assert str(refused.value) == (
        "Actor m-1 as grid_member may not propose: the permission table allows "
        "it: record_visit, record_findings, raise_question."
    )


def test_an_unknown_role_is_refused_saying_it_has_no_command() -> None:
    """A role the table does not know is refused in words, not 'allows nothing'."""
    king = Actor("k-1", "king", "village", VILLAGE)

    with pytest.raises(PermissionRefused) as refused:
        check_permitted(king, "propose")

    assert str(refused.value) == (
        "Actor k-1 as king may not propose: the permission table gives the role "
        "'king' no command."
    )


def test_a_role_claimed_at_the_wrong_level_is_refused() -> None:
    """A county reviewer role claimed at village level is refused."""
    impostor = Actor("x-1", "county_reviewer", "village", VILLAGE)

    with pytest.raises(PermissionRefused):
        check_permitted(impostor, "approve_at_county")
