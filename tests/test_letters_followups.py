"""Letters after the decision: one appeal deadline, the right route and signatory, owed letters."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.letter_fixtures import (
    APPEAL,
    CFG,
    DECIDED_APPEAL,
    FORMAL,
    INFORMAL,
    POLICY,
    REFUSED,
    REVIEW,
    STAFF,
    TODAY,
    VERBAL,
    case,
    ended_case,
)
from ucbr.domain.faults import case_problems
from ucbr.domain.letters import LetterRefused
from ucbr.domain.model import Case, LetterIssued, LetterKind, Restriction
from ucbr.domain.policy import appeal_deadline
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.views import letters_owed, schedule_of
from ucbr.services.letters import render_letter

CONTRADICTION = "The Ombudsman will usually expect you to have used our appeal first."
COMPLAINT = "you can complain to us through our complaints procedure, quoting reference C-7F3K2QHM"


def text(facts: Case, kind: LetterKind, today: dt.date = TODAY, fmt: str = "md") -> str:
    letter = render_letter(facts, kind, fmt, CFG, POLICY, STAFF, today)  # type: ignore[arg-type]
    inline = re.sub(r"</?span[^>]*>", "", letter.content.decode())  # the reference kept whole
    return " ".join(inline.split())


def issued(kind: LetterKind, about: str, on: dt.date) -> LetterIssued:
    return LetterIssued(
        id="L-00000001",
        kind=kind,
        date=on,
        about=about,
        format="md",
        template_sha256="0" * 64,
        sha256="1" * 64,
        by="officer1",
        policy=POLICY,
    )


def overturned_case(*letters: LetterIssued) -> Case:
    ended = FORMAL.model_copy(update={"status": "overturned", "ended_on": dt.date(2026, 3, 2)})
    appeal = DECIDED_APPEAL.model_copy(update={"outcome": "overturned"})
    return case(decisions=(ended,), appeals=(appeal,), letters=letters)


# --- 1. no internal appeal: the complaint route, signed by who ended it ------------------


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_restriction_ended_gives_complaint_route_not_appeal(fmt: str) -> None:
    """A restriction-ended letter offers a complaint then the LGSCO, never "our appeal first"."""
    letter = text(ended_case(), "restriction-ended", fmt=fmt)
    assert "There is no decision here for you to appeal against" in letter
    assert COMPLAINT in letter
    assert "Local Government and Social Care Ombudsman (LGSCO)" in letter
    assert CONTRADICTION not in letter


def test_appeal_outcome_gives_complaint_route() -> None:
    """The appeal outcome ends the appeal process and says a complaint can still be made."""
    letter = text(case(decisions=(FORMAL,), appeals=(DECIDED_APPEAL,)), "appeal-outcome")
    assert "This is the end of our appeal process." in letter
    assert COMPLAINT in letter
    assert CONTRADICTION not in letter


def test_restriction_ended_at_review_signed_by_the_reviewer() -> None:
    """A restriction lifted at review is signed by the reviewer, with their job title, not
    the original approver; the footer names the reference, never the policy version."""
    letter = text(ended_case(), "restriction-ended")
    assert letter.endswith(
        "Yours sincerely, Hana Head Head of Service West Oxfordshire District Council (demo) --- "
        "Our reference C-7F3K2QHM. Please quote it when you contact us."
    )
    assert POLICY not in letter
    assert "Maya Manager" not in letter


def test_restriction_ended_on_appeal_signed_by_the_appeal_decider() -> None:
    """A restriction overturned on appeal is signed by the officer who decided the appeal."""
    decider = DECIDED_APPEAL.model_copy(update={"decided_by": "spoc1", "outcome": "overturned"})
    ended = FORMAL.model_copy(update={"status": "overturned", "ended_on": dt.date(2026, 3, 2)})
    letter = text(case(decisions=(ended,), appeals=(decider,)), "restriction-ended")
    assert "Yours sincerely, Sam Pointer" in letter
    assert "Maya Manager" not in letter


# --- 2. one appeal deadline for every letter -----------------------------------------------


def test_appeal_deadline_runs_from_the_decision() -> None:
    """The window runs from the approval of the decision; told in time, nothing is extended."""
    told = case(decisions=(FORMAL,), letters=(issued("formal-warning", FORMAL.id, TODAY),))
    late_today = dt.date(2026, 6, 1)
    assert appeal_deadline(told, FORMAL, CFG, late_today, tells_decision=True) == (
        dt.date(2026, 3, 25),
        None,
    )


def test_late_first_letter_extends_the_window_for_every_later_letter() -> None:
    """A late formal-warning letter re-opens the window; the review letters state the same date."""
    late = dt.date(2026, 4, 1)
    facts = case(
        decisions=(VERBAL, INFORMAL, FORMAL),
        reviews=(REVIEW.model_copy(update={"date": dt.date(2026, 4, 10)}),),
        letters=(issued("formal-warning", FORMAL.id, late),),
    )
    expected = "we will accept your appeal if it reaches us by 1 May 2026"
    for kind in ("formal-warning", "upcoming-review", "review-outcome"):
        assert expected in text(facts, kind, today=dt.date(2026, 4, 20)), kind  # type: ignore[arg-type]


def test_review_that_continues_does_not_reopen_the_window() -> None:
    """A review that continues the restriction is not a new decision: the window stays closed."""
    facts = case(
        decisions=(FORMAL,),
        reviews=(REVIEW.model_copy(update={"date": dt.date(2026, 6, 1)}),),
        letters=(issued("formal-warning", FORMAL.id, dt.date(2026, 2, 26)),),
    )
    for kind in ("review-outcome", "upcoming-review"):
        letter = text(facts, kind, today=dt.date(2026, 6, 2))  # type: ignore[arg-type]
        assert "decision on 25 February 2026, ended on 25 March 2026" in letter, kind
        assert "we will accept your appeal" not in letter


def test_review_that_varies_gives_the_variation_its_own_window() -> None:
    """A varied restriction is a new decision: its window runs from the variation's approval."""
    varied = FORMAL.model_copy(
        update={"id": "D-00000009", "variation_of": FORMAL.id, "approved_on": dt.date(2026, 6, 1)}
    )
    review = REVIEW.model_copy(update={"date": dt.date(2026, 5, 30), "outcome": "vary"})
    facts = case(
        decisions=(FORMAL.model_copy(update={"status": "superseded"}), varied), reviews=(review,)
    )
    letter = text(facts, "review-outcome", today=dt.date(2026, 6, 2))
    assert "within one month of the decision on 1 June 2026, that is by 1 July 2026" in letter


