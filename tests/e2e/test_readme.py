"""The README's Python quick start runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def python_blocks() -> list[str]:
    """Every ```python block of the README."""
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_a_quick_start() -> None:
    """The README holds at least one Python example to run."""
    assert len(python_blocks()) >= 1


@pytest.mark.parametrize("block", python_blocks())
def test_readme_block_runs(
    block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    """Each README block runs in a fresh folder and prints the notice refusal."""
    monkeypatch.chdir(tmp_path)

    exec(compile(block, str(README), "exec"), {"__name__": "readme"})

    printed = capsys.readouterr().out
    assert "before its public notice ends at 2024-05-15T09:00:00+08:00" in printed
    assert "approve_at_county determined included" in printed
