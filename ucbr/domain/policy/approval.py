"""Approval: "The decision to manage a person's contact in an alternative way with a Council
service must be reviewed and approved by the relevant business manager / Head of Service."

The approver is neither the proposer nor a reporter of the incidents relied on; a
variation made on appeal is approved by someone with no part in the original decision.
"""

from __future__ import annotations

from ucbr.domain.model import Appeal, Case, Decision
from ucbr.domain.policy.adjustments import check_adjustments
from ucbr.domain.policy.appeals import check_not_involved
from ucbr.domain.policy.base import Ctx, blank, refuse, replace_item, require, valid
from ucbr.domain.policy.ladder import (
    check_behaviour_continued,
    check_ladder,
    check_not_in_force,
    check_warning_followed,
    relied_on,
)
from ucbr.domain.policy.restrictions import check_contacts
from ucbr.domain.views import decision_in_force, pending_proposal


def appeal_varying(case: Case, decision: Decision) -> Appeal | None:
    """The appeal whose "varied" outcome proposed ``decision``, if it came from one."""
    return next(
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


def _check_approver(case: Case, decision: Decision, ctx: Ctx) -> None:
    require(ctx, "approve")
    me = ctx.actor.id
    if decision.proposed_by == me:
        raise refuse(f"you proposed decision {decision.id}; the approver must be someone else")
    for incident in relied_on(case, decision.incidents):
        if incident.reported_by == me:
            raise refuse(
                f"you reported incident {incident.id}, which decision {decision.id} relies on; "
                "the approver must be someone else"
            )
    appeal = appeal_varying(case, decision)
    if appeal is not None:
        # The variation is the appeal's outcome: it too is for someone not involved.
        check_not_involved(case, appeal, ctx, frozenset(), "approving its variation")


def _awaiting(case: Case) -> Decision:
    pending = pending_proposal(case)
    if pending is None:
        raise refuse(f"case {case.id} has no decision awaiting approval")
    return pending


def _still_sound(case: Case, pending: Decision, ctx: Ctx) -> None:
    """Re-check a proposal against the case as it stands on the day of approval."""
    current = decision_in_force(case)
    if pending.variation_of is not None:
        if current is None or current.id != pending.variation_of:
            raise refuse(
                f"decision {pending.variation_of}, which {pending.id} varies, "
                "is no longer in force; reject the variation"
            )
    else:
        incidents = relied_on(case, pending.incidents)
        check_not_in_force(case, pending.step)
        check_ladder(case, pending.step, incidents)
        check_warning_followed(case, pending.step, incidents)
        if pending.step == "contact_refused":
            check_behaviour_continued(case, incidents)
    check_adjustments(case, pending.restrictions)
    check_contacts(pending.restrictions, ctx)
    if pending.review_by is not None and pending.review_by < ctx.today:
        raise refuse(f"the review date {pending.review_by} has passed; reject and propose again")


def approve(case: Case, ctx: Ctx) -> tuple[Case, Decision]:
    """A manager or Head of Service approves the pending proposal; it comes into force."""
    pending = _awaiting(case)
    _check_approver(case, pending, ctx)
    _still_sound(case, pending, ctx)
    approved = pending.model_copy(
        update={"status": "approved", "approved_by": ctx.actor.id, "approved_on": ctx.today}
    )
    decisions = replace_item(case.decisions, pending, approved)
    current = decision_in_force(case)
    if current is not None:
        ended = current.model_copy(update={"status": "superseded", "ended_on": ctx.today})
        decisions = replace_item(decisions, current, ended)
    return valid(case.model_copy(update={"decisions": decisions})), valid(approved)


def reject(case: Case, reason: str, ctx: Ctx) -> tuple[Case, Decision]:
    """A manager or Head of Service rejects the pending proposal, with a reason."""
    pending = _awaiting(case)
    require(ctx, "reject")
    if blank(reason):
        raise refuse("a rejection needs a reason")
    rejected = pending.model_copy(
        update={
            "status": "rejected",
            "rejected_by": ctx.actor.id,
            "rejected_on": ctx.today,
            "reject_reason": reason,
        }
    )
    decisions = replace_item(case.decisions, pending, rejected)
    return valid(case.model_copy(update={"decisions": decisions})), valid(rejected)