# --- 3. an appeal in progress ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["formal-warning", "contact-refused"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_reissued_letter_says_the_appeal_is_in_progress(kind: LetterKind, fmt: str) -> None:
    """Policy: "The UCBR entry and restrictions remain in place until the outcome of the appeal"."""
    decision = FORMAL if kind == "formal-warning" else REFUSED
    pending = APPEAL.model_copy(update={"decision": decision.id})
    letter = text(case(decisions=(decision,), appeals=(pending,)), kind, fmt=fmt)
    letter = letter.replace("<p>", "").replace("</p>", "")
    assert "We received your appeal against this decision on 27 February 2026" in letter
    assert "You do not need to appeal again." in letter
    assert "You can appeal against this decision" not in letter


def test_decided_appeal_does_not_count_as_in_progress() -> None:
    """Once the appeal is decided the letter no longer says it is in progress."""
    letter = text(case(decisions=(FORMAL,), appeals=(DECIDED_APPEAL,)), "formal-warning")
    assert "You do not need to appeal again." not in letter


# --- 4. refusals say what became of the decision -------------------------------------------


ENDED_REFUSALS = [
    (
        "superseded",
        "C-7F3K2QHM: decision D-00000003 was superseded on 2026-03-01; "
        "no formal-warning letter can be issued for it",
    ),
    (
        "lifted",
        "C-7F3K2QHM: decision D-00000003 was lifted on 2026-03-01; "
        "no formal-warning letter can be issued for it",
    ),
    (
        "overturned",
        "C-7F3K2QHM: decision D-00000003 was overturned on appeal on 2026-03-01; "
        "no formal-warning letter can be issued for it",
    ),
]


@pytest.mark.parametrize(("status", "reason"), ENDED_REFUSALS, ids=[s for s, _ in ENDED_REFUSALS])
def test_letter_for_an_ended_decision_says_what_became_of_it(status: str, reason: str) -> None:
    """A formal-warning letter for a decision no longer in force names its status, not approval."""
    ended = FORMAL.model_copy(update={"status": status, "ended_on": dt.date(2026, 3, 1)})
    with pytest.raises(LetterRefused) as refused:
        text(case(decisions=(ended,)), "formal-warning")
    assert str(refused.value) == reason


def test_letter_with_no_decision_at_all_says_none_recorded() -> None:
    """With no such decision recorded the refusal does not claim one waits for approval."""
    with pytest.raises(LetterRefused) as refused:
        text(case(decisions=(VERBAL,)), "contact-refused")
    assert str(refused.value) == "C-7F3K2QHM has no decision to refuse contact recorded"


# --- 5. outcome letters owed ------------------------------------------------------------------


def test_review_outcome_owed_until_issued() -> None:
    """Policy: "Where it is appropriate, we will notify you": a notified review owes its letter."""
    told = issued("formal-warning", FORMAL.id, dt.date(2026, 2, 25))
    facts = case(decisions=(FORMAL,), reviews=(REVIEW,), letters=(told,))
    assert letters_owed(facts) == [("review-outcome", REVIEW.date, REVIEW.id)]
    items = [(i.what, i.detail) for i in schedule_of(facts, CFG).items]
    assert ("letter", "review-outcome") in items
    sent = facts.model_copy(update={"letters": (told, issued("review-outcome", REVIEW.id, TODAY))})
    assert letters_owed(sent) == []


