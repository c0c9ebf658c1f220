"""The council's Unreasonable Customer Behaviour Policy, as pure transitions.

Each public function takes a case (or property) and a ``Ctx`` and returns the new
record, or raises ``Refused`` with one line naming what is wrong. Nothing here reads a
clock, a file or git: ``ctx.today`` is the policy clock and ``ctx.new_id`` makes ids.
Refusal messages hold ids, steps, kinds and dates only, never personal data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ucbr.config import APPROVER_ROLES, PolicyConfig, StaffMember
from ucbr.dates import add_months as add_months  # re-exported: the policy's calendar
from ucbr.errors import Refused
from ucbr.model import (
    BEHAVIOURS,
    LADDER,
    RESTRICTING_STEPS,
    SPECIAL_CATEGORY_RISKS,
    Adjustment,
    AdjustmentKind,
    Appeal,
    AppealOutcome,
    Case,
    Decision,
    Incident,
    LetterIssued,
    Person,
    PropertyDecision,
    PropertyReview,
    PropertyRisk,
    Restriction,
    Review,
    ReviewOutcome,
    Step,
)
from ucbr.plain import ADJUSTMENT_NAMES
from ucbr.views import decision_in_force, next_review, pending_appeal, pending_proposal

# Who may propose warnings, restrictions and property risks, and hold reviews.
PROPOSER_ROLES: frozenset[str] = frozenset({"case_officer", "manager", "head_of_service"})
# Anyone who meets the public may report an incident; a service account may not.
REPORTER_ROLES: frozenset[str] = frozenset(
    {"frontline", "case_officer", "manager", "head_of_service", "ig_officer"}
)
COUNCIL_WIDE = "council-wide"
# A step counts as given unless it was rejected, is still a proposal, or was overturned.
GIVEN_STATUSES: frozenset[str] = frozenset({"recorded", "approved", "superseded", "lifted"})

M = TypeVar("M", bound=BaseModel)
# An id is safe to echo in a refusal; anything else typed in its place may not be.
_ID = re.compile(r"[A-Z]-[0-9A-HJKMNP-TV-Z]{8}")


@dataclass(frozen=True)
class Ctx:
    """Who acts, on which day, under which policy."""

    today: dt.date
    cfg: PolicyConfig
    policy_hash: str
    actor: StaffMember
    new_id: Callable[[str], str]


@dataclass(frozen=True)
class IncidentRequest:
    date: dt.date
    channel: str
    location: str
    category: str
    behaviours: tuple[str, ...]
    summary: str
    serious: bool
    by_representative: str | None
    service: str


@dataclass(frozen=True)
class EscalationRequest:
    to: Step | None = None
    incidents: tuple[str, ...] = ()
    considerations: str | None = None
    note: str | None = None
    restrictions: tuple[Restriction, ...] = ()
    essential_services: str | None = None
    scope: str | None = None
    scope_reason: str | None = None
    review_by: dt.date | None = None


@dataclass(frozen=True)
class ReviewRequest:
    outcome: ReviewOutcome
    reasons: str
    significant_change: bool = False
    next_review: dt.date | None = None
    notify: bool = True
    no_notify_reason: str | None = None
    variation: EscalationRequest | None = None


# --- small helpers -------------------------------------------------------------------


def _refuse(reason: str) -> Refused:
    return Refused(f"refused: {reason}")


def _explain(err: ValidationError) -> str:
    # Only the field path and pydantic's message: never the input, which may be personal.
    first = err.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "value"
    return f"refused: invalid {where}: {first['msg']}"


def _make(cls: type[M], **fields: Any) -> M:
    try:
        return cls(**fields)
    except ValidationError as err:
        raise Refused(_explain(err)) from None


def _valid(obj: M) -> M:
    """Re-validate a copied model, so an invalid state can never come out of the policy."""
    try:
        return type(obj).model_validate(obj.model_dump())
    except ValidationError as err:
        raise Refused(_explain(err)) from None


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _require_role(ctx: Ctx, roles: Iterable[str], doing: str) -> None:
    if ctx.actor.role not in roles:
        allowed = ", ".join(sorted(roles))
        raise _refuse(f"the role {ctx.actor.role} may not {doing}; that needs one of: {allowed}")


def step_label(step: Step) -> str:
    """``step 2 (informal_written_warning)``; refusal of contact has no number in the policy."""
    index = LADDER.index(step)
    return f"step {index + 1} ({step})" if index < 3 else f"refusal of contact ({step})"


def _replace(items: tuple[M, ...], old: M, new: M) -> tuple[M, ...]:
    return tuple(new if item is old else item for item in items)


# --- cases and incidents ----------------------------------------------------------------


def open_case(case_id: str, person: Person, ctx: Ctx) -> Case:
    """A new case for one person, opened today."""
    return _make(Case, id=case_id, person=person, opened_on=ctx.today)


def record_incident(case: Case, req: IncidentRequest, ctx: Ctx) -> tuple[Case, Incident]:
    """Record an incident reported by the acting officer."""
    _require_role(ctx, REPORTER_ROLES, "report an incident")
    if req.date > ctx.today:
        raise _refuse(f"the incident date {req.date} is in the future")
    allowed = BEHAVIOURS.get(req.category)
    if allowed is None:
        raise _refuse("the category must be A or B")
    if not req.behaviours:
        raise _refuse("an incident needs at least one behaviour")
    for behaviour in req.behaviours:
        if behaviour not in allowed:
            # Echo only the policy's own codes: free text typed here could be personal data.
            known = behaviour in BEHAVIOURS["A"] or behaviour in BEHAVIOURS["B"]
            named = f"behaviour {behaviour!r}" if known else "a behaviour given"
            raise _refuse(f"{named} is not in the policy's list for category {req.category}")
    if _blank(req.summary):
        raise _refuse("an incident needs a factual summary")
    if _blank(req.service):
        raise _refuse("an incident needs the service that suffered the behaviour")
    incident = _make(
        Incident,
        id=ctx.new_id("I"),
        date=req.date,
        channel=req.channel,
        location=req.location,
        category=req.category,
        behaviours=tuple(dict.fromkeys(req.behaviours)),
        summary=req.summary,
        serious=req.serious,
        reported_by=ctx.actor.id,
        recorded_on=ctx.today,
        by_representative=req.by_representative,
        service=req.service,
    )
    return _valid(case.model_copy(update={"incidents": (*case.incidents, incident)})), incident


# --- the ladder ---------------------------------------------------------------------------


def _relied_on(case: Case, ids: Iterable[str]) -> tuple[Incident, ...]:
    by_id = {i.id: i for i in case.incidents}
    wanted = tuple(dict.fromkeys(ids))
    if not wanted:
        raise _refuse("a decision must rely on at least one recorded incident")
    for incident_id in wanted:
        if incident_id not in by_id:
            named = incident_id if _ID.fullmatch(incident_id) else "given"
            raise _refuse(f"incident {named} is not in case {case.id}")
    return tuple(by_id[i] for i in wanted)


def _highest_given(case: Case) -> int:
    return max(
        (LADDER.index(d.step) for d in case.decisions if d.status in GIVEN_STATUSES), default=-1
    )


def _next_step(case: Case) -> Step:
    highest = _highest_given(case)
    if highest + 1 >= len(LADDER):
        raise _refuse(
            "further contact is already refused; there is no later step (vary it at review)"
        )
    return LADDER[highest + 1]


def _check_not_in_force(case: Case, step: Step) -> None:
    current = decision_in_force(case)
    if (
        step in RESTRICTING_STEPS
        and current is not None
        and LADDER.index(step) <= LADDER.index(current.step)
    ):
        raise _refuse(
            f"decision {current.id} ({current.step}) is in force; vary it at review instead"
        )


def _check_ladder(case: Case, step: Step, incidents: tuple[Incident, ...]) -> str | None:
    """The skip rule; returns the incident that justifies bypassing steps 1 and 2, if any."""
    target, highest = LADDER.index(step), _highest_given(case)
    if step == "contact_refused" and highest < 2:
        raise _refuse(
            f"{step_label('formal_written_warning')} has not been given; "
            "contact is refused only after a formal written warning"
        )
    if target <= highest + 1:
        return None
    serious = next((i for i in incidents if i.serious), None)
    if target <= 2 and serious is not None:
        return serious.id
    raise _refuse(
        f"{step_label(LADDER[highest + 1])} has not been given; only an incident of violence "
        "or a serious threat bypasses steps 1 and 2"
    )


def _check_warning_followed(case: Case, step: Step, incidents: tuple[Incident, ...]) -> None:
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
    relied_on = {
        i
        for d in case.decisions
        if d.status in GIVEN_STATUSES and LADDER.index(d.step) < target
        for i in d.incidents
    }
    if not any(i.id not in relied_on and i.date >= warned_on for i in incidents):
        latest = max(warnings, key=lambda d: d.proposed_on)
        raise _refuse(
            f"the behaviour has not continued since {step_label(below)}, decision {latest.id}: "
            f"rely on an incident on or after {warned_on} that no warning relied on"
        )


def _check_behaviour_continued(case: Case, incidents: tuple[Incident, ...]) -> None:
    warnings = [
        d
        for d in case.decisions
        if d.step == "formal_written_warning" and d.status in GIVEN_STATUSES and d.approved_on
    ]
    if not warnings:
        raise _refuse("contact is refused only after an approved formal written warning")
    since = max(d.approved_on for d in warnings if d.approved_on)
    if not any(i.date > since for i in incidents):
        raise _refuse(
            f"contact is refused only if the behaviour continued: rely on an incident after {since}"
        )
    warned = {d.id for d in warnings}
    sent = [
        letter.date
        for letter in case.letters
        if letter.kind == "formal-warning" and letter.about in warned
    ]
    if not sent:
        raise _refuse(
            f"no formal-warning letter has been issued about decision {warnings[-1].id}; "
            "contact is refused only if the behaviour continues after warning letters are issued"
        )
    letter_on = min(sent)
    if not any(i.date > since and i.date >= letter_on for i in incidents):
        raise _refuse(
            "contact is refused only if the behaviour continued after the formal-warning letter: "
            f"rely on an incident on or after {letter_on}"
        )


# --- restrictions ---------------------------------------------------------------------------

_FIELDS: dict[str, frozenset[str]] = {
    "single_channel": frozenset({"channel"}),
    "contact_times": frozenset({"days", "hours"}),
    "designated_email": frozenset({"email"}),
    "premises_ban": frozenset({"premises", "until"}),
    "single_point_of_contact": frozenset({"staff"}),
    "no_further_responses": frozenset({"topic"}),
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "single_channel": ("channel",),
    "contact_times": ("days", "hours"),
    "designated_email": ("email",),
    "premises_ban": ("premises",),
    "single_point_of_contact": ("staff",),
    "no_further_responses": ("topic",),
}
# Kinds a decision may hold once only: two of them would contradict each other.
_ONCE_ONLY = ("single_channel", "contact_times", "designated_email", "single_point_of_contact")


_DETAILS = ("channel", "days", "hours", "email", "premises", "staff", "topic", "until")


def _fields_given(r: Restriction) -> set[str]:
    return {name for name in _DETAILS if getattr(r, name) not in (None, ())}


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    if int(hours) > 23 or int(minutes) > 59:
        raise _refuse(f"{clock} is not a time of day")
    return int(hours) * 60 + int(minutes)


def check_restriction(r: Restriction, today: dt.date) -> None:
    """One restriction is complete, holds only its own details, and is not already over."""
    given = _fields_given(r)
    for name in _REQUIRED[r.kind]:
        if name not in given:
            raise _refuse(f"a {r.kind} restriction needs {name}")
    extra = sorted(given - _FIELDS[r.kind])
    if extra:
        raise _refuse(f"a {r.kind} restriction does not take {', '.join(extra)}")
    if r.kind == "contact_times" and r.hours is not None:
        start, end = r.hours.split("-")
        if _minutes(start) >= _minutes(end):
            raise _refuse(f"contact hours {r.hours} must start before they end")
    if r.kind == "designated_email" and r.email is not None and "@" not in r.email:
        raise _refuse("the designated e-mail address is not an e-mail address")
    if r.until is not None and r.until < today:
        raise _refuse(f"the premises ban ends on {r.until}, which is in the past")


def _check_restrictions_together(restrictions: tuple[Restriction, ...]) -> None:
    for kind in _ONCE_ONLY:
        if sum(r.kind == kind for r in restrictions) > 1:
            raise _refuse(f"a decision may hold only one {kind} restriction")
    channels = {r.channel for r in restrictions if r.kind == "single_channel"}
    if channels - {"email"} and any(r.kind == "designated_email" for r in restrictions):
        raise _refuse("a designated e-mail address contradicts contact only by another channel")


def _contradicts(r: Restriction, adjustment: str) -> bool:
    written_only = r.kind == "single_channel" and r.channel in ("email", "letter")
    if adjustment == "no_email":
        return r.kind == "single_channel" and r.channel == "email"
    if adjustment == "no_written":
        return written_only or r.kind == "designated_email"
    if adjustment == "needs_telephone":
        return written_only
    if adjustment == "needs_face_to_face":
        return r.kind == "single_channel"
    return False


def check_adjustments(case: Case, restrictions: Iterable[Restriction]) -> None:
    """A restriction may not contradict a recorded reasonable adjustment."""
    for r in restrictions:
        for adjustment in case.adjustments:
            if _contradicts(r, adjustment.kind):
                what = f"{r.kind} ({r.channel})" if r.channel else r.kind
                raise _refuse(
                    f"the {what} restriction contradicts the recorded adjustment "
                    f"{adjustment.kind} ({ADJUSTMENT_NAMES[adjustment.kind]})"
                )


def _check_review_by(review_by: dt.date | None, ctx: Ctx) -> dt.date:
    if review_by is None:
        raise _refuse("a restriction needs a review date (--review-by)")
    latest = add_months(ctx.today, ctx.cfg.review_interval_months)
    if review_by > latest:
        raise _refuse(f"the review date {review_by} is later than the policy allows ({latest})")
    if review_by < ctx.today:
        raise _refuse(f"the review date {review_by} is in the past")
    return review_by


def _restricting_terms(
    case: Case, req: EscalationRequest, ctx: Ctx, service: str
) -> dict[str, Any]:
    """The terms every decision that manages contact must carry."""
    if not req.restrictions:
        raise _refuse("step 3 and refusal of contact need at least one restriction")
    for r in req.restrictions:
        check_restriction(r, ctx.today)
    _check_restrictions_together(req.restrictions)
    if _blank(req.considerations):
        raise _refuse(
            "record the considerations: protected characteristics, exceptional circumstances "
            "and at-risk factors"
        )
    if _blank(req.essential_services):
        raise _refuse("say how the person can still reach essential services")
    scope = req.scope or service
    if scope == COUNCIL_WIDE and _blank(req.scope_reason):
        raise _refuse("a council-wide restriction needs a reason (--scope-reason)")
    check_adjustments(case, req.restrictions)
    return {
        "considerations": req.considerations,
        "restrictions": req.restrictions,
        "essential_services": req.essential_services,
        "scope": scope,
        "scope_reason": req.scope_reason,
        "review_by": _check_review_by(req.review_by, ctx),
        "status": "proposed",
    }


def _warning_terms(step: Step, req: EscalationRequest, service: str) -> dict[str, Any]:
    """Steps 1 and 2 are warnings: recorded, with no restrictions and no review."""
    if req.restrictions:
        raise _refuse(f"{step_label(step)} carries no restrictions; they come with step 3")
    if req.review_by is not None:
        raise _refuse(f"{step_label(step)} has no review date; reviews are for restrictions")
    if step == "verbal_warning" and _blank(req.note):
        raise _refuse("a verbal warning needs a file note of what was said (--note)")
    return {
        "considerations": req.considerations,
        "scope": req.scope or service,
        "scope_reason": req.scope_reason,
        "status": "recorded",
    }


def _decision(
    case: Case, step: Step, req: EscalationRequest, incidents: tuple[Incident, ...], ctx: Ctx
) -> dict[str, Any]:
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


def _no_proposal_pending(case: Case) -> None:
    pending = pending_proposal(case)
    if pending is not None:
        raise _refuse(f"decision {pending.id} is awaiting approval; approve or reject it first")


def _with_decision(case: Case, decision: Decision) -> Case:
    return _valid(case.model_copy(update={"decisions": (*case.decisions, decision)}))


def escalate(case: Case, req: EscalationRequest, ctx: Ctx) -> tuple[Case, Decision]:
    """Give the next (or the named) step on the ladder, or propose a restriction."""
    _require_role(ctx, PROPOSER_ROLES, "give a warning or propose a restriction")
    _no_proposal_pending(case)
    incidents = _relied_on(case, req.incidents)
    step = req.to or _next_step(case)
    _check_not_in_force(case, step)
    bypass = _check_ladder(case, step, incidents)
    _check_warning_followed(case, step, incidents)
    if step == "contact_refused":
        _check_behaviour_continued(case, incidents)
    decision = _make(Decision, **_decision(case, step, req, incidents, ctx), bypass_incident=bypass)
    return _with_decision(case, decision), decision


def _propose_variation(
    case: Case, current: Decision, req: EscalationRequest, ctx: Ctx
) -> tuple[Case, Decision]:
    """A variation replaces the restrictions of ``current`` and, like step 3, needs approval."""
    _no_proposal_pending(case)
    if req.to is not None and req.to != current.step:
        raise _refuse(f"a variation keeps the step ({current.step}); escalate to change the step")
    incidents = _relied_on(case, req.incidents or current.incidents)
    fields = _decision(case, current.step, req, incidents, ctx)
    decision = _make(Decision, **fields, variation_of=current.id)
    return _with_decision(case, decision), decision


# --- approval ------------------------------------------------------------------------------


def _check_approver(case: Case, decision: Decision, ctx: Ctx) -> None:
    _require_role(ctx, APPROVER_ROLES, "approve or reject a decision")
    me = ctx.actor.id
    if decision.proposed_by == me:
        raise _refuse(f"you proposed decision {decision.id}; the approver must be someone else")
    for incident in _relied_on(case, decision.incidents):
        if incident.reported_by == me:
            raise _refuse(
                f"you reported incident {incident.id}, which decision {decision.id} relies on; "
                "the approver must be someone else"
            )
    appeal = _appeal_varying(case, decision)
    if appeal is not None:
        # The variation is the appeal's outcome: it too is for someone not involved.
        _check_not_involved(case, appeal, ctx, frozenset(), "approving its variation")


def _appeal_varying(case: Case, decision: Decision) -> Appeal | None:
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


def _awaiting(case: Case) -> Decision:
    pending = pending_proposal(case)
    if pending is None:
        raise _refuse(f"case {case.id} has no decision awaiting approval")
    return pending


def _still_sound(case: Case, pending: Decision, ctx: Ctx) -> None:
    """Re-check a proposal against the case as it stands on the day of approval."""
    current = decision_in_force(case)
    if pending.variation_of is not None:
        if current is None or current.id != pending.variation_of:
            raise _refuse(
                f"decision {pending.variation_of}, which {pending.id} varies, "
                "is no longer in force; reject the variation"
            )
    else:
        incidents = _relied_on(case, pending.incidents)
        _check_not_in_force(case, pending.step)
        _check_ladder(case, pending.step, incidents)
        _check_warning_followed(case, pending.step, incidents)
        if pending.step == "contact_refused":
            _check_behaviour_continued(case, incidents)
    check_adjustments(case, pending.restrictions)
    if pending.review_by is not None and pending.review_by < ctx.today:
        raise _refuse(f"the review date {pending.review_by} has passed; reject and propose again")


def approve(case: Case, ctx: Ctx) -> tuple[Case, Decision]:
    """A manager or Head of Service approves the pending proposal; it comes into force."""
    pending = _awaiting(case)
    _check_approver(case, pending, ctx)
    _still_sound(case, pending, ctx)
    approved = pending.model_copy(
        update={"status": "approved", "approved_by": ctx.actor.id, "approved_on": ctx.today}
    )
    decisions = _replace(case.decisions, pending, approved)
    current = decision_in_force(case)
    if current is not None:
        ended = current.model_copy(update={"status": "superseded", "ended_on": ctx.today})
        decisions = _replace(decisions, current, ended)
    return _valid(case.model_copy(update={"decisions": decisions})), _valid(approved)


def reject(case: Case, reason: str, ctx: Ctx) -> tuple[Case, Decision]:
    """A manager or Head of Service rejects the pending proposal, with a reason."""
    pending = _awaiting(case)
    _require_role(ctx, APPROVER_ROLES, "approve or reject a decision")
    if _blank(reason):
        raise _refuse("a rejection needs a reason")
    rejected = pending.model_copy(
        update={
            "status": "rejected",
            "rejected_by": ctx.actor.id,
            "rejected_on": ctx.today,
            "reject_reason": reason,
        }
    )
    decisions = _replace(case.decisions, pending, rejected)
    return _valid(case.model_copy(update={"decisions": decisions})), _valid(rejected)


# --- reasonable adjustments ------------------------------------------------------------------


def add_adjustment(case: Case, kind: AdjustmentKind, note: str | None, ctx: Ctx) -> Case:
    """Record a reasonable adjustment; restrictions are checked against it when proposed."""
    _require_role(ctx, PROPOSER_ROLES, "record a reasonable adjustment")
    if any(a.kind == kind for a in case.adjustments):
        raise _refuse(f"the adjustment {kind} is already recorded")
    adjustment = _make(
        Adjustment, kind=kind, note=note, recorded_by=ctx.actor.id, recorded_on=ctx.today
    )
    return _valid(case.model_copy(update={"adjustments": (*case.adjustments, adjustment)}))


# --- reviews -----------------------------------------------------------------------------------


def _in_force(case: Case, doing: str) -> Decision:
    current = decision_in_force(case)
    if current is None:
        raise _refuse(f"case {case.id} has no restriction in force to {doing}")
    return current


def _next_review_date(asked: dt.date | None, ctx: Ctx) -> dt.date:
    latest = add_months(ctx.today, ctx.cfg.review_interval_months)
    chosen = asked or latest
    if chosen > latest:
        raise _refuse(f"the next review {chosen} is later than the policy allows ({latest})")
    if chosen < ctx.today:
        raise _refuse(f"the next review {chosen} is in the past")
    return chosen


def _check_notify(req: ReviewRequest) -> None:
    if not req.notify and _blank(req.no_notify_reason):
        raise _refuse("not telling the person the outcome needs a recorded reason")
    if req.notify and not _blank(req.no_notify_reason):
        raise _refuse("a no-notify reason is recorded only when the person is not told")


def _review_outcome(
    case: Case, current: Decision, req: ReviewRequest, ctx: Ctx
) -> tuple[Case, dt.date | None]:
    """Apply a review's outcome; returns the case and the next review date (none if lifted)."""
    if req.outcome == "lift":
        if not req.significant_change:
            raise _refuse(
                "a restriction is lifted only after a significant change "
                "in behaviour or circumstances"
            )
        ended = current.model_copy(update={"status": "lifted", "ended_on": ctx.today})
        return case.model_copy(update={"decisions": _replace(case.decisions, current, ended)}), None
    next_on = _next_review_date(req.next_review, ctx)
    if req.outcome == "vary":
        if req.variation is None:
            raise _refuse("a varied restriction needs its new terms")
        # The restriction in force stays, and keeps its review, until the variation is approved.
        case, _ = _propose_variation(case, current, req.variation, ctx)
    return case, next_on


