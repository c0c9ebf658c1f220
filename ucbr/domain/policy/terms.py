"""The terms a decision carries: a warning's note, or a restriction's restrictions,
considerations, essential services, scope, review date and justifications.

"This decision will consider all factors including exceptional circumstances or barriers
faced by yourself due to any known or advised protected characteristics, at risk factors,
or other relevant reasons." Everything missing is named in one refusal, so an officer
fixes the command once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ucbr.domain.model import RESTRICTING_STEPS, Case, Incident, Restriction, Step
from ucbr.domain.policy.adjustments import conflicts, justify
from ucbr.domain.policy.base import Ctx, blank, refuse, step_label
from ucbr.domain.policy.restrictions import (
    check_contacts,
    check_restriction,
    check_review_by,
    check_together,
)
from ucbr.domain.words import COUNCIL_WIDE


@dataclass(frozen=True)
class EscalationRequest:
    """The terms of a warning, a restriction or a variation, as the officer gives them."""

    to: Step | None = None
    incidents: tuple[str, ...] = ()
    considerations: str | None = None
    note: str | None = None
    restrictions: tuple[Restriction, ...] = ()
    essential_services: str | None = None
    scope: str | None = None
    scope_reason: str | None = None
    review_by: dt.date | None = None
    # The incident the deciding officer relies on as violence or a serious threat.
    bypass: str | None = None
    bypass_reason: str | None = None
    # Why the restrictions stand although they conflict with a reasonable adjustment.
    justification: str | None = None
    # For a variation: the kinds of restriction in force that end.
    end: tuple[str, ...] = ()


def missing_terms(req: EscalationRequest, scope: str) -> list[str]:
    """Every term a restricting decision lacks, in the words of the option that gives it."""
    missing = []
    if not req.restrictions:
        missing.append("at least one restriction (--only-channel, --contact-days, …)")
    if blank(req.considerations):
        missing.append(
            "the considerations (--considerations): protected characteristics, exceptional "
            "circumstances and at-risk factors"
        )
    if blank(req.essential_services):
        missing.append("how the person can still reach essential services (--essential-services)")
    if req.review_by is None:
        missing.append("a review date (--review-by)")
    if scope == COUNCIL_WIDE and blank(req.scope_reason):
        missing.append("why it is council-wide (--scope-reason)")
    return missing


def restricting_terms(
    case: Case,
    step: Step,
    req: EscalationRequest,
    ctx: Ctx,
    service: str,
    covered: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The terms every decision that manages contact must carry, all checked.

    ``covered`` names adjustments a decision being varied already justified, which its
    variation carries over.
    """
    scope = req.scope or service
    missing = missing_terms(req, scope)
    if missing:
        raise refuse(f"{step_label(step)} needs " + "; ".join(missing))
    for restriction in req.restrictions:
        check_restriction(restriction, ctx.today)
    check_together(req.restrictions)
    check_contacts(req.restrictions, ctx.staff)
    found = conflicts(req.restrictions, case.adjustments)
    justifications = justify(found, req.justification, covered)
    return {
        "considerations": req.considerations,
        "restrictions": req.restrictions,
        "justifications": justifications,
        "essential_services": req.essential_services,
        "scope": scope,
        "scope_reason": req.scope_reason,
        "review_by": check_review_by(req.review_by, ctx),
        "status": "proposed",
    }


def warning_terms(step: Step, req: EscalationRequest, service: str) -> dict[str, Any]:
    """Steps 1 and 2 are warnings: recorded, with no restrictions and no review."""
    if req.restrictions:
        raise refuse(f"{step_label(step)} carries no restrictions; they come with step 3")
    if req.review_by is not None:
        raise refuse(f"{step_label(step)} has no review date; reviews are for restrictions")
    if step == "verbal_warning" and blank(req.note):
        raise refuse("a verbal warning needs a file note of what was said (--note)")
    if not blank(req.justification):
        raise refuse(f"{step_label(step)} has no restrictions to justify (--justify)")
    return {
        "considerations": req.considerations,
        "scope": req.scope or service,
        "scope_reason": req.scope_reason,
        "status": "recorded",
    }


def decision_fields(
    case: Case,
    step: Step,
    req: EscalationRequest,
    incidents: tuple[Incident, ...],
    ctx: Ctx,
    covered: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Every field of a new decision at ``step``, its terms checked."""
    service = incidents[0].service
    if step in RESTRICTING_STEPS:
        terms = restricting_terms(case, step, req, ctx, service, covered)
    else:
        terms = warning_terms(step, req, service)
    return {
        "id": ctx.new_id("D"),
        "step": step,
        "incidents": tuple(i.id for i in incidents),
        "note": req.note,
        "proposed_by": ctx.actor.id,
        "proposed_on": ctx.today,
        "policy": ctx.policy_hash,
        **terms,
    }
