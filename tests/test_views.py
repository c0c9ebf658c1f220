"""The derived sections (schedule, entry) and the fault patterns that `check` reports."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.policy_helpers import (
    CFG,
    PERSON,
    STAFF,
    TODAY,
    case_with_warnings,
    ctx,
    make_case,
    make_incident,
    new_id,
    proposed_case,
    proposed_property,
    registered_case,
)
from ucbr.domain import invariants, policy, views
from ucbr.domain.dates import working_day_from, working_days_after
from ucbr.domain.faults import LETTER_GRACE_DAYS, case_problems, property_problems
from ucbr.domain.invariants import Facts
from ucbr.domain.model import Case, Decision, LetterIssued, Person, Restriction
from ucbr.domain.problems import Problem

LIFT = policy.ReviewRequest(
    outcome="lift", reasons="Behaviour has changed.", significant_change=True
)


def messages(problems: list[Problem]) -> list[str]:
    """The problems' messages, each naming the file it was found in."""
    assert all(p.path.endswith(f"{p.id}.yaml") for p in problems)
    return [p.message for p in problems]


def letter(kind: str, day: dt.date, about: str | None) -> LetterIssued:
    return LetterIssued.model_validate(
        {
            "id": new_id("L"),
            "kind": kind,
            "date": day,
            "about": about,
            "format": "pdf",
            "template_sha256": "0" * 64,
            "sha256": "1" * 64,
            "by": "officer",
            "policy": "0123456789ab",
        }
    )


@settings(max_examples=40, deadline=None)
@given(
    first=st.text(alphabet=st.characters(categories=("L",)), min_size=3, max_size=15),
    last=st.text(alphabet=st.characters(categories=("L",)), min_size=3, max_size=15),
    email_user=st.from_regex(r"[a-z]{3}[0-9]{4}[a-z]{3}", fullmatch=True),
)
def test_schedule_holds_no_personal_data(first: str, last: str, email_user: str) -> None:
    """The schedule, read by the scheduler key, never holds a name or e-mail address."""
    name = f"{first} {last}"
    person = Person(name=name, emails=(f"{email_user}@example.com",), address=f"{name} House")
    case, _ = proposed_case()
    case = case.model_copy(update={"person": person})
    case, _ = policy.approve(case, ctx("manager"))
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    schedule = views.schedule_of(case, CFG).model_dump_json()
    assert name not in schedule
    assert email_user not in schedule
    assert views.entry_of(case).person == person


def test_entry_holds_person_only_on_register() -> None:
    """A person with incidents but no restriction in force is not on the register."""
    case, _ = case_with_warnings()
    entry = views.entry_of(case)
    assert not entry.on_register and entry.person is None and entry.restrictions == ()


def test_entry_content_on_register() -> None:
    """The entry holds the person, each restriction in plain words, the SPOC and review date."""
    case, incident = case_with_warnings()
    restrictions = (
        Restriction(kind="single_channel", channel="letter"),
        Restriction(kind="single_point_of_contact", staff="officer2"),
        Restriction(kind="premises_ban", premises="Town Hall"),
    )
    req = policy.EscalationRequest(
        to="formal_written_warning",
        incidents=(incident.id,),
        considerations="Considered.",
        restrictions=restrictions,
        essential_services="Housing benefit by letter.",
        review_by=TODAY + dt.timedelta(days=60),
    )
    case, _ = policy.escalate(case, req, ctx())
    case = policy.add_adjustment(case, "needs_large_print", None, ctx())
    case, _decision = policy.approve(case, ctx("manager"))
    entry = views.entry_of(case)
    assert entry.on_register and entry.person == PERSON
    assert entry.step == "formal_written_warning"
    assert [r.kind for r in entry.restrictions] == [r.kind for r in restrictions]
    assert "Contact only by letter" in entry.restrictions[0].plain
    assert all(r.start == TODAY and r.scope == "Waste" for r in entry.restrictions)
    assert entry.single_point_of_contact == "officer2"
    assert entry.essential_services == "Housing benefit by letter."
    assert entry.review_date == TODAY + dt.timedelta(days=60)
    assert entry.adjustments == ("needs_large_print",)
    assert not entry.appeal_in_progress
    assert "summary" not in entry.model_dump_json()