def review(case: Case, req: ReviewRequest, ctx: Ctx) -> tuple[Case, Review]:
    """Review the restriction in force: continue, vary (needs approval) or lift."""
    _require_role(ctx, PROPOSER_ROLES, "review a restriction")
    current = _in_force(case, "review")
    if _blank(req.reasons):
        raise _refuse("a review needs its reasons")
    _check_notify(req)
    interval = ctx.cfg.review_interval_months
    due = next_review(case) or add_months(current.approved_on or ctx.today, interval)
    case, next_on = _review_outcome(case, current, req, ctx)
    done = _make(
        Review,
        id=ctx.new_id("R"),
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
        by=ctx.actor.id,
        policy=ctx.policy_hash,
    )
    return _valid(case.model_copy(update={"reviews": (*case.reviews, done)})), done


# --- appeals -----------------------------------------------------------------------------------


def lodge_appeal(
    case: Case, received: dt.date, late_reason: str | None, ctx: Ctx
) -> tuple[Case, Appeal]:
    """Record an appeal against the decision in force; the entry stays while it is pending."""
    _require_role(ctx, PROPOSER_ROLES, "record an appeal")
    current = _in_force(case, "appeal against")
    pending = pending_appeal(case)
    if pending is not None:
        raise _refuse(f"appeal {pending.id} is still awaiting a decision")
    earlier = next((a for a in case.appeals if a.decision == current.id), None)
    if earlier is not None:
        raise _refuse(f"decision {current.id} has already been appealed ({earlier.id})")
    approved_on = current.approved_on or current.proposed_on
    if received > ctx.today:
        raise _refuse(f"the appeal's received date {received} is in the future")
    if received < approved_on:
        raise _refuse(
            f"the appeal's received date {received} is before the decision ({approved_on})"
        )
    deadline = add_months(approved_on, ctx.cfg.appeal_window_months)
    if received > deadline and _blank(late_reason):
        raise _refuse(
            f"the appeal arrived after the deadline ({deadline}); record why it is accepted late"
        )
    appeal = _make(
        Appeal,
        id=ctx.new_id("A"),
        decision=current.id,
        received=received,
        late_reason=late_reason,
        lodged_by=ctx.actor.id,
        policy=ctx.policy_hash,
    )
    return _valid(case.model_copy(update={"appeals": (*case.appeals, appeal)})), appeal


