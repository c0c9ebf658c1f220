"""The warning ladder, approvals and adjustments, end to end through the real command line.

Each test drives `ucbr` in-process against a real register (real git, real age keys).
The helpers at the top are shared with the other command-line test files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.regkit import Reg, email_of
from ucbr.domain.model import Restriction
from ucbr.domain.words import restriction_in_force
from ucbr.storage.envelope import relpath

pytestmark = pytest.mark.e2e

REVIEW_BY = "2027-05-01"
# What every step-3 decision must carry besides its restrictions.
TERMS = (
    "--considerations",
    "No protected characteristics, exceptional circumstances or at-risk factors known.",
    "--essential-services",
    "By letter to the council offices.",
    "--review-by",
    REVIEW_BY,
)
EMAIL_ONLY = ("--only-channel", "email")
SUMMARY = "Shouted and swore at the officer."


# --- helpers shared by the command-line tests -------------------------------------------------


def refused(reg: Reg, staff_id: str, *args: str) -> str:
    """Run a command that must be refused: exit 1, one line on stderr, nothing written."""
    before = reg.state()
    result = reg.run(staff_id, *args)
    assert result.code == 1, f"{args}: exit {result.code}: {result.out} {result.err}"
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert reg.state() == before, f"{args} changed the register"
    return lines[0]


def shown(reg: Reg, file_id: str, staff_id: str = "officer") -> dict[str, Any]:
    """Everything the member of staff's key can read of one file, as `show --json` gives it."""
    data: dict[str, Any] = json.loads(reg.ok(staff_id, "show", file_id, "--json"))
    return data


def incident(
    reg: Reg,
    case_id: str,
    date: str = "2026-11-20",
    *extra: str,
    by: str = "officer",
    summary: str = "Sent forty e-mails in one day.",
) -> str:
    """Record one more incident on a case and return its id."""
    out = reg.ok(
        by,
        "add-incident",
        case_id,
        "--date",
        date,
        "--channel",
        "email",
        "--location",
        "community",
        "--category",
        "B",
        "--behaviour",
        "repeated_contact",
        "--summary",
        summary,
        "--json",
        *extra,
    )
    incident_id: str = json.loads(out)["incident"]
    return incident_id


def continued(reg: Reg, case_id: str, by: str = "officer") -> str:
    """The behaviour continued after the last warning: one more incident, dated today."""
    return incident(reg, case_id, reg.today, by=by)


def warned(
    reg: Reg,
    *person: str,
    name: str = "Alex Example",
    by: str = "officer",
    letter_sent: bool = True,
) -> tuple[str, str]:
    """A case whose person has had the verbal and the informal written warning (its letter
    sent), and went on.

    Returns the case and the incident after the informal warning, which step 3 relies on.
    """
    case_id, incident_id = reg.new_case(by, *person, name=name)
    reg.ok(by, "escalate", case_id, "--incident", incident_id, "--note", "Asked to stop shouting.")
    reg.ok(by, "escalate", case_id, "--incident", continued(reg, case_id, by))
    if letter_sent:
        reg.send(by, case_id, "informal-warning")
    return case_id, continued(reg, case_id, by)


def warning_letter(reg: Reg, case_id: str, out: Path) -> None:
    """Issue the formal-warning letter today, so refusing contact may follow it."""
    reg.ok(
        "officer",
        "letter",
        case_id,
        "--kind",
        "formal-warning",
        "--format",
        "md",
        "--out",
        str(out),
    )


def proposed(
    reg: Reg,
    *restrictions: str,
    person: tuple[str, ...] = (),
    name: str = "Alex Example",
    by: str = "officer",
) -> tuple[str, str]:
    """A case with a formal written warning proposed, awaiting approval."""
    case_id, incident_id = warned(reg, *person, name=name, by=by)
    reg.ok(
        by, "escalate", case_id, "--incident", incident_id, *(restrictions or EMAIL_ONLY), *TERMS
    )
    return case_id, incident_id


def on_register(
    reg: Reg,
    *restrictions: str,
    person: tuple[str, ...] = (),
    name: str = "Alex Example",
    approver: str = "mgr",
) -> tuple[str, str]:
    """A case with an approved formal written warning: on the register."""
    case_id, incident_id = proposed(reg, *restrictions, person=person, name=name)
    reg.ok(approver, "approve", case_id)
    return case_id, incident_id


