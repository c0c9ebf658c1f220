"""Variations: a review or an appeal that changes the restrictions in force.

A variation starts from the decision in force: the restrictions it names replace those of
the same kind, ``end`` ends others, and every other term (the rest of the restrictions,
considerations, essential services, scope, review date, justifications) carries over.
Like step 3 it needs approval; it comes into force when approved, replacing the decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ucbr.domain.model import RESTRICTING_STEPS, Case, Decision
from ucbr.domain.policy.adjustments import conflicts
from ucbr.domain.policy.base import Ctx, make, refuse
from ucbr.domain.policy.ladder import no_proposal_pending, relied_on, with_decision
from ucbr.domain.policy.terms import EscalationRequest, decision_fields
from ucbr.domain.views import review_date


def varied_terms(
    current: Decision, req: EscalationRequest, review_by: dt.date | None, may_end: bool = True
) -> EscalationRequest:
    """The terms of the decision in force, changed as the variation says. A restriction
    ends only where ``may_end``: at review, "Restrictions will only be removed if there has
    been significant change"; on appeal, the appeal's outcome is reason enough."""
    given = {r.kind for r in req.restrictions}
    unknown = sorted(set(req.end) - {r.kind for r in current.restrictions})
    if unknown:
        raise refuse(f"decision {current.id} has no {unknown[0]} restriction to end")
    if req.end and not may_end:
        raise refuse(
            f"ending the {req.end[0]} restriction removes it: restrictions are removed only "
            "after a significant change in behaviour or circumstances (--significant-change)"
        )
    kept = tuple(r for r in current.restrictions if r.kind not in given | set(req.end))
    return replace(
        req,
        restrictions=kept + req.restrictions,
        considerations=req.considerations or current.considerations,
        essential_services=req.essential_services or current.essential_services,
        scope=req.scope or current.scope,
        scope_reason=req.scope_reason or current.scope_reason,
        review_by=req.review_by or review_by,
    )


def _changes_something(current: Decision, terms: EscalationRequest) -> bool:
    return (
        terms.restrictions != current.restrictions
        or terms.essential_services != current.essential_services
        or terms.scope != current.scope
        or terms.review_by != current.review_by
    )


def propose_variation(
    case: Case,
    current: Decision,
    req: EscalationRequest,
    ctx: Ctx,
    varied_by: str,
    review_by: dt.date | None = None,
    may_end: bool = True,
) -> tuple[Case, Decision]:
    """Propose new terms for ``current``, for approval, as the outcome of review or appeal
    ``varied_by``. ``review_by`` is the next review when the variation names none (the
    review's own next date, else the decision's)."""
    no_proposal_pending(case)
    if req.to is not None and req.to != current.step:
        raise refuse(f"a variation keeps the step ({current.step}); escalate to change the step")
    if current.step not in RESTRICTING_STEPS:
        raise refuse(f"decision {current.id} ({current.step}) has no restrictions to vary")
    kept_review = review_date(case, current)
    default_review = review_by or (
        kept_review if kept_review and kept_review >= ctx.today else None
    )
    terms = varied_terms(current, req, default_review, may_end)
    if not _changes_something(current, terms):
        raise refuse(
            "the variation changes nothing: give the new restrictions, end one (--end KIND), "
            "or give new essential services or a new review date"
        )
    incidents = relied_on(case, req.incidents or current.incidents)
    covered = tuple(j.adjustment for j in current.justifications)
    fields = decision_fields(case, current.step, terms, incidents, ctx, covered)
    still = {c.adjustment.kind for c in conflicts(terms.restrictions, case.adjustments)}
    new = {j.adjustment for j in fields["justifications"]}
    carried = tuple(j for j in current.justifications if j.adjustment in still - new)
    fields["justifications"] = carried + fields["justifications"]
    decision = make(Decision, **fields, variation_of=current.id, varied_by=varied_by)
    return with_decision(case, decision), decision