def _original_decisions(case: Case, decision_id: str) -> list[Decision]:
    """The appealed decision and every decision it varies: the original decision to restrict."""
    by_id = {d.id: d for d in case.decisions}
    chain: list[Decision] = []
    next_id: str | None = decision_id
    while next_id is not None and next_id in by_id and len(chain) < len(by_id):
        chain.append(by_id[next_id])
        next_id = by_id[next_id].variation_of
    return chain


def _check_not_involved(
    case: Case, appeal: Appeal, ctx: Ctx, involved: frozenset[str], doing: str = ""
) -> None:
    me = ctx.actor.id
    by_id = {i.id: i for i in case.incidents}
    needs = f"the appeal{' (' + doing + ')' if doing else ''} needs an officer not involved"
    for decision in _original_decisions(case, appeal.decision):
        if decision.proposed_by == me:
            raise _refuse(f"you proposed decision {decision.id}; {needs}")
        if decision.approved_by == me:
            raise _refuse(f"you approved decision {decision.id}; {needs}")
        for incident_id in decision.incidents:
            if incident_id in by_id and by_id[incident_id].reported_by == me:
                raise _refuse(
                    f"you reported incident {incident_id}, relied on by decision {decision.id}; "
                    f"{needs}"
                )
    if me in involved:
        raise _refuse(
            f"git history shows you worked on decision {appeal.decision} or its case; {needs}"
        )


