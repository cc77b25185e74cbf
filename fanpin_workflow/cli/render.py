"""Render a campaign summary as rich tables."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from fanpin_workflow.domain.notice import NoticeLine
from fanpin_workflow.domain.policy.data_checks import SEVERITY, DataProblem, DataRule
from fanpin_workflow.simulation.summary import STATE_ORDER, CampaignSummary

_STATE_LABELS = {
    "candidate": "candidate\n拟纳入",
    "included": "included\n纳入",
    "risk_eliminated": "risk_eliminated\n风险消除",
    "cleared_out": "cleared_out\n清退",
    "rollback": "rollback\n风险消除回退",
    "rejected": "rejected\n未纳入",
}


def render_summary(summary: CampaignSummary, console: Console) -> None:
    """Print the summary's tables and check lines."""
    if summary.run is not None:
        console.print(f"simulation run: {summary.run}")
    states = [s.value for s in STATE_ORDER]
    objects = Table(title="Monitoring objects by township and state")
    objects.add_column("township")
    for state in states:
        objects.add_column(_STATE_LABELS[state], justify="right")
    objects.add_column("total", justify="right")
    for township, counts in summary.objects_by_township.items():
        objects.add_row(
            township,
            *(f"{counts.get(s, 0):,}" for s in states),
            f"{sum(counts.values()):,}",
        )
    totals = summary.objects_by_state
    objects.add_row(
        "all",
        *(f"{totals.get(s, 0):,}" for s in states),
        f"{sum(totals.values()):,}",
        style="bold",
    )
    console.print(objects)

    cases = Table(title="Approval cases")
    cases.add_column("figure")
    cases.add_column("count", justify="right")
    for kind, count in summary.cases_by_kind.items():
        cases.add_row(f"cases of kind {kind}", f"{count:,}")
    for state, count in summary.cases_by_state.items():
        cases.add_row(f"cases now {state}", f"{count:,}")
    limit = summary.limit_days
    cases.add_row(
        f"inclusions and relabels decided within {limit} days of first lead",
        f"{summary.inclusions_within_limit:,}",
    )
    cases.add_row(
        f"inclusions and relabels decided beyond {limit} days of first lead",
        f"{summary.inclusions_beyond_limit:,}",
    )
    for level, count in summary.returns_by_level.items():
        cases.add_row(f"returns {level}", f"{count:,}")
    console.print(cases)

    work = Table(title="Households, forms and key households")
    work.add_column("figure")
    work.add_column("count", justify="right")
    work.add_row("households registered", f"{summary.households:,}")
    for form, by_state in summary.investigations.items():
        done = by_state.get("recorded", 0)
        open_ = sum(by_state.values()) - done
        work.add_row(f"forms {form} recorded / open", f"{done:,} / {open_:,}")
    for state, count in summary.key_lists.items():
        work.add_row(f"key-household lists {state}", f"{count:,}")
    work.add_row("key households listed", f"{summary.key_households:,}")
    checked = summary.eliminations
    if checked is not None:
        work.add_row("risk eliminations determined", f"{checked.determined:,}")
        work.add_row(
            "  of them eligible when re-checked from storage",
            f"{checked.eligible_on_recheck:,}",
        )
        work.add_row(
            "  of them no-labour safety-net households",
            f"{checked.safety_net_eliminated:,}",
        )
    console.print(work)

    stages = Table(title="Work-list tasks by stage (townships' and villages' own)")
    stages.add_column("stage")
    columns = ("done", "done_late", "waived", "overdue", "pending", "in_progress")
    for column in columns:
        stages.add_column(column, justify="right")
    for stage, counts in summary.tasks_by_stage.items():
        stages.add_row(stage, *(f"{counts.get(c, 0):,}" for c in columns))
    console.print(stages)
    if summary.overdue_by_township:
        overdue = Table(title="Tasks that went overdue and were escalated, by township")
        overdue.add_column("township")
        overdue.add_column("tasks", justify="right")
        for township, count in summary.overdue_by_township.items():
            overdue.add_row(township, f"{count:,}")
        console.print(overdue)
    kinds = {"task": "tasks", "question": "questions", "approval_case": "cases"}
    by_kind = ", ".join(
        f"{kinds.get(kind, kind)} {count:,}"
        for kind, count in sorted(summary.escalations_by_kind.items())
    )
    console.print(
        f"escalations recorded by the overdue sweep: {summary.escalations:,}"
        + (f" ({by_kind})" if by_kind else "")
    )

    console.print(f"audit rows: {summary.audit_rows:,}")
    console.print(
        "audit rows by an actor whose role or registration did not allow the "
        f"command: {summary.access_violations}"
    )
    console.print(f"refusals in the security log: {summary.security_refusals}")
    console.print(
        "objects whose state is not where their audit trail ends: "
        f"{summary.objects_off_trail}"
    )
    console.print(
        "cases whose state is not where their audit trail ends: "
        f"{summary.cases_off_trail}"
    )
    console.print(f"audit digest: {summary.audit_digest}")


def render_notice(village: str, lines: list[NoticeLine], console: Console) -> None:
    """Print a village's public notice as a table, or say that it is empty."""
    if not lines:
        console.print(f"village {village}: no case on public notice then")
        return
    table = Table(title=f"Public notice (公示) of village {village}")
    for column in ("household", "proposal 提议", "members", "risk types"):
        table.add_column(column)
    table.add_column("posted", justify="right")
    table.add_column("until", justify="right")
    for line in lines:
        risks = ", ".join(line.risk_types)
        if line.risks_withheld:
            risks = f"{risks} (+ withheld)" if risks else "(withheld)"
        table.add_row(
            line.household_id,
            f"{line.title_en} {line.title_zh}",
            "" if line.members is None else str(line.members),
            risks,
            line.posted_at.format("YYYY-MM-DD HH:mm"),
            line.ends_at.format("YYYY-MM-DD HH:mm"),
        )
    console.print(table)
    console.print(
        "Identity numbers, phone numbers, bank accounts and health details are "
        "never posted; health-related risk types are withheld."
    )


def render_checks(within: str, problems: list[DataProblem], console: Console) -> None:
    """Print how many households each data-cleaning check found, by rule."""
    counts = Counter((p.rule, p.severity) for p in problems)
    households = len({p.household_id for p in problems})
    table = Table(title=f"Data-cleaning checks (数据清洗) within {within}")
    table.add_column("check")
    table.add_column("severity")
    table.add_column("problems", justify="right")
    for rule in DataRule:
        found = counts.get((rule, SEVERITY[rule]), 0)
        table.add_row(rule.value, SEVERITY[rule].value, f"{found:,}")
    console.print(table)
    console.print(
        f"{len(problems):,} problem(s) in {households:,} household(s); "
        "list them with --csv"
    )