def test_review_not_to_be_notified_owes_no_letter() -> None:
    """A review recorded as not to be notified owes no review-outcome letter."""
    quiet = REVIEW.model_copy(update={"notify": False, "no_notify_reason": "Risk of violence."})
    told = issued("formal-warning", FORMAL.id, dt.date(2026, 2, 25))
    assert letters_owed(case(decisions=(FORMAL,), reviews=(quiet,), letters=(told,))) == []


def test_lifting_review_owes_one_letter_either_kind_satisfies() -> None:
    """A lift owes a restriction-ended letter; a review-outcome letter about the lift also tells."""
    facts = ended_case()
    lift = facts.reviews[0]
    assert letters_owed(facts) == [("restriction-ended", dt.date(2026, 3, 1), FORMAL.id)]
    told = facts.model_copy(update={"letters": (issued("review-outcome", lift.id, TODAY),)})
    assert letters_owed(told) == []


def test_appeal_outcome_owed_until_issued() -> None:
    """A decided appeal owes an appeal-outcome letter about the appeal until one is issued."""
    told = issued("formal-warning", FORMAL.id, dt.date(2026, 2, 25))
    facts = case(decisions=(FORMAL,), appeals=(DECIDED_APPEAL,), letters=(told,))
    assert letters_owed(facts) == [("appeal-outcome", dt.date(2026, 3, 2), DECIDED_APPEAL.id)]
    problems = [p.message for p in case_problems(facts, CFG, dt.date(2026, 4, 1))]
    assert "C-7F3K2QHM: A-00000001 decided on 2026-03-02 with no appeal-outcome letter" in problems
    sent = told, issued("appeal-outcome", DECIDED_APPEAL.id, TODAY)
    assert letters_owed(facts.model_copy(update={"letters": sent})) == []


def test_pending_appeal_owes_no_outcome_letter() -> None:
    """An appeal not yet decided owes no outcome letter."""
    told = issued("formal-warning", FORMAL.id, dt.date(2026, 2, 25))
    assert letters_owed(case(decisions=(FORMAL,), appeals=(APPEAL,), letters=(told,))) == []


@pytest.mark.parametrize(
    "letter",
    [
        issued("restriction-ended", FORMAL.id, TODAY),
        issued("appeal-outcome", DECIDED_APPEAL.id, TODAY),
    ],
    ids=["restriction-ended", "appeal-outcome"],
)
def test_overturned_appeal_told_by_either_letter(letter: LetterIssued) -> None:
    """After an overturned appeal, either a restriction-ended or an appeal-outcome letter tells."""
    assert letters_owed(overturned_case()) == [
        ("restriction-ended", dt.date(2026, 3, 2), FORMAL.id)
    ]
    assert letters_owed(overturned_case(letter)) == []


# --- 6. an appeal route the person may use ----------------------------------------------------


def only(channel: str, *more: Restriction) -> Case:
    """The formal warning, restricted to one channel (and any more restrictions given)."""
    terms = (Restriction(kind="single_channel", channel=channel), *more)  # type: ignore[arg-type]
    return case(decisions=(FORMAL.model_copy(update={"restrictions": terms}),))


def test_the_appeal_goes_by_a_channel_the_person_may_use() -> None:
    """E-mail only: appeal by e-mail to the council's address; telephone only: by telephone in
    their contact times; letter only: in writing. A council with no e-mail address set cannot
    send an e-mail-only person a letter that tells them to write: refused, naming the setting.

    Policy: "You have the right to appeal the decision to be added to the UCBR".
    """
    contact = {"council_email": "ucbr@example.gov.uk", "council_phone": "01993 861000"}
    cfg = CFG.model_copy(update=contact)
    times = Restriction(kind="contact_times", days=("mon", "thu"), hours="09:00-12:00")
    by_email = text_with(cfg, only("email"))
    assert "E-mail your appeal to ucbr@example.gov.uk, quoting reference C-7F3K2QHM." in by_email
    assert "Write to us at" not in by_email
    by_phone = text_with(cfg, only("telephone", times))
    assert "Telephone us on 01993 861000 on Mondays and Thursdays, 09:00 to 12:00 to appeal" in (
        by_phone
    )
    assert "Write to us at" in text_with(cfg, only("letter"))
    with pytest.raises(LetterRefused, match="set council_email"):
        text(only("email"), "formal-warning")


def text_with(cfg: PolicyConfig, facts: Case) -> str:
    letter = render_letter(facts, "formal-warning", "md", cfg, POLICY, STAFF, TODAY)
    return " ".join(letter.content.decode().split())