def decide_appeal(
    case: Case,
    outcome: AppealOutcome,
    reasons: str,
    ctx: Ctx,
    involved: frozenset[str] = frozenset(),
    variation: EscalationRequest | None = None,
) -> tuple[Case, Appeal]:
    """Decide the pending appeal: upheld, overturned (restrictions end) or varied (approval)."""
    _require_role(ctx, APPROVER_ROLES, "decide an appeal")
    appeal = pending_appeal(case)
    if appeal is None:
        raise _refuse(f"case {case.id} has no appeal awaiting a decision")
    _check_not_involved(case, appeal, ctx, involved)
    if _blank(reasons):
        raise _refuse("an appeal decision needs its reasons")
    current = decision_in_force(case)
    still_in_force = current is not None and current.id == appeal.decision
    if outcome == "overturned" and current is not None and still_in_force:
        ended = current.model_copy(update={"status": "overturned", "ended_on": ctx.today})
        case = case.model_copy(update={"decisions": _replace(case.decisions, current, ended)})
    if outcome == "varied":
        if current is None or not still_in_force:
            raise _refuse(
                f"decision {appeal.decision} is no longer in force, so it cannot be varied"
            )
        if variation is None:
            raise _refuse("a varied decision needs its new terms")
        case, _ = _propose_variation(case, current, variation, ctx)
    decided = appeal.model_copy(
        update={
            "outcome": outcome,
            "reasons": reasons,
            "decided_by": ctx.actor.id,
            "decided_on": ctx.today,
        }
    )
    appeals = _replace(case.appeals, next(a for a in case.appeals if a.id == appeal.id), decided)
    return _valid(case.model_copy(update={"appeals": appeals})), _valid(decided)


