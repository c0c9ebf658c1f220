"""What the record implies: where a case stands, the letters it owes, and its derived sections.

Pure functions of a case (or property). The schedule and entry sections are written
from these on every save, so they must not depend on the day they are computed: none
of them takes ``today``.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from ucbr.domain.dates import add_months, working_day_from, working_days_after
from ucbr.domain.foi import foi_refusal_due
from ucbr.domain.model import (
    LADDER,
    Appeal,
    Case,
    Decision,
    LetterKind,
    PropertyRisk,
    Review,
)
from ucbr.domain.property_views import (
    APPROVAL_WORKING_DAYS,
    property_entry_of,
    property_schedule_of,
)
from ucbr.domain.sections import (
    CaseEntry,
    RestrictionInForce,
    Schedule,
    ScheduleItem,
)
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.state import (
    APPEAL_DECISION_MONTHS,
    ENDED_STATUSES,
    GIVEN_STATUSES,
    TOOK_EFFECT,
    decided_on,
    decided_on_appeal,
    decision_in_force,
    given,
    next_review,
    on_register,
    pending_appeal,
    pending_continuation,
    pending_proposal,
    predecessor,
    review_counts,
    review_date,
    review_limit,
    since,
    status_of,
    varied_by,
)
from ucbr.domain.words import restriction_in_force

# An appeal should be decided within a month of arriving.
LETTER_FOR_STEP: dict[str, LetterKind] = {
    "formal_written_warning": "formal-warning",
    "contact_refused": "contact-refused",
}


# --- letters owed -----------------------------------------------------------------------------


def letter_issued(case: Case, kind: str, about: str, since: dt.date) -> bool:
    """Whether a ``kind`` letter about ``about`` (or nothing) went out on or after ``since``."""
    return any(
        letter.kind == kind and letter.date >= since and letter.about in (None, about)
        for letter in case.letters
    )


def _told_ended(case: Case, decision: Decision, ended_on: dt.date) -> bool:
    """The person was told the restriction ended: that letter, or the appeal outcome that
    overturned it."""
    if letter_issued(case, "restriction-ended", decision.id, ended_on):
        return True
    overturned = (
        a for a in case.appeals if a.decision == decision.id and a.outcome == "overturned"
    )
    lifted = (r for r in case.reviews if r.decision == decision.id and r.outcome == "lift")
    return any(letter_issued(case, "appeal-outcome", a.id, ended_on) for a in overturned) or any(
        letter_issued(case, "review-outcome", r.id, ended_on) for r in lifted
    )


def _informal_owed(case: Case) -> list[tuple[str, dt.date, str]]:
    """Step 2: "an informal written warning letter will be sent to remind you of our
    expected behaviours", owed until sent or until a later step is given."""
    top = LADDER.index("informal_written_warning")
    # Once a later step has been decided (even if since ended), the reminder is moot.
    later = any(
        (given(d) or d.status == "overturned") and LADDER.index(d.step) > top
        for d in case.decisions
    )
    latest = next(
        (
            d
            for d in reversed(case.decisions)
            if d.step == "informal_written_warning" and d.status == "recorded"
        ),
        None,
    )
    if latest is None or later:
        return []
    if letter_issued(case, "informal-warning", latest.id, latest.proposed_on):
        return []
    return [("informal-warning", latest.proposed_on, latest.id)]


def _variation_approved(case: Case, item: Review | Appeal) -> dt.date | None:
    """When the variation a review or appeal proposed was approved, if it has been."""
    return next(
        (
            d.approved_on
            for d in case.decisions
            if d.approved_on is not None and varied_by(case, d) is item
        ),
        None,
    )


def _outcome_owed(
    case: Case, item: Review | Appeal, varies: bool, since: dt.date
) -> dt.date | None:
    """When an outcome letter falls due: at once; for a variation, once it is approved
    (the letter states the new terms, so it cannot go before them); for a continuation,
    once a manager approves it."""
    if isinstance(item, Review) and item.outcome == "continue":
        return item.approved_on if item.status == "approved" else None
    if not varies:
        return since
    return _variation_approved(case, item)


