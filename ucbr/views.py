"""What the record implies: the register entry, the schedule, and faults worth flagging.

Pure functions of a case (or property). The schedule and entry sections are written
from these on every save, so they must not depend on the day they are computed:
only ``case_problems`` and ``property_problems`` take ``today``.
"""

from __future__ import annotations

import datetime as dt

from ucbr.config import PolicyConfig
from ucbr.dates import add_months, working_days_after
from ucbr.foi import foi_refusal_due
from ucbr.model import (
    LADDER,
    RESTRICTING_STEPS,
    SPECIAL_CATEGORY_RISKS,
    Appeal,
    Case,
    CaseEntry,
    Decision,
    LetterKind,
    PropertyEntry,
    PropertyRisk,
    RestrictionInForce,
    Schedule,
    ScheduleItem,
)
from ucbr.plain import describe_restriction

# A proposal should be approved or rejected within a working week.
APPROVAL_WORKING_DAYS = 5
# An appeal should be decided within a month of arriving.
APPEAL_DECISION_MONTHS = 1
# Days a letter may take to go out before `check` calls it missing.
LETTER_GRACE_DAYS = 10
ENDED_STATUSES: frozenset[str] = frozenset({"lifted", "overturned"})
LETTER_FOR_STEP: dict[str, LetterKind] = {
    "formal_written_warning": "formal-warning",
    "contact_refused": "contact-refused",
}


# --- the state of a case -----------------------------------------------------------------


def decision_in_force(case: Case) -> Decision | None:
    """The approved decision whose restrictions are in force, if any."""
    return next((d for d in reversed(case.decisions) if d.status == "approved"), None)


def pending_proposal(case: Case) -> Decision | None:
    """The decision awaiting a manager's approval, if any."""
    return next((d for d in reversed(case.decisions) if d.status == "proposed"), None)


def pending_appeal(case: Case) -> Appeal | None:
    """The appeal awaiting a decision, if any."""
    return next((a for a in reversed(case.appeals) if a.outcome is None), None)


def next_review(case: Case) -> dt.date | None:
    """The date the restriction in force is next reviewed: the decision's, or the last review's."""
    current = decision_in_force(case)
    if current is None:
        return None
    later = [r.next_review for r in case.reviews if r.decision == current.id and r.next_review]
    return later[-1] if later else current.review_by


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


# --- letters owed -----------------------------------------------------------------------------


def _letter_issued(case: Case, kind: str, about: str, since: dt.date) -> bool:
    return any(
        letter.kind == kind and letter.date >= since and letter.about in (None, about)
        for letter in case.letters
    )


def _told_ended(case: Case, d: Decision, ended_on: dt.date) -> bool:
    """The person was told the restriction ended: that letter, or the appeal outcome that
    overturned it."""
    if _letter_issued(case, "restriction-ended", d.id, ended_on):
        return True
    overturned = (a for a in case.appeals if a.decision == d.id and a.outcome == "overturned")
    lifted = (r for r in case.reviews if r.decision == d.id and r.outcome == "lift")
    return any(_letter_issued(case, "appeal-outcome", a.id, ended_on) for a in overturned) or any(
        _letter_issued(case, "review-outcome", r.id, ended_on) for r in lifted
    )


