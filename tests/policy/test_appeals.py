"""Appeals: within one month, to an officer not involved, the entry kept meanwhile.

One test per rule of the council's policy, each quoting the sentence it enforces.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.policy_helpers import (
    CFG,
    LATER,
    POLICY_HASH,
    STAFF,
    TODAY,
    bypassing,
    ctx,
    issue_letter,
    make_case,
    make_incident,
    refused,
    registered_case,
    restricting_req,
    serious_incident,
    warn,
)
from ucbr.domain import faults, policy, views
from ucbr.domain.model import Case, Decision, Restriction
from ucbr.domain.staff import StaffDirectory
from ucbr.domain.words import long_date
from ucbr.services.letters import render_letter

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


# --- an appeal decided "varied" -------------------------------------------------------------


def varied_on_appeal() -> tuple[Case, Decision, Decision]:
    """A formal warning (letter only) approved by ``manager`` and told; appealed; varied by
    ``head`` to add contact times and new essential services; approved by ``manager2``."""
    case, original = registered_case()
    case = issue_letter(case, "formal-warning", original.id, TODAY)
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    hours = Restriction(kind="contact_times", days=("mon", "thu"), hours="09:00-12:00")
    terms = policy.EscalationRequest(
        restrictions=(hours,), essential_services="Housing benefit by telephone on Mondays."
    )
    case, _ = policy.decide_appeal(
        case, "varied", "Too broad.", ctx("head", LATER), variation=terms
    )
    case, varied = policy.approve(case, ctx("manager2", LATER))
    return case, original, varied


def test_a_variation_starts_from_the_decision_in_force() -> None:
    """The appeal's variation names only what changes: the letter-only restriction, the
    considerations and the review date carry over; --end ends a kind.

    Policy: "The UCBR entry and restrictions remain in place until the outcome of the appeal is
    decided."
    """
    case, original, varied = varied_on_appeal()
    assert [r.kind for r in varied.restrictions] == ["single_channel", "contact_times"]
    assert varied.considerations == original.considerations
    assert varied.essential_services == "Housing benefit by telephone on Mondays."
    assert varied.review_by == original.review_by
    assert varied.varied_by == case.appeals[-1].id
    with refused("has no premises_ban restriction to end"):
        current = views.decision_in_force(case)
        assert current is not None
        policy.review(
            case,
            policy.ReviewRequest(
                outcome="vary",
                reasons="Calmer.",
                variation=policy.EscalationRequest(end=("premises_ban",)),
            ),
            ctx(today=LATER),
        )


def test_after_an_appeal_varied_the_appeal_process_is_over() -> None:
    """After a varied appeal: no formal-warning letter is owed for the variation (the
    appeal-outcome letter tells it, once approved), no new appeal is lodged, and any letter
    about the variation says the appeal process has ended, never offering a new window.

    Policy: "You have the right to appeal the decision to be added to the UCBR ... within one
    month of the decision made".
    """
    case, _, varied = varied_on_appeal()
    appeal = case.appeals[-1]
    assert views.letters_owed(case) == [("appeal-outcome", LATER, appeal.id)]
    assert not [p for p in faults.case_problems(case, CFG, LATER + dt.timedelta(days=200))
                if "formal-warning" in p.message]  # fmt: skip
    with refused(f"made on appeal {appeal.id}: that was the end"):
        policy.lodge_appeal(case, LATER, None, ctx(today=LATER))
    letter = render_letter(case, "formal-warning", "md", CFG, POLICY_HASH, STAFF, LATER)
    words = " ".join(letter.content.decode().split())
    assert f"Your appeal was decided on {long_date(LATER)}. That was the end" in words
    assert "You can appeal against this decision" not in words
    assert letter.about == varied.id


def test_a_decided_appeal_ends_the_appeal_process_even_when_its_variation_is_rejected() -> None:
    """An appeal decided "varied" whose variation is then rejected leaves the original in
    force, and its one appeal spent: letters say the appeal process has ended, and a second
    appeal is refused, by the same rule.

    Policy: "You have the right to appeal the decision to be added to the UCBR ... within one
    month of the decision made".
    """
    case, original = registered_case()
    case = issue_letter(case, "formal-warning", original.id, TODAY)
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    hours = Restriction(kind="contact_times", days=("mon",), hours="09:00-12:00")
    terms = policy.EscalationRequest(restrictions=(hours,))
    case, _ = policy.decide_appeal(
        case, "varied", "Too broad.", ctx("head", TODAY), variation=terms
    )
    case, _ = policy.reject(case, "The restriction is right as it is.", ctx("manager2", TODAY))
    assert views.decision_in_force(case) == original
    appeal = case.appeals[-1]
    with refused(f"made on appeal {appeal.id}: that was the end"):
        policy.lodge_appeal(case, TODAY, None, ctx())
    letter = render_letter(case, "upcoming-review", "md", CFG, POLICY_HASH, STAFF, TODAY)
    words = " ".join(letter.content.decode().split())
    assert "You can appeal against this decision" not in words
    assert "That was the end of our appeal process" in words


def test_the_appeal_outcome_letter_states_the_new_terms() -> None:
    """The appeal-outcome letter gives the varied restrictions and essential services, not the
    decision that was appealed.

    Policy: "The UCBR will provide your personal details and the nature and duration of the
    restriction in place".
    """
    case, original, _ = varied_on_appeal()
    letter = render_letter(case, "appeal-outcome", "md", CFG, POLICY_HASH, STAFF, LATER)
    words = " ".join(letter.content.decode().split())
    # The new restriction is in place from the variation; the one carried over, from before.
    assert "only on Mondays and Thursdays, 09:00 to 12:00 (in place since" in words
    assert f"Please contact us only by letter (in place since {long_date(TODAY)})." in words
    assert "Housing benefit by telephone on Mondays." in words
    assert original.essential_services is not None
    assert original.essential_services not in words
    assert "This is the end of our appeal process." in words


def test_a_varied_appeal_says_the_variation_needs_approval_and_by_whom() -> None:
    """Deciding "varied" proposes the variation; who may approve it is named, and when no one
    in the directory may (a small council), the message says so and what to do.

    Policy: "it will be considered by an Officer who was not involved in the original decision
    to restrict access."
    """
    case, _ = registered_case()
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    hours = Restriction(kind="contact_times", days=("mon",), hours="09:00-12:00")
    terms = policy.EscalationRequest(restrictions=(hours,))
    case, _ = policy.decide_appeal(case, "varied", "Too broad.", ctx("head"), variation=terms)
    proposal = views.pending_proposal(case)
    assert proposal is not None
    assert policy.who_may_approve(case, proposal, STAFF) == "one of: manager2, head2"
    small = StaffDirectory(staff=[m for m in STAFF.staff if m.id not in ("manager2", "head2")])
    assert policy.who_may_approve(case, proposal, small).startswith("nobody in the staff")


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("approved_on", "deadline"),
    [
        (dt.date(2026, 1, 31), dt.date(2026, 3, 2)),  # 28 February 2026 is a Saturday
        (dt.date(2026, 3, 6), dt.date(2026, 4, 7)),  # 6 April 2026 is Easter Monday
        (dt.date(2026, 11, 28), dt.date(2026, 12, 29)),  # 28 December 2026: Boxing Day moved
        (dt.date(2026, 2, 25), dt.date(2026, 3, 25)),  # a Wednesday: unchanged
    ],
)
def test_an_appeal_deadline_on_a_day_off_moves_to_the_next_working_day(
    approved_on: dt.date, deadline: dt.date
) -> None:
    """A month from the decision, moved past a weekend or bank holiday; lodging by then is on
    time, the day after is late.

    Policy: "You have the right to appeal the decision to be added to the UCBR ... within one
    month of the decision made".
    """
    case, approved = registered_case()
    decision = approved.model_copy(update={"approved_on": approved_on})
    case = case.model_copy(update={"decisions": (*case.decisions[:-1], decision)})
    assert policy.appeal_deadline(case, decision, CFG, approved_on, tells_decision=False) == (
        deadline,
        None,
    )
    _, appeal = policy.lodge_appeal(case, deadline, None, ctx(today=deadline))
    assert appeal.late_reason is None
    after = deadline + dt.timedelta(days=1)
    with refused(f"after the deadline \\({deadline}\\)"):
        policy.lodge_appeal(case, after, None, ctx(today=after))


def test_a_warning_cannot_be_appealed() -> None:
    """A warning restricts nothing, so there is no appeal against it: lodging one is refused
    and its letters give the complaints route instead.

    Policy: "You have the right to appeal the decision to be added to the UCBR".
    """
    case, incident = make_incident(make_case())
    case = warn(case, "verbal_warning", incident.id)
    with refused("no restriction in force to appeal against"):
        policy.lodge_appeal(case, TODAY, None, ctx())
    letter = render_letter(case, "verbal-warning-note", "md", CFG, POLICY_HASH, STAFF, TODAY)
    words = " ".join(letter.content.decode().split())
    assert "so there is no appeal against it" in words and "complaints procedure" in words
    assert "You can appeal" not in words
