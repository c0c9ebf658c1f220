"""Approval: "The decision to manage a person's contact in an alternative way with a Council
service must be reviewed and approved by the relevant business manager / Head of Service."

The relevant manager is one of the service the decision covers (its scope); a council-wide
decision is for a head of service. The approver is neither the proposer nor a reporter of
the incidents relied on. A variation made on appeal is approved by someone with no part in
the original decision: the policy's appeal goes to "an Officer who was not involved", so
any service's manager or a head of service may approve it, and when nobody in the staff
directory can, the refusal says so.
"""

from __future__ import annotations

from collections.abc import Iterable

from ucbr.domain.expiry import in_force
from ucbr.domain.model import Appeal, Case, Decision
from ucbr.domain.permissions import may, refusal
from ucbr.domain.policy.adjustments import unjustified
from ucbr.domain.policy.appeals import original_decisions
from ucbr.domain.policy.base import Ctx, refuse, rejection, replace_item, require, valid
from ucbr.domain.policy.ladder import (
    check_behaviour_continued,
    check_ladder,
    check_not_in_force,
    check_warning_followed,
    relied_on,
)
from ucbr.domain.policy.restrictions import check_contacts
from ucbr.domain.staff import StaffDirectory, StaffMember
from ucbr.domain.views import pending_proposal, varied_by
from ucbr.domain.words import COUNCIL_WIDE


def appeal_varying(case: Case, decision: Decision) -> Appeal | None:
    """The appeal whose "varied" outcome proposed ``decision``, if it came from one."""
    source = varied_by(case, decision)
    return source if isinstance(source, Appeal) else None


def _same_service(member: StaffMember, scope: str) -> bool:
    """A member with no service recorded works across the council."""
    return member.service is None or member.service.casefold() == scope.casefold()


def service_problem(decision: Decision, member: StaffMember) -> str | None:
    """Why ``member`` is not the relevant business manager or head of service, if they are not."""
    if decision.scope == COUNCIL_WIDE:
        if member.role != "head_of_service":
            return f"decision {decision.id} is council-wide: a head of service approves it"
        return None
    if not _same_service(member, decision.scope):
        return (
            f"decision {decision.id} is for the {decision.scope} service: a manager or head of "
            f"service of that service approves it, not one of {member.service}"
        )
    return None


def involvement(
    case: Case, decision: Decision, member: StaffMember, involved: Iterable[str] = ()
) -> str | None:
    """Why ``member`` had a part in ``decision`` or in the decision it varies on appeal."""
    me = member.id
    if decision.proposed_by == me:
        return f"you proposed decision {decision.id}; the approver must be someone else"
    by_id = {i.id: i for i in case.incidents}
    for incident_id in decision.incidents:
        if incident_id in by_id and by_id[incident_id].reported_by == me:
            return (
                f"you reported incident {incident_id}, which decision {decision.id} relies on; "
                "the approver must be someone else"
            )
    appeal = appeal_varying(case, decision)
    if appeal is None:
        return None
    needs = "the appeal's variation needs an approver not involved in the original decision"
    for original in original_decisions(case, appeal.decision):
        if me in (original.proposed_by, original.approved_by):
            return f"you proposed or approved decision {original.id}; {needs}"
        if any(by_id[i].reported_by == me for i in original.incidents if i in by_id):
            return f"you reported an incident decision {original.id} relies on; {needs}"
    if me in set(involved):
        return f"git history shows you worked on decision {appeal.decision}; {needs}"
    return None


def approver_problem(
    case: Case, decision: Decision, member: StaffMember, involved: Iterable[str] = ()
) -> str | None:
    """Why ``member`` may not approve ``decision``; None when they may."""
    if not may(member.role, "approve"):
        return refusal(member.role, "approve")
    found = involvement(case, decision, member, involved)
    if found is not None:
        return found
    if appeal_varying(case, decision) is not None:
        return None  # an uninvolved officer: another service's manager will do
    return service_problem(decision, member)


