"""Rules that once lived in two places now live in one, and every reader agrees with it.

Each test reproduces a disagreement the register once had: a letter promising an appeal
date the policy refused, a frontline report the audit called a breach, a single point of
contact accepted by one command and refused by the next, and three review dates.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.policy_helpers import (
    CFG,
    POLICY_HASH,
    STAFF,
    TODAY,
    ctx,
    issue_letter,
    refused,
    registered_case,
    restricting_req,
)
from tests.regkit import Reg
from ucbr.domain import policy, views
from ucbr.domain.dates import add_months
from ucbr.domain.model import Restriction
from ucbr.domain.staff import StaffDirectory
from ucbr.domain.words import long_date
from ucbr.services.letters import render_letter


def test_a_letters_appeal_date_is_the_date_appeal_lodge_accepts() -> None:
    """A formal warning sent late promises a later appeal date; lodging by then is accepted.

    Policy: "You have the right to appeal … within one month of the decision made".
    """
    case, formal = registered_case()
    told_on = add_months(TODAY, 1) + dt.timedelta(days=10)  # after the policy's month
    case = issue_letter(case, "formal-warning", formal.id, told_on)
    letter = render_letter(case, "formal-warning", "md", CFG, POLICY_HASH, STAFF, told_on)
    promised = add_months(told_on, 1)
    assert f"reaches us by {long_date(promised)}" in " ".join(letter.content.decode().split())
    _, appeal = policy.lodge_appeal(case, promised, None, ctx("officer", promised))
    assert appeal.late_reason is None
    after = promised + dt.timedelta(days=1)
    with refused(f"after the deadline \\({promised}\\)"):
        policy.lodge_appeal(case, after, None, ctx("officer", after))


def test_a_letters_review_date_is_the_registers_next_review() -> None:
    """After a review sets the next date, the entry, the schedule and a letter all give it."""
    case, _ = registered_case()
    later = TODAY + dt.timedelta(days=30)
    next_on = later + dt.timedelta(days=60)
    req = policy.ReviewRequest(outcome="continue", reasons="No change.", next_review=next_on)
    case, _ = policy.review(case, req, ctx("officer", later))
    case, _ = policy.approve(case, ctx("manager", later))
    assert views.next_review(case) == next_on
    assert views.entry_of(case).review_date == next_on
    assert views.schedule_of(case, CFG).next_review == next_on
    letter = render_letter(case, "upcoming-review", "md", CFG, POLICY_HASH, STAFF, later)
    assert f"We will review them by {long_date(next_on)}" in letter.content.decode()


@pytest.mark.e2e
def test_frontline_reports_an_incident_and_the_audit_agrees(reg: Reg) -> None:
    """A frontline officer's `add-incident --new` is allowed, so the audit finds it clean."""
    reg.new_case("front")
    result = reg.run("ig", "audit")
    assert result.code == 0, result.out


@pytest.mark.e2e
def test_a_review_varying_to_an_unknown_contact_is_refused_at_once(reg: Reg) -> None:
    """`review --outcome vary --spoc nobody` is refused, changing nothing, not later at `letter`."""
    case, incident = reg.new_case("front", "--serious")
    reg.ok("officer", "escalate", case, "--incident", incident, "--to", "formal_written_warning",
           "--bypass", incident, "--bypass-reason", "Pushed a chair at staff.",
           "--only-channel", "letter", "--considerations", "None known.",
           "--essential-services", "By letter.", "--review-by", "2027-01-15")  # fmt: skip
    reg.ok("mgr", "approve", case)
    before = reg.state()
    result = reg.run("officer", "review", case, "--outcome", "vary", "--reasons", "Calmer now.",
                     "--spoc", "nobody")  # fmt: skip
    assert result.code == 1
    assert "single point of contact" in result.err
    assert reg.state() == before


def test_approval_checks_the_contact_is_still_staff() -> None:
    """A contact who left between proposal and approval stops the approval."""
    case, _ = registered_case()
    spoc = Restriction(kind="single_point_of_contact", staff="officer2")
    incident = case.incidents[-1].id
    variation = restricting_req((incident,), restrictions=(spoc,), to=None)
    later = TODAY + dt.timedelta(days=7)
    req = policy.ReviewRequest(outcome="vary", reasons="Too many calls.", variation=variation)
    case, _ = policy.review(case, req, ctx("officer", later))
    without = StaffDirectory(staff=[s for s in STAFF.staff if s.id != "officer2"])
    gone = policy.Ctx(
        today=later,
        cfg=CFG,
        policy_hash=POLICY_HASH,
        actor=ctx("manager").actor,
        new_id=ctx().new_id,
        staff=without,
    )
    with refused("single point of contact"):
        policy.approve(case, gone)
    approved, _ = policy.approve(case, ctx("manager", later))
    assert views.entry_of(approved).single_point_of_contact == "officer2"
