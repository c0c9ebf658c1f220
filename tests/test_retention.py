"""Retention: how long a case is kept, and deleting what is past it with a tombstone.

The builders at the top make fictional records straight from the model; the data
protection tests for statistics and subject access use them too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.regkit import Reg, patched_env
from ucbr.domain.attest import attest
from ucbr.domain.model import (
    Appeal,
    Case,
    Decision,
    Incident,
    Person,
    PropertyDecision,
    PropertyReview,
    PropertyRisk,
    Restriction,
    Review,
)
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.views import sections_of
from ucbr.services import retention
from ucbr.storage import git
from ucbr.storage.envelope import relpath
from ucbr.storage.store import Register
from ucbr.storage.yamlio import load_strict

R = TypeVar("R", Case, PropertyRisk)

POLICY = "0123456789ab"
CFG = PolicyConfig(council="Demo District Council (fictional)")
PERSON = Person(name="Alex Example", address="1 Demo Street", postcode="OX28 9ZZ")
BAN = Restriction(kind="premises_ban", premises="Council Offices")


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def incident(
    n: int,
    on: str,
    behaviours: Sequence[str] = ("abusive",),
    serious: bool = False,
    category: str = "A",
    service: str = "Housing",
    by_representative: str | None = None,
    summary: str = "Shouted at the counter.",
) -> Incident:
    return Incident.model_validate(
        {
            "id": f"I-{n:08d}",
            "date": on,
            "channel": "face_to_face",
            "location": "council_premises",
            "category": category,
            "behaviours": list(behaviours),
            "summary": summary,
            "serious": serious,
            "reported_by": "officer",
            "recorded_on": on,
            "by_representative": by_representative,
            "service": service,
        }
    )


def restricted(
    n: int,
    incident_id: str,
    approved: str,
    ended: str | None = None,
    restrictions: Sequence[Restriction] = (BAN,),
) -> Decision:
    """An approved step-3 decision, lifted on ``ended`` if given."""
    return Decision.model_validate(
        {
            "id": f"D-{n:08d}",
            "step": "formal_written_warning",
            "incidents": [incident_id],
            "restrictions": [r.model_dump() for r in restrictions],
            "essential_services": "By letter to the council offices.",
            "scope": "council-wide",
            "review_by": approved,
            "proposed_by": "officer",
            "proposed_on": approved,
            "status": "lifted" if ended else "approved",
            "approved_by": "mgr",
            "approved_on": approved,
            "ended_on": ended,
            "policy": POLICY,
        }
    )


def review(n: int, decision_id: str, on: str, late: bool) -> Review:
    return Review.model_validate(
        {
            "id": f"R-{n:08d}",
            "decision": decision_id,
            "date": on,
            "due": on,
            "late": late,
            "outcome": "continue",
            "reasons": "No change.",
            "by": "mgr",
            "policy": POLICY,
        }
    )


def appeal(n: int, decision_id: str, on: str, outcome: str | None = None) -> Appeal:
    return Appeal.model_validate(
        {
            "id": f"A-{n:08d}",
            "decision": decision_id,
            "received": on,
            "lodged_by": "officer",
            "outcome": outcome,
            "reasons": "Decided." if outcome else None,
            "decided_by": "head" if outcome else None,
            "decided_on": on if outcome else None,
            "policy": POLICY,
        }
    )


def case(
    n: int,
    incidents: Sequence[Incident],
    decisions: Sequence[Decision] = (),
    appeals: Sequence[Appeal] = (),
    reviews: Sequence[Review] = (),
    person: Person = PERSON,
) -> Case:
    return Case(
        id=f"C-{n:08d}",
        person=person,
        incidents=tuple(incidents),
        decisions=tuple(decisions),
        appeals=tuple(appeals),
        reviews=tuple(reviews),
        opened_on=min(i.date for i in incidents),
    )


def prop(n: int, risks: Sequence[str], approved: str, condition: str | None = None) -> PropertyRisk:
    return PropertyRisk.model_validate(
        {
            "id": f"P-{n:08d}",
            "address": "2 Demo Lane",
            "postcode": "OX28 9ZZ",
            "risks": list(risks),
            "guidance": "Visit in pairs.",
            "condition": condition,
            "not_notified_reason": "Notifying would put staff at risk.",
            "decision": PropertyDecision(
                status="approved",
                proposed_by="officer",
                proposed_on=day(approved),
                approved_by="mgr",
                approved_on=day(approved),
            ),
            "next_review": approved,
            "reviews": [
                PropertyReview(
                    id=f"R-{n + 500:08d}",
                    date=day(approved),
                    due=day(approved),
                    late=False,
                    outcome="continue",
                    reasons="Still a risk.",
                    by="mgr",
                    policy=POLICY,
                )
            ],
            "policy": POLICY,
        }
    )


def attested(record: R, staff_id: str) -> R:
    """The record as its importer attests it (``ucbr.domain.attest``)."""
    return attest(record, staff_id, dt.date(2026, 11, 28), "0" * 64)


def put(reg: Reg, *records: Case | PropertyRisk, staff_id: str = "mgr") -> None:
    """Import hand-built records into a real register, as an administrator would: the
    decisions they hold are the importer's attestation."""
    with patched_env(reg.env(staff_id)):
        r = Register.open(reg.root)
        files: dict[str, str | bytes | None] = {}
        for record in (attested(record, staff_id) for record in records):
            sections = sections_of(record, r.cfg)
            files[relpath(record.id)] = r.render(record.id, sections, None)
        ids = [record.id for record in records]
        today = dt.date.fromisoformat(reg.today)
        source = [("Ucbr-Source", "0" * 64)]  # the file they came from: here, none
        message = git.CommitMessage(
            "import", "", staff_id, r.policy_hash, today, ids=ids, extra=source
        )
        r.commit_files(files, message, git.Signer(reg.keys[staff_id]))


