"""The transcript of docs/evidence.md is real: made again now, it is word for word, ids aside."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.e2e
def test_the_evidence_transcript_is_what_ucbr_and_the_verifier_print() -> None:
    """`scripts/evidence_transcript.py` makes a bundle, verifies it as an investigator would
    and tampers with it, and finds the block in docs/evidence.md unchanged but for the ids
    and hashes a new register always has."""
    made = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "evidence_transcript.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stdout[-4000:] + made.stderr[-2000:]
