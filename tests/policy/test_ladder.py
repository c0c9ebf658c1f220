"""The warning ladder: verbal, informal written, formal written with restrictions, refusal.

One test per rule of the council's policy, each quoting the sentence it enforces.
"""

from __future__ import annotations

import datetime as dt

from tests.policy_helpers import (
    LATER,
    LETTER_ONLY,
    TODAY,
    bypassing,
    case_with_warnings,
    continued,
    ctx,
    issue_letter,
    make_case,
    make_incident,
    no_personal_data,
    proposed_case,
    refused,
    registered_case,
    restricting_req,
    serious_incident,
    warn,
    warned_in_writing,
)
from ucbr.domain import policy, views

# --- the ladder ---------------------------------------------------------------------------------


def test_next_step_without_to() -> None:
    """Without --to, the next step on the ladder is taken.

    Policy: "Following a verbal warning, if the behaviour continues to be unacceptable, an
    informal written warning letter will be sent".
    """
    case, incident = make_incident(make_case())
    case = warn(case, "verbal_warning", incident.id)
    case, again = make_incident(case)
    req = policy.EscalationRequest(incidents=(again.id,))
    case, decision = policy.escalate(case, req, ctx())
    assert decision.step == "informal_written_warning"
    case = issue_letter(case, "informal-warning", decision.id)
    case, still = make_incident(case)
    req = restricting_req((still.id,), to=None)
    _, decision = policy.escalate(case, req, ctx())
    assert decision.step == "formal_written_warning"


def test_verbal_warning_is_file_note() -> None:
    """A verbal warning is a file note of what was said, when and by whom.

    Policy: "Step 1 - A Verbal Warning. If we consider that your behaviour or communication
    has been unacceptable and / or unreasonable, then we will tell you why and ask that you stop."
    """
    case, incident = make_incident(make_case())
    with refused("file note of what was said"):
        policy.escalate(case, policy.EscalationRequest(incidents=(incident.id,)), ctx())
    case = warn(case, "verbal_warning", incident.id)
    decision = case.decisions[-1]
    assert decision.note and decision.proposed_by == "officer" and decision.proposed_on == TODAY
    assert decision.status == "recorded"


def test_warning_steps_need_no_approval() -> None:
    """Steps 1 and 2 are recorded without approval and do not put the case on the register.

    Policy: "Where you are the subject of a contact restriction, it will be recorded in the UCBR."
    """
    case, _ = case_with_warnings(2)
    assert [d.status for d in case.decisions] == ["recorded", "recorded"]
    assert not views.on_register(case)
    assert views.status_of(case) == "informal_written_warning"


def test_warning_steps_carry_no_restrictions() -> None:
    """Steps 1 and 2 carry no restrictions.

    Policy: "Step 3 - A Formal Written Warning with restrictions".
    """
    case, incident = make_incident(make_case())
    req = policy.EscalationRequest(
        to="verbal_warning",
        incidents=(incident.id,),
        note="Asked to stop.",
        restrictions=(LETTER_ONLY,),
    )
    with refused("carries no restrictions"):
        policy.escalate(case, req, ctx())


def test_serious_incident_bypasses_steps_1_and_2() -> None:
    """The deciding officer relies on an incident of violence to bypass steps 1 and 2, with a
    reason; the decision records both, and approval checks them again.

    Policy: "Please note that in the case of violence or serious threats, the warning stages
    (1 and 2) will be bypassed."
    """
    case, calm = make_incident(make_case())
    case, serious = serious_incident(case)
    req = restricting_req((calm.id, serious.id), **bypassing(serious.id))
    case, decision = policy.escalate(case, req, ctx())
    assert decision.bypass_incident == serious.id and decision.bypass_reason
    assert decision.status == "proposed"
    _, approved = policy.approve(case, ctx("manager"))
    assert approved.bypass_incident == serious.id


def test_violence_or_serious_threat_is_the_policys_words() -> None:
    """Only physically aggressive behaviour or threats bypass the warnings, whatever the
    reporter flagged: abuse marked --serious is refused, and cannot be relied on to skip.

    Policy: "Please note that in the case of violence or serious threats, the warning stages
    (1 and 2) will be bypassed."
    """
    with refused("reported as violence or a serious threat .* physically_aggressive or threats"):
        make_incident(make_case(), serious=True, behaviours=("abusive",))
    case, abuse = make_incident(make_case(), behaviours=("abusive", "harassment"))
    with refused(f"incident {abuse.id} records no violence or serious threat"):
        policy.escalate(case, restricting_req((abuse.id,), **bypassing(abuse.id)), ctx())


