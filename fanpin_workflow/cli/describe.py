"""The workflow's tables as Markdown, generated from the definitions.

docs/workflow.md embeds this text; a test keeps the two the same.
"""

from __future__ import annotations

from fanpin_workflow.domain.access import ROLES, allowed_commands
from fanpin_workflow.domain.approval import (
    APPROVAL,
    KINDS_NEEDING_REASON,
    ON_APPROVAL,
    ON_DECLINE,
    START,
    STEPS,
)
from fanpin_workflow.domain.lifecycle import LIFECYCLE
from fanpin_workflow.domain.machine import Definition


def _transition_table(definition: Definition, with_level: bool) -> list[str]:
    header = "| event | from | to |" + (
        " level | needs a reason |" if with_level else ""
    )
    rule = "|---|---|---|" + ("---|---|" if with_level else "")
    lines = [header, rule]
    for row in definition.transitions:
        sources = ", ".join(f"`{s}`" for s in row.sources)
        line = f"| `{row.event}` | {sources} | `{row.dest}` |"
        if with_level:
            step = STEPS[row.event]
            line += f" {step.level} | {'yes' if step.needs_reason else 'no'} |"
        lines.append(line)
    return lines


def workflow_tables() -> str:
    """The lifecycle table, the approval table and what each case kind does."""
    lines = [
        f"### Monitoring-object lifecycle (`{LIFECYCLE.name}` {LIFECYCLE.version})",
        "",
        *_transition_table(LIFECYCLE, with_level=False),
        "",
        "Final states: "
        + ", ".join(f"`{s}`" for s in sorted(LIFECYCLE.final_states))
        + ".",
        "",
        f"### Approval case (`{APPROVAL.name}` {APPROVAL.version})",
        "",
        f"A case starts in `{START}`.",
        "",
        *_transition_table(APPROVAL, with_level=True),
        "",
        "Final states: "
        + ", ".join(f"`{s}`" for s in sorted(APPROVAL.final_states))
        + ".",
        "",
        "### What the county's decision does to the object",
        "",
        "| case kind | on approve_at_county | on decline_at_county "
        "| proposal needs a reason |",
        "|---|---|---|---|",
    ]
    for kind, event in ON_APPROVAL.items():
        declined = ON_DECLINE.get(kind)
        lines.append(
            f"| `{kind}` | `{event}` | "
            + (f"`{declined}`" if declined else "object unchanged")
            + f" | {'yes' if kind in KINDS_NEEDING_REASON else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def access_table() -> str:
    """The roles, their level and title, and the commands each may issue."""
    lines = [
        "| role | level | 中文 | may issue |",
        "|---|---|---|---|",
    ]
    for role, info in ROLES.items():
        commands = ", ".join(f"`{c}`" for c in allowed_commands(role)) or "nothing"
        lines.append(f"| `{role}` | {info.level} | {info.title_zh} | {commands} |")
    return "\n".join(lines) + "\n"
