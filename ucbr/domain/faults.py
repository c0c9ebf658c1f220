"""The faults time makes, as the record shows them: for ``check`` and merges.

Each finding is a ``Problem`` naming the case or property, with ids and dates only. Only
what depends on the day is here: a review overdue, a letter owed too long (the
restriction-ended letter owed from the day a restriction reaches its end). Every rule a
record must keep whatever the day is an invariant, written once in
``ucbr.domain.invariants``.
"""

from __future__ import annotations

import datetime as dt

from ucbr.domain.expiry import as_on, in_force, letters_owed_on, on_register_on
from ucbr.domain.ids import file_path
from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.policy.adjustments import Conflict, unjustified
from ucbr.domain.problems import Problem
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory
from ucbr.domain.views import (
    LETTER_FOR_STEP,
    decision_in_force,
    letter_issued,
    next_review,
)

# Days a letter may take to go out before `check` calls it missing.
LETTER_GRACE_DAYS = 10


def _overdue(case: Case, today: dt.date) -> list[str]:
    due = next_review(case)
    if on_register_on(case, today) and due is not None and due < today:
        return [f"{case.id}: restriction review overdue since {due} ({(today - due).days} days)"]
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


def conflicts_standing(case: Case, today: dt.date) -> list[Conflict]:
    """Adjustments recorded since the restriction in force was decided, that a restriction
    still applying on ``today`` stops the person using, with no recorded reason: a review is
    owed ("ensure that you are not prevented from accessing essential services"). One known
    when it was decided is the ``adjustments-bind`` invariant's."""
    current = in_force(case, today)
    if current is None:
        return []
    return [
        conflict
        for conflict in unjustified(case, as_on(current, today))
        if conflict.adjustment.recorded_on >= current.proposed_on
    ]


def _adjustment_conflicts(case: Case, today: dt.date) -> list[str]:
    current = in_force(case, today)
    if current is None:
        return []
    return [
        f"{case.id}: {conflict.line()}; no reason is recorded for it: review decision "
        f"{current.id} (vary it, or continue with --justify)"
        for conflict in conflicts_standing(case, today)
    ]


def case_problems(
    case: Case, cfg: PolicyConfig, today: dt.date, staff: StaffDirectory | None = None
) -> list[Problem]:
    """The Ombudsman's fault patterns that this case's record shows, one problem each."""
    del cfg, staff  # the rules that read them are invariants (ucbr.domain.invariants)
    messages = [
        *_overdue(case, today),
        *_letters_missing(case, today),
        *_no_appeal_route(case),
        *_adjustment_conflicts(case, today),
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
    """A property review gone past its date (the rest are invariants)."""
    del cfg
    due = prop.next_review
    if prop.decision.status == "approved" and due is not None and due < today:
        return [f"{prop.id}: property review overdue since {due} ({(today - due).days} days)"]
    return []