def test_the_deciding_officer_relies_on_the_bypass_not_the_reporter() -> None:
    """A reported threat does not skip the warnings by itself: the deciding officer names the
    incident they rely on and says why; naming one the decision does not rely on is refused.

    Policy: "Please note that in the case of violence or serious threats, the warning stages
    (1 and 2) will be bypassed."
    """
    case, threat = serious_incident(make_case(), behaviours=("threats",))
    with refused(r"name the incident you rely on \(--bypass\) and why"):
        policy.escalate(case, restricting_req((threat.id,)), ctx())
    with refused("say why incident .* is violence or a serious threat"):
        policy.escalate(case, restricting_req((threat.id,), bypass=threat.id), ctx())
    case, other = make_incident(case)
    with refused("is not one this decision relies on"):
        policy.escalate(case, restricting_req((other.id,), **bypassing(threat.id)), ctx())
    warned = warn(case, "verbal_warning", other.id)
    with refused("no step is skipped"):
        policy.escalate(
            warned,
            policy.EscalationRequest(
                to="verbal_warning", incidents=(other.id,), note="Asked.", **bypassing(other.id)
            ),
            ctx(),
        )


def test_informal_warning_needs_behaviour_to_continue() -> None:
    """Step 2 relies on an incident new since the verbal warning, not the one it warned about.

    Policy: "Following a verbal warning, if the behaviour continues to be unacceptable, an
    informal written warning letter will be sent".
    """
    early, before = make_incident(make_case(), date=TODAY - dt.timedelta(days=3))
    case, incident = make_incident(early)
    case = warn(case, "verbal_warning", incident.id)
    verbal = case.decisions[-1]
    req = policy.EscalationRequest(to="informal_written_warning", incidents=(incident.id,))
    with refused(
        r"^refused: the behaviour has not continued since step 1 \(verbal_warning\), "
        f"decision {verbal.id}: rely on an incident on or after {TODAY} "
        "that no warning relied on$"
    ) as caught:
        policy.escalate(case, req, ctx())
    no_personal_data(str(caught.value))
    older = policy.EscalationRequest(to="informal_written_warning", incidents=(before.id,))
    with refused("has not continued since step 1"):
        policy.escalate(case, older, ctx())
    case, again = make_incident(case)
    both = policy.EscalationRequest(incidents=(incident.id, again.id))
    _, decision = policy.escalate(case, both, ctx())
    assert decision.step == "informal_written_warning"


def test_formal_warning_needs_repeated_behaviour() -> None:
    """Step 3 relies on an incident new since the informal warning.

    Policy: "For repeated or more serious offences, a formal written warning letter will be
    issued".
    """
    case, first = make_incident(make_case())
    case = warn(case, "verbal_warning", first.id)
    case, second = make_incident(case)
    case = warn(case, "informal_written_warning", second.id)
    informal = case.decisions[-1]
    case = issue_letter(case, "informal-warning", informal.id)
    for stale in (first.id, second.id):
        with refused(
            r"^refused: the behaviour has not continued since step 2 "
            rf"\(informal_written_warning\), decision {informal.id}: "
        ):
            policy.escalate(case, restricting_req((stale,)), ctx())
    case, third = make_incident(case)
    case, proposal = policy.escalate(case, restricting_req((second.id, third.id)), ctx())
    _, approved = policy.approve(case, ctx("manager"))
    assert approved.id == proposal.id and approved.status == "approved"


def test_serious_incident_still_bypasses_without_continuing() -> None:
    """A serious incident already warned about still bypasses the warning it skips.

    Policy: "Please note that in the case of violence or serious threats, the warning stages
    (1 and 2) will be bypassed."
    """
    case, serious = serious_incident(make_case(), behaviours=("threats",))
    case = warn(case, "verbal_warning", serious.id)
    req = restricting_req((serious.id,), **bypassing(serious.id))
    case, decision = policy.escalate(case, req, ctx())
    assert decision.bypass_incident == serious.id
    _, approved = policy.approve(case, ctx("manager"))
    assert approved.status == "approved"
    fresh, threat = serious_incident(make_case(), behaviours=("threats",))
    _, skipped = policy.escalate(
        fresh, restricting_req((threat.id,), **bypassing(threat.id)), ctx()
    )
    assert skipped.bypass_incident == threat.id


def test_no_skip_without_serious_incident() -> None:
    """Any other skip is refused, naming the missing step.

    Policy: "Following a verbal warning, if the behaviour continues to be unacceptable, an
    informal written warning letter will be sent".
    """
    case, incident = case_with_warnings(1)
    with refused(
        r"^refused: step 2 \(informal_written_warning\) has not been given; steps 1 and 2 are "
        r"bypassed only in the case of violence or serious threats"
    ):
        policy.escalate(case, restricting_req((incident.id,)), ctx())
    fresh, other = make_incident(make_case())
    req = policy.EscalationRequest(to="informal_written_warning", incidents=(other.id,))
    with refused(r"step 1 \(verbal_warning\) has not been given"):
        policy.escalate(fresh, req, ctx())


