"""`make demo` runs whatever the machine's date: the demo's commits are dated on its policy day."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
FAKETIME = shutil.which("faketime") or "/usr/bin/faketime"


def demo_day() -> dt.date:
    """The policy day scripts/demo.sh pins (UCBR_TODAY)."""
    found = re.search(r"UCBR_TODAY=(\d{4}-\d\d-\d\d)", (ROOT / "scripts" / "demo.sh").read_text())
    assert found is not None
    return dt.date.fromisoformat(found.group(1))


def test_the_demo_records_its_letter_a_year_after_its_day(tmp_path: Path) -> None:
    """scripts/demo.sh under a machine clock moved a year past the demo's policy day runs to
    the end and records the formal-warning letter: a commit the audit keeps."""
    moved = demo_day() + dt.timedelta(days=366)
    env = {**os.environ, "UCBR_DEMO_OUT": str(tmp_path / "out"), "TMPDIR": str(tmp_path)}
    env.pop("UCBR_TODAY", None)
    proc = subprocess.run(
        [FAKETIME, f"{moved.isoformat()} 10:00:00", "bash", str(ROOT / "scripts" / "demo.sh")],
        cwd=ROOT, capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "the clock was moved" not in proc.stderr
    # The letter is kept only once its commit is: an undone commit deletes it.
    assert re.search(r"L-[0-9A-Z]{8}: formal-warning letter written to ", proc.stdout)
    assert (tmp_path / "out" / "formal-warning.pdf").read_bytes().startswith(b"%PDF")
