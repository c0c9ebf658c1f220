"""The faults the Ombudsman finds, as the record shows them: for ``check`` and merges.

Each finding is a ``Problem`` naming the case or property, with ids and dates only.
Unlike the derived sections, these depend on the day: a review is overdue only after
its date.
"""

from __future__ import annotations

import datetime as dt

from ucbr.domain.expiry import as_on, in_force, letters_owed_on, on_register_on
from ucbr.domain.ids import file_path
from ucbr.domain.model import LADDER, SPECIAL_CATEGORY_RISKS, Case, PropertyRisk
from ucbr.domain.policy.adjustments import unjustified
from ucbr.domain.policy.ladder import is_serious
from ucbr.domain.problems import Problem
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory
from ucbr.domain.views import (
    LETTER_FOR_STEP,
    decision_in_force,
    letter_issued,
    next_review,
    on_register,
    review_limit,
)

# Days a letter may take to go out before `check` calls it missing.
LETTER_GRACE_DAYS = 10


def _overdue(case: Case, today: dt.date) -> list[str]:
    due = next_review(case)
    if on_register_on(case, today) and due is not None and due < today:
        return [f"{case.id}: restriction review overdue since {due} ({(today - due).days} days)"]
    return []


def _review_too_far(case: Case, cfg: PolicyConfig) -> list[str]:
    current, due = decision_in_force(case), next_review(case)
    if current is None or due is None or current.approved_on is None:
        return []
    dates = [r.date for r in case.reviews if r.decision == current.id] or [current.approved_on]
    latest = review_limit(max(dates), cfg)
    if due > latest:
        return [
            f"{case.id}: next review {due} is later than the policy's interval allows ({latest})"
        ]
    return []


def _letters_missing(case: Case, today: dt.date) -> list[str]:
    problems = []
    for kind, due, decision_id in letters_owed_on(case, today):
        if (today - due).days <= LETTER_GRACE_DAYS:
            continue
        if kind == "informal-warning":
            problems.append(
                f"{case.id}: informal written warning {decision_id} given on {due} with no "
                "informal-warning letter: step 2 says a letter will be sent"
            )
        elif kind in ("review-outcome", "appeal-outcome"):
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
    for decision in case.decisions:
        if decision.approved_on is None or decision is current or decision.id in appealed:
            continue
        kind = LETTER_FOR_STEP.get(decision.step)
        if kind and not letter_issued(case, kind, decision.id, decision.approved_on):
            problems.append(
                f"{case.id}: decision {decision.id} had no {kind} letter, "
                "so no appeal route was offered"
            )
    return problems


def _skipped_steps(case: Case) -> list[str]:
    serious = {i.id for i in case.incidents if is_serious(i)}
    problems = []
    for index, decision in enumerate(case.decisions):
        target = LADDER.index(decision.step)
        if decision.status == "rejected" or target == 0:
            continue
        before = [
            LADDER.index(e.step)
            for e in case.decisions[:index]
            if e.status not in ("rejected", "proposed")
        ]
        if max(before, default=-1) >= target - 1:
            continue
        if target <= 2 and decision.bypass_incident in serious:
            continue
        missing = LADDER[max(before, default=-1) + 1]
        problems.append(
            f"{case.id}: decision {decision.id} ({decision.step}) skipped {missing} "
            "without relying on an incident of violence or a serious threat"
        )
    return problems


def _departed_contacts(case: Case, staff: StaffDirectory, today: dt.date) -> list[str]:
    """A single point of contact who has left would leave frontline staff chasing no one."""
    current = in_force(case, today)
    return [
        f"{case.id}: the single point of contact {r.staff} is not staff"
        for r in (as_on(current, today).restrictions if current else ())
        if r.staff is not None and staff.by_id(r.staff) is None
    ]


def _adjustment_conflicts(case: Case, today: dt.date) -> list[str]:
    """A restriction in force that stops the person reaching us the way a recorded
    adjustment needs, with no recorded reason: "ensure that you are not prevented from
    accessing essential services"."""
    current = in_force(case, today)
    if current is None or not on_register(case):
        return []
    return [
        f"{case.id}: {conflict.line()}; no reason is recorded for it: review decision "
        f"{current.id} (vary it, or continue with --justify)"
        for conflict in unjustified(case, as_on(current, today))
    ]


def case_problems(
    case: Case, cfg: PolicyConfig, today: dt.date, staff: StaffDirectory | None = None
) -> list[Problem]:
    """The Ombudsman's fault patterns that this case's record shows, one problem each."""
    messages = [
        *_overdue(case, today),
        *_review_too_far(case, cfg),
        *_letters_missing(case, today),
        *_skipped_steps(case),
        *_no_appeal_route(case),
        *_adjustment_conflicts(case, today),
        *(_departed_contacts(case, staff, today) if staff is not None else []),
    ]
    return [Problem(file_path(case.id), message, id=case.id) for message in messages]


def property_problems(prop: PropertyRisk, cfg: PolicyConfig, today: dt.date) -> list[Problem]:
    """Faults a property record shows: a review overdue or too far off, special-category data
    without a condition."""
    return [
        Problem(file_path(prop.id), message, id=prop.id)
        for message in _property_messages(prop, cfg, today)
    ]


def _property_messages(prop: PropertyRisk, cfg: PolicyConfig, today: dt.date) -> list[str]:
    problems = []
    if prop.decision.status == "approved":
        if prop.next_review is None:
            problems.append(f"{prop.id}: property risk in force with no review date")
        elif prop.next_review < today:
            days = (today - prop.next_review).days
            problems.append(
                f"{prop.id}: property review overdue since {prop.next_review} ({days} days)"
            )
        elif prop.decision.approved_on is not None:
            dates = [r.date for r in prop.reviews] or [prop.decision.approved_on]
            latest = review_limit(max(dates), cfg)
            if prop.next_review > latest:
                problems.append(
                    f"{prop.id}: next review {prop.next_review} is later than the interval allows"
                )
    special = sorted(set(prop.risks) & SPECIAL_CATEGORY_RISKS)
    if special and not prop.condition:
        problems.append(
            f"{prop.id}: special-category risk {special[0]} recorded without a stated condition"
        )
    return problems