def letters_owed(case: Case) -> list[tuple[str, dt.date, str]]:
    """(letter kind, due, what it is about) for each letter the record shows is still owed.

    What it is about is a decision id, or the review or appeal id for an outcome letter.
    """
    owed: list[tuple[str, dt.date, str]] = []
    current = decision_in_force(case)
    if current is not None and current.approved_on and current.step in LETTER_FOR_STEP:
        kind = LETTER_FOR_STEP[current.step]
        if not _letter_issued(case, kind, current.id, current.approved_on):
            owed.append((kind, current.approved_on, current.id))
    for d in case.decisions:
        if d.status in ENDED_STATUSES and d.ended_on and not _told_ended(case, d, d.ended_on):
            owed.append(("restriction-ended", d.ended_on, d.id))
    for r in case.reviews:
        # A lifting review is told by the restriction-ended letter owed above.
        told = r.outcome == "lift" or _letter_issued(case, "review-outcome", r.id, r.date)
        if r.notify and not told:
            owed.append(("review-outcome", r.date, r.id))
    for a in case.appeals:
        # An appeal that overturned the decision in force is told by the restriction-ended
        # letter owed above (or by this outcome letter, which satisfies it).
        ended = a.outcome == "overturned" and any(
            d.id == a.decision and d.status == "overturned" for d in case.decisions
        )
        told = ended or _letter_issued(case, "appeal-outcome", a.id, a.decided_on or a.received)
        if a.decided_on and not told:
            owed.append(("appeal-outcome", a.decided_on, a.id))
    return owed


# --- derived sections ---------------------------------------------------------------------------


