"""The parts every letter shares: the record's facts in words a person reads.

Pure: the behaviour relied on (by date and channel, never the internal narrative), the
restrictions addressed to the person, the review date and the appeal route, each taken
from the policy's own rules (``views.review_date``, ``policy.appeal_deadline``) so a
letter never promises what the register would refuse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from ucbr.domain.expiry import in_force_on
from ucbr.domain.letters.form import signature
from ucbr.domain.model import (
    Case,
    Decision,
    Incident,
)
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory
from ucbr.domain.views import decided_on, decision_in_force, given, review_date, since
from ucbr.domain.words import (
    REFUSED_FOR_PERSON,
    Reach,
    for_person,
    long_date,
    plain_list,
    scope_words,
)
from ucbr.errors import Refused

LGSCO_URL = "www.lgo.org.uk"
ICO_URL = "www.ico.org.uk"

Context = dict[str, Any]
T = TypeVar("T")


class LetterRefused(Refused):
    """A letter whose facts are not in the case yet."""


# --- the facts each letter stands on ----------------------------------------------


def latest(items: Iterable[T], wanted: Callable[[T], bool]) -> T | None:
    """The last matching item in list order: the record's latest word."""
    return next((item for item in reversed(tuple(items)) if wanted(item)), None)


def decision_by_id(case: Case, decision_id: str) -> Decision:
    """The decision with this id; refused when the case has none."""
    found = latest(case.decisions, lambda d: d.id == decision_id)
    if found is None:
        raise LetterRefused(f"{case.id}: decision {decision_id} is not in the case")
    return found


def warning_given(case: Case, step: str, what: str) -> Decision:
    """The latest warning at ``step`` that was not rejected; refused when there is none."""
    found = latest(case.decisions, lambda d: d.step == step and d.status != "rejected")
    if found is None:
        raise LetterRefused(f"{case.id} has no {what} recorded")
    return found


ENDED_WORDS = {"superseded": "superseded", "lifted": "lifted", "overturned": "overturned on appeal"}


def approved_step(case: Case, step: str, what: str, kind: str) -> Decision:
    """The approved decision at ``step``, or a refusal saying what became of it."""
    found = latest(case.decisions, lambda d: d.step == step and d.status == "approved")
    if found is not None:
        return found
    last = latest(case.decisions, lambda d: d.step == step and d.status != "rejected")
    if last is not None and last.status in ENDED_WORDS:
        # Say what became of the decision: "waits for approval" would send staff the wrong way.
        when = f" on {last.ended_on.isoformat()}" if last.ended_on else ""
        raise LetterRefused(
            f"{case.id}: decision {last.id} was {ENDED_WORDS[last.status]}{when}; "
            f"no {kind} letter can be issued for it"
        )
    if last is not None and last.status == "proposed":
        raise LetterRefused(f"{case.id} has no approved {what}: the letter waits for approval")
    raise LetterRefused(f"{case.id} has no {what} recorded")


def in_force(case: Case) -> Decision:
    """The decision in force; refused when there is none."""
    found = decision_in_force(case)
    if found is None:
        raise LetterRefused(f"{case.id} has no restriction in force")
    return found


def variation_of(case: Case, of: Decision, after: str) -> Decision:
    """The approved decision that replaced ``of`` after a review or appeal varied it."""
    found = latest(case.decisions, lambda d: d.variation_of == of.id and d.approved_by is not None)
    if found is None:
        raise LetterRefused(f"{case.id}: the variation of {of.id} after {after} is not approved")
    return found


# --- plain words for the person -----------------------------------------------------

CATEGORY_NAMES = {
    "A": "aggressive or abusive behaviour",
    "B": "unreasonable demands or extensive contact",
}
HOW_NAMES = {
    "telephone": "by telephone",
    "email": "by e-mail",
    "online_form": "through our online form",
    "social_media": "on social media",
    "letter": "by letter",
    "face_to_face": "face to face",
}
WHERE_NAMES = {
    "council_premises": "at council premises",
    "community": "in the community",
    "residents_home": "at a home visit",
}
FOI_SECTIONS = {
    "s14-1": ("section 14(1)", "vexatious"),
    "s14-2": ("section 14(2)", "repeated"),
}


def months(count: int) -> str:
    """ "one month", "3 months"."""
    return "one month" if count == 1 else f"{count} months"


def _incident(incident: Incident) -> Context:
    how = HOW_NAMES[incident.channel]
    if incident.channel == "face_to_face":
        how = f"{how} {WHERE_NAMES[incident.location]}"
    return {
        "date": long_date(incident.date),
        "how": how,
        "category": CATEGORY_NAMES[incident.category],
        "behaviours": ", ".join(b.replace("_", " ") for b in incident.behaviours),
        "by_representative": incident.by_representative is not None,
    }


def incidents_relied_on(case: Case, decision: Decision) -> list[Context]:
    """The behaviour relied on, by date and channel: never the internal narrative."""
    by_id = {i.id: i for i in case.incidents}
    missing = [i for i in decision.incidents if i not in by_id]
    if missing:
        raise LetterRefused(f"{case.id}: incident {missing[0]} is not in the case")
    chosen = sorted((by_id[i] for i in decision.incidents), key=lambda i: i.date)
    return [_incident(i) for i in chosen]