def test_schedule_items() -> None:
    """The schedule lists the review, a pending approval, an appeal to decide and letters owed.

    A proposal is due for a decision five working days after it is made (step 3 waits for
    the informal warning's letter, so none is owed by then).
    """
    case, _proposal = proposed_case()
    items = views.schedule_of(case, CFG).items
    assert [(i.what, i.due, i.detail) for i in items] == [
        ("approval", working_days_after(TODAY, 5), "formal_written_warning " + _proposal.id),
    ]
    case, decision = policy.approve(case, ctx("manager"))
    case, appeal = policy.lodge_appeal(case, TODAY, None, ctx())
    schedule = views.schedule_of(case, CFG)
    whats = {(i.what, i.due, i.detail) for i in schedule.items}
    assert ("restriction_review", decision.review_by, decision.id) in whats
    assert ("appeal_decision", working_day_from(policy.add_months(TODAY, 1)), appeal.id) in whats
    assert ("letter", TODAY, "formal-warning") in whats
    assert schedule.status == "appeal_pending" and schedule.on_register
    case = policy.record_letter(case, letter("formal-warning", TODAY, decision.id))
    assert "letter" not in {i.what for i in views.schedule_of(case, CFG).items}


def test_restriction_ended_letter_owed_until_issued() -> None:
    """A restriction-ended letter stays owed until one dated on or after the end is issued.

    DOMAIN: "person not told the restriction had ended" (LGSCO 21 002 029).
    """
    case, decision = registered_case()
    case = policy.record_letter(case, letter("formal-warning", TODAY, decision.id))
    day = TODAY + dt.timedelta(days=30)
    case, _ = policy.review(case, LIFT, ctx(today=day))
    items = views.schedule_of(case, CFG).items
    assert [(i.what, i.due, i.detail) for i in items] == [("letter", day, "restriction-ended")]
    early = policy.record_letter(case, letter("restriction-ended", TODAY, decision.id))
    assert views.schedule_of(early, CFG).items == items
    case = policy.record_letter(case, letter("restriction-ended", day, decision.id))
    assert views.schedule_of(case, CFG).items == ()


def test_status_of_follows_the_ladder() -> None:
    """The status names where the case stands on the ladder."""
    case, _incident = make_incident(make_case())
    assert views.status_of(make_case()) == "opened"
    assert views.status_of(case) == "incident_only"
    case, _ = case_with_warnings(1)
    assert views.status_of(case) == "verbal_warning"
    case, _ = proposed_case()
    assert views.status_of(case) == "proposed"
    case, _ = policy.approve(case, ctx("manager"))
    assert views.status_of(case) == "on_register"


def test_property_entry_never_shows_details() -> None:
    """A property entry shows the risk kinds and guidance, never the details."""
    p = proposed_property()
    assert views.property_entry_of(p).address is None
    p = policy.approve_property(p, ctx("manager"))
    entry = views.property_entry_of(p)
    assert entry.in_force and entry.risks == ("dangerous_animal",) and entry.guidance
    assert p.details is not None and p.details not in entry.model_dump_json()
    schedule = views.property_schedule_of(p)
    assert [(i.what, i.due) for i in schedule.items] == [("property_review", p.next_review)]
    assert p.address not in schedule.model_dump_json()


# --- fault patterns: one test each -----------------------------------------------------------


def test_problem_review_overdue() -> None:
    """An overdue review is flagged.

    DOMAIN: "review held two years late" (LGSCO 20 006 664).
    """
    case, decision = registered_case()
    case = policy.record_letter(case, letter("formal-warning", TODAY, decision.id))
    assert decision.review_by is not None
    assert messages(case_problems(case, CFG, decision.review_by)) == []
    problems = messages(case_problems(case, CFG, decision.review_by + dt.timedelta(days=1)))
    assert problems == [
        f"{case.id}: restriction review overdue since {decision.review_by} (1 days)"
    ]


def test_problem_restriction_ended_without_letter() -> None:
    """A restriction ended with no restriction-ended letter is flagged after a grace period.

    DOMAIN: "person not told the restriction had ended" (LGSCO 21 002 029).
    """
    case, decision = registered_case()
    case = policy.record_letter(case, letter("formal-warning", TODAY, decision.id))
    case, _ = policy.review(case, LIFT, ctx())
    late = TODAY + dt.timedelta(days=LETTER_GRACE_DAYS + 1)
    assert messages(case_problems(case, CFG, TODAY)) == []
    assert any("no restriction-ended letter" in p for p in messages(case_problems(case, CFG, late)))
    case = policy.record_letter(case, letter("restriction-ended", TODAY, decision.id))
    assert messages(case_problems(case, CFG, late)) == []