def test_relied_on_incidents_exist() -> None:
    """A decision relies on at least one incident recorded in the case.

    Policy: "Each case will be reviewed and considered on an individual case by case basis,
    and any action taken would be appropriate to the circumstances."
    """
    case, _ = make_incident(make_case())
    req = policy.EscalationRequest(to="verbal_warning", incidents=("I-ZZZZZZZZ",), note="Asked.")
    with refused("incident I-ZZZZZZZZ is not in case"):
        policy.escalate(case, req, ctx())
    with refused("at least one recorded incident"):
        policy.escalate(case, policy.EscalationRequest(to="verbal_warning", note="x"), ctx())


def test_only_casework_staff_propose() -> None:
    """Frontline staff report incidents but do not propose warnings or restrictions.

    Policy: "The decision to manage a person's contact in an alternative way with a Council
    service must be reviewed and approved by the relevant business manager / Head of Service."
    """
    case, incident = case_with_warnings()
    with refused("the role frontline may not give a warning or propose a restriction"):
        policy.escalate(case, restricting_req((incident.id,)), ctx("front"))


# --- step 3 and refusal of contact -------------------------------------------------------------


def test_restriction_needs_at_least_one_restriction() -> None:
    """Step 3 needs at least one restriction.

    Policy: "a formal written warning letter will be issued ... and will advise you of the
    action we will take to address this."
    """
    case, incident = case_with_warnings()
    with refused("at least one restriction"):
        policy.escalate(case, restricting_req((incident.id,), restrictions=()), ctx())


def test_restriction_needs_considerations() -> None:
    """A restricting decision records its considerations.

    Policy: "This decision will consider all factors including exceptional circumstances or
    barriers faced by yourself due to any known or advised protected characteristics, at risk
    factors, or other relevant reasons."
    """
    case, incident = case_with_warnings()
    with refused("protected characteristics, exceptional circumstances"):
        policy.escalate(case, restricting_req((incident.id,), considerations=" "), ctx())


def test_restriction_needs_essential_services_route() -> None:
    """A restricting decision says how essential services stay reachable.

    Policy: "Any restrictions imposed will take into account your individual circumstances and
    ensure that you are not prevented from accessing essential services."
    """
    case, incident = case_with_warnings()
    with refused("essential services"):
        policy.escalate(case, restricting_req((incident.id,), essential_services=None), ctx())


def test_review_date_within_interval() -> None:
    """A restriction's review date is set, not in the past, and within six months.

    Policy: "All restrictions will be reviewed on a six-monthly basis or sooner if there are
    reasonable grounds to do so."
    """
    case, incident = case_with_warnings()
    too_late = policy.add_months(TODAY, 6) + dt.timedelta(days=1)
    with refused("later than the policy allows"):
        policy.escalate(case, restricting_req((incident.id,), review_by=too_late), ctx())
    with refused("needs a review date"):
        policy.escalate(case, restricting_req((incident.id,), review_by=None), ctx())
    with refused("in the past"):
        policy.escalate(
            case, restricting_req((incident.id,), review_by=TODAY - dt.timedelta(1)), ctx()
        )
    sooner = TODAY + dt.timedelta(days=30)
    _, decision = policy.escalate(case, restricting_req((incident.id,), review_by=sooner), ctx())
    assert decision.review_by == sooner


def test_scope_defaults_to_service() -> None:
    """The scope defaults to the service that suffered the behaviour.

    DOMAIN (LGSCO guide ch. 6): "By default restrict only the service that suffered the behaviour".
    """
    _, decision = proposed_case()
    assert decision.scope == "Waste"


def test_council_wide_scope_needs_reason() -> None:
    """A council-wide restriction needs a recorded reason.

    DOMAIN (LGSCO guide ch. 6): "council-wide only for significant risk to staff or behaviour
    across services."
    """
    case, incident = case_with_warnings()
    with refused(r"needs why it is council-wide \(--scope-reason\)"):
        policy.escalate(case, restricting_req((incident.id,), scope="council-wide"), ctx())
    req = restricting_req(
        (incident.id,), scope="council-wide", scope_reason="Abuse across services."
    )
    _, decision = policy.escalate(case, req, ctx())
    assert decision.scope == "council-wide"