# --- letters -----------------------------------------------------------------------------------


def record_letter(case: Case, letter: LetterIssued) -> Case:
    """Note that a letter was issued, so the schedule stops asking for it."""
    if any(existing.id == letter.id for existing in case.letters):
        raise _refuse(f"letter {letter.id} is already recorded")
    known = {d.id for d in case.decisions} | {r.id for r in case.reviews}
    known |= {a.id for a in case.appeals} | {f.id for f in case.foi}
    if letter.about is not None and letter.about not in known:
        raise _refuse(f"letter {letter.id} is about {letter.about}, which is not in case {case.id}")
    return _valid(case.model_copy(update={"letters": (*case.letters, letter)}))


# --- property risks ----------------------------------------------------------------------------

_PROPERTY_FIELDS = frozenset(
    {
        "address",
        "postcode",
        "uprn",
        "risks",
        "guidance",
        "details",
        "condition",
        "not_notified_reason",
    }
)


def _check_property(fields: dict[str, Any]) -> None:
    risks = tuple(fields.get("risks") or ())
    if not risks:
        raise _refuse("a property risk needs at least one risk kind")
    if _blank(fields.get("guidance")):
        raise _refuse("a property risk needs guidance for attending")
    if _blank(fields.get("not_notified_reason")):
        raise _refuse("record why the owner is not notified (--not-notified-reason)")
    uprn = fields.get("uprn")
    if uprn is not None and not (str(uprn).isdigit() and 1 <= len(str(uprn)) <= 12):
        raise _refuse("a UPRN is 1 to 12 digits")
    special = sorted(set(risks) & SPECIAL_CATEGORY_RISKS)
    if special and _blank(fields.get("condition")):
        raise _refuse(
            f"the risk {special[0]} is special-category data and needs a stated condition"
        )


