"""The policy, exactly, through the real command line: duplicates, the bypass, services,
adjustments that bind, and letters a council can post.

Each test is a case an officer met that once went wrong; real git, real keys.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.regkit import Reg
from tests.test_cli_policy import (
    EMAIL_ONLY,
    TERMS,
    incident,
    on_register,
    proposed,
    refused,
    shown,
    warned,
)

pytestmark = pytest.mark.e2e

PERSON = ("--phone", "01993 123456", "--postcode", "OX28 6AB", "--address", "4 Mill Lane, Witney")
PRIVATE = ("Alex Example", "01993", "OX28", "Mill Lane")


def letter(reg: Reg, case_id: str, kind: str, out: Path, *extra: str) -> str:
    fmt = out.suffix.lstrip(".")
    return reg.ok(
        "officer", "letter", case_id, "--kind", kind, "--format", fmt, "--out", str(out), *extra
    )


# --- 13.10 duplicates ---------------------------------------------------------------------------


def test_a_second_case_for_the_same_person_is_refused_naming_the_first(reg: Reg) -> None:
    """`add-incident --new` with the phone of an existing case is refused, naming that case
    and the choice; `--case` adds to it; `--new --not-a-duplicate` records why it is new.

    Policy: "Each case will be reviewed and considered on an individual case by case basis".
    """
    first, _ = reg.new_case("officer", *PERSON)
    message = refused(reg, "officer", *new_case_args("Sam Other", "--phone", "+44 1993 123456"))
    assert f"likely the same person as {first} (same phone)" in message
    assert "--not-a-duplicate" in message
    assert not any(value in message for value in PRIVATE)
    same = refused(reg, "officer", *new_case_args("Alex Example", "--postcode", "ox28 6ab"))
    assert f"{first} (same name and postcode)" in same
    out = reg.ok("officer", *new_case_args(None, "--case", first))
    assert out.startswith(f"case {first}: incident ")
    new = reg.ok(
        "officer",
        *new_case_args("Sam Other", "--phone", "01993 123456"),
        "--not-a-duplicate",
        "A lodger at the same address, using the landline; confirmed by date of birth.",
    )
    second = new.split()[1].rstrip(":")
    assert second != first
    assert shown(reg, second)["record"]["not_a_duplicate"].startswith("A lodger")


def new_case_args(name: str | None, *extra: str) -> tuple[str, ...]:
    who = ("--new", "--name", name) if name else ()
    return (
        "add-incident",
        *who,
        "--date",
        "2026-11-20",
        "--channel",
        "telephone",
        "--location",
        "community",
        "--category",
        "A",
        "--behaviour",
        "abusive",
        "--summary",
        "Shouted at the officer.",
        *extra,
    )


def test_a_second_property_at_the_same_address_is_refused(reg: Reg) -> None:
    """`property add` at an address already recorded (any spacing of the postcode) is refused,
    naming the property; with a reason it is recorded.

    Policy: "Restrictions on properties can be added to the UCBR without notifying the owner".
    """
    args = ("--risk", "dangerous_animal", "--guidance", "Phone ahead.", "--not-notified-reason")
    where = ("property", "add", "--address", "3 Kennel Close, Witney", "--postcode")
    first = reg.ok("officer", *where, "OX28 3KC", *args, "Staff risk.").split(":")[0]
    message = refused(reg, "officer", *where, "ox283kc", *args, "Staff risk.")
    assert f"likely the same property as {first} (same address and postcode)" in message
    assert "3 Kennel" not in message
    reg.ok("officer", *where, "OX28 3KC", *args, "Staff risk.", "--not-a-duplicate", "A flat.")


# --- 13.9 the bypass ------------------------------------------------------------------------------


def test_the_bypass_is_the_deciding_officers_on_the_policys_words(reg: Reg) -> None:
    """A reporter cannot mark abuse as serious; a threat skips the warnings only when the
    deciding officer names it (--bypass) and says why.

    Policy: "Please note that in the case of violence or serious threats, the warning stages
    (1 and 2) will be bypassed."
    """
    message = refused(reg, "front", *new_case_args("Sam Abuser", "--serious"))
    assert "physically_aggressive or threats" in message
    case_id, incident_id = reg.new_case("front", "--serious")
    formal = ("escalate", case_id, "--incident", incident_id, "--to", "formal_written_warning")
    skip = refused(reg, "officer", *formal, *EMAIL_ONLY, *TERMS)
    assert "--bypass" in skip and "step 1 (verbal_warning) has not been given" in skip
    reg.ok(
        "officer", *formal, *EMAIL_ONLY, *TERMS,
        "--bypass", incident_id, "--bypass-reason", "Pushed a chair at the officer.",
    )  # fmt: skip
    [decision] = shown(reg, case_id)["record"]["decisions"]
    assert decision["bypass_incident"] == incident_id
    assert decision["bypass_reason"] == "Pushed a chair at the officer."


# --- 13.8 services ----------------------------------------------------------------------------


def add_staff(reg: Reg, folder: Path, staff_id: str, role: str, *extra: str) -> None:
    key = folder / f"{staff_id}.txt"
    recipient = reg.ok("mgr", "keys", "new", "--no-passphrase", "--out", str(key)).strip()
    reg.ok(
        "mgr", "staff", "add", staff_id, "--name", f"{staff_id.title()} Person",
        "--email", f"{staff_id}@council.example", "--role", role, "--recipient", recipient, *extra,
    )  # fmt: skip
    reg.keys[staff_id] = key


def test_a_manager_approves_only_within_their_service(reg: Reg, tmp_path: Path) -> None:
    """Staff have a service and a job title; a Housing manager may not approve a Customer
    Services decision, its own manager may, and the letter is signed with their job title.

    Policy: "must be reviewed and approved by the relevant business manager / Head of Service."
    """
    add_staff(reg, tmp_path, "housing", "manager", "--service", "Housing")
    add_staff(
        reg, tmp_path, "custserv", "manager",
        "--service", "Customer Services", "--job-title", "Customer Services Manager",
    )  # fmt: skip
    listed = json.loads(reg.ok("mgr", "staff", "list", "--json"))
    assert {"service": "Housing"}.items() <= next(s for s in listed if s["id"] == "housing").items()
    case_id, _ = proposed(reg)
    message = refused(reg, "housing", "approve", case_id)
    assert "is for the Customer Services service" in message and "custserv" in message
    reg.ok("custserv", "approve", case_id)
    text = " ".join(letter(reg, case_id, "formal-warning", tmp_path / "fw.md").split())
    assert text
    body = " ".join((tmp_path / "fw.md").read_text().split())
    assert "Custserv Person Customer Services Manager Exampleshire District Council" in body


# --- 13.4 an appeal varied -----------------------------------------------------------------------


def test_an_appeal_varied_says_it_needs_approval_and_by_whom(reg: Reg) -> None:
    """Deciding "varied" says the variation needs approval, by an officer with no part in the
    original decision, and who that can be; only the kinds given change.

    Policy: "it will be considered by an Officer who was not involved in the original decision
    to restrict access."
    """
    case_id, _ = on_register(reg)
    reg.ok("officer", "appeal", "lodge", case_id, "--received", reg.today)
    out = reg.ok(
        "head", "appeal", "decide", case_id, "--outcome", "varied", "--reasons", "Too broad.",
        "--contact-days", "mon,thu", "--contact-hours", "09:00-12:00",
    )  # fmt: skip
    assert "the variation is proposed and needs approval" in out
    assert "nobody in the staff directory" in out
    proposal = shown(reg, case_id)["record"]["decisions"][-1]
    assert [r["kind"] for r in proposal["restrictions"]] == ["single_channel", "contact_times"]


# --- 13.5 adjustments that bind ---------------------------------------------------------------


def test_an_adjustment_after_approval_is_flagged_and_reviewed(reg: Reg) -> None:
    """An adjustment recorded against a restriction in force is recorded with a warning;
    `check` flags it; a review that continues needs --justify.

    Policy: "Any restrictions imposed will take into account your individual circumstances and
    ensure that you are not prevented from accessing essential services."
    """
    case_id, _ = on_register(reg)
    result = reg.run("officer", "adjustments", case_id, "--add", "needs_telephone")
    assert result.code == 0
    assert "single_channel (email) conflicts with the adjustment needs_telephone" in result.err
    check = reg.run("officer", "check")
    assert check.code == 5 and "needs_telephone" in check.out
    plain = ("review", case_id, "--outcome", "continue", "--reasons", "No change.")
    assert "--justify" in refused(reg, "officer", *plain)
    reg.ok("officer", *plain, "--justify", "Calls are returned by the officer within a day.")
    assert "needs_telephone" not in reg.run("officer", "check").out


def test_letters_come_in_the_form_the_person_needs(reg: Reg, tmp_path: Path) -> None:
    """Large print: the PDF is set in large type; easy read: ucbr cannot, so the letter says
    so and the command warns.

    Policy: "Any restrictions imposed will take into account your individual circumstances".
    """
    case_id, _ = on_register(reg)
    reg.ok("officer", "adjustments", case_id, "--add", "needs_large_print")
    reg.ok("officer", "adjustments", case_id, "--add", "needs_easy_read")
    result = reg.run(
        "officer", "letter", case_id, "--kind", "formal-warning", "--format", "html",
        "--out", str(tmp_path / "fw.html"), "--preview",
    )  # fmt: skip
    assert result.code == 0 and "needs easy-read documents" in result.err
    html = (tmp_path / "fw.html").read_text()
    assert '<body class="large-print">' in html
    assert "We cannot send this letter in easy read yet" in html


# --- 13.6 the informal written warning letter ----------------------------------------------------


def test_the_informal_warning_letter_is_due_and_checked(reg: Reg) -> None:
    """After step 2 the informal-warning letter is listed by `review-due`, and once sent it
    is not.

    Policy: "an informal written warning letter will be sent to remind you of our expected
    behaviours."
    """
    case_id, _ = warned(reg, letter_sent=False)
    due = json.loads(reg.run("cron", "review-due", "--json").out)["items"]
    assert {(i["id"], i["detail"]) for i in due} == {(case_id, "informal-warning")}
    letter(reg, case_id, "informal-warning", reg.root.parent / "iw.md")
    assert reg.run("cron", "review-due").code == 0


# --- 11.4 letters a council could post ---------------------------------------------------------


def test_a_letter_greets_by_title_and_gives_the_full_address(reg: Reg, tmp_path: Path) -> None:
    """With a title the letter is addressed "Ms Patricia Quarrel" and greets "Dear Ms
    Quarrel"; the address is printed a part to a line; days read "Mondays and Thursdays".

    Policy: "The UCBR will provide your personal details and the nature and duration of the
    restriction in place".
    """
    who = ("--title", "Ms", "--address", "12 Mill Lane, Witney", "--postcode", "ox28 6ab")
    days = ("--contact-days", "mon,thu", "--contact-hours", "09:00-12:00")
    case_id, _ = on_register(reg, *EMAIL_ONLY, *days, person=who, name="Patricia Quarrel")
    letter(reg, case_id, "formal-warning", tmp_path / "fw.md")
    text = (tmp_path / "fw.md").read_text()
    assert "Ms Patricia Quarrel\n12 Mill Lane\nWitney\nOX28 6AB\n" in text
    assert "Dear Ms Quarrel," in text
    assert "Please contact us only on Mondays and Thursdays, 09:00 to 12:00." in text
    assert "policy version" not in text


def test_a_preview_records_nothing_and_a_second_format_is_a_copy(reg: Reg, tmp_path: Path) -> None:
    """`letter --preview` writes the letter and changes nothing; the same letter as PDF then md
    is one letter and a copy of it.

    Policy: "The UCBR will provide your personal details and the nature and duration of the
    restriction in place".
    """
    case_id, _ = on_register(reg)
    before = reg.state()
    out = letter(reg, case_id, "formal-warning", tmp_path / "preview.md", "--preview")
    assert "nothing recorded" in out and reg.state() == before
    letter(reg, case_id, "formal-warning", tmp_path / "fw.pdf")
    second = letter(reg, case_id, "formal-warning", tmp_path / "fw.md")
    letters = [x for x in shown(reg, case_id)["record"]["letters"] if x["kind"] == "formal-warning"]
    assert [x.get("copy_of") for x in letters] == [None, letters[0]["id"]]
    assert f"a copy of {letters[0]['id']}" in second
    incident(reg, case_id)  # the register moves on; nothing else owed
    assert reg.run("cron", "review-due").code == 0
