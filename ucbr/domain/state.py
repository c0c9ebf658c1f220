"""Where a case stands: the decision in force, what awaits a decision, and when it is reviewed.

Pure functions of a case, none of the day: ``ucbr.domain.views`` builds the derived
sections and the letters owed on them, and re-exports them.
"""

from __future__ import annotations

import datetime as dt

from ucbr.domain.dates import add_months, working_day_by
from ucbr.domain.model import (
    RESTRICTING_STEPS,
    Appeal,
    Case,
    Decision,
    Restriction,
    Review,
)
from ucbr.domain.settings import PolicyConfig

APPEAL_DECISION_MONTHS = 1
ENDED_STATUSES: frozenset[str] = frozenset({"lifted", "overturned"})
# A step counts as given unless it was rejected, is still a proposal, or was overturned:
# an overturned decision is as if it had never been made, for the ladder and for letters.
GIVEN_STATUSES: frozenset[str] = frozenset({"recorded", "approved", "superseded", "lifted"})
# A decision took effect, even if it was later overturned on appeal (for statistics).
TOOK_EFFECT: frozenset[str] = GIVEN_STATUSES | {"overturned"}

# --- the state of a case -----------------------------------------------------------------


def given(decision: Decision) -> bool:
    """Whether a step counts as given: the one rule for the ladder, letters and ``check``."""
    return decision.status in GIVEN_STATUSES


def decision_in_force(case: Case) -> Decision | None:
    """The approved decision whose restrictions are in force, if any."""
    return next((d for d in reversed(case.decisions) if d.status == "approved"), None)


def pending_proposal(case: Case) -> Decision | None:
    """The decision awaiting a manager's approval, if any."""
    return next((d for d in reversed(case.decisions) if d.status == "proposed"), None)


def pending_continuation(case: Case) -> Review | None:
    """The review continuing a restriction that awaits a manager's approval, if any."""
    return next((r for r in reversed(case.reviews) if r.status == "proposed"), None)


def review_counts(review: Review) -> bool:
    """Whether a review's next date stands: recorded, or a continuation once approved."""
    return review.status in ("recorded", "approved")


def pending_appeal(case: Case) -> Appeal | None:
    """The appeal awaiting a decision, if any."""
    return next((a for a in reversed(case.appeals) if a.outcome is None), None)


def review_date(case: Case, decision: Decision) -> dt.date | None:
    """When ``decision`` is next reviewed: set at its latest review, else at the decision.

    The one rule for a review date: the schedule, the register entry, the policy's review
    and every letter read it from here.
    """
    later = [
        r.next_review
        for r in case.reviews
        if r.decision == decision.id and r.next_review and review_counts(r)
    ]
    return later[-1] if later else decision.review_by


def review_limit(since: dt.date, cfg: PolicyConfig) -> dt.date:
    """The latest day a review may be set for, counted from ``since``: "six-monthly" (the
    council's interval), moved to the working day before when it falls on a day off, so a
    review is never more than six months apart."""
    return working_day_by(add_months(since, cfg.review_interval_months))


def varied_by(case: Case, decision: Decision) -> Review | Appeal | None:
    """The review or appeal whose outcome ``decision`` is, when it is a variation."""
    if decision.variation_of is None:
        return None
    if decision.varied_by is not None:
        found: list[Review | Appeal] = [*case.reviews, *case.appeals]
        return next((item for item in found if item.id == decision.varied_by), None)
    # Records made before variations named their review or appeal: the same officer, day
    # and decision varied.
    appeal = next(
        (
            a
            for a in case.appeals
            if a.outcome == "varied"
            and a.decision == decision.variation_of
            and a.decided_by == decision.proposed_by
            and a.decided_on == decision.proposed_on
        ),
        None,
    )
    if appeal is not None:
        return appeal
    return next(
        (
            r
            for r in case.reviews
            if r.outcome == "vary"
            and r.decision == decision.variation_of
            and r.by == decision.proposed_by
            and r.date == decision.proposed_on
        ),
        None,
    )


def decided_on_appeal(case: Case, decision: Decision) -> Appeal | None:
    """The decided appeal that ``decision`` came from, or any decided appeal against it
    (upheld, or varied by a variation since rejected): after it, the council's appeal
    process is over for this decision. The one rule for letters and ``lodge_appeal``."""
    source = varied_by(case, decision)
    if isinstance(source, Appeal):
        return source
    return next(
        (a for a in case.appeals if a.decision == decision.id and a.outcome is not None), None
    )


def decided_on(decision: Decision) -> dt.date:
    """The day a decision was made: its approval, or its proposal for a warning."""
    return decision.approved_on or decision.proposed_on


def predecessor(case: Case, decision: Decision) -> Decision | None:
    """The decision ``decision`` replaced: the one it varies, else the one its approval
    superseded (refusing contact after a formal warning)."""
    if decision.variation_of is not None:
        return next((d for d in case.decisions if d.id == decision.variation_of), None)
    if decision.approved_on is None:
        return None
    index = next(i for i, d in enumerate(case.decisions) if d is decision)
    return next(
        (
            d
            for d in reversed(case.decisions[:index])
            if d.status == "superseded" and d.ended_on == decision.approved_on
        ),
        None,
    )


def since(case: Case, decision: Decision, restriction: Restriction) -> dt.date:
    """The day a restriction of ``decision`` came into force: carried over unchanged from
    the decision it replaced, it keeps that one's start; the entry and letters both say so."""
    current, seen = decision, {decision.id}
    while (before := predecessor(case, current)) is not None and before.id not in seen:
        if restriction not in before.restrictions:
            break
        current = before
        seen.add(before.id)
    return decided_on(current)


def next_review(case: Case) -> dt.date | None:
    """When the restriction in force is next reviewed; None when none is in force."""
    current = decision_in_force(case)
    return review_date(case, current) if current is not None else None


def on_register(case: Case) -> bool:
    """On the register exactly when an approved restriction is in force."""
    current = decision_in_force(case)
    return current is not None and current.step in RESTRICTING_STEPS and bool(current.restrictions)


def status_of(case: Case) -> str:
    """One word for where the case stands on the ladder."""
    if on_register(case):
        return "appeal_pending" if pending_appeal(case) else "on_register"
    if pending_proposal(case) is not None:
        return "proposed"
    latest = next((d for d in reversed(case.decisions) if d.status != "rejected"), None)
    if latest is None:
        return "incident_only" if case.incidents else "opened"
    if latest.status in ENDED_STATUSES:
        return latest.status
    return latest.step
