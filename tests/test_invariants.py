"""Each invariant, once: what breaks it is caught, and nothing the policy writes breaks any.

The pure half needs no git. The end-to-end half (marked e2e) shows, for every invariant,
a record breaking it refused on write, flagged by `check` and reported by `ucbr audit`.
"""

from __future__ import annotations

import pytest

from tests.invariant_breakers import ACTORS, BREAKERS
from tests.policy_helpers import (
    CFG,
    LATER,
    STAFF,
    continued,
    ctx,
    proposed_property,
    registered_case,
    restricting_req,
    staff,
    warned_in_writing,
)
from ucbr.domain import invariants, policy
from ucbr.domain.invariants import Facts, record_problems


def test_every_record_invariant_has_a_breaker() -> None:
    """A new invariant comes with a record that breaks it, so each is shown to be judged."""
    names = {inv.name for inv in (*invariants.CASE, *invariants.PROPERTY)}
    assert names <= set(BREAKERS), sorted(names - set(BREAKERS))


@pytest.mark.parametrize("name", sorted(BREAKERS))
def test_each_invariant_catches_its_breach(name: str) -> None:
    """The record each breaker makes breaks exactly the invariant it is named for (and the
    message names it)."""
    before, after, action = BREAKERS[name]()
    actor = staff(ACTORS.get(name, "manager"))
    found = record_problems(before, after, Facts(CFG, STAFF, action, actor))
    assert any(message.endswith(f"[{name}]") for message in found), found


def test_a_sound_record_keeps_every_invariant() -> None:
    """What the policy writes breaks none: a case on the register, a property risk."""
    case, _ = registered_case()
    assert invariants.judge_all(invariants.CASE, None, case, Facts(CFG, STAFF)) == []
    prop = proposed_property()
    assert invariants.judge_all(invariants.PROPERTY, None, prop, Facts(CFG, STAFF)) == []


def test_a_change_is_blamed_only_for_what_it_breaks() -> None:
    """A record that already broke a rule (an approver since left) does not make a later,
    sound change a problem: the audit blames each commit for what it introduced."""
    case, decision = registered_case()
    without_manager = STAFF.model_copy(
        update={"staff": [m for m in STAFF.staff if m.id != decision.approved_by]}
    )
    facts = Facts(CFG, without_manager, "adjustment", staff("officer"))
    assert invariants.judge_all(invariants.CASE, None, case, facts)  # judged as a change: named
    assert record_problems(case, case, facts) == []


def test_a_proposal_is_judged_by_the_ladder_as_it_stood_when_proposed() -> None:
    """A refusal of contact proposed while the formal warning stood is not made a breach of
    the ladder by that warning being overturned on appeal afterwards."""
    case, formal = registered_case()
    case = warned_in_writing(case, formal)
    case, later = continued(case)
    req = restricting_req((later,), to="contact_refused", today=LATER)
    case, _ = policy.escalate(case, req, ctx("officer", LATER))
    case, _ = policy.lodge_appeal(case, LATER, None, ctx("officer", LATER))
    case, _ = policy.decide_appeal(case, "overturned", "Not proportionate.", ctx("head", LATER))
    assert case.decisions[-2].status == "overturned"
    assert invariants.judge_all(invariants.CASE, None, case, Facts(CFG, STAFF)) == []
