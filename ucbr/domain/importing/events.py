"""Each kind of row read into the facts of its event: an incident, a warning or restriction,
an adjustment, a review or an appeal. A cell that cannot be read, or one an event needs and
lacks, is a problem at its row and column."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, get_args

from ucbr.domain.importing import columns as col
from ucbr.domain.importing.rows import Event, Row, Terms
from ucbr.domain.model import (
    BEHAVIOURS,
    AdjustmentKind,
    AppealOutcome,
    Channel,
    Location,
    OnlyChannel,
    Restriction,
    Weekday,
)
from ucbr.domain.words import COUNCIL_WIDE

# Event words as a sheet may write them, to the kind of event.
EVENTS: dict[str, str] = {
    "incident": "incident",
    "verbal warning": "verbal_warning",
    "informal warning": "informal_written_warning",
    "informal written warning": "informal_written_warning",
    "formal warning": "formal_written_warning",
    "formal written warning": "formal_written_warning",
    "contact refused": "contact_refused",
    "refusal of contact": "contact_refused",
    "adjustment": "adjustment",
    "review": "review",
    "appeal": "appeal",
}
CHANNEL_WORDS = {"phone": "telephone", "e mail": "email", "in person": "face_to_face"}


def read_event(row: Row) -> Event | None:
    """The event a row records, or None (with its problems noted)."""
    kind = row.read("event", lambda cell: col.choice(cell, tuple(EVENTS)), "say what it is")
    day = row.read("date", col.date, "every event has its date")
    officer = row.words("officer")
    decided_by = row.words("decided by")
    letter_sent = row.read("letter sent", col.date)
    if kind is None:
        return None
    kind = EVENTS[kind]
    details = READERS[kind](row) if kind in READERS else _decision(row, kind)
    if day is None or details is None:
        return None
    if letter_sent is not None and letter_sent < day:
        row.problem("letter sent", "is before the date of the event it tells of")
    if kind == "incident" and letter_sent is not None:
        row.problem("letter sent", "an incident has no letter of its own")
    return Event(row.number, kind, day, officer, decided_by, letter_sent, details)


def _incident(row: Row) -> dict[str, Any] | None:
    channel = row.read("channel", lambda c: col.choice(c, get_args(Channel), CHANNEL_WORDS),
                       "an incident needs it")  # fmt: skip
    location = row.read("location", lambda c: col.choice(c, get_args(Location)),
                        "an incident needs it")  # fmt: skip
    category = row.read("category", lambda c: col.choice(c, ("A", "B")), "an incident needs it")
    summary = row.words("summary", "an incident needs a factual summary")
    service = row.words("service", "an incident needs the service that suffered it")
    serious = row.read("serious", col.yes) or False
    behaviours = row.read("behaviours", lambda c: col.items(c, also_commas=True),
                          "an incident needs at least one of the policy's behaviours")  # fmt: skip
    if category is not None and behaviours:
        allowed = BEHAVIOURS[category]
        try:
            behaviours = tuple(col.choice(b, allowed) for b in behaviours)
        except col.CellProblem:
            row.problem("behaviours", f"for category {category}, each must be one of: "
                        f"{', '.join(col.words(b) for b in allowed)}")  # fmt: skip
            return None
    if None in (channel, location, category, summary, service, behaviours):
        return None
    return {
        "channel": channel, "location": location, "category": category,
        "behaviours": behaviours, "summary": summary, "service": service,
        "serious": serious, "by_representative": row.words("representative"),
    }  # fmt: skip


def _decision(row: Row, step: str) -> dict[str, Any] | None:
    restricting = step in ("formal_written_warning", "contact_refused")
    needed = "a formal warning or refusal of contact needs it" if restricting else ""
    restrictions = _restrictions(row) if restricting else ()
    if restricting and restrictions == ():
        row.problem("only channel", "a formal warning or refusal of contact needs at least one "
                    "restriction (only channel, contact days, … no further responses)")  # fmt: skip
    if not restricting:
        for name in (*RESTRICTION_COLUMNS, "review date"):
            if row.has(name):
                row.problem(name, f"a {col.words(step)} carries no restrictions or review")
    terms = Terms(
        note=row.words(
            "note",
            "a verbal warning needs a note of what was said" if step == "verbal_warning" else "",
        ),
        considerations=row.words("considerations", needed),
        restrictions=restrictions or (),
        essential_services=row.words("essential services", needed),
        scope=_scope(row),
        scope_reason=row.words("scope reason"),
        review_by=row.read("review date", col.date, needed),
        bypass_reason=row.words("bypass reason"),
        justification=row.words("justify"),
    )
    if restricting and not row.has("decided by"):
        row.problem("decided by", "name the manager who approved it, as your records do")
    return {"terms": terms, "step": step}


def _scope(row: Row) -> str | None:
    scope = row.words("scope")
    return COUNCIL_WIDE if scope and col.words(scope) == "council wide" else scope


RESTRICTION_COLUMNS = ("only channel", "contact days", "contact hours", "designated email",
                       "premises ban", "ban until", "single point of contact",
                       "no further responses", "until")  # fmt: skip


def _restrictions(row: Row) -> tuple[Restriction, ...] | None:
    """The restrictions a row gives, one per column filled; None when one cannot be read."""
    before = len(row.problems)
    until = row.read("until", col.date)
    ban_until = row.read("ban until", col.date) or until
    found: list[Restriction] = []
    channel = row.read(
        "only channel", lambda c: col.choice(c, get_args(OnlyChannel), CHANNEL_WORDS)
    )
    if channel:
        found.append(Restriction(kind="single_channel", channel=channel, until=until))
    days = row.read(
        "contact days",
        lambda c: tuple(
            col.choice(day[:3], get_args(Weekday)) for day in col.items(c, also_commas=True)
        ),
    )
    hours = row.read("contact hours", lambda c: _hours(col.text(c)))
    if bool(days) != bool(hours):
        row.problem("contact days" if hours else "contact hours",
                    "contact days and contact hours go together")  # fmt: skip
    elif days and hours:
        found.append(Restriction(kind="contact_times", days=days, hours=hours, until=until))
    plain = (("designated email", "designated_email", "email"), ("premises ban", "premises_ban",
             "premises"), ("no further responses", "no_further_responses", "topic"),
             ("single point of contact", "single_point_of_contact", "staff"))  # fmt: skip
    for name, kind, key in plain:
        value = row.words(name)
        if value:
            ends = ban_until if kind == "premises_ban" else until
            value = value.lower() if kind == "single_point_of_contact" else value
            found.append(Restriction.model_validate({"kind": kind, key: value, "until": ends}))
    return tuple(found) if len(row.problems) == before else None


def _hours(value: str) -> str:
    found = re.fullmatch(r"(\d{1,2})[:.](\d\d)\s*(?:-|to)\s*(\d{1,2})[:.](\d\d)", value)
    if found is None:
        raise col.CellProblem("must be hours like 09:00-12:00")
    start, end = f"{int(found[1]):02d}:{found[2]}", f"{int(found[3]):02d}:{found[4]}"
    return f"{start}-{end}"


def _adjustment(row: Row) -> dict[str, Any] | None:
    kind = row.read("adjustment", lambda c: col.choice(c, get_args(AdjustmentKind)),
                    "an adjustment row names the adjustment")  # fmt: skip
    return None if kind is None else {"adjustment": kind, "note": row.words("note")}


def _review(row: Row) -> dict[str, Any] | None:
    outcome = row.read("outcome", lambda c: col.choice(c, ("continue", "lift")),
                       "a review's outcome is continue or lift")  # fmt: skip
    reasons = row.words("reasons", "a review records its reasons")
    if outcome is None or reasons is None:
        return None
    return {
        "outcome": outcome, "reasons": reasons, "next_review": row.read("review date", col.date),
        "justification": row.words("justify"),
    }  # fmt: skip


def _appeal(row: Row) -> dict[str, Any] | None:
    outcome = row.read("outcome", lambda c: col.choice(c, ("upheld", "overturned"),
                       {"not decided": "", "pending": ""}))  # fmt: skip
    decided = bool(outcome)
    decided_on = row.read("decided on", col.date, "a decided appeal needs it" if decided else "")
    reasons = row.words("reasons", "a decided appeal records its reasons" if decided else "")
    if decided and not row.has("decided by"):
        row.problem("decided by", "name who decided the appeal, as your records do")
    if decided and (decided_on is None or reasons is None):
        return None
    chosen: AppealOutcome | None = outcome if outcome in ("upheld", "overturned") else None  # type: ignore[assignment]
    return {"outcome": chosen, "decided_on": decided_on, "reasons": reasons,
            "late_reason": row.words("late reason")}  # fmt: skip


READERS: dict[str, Callable[[Row], dict[str, Any] | None]] = {
    "incident": _incident,
    "adjustment": _adjustment,
    "review": _review,
    "appeal": _appeal,
}