def _property_proposal(fields: dict[str, Any], ctx: Ctx) -> dict[str, Any]:
    _require_role(ctx, PROPOSER_ROLES, "propose a property risk")
    _check_property(fields)
    decision = PropertyDecision(status="proposed", proposed_by=ctx.actor.id, proposed_on=ctx.today)
    risks = tuple(dict.fromkeys(fields["risks"]))
    return {**fields, "risks": risks, "decision": decision, "policy": ctx.policy_hash}


def propose_property(
    property_id: str,
    address: str,
    postcode: str,
    uprn: str | None,
    risks: tuple[str, ...],
    guidance: str,
    details: str | None,
    condition: str | None,
    not_notified_reason: str | None,
    ctx: Ctx,
) -> PropertyRisk:
    """Propose a risk at a property; it needs approval and has no end date."""
    fields = {
        "address": address,
        "postcode": postcode,
        "uprn": uprn,
        "risks": risks,
        "guidance": guidance,
        "details": details,
        "condition": condition,
        "not_notified_reason": not_notified_reason,
    }
    return _make(PropertyRisk, id=property_id, **_property_proposal(fields, ctx))


def _check_property_approver(proposed_by: str, ctx: Ctx) -> None:
    _require_role(ctx, APPROVER_ROLES, "approve or reject a property risk")
    if proposed_by == ctx.actor.id:
        raise _refuse("you proposed this property risk; the approver must be someone else")


