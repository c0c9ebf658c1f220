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

from ucbr.domain.letters.form import signature
from ucbr.domain.model import (
    Case,
    Decision,
    Incident,
    Restriction,
)
from ucbr.domain.policy.appeals import decided_on
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory
from ucbr.domain.views import decision_in_force, review_date
from ucbr.domain.words import (
    CHANNEL_NAMES,
    day_names,
    hours_words,
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


def _ask(restriction: Restriction, staff: StaffDirectory) -> str:
    """What a restriction asks of the person, addressed to them, as one clause."""
    if restriction.kind == "single_channel":
        channel = CHANNEL_NAMES.get(restriction.channel or "", "one channel")
        return f"Please contact us only by {channel}"
    if restriction.kind == "contact_times":
        days = day_names(restriction.days) or "the days we agree with you"
        hours = f", {hours_words(restriction.hours)}" if restriction.hours else ""
        return f"Please contact us only on {days}{hours}"
    if restriction.kind == "designated_email":
        return f"Please send e-mails only to {restriction.email}"
    if restriction.kind == "premises_ban":
        return f"You must not enter {restriction.premises}"
    if restriction.kind == "single_point_of_contact":
        name = _staff_name(staff, restriction.staff or "", "single point of contact")
        return f"All your contact with us goes to {name}, your single point of contact"
    return f"We will not reply further about {restriction.topic}"


AFTERWORDS = {
    "single_channel": " We will not respond to other channels.",
    "no_further_responses": " We will still read what you send for new information.",
}


def _measure(restriction: Restriction, staff: StaffDirectory, write_to: str | None = None) -> str:
    """A restriction addressed to the person, with the day it ends if it has one; contact
    only by e-mail says where to write (``write_to``), unless a designated address does."""
    until = f" until {long_date(restriction.until)}" if restriction.until else ""
    ask = _ask(restriction, staff)
    if restriction.kind == "single_channel" and restriction.channel == "email" and write_to:
        ask = f"{ask}, at {write_to}"
    return f"{ask}{until}.{AFTERWORDS.get(restriction.kind, '')}"


def _spoc(decision: Decision, staff: StaffDirectory) -> str | None:
    restriction = latest(
        decision.restrictions, lambda restriction: restriction.kind == "single_point_of_contact"
    )
    return (
        _staff_name(staff, restriction.staff or "", "single point of contact")
        if restriction
        else None
    )


def _review_date(case: Case, decision: Decision) -> dt.date:
    """The register's own review date for the decision (``views.review_date``)."""
    day = review_date(case, decision)
    if day is None:
        raise LetterRefused(f"{case.id}: decision {decision.id} has no review date recorded")
    return day


def restriction_terms(
    case: Case, decision: Decision, staff: StaffDirectory, council_email: str | None = None
) -> Context:
    """What a decision asks of the person, which services it covers, when it starts, how
    long it lasts and when it is reviewed. Contact only by e-mail names the address to
    write to: the council's (``council_email``), unless a designated address is given."""
    ends = [r.until for r in decision.restrictions]
    dated = sorted({day for day in ends if day is not None})
    designated = any(r.kind == "designated_email" for r in decision.restrictions)
    write_to = None if designated else council_email
    return {
        "measures": [_measure(r, staff, write_to) for r in decision.restrictions],
        "spoc": _spoc(decision, staff),
        "scope": scope_words(decision.scope),
        "starts": long_date(decided_on(decision)),
        # Every restriction ends on a date: the last of them; else some stay until lifted.
        "ends": long_date(dated[-1]) if ends and None not in ends else None,
        "some_end": bool(dated),
        "review_date": long_date(_review_date(case, decision)),
        "refused": decision.step == "contact_refused",
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
    given = ("recorded", "approved", "superseded", "lifted")
    earlier = [
        d
        for d in case.decisions
        if d.step in EARLIER_WORDS
        and d.status in given
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
