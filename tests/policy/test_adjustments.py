"""Reasonable adjustments: restrictions take "into account your individual circumstances".

One test per rule of the council's policy, each quoting the sentence it enforces.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.policy_helpers import (
    CFG,
    LATER,
    case_with_warnings,
    ctx,
    no_personal_data,
    proposed_case,
    refused,
    registered_case,
    restricting_req,
)
from ucbr.domain import faults, policy
from ucbr.domain.model import Restriction

# --- adjustments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("adjustment", "restriction"),
    [
        ("no_email", Restriction(kind="single_channel", channel="email")),
        ("no_email", Restriction(kind="designated_email", email="x@example.com")),
        ("no_written", Restriction(kind="single_channel", channel="letter")),
        ("no_written", Restriction(kind="designated_email", email="x@example.com")),
        ("needs_telephone", Restriction(kind="single_channel", channel="email")),
        ("needs_telephone", Restriction(kind="contact_times", days=("mon",), hours="09:00-10:00")),
        ("needs_face_to_face", Restriction(kind="single_channel", channel="telephone")),
        ("needs_face_to_face", Restriction(kind="premises_ban", premises="Civic Centre")),
        ("needs_interpreter", Restriction(kind="single_channel", channel="letter")),
        ("needs_easy_read", Restriction(kind="single_channel", channel="email")),
        ("needs_advocate", Restriction(kind="no_further_responses", topic="bins")),
        ("needs_advocate", Restriction(kind="contact_times", days=("tue",), hours="09:00-10:00")),
    ],
)
def test_restriction_conflicting_with_adjustment_refused_unless_justified(
    adjustment: str, restriction: Restriction
) -> None:
    """A restriction that stops the person reaching us the way an adjustment needs is refused,
    naming both; with a recorded justification it stands, and the decision keeps the reason.

    Policy: "Any restrictions imposed will take into account your individual circumstances and
    ensure that you are not prevented from accessing essential services."
    """
    case, incident = case_with_warnings()
    case = policy.add_adjustment(case, adjustment, None, ctx())  # type: ignore[arg-type]
    req = restricting_req((incident.id,), restrictions=(restriction,))
    with refused(f"{restriction.kind}.* conflicts with the adjustment {adjustment}") as caught:
        policy.escalate(case, req, ctx())
    no_personal_data(str(caught.value))
    assert "--justify" in str(caught.value)
    why = "Telephone contact is kept through the named officer; agreed with the advocate."
    justified = dataclasses.replace(req, justification=why)
    _, decision = policy.escalate(case, justified, ctx())
    assert [(j.adjustment, j.reason) for j in decision.justifications] == [(adjustment, why)]


def test_every_conflict_is_named_at_once() -> None:
    """Two adjustments in conflict are refused in one message, both named.

    Policy: "Any restrictions imposed will take into account your individual circumstances".
    """
    case, incident = case_with_warnings()
    case = policy.add_adjustment(case, "no_written", None, ctx())
    case = policy.add_adjustment(case, "needs_interpreter", None, ctx())
    req = restricting_req((incident.id,))
    with refused("no_written .*; single_channel \\(letter\\) conflicts with .* needs_interpreter"):
        policy.escalate(case, req, ctx())


def test_large_print_binds_letters_not_contact() -> None:
    """Large print conflicts with no restriction: it is met by the letters (large-print PDF).

    Policy: "Any restrictions imposed will take into account your individual circumstances".
    """
    case, incident = case_with_warnings()
    case = policy.add_adjustment(case, "needs_large_print", None, ctx())
    _, decision = policy.escalate(case, restricting_req((incident.id,)), ctx())
    assert decision.justifications == ()


def test_justification_without_a_conflict_is_refused() -> None:
    """A justification is for a conflict; given where there is none, it is refused.

    Policy: "Any restrictions imposed will take into account your individual circumstances".
    """
    case, incident = case_with_warnings()
    req = restricting_req((incident.id,), justification="Not needed.")
    with refused("none does"):
        policy.escalate(case, req, ctx())


def test_adjustment_checked_again_at_approval() -> None:
    """An adjustment recorded after the proposal blocks its approval.

    Policy: "Any restrictions imposed will take into account your individual circumstances".
    """
    case, _ = proposed_case()
    case = policy.add_adjustment(case, "no_written", "Cannot read letters.", ctx())
    with refused("no_written .* recorded after the proposal"):
        policy.approve(case, ctx("manager"))


def test_adjustment_recorded_after_approval_binds_check_and_review() -> None:
    """An adjustment recorded while a restriction is in force is flagged by `check`; a
    review that continues the restriction needs a recorded reason, which clears the flag.

    Policy: "Any restrictions imposed will take into account your individual circumstances and
    ensure that you are not prevented from accessing essential services."
    """
    case, decision = registered_case()
    case = policy.add_adjustment(case, "no_written", None, ctx(today=LATER))
    assert [a.kind for a in case.adjustments] == ["no_written"]
    [problem] = [p for p in faults.case_problems(case, CFG, LATER) if "adjustment" in p.message]
    assert f"review decision {decision.id}" in problem.message
    plain = policy.ReviewRequest(outcome="continue", reasons="No change.")
    with refused("no_written"):
        policy.review(case, plain, ctx(today=LATER))
    why = policy.ReviewRequest(
        outcome="continue", reasons="No change.", justification="Letters are read to them."
    )
    case, review = policy.review(case, why, ctx(today=LATER))
    assert review.justifications[0].adjustment == "no_written"
    later = LATER + dt.timedelta(days=1)
    assert not [p for p in faults.case_problems(case, CFG, later) if "adjustment" in p.message]


def test_adjustment_may_always_be_recorded_but_only_once() -> None:
    """An adjustment is recorded even against a restriction in force, but only once.

    Policy: "Any restrictions imposed will take into account your individual circumstances".
    """
    case, _ = registered_case()
    case = policy.add_adjustment(case, "no_written", None, ctx())
    assert [a.kind for a in case.adjustments] == ["no_written"]
    with refused("already recorded"):
        policy.add_adjustment(case, "no_written", None, ctx())
