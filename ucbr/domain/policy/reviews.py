"""Reviews: "All restrictions will be reviewed on a six-monthly basis or sooner if there are
reasonable grounds to do so." A review continues, varies or lifts the restriction in force;
"Restrictions will only be removed if there has been significant change".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ucbr.domain.model import Case, Decision, Justification, Review, ReviewOutcome
from ucbr.domain.policy.adjustments import justify, unjustified
from ucbr.domain.policy.base import (
    Ctx,
    blank,
    make,
    refuse,
    refuse_if_ended,
    replace_item,
    require,
    valid,
)
from ucbr.domain.policy.terms import EscalationRequest
from ucbr.domain.policy.variations import propose_variation
from ucbr.domain.views import (
    decision_in_force,
    pending_continuation,
    pending_proposal,
    review_date,
    review_limit,
)


@dataclass(frozen=True)
class ReviewRequest:
    """The reviewing officer's outcome, reasons, and a variation's terms."""

    outcome: ReviewOutcome
    reasons: str
    significant_change: bool = False
    next_review: dt.date | None = None
    notify: bool = True
    no_notify_reason: str | None = None
    variation: EscalationRequest | None = None
    # Why the restrictions continue although they conflict with a reasonable adjustment.
    justification: str | None = None


def next_review_date(asked: dt.date | None, ctx: Ctx) -> dt.date:
    """The next review: the date asked for, at most the council's interval from today."""
    latest = review_limit(ctx.today, ctx.cfg)
    chosen = asked or latest
    if chosen > latest:
        raise refuse(f"the next review {chosen} is later than the policy allows ({latest})")
    if chosen < ctx.today:
        raise refuse(f"the next review {chosen} is in the past")
    return chosen


def _check_notify(req: ReviewRequest) -> None:
    if not req.notify and blank(req.no_notify_reason):
        raise refuse("not telling the person the outcome needs a recorded reason")
    if req.notify and not blank(req.no_notify_reason):
        raise refuse("a no-notify reason is recorded only when the person is not told")


def _review_outcome(
    case: Case, current: Decision, req: ReviewRequest, ctx: Ctx, review_id: str
) -> tuple[Case, dt.date | None, tuple[Justification, ...]]:
    """Apply a review's outcome: the case, the next review date (none if lifted) and the
    justifications it records for restrictions that continue despite an adjustment."""
    if req.outcome == "lift":
        if not req.significant_change:
            raise refuse(
                "a restriction is lifted only after a significant change "
                "in behaviour or circumstances"
            )
        if not blank(req.justification):
            raise refuse("a lifted restriction needs no justification (--justify)")
        ended = current.model_copy(update={"status": "lifted", "ended_on": ctx.today})
        decisions = replace_item(case.decisions, current, ended)
        return case.model_copy(update={"decisions": decisions}), None, ()
    next_on = next_review_date(req.next_review, ctx)
    if req.outcome == "vary":
        if req.variation is None:
            raise refuse("a varied restriction needs its new terms")
        # The restriction in force stays, and keeps its review, until the variation is approved.
        terms = req.variation
        if req.justification and not terms.justification:
            terms = replace(terms, justification=req.justification)
        case, _ = propose_variation(
            case,
            current,
            terms,
            ctx,
            review_id,
            review_by=next_on,
            may_end=req.significant_change,
        )
        return case, next_on, ()
    # Continuing: a restriction that now conflicts with an adjustment (one recorded after
    # the decision) continues only with a recorded reason.
    return case, next_on, justify(unjustified(case, current), req.justification)


def review(case: Case, req: ReviewRequest, ctx: Ctx) -> tuple[Case, Review]:
    """Review the restriction in force: continue, vary (needs approval) or lift."""
    require(ctx, "review")
    refuse_if_ended(case, ctx.today, "review")
    current = decision_in_force(case)
    if current is None:
        raise refuse(f"case {case.id} has no restriction in force to review")
    if blank(req.reasons):
        raise refuse("a review needs its reasons")
    _check_notify(req)
    _nothing_awaiting(case)
    due = review_date(case, current)
    if due is None:
        raise refuse(f"decision {current.id} has no review date recorded")
    review_id = ctx.new_id("R")
    case, next_on, justifications = _review_outcome(case, current, req, ctx, review_id)
    done = make(
        Review,
        id=review_id,
        decision=current.id,
        date=ctx.today,
        due=due,
        late=ctx.today > due,
        outcome=req.outcome,
        reasons=req.reasons,
        significant_change=req.significant_change,
        next_review=next_on,
        notify=req.notify,
        no_notify_reason=req.no_notify_reason,
        justifications=justifications,
        by=ctx.actor.id,
        # Continuing is deciding to go on managing contact: the manager approves it.
        status="proposed" if req.outcome == "continue" else "recorded",
        policy=ctx.policy_hash,
    )
    return valid(case.model_copy(update={"reviews": (*case.reviews, done)})), done


def _nothing_awaiting(case: Case) -> None:
    """A review waits while a proposal or a continuation awaits approval."""
    proposal, continuation = pending_proposal(case), pending_continuation(case)
    if proposal is not None:
        raise refuse(f"decision {proposal.id} is awaiting approval; approve or reject it first")
    if continuation is not None:
        raise refuse(
            f"the continuation at review {continuation.id} is awaiting approval; "
            "approve or reject it first"
        )
