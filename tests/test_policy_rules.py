"""One test per rule of the council's policy, each quoting the sentence it enforces."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.policy_helpers import (
    LETTER_ONLY,
    PERSON,
    TODAY,
    case_with_warnings,
    ctx,
    incident_req,
    issue_letter,
    make_case,
    make_incident,
    new_id,
    proposed_case,
    proposed_property,
    registered_case,
    restricting_req,
    warn,
)
from ucbr import policy, views
from ucbr.errors import Refused
from ucbr.model import Case, Decision, LetterIssued, Restriction

LATER = TODAY + dt.timedelta(days=20)


def refused(match: str) -> pytest.RaisesExc[Refused]:
    return pytest.raises(Refused, match=match)


def no_personal_data(message: str) -> None:
    for value in (PERSON.name, PERSON.address, PERSON.postcode, *PERSON.emails, *PERSON.phones):
        assert value is not None and value not in message


def continued(case: Case, day: dt.date = LATER) -> tuple[Case, str]:
    """An incident after the formal warning: the behaviour continued."""
    case, incident = make_incident(case, today=day)
    return case, incident.id


def warned_in_writing(case: Case, formal: Decision, day: dt.date = TODAY) -> Case:
    """The formal-warning letter about ``formal`` was issued on ``day``."""
    return issue_letter(case, "formal-warning", formal.id, day)


# --- calendar ------------------------------------------------------------------------------


def test_add_months_clamps_to_month_end() -> None:
    """Review dates count calendar months, clamped to the end of a shorter month.

    Policy: "All restrictions will be reviewed on a six-monthly basis".
    """
    assert policy.add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert policy.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert policy.add_months(dt.date(2025, 9, 30), 6) == dt.date(2026, 3, 30)
    assert policy.add_months(dt.date(2025, 12, 15), 1) == dt.date(2026, 1, 15)


# --- incidents ----------------------------------------------------------------------------------


def test_incident_date_not_in_future() -> None:
    """An incident cannot be dated in the future.

    DOMAIN (ICO): "A marker rests on a specific incident, accurately recorded."
    """
    with refused("in the future"):
        make_incident(make_case(), date=TODAY + dt.timedelta(days=1))


def test_incident_behaviours_from_category_list() -> None:
    """Behaviours come from the policy's own list for the category.

    Policy: "A. Aggressive or abusive behaviour. This includes the following behaviours".
    """
    with refused("'repeated_contact' is not in the policy's list for category A"):
        make_incident(make_case(), category="A", behaviours=("repeated_contact",))
    _case, incident = make_incident(make_case(), category="B", behaviours=("repeated_contact",))
    assert incident.behaviours == ("repeated_contact",)
    with refused("at least one behaviour"):
        make_incident(make_case(), behaviours=())


def test_incident_needs_summary() -> None:
    """An incident needs a factual summary.

    DOMAIN (ICO): "A marker rests on a specific incident, accurately recorded."
    """
    with refused("factual summary"):
        make_incident(make_case(), summary="   ")


def test_incident_reporter_is_actor() -> None:
    """The reporter of an incident is the officer recording it, on the day they record it.

    Policy: "This Policy covers all employees undertaking work on behalf of the Council."
    """
    case, incident = make_incident(make_case(), actor="front")
    assert incident.reported_by == "front"
    assert incident.recorded_on == TODAY
    assert case.incidents == (incident,)


def test_scheduler_cannot_report_incident() -> None:
    """A scheduler service account cannot report an incident.

    Policy: "This Policy covers all employees undertaking work on behalf of the Council."
    """
    with refused("the role scheduler may not report an incident"):
        make_incident(make_case(), actor="cron")


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
    """A serious incident bypasses steps 1 and 2, and the decision names it.

    Policy: "Please note that in the case of violence or serious threats, the warning stages
    (1 and 2) will be bypassed."
    """
    case, calm = make_incident(make_case())
    case, serious = make_incident(case, serious=True, behaviours=("physically_aggressive",))
    case, decision = policy.escalate(case, restricting_req((calm.id, serious.id)), ctx())
    assert decision.bypass_incident == serious.id
    assert decision.status == "proposed"


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
    case, serious = make_incident(make_case(), serious=True, behaviours=("threats",))
    case = warn(case, "verbal_warning", serious.id)
    case, decision = policy.escalate(case, restricting_req((serious.id,)), ctx())
    assert decision.bypass_incident == serious.id
    _, approved = policy.approve(case, ctx("manager"))
    assert approved.status == "approved"
    fresh, threat = make_incident(make_case(), serious=True, behaviours=("threats",))
    _, skipped = policy.escalate(fresh, restricting_req((threat.id,)), ctx())
    assert skipped.bypass_incident == threat.id


def test_no_skip_without_serious_incident() -> None:
    """Any other skip is refused, naming the missing step.

    Policy: "Following a verbal warning, if the behaviour continues to be unacceptable, an
    informal written warning letter will be sent".
    """
    case, incident = case_with_warnings(1)
    with refused(
        r"^refused: step 2 \(informal_written_warning\) has not been given; only an incident of "
        r"violence or a serious threat bypasses steps 1 and 2$"
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
    with refused("council-wide restriction needs a reason"):
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
    serious_case, serious = make_incident(make_case(), serious=True)
    with refused("only after a formal written warning"):
        policy.escalate(serious_case, restricting_req((serious.id,), to="contact_refused"), ctx())


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
        f"^refused: you proposed decision {decision.id}; the approver must be someone else$"
    ):
        policy.approve(case, ctx("manager"))


def test_approver_not_reporter() -> None:
    """The reporter of a relied-on incident cannot approve.

    Policy: "must be reviewed and approved by the relevant business manager / Head of Service."
    """
    case, incident = make_incident(make_case(), actor="manager2", serious=True)
    case, decision = policy.escalate(case, restricting_req((incident.id,)), ctx("officer"))
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
    """Continue sets the next review at most six months on.

    Policy: "Restrictions will stay in place where there is no evident change in the behaviours
    described within this Policy" and "All restrictions will be reviewed on a six-monthly basis".
    """
    case, _ = registered_case()
    day = dt.date(2025, 8, 31)
    case, done = policy.review(case, review_req(), ctx(today=day))
    assert done.next_review == dt.date(2026, 2, 28)
    assert views.next_review(case) == dt.date(2026, 2, 28)
    with refused("later than the policy allows"):
        policy.review(case, review_req(next_review=dt.date(2026, 3, 1)), ctx(today=day))


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
    case, incident = make_incident(make_case(), actor="manager2", serious=True)
    case, decision = policy.escalate(case, restricting_req((incident.id,)), ctx("manager"))
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
    case, incident = make_incident(make_case(), actor="manager2", serious=True)
    case, original = policy.escalate(case, restricting_req((incident.id,)), ctx("manager"))
    case, _ = policy.approve(case, ctx("head"))
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    case, _ = policy.decide_appeal(case, "varied", "Too broad.", ctx("head2"), variation=terms)
    needs = r"the appeal \(approving its variation\) needs an officer not involved$"
    with refused(f"^refused: you proposed decision {original.id}; {needs}"):
        policy.approve(case, ctx("manager"))
    with refused(f"^refused: you approved decision {original.id}; {needs}"):
        policy.approve(case, ctx("head"))
    with refused(f"^refused: you reported incident {incident.id}, "):
        policy.approve(case, ctx("manager2"))

    case, original = registered_case()
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    case, _ = policy.decide_appeal(case, "varied", "Too broad.", ctx("head"), variation=terms)
    with refused(f"you approved decision {original.id}; {needs}"):
        policy.approve(case, ctx("manager"))
    case, varied = policy.approve(case, ctx("manager2"))
    assert views.decision_in_force(case) == varied and varied.variation_of == original.id


# --- letters --------------------------------------------------------------------------------------


def test_letter_is_about_the_case() -> None:
    """A letter recorded on a case is about one of that case's own records.

    Policy: "The UCBR will provide your personal details and the nature and duration of the
    restriction in place, together with when this is to be reviewed."
    """
    case, decision = registered_case()
    letter = LetterIssued(
        id=new_id("L"),
        kind="formal-warning",
        date=TODAY,
        about="D-ZZZZZZZZ",
        format="pdf",
        template_sha256="0" * 64,
        sha256="1" * 64,
        by="officer",
        policy="0123456789ab",
    )
    with refused("not in case"):
        policy.record_letter(case, letter)
    case = policy.record_letter(case, letter.model_copy(update={"about": decision.id}))
    assert len(case.letters) == 1


# --- property risks -------------------------------------------------------------------------------


def test_property_risk_needs_guidance() -> None:
    """A property risk needs guidance for attending.

    Policy: "we are instead highlighting risks at the property and providing guidance for
    attendance."
    """
    with refused("guidance for attending"):
        proposed_property(guidance=" ")


def test_property_risk_kinds_from_policy_list() -> None:
    """Property risk kinds come from the policy's list.

    Policy: "Examples of potential property / premise risk could include".
    """
    with refused("risks"):
        proposed_property(risks=("ghosts",))
    with refused("at least one risk"):
        proposed_property(risks=())


def test_uprn_is_1_to_12_digits() -> None:
    """A UPRN is 1 to 12 digits.

    Policy: "Council representatives may be required to undertake visits to the home /
    community as part of their role".
    """
    for bad in ("", "1234567890123", "12a"):
        with refused("UPRN"):
            proposed_property(uprn=bad)
    assert proposed_property(uprn="1").uprn == "1"


def test_property_owner_not_notified_reason() -> None:
    """A property risk records why the owner is not notified.

    Policy: "Restrictions on properties can be added to the UCBR without notifying the owner of
    the property."
    """
    with refused("why the owner is not notified"):
        proposed_property(not_notified_reason=None)


def test_special_category_risk_needs_condition() -> None:
    """A special-category risk needs a stated condition.

    Policy: "The quantity of personal data added to the UCBR will be limited to what the
    Council considers necessary to meet the stated purposes of the UCBR."
    """
    with refused("mental_health is special-category data"):
        proposed_property(risks=("mental_health",))
    assert proposed_property(risks=("mental_health",), condition="Vital interests of staff.")


def test_property_risk_needs_approval() -> None:
    """A property risk needs approval by a manager who did not propose it.

    Policy: "must be reviewed and approved by the relevant business manager / Head of Service."
    """
    p = proposed_property()
    assert p.decision.status == "proposed" and not views.property_entry_of(p).in_force
    with refused("the role case_officer may not approve"):
        policy.approve_property(p, ctx("officer2"))
    with refused("you proposed this property risk"):
        policy.approve_property(proposed_property(ctx=ctx("manager")), ctx("manager"))
    rejected = policy.reject_property(p, "Not enough evidence.", ctx("manager"))
    assert rejected.decision.status == "rejected"


def test_property_risk_has_no_end_date_but_is_reviewed() -> None:
    """A property risk has no end date but is reviewed six-monthly.

    Policy: "Restrictions on properties do not require defined timescales as they can be left on
    indefinitely if the risk continues to exist".
    """
    p = policy.approve_property(proposed_property(), ctx("manager"))
    assert p.decision.status == "approved" and p.decision.ended_on is None
    assert p.next_review == policy.add_months(TODAY, 6)
    day = TODAY + dt.timedelta(days=200)
    p = policy.review_property(p, "continue", "Dog still there.", ctx(today=day))
    assert p.reviews[-1].late and p.next_review == policy.add_months(day, 6)


def test_property_review_vary_and_lift() -> None:
    """A property review may vary (with approval) or lift the risk.

    Policy: "Restrictions on properties do not require defined timescales as they can be left on
    indefinitely if the risk continues to exist".
    """
    p = policy.approve_property(proposed_property(), ctx("manager"))
    with refused("needs its new terms"):
        policy.review_property(p, "vary", "Dog gone, weapons found.", ctx())
    p = policy.review_property(p, "vary", "Dog gone.", ctx(), {"risks": ("weapons",)})
    assert p.risks == ("dangerous_animal",) and p.proposal is not None
    p = policy.approve_property(p, ctx("head"))
    assert p.risks == ("weapons",) and p.proposal is None
    with refused("reasons"):
        policy.review_property(p, "lift", " ", ctx())
    p = policy.review_property(p, "lift", "Household moved away.", ctx())
    assert p.decision.status == "lifted" and not views.property_entry_of(p).in_force


def test_refusals_name_no_personal_data() -> None:
    """A refusal line holds ids and rule names, never personal data.

    Policy: "All details on UCBR are strictly confidential."
    """
    case, incident = case_with_warnings(1)
    with refused("refused") as caught:
        policy.escalate(case, restricting_req((incident.id,)), ctx())
    no_personal_data(str(caught.value))
    with refused("a behaviour given is not in the policy's list") as caught:
        policy.record_incident(case, incident_req(behaviours=(PERSON.name,)), ctx())
    no_personal_data(str(caught.value))
    req = policy.EscalationRequest(to="verbal_warning", incidents=(PERSON.name,), note="Asked.")
    with refused("incident given is not in case") as caught:
        policy.escalate(case, req, ctx())
    no_personal_data(str(caught.value))
