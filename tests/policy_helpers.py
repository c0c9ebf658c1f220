"""Builders for policy tests: a staff directory, a policy clock, and cases at each stage.

Plain functions, so the rule tests and the stateful test share them. Every person is
fictional.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from ucbr.domain import policy
from ucbr.domain.model import (
    Case,
    Decision,
    Incident,
    LetterIssued,
    LetterKind,
    Person,
    PropertyRisk,
    Restriction,
    Step,
)
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory, StaffMember
from ucbr.errors import Refused

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
POLICY_HASH = "0123456789ab"
TODAY = dt.date(2025, 3, 10)
CFG = PolicyConfig(council="Demo District Council (fictional)")

# id -> role; names are fictional and never appear in a refusal.
ROLES: dict[str, str] = {
    "front": "frontline",
    "officer": "case_officer",
    "officer2": "case_officer",
    "manager": "manager",
    "manager2": "manager",
    "head": "head_of_service",
    "head2": "head_of_service",
    "ig": "ig_officer",
    "cron": "scheduler",
}
STAFF = StaffDirectory(
    staff=[
        StaffMember.model_validate(
            {
                "id": staff_id,
                "name": f"Demo {staff_id.title()}",
                "email": f"{staff_id}@example.gov.uk",
                "role": role,
                "recipients": ["age1demo"],
            }
        )
        for staff_id, role in ROLES.items()
    ]
)
PERSON = Person(
    name="Alex Example",
    aliases=("Al Example",),
    address="1 Demo Street, Witney",
    postcode="OX28 9ZZ",
    emails=("alex@example.com",),
    phones=("01993 123456",),
)

_counter = itertools.count(1)


def new_id(prefix: str) -> str:
    """A fresh, valid id ("D-0000001A"): unique for the whole test run."""
    n = next(_counter)
    chars = []
    for _ in range(8):
        n, digit = divmod(n, 32)
        chars.append(CROCKFORD[digit])
    return f"{prefix}-{''.join(reversed(chars))}"


def staff(staff_id: str) -> StaffMember:
    member = STAFF.by_id(staff_id)
    assert member is not None, staff_id
    return member


def ctx(actor: str = "officer", today: dt.date = TODAY, cfg: PolicyConfig = CFG) -> policy.Ctx:
    """The policy's context: who acts, on which day."""
    return policy.Ctx(
        today=today,
        cfg=cfg,
        policy_hash=POLICY_HASH,
        actor=staff(actor),
        new_id=new_id,
        staff=STAFF,
    )


def make_case(person: Person = PERSON, today: dt.date = TODAY) -> Case:
    return policy.open_case(new_id("C"), person, ctx("front", today))


def incident_req(**changes: Any) -> policy.IncidentRequest:
    fields: dict[str, Any] = {
        "date": TODAY,
        "channel": "telephone",
        "location": "community",
        "category": "A",
        "behaviours": ("abusive",),
        "summary": "Shouted at the officer and used abusive language.",
        "serious": False,
        "by_representative": None,
        "service": "Waste",
    }
    return policy.IncidentRequest(**(fields | changes))


def make_incident(
    case: Case, actor: str = "front", today: dt.date = TODAY, **changes: Any
) -> tuple[Case, Incident]:
    changes.setdefault("date", today)
    return policy.record_incident(case, incident_req(**changes), ctx(actor, today))


LETTER_ONLY = Restriction(kind="single_channel", channel="letter")


def bypassing(incident: str) -> dict[str, str]:
    """The terms by which a deciding officer relies on an incident to bypass steps 1 and 2."""
    return {"bypass": incident, "bypass_reason": "Pushed a chair at staff: physical aggression."}


def serious_incident(case: Case, actor: str = "front", **changes: Any) -> tuple[Case, Incident]:
    """An incident of violence: physically aggressive behaviour, reported as serious."""
    changes.setdefault("behaviours", ("physically_aggressive",))
    return make_incident(case, actor, serious=True, **changes)


def restricting_req(incidents: tuple[str, ...], **changes: Any) -> policy.EscalationRequest:
    """A complete step-3 request: one restriction, considerations, essential services."""
    fields: dict[str, Any] = {
        "to": "formal_written_warning",
        "incidents": incidents,
        "considerations": "No protected characteristics or at-risk factors known.",
        "restrictions": (LETTER_ONLY,),
        "essential_services": "Council tax and housing by letter to the council offices.",
        "review_by": policy.add_months(changes.get("today", TODAY), 6),
    }
    changes.pop("today", None)
    return policy.EscalationRequest(**(fields | changes))


