"""The example programs run and print what they promise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_host_platform_example(tmp_path: Path) -> None:
    """The embedding example determines a case and notifies in one transaction."""
    database = tmp_path / "host.sqlite"

    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "host_platform.py"), str(database)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )

    assert "refused: Actor officer-1 as information_officer may not approve" in (
        done.stdout
    )
    assert "host notifications: ['case determined: included']" in done.stdout
    assert "audit entries: 6" in done.stdout