def decisions(reg: Reg, case_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = shown(reg, case_id)["record"]["decisions"]
    return found


def last_commit(reg: Reg) -> tuple[str, list[str]]:
    """The last commit's author e-mail and message, and the files it changed."""
    head = reg.git("log", "-1", "--format=%ae%n%B")
    files = reg.git("show", "--name-only", "--format=", "HEAD").split()
    return head, files


# --- the ladder -------------------------------------------------------------------------------


def test_verbal_warning_is_file_note(reg: Reg) -> None:
    """A verbal warning is recorded only with a file note of what was said, by whom and when.

    Policy: "Step 1 - A Verbal Warning. If we consider that your behaviour or communication
    has been unacceptable and / or unreasonable, then we will tell you why and ask that you
    stop."
    """
    case_id, incident_id = reg.new_case()
    message = refused(reg, "officer", "escalate", case_id, "--incident", incident_id)
    assert "--note" in message
    reg.ok("officer", "escalate", case_id, "--incident", incident_id, "--note", "Asked to stop.")
    [verbal] = decisions(reg, case_id)
    assert verbal["step"] == "verbal_warning"
    assert verbal["note"] == "Asked to stop."
    assert verbal["proposed_by"] == "officer"
    assert verbal["proposed_on"] == reg.today
    assert verbal["status"] == "recorded"


def test_ladder_climbs_to_formal_warning_approved_in_own_commit(reg: Reg) -> None:
    """Verbal, informal, then a formal warning proposed, which a manager approves in a commit of
    their own carrying an Ucbr-Approves trailer.

    Policy: "The decision to manage a person's contact in an alternative way with a Council
    service must be reviewed and approved by the relevant business manager / Head of Service."
    """
    case_id, incident_id = warned(reg)
    steps = [d["step"] for d in decisions(reg, case_id)]
    assert steps == ["verbal_warning", "informal_written_warning"]
    out = reg.ok("officer", "escalate", case_id, "--incident", incident_id, *EMAIL_ONLY, *TERMS)
    assert "needs approval" in out
    proposal = decisions(reg, case_id)[-1]
    assert (proposal["step"], proposal["status"]) == ("formal_written_warning", "proposed")
    assert shown(reg, case_id)["schedule"]["on_register"] is False
    proposal_head = reg.git("rev-parse", "HEAD").strip()

    reg.ok("mgr", "approve", case_id)
    message, files = last_commit(reg)
    assert message.splitlines()[0] == email_of("mgr")
    assert f"Ucbr-Approves: {proposal['id']}" in message
    assert "Ucbr-Action: approve" in message
    assert files == [relpath(case_id)]
    assert reg.git("rev-parse", "HEAD~1").strip() == proposal_head
    approved = decisions(reg, case_id)[-1]
    assert (approved["status"], approved["approved_by"]) == ("approved", "mgr")
    assert shown(reg, case_id)["schedule"]["on_register"] is True


def test_approver_not_proposer(reg: Reg) -> None:
    """The proposer of a decision cannot approve it; the refusal names the conflict.

    Policy: "The decision ... must be reviewed and approved by the relevant business manager /
    Head of Service."
    """
    case_id, incident_id = warned(reg, by="mgr")
    reg.ok("mgr", "escalate", case_id, "--incident", incident_id, *EMAIL_ONLY, *TERMS)
    proposal = decisions(reg, case_id)[-1]["id"]
    message = refused(reg, "mgr", "approve", case_id)
    assert "you proposed" in message and proposal in message
    reg.ok("head", "approve", case_id)


def test_approver_not_reporter(reg: Reg) -> None:
    """The reporter of an incident the decision relies on cannot approve it; the refusal names
    the incident.

    Policy: "The decision ... must be reviewed and approved by the relevant business manager /
    Head of Service."
    """
    case_id, incident_id = reg.new_case("mgr")
    reg.ok("officer", "escalate", case_id, "--incident", incident_id, "--note", "Asked to stop.")
    reg.ok("officer", "escalate", case_id, "--incident", continued(reg, case_id))
    reg.send("officer", case_id, "informal-warning")
    relied_on = ("--incident", incident_id, "--incident", continued(reg, case_id))
    reg.ok("officer", "escalate", case_id, *relied_on, *EMAIL_ONLY, *TERMS)
    message = refused(reg, "mgr", "approve", case_id)
    assert "you reported incident" in message and incident_id in message
    reg.ok("head", "approve", case_id)


def test_only_managers_approve(reg: Reg) -> None:
    """A case officer cannot approve a restriction, and the refusal says who can.

    Policy: "... must be reviewed and approved by the relevant business manager / Head of
    Service."
    """
    case_id, _ = proposed(reg)
    message = refused(reg, "officer2", "approve", case_id)
    assert "manager" in message and "head of service" in message


def test_no_skip_without_serious_incident(reg: Reg) -> None:
    """Skipping a step without a serious incident is refused, naming the missing step.

    Policy: "Please note that in the case of violence or serious threats, the warning stages
    (1 and 2) will be bypassed."
    """
    case_id, incident_id = reg.new_case()
    message = refused(
        reg,
        "officer",
        "escalate",
        case_id,
        "--incident",
        incident_id,
        "--to",
        "informal_written_warning",
    )
    assert "verbal_warning" in message
    reg.ok("officer", "escalate", case_id, "--incident", incident_id, "--note", "Asked to stop.")
    message = refused(
        reg,
        "officer",
        "escalate",
        case_id,
        "--incident",
        incident_id,
        "--to",
        "formal_written_warning",
        *EMAIL_ONLY,
        *TERMS,
    )
    assert "informal_written_warning" in message


def test_serious_incident_bypasses_steps_1_and_2(reg: Reg) -> None:
    """A violent or seriously threatening incident allows a formal warning at once, and the
    decision names that incident.

    Policy: "Please note that in the case of violence or serious threats, the warning stages
    (1 and 2) will be bypassed."
    """
    case_id, incident_id = reg.new_case("officer", "--serious")
    reg.ok(
        "officer",
        "escalate",
        case_id,
        "--incident",
        incident_id,
        "--to",
        "formal_written_warning",
        "--bypass",
        incident_id,
        "--bypass-reason",
        "Pushed a chair at staff.",
        *EMAIL_ONLY,
        *TERMS,
    )
    [decision] = decisions(reg, case_id)
    assert decision["step"] == "formal_written_warning"
    assert decision["bypass_incident"] == incident_id
    reg.ok("mgr", "approve", case_id)
    assert shown(reg, case_id)["schedule"]["on_register"] is True


def test_contact_refused_only_after_formal_warning(reg: Reg) -> None:
    """Refusing contact before an approved formal written warning is refused, naming it.

    Policy: "If the behaviour continues after warnings letters are issued, we may refuse
    further contact and refuse further responses."
    """
    case_id, incident_id = warned(reg)
    refuse = ("--to", "contact_refused", *EMAIL_ONLY, *TERMS)
    message = refused(reg, "officer", "escalate", case_id, "--incident", incident_id, *refuse)
    assert "formal_written_warning" in message
    reg.ok("officer", "escalate", case_id, "--incident", incident_id, *EMAIL_ONLY, *TERMS)
    message = refused(reg, "mgr", "escalate", case_id, "--incident", incident_id, *refuse)
    assert "awaiting approval" in message


def test_contact_refused_needs_behaviour_to_continue(reg: Reg, tmp_path: Path) -> None:
    """Contact is refused only on an incident after the approved formal written warning.

    Policy: "If the behaviour continues after warnings letters are issued, we may refuse
    further contact and refuse further responses."
    """
    case_id, incident_id = on_register(reg)
    warning_letter(reg, case_id, tmp_path / "formal-warning.md")
    refuse = ("--to", "contact_refused", *EMAIL_ONLY, *TERMS)
    message = refused(reg, "officer", "escalate", case_id, "--incident", incident_id, *refuse)
    assert "continued" in message and reg.today in message

    reg.today = "2026-12-10"
    later = incident(reg, case_id, "2026-12-05")
    reg.ok("officer", "escalate", case_id, "--incident", later, *refuse)
    reg.ok("head", "approve", case_id)
    entry = shown(reg, case_id, "front")["entry"]
    assert entry["on_register"] is True
    assert entry["step"] == "contact_refused"


def test_contact_refused_needs_warning_letter_issued(reg: Reg, tmp_path: Path) -> None:
    """Contact is refused only if the behaviour continued after the formal-warning letter.

    Policy: "If the behaviour continues after warnings letters are issued, we may refuse
    further contact and refuse further responses."
    """
    case_id, _ = on_register(reg)
    formal = decisions(reg, case_id)[-1]["id"]
    reg.today = "2026-12-10"
    later = incident(reg, case_id, "2026-12-05")
    refuse = ("--to", "contact_refused", *EMAIL_ONLY, *TERMS)
    message = refused(reg, "officer", "escalate", case_id, "--incident", later, *refuse)
    assert "no formal-warning letter" in message and formal in message
    warning_letter(reg, case_id, tmp_path / "formal-warning.md")
    message = refused(reg, "officer", "escalate", case_id, "--incident", later, *refuse)
    assert "formal-warning letter" in message and "2026-12-10" in message
    reg.ok("officer", "escalate", case_id, "--incident", continued(reg, case_id), *refuse)
    assert decisions(reg, case_id)[-1]["step"] == "contact_refused"


def test_restriction_needs_terms(reg: Reg) -> None:
    """A formal warning without a restriction, considerations, an essential-services route or
    a review date is refused, naming what is missing.

    Policy: "This decision will consider all factors including exceptional circumstances or
    barriers faced by yourself due to any known or advised protected characteristics, at risk
    factors, or other relevant reasons."
    """
    case_id, incident_id = warned(reg)
    base = ("escalate", case_id, "--incident", incident_id)
    considerations, essential, review = TERMS[0:2], TERMS[2:4], TERMS[4:6]
    assert "at least one restriction" in refused(reg, "officer", *base, *TERMS)
    assert "considerations" in refused(reg, "officer", *base, *EMAIL_ONLY, *essential, *review)
    assert "essential services" in refused(
        reg, "officer", *base, *EMAIL_ONLY, *considerations, *review
    )
    assert "review date" in refused(reg, "officer", *base, *EMAIL_ONLY, *considerations, *essential)


def test_review_date_within_interval(reg: Reg) -> None:
    """A review date more than six months on is refused.

    Policy: "All restrictions will be reviewed on a six-monthly basis or sooner if there are
    reasonable grounds to do so."
    """
    case_id, incident_id = warned(reg)
    too_late = (*TERMS[:4], "--review-by", "2027-05-29")
    message = refused(
        reg, "officer", "escalate", case_id, "--incident", incident_id, *EMAIL_ONLY, *too_late
    )
    assert "2027-05-29" in message and "2027-05-28" in message


def test_council_wide_scope_needs_reason(reg: Reg) -> None:
    """A council-wide restriction needs a reason; by default the scope is the service that
    suffered the behaviour.

    Policy: "The decision to manage a person's contact in an alternative way with a Council
    service must be reviewed and approved ..."
    """
    case_id, incident_id = warned(reg)
    base = ("escalate", case_id, "--incident", incident_id, *EMAIL_ONLY, *TERMS)
    assert "--scope-reason" in refused(reg, "officer", *base, "--scope", "council-wide")
    reg.ok("officer", *base)
    assert decisions(reg, case_id)[-1]["scope"] == "Customer Services"


def test_rejected_proposal_stays_off_register(reg: Reg) -> None:
    """A manager may reject a proposal with a reason; the case stays off the register.

    Policy: "The decision ... must be reviewed and approved by the relevant business manager /
    Head of Service."
    """
    case_id, _ = proposed(reg)
    reg.ok("mgr", "reject", case_id, "--reason", "Not proportionate yet.")
    rejected = decisions(reg, case_id)[-1]
    assert (rejected["status"], rejected["reject_reason"]) == ("rejected", "Not proportionate yet.")
    entry = shown(reg, case_id, "front")["entry"]
    assert entry["on_register"] is False
    assert "person" not in entry and entry["restrictions"] == []


# --- the register entry -----------------------------------------------------------------------


def test_entry_holds_details_only_once_approved(reg: Reg) -> None:
    """Before approval the entry holds no personal details; after it, the entry holds them,
    each restriction in plain words, the single point of contact and the review date.

    Policy: "The UCBR will provide your personal details and the nature and duration of the
    restriction in place, together with when this is to be reviewed."
    """
    restrictions = (
        "--only-channel",
        "email",
        "--contact-days",
        "mon,thu",
        "--contact-hours",
        "09:00-12:00",
        "--premises-ban",
        "Witney Town Hall",
        "--ban-until",
        "2027-02-01",
        "--spoc",
        "officer2",
    )
    person = ("--postcode", "OX28 6AB", "--email", "zoe@example.net", "--phone", "01993 123456")
    case_id, _ = proposed(reg, *restrictions, person=person, name="Zoë O'Brien")
    before = shown(reg, case_id, "front")
    assert before["entry"]["on_register"] is False
    assert "person" not in before["entry"] and before["entry"]["restrictions"] == []
    assert "Zoë" not in json.dumps(before)

    reg.ok("mgr", "approve", case_id)
    entry = shown(reg, case_id, "front")["entry"]
    assert entry["on_register"] is True
    assert entry["person"]["name"] == "Zoë O'Brien"
    assert entry["person"]["postcode"] == "OX28 6AB"
    assert entry["person"]["emails"] == ["zoe@example.net"]
    assert [r["kind"] for r in entry["restrictions"]] == [
        "single_channel",
        "contact_times",
        "premises_ban",
        "single_point_of_contact",
    ]
    for r in entry["restrictions"]:
        detail = Restriction.model_validate(r["detail"])
        assert r["plain"] == restriction_in_force(detail, "Customer Services")
        assert r["start"] == reg.today
    plain = " ".join(r["plain"] for r in entry["restrictions"])
    for words in (
        "Contact only by e-mail",
        "Mondays and Thursdays",
        "Covers the Customer Services service, until it is lifted or varied at review.",
        "09:00 to 12:00",
        "Witney Town Hall",
        "until 1 February 2027",
        "officer2",
    ):
        assert words in plain
    assert entry["single_point_of_contact"] == "officer2"
    assert entry["review_date"] == REVIEW_BY
    assert entry["appeal_in_progress"] is False
    assert SUMMARY not in json.dumps(entry)


def test_spoc_must_be_staff(reg: Reg) -> None:
    """A single point of contact who is not in the staff directory is refused.

    Policy: "restricting correspondence to a designated person, a Single Point of Contact
    ('SPOC')."
    """
    case_id, incident_id = warned(reg)
    message = refused(
        reg,
        "officer",
        "escalate",
        case_id,
        "--incident",
        incident_id,
        "--spoc",
        "nobody",
        *TERMS,
    )
    assert "--spoc" in message and "staff directory" in message and "nobody" not in message


def test_scheduler_and_frontline_cannot_escalate(reg: Reg) -> None:
    """Only casework staff give warnings or propose restrictions.

    Policy: "Access will be available to Council representatives who have regular contact
    with service users."
    """
    case_id, incident_id = reg.new_case()
    args = ("escalate", case_id, "--incident", incident_id, "--note", "Asked to stop.")
    refused(reg, "front", *args)
    refused(reg, "cron", *args)


# --- reasonable adjustments ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("adjustment", "restriction"),
    [
        ("no_email", ("--only-channel", "email")),
        ("no_written", ("--only-channel", "letter")),
        ("no_written", ("--only-channel", "email")),
    ],
)
def test_restriction_contradicting_adjustment_refused(
    reg: Reg, adjustment: str, restriction: tuple[str, str]
) -> None:
    """A restriction that contradicts a recorded reasonable adjustment is refused, naming it.

    Policy: "Any restrictions imposed will take into account your individual circumstances
    and ensure that you are not prevented from accessing essential services."
    """
    case_id, incident_id = warned(reg)
    reg.ok("officer", "adjustments", case_id, "--add", adjustment, "--note", "Told us by phone.")
    message = refused(
        reg, "officer", "escalate", case_id, "--incident", incident_id, *restriction, *TERMS
    )
    assert adjustment in message
    reg.ok(
        "officer",
        "escalate",
        case_id,
        "--incident",
        incident_id,
        "--only-channel",
        "telephone",
        *TERMS,
    )