def eligible_approvers(
    case: Case, decision: Decision, staff: StaffDirectory, involved: Iterable[str] = ()
) -> list[str]:
    """The staff ids of everyone who may approve ``decision``."""
    chosen = set(involved)
    return [m.id for m in staff.staff if approver_problem(case, decision, m, chosen) is None]


def who_may_approve(
    case: Case, decision: Decision, staff: StaffDirectory, involved: Iterable[str] = ()
) -> str:
    """Who may approve ``decision``, in words a message can print: their staff ids, or why
    nobody can."""
    eligible = eligible_approvers(case, decision, staff, involved)
    if eligible:
        return "one of: " + ", ".join(eligible)
    if appeal_varying(case, decision) is not None:
        return (
            "nobody in the staff directory: every manager and head of service had a part in "
            "the original decision; add a head of service or a manager of another service "
            "(`ucbr staff add`), as the policy's uninvolved officer"
        )
    return (
        "nobody in the staff directory: add the relevant business manager or a head of "
        "service (`ucbr staff add --service`)"
    )


def _check_approver(case: Case, decision: Decision, ctx: Ctx, involved: Iterable[str]) -> None:
    require(ctx, "approve")
    problem = approver_problem(case, decision, ctx.actor, involved)
    if problem is not None:
        who = who_may_approve(case, decision, ctx.staff, involved)
        raise refuse(f"{problem}; it may be approved by {who}")


def _awaiting(case: Case) -> Decision:
    pending = pending_proposal(case)
    if pending is None:
        raise refuse(f"case {case.id} has no decision awaiting approval")
    return pending


def _still_sound(case: Case, pending: Decision, ctx: Ctx) -> None:
    """Re-check a proposal against the case as it stands on the day of approval."""
    current = in_force(case, ctx.today)
    if pending.variation_of is not None:
        if current is None or current.id != pending.variation_of:
            raise refuse(
                f"decision {pending.variation_of}, which {pending.id} varies, "
                "is no longer in force; reject the variation"
            )
    else:
        incidents = relied_on(case, pending.incidents)
        check_not_in_force(case, pending.step, ctx.today)
        check_ladder(case, pending.step, incidents, pending.bypass_incident, pending.bypass_reason)
        check_warning_followed(case, pending.step, incidents)
        if pending.step == "contact_refused":
            check_behaviour_continued(case, incidents)
    left = unjustified(case, pending)
    if left:
        raise refuse(
            "; ".join(c.line() for c in left) + ". The adjustment was recorded after the "
            "proposal: reject it and propose again, changing the restriction or recording "
            "why it stands (--justify)"
        )
    check_contacts(pending.restrictions, ctx.staff)
    if pending.review_by is not None and pending.review_by < ctx.today:
        raise refuse(f"the review date {pending.review_by} has passed; reject and propose again")


def approve(case: Case, ctx: Ctx, involved: Iterable[str] = ()) -> tuple[Case, Decision]:
    """The relevant manager or a Head of Service approves the pending proposal; it comes
    into force. ``involved`` are the officers git history shows worked on the case."""
    pending = _awaiting(case)
    _check_approver(case, pending, ctx, involved)
    _still_sound(case, pending, ctx)
    approved = pending.model_copy(
        update={"status": "approved", "approved_by": ctx.actor.id, "approved_on": ctx.today}
    )
    decisions = replace_item(case.decisions, pending, approved)
    current = in_force(case, ctx.today)  # one that ended on its date stays as it ended
    if current is not None:
        ended = current.model_copy(update={"status": "superseded", "ended_on": ctx.today})
        decisions = replace_item(decisions, current, ended)
    return valid(case.model_copy(update={"decisions": decisions})), valid(approved)


def reject(case: Case, reason: str, ctx: Ctx) -> tuple[Case, Decision]:
    """A manager or Head of Service rejects the pending proposal, with a reason."""
    pending = _awaiting(case)
    rejected = rejection(pending, reason, ctx)
    decisions = replace_item(case.decisions, pending, rejected)
    return valid(case.model_copy(update={"decisions": decisions})), valid(rejected)
