"""Appeals: within one month, to an officer not involved, the entry kept meanwhile.

One test per rule of the council's policy, each quoting the sentence it enforces.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.policy_helpers import (
    LATER,
    TODAY,
    bypassing,
    ctx,
    make_case,
    refused,
    registered_case,
    restricting_req,
    serious_incident,
)
from ucbr.domain import policy, views
from ucbr.domain.model import Restriction

# --- appeals --------------------------------------------------------------------------------------


def test_appeal_within_one_month_or_late_reason() -> None:
    """An appeal after one month needs a recorded reason.

    Policy: "You have the right to appeal the decision to be added to the UCBR ... within one
    month of the decision made".
    """
    case, _ = registered_case()
    late = policy.add_months(TODAY, 1) + dt.timedelta(days=1)
    with refused("after the deadline"):
        policy.lodge_appeal(case, late, None, ctx(today=late))
    _, appeal = policy.lodge_appeal(case, late, "In hospital all month.", ctx(today=late))
    assert appeal.late_reason
    _, on_time = policy.lodge_appeal(case, policy.add_months(TODAY, 1), None, ctx(today=late))
    assert on_time.decision == case.decisions[-1].id


def test_one_pending_appeal() -> None:
    """Only one appeal may be pending at a time.

    Policy: "The UCBR entry and restrictions remain in place until the outcome of the appeal is
    decided."
    """
    case, _ = registered_case()
    case, appeal = policy.lodge_appeal(case, TODAY, None, ctx())
    with refused(f"appeal {appeal.id} is still awaiting a decision"):
        policy.lodge_appeal(case, TODAY, None, ctx())


def test_entry_stays_during_appeal() -> None:
    """The entry stays on the register, with an appeal note, while an appeal is pending.

    Policy: "The UCBR entry and restrictions remain in place until the outcome of the appeal is
    decided. A note is added to the register entry to denote that the appeal is in progress."
    """
    case, _ = registered_case()
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    entry = views.entry_of(case)
    assert entry.on_register and entry.appeal_in_progress and entry.restrictions
    assert views.status_of(case) == "appeal_pending"


@pytest.mark.parametrize(
    ("decider", "involved", "message"),
    [
        ("manager", frozenset(), "you approved decision"),
        ("head", frozenset({"head"}), "git history shows you worked on decision"),
    ],
)
def test_appeal_decided_by_officer_not_involved(
    decider: str, involved: frozenset[str], message: str
) -> None:
    """The approver, or anyone git history shows was involved, cannot decide the appeal.

    Policy: "it will be considered by an Officer who was not involved in the original decision
    to restrict access."
    """
    case, _ = registered_case()
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    with refused(message):
        policy.decide_appeal(case, "upheld", "Proportionate.", ctx(decider), involved)


def test_appeal_decider_not_proposer_or_reporter() -> None:
    """The proposer or a reporter cannot decide the appeal.

    Policy: "it will be considered by an Officer who was not involved in the original decision
    to restrict access."
    """
    case, incident = serious_incident(make_case(), actor="manager2")
    case, decision = policy.escalate(
        case, restricting_req((incident.id,), **bypassing(incident.id)), ctx("manager")
    )
    case, _ = policy.approve(case, ctx("head"))
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    with refused(f"you proposed decision {decision.id}"):
        policy.decide_appeal(case, "upheld", "Proportionate.", ctx("manager"))
    with refused(f"you reported incident {incident.id}"):
        policy.decide_appeal(case, "upheld", "Proportionate.", ctx("manager2"))


def test_overturned_appeal_ends_restriction() -> None:
    """An overturned appeal ends the restriction and takes the case off the register.

    Policy: "The UCBR entry and restrictions remain in place until the outcome of the appeal is
    decided."
    """
    case, decision = registered_case()
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    case, appeal = policy.decide_appeal(
        case, "overturned", "Not proportionate.", ctx("head", LATER)
    )
    assert appeal.decided_by == "head" and appeal.outcome == "overturned"
    ended = next(d for d in case.decisions if d.id == decision.id)
    assert ended.status == "overturned" and ended.ended_on == LATER
    assert not views.on_register(case) and views.status_of(case) == "overturned"


def test_upheld_appeal_changes_nothing() -> None:
    """An upheld decision stays in force.

    Policy: "The UCBR entry and restrictions remain in place until the outcome of the appeal is
    decided."
    """
    case, decision = registered_case()
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    case, _ = policy.decide_appeal(case, "upheld", "Proportionate.", ctx("head"))
    assert views.decision_in_force(case) == decision and views.pending_appeal(case) is None


def test_varied_appeal_needs_approval() -> None:
    """An appeal that varies the decision proposes a variation that someone else approves.

    Policy: "must be reviewed and approved by the relevant business manager / Head of Service."
    """
    case, decision = registered_case()
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    with refused("needs its new terms"):
        policy.decide_appeal(case, "varied", "Too broad.", ctx("head"))
    terms = restricting_req(
        (), restrictions=(Restriction(kind="contact_times", days=("mon",), hours="09:00-12:00"),)
    )
    case, _ = policy.decide_appeal(case, "varied", "Too broad.", ctx("head"), variation=terms)
    proposal = views.pending_proposal(case)
    assert proposal is not None and proposal.variation_of == decision.id
    with refused("you proposed"):
        policy.approve(case, ctx("head"))
    case, varied = policy.approve(case, ctx("manager2"))
    assert views.decision_in_force(case) == varied


def test_appeal_variation_approved_by_someone_not_involved() -> None:
    """The variation an appeal decides on is approved by no one involved in the original decision.

    Policy: "it will be considered by an Officer who was not involved in the original decision
    to restrict access."
    """
    terms = restricting_req(
        (), restrictions=(Restriction(kind="contact_times", days=("mon",), hours="09:00-12:00"),)
    )
    case, incident = serious_incident(make_case(), actor="manager2")
    case, original = policy.escalate(
        case, restricting_req((incident.id,), **bypassing(incident.id)), ctx("manager")
    )
    case, _ = policy.approve(case, ctx("head"))
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    case, _ = policy.decide_appeal(case, "varied", "Too broad.", ctx("head2"), variation=terms)
    needs = "the appeal's variation needs an approver not involved in the original decision"
    with refused(f"^refused: you proposed or approved decision {original.id}; {needs}"):
        policy.approve(case, ctx("manager"))
    with refused(f"^refused: you proposed or approved decision {original.id}; {needs}"):
        policy.approve(case, ctx("head"))
    with refused(f"^refused: you reported incident {incident.id}, .*nobody in the staff"):
        policy.approve(case, ctx("manager2"))

    case, original = registered_case()
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    case, _ = policy.decide_appeal(case, "varied", "Too broad.", ctx("head"), variation=terms)
    with refused(f"you proposed or approved decision {original.id}; {needs}"):
        policy.approve(case, ctx("manager"))
    case, varied = policy.approve(case, ctx("manager2"))
    assert views.decision_in_force(case) == varied and varied.variation_of == original.id