def test_adjustment_checked_again_at_approval(reg: Reg) -> None:
    """An adjustment recorded after a proposal stops its approval, naming the adjustment.

    Policy: "Any restrictions imposed will take into account your individual circumstances."
    """
    case_id, _ = proposed(reg, *EMAIL_ONLY)
    reg.ok("officer", "adjustments", case_id, "--add", "no_email")
    message = refused(reg, "mgr", "approve", case_id)
    assert "no_email" in message


def test_refusals_name_no_personal_data(reg: Reg) -> None:
    """Refusals carry ids, steps and dates, never the person's details.

    Policy: "All details on UCBR are strictly confidential."
    """
    name, mail = "Rosalind Quennell-Ashworth", "rq@example.net"
    case_id, incident_id = reg.new_case("officer", "--email", mail, name=name)
    reg.ok("officer", "adjustments", case_id, "--add", "no_email")
    messages = [
        refused(reg, "officer", "escalate", case_id, "--incident", incident_id),
        refused(
            reg,
            "officer",
            "escalate",
            case_id,
            "--incident",
            incident_id,
            "--to",
            "formal_written_warning",
            *EMAIL_ONLY,
            *TERMS,
        ),
        refused(reg, "officer", "adjustments", case_id, "--add", "no_email"),
        refused(reg, "mgr", "approve", case_id),
    ]
    for message in messages:
        assert name not in message and mail not in message and SUMMARY not in message
