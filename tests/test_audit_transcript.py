"""The audit transcript of docs/auditing.md is real: made again now, it is word for word."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.e2e
def test_the_audit_transcript_is_what_ucbr_prints() -> None:
    """`scripts/audit_transcript.py` runs every command of the transcript against
    the demo register's history and finds the block in docs/auditing.md unchanged."""
    made = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "audit_transcript.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stdout[-4000:] + made.stderr[-2000:]