# --- the rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("behaviours", "serious", "category", "rule", "years"),
    [
        (("abusive",), False, "A", "verbal_abuse", 2),
        (("repeated_contact",), False, "B", "verbal_abuse", 2),
        (("threats",), False, "A", "threats", 3),
        (("intimidation",), False, "A", "threats", 3),
        (("abusive",), True, "A", "violence", 5),
        (("physically_aggressive",), False, "A", "violence", 5),
        (("damage_to_council_property",), False, "A", "violence", 5),
    ],
)
def test_retention_period_by_category(
    behaviours: tuple[str, ...], serious: bool, category: str, rule: str, years: int
) -> None:
    """Verbal abuse is kept 2 years, threats 3 and violence 5, as policy.yaml's defaults say.

    Policy: "The Council will comply with the Data Protection legislation at all times when
    administering the UCBR."
    """
    c = case(1, [incident(1, "2020-05-04", behaviours, serious, category)])
    verdict = retention.case_verdict(c, CFG)
    assert (verdict.rule, verdict.years) == (rule, years)
    assert verdict.expires_on == day("2020-05-04").replace(year=2020 + years)


def test_worst_behaviour_decides_the_rule() -> None:
    """A case with abuse and, later, a threat is kept for the threats period."""
    c = case(1, [incident(1, "2020-01-01"), incident(2, "2020-02-01", ("threats",))])
    assert retention.case_rule(c) == "threats"


def test_retention_counts_from_end_of_last_restriction() -> None:
    """Verbal abuse: 2 years after the last restriction ends, not after the incident."""
    i = incident(1, "2020-06-01")
    c = case(1, [i], [restricted(1, i.id, "2020-07-01", ended="2021-03-01")])
    verdict = retention.case_verdict(c, CFG)
    assert verdict.counted_from == day("2021-03-01")
    assert not verdict.past(day("2023-02-28"))
    assert verdict.past(day("2023-03-01"))


def test_case_on_register_is_never_expired() -> None:
    """A restriction still in force keeps the case, however old the incident."""
    i = incident(1, "2001-01-01")
    c = case(1, [i], [restricted(1, i.id, "2001-02-01")])
    verdict = retention.case_verdict(c, CFG)
    assert verdict.held == "on the register"
    assert not verdict.past(day("2030-01-01"))