def _staff_name(staff: StaffDirectory, staff_id: str, role: str) -> str:
    member = staff.by_id(staff_id)
    if member is None:
        raise LetterRefused(f"the {role} {staff_id} is not in the staff directory")
    return member.name


def reach(decision: Decision, staff: StaffDirectory, cfg: PolicyConfig) -> Reach:
    """How the person may reach us and their single point of contact, by the channels the
    decision leaves them: restricted to e-mail, they are given e-mail addresses only."""
    kinds = {r.kind: r for r in decision.restrictions}
    channel = kinds["single_channel"].channel if "single_channel" in kinds else None
    spoc = kinds.get("single_point_of_contact")
    designated = kinds["designated_email"].email if "designated_email" in kinds else None
    member = staff.by_id(spoc.staff or "") if spoc is not None else None
    if spoc is not None and member is None:
        raise LetterRefused(
            f"the single point of contact {spoc.staff} is not in the staff directory"
        )
    return Reach(
        address=cfg.council_address if channel in (None, "letter") else "",
        email=(designated or cfg.council_email) if channel in (None, "email") else None,
        phone=cfg.council_phone if channel in (None, "telephone") else None,
        spoc_name=member.name if member is not None else None,
        write_to=None if designated else cfg.council_email,
        # E-mails go to the designated address, if there is one, the SPOC's included.
        spoc_email=(designated or member.email)
        if member is not None and channel in (None, "email")
        else None,
    )


def _review_date(case: Case, decision: Decision) -> dt.date:
    """The register's own review date for the decision (``views.review_date``)."""
    day = review_date(case, decision)
    if day is None:
        raise LetterRefused(f"{case.id}: decision {decision.id} has no review date recorded")
    return day


def restriction_terms(
    case: Case,
    decision: Decision,
    staff: StaffDirectory,
    cfg: PolicyConfig,
    on: dt.date | None = None,
) -> Context:
    """What a decision asks of the person, which services it covers, when it starts, how
    long it lasts and when it is reviewed; with ``on``, only the restrictions that still
    apply that day. Contact only by e-mail names the address to write to: the council's,
    unless a designated address is given."""
    ends = [r.until for r in decision.restrictions]
    dated = sorted({day for day in ends if day is not None})
    how = reach(decision, staff, cfg)
    applying = [r for r in decision.restrictions if on is None or in_force_on(r, on)]
    starts = [since(case, decision, r) for r in applying] or [decided_on(decision)]
    # Some carried over from an earlier decision: each then says when it began.
    each = len(set(starts)) > 1
    pairs = zip(applying, starts, strict=False)  # none applying: no measure, one start
    measures = [for_person(r, how, day if each else None) for r, day in pairs]
    return {
        "measures": measures,
        "spoc": how.spoc_name,
        "scope": scope_words(decision.scope),
        "starts": "the dates given above" if each else long_date(starts[0]),
        # Every restriction ends on a date: the last of them; else some stay until lifted.
        "ends": long_date(dated[-1]) if ends and None not in ends else None,
        "some_end": bool(dated),
        "review_date": long_date(_review_date(case, decision)),
        "refused": decision.step == "contact_refused",
        # What the entry's headline tells staff, told to the person.
        "refused_words": REFUSED_FOR_PERSON if decision.step == "contact_refused" else None,
    }


@dataclass(frozen=True)
class Facts:
    """What every letter's facts are gathered from: the case, the settings, the staff, the day."""

    case: Case
    cfg: PolicyConfig
    staff: StaffDirectory
    today: dt.date


def signatory(staff: StaffDirectory, staff_id: str | None, cfg: PolicyConfig) -> dict[str, str]:
    """Who signs: the officer named, with their job title, else the council."""
    return signature(staff, staff_id, cfg)


def for_decision(facts: Facts, decision: Decision, signed_by: str | None) -> Context:
    """What every letter about a decision states: the behaviour, who signs, essential services."""
    return {
        "incidents": incidents_relied_on(facts.case, decision),
        "signatory": signatory(facts.staff, signed_by, facts.cfg),
        "essential_services": decision.essential_services or facts.cfg.essential_services,
    }


EARLIER_WORDS = {
    "verbal_warning": "a verbal warning",
    "informal_written_warning": "an informal written warning",
    "formal_written_warning": "a formal written warning",
}


def earlier_warnings(case: Case, decision: Decision) -> list[str]:
    """The warnings given before ``decision``, in order: "a verbal warning on 6 January 2026"."""
    earlier = [
        d
        for d in case.decisions
        if d.step in EARLIER_WORDS
        and given(d)
        and d.id != decision.id
        and d.step != decision.step
        and (d.approved_on or d.proposed_on) <= decided_on(decision)
    ]
    return [
        f"{EARLIER_WORDS[d.step]} on {long_date(d.approved_on or d.proposed_on)}" for d in earlier
    ]


def warnings_sentence(case: Case, decision: Decision) -> str | None:
    """The earlier warnings as one sentence, or None when there were none."""
    found = earlier_warnings(case, decision)
    return f"We gave you {plain_list(found)}." if found else None