def warn(case: Case, step: Step, incident: str, actor: str = "officer", **kw: Any) -> Case:
    """Record a warning (step 1 or 2) relying on one incident."""
    note = "Told the caller why the language was unacceptable and asked them to stop."
    req = policy.EscalationRequest(to=step, incidents=(incident,), note=note, **kw)
    return policy.escalate(case, req, ctx(actor))[0]


def case_with_warnings(steps: int = 2, letter_sent: bool = True) -> tuple[Case, Incident]:
    """A case with the first ``steps`` warnings, each followed by a new incident; step 2's
    letter issued unless ``letter_sent`` is False.

    The incident returned is the latest: the behaviour continuing after the last warning,
    which the next step relies on.
    """
    case, incident = make_incident(make_case())
    ladder: tuple[Step, ...] = ("verbal_warning", "informal_written_warning")
    for step in ladder[:steps]:
        case = warn(case, step, incident.id)
        if step == "informal_written_warning" and letter_sent:
            case = issue_letter(case, "informal-warning", case.decisions[-1].id)
        case, incident = make_incident(case)
    return case, incident


def letter(kind: LetterKind, about: str | None, day: dt.date = TODAY) -> LetterIssued:
    """A letter issued on ``day`` about one record of the case."""
    return LetterIssued(
        id=new_id("L"),
        kind=kind,
        date=day,
        about=about,
        format="pdf",
        template_sha256="0" * 64,
        sha256="1" * 64,
        by="officer",
        policy=POLICY_HASH,
    )


def issue_letter(case: Case, kind: LetterKind, about: str, day: dt.date = TODAY) -> Case:
    """Record that the ``kind`` letter about decision ``about`` was issued on ``day``."""
    return policy.record_letter(case, letter(kind, about, day))


def proposed_case(**changes: Any) -> tuple[Case, Decision]:
    """A case with steps 1 and 2 given and a formal written warning proposed by ``officer``."""
    case, incident = case_with_warnings()
    return policy.escalate(case, restricting_req((incident.id,), **changes), ctx("officer"))


def registered_case(today: dt.date = TODAY) -> tuple[Case, Decision]:
    """A case on the register: a formal written warning approved by ``manager``."""
    case, _ = proposed_case()
    return policy.approve(case, ctx("manager", today))


def proposed_property(**changes: Any) -> PropertyRisk:
    """A property risk proposed by ``officer``; ``changes`` replace any of its terms."""
    property_id = changes.pop("property_id", new_id("P"))
    acting = changes.pop("ctx", ctx("officer"))
    fields: dict[str, Any] = {
        "address": "2 Demo Lane, Witney",
        "postcode": "OX28 9ZY",
        "uprn": "100120000001",
        "risks": ("dangerous_animal",),
        "guidance": "Attend in pairs; phone ahead so the dog is kept inside.",
        "details": "INTERNAL: large dog bit a meter reader in 2024.",
        "condition": None,
        "not_notified_reason": "Telling the owner could provoke the risk we are warning about.",
    }
    return policy.propose_property(property_id, policy.PropertyTerms(**(fields | changes)), acting)


LATER = TODAY + dt.timedelta(days=20)


def refused(match: str) -> pytest.RaisesExc[Refused]:
    """Expect a refusal whose reason matches ``match``."""
    return pytest.raises(Refused, match=match)


def no_personal_data(message: str) -> None:
    """A refusal names no personal data of the person."""
    for value in (PERSON.name, PERSON.address, PERSON.postcode, *PERSON.emails, *PERSON.phones):
        assert value is not None and value not in message


def continued(case: Case, day: dt.date = LATER) -> tuple[Case, str]:
    """An incident after the formal warning: the behaviour continued."""
    case, incident = make_incident(case, today=day)
    return case, incident.id


def warned_in_writing(case: Case, formal: Decision, day: dt.date = TODAY) -> Case:
    """The formal-warning letter about ``formal`` was issued on ``day``."""
    return issue_letter(case, "formal-warning", formal.id, day)