def schedule_of(case: Case, cfg: PolicyConfig) -> Schedule:
    """The schedule section: what needs doing by when, with ids and dates only.

    ``cfg`` is taken so a council's settings may shape deadlines; today none do.
    """
    items: list[ScheduleItem] = []
    review_on = next_review(case)
    current = decision_in_force(case)
    if review_on is not None and current is not None:
        items.append(ScheduleItem(what="restriction_review", due=review_on, detail=current.id))
    proposal = pending_proposal(case)
    if proposal is not None:
        detail = f"{proposal.step} {proposal.id}"
        due = working_days_after(proposal.proposed_on, APPROVAL_WORKING_DAYS)
        items.append(ScheduleItem(what="approval", due=due, detail=detail))
    appeal = pending_appeal(case)
    if appeal is not None:
        due = add_months(appeal.received, APPEAL_DECISION_MONTHS)
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
    start = current.approved_on or current.proposed_on
    restrictions = tuple(
        RestrictionInForce(
            kind=r.kind, plain=describe_restriction(r), detail=r, start=start, scope=current.scope
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


def property_schedule_of(p: PropertyRisk) -> Schedule:
    """A property's schedule: its review and any approval awaited."""
    items: list[ScheduleItem] = []
    in_force = p.decision.status == "approved"
    if in_force and p.next_review is not None:
        items.append(ScheduleItem(what="property_review", due=p.next_review))
    if p.decision.status == "proposed":
        due = working_days_after(p.decision.proposed_on, APPROVAL_WORKING_DAYS)
        items.append(ScheduleItem(what="approval", due=due, detail="property"))
    elif p.proposal is not None and p.proposal.decision.status == "proposed":
        due = working_days_after(p.proposal.decision.proposed_on, APPROVAL_WORKING_DAYS)
        items.append(ScheduleItem(what="approval", due=due, detail="property variation"))
    return Schedule(
        id=p.id,
        kind="property",
        status=p.decision.status,
        on_register=in_force,
        next_review=p.next_review if in_force else None,
        items=tuple(sorted(items, key=lambda i: (i.due, i.what))),
    )


def property_entry_of(p: PropertyRisk) -> PropertyEntry:
    """What staff see before a visit: address, risks and guidance, never the details."""
    if p.decision.status != "approved":
        return PropertyEntry(id=p.id, in_force=False)
    return PropertyEntry(
        id=p.id,
        in_force=True,
        address=p.address,
        postcode=p.postcode,
        uprn=p.uprn,
        risks=p.risks,
        guidance=p.guidance,
        review_date=p.next_review,
    )


# --- faults the Ombudsman finds --------------------------------------------------------------


def _overdue(case: Case, today: dt.date) -> list[str]:
    due = next_review(case)
    if on_register(case) and due is not None and due < today:
        return [f"{case.id}: restriction review overdue since {due} ({(today - due).days} days)"]
    return []


def _review_too_far(case: Case, cfg: PolicyConfig) -> list[str]:
    current, due = decision_in_force(case), next_review(case)
    if current is None or due is None or current.approved_on is None:
        return []
    dates = [r.date for r in case.reviews if r.decision == current.id] or [current.approved_on]
    latest = add_months(max(dates), cfg.review_interval_months)
    if due > latest:
        return [
            f"{case.id}: next review {due} is later than the policy's interval allows ({latest})"
        ]
    return []


def _letters_missing(case: Case, today: dt.date) -> list[str]:
    problems = []
    for kind, due, decision_id in letters_owed(case):
        if (today - due).days <= LETTER_GRACE_DAYS:
            continue
        if kind in ("review-outcome", "appeal-outcome"):
            problems.append(f"{case.id}: {decision_id} decided on {due} with no {kind} letter")
        elif kind == "restriction-ended":
            problems.append(
                f"{case.id}: decision {decision_id} ended on {due} "
                "but no restriction-ended letter was issued"
            )
        else:
            problems.append(
                f"{case.id}: decision {decision_id} in force since {due} with no {kind} letter: "
                "the person has not been told of the restriction or how to appeal"
            )
    return problems


def _no_appeal_route(case: Case) -> list[str]:
    """Decisions no longer in force that were never put in a letter and never appealed."""
    current = decision_in_force(case)
    appealed = {a.decision for a in case.appeals}
    problems = []
    for d in case.decisions:
        if d.approved_on is None or d is current or d.id in appealed:
            continue
        kind = LETTER_FOR_STEP.get(d.step)
        if kind and not _letter_issued(case, kind, d.id, d.approved_on):
            problems.append(
                f"{case.id}: decision {d.id} had no {kind} letter, so no appeal route was offered"
            )
    return problems


def _skipped_steps(case: Case) -> list[str]:
    serious = {i.id for i in case.incidents if i.serious}
    problems = []
    for index, d in enumerate(case.decisions):
        target = LADDER.index(d.step)
        if d.status == "rejected" or target == 0:
            continue
        before = [
            LADDER.index(e.step)
            for e in case.decisions[:index]
            if e.status not in ("rejected", "proposed")
        ]
        if max(before, default=-1) >= target - 1:
            continue
        if target <= 2 and d.bypass_incident in serious:
            continue
        missing = LADDER[max(before, default=-1) + 1]
        problems.append(
            f"{case.id}: decision {d.id} ({d.step}) skipped {missing} without a serious incident"
        )
    return problems


def case_problems(case: Case, cfg: PolicyConfig, today: dt.date) -> list[str]:
    """The Ombudsman's fault patterns that this case's record shows, one line each."""
    return [
        *_overdue(case, today),
        *_review_too_far(case, cfg),
        *_letters_missing(case, today),
        *_skipped_steps(case),
        *_no_appeal_route(case),
    ]


def property_problems(p: PropertyRisk, cfg: PolicyConfig, today: dt.date) -> list[str]:
    """Faults a property record shows: a review overdue or too far off, special-category data
    without a condition."""
    problems = []
    if p.decision.status == "approved":
        if p.next_review is None:
            problems.append(f"{p.id}: property risk in force with no review date")
        elif p.next_review < today:
            days = (today - p.next_review).days
            problems.append(f"{p.id}: property review overdue since {p.next_review} ({days} days)")
        elif p.decision.approved_on is not None:
            dates = [r.date for r in p.reviews] or [p.decision.approved_on]
            latest = add_months(max(dates), cfg.review_interval_months)
            if p.next_review > latest:
                problems.append(
                    f"{p.id}: next review {p.next_review} is later than the interval allows"
                )
    special = sorted(set(p.risks) & SPECIAL_CATEGORY_RISKS)
    if special and not p.condition:
        problems.append(
            f"{p.id}: special-category risk {special[0]} recorded without a stated condition"
        )
    return problems
