"""Reviews: "All restrictions will be reviewed on a six-monthly basis or sooner".

One test per rule of the council's policy, each quoting the sentence it enforces.
"""

from __future__ import annotations

import datetime as dt

from tests.policy_helpers import (
    TODAY,
    ctx,
    proposed_case,
    refused,
    registered_case,
    restricting_req,
)
from ucbr.domain import policy, views
from ucbr.domain.model import Restriction

# --- calendar ------------------------------------------------------------------------------


def test_add_months_clamps_to_month_end() -> None:
    """Review dates count calendar months, clamped to the end of a shorter month.

    Policy: "All restrictions will be reviewed on a six-monthly basis".
    """
    assert policy.add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert policy.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert policy.add_months(dt.date(2025, 9, 30), 6) == dt.date(2026, 3, 30)
    assert policy.add_months(dt.date(2025, 12, 15), 1) == dt.date(2026, 1, 15)


# --- reviews --------------------------------------------------------------------------------------


def review_req(outcome: str = "continue", **changes: object) -> policy.ReviewRequest:
    fields: dict[str, object] = {"outcome": outcome, "reasons": "No evident change in behaviour."}
    return policy.ReviewRequest(**(fields | changes))  # type: ignore[arg-type]


def test_review_only_with_restriction_in_force() -> None:
    """Only a restriction in force is reviewed.

    Policy: "All restrictions will be reviewed on a six-monthly basis".
    """
    case, _ = proposed_case()
    with refused("no restriction in force to review"):
        policy.review(case, review_req(), ctx())


def test_continue_sets_next_review_within_interval() -> None:
    """Continue sets the next review at most six months on; six months on is Saturday 28
    February 2026, so the latest review is the working day before, Friday 27 February: a
    day off moves the limit earlier, never past six months.

    Policy: "Restrictions will stay in place where there is no evident change in the behaviours
    described within this Policy" and "All restrictions will be reviewed on a six-monthly basis".
    """
    case, _ = registered_case()
    day = dt.date(2025, 8, 31)
    with refused("later than the policy allows"):
        policy.review(case, review_req(next_review=dt.date(2026, 2, 28)), ctx(today=day))
    case, done = policy.review(case, review_req(), ctx(today=day))
    assert done.next_review == dt.date(2026, 2, 27)
    case, _ = policy.approve(case, ctx("manager", today=day))
    assert views.next_review(case) == dt.date(2026, 2, 27)


def test_reviews_may_be_early_and_late_is_recorded() -> None:
    """A review may be early; one after its due date is recorded as late.

    Policy: "All restrictions will be reviewed on a six-monthly basis or sooner if there are
    reasonable grounds to do so."
    """
    case, decision = registered_case()
    assert decision.review_by is not None
    _, early = policy.review(case, review_req(), ctx(today=TODAY + dt.timedelta(days=5)))
    assert early.due == decision.review_by and not early.late
    late_day = decision.review_by + dt.timedelta(days=3)
    _, late = policy.review(case, review_req(), ctx(today=late_day))
    assert late.late and late.due == decision.review_by


def test_lift_only_with_significant_change() -> None:
    """A restriction is lifted only after a significant change.

    Policy: "Restrictions will only be removed if there has been significant change in your
    communication and / or behaviour or if there is a change in circumstances".
    """
    case, _ = registered_case()
    with refused("significant change"):
        policy.review(case, review_req("lift"), ctx())
    lifted, done = policy.review(case, review_req("lift", significant_change=True), ctx())
    assert done.next_review is None
    assert lifted.decisions[-1].status == "lifted" and lifted.decisions[-1].ended_on == TODAY


def test_lift_takes_case_off_register() -> None:
    """Lifting takes the case off the register.

    Policy: "Where you are the subject of a contact restriction, it will be recorded in the UCBR."
    """
    case, _ = registered_case()
    case, _ = policy.review(case, review_req("lift", significant_change=True), ctx())
    assert not views.on_register(case)
    assert views.entry_of(case).person is None
    assert views.status_of(case) == "lifted"


def test_vary_needs_approval() -> None:
    """A variation at review is a proposal needing approval; the old one stays until then.

    Policy: "must be reviewed and approved by the relevant business manager / Head of Service."
    """
    case, current = registered_case()
    new_terms = restricting_req(
        (), restrictions=(Restriction(kind="single_channel", channel="email"),)
    )
    with refused("needs its new terms"):
        policy.review(case, review_req("vary"), ctx())
    case, _ = policy.review(case, review_req("vary", variation=new_terms), ctx())
    proposal = views.pending_proposal(case)
    assert proposal is not None and proposal.variation_of == current.id
    assert views.decision_in_force(case) == current
    case, varied = policy.approve(case, ctx("manager2"))
    assert views.decision_in_force(case) == varied
    assert next(d for d in case.decisions if d.id == current.id).status == "superseded"


def test_not_notifying_needs_reason() -> None:
    """Not telling the person the outcome of a review needs a recorded reason.

    Policy: "Where it is appropriate, we will notify you that the restriction has been reviewed
    and the outcome of that review."
    """
    case, _ = registered_case()
    with refused("needs a recorded reason"):
        policy.review(case, review_req(notify=False), ctx())
    reason = "Contact would restart the cycle of negative interaction."
    _, done = policy.review(case, review_req(notify=False, no_notify_reason=reason), ctx())
    assert not done.notify and done.no_notify_reason == reason
