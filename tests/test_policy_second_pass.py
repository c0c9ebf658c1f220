"""The policy exactly, second pass: each gap found by running every rule through the command
line, black-box, named after the policy's sentence it keeps.

Each test drives `ucbr` in-process against a real register (real git, real keys).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.regkit import Reg
from tests.test_cli_policy import (
    EMAIL_ONLY,
    TERMS,
    continued,
    on_register,
    refused,
    shown,
    warned,
)
from ucbr.domain.words import EXPECTED

pytestmark = pytest.mark.e2e

BAN_AND_SPOC = ("--premises-ban", "Council Offices reception", "--spoc", "officer2")


def letter(reg: Reg, case_id: str, kind: str, out: Path, *extra: str) -> str:
    """Issue a letter as markdown and return its text, one line per paragraph."""
    reg.ok("officer", "letter", case_id, "--kind", kind, "--out", str(out), *extra)
    return " ".join(out.read_text().split())


def entry_text(reg: Reg, case_id: str) -> str:
    """What frontline staff read of a case: `show`, in plain words."""
    return " ".join(reg.ok("front", "show", case_id).split())


def refuse_contact(reg: Reg, case_id: str, tmp_path: Path, *restrictions: str) -> None:
    """The formal-warning letter sent, the behaviour continued, contact refused, approved."""
    letter(reg, case_id, "formal-warning", tmp_path / "fw.md")
    reg.today = "2026-12-02"
    again = continued(reg, case_id)
    reg.ok("officer", "escalate", case_id, "--to", "contact_refused", "--incident", again,
           *restrictions, *TERMS)  # fmt: skip
    reg.ok("head", "approve", case_id)


def test_restrictions_will_only_be_removed_if_there_has_been_significant_change(
    reg: Reg, tmp_path: Path
) -> None:
    """Refusing contact keeps the premises ban and the single point of contact in force; a
    review ends one only after a significant change.

    Policy: "Restrictions will only be removed if there has been significant change in your
    communication and / or behaviour"
    """
    case_id, _ = on_register(reg, *EMAIL_ONLY, *BAN_AND_SPOC)
    refuse_contact(reg, case_id, tmp_path, "--no-further-responses", "bin collections")
    kinds = {r["kind"] for r in shown(reg, case_id, "front")["entry"]["restrictions"]}
    assert {"premises_ban", "single_point_of_contact", "no_further_responses"} <= kinds
    vary = ("review", case_id, "--outcome", "vary", "--reasons", "Calmer.", "--end",
            "premises_ban")  # fmt: skip
    assert "significant change" in refused(reg, "officer", *vary)
    reg.ok("officer", *vary, "--significant-change")
    reg.ok("mgr", "approve", case_id)
    kinds = {r["kind"] for r in shown(reg, case_id, "front")["entry"]["restrictions"]}
    assert "premises_ban" not in kinds and "single_point_of_contact" in kinds


def test_an_informal_written_warning_letter_will_be_sent_before_step_3(
    reg: Reg, tmp_path: Path
) -> None:
    """Step 3 is refused until step 2's letter has gone, and the formal warning then tells
    of the informal written warning that was sent.

    Policy: "Following a verbal warning, if the behaviour continues to be unacceptable, an
    informal written warning letter will be sent to remind you of our expected behaviours."
    """
    case_id, incident_id = warned(reg, letter_sent=False)
    step3 = ("escalate", case_id, "--incident", incident_id, *EMAIL_ONLY, *TERMS)
    assert "informal-warning letter" in refused(reg, "officer", *step3)
    reg.send("officer", case_id, "informal-warning")
    reg.ok("officer", *step3)
    reg.ok("mgr", "approve", case_id)
    text = letter(reg, case_id, "formal-warning", tmp_path / "fw.md")
    assert "an informal written warning on 28 November 2026" in text


def test_the_step_2_letter_reminds_you_of_our_expected_behaviours(reg: Reg, tmp_path: Path) -> None:
    """The informal-warning letter restates the behaviours the council expects.

    Policy: "an informal written warning letter will be sent to remind you of our expected
    behaviours."
    """
    case_id, _ = warned(reg, letter_sent=False)
    text = letter(reg, case_id, "informal-warning", tmp_path / "iw.md")
    assert "The behaviour we expect" in text
    assert EXPECTED["B"][0] in text  # step 2 relied on repeated contact: category B


def test_the_entry_says_contact_is_refused_as_the_letter_does(reg: Reg, tmp_path: Path) -> None:
    """The person told that we will not respond, the staff are told the same before contact.

    Policy: "If the behaviour continues after warnings letters are issued, we may refuse
    further contact and refuse further responses."
    """
    case_id, _ = on_register(reg, *EMAIL_ONLY)
    refuse_contact(reg, case_id, tmp_path)
    told = letter(reg, case_id, "contact-refused", tmp_path / "cr.md")
    assert "We will not respond to further contact from you" in told
    seen = entry_text(reg, case_id)
    assert "ON THE REGISTER: further contact is refused: do not respond" in seen


def test_the_single_point_of_contact_is_named_with_how_to_reach_them(
    reg: Reg, tmp_path: Path
) -> None:
    """The letter names the single point of contact and how to reach them by the channel the
    person is left; staff read the same officer on the entry.

    Policy: "restricting correspondence to a designated person, a Single Point of Contact"
    """
    case_id, _ = on_register(reg, *EMAIL_ONLY, "--spoc", "officer2")
    text = letter(reg, case_id, "formal-warning", tmp_path / "fw.md")
    assert "your single point of contact: e-mail Otto Second at officer2@council.example" in text
    assert "single point of contact (officer2)" in entry_text(reg, case_id)


def test_a_variation_keeps_when_each_restriction_began(reg: Reg, tmp_path: Path) -> None:
    """After a review varies the restrictions, the one carried over keeps its start: in the
    entry and in the outcome letter, which gives each restriction's own date.

    Policy: "The UCBR will provide your personal details and the nature and duration of the
    restriction in place, together with when this is to be reviewed."
    """
    case_id, _ = on_register(reg, *EMAIL_ONLY)
    reg.today = "2026-12-10"
    reg.ok("officer", "review", case_id, "--outcome", "vary", "--reasons", "Calls at night.",
           "--contact-days", "mon,thu", "--contact-hours", "09:00-12:00")  # fmt: skip
    reg.ok("mgr", "approve", case_id)
    starts = {r["kind"]: r["start"] for r in shown(reg, case_id, "front")["entry"]["restrictions"]}
    assert starts == {"single_channel": "2026-11-28", "contact_times": "2026-12-10"}
    text = letter(reg, case_id, "review-outcome", tmp_path / "ro.md")
    assert "Please contact us only by e-mail, at contact@council.example (in place since 28 " \
        "November 2026)." in text  # fmt: skip
    assert "09:00 to 12:00 (in place since 10 December 2026)." in text


def test_continuing_a_restriction_is_approved_by_the_relevant_manager(reg: Reg) -> None:
    """A review that continues a restriction is the decision to go on managing contact: it
    waits for a manager, who is not the reviewer, and only then sets the next review.

    Policy: "The decision to manage a person’s contact in an alternative way with a Council
    service must be reviewed and approved by the relevant business manager / Head of
    Service."
    """
    case_id, _ = on_register(reg, *EMAIL_ONLY)
    reg.ok("officer", "review", case_id, "--outcome", "continue", "--reasons", "No change.",
           "--next-review", "2027-03-01")  # fmt: skip
    assert shown(reg, case_id, "front")["entry"]["review_date"] == "2027-05-01"
    due = json.loads(reg.run("cron", "review-due", "--json", "--within", "30").out)["items"]
    assert any(i["what"] == "approval pending" and i["id"] == case_id for i in due)
    assert "not" in refused(reg, "officer2", "approve", case_id)
    reg.ok("mgr", "approve", case_id)
    assert shown(reg, case_id, "front")["entry"]["review_date"] == "2027-03-01"


def test_a_review_date_that_falls_on_a_day_off_moves_earlier(reg: Reg) -> None:
    """Six months from Saturday 28 November 2026 is Friday 28 May 2027; from a review on
    Monday 30 November, Sunday 30 May 2027 moves to Friday 28 May, never past six months.

    Policy: "All restrictions will be reviewed on a six-monthly basis"
    """
    case_id, _ = on_register(reg, *EMAIL_ONLY)
    reg.today = "2026-11-30"
    late = ("review", case_id, "--outcome", "continue", "--reasons", "No change.",
            "--next-review", "2027-05-31")  # fmt: skip
    assert "2027-05-28" in refused(reg, "officer", *late)


def test_the_appeal_window_is_the_policys_one_month(reg: Reg) -> None:
    """The appeal window cannot be set longer than the policy's month.

    Policy: "You have the right to appeal the decision to be added to the UCBR, including an
    external review by the LGSCO, within one month of the decision made"
    """
    result = reg.run("mgr", "settings", "set", "appeal_window_months", "12")
    assert result.code == 1 and "at most 1" in result.err


def test_a_letter_points_to_the_councils_own_privacy_notice(reg: Reg, tmp_path: Path) -> None:
    """Without the council's privacy notice set, no letter is issued and `check` says so.

    Policy: "A Privacy Notice is available on our website"
    """
    reg.ok("mgr", "settings", "set", "privacy_notice_url", "https://www.example.gov.uk/privacy")
    case_id, _ = warned(reg, letter_sent=False)
    out = tmp_path / "iw.md"
    assert "privacy notice" in refused(
        reg, "officer", "letter", case_id, "--kind", "informal-warning", "--out", str(out)
    )
    assert not out.exists()
    checked = reg.run("officer", "check")
    assert checked.code == 5 and "no privacy notice is set" in checked.out


def test_health_details_and_nhs_numbers_in_free_text_are_warned_of(reg: Reg) -> None:
    """A summary that names a health condition or holds an NHS number gets a warning that
    never repeats it.

    Policy: "The quantity of personal data added to the UCBR will be limited to what the
    Council considers necessary to meet the stated purposes of the UCBR."
    """
    case_id, _ = reg.new_case("officer")
    result = reg.run("officer", "add-incident", case_id, "--date", "2026-11-20",
                     "--channel", "telephone", "--location", "community", "--category", "A",
                     "--behaviour", "abusive", "--summary",
                     "Said he was off his medication; NHS number 943 476 5919.")  # fmt: skip
    assert result.code == 0
    assert "NHS number" in result.err and "health" in result.err
    assert "943 476 5919" not in result.err and "medication" not in result.err


def test_other_restrictions_and_risks_are_described_where_staff_and_letters_show_them(
    reg: Reg, tmp_path: Path
) -> None:
    """A restriction or risk not on the policy's list is recorded in words, and the entry,
    the letter and lookup give those words.

    Policy: "Restrictions may be as follows, but not limited to"
    """
    other = "Do not send parcels to council staff"
    case_id, _ = on_register(reg, *EMAIL_ONLY, "--other-restriction", other)
    assert other in entry_text(reg, case_id)
    assert other in letter(reg, case_id, "formal-warning", tmp_path / "fw.md")
    prop = reg.ok("officer", "property", "add", "--address", "4 Yard Lane, Witney", "--postcode",
                  "OX28 4YL", "--risk", "other", "--other-risk", "unstable scaffolding",
                  "--guidance", "Keep to the path.", "--not-notified-reason",
                  "A risk to staff.").split(":")[0]  # fmt: skip
    reg.ok("mgr", "property", "approve", prop)
    assert "unstable scaffolding" in reg.ok("front", "lookup", "OX28 4YL")


def test_a_representative_is_found_by_their_own_name(reg: Reg) -> None:
    """Someone who acts for the person is found by their own name, and the restrictions are
    shown as covering them.

    Policy: "those individuals representing the customer such as family members, advocates"
    """
    case_id, _ = on_register(reg, *EMAIL_ONLY)
    reg.ok("officer", "add-incident", case_id, "--date", "2026-11-27", "--channel",
           "telephone", "--location", "community", "--category", "B", "--behaviour",
           "repeated_contact", "--summary", "Rang six times for the person.",
           "--by-representative", "Robin Advocate")  # fmt: skip
    found = reg.ok("front", "lookup", "Robin Advocate")
    assert case_id in found and "REPRESENTATIVE" in found and "Contact only by e-mail" in found


def test_until_with_no_restriction_named_is_refused(reg: Reg) -> None:
    """`--until` dates the restrictions given with it; alone it would date nothing, so it is
    refused rather than dropped.

    Policy: "persistent offenders may be banned from accessing the Council premises for a
    specified period or indefinitely."
    """
    case_id, _ = on_register(reg, *EMAIL_ONLY)
    vary = ("review", case_id, "--outcome", "vary", "--reasons", "Calmer.", "--until",
            "2027-01-31")  # fmt: skip
    assert "--until dates the restrictions given with it" in refused(reg, "officer", *vary)