def test_case_with_pending_appeal_is_never_expired() -> None:
    """An appeal awaiting its outcome keeps the case, even after the restriction ended."""
    i = incident(1, "2001-01-01")
    d = restricted(1, i.id, "2001-02-01", ended="2001-03-01")
    c = case(1, [i], [d], appeals=[appeal(1, d.id, "2001-02-10")])
    assert retention.case_verdict(c, CFG).held == "appeal pending"
    assert not retention.case_verdict(c, CFG).past(day("2030-01-01"))


def test_property_risks_are_reviewed_never_expired() -> None:
    """Weapons or dangerous animals: 10 years, then listed for review, never for deletion."""
    verdict = retention.property_verdict(prop(1, ["weapons"], "2010-01-01"), CFG)
    assert (verdict.rule, verdict.years, verdict.action) == ("weapons_or_animals", 10, "review")
    assert verdict.past(day("2020-01-01"))


@given(
    incidents=st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)), min_size=1, max_size=4),
    lift=st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)),
)
def test_retention_never_counts_from_before_the_last_incident_or_end(
    incidents: list[dt.date], lift: dt.date
) -> None:
    """The period never starts before the last incident nor before the last restriction ended."""
    found = [incident(n, d.isoformat()) for n, d in enumerate(incidents, 1)]
    start = min(incidents).isoformat()
    c = case(
        1, found, [restricted(1, found[0].id, start, ended=max(lift, min(incidents)).isoformat())]
    )
    verdict = retention.case_verdict(c, CFG)
    assert verdict.counted_from >= max(incidents)
    assert verdict.counted_from >= max(lift, min(incidents))
    assert verdict.expires_on > verdict.counted_from


# --- the register -------------------------------------------------------------------------------


def _old_records() -> tuple[Case, Case, PropertyRisk]:
    old = incident(1, "2019-01-10")
    expired = case(1, [old], [restricted(1, old.id, "2019-02-01", ended="2020-01-15")])
    recent = case(2, [incident(2, "2026-01-10")])
    return expired, recent, prop(3, ["dangerous_animal"], "2014-05-01")


def test_retention_lists_what_is_past(reg: Reg) -> None:
    """`ucbr retention --json` lists the expired case to delete and the property to review."""
    expired, recent, animal = _old_records()
    put(reg, expired, recent, animal)
    data = json.loads(reg.ok("ig", "retention", "--json"))
    listed = {v["id"]: (v["rule"], v["action"]) for v in data["past_retention"]}
    assert listed == {
        expired.id: ("verbal_abuse", "delete"),
        animal.id: ("weapons_or_animals", "review"),
    }
    assert data["commit"] is None


def test_retention_apply_deletes_in_one_commit_with_tombstone(reg: Reg) -> None:
    """`--apply` deletes expired cases in one commit and keeps a tombstone: id, date, rule, who."""
    expired, recent, animal = _old_records()
    put(reg, expired, recent, animal)
    head = reg.git("rev-parse", "HEAD").strip()
    reg.ok("ig", "retention", "--apply")
    assert reg.git("rev-list", "--count", f"{head}..HEAD").strip() == "1"
    assert not (reg.root / relpath(expired.id)).exists()
    assert (reg.root / relpath(recent.id)).exists() and (reg.root / relpath(animal.id)).exists()
    text = (reg.root / retention.TOMBSTONES).read_text()
    assert load_strict(text)["tombstones"] == [
        {
            "id": expired.id,
            "deleted_on": "2026-11-28",
            "rule": "verbal_abuse",
            "years": 2,
            "by": "ig",
        }
    ]
    assert PERSON.name not in text
    message = reg.git("log", "-1", "--format=%B")
    assert "Ucbr-Action: retention" in message and f"Ucbr-Case: {expired.id}" in message
    assert reg.git("status", "--porcelain") == ""


def test_retention_apply_refused_for_case_officer(reg: Reg) -> None:
    """Only an IG officer, manager or head of service may delete; a refusal changes nothing."""
    expired, _recent, _animal = _old_records()
    put(reg, expired)
    before = reg.state()
    result = reg.run("officer", "retention", "--apply")
    assert result.code == 1 and "IG officer" in result.err
    assert reg.state() == before
