"""Restrictions: each complete, holding only its own details, none contradicting another.

One test per rule of the council's policy, each quoting the sentence it enforces.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.policy_helpers import (
    CFG,
    LETTER_ONLY,
    TODAY,
    case_with_warnings,
    ctx,
    refused,
    restricting_req,
)
from ucbr.domain import faults, policy, views
from ucbr.domain.model import Restriction
from ucbr.domain.words import long_date

# --- restriction details --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("restriction", "message"),
    [
        (Restriction(kind="single_channel"), "needs channel"),
        (Restriction(kind="contact_times", days=("mon",)), "needs hours"),
        (Restriction(kind="contact_times", hours="09:00-12:00"), "needs days"),
        (Restriction(kind="contact_times", days=("mon",), hours="12:00-09:00"), "start before"),
        (Restriction(kind="contact_times", days=("mon",), hours="09:00-25:00"), "not a time"),
        (Restriction(kind="designated_email"), "needs email"),
        (Restriction(kind="designated_email", email="not-an-address"), "not an e-mail"),
        (Restriction(kind="premises_ban"), "needs premises"),
        (Restriction(kind="single_point_of_contact"), "needs staff"),
        (Restriction(kind="no_further_responses"), "needs topic"),
        (Restriction(kind="single_channel", channel="email", topic="x"), "does not take topic"),
    ],
)
def test_restriction_details_required(restriction: Restriction, message: str) -> None:
    """Each restriction carries exactly the details its kind needs.

    Policy: "specific method of communication only ... contact is only made at a particular day
    or time or to a specified e-mail address ... restricting correspondence to a designated
    person, a Single Point of Contact".
    """
    case, incident = case_with_warnings()
    with refused(message):
        policy.escalate(case, restricting_req((incident.id,), restrictions=(restriction,)), ctx())


def test_premises_ban_for_period_or_indefinitely() -> None:
    """A premises ban runs to a future date or indefinitely.

    Policy: "persistent offenders may be banned from accessing the Council premises for a
    specified period or indefinitely."
    """
    case, incident = case_with_warnings()
    past = Restriction(kind="premises_ban", premises="Town Hall", until=TODAY - dt.timedelta(1))
    with refused("in the past"):
        policy.escalate(case, restricting_req((incident.id,), restrictions=(past,)), ctx())
    for until in (None, TODAY + dt.timedelta(days=90)):
        ban = Restriction(kind="premises_ban", premises="Town Hall", until=until)
        _, decision = policy.escalate(
            case, restricting_req((incident.id,), restrictions=(ban,)), ctx()
        )
        assert decision.restrictions == (ban,)


def test_contradictory_restrictions_refused() -> None:
    """Two different only-channels in one decision are refused.

    Policy: "specific method of communication only, such as e-mail or writing".
    """
    case, incident = case_with_warnings()
    both = (LETTER_ONLY, Restriction(kind="single_channel", channel="email"))
    with refused("only one single_channel"):
        policy.escalate(case, restricting_req((incident.id,), restrictions=both), ctx())


# --- duration and scope ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "restriction",
    [
        Restriction(kind="single_channel", channel="email"),
        Restriction(kind="contact_times", days=("mon", "thu"), hours="09:00-12:00"),
        Restriction(kind="designated_email", email="casework@example.gov.uk"),
        Restriction(kind="single_point_of_contact", staff="officer2"),
        Restriction(kind="no_further_responses", topic="the closed complaint"),
    ],
)
def test_every_restriction_may_have_an_end_date(restriction: Restriction) -> None:
    """Any restriction, not only a premises ban, may end on a date; the register entry and
    the schedule say when, and a date already past is refused.

    Policy: "The UCBR will provide your personal details and the nature and duration of the
    restriction in place, together with when this is to be reviewed."
    """
    case, incident = case_with_warnings()
    ends = TODAY + dt.timedelta(days=60)
    dated = restriction.model_copy(update={"until": ends})
    past = restriction.model_copy(update={"until": TODAY - dt.timedelta(days=1)})
    with refused(f"the {restriction.kind} restriction ends on .* in the past"):
        policy.escalate(case, restricting_req((incident.id,), restrictions=(past,)), ctx())
    case, _ = policy.escalate(case, restricting_req((incident.id,), restrictions=(dated,)), ctx())
    case, _ = policy.approve(case, ctx("manager"))
    [shown] = views.entry_of(case).restrictions
    assert shown.plain.endswith(f"Covers the Waste service, until {long_date(ends)}.")
    items = {(i.what, i.due) for i in views.schedule_of(case, CFG).items}
    ended = ends + dt.timedelta(days=1)  # the first day it no longer applies
    assert ("restriction_end", ended) in items
    on_the_day = [p.message for p in faults.case_problems(case, CFG, ended)]
    assert not any("ended" in m or "lift" in m for m in on_the_day)  # nobody need record it
    later = ended + dt.timedelta(days=faults.LETTER_GRACE_DAYS + 1)
    assert any(
        f"ended on {ended} but no restriction-ended letter" in p.message
        for p in faults.case_problems(case, CFG, later)
    )


def test_the_entry_states_scope_and_duration_in_plain_words() -> None:
    """A restriction with no end date lasts until lifted or varied; a council-wide one says so.

    Policy: "The UCBR will provide your personal details and the nature and duration of the
    restriction in place".
    """
    case, incident = case_with_warnings()
    req = restricting_req((incident.id,), scope="council-wide", scope_reason="Across services.")
    case, _ = policy.escalate(case, req, ctx())
    case, _ = policy.approve(case, ctx("head"))
    [shown] = views.entry_of(case).restrictions
    assert shown.plain == (
        "Contact only by letter. Do not accept contact by any other channel. Covers every "
        "council service, until it is lifted or varied at review."
    )
