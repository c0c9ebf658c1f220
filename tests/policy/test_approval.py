"""Approval by "the relevant business manager / Head of Service", and no one else.

One test per rule of the council's policy, each quoting the sentence it enforces.
"""

from __future__ import annotations

import dataclasses

from tests.policy_helpers import (
    LATER,
    STAFF,
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
from ucbr.domain.model import Restriction
from ucbr.domain.staff import StaffDirectory

# --- approval -------------------------------------------------------------------------------------


def test_approver_is_manager_or_head_of_service() -> None:
    """Only a manager or Head of Service approves or rejects.

    Policy: "must be reviewed and approved by the relevant business manager / Head of Service."
    """
    case, _ = proposed_case()
    with refused("the role case officer may not approve"):
        policy.approve(case, ctx("officer2"))
    with refused("the role case officer may not approve"):
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


# --- the relevant business manager / Head of Service -------------------------------------------


def with_services(**services: str) -> StaffDirectory:
    """The test staff, with the services given (id -> service) recorded."""
    return StaffDirectory(
        staff=[m.model_copy(update={"service": services.get(m.id, m.service)}) for m in STAFF.staff]
    )


def acting(actor: str, staff: StaffDirectory) -> policy.Ctx:
    """The policy's context for ``actor`` among ``staff``."""
    member = staff.by_id(actor)
    assert member is not None
    return dataclasses.replace(ctx(actor), actor=member, staff=staff)


def test_a_manager_approves_within_their_own_service() -> None:
    """A Waste decision is approved by a manager of Waste, not of Housing; the refusal says who
    may approve it.

    Policy: "must be reviewed and approved by the relevant business manager / Head of Service."
    """
    staff = with_services(manager="Housing", manager2="Waste", head="Housing", head2="Waste")
    case, decision = proposed_case()
    assert decision.scope == "Waste"
    with refused(
        f"decision {decision.id} is for the Waste service: a manager or head of service of "
        "that service approves it, not one of Housing; it may be approved by one of: "
        "manager2, head2$"
    ):
        policy.approve(case, acting("manager", staff))
    with refused("not one of Housing"):
        policy.approve(case, acting("head", staff))
    _, approved = policy.approve(case, acting("manager2", staff))
    assert approved.approved_by == "manager2"


def test_a_council_wide_decision_is_for_a_head_of_service() -> None:
    """A council-wide restriction is approved by a head of service, never a service manager.

    Policy: "must be reviewed and approved by the relevant business manager / Head of Service."
    """
    case, incident = case_with_warnings()
    req = restricting_req((incident.id,), scope="council-wide", scope_reason="Across services.")
    case, decision = policy.escalate(case, req, ctx())
    with refused(f"decision {decision.id} is council-wide: a head of service approves it"):
        policy.approve(case, ctx("manager"))
    _, approved = policy.approve(case, ctx("head"))
    assert approved.approved_by == "head"


def test_an_appeal_variation_may_be_approved_by_another_services_manager() -> None:
    """A small council: the appeal's variation may be approved by any uninvolved manager, of
    any service, as the policy's officer "not involved in the original decision".

    Policy: "it will be considered by an Officer who was not involved in the original decision
    to restrict access."
    """
    staff = with_services(manager="Waste", manager2="Planning", head="Waste", head2="Waste")
    case, _ = proposed_case()
    case, _ = policy.approve(case, acting("manager", staff))
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    hours = Restriction(kind="contact_times", days=("mon",), hours="09:00-12:00")
    terms = restricting_req((), restrictions=(hours,), to=None, end=("single_channel",))
    decider = acting("head", staff)
    case, _ = policy.decide_appeal(case, "varied", "Too broad.", decider, variation=terms)
    _, varied = policy.approve(case, acting("manager2", staff))
    assert varied.approved_by == "manager2" and varied.variation_of is not None
