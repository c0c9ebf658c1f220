"""Continuing a restriction at review: the decision to go on managing contact.

"The decision to manage a person's contact in an alternative way with a Council service
must be reviewed and approved by the relevant business manager / Head of Service." A review
that continues a restriction is that decision made again, so the reviewing officer proposes
it and the relevant manager or a head of service, not the reviewer, approves it. Until then
the restriction stays in force on its old review date, and nothing is owed the person.

``approve`` and ``reject`` decide whatever awaits approval on a case: a proposed decision
(``approval``) or a proposed continuation.
"""

from __future__ import annotations

from collections.abc import Iterable

from ucbr.domain.model import Case, Decision, Review
from ucbr.domain.permissions import may, refusal
from ucbr.domain.policy import approval
from ucbr.domain.policy.base import Ctx, refuse, rejection, replace_item, require, valid
from ucbr.domain.staff import StaffDirectory, StaffMember
from ucbr.domain.views import pending_continuation


def reviewed_decision(case: Case, review: Review) -> Decision:
    """The decision a review continues."""
    found = next((d for d in case.decisions if d.id == review.decision), None)
    if found is None:
        raise refuse(f"review {review.id} continues decision {review.decision}, not in the case")
    return found


def continuation_problem(case: Case, review: Review, member: StaffMember) -> str | None:
    """Why ``member`` may not approve the continuation ``review``; None when they may."""
    if not may(member.role, "approve"):
        return refusal(member.role, "approve")
    if review.by == member.id:
        return f"you held review {review.id}; its continuation is approved by someone else"
    return approval.service_problem(reviewed_decision(case, review), member)


def who_may_continue(case: Case, review: Review, staff: StaffDirectory) -> str:
    """Who may approve a continuation, in words a message can print."""
    eligible = [m.id for m in staff.staff if continuation_problem(case, review, m) is None]
    if eligible:
        return "one of: " + ", ".join(eligible)
    return (
        "nobody in the staff directory: add the relevant business manager or a head of "
        "service (`ucbr staff add --service`)"
    )


def _approve_continuation(case: Case, review: Review, ctx: Ctx) -> tuple[Case, Review]:
    require(ctx, "approve")
    problem = continuation_problem(case, review, ctx.actor)
    if problem is not None:
        raise refuse(
            f"{problem}; it may be approved by {who_may_continue(case, review, ctx.staff)}"
        )
    if review.next_review is not None and review.next_review < ctx.today:
        raise refuse(f"the next review {review.next_review} has passed; reject and review again")
    approved = review.model_copy(
        update={"status": "approved", "approved_by": ctx.actor.id, "approved_on": ctx.today}
    )
    reviews = replace_item(case.reviews, review, approved)
    return valid(case.model_copy(update={"reviews": reviews})), valid(approved)


def approve(case: Case, ctx: Ctx, involved: Iterable[str] = ()) -> tuple[Case, Decision | Review]:
    """Approve what awaits approval: a proposed decision, or a continuation at review."""
    review = pending_continuation(case)
    if review is not None:
        return _approve_continuation(case, review, ctx)
    return approval.approve(case, ctx, involved)


def reject(case: Case, reason: str, ctx: Ctx) -> tuple[Case, Decision | Review]:
    """Reject what awaits approval, with a reason. A rejected continuation leaves the
    restriction in force on its old review date, to be reviewed again (vary or lift)."""
    review = pending_continuation(case)
    if review is None:
        return approval.reject(case, reason, ctx)
    rejected = rejection(review, reason, ctx)
    reviews = replace_item(case.reviews, review, rejected)
    return valid(case.model_copy(update={"reviews": reviews})), valid(rejected)
