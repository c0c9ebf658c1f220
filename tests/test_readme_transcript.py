"""The README's audit transcript is real: made again now, it is word for word the same."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.e2e
def test_the_readme_transcript_is_what_ucbr_prints() -> None:
    """`scripts/readme_transcript.py` runs every command of the README's transcript against
    the demo register's history and finds the README's block unchanged."""
    made = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme_transcript.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stdout[-4000:] + made.stderr[-2000:]
