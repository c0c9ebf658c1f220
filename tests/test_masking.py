"""Personal data stays masked in diffs and history unless an officer asks to see it."""

from __future__ import annotations

import pytest

from tests.regkit import Reg
from tests.test_retention import _old_records, put
from ucbr.domain.fields import MASK, is_personal, masked


@pytest.mark.parametrize(
    "field",
    [
        "person.name",
        "decisions[D-00000000].restrictions[0].topic",
        "decisions[D-00000000].restrictions[0].premises",
        "decisions[D-00000000].essential_services",
        "guidance",
        "uprn",
        "foi[F-00000000].request_ref",
        "a_field_added_later",
    ],
)
def test_anything_not_known_safe_is_masked(field: str) -> None:
    """A field is masked unless it is an id, date, code or flag, so new fields start masked."""
    assert is_personal(field)
    assert masked({field: "Zoë's neighbour dispute"}) == {field: MASK}


def test_ids_dates_and_codes_are_shown() -> None:
    """Ids, dates, codes and flags stay readable, so a diff still says what changed."""
    flat = {"incidents[I-00000000].date": "2026-11-01", "status": "approved", "serious": True}
    assert masked(flat) == flat


@pytest.mark.e2e
def test_textconv_masks_restriction_topics_and_premises(reg: Reg) -> None:
    """`git diff` through the driver never shows a restriction's topic or premises."""
    case, incident = reg.new_case("officer", "--serious")
    reg.ok(
        "officer",
        "escalate",
        case,
        "--incident",
        incident,
        "--to",
        "formal_written_warning",
        "--bypass",
        incident,
        "--bypass-reason",
        "Pushed a chair at staff.",
        "--premises-ban",
        "Zoë's street library",
        "--no-further-responses",
        "Mr Smith's hedge",
        "--considerations",
        "None known.",
        "--essential-services",
        "By letter to Room 7",
        "--review-by",
        "2027-05-01",
    )
    shown = reg.ok("officer", "git", "textconv", str(reg.root / "cases" / f"{case}.yaml"))
    for secret in ("Zoë's street library", "Mr Smith's hedge", "Room 7", "Alex Example"):
        assert secret not in shown
    assert MASK in shown


@pytest.mark.e2e
def test_history_of_a_deleted_case_shows_only_its_tombstone(reg: Reg) -> None:
    """After retention deletes a case, `history` refuses to rebuild it from old revisions."""
    expired, _, _ = _old_records()  # recorded long ago: past its years by the register's day
    put(reg, expired)
    case = expired.id
    reg.ok("ig", "retention", "--apply")
    result = reg.run("ig", "history", case, "--reveal")
    assert result.code == 1
    assert "retention" in result.err and "Alex" not in result.out + result.err
