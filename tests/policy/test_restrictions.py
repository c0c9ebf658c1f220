"""Restrictions: each complete, holding only its own details, none contradicting another.

One test per rule of the council's policy, each quoting the sentence it enforces.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.policy_helpers import (
    LETTER_ONLY,
    TODAY,
    case_with_warnings,
    ctx,
    refused,
    restricting_req,
)
from ucbr.domain import policy
from ucbr.domain.model import Restriction

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
