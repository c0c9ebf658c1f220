"""The warning ladder: step 1 a verbal warning, step 2 an informal written warning, step 3 a
formal written warning with restrictions, then refusal of further contact.

"Following a verbal warning, if the behaviour continues to be unacceptable, an informal
written warning letter will be sent"; "in the case of violence or serious threats, the
warning stages (1 and 2) will be bypassed"; "If the behaviour continues after warnings
letters are issued, we may refuse further contact".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ucbr.domain.model import LADDER, RESTRICTING_STEPS, Case, Decision, Incident, Restriction, Step
from ucbr.domain.policy.adjustments import check_adjustments
from ucbr.domain.policy.base import (
    COUNCIL_WIDE,
    GIVEN_STATUSES,
    ID_SHAPE,
    Ctx,
    blank,
    make,
    refuse,
    require,
    step_label,
    valid,
)
from ucbr.domain.policy.restrictions import (
    check_contacts,
    check_restriction,
    check_review_by,
    check_together,
)
from ucbr.domain.views import decision_in_force, pending_proposal


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


def relied_on(case: Case, ids: Iterable[str]) -> tuple[Incident, ...]:
    """The recorded incidents a decision relies on; refused when one is not in the case."""
    by_id = {i.id: i for i in case.incidents}
    wanted = tuple(dict.fromkeys(ids))
    if not wanted:
        raise refuse("a decision must rely on at least one recorded incident")
    for incident_id in wanted:
        if incident_id not in by_id:
            named = incident_id if ID_SHAPE.fullmatch(incident_id) else "given"
            raise refuse(f"incident {named} is not in case {case.id}")
    return tuple(by_id[i] for i in wanted)


def highest_given(case: Case) -> int:
    """The index on the ladder of the highest step given; -1 when none."""
    return max(
        (LADDER.index(d.step) for d in case.decisions if d.status in GIVEN_STATUSES), default=-1
    )


def _next_step(case: Case) -> Step:
    highest = highest_given(case)
    if highest + 1 >= len(LADDER):
        raise refuse(
            "further contact is already refused; there is no later step (vary it at review)"
        )
    return LADDER[highest + 1]


def check_not_in_force(case: Case, step: Step) -> None:
    """A restricting step already in force is varied at review, not given again."""
    current = decision_in_force(case)
    if (
        step in RESTRICTING_STEPS
        and current is not None
        and LADDER.index(step) <= LADDER.index(current.step)
    ):
        raise refuse(
            f"decision {current.id} ({current.step}) is in force; vary it at review instead"
        )


def check_ladder(case: Case, step: Step, incidents: tuple[Incident, ...]) -> str | None:
    """The skip rule; returns the incident that justifies bypassing steps 1 and 2, if any."""
    target, highest = LADDER.index(step), highest_given(case)
    if step == "contact_refused" and highest < 2:
        raise refuse(
            f"{step_label('formal_written_warning')} has not been given; "
            "contact is refused only after a formal written warning"
        )
    if target <= highest + 1:
        return None
    serious = next((i for i in incidents if i.serious), None)
    if target <= 2 and serious is not None:
        return serious.id
    raise refuse(
        f"{step_label(LADDER[highest + 1])} has not been given; only an incident of violence "
        "or a serious threat bypasses steps 1 and 2"
    )


def check_warning_followed(case: Case, step: Step, incidents: tuple[Incident, ...]) -> None:
    """Steps 2 and 3 follow the step below only if the behaviour continued after it.

    A step reached by bypassing the step below (violence or a serious threat) has no
    earlier warning to follow, so it is not checked here.
    """
    target = LADDER.index(step)
    if target not in (1, 2):
        return
    below = LADDER[target - 1]
    warnings = [d for d in case.decisions if d.step == below and d.status in GIVEN_STATUSES]
    if not warnings:
        return
    warned_on = max(d.proposed_on for d in warnings)
    # An incident an earlier warning already answered is not the behaviour continuing.
    answered = {
        incident_id
        for d in case.decisions
        if d.status in GIVEN_STATUSES and LADDER.index(d.step) < target
        for incident_id in d.incidents
    }
    if not any(i.id not in answered and i.date >= warned_on for i in incidents):
        latest = max(warnings, key=lambda d: d.proposed_on)
        raise refuse(
            f"the behaviour has not continued since {step_label(below)}, decision {latest.id}: "
            f"rely on an incident on or after {warned_on} that no warning relied on"
        )


def check_behaviour_continued(case: Case, incidents: tuple[Incident, ...]) -> None:
    """Refusal of contact only if the behaviour continued after the formal-warning letter."""
    warnings = [
        d
        for d in case.decisions
        if d.step == "formal_written_warning" and d.status in GIVEN_STATUSES and d.approved_on
    ]
    if not warnings:
        raise refuse("contact is refused only after an approved formal written warning")
    since = max(d.approved_on for d in warnings if d.approved_on)
    if not any(i.date > since for i in incidents):
        raise refuse(
            f"contact is refused only if the behaviour continued: rely on an incident after {since}"
        )
    warned = {d.id for d in warnings}
    sent = [
        letter.date
        for letter in case.letters
        if letter.kind == "formal-warning" and letter.about in warned
    ]
    if not sent:
        raise refuse(
            f"no formal-warning letter has been issued about decision {warnings[-1].id}; "
            "contact is refused only if the behaviour continues after warning letters are issued"
        )
    letter_on = min(sent)
    if not any(i.date > since and i.date >= letter_on for i in incidents):
        raise refuse(
            "contact is refused only if the behaviour continued after the formal-warning letter: "
            f"rely on an incident on or after {letter_on}"
        )


def _restricting_terms(
    case: Case, req: EscalationRequest, ctx: Ctx, service: str
) -> dict[str, Any]:
    """The terms every decision that manages contact must carry."""
    if not req.restrictions:
        raise refuse("step 3 and refusal of contact need at least one restriction")
    for restriction in req.restrictions:
        check_restriction(restriction, ctx.today)
    check_together(req.restrictions)
    check_contacts(req.restrictions, ctx)
    if blank(req.considerations):
        raise refuse(
            "record the considerations: protected characteristics, exceptional circumstances "
            "and at-risk factors"
        )
    if blank(req.essential_services):
        raise refuse("say how the person can still reach essential services")
    scope = req.scope or service
    if scope == COUNCIL_WIDE and blank(req.scope_reason):
        raise refuse("a council-wide restriction needs a reason (--scope-reason)")
    check_adjustments(case, req.restrictions)
    return {
        "considerations": req.considerations,
        "restrictions": req.restrictions,
        "essential_services": req.essential_services,
        "scope": scope,
        "scope_reason": req.scope_reason,
        "review_by": check_review_by(req.review_by, ctx),
        "status": "proposed",
    }


def _warning_terms(step: Step, req: EscalationRequest, service: str) -> dict[str, Any]:
    """Steps 1 and 2 are warnings: recorded, with no restrictions and no review."""
    if req.restrictions:
        raise refuse(f"{step_label(step)} carries no restrictions; they come with step 3")
    if req.review_by is not None:
        raise refuse(f"{step_label(step)} has no review date; reviews are for restrictions")
    if step == "verbal_warning" and blank(req.note):
        raise refuse("a verbal warning needs a file note of what was said (--note)")
    return {
        "considerations": req.considerations,
        "scope": req.scope or service,
        "scope_reason": req.scope_reason,
        "status": "recorded",
    }


def decision_fields(
    case: Case, step: Step, req: EscalationRequest, incidents: tuple[Incident, ...], ctx: Ctx
) -> dict[str, Any]:
    """Every field of a new decision at ``step``, its terms checked."""
    service = incidents[0].service
    if step in RESTRICTING_STEPS:
        terms = _restricting_terms(case, req, ctx, service)
    else:
        terms = _warning_terms(step, req, service)
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


def no_proposal_pending(case: Case) -> None:
    """One proposal at a time: a second waits until the first is decided."""
    pending = pending_proposal(case)
    if pending is not None:
        raise refuse(f"decision {pending.id} is awaiting approval; approve or reject it first")


def with_decision(case: Case, decision: Decision) -> Case:
    """The case with one more decision."""
    return valid(case.model_copy(update={"decisions": (*case.decisions, decision)}))


def escalate(case: Case, req: EscalationRequest, ctx: Ctx) -> tuple[Case, Decision]:
    """Give the next (or the named) step on the ladder, or propose a restriction."""
    require(ctx, "escalate")
    no_proposal_pending(case)
    incidents = relied_on(case, req.incidents)
    step = req.to or _next_step(case)
    check_not_in_force(case, step)
    bypass = check_ladder(case, step, incidents)
    check_warning_followed(case, step, incidents)
    if step == "contact_refused":
        check_behaviour_continued(case, incidents)
    decision = make(
        Decision, **decision_fields(case, step, req, incidents, ctx), bypass_incident=bypass
    )
    return with_decision(case, decision), decision


def propose_variation(
    case: Case, current: Decision, req: EscalationRequest, ctx: Ctx
) -> tuple[Case, Decision]:
    """A variation replaces the restrictions of ``current`` and, like step 3, needs approval."""
    no_proposal_pending(case)
    if req.to is not None and req.to != current.step:
        raise refuse(f"a variation keeps the step ({current.step}); escalate to change the step")
    incidents = relied_on(case, req.incidents or current.incidents)
    fields = decision_fields(case, current.step, req, incidents, ctx)
    decision = make(Decision, **fields, variation_of=current.id)
    return with_decision(case, decision), decision
