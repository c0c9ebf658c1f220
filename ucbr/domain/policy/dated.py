"""Steps dated when they happened: ``--on DATE`` for escalate, approve, review, appeal decide
and letter.

A warning given on the telephone on 2 November and recorded on 3 December was given on 2
November: its letter says so, and an incident of 16 November is the behaviour continuing
after it. So a step may be dated the day it was done (``Ucbr-On`` beside the commit's own
``Ucbr-Date``), within bounds:

- never after the day it is recorded (the audit judges it), nor before what it relies on
  (the incidents, the decision, the proposal, the appeal or the outcome the step follows;
  refused when it is recorded, not yet re-judged by the audit);
- up to ``OFFLINE_DAYS`` before the day it is recorded with no more said: the window the
  audit allows work done offline and synced later;
- up to ``LATE_LIMIT_DAYS`` before it with the reason recorded in the case (never in the
  commit message: free text may be personal), which ``ucbr audit`` lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ucbr.domain.expiry import decision_ends_on
from ucbr.domain.model import Case, Decision
from ucbr.domain.policy.base import blank, make, refuse, valid
from ucbr.domain.provenance import RecordedLate

# The days a step may be recorded after it was done with nothing more said: the audit's
# window for work done offline (``services.audit.commits.CLOCK_OFFLINE``).
OFFLINE_DAYS = 3
# The longest a step may be recorded after it was done, with a recorded reason: two months
# covers an officer's leave or a missed file note found at the next review; anything older
# is a matter for the case file, not a back-dated step.
LATE_LIMIT_DAYS = 60
# The actions that take ``--on``.
DATED_ACTIONS = frozenset({"escalate", "approve", "review", "appeal-decide", "letter"})


def check_on(on: dt.date, today: dt.date, reason: str | None) -> None:
    """Refuse a step's date that is after today, too far back, or too far back for no reason."""
    if on > today:
        raise refuse(f"--on {on} is after today ({today}): a step is dated the day it was done")
    days = (today - on).days
    if days > LATE_LIMIT_DAYS:
        raise refuse(
            f"--on {on} is {days} days ago: a step is recorded at most {LATE_LIMIT_DAYS} days "
            "after it was done"
        )
    if days > OFFLINE_DAYS and blank(reason):
        raise refuse(
            f"--on {on} is {days} days ago: a step recorded more than {OFFLINE_DAYS} days after "
            "it was done needs the reason it was not recorded then (--late-reason)"
        )
    if days <= OFFLINE_DAYS and not blank(reason):
        raise refuse(
            f"--late-reason is recorded only for a step recorded more than {OFFLINE_DAYS} days "
            "after it was done"
        )


def needs_reason(on: dt.date, today: dt.date) -> bool:
    """Whether a step done on ``on`` and recorded ``today`` must record why so late."""
    return (today - on).days > OFFLINE_DAYS


def _decision_days(decision: Decision) -> Iterator[dt.date]:
    for day in (decision.proposed_on, decision.approved_on, decision.rejected_on,
                decision.ended_on):  # fmt: skip
        if day is not None:
            yield day


def relied_on(case: Case, action: str, item_id: str) -> Iterator[tuple[str, dt.date]]:
    """What the step that made (or changed) ``item_id`` relies on, each with its date."""
    decisions = {d.id: d for d in case.decisions}
    if action in ("escalate", "approve"):
        decision = decisions[item_id]
        if action == "escalate":
            yield from ((f"incident {i.id}", i.date) for i in case.incidents
                        if i.id in decision.incidents)  # fmt: skip
        else:
            yield f"decision {decision.id}", decision.proposed_on
        for other in case.decisions:
            if other.id != decision.id:
                yield from ((f"decision {other.id}", day) for day in _decision_days(other))
    elif action == "review":
        review = next(r for r in case.reviews if r.id == item_id)
        reviewed = decisions.get(review.decision)
        if reviewed is not None and reviewed.approved_on is not None:
            yield f"decision {reviewed.id}", reviewed.approved_on
        yield from ((f"review {r.id}", r.date) for r in case.reviews
                    if r.decision == review.decision and r.id != review.id)  # fmt: skip
    elif action == "appeal-decide":
        appeal = next(a for a in case.appeals if a.id == item_id)
        yield f"appeal {appeal.id}", appeal.received
    elif action == "letter":
        yield from _letter_relies_on(case, item_id)


def _letter_relies_on(case: Case, letter_id: str) -> Iterator[tuple[str, dt.date]]:
    letter = next(item for item in case.letters if item.id == letter_id)
    about = letter.about
    for decision in case.decisions:
        if decision.id == about:
            yield from ((f"decision {about}", day) for day in _decision_days(decision))
            ends = decision_ends_on(decision)
            if letter.kind == "restriction-ended" and ends and decision.status == "approved":
                yield f"the end of decision {about}", ends
    for review in case.reviews:
        if review.id == about:
            yield f"review {about}", review.date
    for appeal in case.appeals:
        if appeal.id == about:
            yield f"appeal {about}", appeal.decided_on or appeal.received
    for record in case.foi:
        if record.id == about:
            yield f"FOI record {about}", record.received


def check_relied_on(case: Case, action: str, item_id: str, on: dt.date) -> None:
    """Refuse a step dated before something it relies on."""
    for what, day in relied_on(case, action, item_id):
        if day > on:
            raise refuse(f"--on {on} is before {what} ({day}), which this step relies on")


def record_late(
    case: Case, item_id: str, on: dt.date, today: dt.date, reason: str, by: str
) -> Case:
    """The case with the reason a step done ``on`` was recorded only ``today``."""
    late = make(RecordedLate, item=item_id, done_on=on, recorded_on=today, reason=reason, by=by)
    return valid(case.model_copy(update={"recorded_late": (*case.recorded_late, late)}))
