"""Approval by "the relevant business manager / Head of Service", and no one else.

One test per rule of the council's policy, each quoting the sentence it enforces.
"""

from __future__ import annotations

from tests.policy_helpers import (
    LATER,
    TODAY,
    bypassing,
    case_with_warnings,
    continued,
    ctx,
    make_case,
    proposed_case,
    refused,
    registered_case,
    restricting_req,
    serious_incident,
    warned_in_writing,
)
from ucbr.domain import policy, views

# --- approval -------------------------------------------------------------------------------------


def test_approver_is_manager_or_head_of_service() -> None:
    """Only a manager or Head of Service approves or rejects.

    Policy: "must be reviewed and approved by the relevant business manager / Head of Service."
    """
    case, _ = proposed_case()
    with refused("the role case_officer may not approve"):
        policy.approve(case, ctx("officer2"))
    with refused("the role case_officer may not approve"):
        policy.reject(case, "Not proportionate.", ctx("officer2"))
    _approved, decision = policy.approve(case, ctx("head"))
    assert decision.approved_by == "head"


def test_approver_not_proposer() -> None:
    """The proposer cannot approve their own proposal.

    Policy: "must be reviewed and approved by the relevant business manager / Head of Service."
    """
    case, incident = case_with_warnings()
    case, decision = policy.escalate(case, restricting_req((incident.id,)), ctx("manager"))
    with refused(
        f"^refused: you proposed decision {decision.id}; the approver must be someone else; "
        "it may be approved by one of: manager2, head, head2$"
    ):
        policy.approve(case, ctx("manager"))


def test_approver_not_reporter() -> None:
    """The reporter of a relied-on incident cannot approve.

    Policy: "must be reviewed and approved by the relevant business manager / Head of Service."
    """
    case, incident = serious_incident(make_case(), actor="manager2")
    case, decision = policy.escalate(
        case, restricting_req((incident.id,), **bypassing(incident.id)), ctx("officer")
    )
    with refused(f"you reported incident {incident.id}, which decision {decision.id} relies on"):
        policy.approve(case, ctx("manager2"))


def test_approval_puts_case_on_register() -> None:
    """Approval brings the restriction into force and the case onto the register.

    Policy: "Where you are the subject of a contact restriction, it will be recorded in the UCBR."
    """
    case, decision = registered_case()
    assert decision.status == "approved" and decision.approved_on == TODAY
    assert views.on_register(case) and views.decision_in_force(case) == decision


def test_approval_supersedes_decision_in_force() -> None:
    """Approving refusal of contact supersedes the formal warning in force.

    Policy: "If the behaviour continues after warnings letters are issued, we may refuse
    further contact and refuse further responses."
    """
    case, formal = registered_case()
    case, later = continued(warned_in_writing(case, formal))
    req = restricting_req((later,), to="contact_refused", today=LATER)
    case, _ = policy.escalate(case, req, ctx(today=LATER))
    case, refusal = policy.approve(case, ctx("head", LATER))
    old = next(d for d in case.decisions if d.id == formal.id)
    assert old.status == "superseded" and old.ended_on == LATER
    assert views.decision_in_force(case) == refusal


def test_reject_records_reason() -> None:
    """A manager may reject a proposal, with a reason; nothing comes into force.

    Policy: "must be reviewed and approved by the relevant business manager / Head of Service."
    """
    case, _ = proposed_case()
    with refused("needs a reason"):
        policy.reject(case, " ", ctx("manager"))
    case, decision = policy.reject(case, "Not proportionate yet.", ctx("manager"))
    assert decision.status == "rejected" and decision.rejected_by == "manager"
    assert not views.on_register(case) and views.pending_proposal(case) is None
    with refused("no decision awaiting approval"):
        policy.approve(case, ctx("manager"))