def test_restriction_is_a_proposal_until_approved() -> None:
    """A step-3 decision is a proposal, not on the register, until approved.

    Policy: "The decision to manage a person's contact in an alternative way with a Council
    service must be reviewed and approved by the relevant business manager / Head of Service."
    """
    case, decision = proposed_case()
    assert decision.status == "proposed"
    assert not views.on_register(case)
    assert views.pending_proposal(case) == decision


def test_one_proposal_at_a_time() -> None:
    """Only one proposal may await approval at a time.

    Policy: "must be reviewed and approved by the relevant business manager / Head of Service."
    """
    case, decision = proposed_case()
    with refused(f"decision {decision.id} is awaiting approval"):
        policy.escalate(case, restricting_req(decision.incidents), ctx("officer2"))


def test_restricting_step_in_force_is_varied_not_repeated() -> None:
    """A restriction in force is varied at review, not proposed again.

    Policy: "All restrictions will be reviewed on a six-monthly basis or sooner".
    """
    case, decision = registered_case()
    with refused(f"decision {decision.id} \\(formal_written_warning\\) is in force"):
        policy.escalate(case, restricting_req(decision.incidents), ctx())


def test_contact_refused_only_after_formal_warning() -> None:
    """Contact is refused only after a formal written warning, even after a serious incident.

    Policy: "If the behaviour continues after warnings letters are issued, we may refuse
    further contact and refuse further responses."
    """
    case, incident = case_with_warnings()
    req = restricting_req((incident.id,), to="contact_refused")
    with refused(r"step 3 \(formal_written_warning\) has not been given"):
        policy.escalate(case, req, ctx())
    serious_case, serious = serious_incident(make_case())
    req = restricting_req((serious.id,), to="contact_refused", **bypassing(serious.id))
    with refused("only after a formal written warning"):
        policy.escalate(serious_case, req, ctx())


def test_contact_refused_needs_behaviour_to_continue() -> None:
    """Refusal of contact relies on an incident after the formal warning was approved.

    Policy: "If the behaviour continues after warnings letters are issued, we may refuse
    further contact and refuse further responses."
    """
    case, decision = registered_case()
    day = ctx(today=LATER)
    req = restricting_req(decision.incidents, to="contact_refused", today=LATER)
    with refused(f"rely on an incident after {TODAY}"):
        policy.escalate(case, req, day)
    case, later = continued(warned_in_writing(case, decision))
    case, refusal = policy.escalate(
        case, restricting_req((later,), to="contact_refused", today=LATER), day
    )
    assert refusal.status == "proposed" and refusal.step == "contact_refused"


def test_contact_refused_needs_warning_letter_issued() -> None:
    """Refusal of contact needs the formal-warning letter issued before the continuing behaviour.

    Policy: "If the behaviour continues after warnings letters are issued, we may refuse
    further contact and refuse further responses."
    """
    case, formal = registered_case()
    case, later = continued(case)
    day = ctx(today=LATER)
    req = restricting_req((later,), to="contact_refused", today=LATER)
    with refused(
        f"^refused: no formal-warning letter has been issued about decision {formal.id}; "
        "contact is refused only if the behaviour continues after warning letters are issued$"
    ) as caught:
        policy.escalate(case, req, day)
    no_personal_data(str(caught.value))
    other = issue_letter(case, "informal-warning", formal.id)
    with refused("no formal-warning letter has been issued"):
        policy.escalate(other, req, day)
    too_late = warned_in_writing(case, formal, LATER + dt.timedelta(days=1))
    after = LATER + dt.timedelta(days=1)
    with refused(f"after the formal-warning letter: rely on an incident on or after {after}"):
        policy.escalate(too_late, req, ctx(today=after))
    on_the_day = warned_in_writing(case, formal, LATER)
    _, refusal = policy.escalate(on_the_day, req, day)
    assert refusal.step == "contact_refused" and refusal.incidents == (later,)


def test_every_missing_term_is_named_at_once() -> None:
    """A proposal lacking several terms is refused once, naming each and the option for it.

    Policy: "This decision will consider all factors including exceptional circumstances or
    barriers faced by yourself due to any known or advised protected characteristics, at risk
    factors, or other relevant reasons."
    """
    case, incident = case_with_warnings()
    bare = policy.EscalationRequest(
        to="formal_written_warning", incidents=(incident.id,), scope="council-wide"
    )
    with refused(
        r"^refused: step 3 \(formal_written_warning\) needs at least one restriction .*; the "
        r"considerations \(--considerations\).*; how the person can still reach essential "
        r"services \(--essential-services\); a review date \(--review-by\); why it is "
        r"council-wide \(--scope-reason\)$"
    ):
        policy.escalate(case, bare, ctx())
