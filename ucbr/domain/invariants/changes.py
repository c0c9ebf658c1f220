"""Change rules judged by who made a change and with which action, and what a key that
cannot read records can still prove of a file: its schedule and register entry.

A frontline or scheduler key opens the schedule and the entry, never the record they are
derived from. What can be judged from them alone is kept here as ``PUBLISHED`` rules, so
a frontline clone does not believe an entry that no action could have written: the two
sections must agree with each other; a register entry may change only with an action
that changes it (a case officer's "add-incident" cannot put anyone on the register, nor
take them off it); and an entry cannot change while the record it is derived from stays
byte for byte the same. What they cannot prove (that the record, which they cannot open,
says what the entry says) is proven by a casework key: see ``docs/trust.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ucbr.domain.invariants.base import Facts, Invariant
from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.sections import CaseEntry, PropertyEntry, Schedule
from ucbr.domain.views import on_register

FRONTLINE_CREATES = (
    "A frontline officer's key cannot read records, so what they create puts no one on the "
    "register and no property risk in force."
)
SECTIONS_AGREE = (
    "The schedule and the register entry are derived from the same record, so they say the "
    "same of it: whether it is on the register, its review date, and nothing more."
)
ENTRY_BY_ACTION = (
    "A register entry changes only with an action that changes it: on the register by an "
    "approval (or an import), off it by an approval, a review or an appeal decision."
)
ENTRY_FOLLOWS_RECORD = (
    "The schedule and entry are derived from the record: they cannot change while the "
    "record stays the same."
)
# Actions that re-seal a file without changing what it says.
RESEALING = frozenset({"staff-remove", "keys-rotate"})
_ON_CASE = frozenset({"approve", "import"})
_OFF_CASE = frozenset({"approve", "review", "appeal-decide"})
_ON_PROPERTY = frozenset({"property-approve", "import"})
_OFF_PROPERTY = frozenset({"property-review"})
# Which actions may change each part of an entry that stays on the register.
_CASE_FIELDS: dict[str, frozenset[str]] = {
    "person": frozenset({"add-incident", *_OFF_CASE}),
    "step": _OFF_CASE,
    "restrictions": _OFF_CASE,
    "single_point_of_contact": _OFF_CASE,
    "essential_services": _OFF_CASE,
    "review_date": _OFF_CASE,
    "appeal_in_progress": frozenset({"appeal-lodge", "appeal-decide"}),
    "adjustments": frozenset({"adjustment"}),
}
_PROPERTY_FIELDS: dict[str, frozenset[str]] = dict.fromkeys(
    ("address", "postcode", "uprn", "risks", "guidance", "review_date"),
    _ON_PROPERTY | _OFF_PROPERTY,
)


@dataclass(frozen=True)
class Published:
    """What a key below casework reads of a file: its schedule and its register entry, and
    whether the record section beside them changed in the commit (seen without a key)."""

    schedule: Schedule
    entry: CaseEntry | PropertyEntry
    record_changed: bool = True


def _frontline_creates(
    before: Case | PropertyRisk | None, record: Case | PropertyRisk, facts: Facts
) -> Iterator[str]:
    actor = facts.actor
    if before is not None or actor is None or actor.tier == "casework":
        return
    if isinstance(record, Case) and on_register(record):
        yield f"{actor.id}, whose key cannot read records, put someone on the register"
    elif isinstance(record, PropertyRisk) and record.decision.status == "approved":
        yield f"{actor.id}, whose key cannot read records, put a property risk in force"


def _in_force(entry: CaseEntry | PropertyEntry) -> bool:
    return entry.on_register if isinstance(entry, CaseEntry) else entry.in_force


def _shows_details(entry: CaseEntry | PropertyEntry) -> bool:
    """Whether an entry holds anything but its id and whether it is on the register."""
    fields = type(entry).model_fields
    return any(
        getattr(entry, name) != info.default
        for name, info in fields.items()
        if name not in ("id", "on_register", "in_force")
    )


def _sections_agree(before: Published | None, now: Published, facts: Facts) -> Iterator[str]:
    del before, facts
    schedule, entry = now.schedule, now.entry
    kind = "case" if isinstance(entry, CaseEntry) else "property"
    if schedule.id != entry.id or schedule.kind != kind:
        yield "the schedule and the entry are not of the same file"
        return
    if schedule.on_register != _in_force(entry):
        yield "the schedule and the entry disagree on whether it is on the register"
    elif not _in_force(entry) and _shows_details(entry):
        yield "the entry shows details of a file that is not on the register"
    elif schedule.next_review != entry.review_date:
        yield "the schedule and the entry disagree on the review date"
    elif isinstance(entry, CaseEntry) and entry.appeal_in_progress != (
        schedule.status == "appeal_pending"
    ):
        yield "the schedule and the entry disagree on whether an appeal is in progress"


def _entry_by_action(before: Published | None, now: Published, facts: Facts) -> Iterator[str]:
    action = facts.action
    if action is None:
        return
    entry = now.entry
    is_case = isinstance(entry, CaseEntry)
    on, off = (_ON_CASE, _OFF_CASE) if is_case else (_ON_PROPERTY, _OFF_PROPERTY)
    if before is None:
        if _in_force(entry) and action != "import":
            what = "put someone on the register" if is_case else "put a property risk in force"
            yield f"a {action} created a new file and {what}"
        return
    if action in RESEALING:
        if before.entry != entry or before.schedule != now.schedule:
            yield f"a {action} changed what the entry or schedule says, not only who reads it"
        return
    was, now_in = _in_force(before.entry), _in_force(entry)
    if not was and now_in and action not in on:
        yield f"a {action} put it on the register, which only an approval does"
    elif was and not now_in and action not in off:
        yield f"a {action} took it off the register, which no {action} does"
    elif was and now_in:
        yield from _fields_changed(before.entry, entry, action, is_case)


def _fields_changed(
    before: CaseEntry | PropertyEntry, after: CaseEntry | PropertyEntry, action: str, is_case: bool
) -> Iterator[str]:
    for name, actions in (_CASE_FIELDS if is_case else _PROPERTY_FIELDS).items():
        if getattr(before, name) != getattr(after, name) and action not in actions:
            yield f"a {action} changed the entry's {name}, which no {action} changes"


def _entry_follows_record(before: Published | None, now: Published, facts: Facts) -> Iterator[str]:
    del facts
    if before is None or now.record_changed:
        return
    if before.entry != now.entry or before.schedule != now.schedule:
        yield "the entry or schedule changed while the record stayed the same"


CASE: tuple[Invariant[Case], ...] = (
    Invariant("frontline-creates-off-register", FRONTLINE_CREATES, "case", _frontline_creates),
)
PROPERTY: tuple[Invariant[PropertyRisk], ...] = (
    Invariant(
        "frontline-creates-no-property-risk", FRONTLINE_CREATES, "property", _frontline_creates
    ),
)
PUBLISHED: tuple[Invariant[Published], ...] = (
    Invariant("sections-agree", SECTIONS_AGREE, "case", _sections_agree),
    Invariant("entry-changes-by-its-action", ENTRY_BY_ACTION, "case", _entry_by_action),
    Invariant("entry-follows-record", ENTRY_FOLLOWS_RECORD, "case", _entry_follows_record),
)
