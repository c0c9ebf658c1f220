"""Reasonable adjustments: restrictions take "into account your individual circumstances".

One test per rule of the council's policy, each quoting the sentence it enforces.
"""

from __future__ import annotations

import pytest

from tests.policy_helpers import (
    case_with_warnings,
    ctx,
    no_personal_data,
    proposed_case,
    refused,
    registered_case,
    restricting_req,
)
from ucbr.domain import policy
from ucbr.domain.model import Restriction

# --- adjustments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("adjustment", "restriction"),
    [
        ("no_email", Restriction(kind="single_channel", channel="email")),
        ("no_written", Restriction(kind="single_channel", channel="letter")),
        ("no_written", Restriction(kind="designated_email", email="x@example.com")),
        ("needs_telephone", Restriction(kind="single_channel", channel="email")),
        ("needs_face_to_face", Restriction(kind="single_channel", channel="telephone")),
    ],
)
def test_restriction_contradicting_adjustment_refused(
    adjustment: str, restriction: Restriction
) -> None:
    """A restriction that contradicts a recorded adjustment is refused, naming it.

    Policy: "Any restrictions imposed will take into account your individual circumstances".
    """
    case, incident = case_with_warnings()
    case = policy.add_adjustment(case, adjustment, None, ctx())  # type: ignore[arg-type]
    req = restricting_req((incident.id,), restrictions=(restriction,))
    with refused(f"contradicts the recorded adjustment {adjustment}") as caught:
        policy.escalate(case, req, ctx())
    no_personal_data(str(caught.value))


def test_adjustment_checked_again_at_approval() -> None:
    """An adjustment recorded after the proposal blocks its approval.

    Policy: "Any restrictions imposed will take into account your individual circumstances".
    """
    case, _ = proposed_case()
    case = policy.add_adjustment(case, "no_written", "Cannot read letters.", ctx())
    with refused("no_written"):
        policy.approve(case, ctx("manager"))


def test_adjustment_may_always_be_recorded() -> None:
    """An adjustment is recorded even against a restriction in force, but only once.

    Policy: "Any restrictions imposed will take into account your individual circumstances".
    """
    case, _ = registered_case()
    case = policy.add_adjustment(case, "no_written", None, ctx())
    assert [a.kind for a in case.adjustments] == ["no_written"]
    with refused("already recorded"):
        policy.add_adjustment(case, "no_written", None, ctx())
