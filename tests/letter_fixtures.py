"""Fictional cases, built straight from the model, with the facts each letter needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ucbr.domain.model import (
    Adjustment,
    Appeal,
    Case,
    Decision,
    DecisionStatus,
    FoiRecord,
    Incident,
    Person,
    Restriction,
    Review,
)
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory, StaffMember

POLICY = "a1b2c3d4e5f6"
TODAY = dt.date(2026, 3, 3)
COUNCIL = "West Oxfordshire District Council (demo)"
PRIVACY = "https://www.westoxon.gov.uk/support/privacy-and-data/service-privacy-notices/"
ESSENTIAL = "You can still reach council tax and housing benefit by letter to the council offices."

CFG = PolicyConfig(
    council=COUNCIL,
    council_address="Council Offices, Woodgreen, Witney OX28 1NB",
    privacy_notice_url=PRIVACY,
    essential_services="Essential services stay open by letter to the council offices.",
)


def _member(staff_id: str, name: str, role: str) -> StaffMember:
    return StaffMember.model_validate(
        {
            "id": staff_id,
            "name": name,
            "email": f"{staff_id}@example.gov.uk",
            "role": role,
            "recipients": ["age1demo"],
        }
    )


STAFF = StaffDirectory(
    staff=[
        _member("officer1", "Olive Officer", "case_officer"),
        _member("reporter1", "Ravi Reporter", "frontline"),
        _member("manager1", "Maya Manager", "manager"),
        _member("spoc1", "Sam Pointer", "case_officer"),
        _member("head1", "Hana Head", "head_of_service"),
    ]
)
SPOC_NAME = "Sam Pointer"

PERSON = Person(name="Alex Example", address="1 Demo Street, Witney", postcode="OX28 9ZZ")

PHONE_CALL = Incident(
    id="I-0000000A",
    date=dt.date(2026, 1, 5),
    channel="telephone",
    location="community",
    category="A",
    behaviours=("abusive", "threatening_language"),
    summary="INTERNAL NARRATIVE: caller shouted at the officer about the bin collection.",
    reported_by="reporter1",
    recorded_on=dt.date(2026, 1, 5),
    service="Waste",
)
RECEPTION = Incident(
    id="I-0000000B",
    date=dt.date(2026, 1, 20),
    channel="face_to_face",
    location="council_premises",
    category="A",
    behaviours=("physically_aggressive",),
    summary="INTERNAL NARRATIVE: pushed a chair towards staff at reception.",
    serious=True,
    reported_by="reporter1",
    recorded_on=dt.date(2026, 1, 20),
    service="Customer Services",
)
SUMMARIES = (PHONE_CALL.summary, RECEPTION.summary)

RESTRICTIONS = (
    Restriction(kind="single_channel", channel="email"),
    Restriction(kind="contact_times", days=("tue", "thu"), hours="10:00-12:00"),
    Restriction(kind="designated_email", email="ucb-contact@example.gov.uk"),
    Restriction(kind="premises_ban", premises="Elmfield reception", until=dt.date(2026, 7, 31)),
    Restriction(kind="single_point_of_contact", staff="spoc1"),
)


def decision(
    decision_id: str,
    step: str,
    status: DecisionStatus,
    **extra: object,
) -> Decision:
    """A decision relying on both incidents, approved by the manager when it has been."""
    approved = status in ("approved", "superseded", "lifted", "overturned")
    fields: dict[str, object] = {
        "id": decision_id,
        "step": step,
        "incidents": (PHONE_CALL.id, RECEPTION.id),
        "scope": "council-wide",
        "proposed_by": "officer1",
        "proposed_on": dt.date(2026, 2, 20),
        "status": status,
        "policy": POLICY,
    }
    if step in ("formal_written_warning", "contact_refused"):
        fields |= {
            "restrictions": RESTRICTIONS,
            "essential_services": ESSENTIAL,
            "review_by": dt.date(2026, 8, 25),
            "considerations": "Protected characteristics and at-risk factors considered.",
        }
    if approved:
        fields |= {"approved_by": "manager1", "approved_on": dt.date(2026, 2, 25)}
    return Decision.model_validate(fields | extra)


VERBAL = decision(
    "D-00000001",
    "verbal_warning",
    "recorded",
    incidents=(PHONE_CALL.id,),
    proposed_on=dt.date(2026, 1, 6),
    note="Asked to stop shouting.",
)
INFORMAL = decision(
    "D-00000002", "informal_written_warning", "recorded", proposed_on=dt.date(2026, 2, 1)
)
FORMAL = decision("D-00000003", "formal_written_warning", "approved")
PROPOSED_FORMAL = decision("D-00000003", "formal_written_warning", "proposed")
REFUSED = decision(
    "D-00000004",
    "contact_refused",
    "approved",
    restrictions=(*RESTRICTIONS, Restriction(kind="no_further_responses", topic="bin collections")),
)
PROPOSED_REFUSED = decision("D-00000004", "contact_refused", "proposed")

REVIEW = Review(
    id="R-00000001",
    decision=FORMAL.id,
    date=dt.date(2026, 3, 1),
    due=dt.date(2026, 8, 25),
    late=False,
    outcome="continue",
    reasons="No evident change in the behaviour since the restriction began.",
    next_review=dt.date(2026, 9, 1),
    by="head1",
    status="approved",
    approved_by="manager1",
    approved_on=dt.date(2026, 3, 1),
    policy=POLICY,
)
APPEAL = Appeal(
    id="A-00000001",
    decision=FORMAL.id,
    received=dt.date(2026, 2, 27),
    lodged_by="officer1",
    policy=POLICY,
)
DECIDED_APPEAL = APPEAL.model_copy(
    update={
        "outcome": "upheld",
        "reasons": "The restrictions are proportionate to the behaviour recorded.",
        "decided_by": "head1",
        "decided_on": dt.date(2026, 3, 2),
    }
)
FOI = FoiRecord(
    id="F-00000001",
    request_ref="FOI-2026-0042",
    received=dt.date(2026, 2, 10),
    decision="s14-1",
    reasons="The request would impose a grossly oppressive burden on the service.",
    due=dt.date(2026, 3, 10),
    by="officer1",
    policy=POLICY,
)
ADJUSTMENT = Adjustment(
    kind="needs_large_print", recorded_by="officer1", recorded_on=dt.date(2026, 1, 2)
)


def case(person: Person = PERSON, **facts: object) -> Case:
    """A case with both incidents and a large-print adjustment, plus the facts given."""
    fields: dict[str, object] = {
        "id": "C-7F3K2QHM",
        "person": person,
        "incidents": (PHONE_CALL, RECEPTION),
        "adjustments": (ADJUSTMENT,),
        "opened_on": dt.date(2026, 1, 5),
    }
    return Case.model_validate(fields | facts)


def ended_case() -> Case:
    lifted = FORMAL.model_copy(update={"status": "lifted", "ended_on": dt.date(2026, 3, 1)})
    lift = REVIEW.model_copy(
        update={"outcome": "lift", "significant_change": True, "next_review": None}
    )
    return case(decisions=(VERBAL, INFORMAL, lifted), reviews=(lift,))


# The case on which each kind of letter has all its facts.
CASE_FOR: dict[str, Callable[[], Case]] = {
    "verbal-warning-note": lambda: case(decisions=(VERBAL,)),
    "informal-warning": lambda: case(decisions=(VERBAL, INFORMAL)),
    "formal-warning": lambda: case(decisions=(VERBAL, INFORMAL, FORMAL)),
    "contact-refused": lambda: case(
        decisions=(VERBAL, INFORMAL, FORMAL.model_copy(update={"status": "superseded"}), REFUSED)
    ),
    "upcoming-review": lambda: case(decisions=(VERBAL, INFORMAL, FORMAL)),
    "review-outcome": lambda: case(decisions=(VERBAL, INFORMAL, FORMAL), reviews=(REVIEW,)),
    "restriction-ended": ended_case,
    "appeal-acknowledgement": lambda: case(decisions=(FORMAL,), appeals=(APPEAL,)),
    "appeal-outcome": lambda: case(decisions=(FORMAL,), appeals=(DECIDED_APPEAL,)),
    "foi-refusal": lambda: case(foi=(FOI,)),
}
