"""One description of what is in force: the entry staff read and every letter the person gets
are written from the same facts of the same restriction, so they cannot disagree.

For every kind of restriction, the facts that define it (channel, days, hours, address,
premises, the single point of contact, topic, words, end date) are in the register entry
and in each letter that states the restrictions in force.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.policy_helpers import (
    CFG,
    POLICY_HASH,
    STAFF,
    TODAY,
    case_with_warnings,
    ctx,
    issue_letter,
    restricting_req,
)
from ucbr.domain import policy, views
from ucbr.domain.model import Case, Restriction
from ucbr.domain.words import long_date
from ucbr.services.letters import render_letter

UNTIL = TODAY + dt.timedelta(days=90)
# One restriction of each kind, and the facts of it both the entry and the letters must give.
KINDS: dict[str, tuple[Restriction, tuple[str, ...]]] = {
    "single_channel": (Restriction(kind="single_channel", channel="letter"), ("by letter",)),
    "contact_times": (
        Restriction(kind="contact_times", days=("tue", "fri"), hours="10:00-12:30"),
        ("Tuesdays and Fridays", "10:00 to 12:30"),
    ),
    "designated_email": (
        Restriction(kind="designated_email", email="contact-point@example.gov.uk"),
        ("contact-point@example.gov.uk",),
    ),
    "premises_ban": (
        Restriction(kind="premises_ban", premises="Woodgreen reception", until=UNTIL),
        ("Woodgreen reception", long_date(UNTIL)),
    ),
    "single_point_of_contact": (
        Restriction(kind="single_point_of_contact", staff="officer2"),
        ("single point of contact",),
    ),
    "no_further_responses": (
        Restriction(kind="no_further_responses", topic="the 2019 parking fine"),
        ("the 2019 parking fine",),
    ),
    "other": (
        Restriction(kind="other", description="Do not send parcels to council staff"),
        ("Do not send parcels to council staff",),
    ),
}
LETTERS = ("formal-warning", "upcoming-review")


def in_force(restriction: Restriction) -> Case:
    """A case whose formal written warning, in force, holds just ``restriction``."""
    case, incident = case_with_warnings()
    req = restricting_req((incident.id,), restrictions=(restriction,))
    case, _ = policy.escalate(case, req, ctx("officer"))
    case, decision = policy.approve(case, ctx("manager"))
    return issue_letter(case, "formal-warning", decision.id)


@pytest.mark.parametrize("letter", LETTERS)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_entry_and_each_letter_state_the_same_restriction(kind: str, letter: str) -> None:
    """Whatever the kind, each fact of the restriction in force is in the entry staff read
    and in the letter the person gets; the single point of contact is the same officer."""
    restriction, facts = KINDS[kind]
    case = in_force(restriction)
    entry = views.entry_of(case)
    staff_words = " ".join(r.plain for r in entry.restrictions)
    rendered = render_letter(case, letter, "md", CFG, POLICY_HASH, STAFF, TODAY)  # type: ignore[arg-type]
    person_words = " ".join(rendered.content.decode().split())
    for fact in facts:
        assert fact in staff_words, (fact, staff_words)
        assert fact in person_words, (fact, person_words)
    if restriction.staff is not None:
        member = STAFF.by_id(restriction.staff)
        assert member is not None
        assert entry.single_point_of_contact == member.id
        assert member.name in person_words
    decided = views.decision_in_force(case)
    assert decided is not None
    started = long_date(decided.approved_on or TODAY)
    assert all(r.start == decided.approved_on for r in entry.restrictions)
    assert f"They apply from {started}" in person_words