def approve_property(p: PropertyRisk, ctx: Ctx) -> PropertyRisk:
    """Approve a proposed property risk, or a pending variation of one."""
    if p.decision.status == "proposed":
        _check_property_approver(p.decision.proposed_by, ctx)
        decision = p.decision.model_copy(
            update={"status": "approved", "approved_by": ctx.actor.id, "approved_on": ctx.today}
        )
        review_on = add_months(ctx.today, ctx.cfg.review_interval_months)
        return _valid(p.model_copy(update={"decision": decision, "next_review": review_on}))
    proposal = p.proposal
    if proposal is None or proposal.decision.status != "proposed":
        raise _refuse(f"property {p.id} has nothing awaiting approval")
    if p.decision.status != "approved":
        raise _refuse(f"property {p.id} is no longer in force; reject the variation")
    _check_property_approver(proposal.decision.proposed_by, ctx)
    decision = proposal.decision.model_copy(
        update={"status": "approved", "approved_by": ctx.actor.id, "approved_on": ctx.today}
    )
    varied = {name: getattr(proposal, name) for name in _PROPERTY_FIELDS}
    return _valid(p.model_copy(update={**varied, "decision": decision, "proposal": None}))


def reject_property(p: PropertyRisk, reason: str, ctx: Ctx) -> PropertyRisk:
    """Reject a proposed property risk, or a pending variation, with a reason."""
    if _blank(reason):
        raise _refuse("a rejection needs a reason")
    rejected = {"status": "rejected", "rejected_by": ctx.actor.id, "reject_reason": reason}
    if p.decision.status == "proposed":
        _require_role(ctx, APPROVER_ROLES, "approve or reject a property risk")
        return _valid(p.model_copy(update={"decision": p.decision.model_copy(update=rejected)}))
    proposal = p.proposal
    if proposal is None or proposal.decision.status != "proposed":
        raise _refuse(f"property {p.id} has nothing awaiting approval")
    _require_role(ctx, APPROVER_ROLES, "approve or reject a property risk")
    kept = proposal.model_copy(update={"decision": proposal.decision.model_copy(update=rejected)})
    return _valid(p.model_copy(update={"proposal": kept}))