def test_problem_restriction_in_force_without_letter() -> None:
    """A restriction in force with no letter is flagged after a grace period.

    DOMAIN: "letter did not explain the decision" (LGSCO 20 006 664).
    """
    case, decision = registered_case()
    late = TODAY + dt.timedelta(days=LETTER_GRACE_DAYS + 1)
    problems = messages(case_problems(case, CFG, late))
    assert problems == [
        f"{case.id}: decision {decision.id} in force since {TODAY} with no formal-warning letter: "
        "the person has not been told of the restriction or how to appeal"
    ]


def test_problem_step_skipped_without_serious_incident() -> None:
    """A step skipped without relying on an incident of violence or a serious threat (the
    policy's behaviours, not the reporter's flag) is flagged.

    DOMAIN: "ban with no proper warning first" (LGSCO 24 000 202).
    """
    case, incident = make_incident(make_case())
    hand_made = Decision(
        id=new_id("D"),
        step="formal_written_warning",
        incidents=(incident.id,),
        considerations="x",
        restrictions=(Restriction(kind="single_channel", channel="letter"),),
        essential_services="x",
        scope="Waste",
        review_by=TODAY,
        proposed_by="officer",
        proposed_on=TODAY,
        status="proposed",
        policy="0123456789ab",
    )
    case = case.model_copy(update={"decisions": (hand_made,)})

    def ladder(found: Case) -> list[str]:
        judged = invariants.judge_all(invariants.CASE, None, found, Facts(CFG, STAFF))
        return [m for m in judged if m.endswith("[ladder-followed]")]

    assert ladder(case) == [
        f"decision {hand_made.id} (formal_written_warning): step 1 (verbal_warning) has not "
        "been given; steps 1 and 2 are bypassed only in the case of violence or serious "
        "threats: name the incident you rely on (--bypass) and why (--bypass-reason) "
        "[ladder-followed]"
    ]
    flagged = case.incidents[0].model_copy(update={"serious": True})
    bypass = hand_made.model_copy(
        update={"bypass_incident": incident.id, "bypass_reason": "Threatened staff."}
    )
    still = case.model_copy(update={"incidents": (flagged,), "decisions": (bypass,)})
    assert len(ladder(still)) == 1  # abuse flagged serious is not violence
    violent = flagged.model_copy(update={"behaviours": ("physically_aggressive",)})
    fixed = case.model_copy(update={"incidents": (violent,), "decisions": (bypass,)})
    assert ladder(fixed) == []


def test_problem_no_appeal_route_offered() -> None:
    """A restriction never put in a letter, nor appealed, is flagged.

    DOMAIN: "no review of, or appeal against, a restriction offered" (LGSCO 21 001 276).
    """
    case, decision = registered_case()
    case, _ = policy.review(case, LIFT, ctx())
    case = policy.record_letter(case, letter("restriction-ended", TODAY, decision.id))
    assert messages(case_problems(case, CFG, TODAY)) == [
        f"{case.id}: decision {decision.id} had no formal-warning letter, "
        "so no appeal route was offered"
    ]
    case, decision = registered_case()
    case, _ = policy.lodge_appeal(case, TODAY, None, ctx())
    case, _ = policy.decide_appeal(case, "upheld", "Proportionate.", ctx("head"))
    case, _ = policy.review(case, LIFT, ctx())
    case = policy.record_letter(case, letter("restriction-ended", TODAY, decision.id))
    assert messages(case_problems(case, CFG, TODAY)) == []


def test_problem_property_review_overdue() -> None:
    """An overdue property review is flagged.

    Policy: "All restrictions will be reviewed on a six-monthly basis".
    """
    p = policy.approve_property(proposed_property(), ctx("manager"))
    assert p.next_review is not None
    assert messages(property_problems(p, CFG, p.next_review)) == []
    assert messages(property_problems(p, CFG, p.next_review + dt.timedelta(days=2))) == [
        f"{p.id}: property review overdue since {p.next_review} (2 days)"
    ]
