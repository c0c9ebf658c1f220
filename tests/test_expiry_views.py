"""What is in force on a day (ucbr.domain.expiry) reads the same from the record, the entry
frontline sees and the schedule the morning job sees, whatever the end dates and the day."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.policy_helpers import CFG, STAFF, TODAY, case_with_warnings, ctx, restricting_req
from ucbr.domain import expiry, policy, views
from ucbr.domain.faults import conflicts_standing
from ucbr.domain.letters.parts import restriction_terms
from ucbr.domain.model import Case, Decision, Restriction

KINDS = (
    Restriction(kind="single_channel", channel="letter"),
    Restriction(kind="contact_times", days=("mon",), hours="09:00-12:00"),
    Restriction(kind="premises_ban", premises="the Civic Centre"),
    Restriction(kind="no_further_responses", topic="the 2019 parking fine"),
)
ENDS = st.one_of(st.none(), st.integers(min_value=0, max_value=90))


@settings(max_examples=40, deadline=None)
@given(
    ends=st.lists(ENDS, min_size=1, max_size=len(KINDS)),
    offset=st.integers(min_value=-5, max_value=120),
)
def test_the_record_the_entry_and_the_schedule_agree_on_any_day(
    ends: list[int | None], offset: int
) -> None:
    """For restrictions ending on any days and any day asked about: the entry as it stands
    shows exactly the restrictions the record has in force; the case is on the register by
    the entry, the schedule and the record alike; no review is due once all have ended."""
    terms = tuple(
        kind.model_copy(update={"until": None if e is None else TODAY + dt.timedelta(days=e)})
        for kind, e in zip(KINDS, ends, strict=False)
    )
    case, incident = case_with_warnings()
    case, _ = policy.escalate(case, restricting_req((incident.id,), restrictions=terms), ctx())
    case, decision = policy.approve(case, ctx("manager"))
    day = TODAY + dt.timedelta(days=offset)
    entry = expiry.entry_on(views.entry_of(case), day)
    schedule = expiry.schedule_on(views.schedule_of(case, CFG), day)
    in_force = expiry.in_force(case, day)
    kept = expiry.as_on(decision, day).restrictions if in_force is not None else ()
    assert [r.detail for r in entry.restrictions] == list(kept)
    assert entry.on_register == schedule.on_register == expiry.on_register_on(case, day)
    assert (in_force is None) == expiry.has_ended(decision, day)
    reviews = [i for i in schedule.items if i.what == "restriction_review"]
    assert not (reviews and in_force is None)
    assert (schedule.status == expiry.ENDED) == (in_force is None)


def test_a_letter_is_never_owed_before_its_day() -> None:
    """The restriction-ended letter is carried in the schedule from the start, but owed (and
    listed) only from the first day the restrictions no longer apply."""
    ends = TODAY + dt.timedelta(days=30)
    case, incident = case_with_warnings()
    terms = (KINDS[0].model_copy(update={"until": ends}),)
    case, _ = policy.escalate(case, restricting_req((incident.id,), restrictions=terms), ctx())
    case, _ = policy.approve(case, ctx("manager"))
    schedule = views.schedule_of(case, CFG)
    first_day = ends + dt.timedelta(days=1)
    assert ("letter", first_day) in {(i.what, i.due) for i in schedule.items}
    before = expiry.schedule_on(schedule, ends)
    assert not any(i.detail == "restriction-ended" for i in before.items)
    owed = [kind for kind, _, _ in expiry.letters_owed_on(case, ends)]
    assert "restriction-ended" not in owed
    assert ("restriction-ended", first_day) in [
        (kind, due) for kind, due, _ in expiry.letters_owed_on(case, first_day)
    ]


def _banned_until(days: int) -> tuple[Case, Decision]:
    """A case with set contact times (no end) and banned from the Civic Centre until ``days``
    from today."""
    ban = KINDS[2].model_copy(update={"until": TODAY + dt.timedelta(days=days)})
    case, incident = case_with_warnings()
    req = restricting_req((incident.id,), restrictions=(KINDS[1], ban))
    case, _ = policy.escalate(case, req, ctx())
    case, _ = policy.approve(case, ctx("manager"))
    return case, case.decisions[-1]  # the very item, as a letter reads it


def test_a_letter_states_only_the_restrictions_that_still_apply() -> None:
    """The upcoming-review letter, written after the premises ban ended, asks nothing of the
    person about the premises: only the restriction still in force is stated."""
    case, decision = _banned_until(10)
    later = TODAY + dt.timedelta(days=20)
    then = restriction_terms(case, decision, STAFF, CFG)
    now = restriction_terms(case, decision, STAFF, CFG, later)
    assert len(then["measures"]) == 2
    assert len(now["measures"]) == 1 and "Mondays" in now["measures"][0]


def test_an_adjustment_conflicts_only_with_a_restriction_still_in_force() -> None:
    """An adjustment to meet us face to face conflicts with the premises ban while it
    applies (a review is owed), and with nothing once the ban has reached its end date."""
    case, _ = _banned_until(10)
    later = TODAY + dt.timedelta(days=20)
    during = policy.add_adjustment(case, "needs_face_to_face", None, ctx(today=TODAY))
    assert [c.restriction.kind for c in conflicts_standing(during, TODAY)] == ["premises_ban"]
    after = policy.add_adjustment(case, "needs_face_to_face", None, ctx(today=later))
    assert conflicts_standing(after, later) == []