def review_property(
    p: PropertyRisk,
    outcome: ReviewOutcome,
    reasons: str,
    ctx: Ctx,
    variation: dict[str, Any] | None = None,
) -> PropertyRisk:
    """Review a property risk in force: continue, vary (needs approval) or lift."""
    _require_role(ctx, PROPOSER_ROLES, "review a property risk")
    if p.decision.status != "approved":
        raise _refuse(f"property {p.id} has no risk in force to review")
    if _blank(reasons):
        raise _refuse("a review needs its reasons")
    approved_on = p.decision.approved_on or ctx.today
    due = p.next_review or add_months(approved_on, ctx.cfg.review_interval_months)
    update: dict[str, Any] = {"next_review": add_months(ctx.today, ctx.cfg.review_interval_months)}
    if outcome == "lift":
        ended = p.decision.model_copy(update={"status": "lifted", "ended_on": ctx.today})
        update = {"decision": ended, "next_review": None}
    if outcome == "vary":
        update["proposal"] = _property_variation(p, variation, ctx)
    done = _make(
        PropertyReview,
        id=ctx.new_id("R"),
        date=ctx.today,
        due=due,
        late=ctx.today > due,
        outcome=outcome,
        reasons=reasons,
        by=ctx.actor.id,
        policy=ctx.policy_hash,
    )
    return _valid(p.model_copy(update={**update, "reviews": (*p.reviews, done)}))


def _property_variation(
    p: PropertyRisk, variation: dict[str, Any] | None, ctx: Ctx
) -> PropertyRisk:
    if not variation:
        raise _refuse("a varied property risk needs its new terms")
    unknown = sorted(set(variation) - _PROPERTY_FIELDS)
    if unknown:
        raise _refuse(f"a property variation cannot change {', '.join(unknown)}")
    if p.proposal is not None and p.proposal.decision.status == "proposed":
        raise _refuse(f"a variation of property {p.id} is already awaiting approval")
    fields = {name: getattr(p, name) for name in _PROPERTY_FIELDS} | variation
    return _make(PropertyRisk, id=p.id, **_property_proposal(fields, ctx))
