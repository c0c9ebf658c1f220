"""A damaged file does not silence the morning job: the rest is still listed, and the file named."""

from __future__ import annotations

import pytest

from tests.regkit import Reg
from ucbr.storage import workers

pytestmark = pytest.mark.e2e


def _damage(reg: Reg, case: str) -> None:
    path = reg.root / "cases" / f"{case}.yaml"
    text = path.read_text()
    start = text.index("  schedule: |\n") + 60
    path.write_text(text[:start] + ("A" if text[start] != "A" else "B") + text[start + 1 :])


@pytest.mark.parametrize("parallel", [False, True])
def test_review_due_lists_the_rest_and_names_the_damaged_file(
    reg: Reg, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    """With one file damaged, review-due still lists what is due elsewhere and exits 6."""
    if parallel:
        monkeypatch.setattr(workers, "PARALLEL_FROM", 2)
    damaged, _ = reg.new_case()
    prop = reg.ok(
        "officer",
        "property",
        "add",
        "--address",
        "3 Demo Cottages",
        "--postcode",
        "OX18 9ZZ",
        "--risk",
        "dangerous_animal",
        "--guidance",
        "Phone ahead.",
        "--not-notified-reason",
        "A risk to staff, not a restriction.",
    ).split(":")[0]
    _damage(reg, damaged)
    result = reg.run("cron", "review-due", "--within", "30")
    assert result.code == 6
    assert prop in result.out and "approval pending" in result.out
    assert f"cases/{damaged}.yaml" in result.err
