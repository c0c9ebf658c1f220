"""Free text typed into any command is screened for identifiers that have structured fields."""

from __future__ import annotations

import pytest

from tests.regkit import Reg

pytestmark = pytest.mark.e2e


def test_summary_with_a_phone_number_gets_a_warning(reg: Reg) -> None:
    """A summary holding a phone number is recorded, with a warning that never echoes it."""
    result = reg.run(
        "officer",
        "add-incident",
        "--new",
        "--name",
        "Alex Example",
        "--date",
        "2026-11-01",
        "--channel",
        "telephone",
        "--location",
        "community",
        "--category",
        "A",
        "--behaviour",
        "abusive",
        "--summary",
        "Rang from 07700 900123 and shouted.",
    )
    assert result.code == 0, result.err
    assert "warning: --summary" in result.err and "phone" in result.err
    assert "07700" not in result.err


def test_adjustment_note_with_an_email_gets_a_warning(reg: Reg) -> None:
    """A reasonable-adjustment note holding an e-mail address is screened too."""
    case, _ = reg.new_case()
    result = reg.run(
        "officer",
        "adjustments",
        case,
        "--add",
        "needs_advocate",
        "--note",
        "Advocate is advocate@example.org",
    )
    assert result.code == 0, result.err
    assert "warning: --note" in result.err and "e-mail" in result.err
    assert "advocate@example.org" not in result.err


def test_clean_text_gets_no_warning(reg: Reg) -> None:
    """Narrative with dates, times and ids but no identifiers passes silently."""
    case, incident = reg.new_case()
    result = reg.run(
        "officer",
        "escalate",
        case,
        "--incident",
        incident,
        "--note",
        f"On 2026-11-01 at 09:30 told to stop ({incident}).",
    )
    assert result.code == 0, result.err
    assert result.err == ""


def test_the_councils_own_postcode_in_essential_services_is_not_warned_of(reg: Reg) -> None:
    """Essential services name the council's own address: no personal-data warning."""
    reg.ok("mgr", "settings", "set", "council_address", "Council Offices, Witney OX28 6AA")
    case, incident = reg.new_case("officer", "--serious")
    result = reg.run(
        "mgr",
        "escalate",
        case,
        "--incident",
        incident,
        "--to",
        "formal_written_warning",
        "--bypass",
        incident,
        "--bypass-reason",
        "Threatened the officer with harm.",
        "--only-channel",
        "letter",
        "--considerations",
        "None known.",
        "--essential-services",
        "Write to the Council Offices, OX28 6AA, about housing repairs.",
        "--review-by",
        "2027-02-01",
    )
    assert result.code == 0, result.err
    assert "warning" not in result.err
    reg.ok("head", "approve", case)
    elsewhere = reg.run(
        "mgr",
        "review",
        case,
        "--outcome",
        "continue",
        "--reasons",
        "He now writes from OX4 1AA.",
    )
    assert "warning: --reasons" in elsewhere.err and "postcode" in elsewhere.err, elsewhere.err