def letters_owed(case: Case) -> list[tuple[str, dt.date, str]]:
    """(letter kind, due, what it is about) for each letter the record shows is still owed.

    What it is about is the decision id, or the review or appeal id for an outcome letter.
    A variation made at review or on appeal is told by that outcome letter, not by a
    formal-warning letter of its own.
    """
    owed: list[tuple[str, dt.date, str]] = _informal_owed(case)
    current = decision_in_force(case)
    if (
        current is not None
        and current.approved_on
        and current.step in LETTER_FOR_STEP
        and varied_by(case, current) is None
    ):
        kind = LETTER_FOR_STEP[current.step]
        if not letter_issued(case, kind, current.id, current.approved_on):
            owed.append((kind, current.approved_on, current.id))
    for decision in case.decisions:
        if (
            decision.status in ENDED_STATUSES
            and decision.ended_on
            and not _told_ended(case, decision, decision.ended_on)
        ):
            owed.append(("restriction-ended", decision.ended_on, decision.id))
    for review in case.reviews:
        # A lifting review is told by the restriction-ended letter owed above.
        due = _outcome_owed(case, review, review.outcome == "vary", review.date)
        told = review.outcome == "lift" or letter_issued(
            case, "review-outcome", review.id, review.date
        )
        if review.notify and not told and due is not None:
            owed.append(("review-outcome", due, review.id))
    for appeal in case.appeals:
        # An appeal that overturned the decision in force is told by the restriction-ended
        # letter owed above (or by this outcome letter, which satisfies it).
        ended = appeal.outcome == "overturned" and any(
            decision.id == appeal.decision and decision.status == "overturned"
            for decision in case.decisions
        )
        told = ended or letter_issued(
            case, "appeal-outcome", appeal.id, appeal.decided_on or appeal.received
        )
        if appeal.decided_on and not told:
            due = _outcome_owed(case, appeal, appeal.outcome == "varied", appeal.decided_on)
            if due is not None:
                owed.append(("appeal-outcome", due, appeal.id))
    return owed


# --- derived sections ---------------------------------------------------------------------------


def schedule_of(case: Case, cfg: PolicyConfig) -> Schedule:
    """The schedule section: what needs doing by when, with ids and dates only.

    ``cfg`` is taken so a council's settings may shape deadlines; today none do.
    """
    items: list[ScheduleItem] = []
    review_on = next_review(case)
    current = decision_in_force(case)
    if current is not None:
        from ucbr.domain.expiry import review_and_end  # it reads this module: imported here

        items.extend(review_and_end(case, current))
    proposal = pending_proposal(case)
    if proposal is not None:
        detail = f"{proposal.step} {proposal.id}"
        due = working_days_after(proposal.proposed_on, APPROVAL_WORKING_DAYS)
        items.append(ScheduleItem(what="approval", due=due, detail=detail))
    continuation = pending_continuation(case)
    if continuation is not None:
        due = working_days_after(continuation.date, APPROVAL_WORKING_DAYS)
        detail = f"continuation {continuation.id}"
        items.append(ScheduleItem(what="approval", due=due, detail=detail))
    appeal = pending_appeal(case)
    if appeal is not None:
        due = working_day_from(add_months(appeal.received, APPEAL_DECISION_MONTHS))
        items.append(ScheduleItem(what="appeal_decision", due=due, detail=appeal.id))
    for kind, due, _decision in letters_owed(case):
        items.append(ScheduleItem(what="letter", due=due, detail=kind))
    for record_id, due in foi_refusal_due(case):
        items.append(ScheduleItem(what="foi_refusal_notice", due=due, detail=record_id))
    return Schedule(
        id=case.id,
        kind="case",
        status=status_of(case),
        on_register=on_register(case),
        next_review=review_on,
        items=tuple(sorted(items, key=lambda i: (i.due, i.what))),
    )


def entry_of(case: Case) -> CaseEntry:
    """The register entry: personal details and restrictions only while on the register."""
    current = decision_in_force(case)
    if current is None or not on_register(case):
        return CaseEntry(id=case.id, on_register=False)
    restrictions = tuple(
        RestrictionInForce(
            kind=r.kind,
            plain=restriction_in_force(r, current.scope),
            detail=r,
            start=since(case, current, r),
            scope=current.scope,
        )
        for r in current.restrictions
    )
    spoc = next(
        (r.staff for r in current.restrictions if r.kind == "single_point_of_contact"), None
    )
    return CaseEntry(
        id=case.id,
        on_register=True,
        person=case.person,
        step=current.step,
        restrictions=restrictions,
        single_point_of_contact=spoc,
        essential_services=current.essential_services,
        review_date=next_review(case),
        appeal_in_progress=pending_appeal(case) is not None,
        adjustments=tuple(dict.fromkeys(a.kind for a in case.adjustments)),
    )


def sections_of(record: Case | PropertyRisk, cfg: PolicyConfig) -> dict[str, BaseModel]:
    """The three sections of a file, the schedule and entry derived from the record."""
    if isinstance(record, Case):
        return {"schedule": schedule_of(record, cfg), "entry": entry_of(record), "record": record}
    return {
        "schedule": property_schedule_of(record),
        "entry": property_entry_of(record),
        "record": record,
    }


__all__ = [
    "APPEAL_DECISION_MONTHS",
    "APPROVAL_WORKING_DAYS",
    "ENDED_STATUSES",
    "GIVEN_STATUSES",
    "LETTER_FOR_STEP",
    "TOOK_EFFECT",
    "decided_on",
    "decided_on_appeal",
    "decision_in_force",
    "entry_of",
    "given",
    "letter_issued",
    "letters_owed",
    "next_review",
    "on_register",
    "pending_appeal",
    "pending_continuation",
    "pending_proposal",
    "predecessor",
    "property_entry_of",
    "property_schedule_of",
    "review_counts",
    "review_date",
    "review_limit",
    "schedule_of",
    "sections_of",
    "since",
    "status_of",
    "varied_by",
]
