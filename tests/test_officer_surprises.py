"""Things a council officer would otherwise be surprised by, each pinned down."""

from __future__ import annotations

import json

import pytest

from tests.regkit import Reg

pytestmark = pytest.mark.e2e


def _on_register(reg: Reg, *restriction: str, review_by: str = "2027-05-01") -> str:
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
        "--considerations",
        "None known.",
        "--essential-services",
        "By letter.",
        "--review-by",
        review_by,
        *restriction,
    )
    reg.ok("mgr", "approve", case)
    return case


def test_check_with_a_scheduler_key_still_sees_overdue_reviews(reg: Reg) -> None:
    """A key that cannot read records still has `check` report reviews past their date."""
    case = _on_register(reg, "--only-channel", "email")
    reg.today = "2027-06-01"
    result = reg.run("cron", "check")
    assert result.code == 5
    assert f"{case}: restriction review overdue since 2027-05-01" in result.out
    assert "cannot read records" in result.err


def test_check_flags_a_single_point_of_contact_who_has_left(reg: Reg) -> None:
    """Removing a contact warns, and `check` then says the restriction names someone not staff."""
    case = _on_register(reg, "--spoc", "officer2")
    removed = reg.run("mgr", "staff", "remove", "officer2")
    assert removed.code == 0
    assert f"officer2 is the single point of contact on {case}" in removed.err
    result = reg.run("officer", "check")
    assert result.code == 5
    assert "the single point of contact officer2 is not a member of staff" in result.out


def test_a_possible_match_shows_no_restrictions(reg: Reg) -> None:
    """A weak match names who it might be, and withholds restrictions until identity is sure."""
    _on_register(reg, "--only-channel", "email")
    out = reg.ok("front", "lookup", "Example")
    assert "POSSIBLE match" in out and "Alex Example" in out
    assert "Contact only by" not in out


def test_lookup_flags_an_overdue_review(reg: Reg) -> None:
    """Frontline staff see plainly that a restriction's review date has passed."""
    _on_register(reg, "--only-channel", "email")
    reg.today = "2027-06-01"
    out = reg.ok("front", "lookup", "Alex Example")
    assert "REVIEW OVERDUE since 1 May 2027" in out


def test_audit_since_a_date_counts_that_whole_day(reg: Reg) -> None:
    """`audit --since DAY` includes every commit made on that day, not only those after now."""
    reg.new_case()
    day = reg.git("log", "-1", "--format=%cs").strip()
    report = json.loads(reg.run("ig", "audit", "--since", day, "--json").out)
    assert report["commits"] >= 1


def test_letter_format_must_match_the_file_name(reg: Reg, tmp_path: object) -> None:
    """A Markdown letter is not written into a file named .pdf."""
    from pathlib import Path

    case = _on_register(reg, "--only-channel", "email")
    out = Path(str(tmp_path)) / "letter.pdf"
    result = reg.run(
        "officer", "letter", case, "--kind", "formal-warning", "--format", "md", "--out", str(out)
    )
    assert result.code == 1 and "--format is md" in result.err
    assert not out.exists()
