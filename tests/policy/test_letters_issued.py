"""Letters issued: the record that the person was told.

One test per rule of the council's policy, each quoting the sentence it enforces.
"""

from __future__ import annotations

import datetime as dt

from tests.policy_helpers import (
    CFG,
    TODAY,
    case_with_warnings,
    ctx,
    issue_letter,
    letter,
    new_id,
    proposed_case,
    refused,
    registered_case,
)
from ucbr.domain import faults, policy, views
from ucbr.domain.model import LetterIssued

# --- letters --------------------------------------------------------------------------------------


def test_letter_is_about_the_case() -> None:
    """A letter recorded on a case is about one of that case's own records.

    Policy: "The UCBR will provide your personal details and the nature and duration of the
    restriction in place, together with when this is to be reviewed."
    """
    case, decision = registered_case()
    letter = LetterIssued(
        id=new_id("L"),
        kind="formal-warning",
        date=TODAY,
        about="D-ZZZZZZZZ",
        format="pdf",
        template_sha256="0" * 64,
        sha256="1" * 64,
        by="officer",
        policy="0123456789ab",
    )
    with refused("not in case"):
        policy.record_letter(case, letter)
    before = len(case.letters)
    case = policy.record_letter(case, letter.model_copy(update={"about": decision.id}))
    assert len(case.letters) == before + 1


def test_the_same_letter_in_a_second_format_is_one_letter() -> None:
    """A PDF and an md of the same letter on the same day are one letter: the second is
    recorded as a copy of the first, with its own hashes; a later day's letter is a new one.

    Policy: "The UCBR will provide your personal details and the nature and duration of the
    restriction in place, together with when this is to be reviewed."
    """
    case, decision = registered_case()
    first = letter("formal-warning", decision.id)
    case = policy.record_letter(case, first)
    again = letter("formal-warning", decision.id).model_copy(update={"format": "md"})
    case = policy.record_letter(case, again)
    assert [x.copy_of for x in case.letters if x.kind == "formal-warning"] == [None, first.id]
    later = letter("formal-warning", decision.id, TODAY + dt.timedelta(days=1))
    case = policy.record_letter(case, later)
    assert case.letters[-1].copy_of is None


def test_the_informal_written_warning_letter_is_owed_tracked_and_checked() -> None:
    """Step 2 owes its letter: the schedule lists it from the day of the warning, `check`
    flags it once late, and it is no longer owed once sent or once step 3 is decided.

    Policy: "Following a verbal warning, if the behaviour continues to be unacceptable, an
    informal written warning letter will be sent to remind you of our expected behaviours."
    """
    case, _ = case_with_warnings(2, letter_sent=False)
    informal = case.decisions[-1]
    assert informal.step == "informal_written_warning"
    assert views.letters_owed(case) == [("informal-warning", TODAY, informal.id)]
    assert ("letter", TODAY, "informal-warning") in {
        (i.what, i.due, i.detail) for i in views.schedule_of(case, CFG).items
    }
    late = TODAY + dt.timedelta(days=11)
    [problem] = faults.case_problems(case, CFG, late)
    assert f"informal written warning {informal.id} given on {TODAY}" in problem.message
    sent = issue_letter(case, "informal-warning", informal.id)
    assert views.letters_owed(sent) == [] and faults.case_problems(sent, CFG, late) == []
    step3, _ = policy.approve(proposed_case()[0], ctx("manager"))
    assert not [k for k, _, _ in views.letters_owed(step3) if k == "informal-warning"]
