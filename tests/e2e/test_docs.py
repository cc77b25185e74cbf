"""The documentation shows the tables the code declares."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from fanpin_workflow.cli.main import cli

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_workflow_doc_matches_the_definitions() -> None:
    """The generated block of docs/workflow.md is what `fanpin describe` prints."""
    text = (DOCS / "workflow.md").read_text()
    block = re.search(
        r"<!-- BEGIN GENERATED -->\n(.*)<!-- END GENERATED -->", text, re.S
    )

    printed = CliRunner().invoke(cli, ["describe"]).output

    assert block is not None
    assert block.group(1) == printed
    assert "| `roll_back` | `risk_eliminated` | `rollback` |" in printed


def test_access_doc_matches_the_permission_table() -> None:
    """The generated block of docs/access.md is what `describe --permissions` prints."""
    text = (DOCS / "access.md").read_text()
    block = re.search(
        r"<!-- BEGIN GENERATED -->\n(.*)<!-- END GENERATED -->", text, re.S
    )

    printed = CliRunner().invoke(cli, ["describe", "--permissions"]).output

    assert block is not None
    assert block.group(1) == printed
    assert "| `grid_member` | village | 一级网格员 |" in printed
