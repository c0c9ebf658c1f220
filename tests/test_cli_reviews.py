"""Reviews, appeals and property risks, end to end through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.regkit import Reg
from tests.test_cli_policy import (
    EMAIL_ONLY,
    TERMS,
    continued,
    decisions,
    incident,
    on_register,
    refused,
    shown,
)

pytestmark = pytest.mark.e2e

NAME = "Bertram Reviewable"
LETTER_ONLY = ("--only-channel", "letter")
NEW_TERMS = (
    "--considerations",
    "Reviewed; no protected characteristics known.",
    "--essential-services",
    "By letter to the council offices.",
    "--review-by",
    "2027-04-01",
)


def letter(reg: Reg, case_id: str, kind: str, folder: Path) -> Path:
    out = folder / f"{case_id}-{kind}.md"
    reg.ok("officer", "letter", case_id, "--kind", kind, "--format", "md", "--out", str(out))
    return out


def found(reg: Reg, query: str = NAME) -> str:
    return reg.ok("front", "lookup", query)


def due(reg: Reg, *extra: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = json.loads(
        reg.run("cron", "review-due", "--within", "30", "--json", *extra).out
    )["items"]
    return items


def review(reg: Reg, case_id: str, *args: str, by: str = "officer", approver: str = "mgr") -> str:
    """Review a case; a continuation is then approved by ``approver``, as it must be."""
    out = reg.ok(by, "review", case_id, "--reasons", "No evident change in behaviour.", *args)
    if "continue" in args:
        reg.ok(approver, "approve", case_id)
    return out


# --- reviews ------------------------------------------------------------------------------


def test_continue_sets_next_review_within_interval(reg: Reg) -> None:
    """Continuing a restriction sets the next review at most six months on; a later date is
    refused.

    Policy: "Restrictions will stay in place where there is no evident change in the
    behaviours described within this Policy."
    """
    case_id, _ = on_register(reg, name=NAME)
    message = refused(
        reg,
        "officer",
        "review",
        case_id,
        "--outcome",
        "continue",
        "--reasons",
        "No change.",
        "--next-review",
        "2027-05-29",
    )
    assert "2027-05-29" in message and "2027-05-28" in message
    review(reg, case_id, "--outcome", "continue", "--next-review", "2027-03-01")
    assert shown(reg, case_id, "front")["entry"]["review_date"] == "2027-03-01"
    assert "Review date: 1 March 2027" in found(reg)
    review(reg, case_id, "--outcome", "continue")
    schedule = shown(reg, case_id, "cron")["schedule"]
    assert (schedule["on_register"], schedule["next_review"]) == (True, "2027-05-28")


def test_lift_only_with_significant_change(reg: Reg, tmp_path: Path) -> None:
    """Lifting needs a significant change; it takes the case off the register and leaves a
    restriction-ended letter owed until one is issued.

    Policy: "Restrictions will only be removed if there has been significant change in your
    communication and / or behaviour or if there is a change in circumstances."
    """
    case_id, _ = on_register(reg, name=NAME)
    letter(reg, case_id, "formal-warning", tmp_path)
    message = refused(
        reg, "officer", "review", case_id, "--outcome", "lift", "--reasons", "Calmer lately."
    )
    assert "significant change" in message
    review(reg, case_id, "--outcome", "lift", "--significant-change")

    assert found(reg).startswith("Nothing on the register matches")
    entry = shown(reg, case_id, "front")["entry"]
    assert entry["on_register"] is False and "person" not in entry
    assert decisions(reg, case_id)[-1]["status"] == "lifted"
    owed = [(i["id"], i["what"], i["detail"]) for i in due(reg)]
    assert owed == [(case_id, "letter to send", "restriction-ended")]

    reg.today = "2026-12-10"
    result = reg.run("officer", "check")
    assert result.code == 5
    assert "no restriction-ended letter was issued" in result.out

    letter(reg, case_id, "restriction-ended", tmp_path)
    assert due(reg) == []
    assert reg.run("officer", "check").code == 0


def test_vary_needs_approval(reg: Reg) -> None:
    """Varying a restriction at review is a proposal; the old terms stay until a manager
    approves the new ones.

    Policy: "The decision to manage a person's contact in an alternative way with a Council
    service must be reviewed and approved by the relevant business manager / Head of Service."
    """
    case_id, _ = on_register(reg, name=NAME)
    original = decisions(reg, case_id)[-1]["id"]
    review(reg, case_id, "--outcome", "vary", *LETTER_ONLY, *NEW_TERMS, by="mgr")
    variation = decisions(reg, case_id)[-1]
    assert (variation["status"], variation["variation_of"]) == ("proposed", original)
    assert "Contact only by e-mail" in found(reg)
    assert (case_id, "approval pending") in {(i["id"], i["what"]) for i in due(reg)}
    assert "you proposed" in refused(reg, "mgr", "approve", case_id)

    reg.ok("head", "approve", case_id)
    out = found(reg)
    assert "Contact only by letter" in out and "e-mail" not in out
    assert "Review date: 1 April 2027" in out
    statuses = {d["id"]: d["status"] for d in decisions(reg, case_id)}
    assert (statuses[original], statuses[variation["id"]]) == ("superseded", "approved")


def test_reviews_may_be_early_and_late_is_recorded(reg: Reg) -> None:
    """A review held before its date is not late; one held after it is recorded as late.

    Policy: "All restrictions will be reviewed on a six-monthly basis or sooner if there are
    reasonable grounds to do so."
    """
    case_id, _ = on_register(reg, name=NAME)
    out = review(reg, case_id, "--outcome", "continue", "--next-review", "2027-01-15")
    assert "held late" not in out
    reg.today = "2027-01-20"
    out = review(reg, case_id, "--outcome", "continue")
    assert "(held late)" in out
    early, late = shown(reg, case_id)["record"]["reviews"]
    assert (early["late"], early["due"]) == (False, "2027-05-01")
    assert (late["late"], late["due"], late["date"]) == (True, "2027-01-15", "2027-01-20")


def test_check_reports_overdue_review(reg: Reg, tmp_path: Path) -> None:
    """`ucbr check` reports a restriction whose review is overdue (exit 5) until it is held.

    Policy: "All restrictions will be reviewed on a six-monthly basis."
    """
    case_id, _ = on_register(reg, name=NAME)
    letter(reg, case_id, "formal-warning", tmp_path)
    assert reg.run("officer", "check").code == 0
    reg.today = "2027-05-03"
    result = reg.run("officer", "check")
    assert result.code == 5
    assert f"{case_id}: restriction review overdue since 2027-05-01 (2 days)" in result.out
    assert NAME not in result.out + result.err
    review(reg, case_id, "--outcome", "continue")
    assert reg.run("officer", "check").code == 0


def test_not_notifying_needs_reason(reg: Reg) -> None:
    """Not telling the person the review outcome needs a recorded reason.

    Policy: "Where it is appropriate, we will notify you that the restriction has been
    reviewed and the outcome of that review."
    """
    case_id, _ = on_register(reg, name=NAME)
    assert "reason" in refused(
        reg,
        "officer",
        "review",
        case_id,
        "--outcome",
        "continue",
        "--reasons",
        "No change.",
        "--no-notify",
    )
    review(
        reg,
        case_id,
        "--outcome",
        "continue",
        "--no-notify",
        "--no-notify-reason",
        "Contact would restart the cycle.",
    )
    [done] = shown(reg, case_id)["record"]["reviews"]
    assert (done["notify"], done["no_notify_reason"]) == (False, "Contact would restart the cycle.")


# --- appeals ------------------------------------------------------------------------------


def test_appeal_within_one_month_or_late_reason(reg: Reg) -> None:
    """An appeal within one month of the decision is lodged; a later one needs a reason. A
    month from 28 November 2026 is Monday 28 December, a bank holiday (Boxing Day moved), so
    the deadline is the next working day, 29 December.

    Policy: "You have the right to appeal the decision to be added to the UCBR ... within one
    month of the decision made."
    """
    in_time, _ = on_register(reg, name=NAME)
    late, _ = on_register(reg, name="Lena Lateappeal")
    reg.today = "2027-01-10"
    reg.ok("officer", "appeal", "lodge", in_time, "--received", "2026-12-29")
    message = refused(reg, "officer", "appeal", "lodge", late, "--received", "2026-12-30")
    assert "deadline (2026-12-29)" in message
    reg.ok(
        "officer",
        "appeal",
        "lodge",
        late,
        "--received",
        "2026-12-30",
        "--late-reason",
        "Posted before the deadline; delayed by the post office.",
    )
    [appeal] = shown(reg, late)["record"]["appeals"]
    assert appeal["late_reason"].startswith("Posted before the deadline")


def test_entry_stays_during_appeal(reg: Reg) -> None:
    """While an appeal is pending the restrictions stay and lookup says an appeal is in
    progress.

    Policy: "The UCBR entry and restrictions remain in place until the outcome of the appeal
    is decided. A note is added to the register entry to denote that the appeal is in
    progress."
    """
    case_id, _ = on_register(reg, name=NAME)
    reg.ok("officer", "appeal", "lodge", case_id, "--received", reg.today)
    out = found(reg)
    assert "APPEAL IN PROGRESS" in out
    assert "Contact only by e-mail" in out
    entry = shown(reg, case_id, "front")["entry"]
    assert (entry["on_register"], entry["appeal_in_progress"]) == (True, True)
    reg.ok(
        "head",
        "appeal",
        "decide",
        case_id,
        "--outcome",
        "upheld",
        "--reasons",
        "The behaviour was as recorded.",
    )
    out = found(reg)
    assert "APPEAL IN PROGRESS" not in out and "Contact only by e-mail" in out


def _approver_conflict(reg: Reg) -> str:
    case_id, _ = on_register(reg, name=NAME, approver="mgr")
    return case_id


def _proposer_conflict(reg: Reg) -> str:
    case_id, incident_id = reg.new_case("officer", name=NAME)
    reg.ok("mgr", "escalate", case_id, "--incident", incident_id, "--note", "Asked to stop.")
    reg.ok("mgr", "escalate", case_id, "--incident", continued(reg, case_id))
    reg.send("mgr", case_id, "informal-warning")
    reg.ok("mgr", "escalate", case_id, "--incident", continued(reg, case_id), *EMAIL_ONLY, *TERMS)
    reg.ok("head", "approve", case_id)
    return case_id


def _reporter_conflict(reg: Reg) -> str:
    case_id, incident_id = reg.new_case("mgr", name=NAME)
    reg.ok("officer", "escalate", case_id, "--incident", incident_id, "--note", "Asked to stop.")
    reg.ok("officer", "escalate", case_id, "--incident", continued(reg, case_id))
    reg.send("officer", case_id, "informal-warning")
    relied_on = ("--incident", incident_id, "--incident", continued(reg, case_id))
    reg.ok("officer", "escalate", case_id, *relied_on, *EMAIL_ONLY, *TERMS)
    reg.ok("head", "approve", case_id)
    return case_id


def _history_conflict(reg: Reg) -> str:
    case_id, _ = on_register(reg, name=NAME, approver="head")
    incident(reg, case_id, "2026-11-25", by="mgr")
    return case_id


@pytest.mark.parametrize(
    ("make", "conflict"),
    [
        (_approver_conflict, "you approved decision"),
        (_proposer_conflict, "you proposed decision"),
        (_reporter_conflict, "you reported incident"),
        (_history_conflict, "git history shows you worked on decision"),
    ],
    ids=["approver", "proposer", "reporter", "history"],
)
def test_appeal_decided_by_officer_not_involved(reg: Reg, make: object, conflict: str) -> None:
    """An officer involved in the original decision (reporter, proposer, approver, or in the
    git history) cannot decide the appeal; the refusal names the conflict.

    Policy: "it will be considered by an Officer who was not involved in the original
    decision to restrict access."
    """
    assert callable(make)
    case_id = make(reg)
    reg.ok("officer", "appeal", "lodge", case_id, "--received", reg.today)
    message = refused(
        reg,
        "mgr",
        "appeal",
        "decide",
        case_id,
        "--outcome",
        "overturned",
        "--reasons",
        "Not proportionate.",
    )
    assert conflict in message and "not involved" in message
    assert NAME not in message


def test_overturned_appeal_ends_restriction(reg: Reg, tmp_path: Path) -> None:
    """An overturned appeal removes the restrictions: the case leaves the register and a
    restriction-ended letter is owed; the outcome letter names the LGSCO.

    Policy: "You have the right to appeal the decision to be added to the UCBR, including an
    external review by the LGSCO."
    """
    case_id, _ = on_register(reg, name=NAME)
    letter(reg, case_id, "formal-warning", tmp_path)
    reg.ok("officer", "appeal", "lodge", case_id, "--received", reg.today)
    reg.ok(
        "head",
        "appeal",
        "decide",
        case_id,
        "--outcome",
        "overturned",
        "--reasons",
        "The restriction was not proportionate.",
    )
    assert found(reg).startswith("Nothing on the register matches")
    assert decisions(reg, case_id)[-1]["status"] == "overturned"
    assert [(i["what"], i["detail"]) for i in due(reg)] == [("letter to send", "restriction-ended")]
    outcome = letter(reg, case_id, "appeal-outcome", tmp_path).read_text()
    assert "Local Government and Social Care Ombudsman" in outcome or "LGSCO" in outcome
    letter(reg, case_id, "restriction-ended", tmp_path)
    assert due(reg) == []


def second_manager(reg: Reg, folder: Path) -> str:
    """Add a manager who had no part in any decision so far, with a key of their own."""
    key = folder / "mgr2.txt"
    recipient = reg.ok("mgr", "keys", "new", "--no-passphrase", "--out", str(key)).strip()
    reg.ok(
        "mgr", "staff", "add", "mgr2", "--name", "Max Second", "--email",
        "mgr2@council.example", "--role", "manager", "--recipient", recipient,
    )  # fmt: skip
    reg.keys["mgr2"] = key
    return "mgr2"


def test_varied_appeal_needs_approval(reg: Reg, tmp_path: Path) -> None:
    """An appeal decided as varied proposes new terms that need approval by someone not involved
    in the original decision; the old terms stay until then.

    Policy: "The UCBR entry and restrictions remain in place until the outcome of the appeal
    is decided." and "it will be considered by an Officer who was not involved in the original
    decision to restrict access."
    """
    case_id, _ = on_register(reg, name=NAME)
    reg.ok("officer", "appeal", "lodge", case_id, "--received", reg.today)
    reg.ok(
        "head",
        "appeal",
        "decide",
        case_id,
        "--outcome",
        "varied",
        "--reasons",
        "Letter contact suits better.",
        *LETTER_ONLY,
        *NEW_TERMS,
    )
    assert decisions(reg, case_id)[-1]["status"] == "proposed"
    assert "Contact only by e-mail" in found(reg)
    assert "you proposed" in refused(reg, "head", "approve", case_id)
    message = refused(reg, "mgr", "approve", case_id)
    assert "you proposed or approved decision" in message and "not involved" in message
    # A small council: every manager and head of service had a part. Say so, and who may.
    assert "nobody in the staff directory" in message
    assert "a head of service or a manager of another service" in message
    reg.ok(second_manager(reg, tmp_path), "approve", case_id)
    out = found(reg)
    assert "Contact only by letter" in out and "APPEAL IN PROGRESS" not in out
    [appeal] = shown(reg, case_id)["record"]["appeals"]
    assert (appeal["outcome"], appeal["decided_by"]) == ("varied", "head")


# --- property risks --------------------------------------------------------------------------

ADDRESS = ("--address", "3 Kennel Close, Witney", "--postcode", "OX28 3KC")
RISK = ("--risk", "dangerous_animal", "--guidance", "Attend in pairs; phone ahead.")
NOT_NOTIFIED = ("--not-notified-reason", "The risk is to visiting staff, not a restriction.")


def add_property(reg: Reg, *extra: str, by: str = "officer") -> str:
    out = reg.ok(by, "property", "add", *ADDRESS, *RISK, *NOT_NOTIFIED, *extra)
    return out.split(":")[0]


@pytest.mark.parametrize("uprn", ["12a", "1234567890123", "-1"])
def test_uprn_is_1_to_12_digits(reg: Reg, uprn: str) -> None:
    """A UPRN that is not 1 to 12 digits is refused.

    Policy: "Restrictions on properties can be added to the UCBR without notifying the owner
    of the property."
    """
    message = refused(
        reg, "officer", "property", "add", *ADDRESS, *RISK, *NOT_NOTIFIED, "--uprn", uprn
    )
    assert "UPRN" in message


def test_property_risk_needs_guidance(reg: Reg) -> None:
    """A property risk without guidance for attending is refused.

    Policy: "we are instead highlighting risks at the property and providing guidance for
    attendance."
    """
    message = refused(
        reg,
        "officer",
        "property",
        "add",
        *ADDRESS,
        "--risk",
        "weapons",
        "--guidance",
        " ",
        *NOT_NOTIFIED,
    )
    assert "guidance" in message
    assert (
        reg.run("officer", "property", "add", *ADDRESS, "--risk", "weapons", *NOT_NOTIFIED).code
        == 2
    )


def test_property_risk_kinds_from_policy_list(reg: Reg) -> None:
    """A risk kind outside the policy's list is refused, listing the kinds.

    Policy: "Examples of potential property / premise risk could include ..."
    """
    message = refused(
        reg,
        "officer",
        "property",
        "add",
        *ADDRESS,
        "--risk",
        "grumpy",
        "--guidance",
        "Knock loudly.",
        *NOT_NOTIFIED,
    )
    assert "grumpy" in message and "dangerous-animal" in message


def test_special_category_risk_needs_condition(reg: Reg) -> None:
    """Special-category risks need the lawful condition stated.

    Policy: "The quantity of personal data added to the UCBR will be limited to what the
    Council considers necessary to meet the stated purposes of the UCBR."
    """
    args = (
        *ADDRESS,
        "--risk",
        "mental_health",
        "--guidance",
        "Attend with a colleague.",
        *NOT_NOTIFIED,
    )
    assert "condition" in refused(reg, "officer", "property", "add", *args)
    reg.ok("officer", "property", "add", *args, "--condition", "DPA 2018 Sch 1 para 10.")


def test_property_owner_not_notified_reason(reg: Reg) -> None:
    """The owner is not notified, and the file records why.

    Policy: "Restrictions on properties can be added to the UCBR without notifying the owner
    of the property. This is because we are not restricting your access to services."
    """
    assert "--not-notified-reason" in refused(reg, "officer", "property", "add", *ADDRESS, *RISK)
    prop = add_property(reg, "--uprn", "100023336956")
    record = shown(reg, prop)["record"]
    assert record["not_notified_reason"] == NOT_NOTIFIED[1]
    assert record["uprn"] == "100023336956"


def test_property_risk_needs_approval_and_has_no_end_date(reg: Reg) -> None:
    """A property risk is a proposal until a manager approves it; it then has a review date
    but no end date.

    Policy: "Restrictions on properties do not require defined timescales as they can be left
    on indefinitely if the risk continues to exist."
    """
    prop = add_property(reg, by="mgr")
    assert found(reg, "3 Kennel Close, Witney").startswith("Nothing on the register")
    assert "you proposed" in refused(reg, "mgr", "property", "approve", prop)
    assert "head of service" in refused(reg, "officer", "property", "approve", prop)
    assert (
        reg.run(
            "officer", "property", "add", *ADDRESS, *RISK, *NOT_NOTIFIED, "--until", "2027-01-01"
        ).code
        == 2
    )
    reg.ok("head", "property", "approve", prop)
    assert found(reg, "OX28 3KC").startswith(prop)
    record = shown(reg, prop)["record"]
    assert record["decision"]["status"] == "approved"
    assert "ended_on" not in record["decision"] and "until" not in record
    assert record["next_review"] == "2027-05-28"


def test_property_review_continue_and_lift(reg: Reg) -> None:
    """A property risk is reviewed like a restriction: continue moves the review on six
    months, lift takes it off the register.

    Policy: "All restrictions will be reviewed on a six-monthly basis."
    """
    prop = add_property(reg)
    reg.ok("mgr", "property", "approve", prop)
    reg.today = "2027-03-01"
    reg.ok(
        "officer",
        "property",
        "review",
        prop,
        "--outcome",
        "continue",
        "--reasons",
        "The dog is still there.",
    )
    assert shown(reg, prop, "cron")["schedule"]["next_review"] == "2027-09-01"
    assert "Review date: 1 September 2027" in found(reg, "OX28 3KC")
    reg.ok(
        "officer",
        "property",
        "review",
        prop,
        "--outcome",
        "lift",
        "--reasons",
        "The dog has been rehomed.",
    )
    assert found(reg, "OX28 3KC").startswith("Nothing on the register")
    assert due(reg, "--within", "400") == []
    assert [r["outcome"] for r in shown(reg, prop)["record"]["reviews"]] == ["continue", "lift"]
