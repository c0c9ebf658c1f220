"""Restrictions end on their date: what is in force on a given day.

A restriction given ``--until`` (a premises ban's ``--ban-until``) applies to the end of
that day. The record and the sections derived from it are written without the day
(``ucbr.domain.views``), so nothing is recorded when the day passes: every reader that
shows or acts on what is in force (lookup, show, list, review-due, check, letters, the
policy's own rules) asks this module, with the policy clock's day.

One restriction of several ending leaves the rest in force. A decision whose every
restriction has an end date ends as a whole after the last of them
(``views.decision_ends_on``): the person is off the register without a significant
change and without anyone recording anything, the reviews that would have followed are
not due, and the restriction-ended letter is owed from that day. The schedule carries the
end in advance (``restriction_end``), so the scheduler's key alone can tell.
"""

from __future__ import annotations

import datetime as dt

from ucbr.domain.model import Case, Decision, LetterKind, Restriction
from ucbr.domain.sections import CaseEntry, Schedule, ScheduleItem
from ucbr.domain.views import (
    decision_in_force,
    letter_issued,
    letters_owed,
    next_review,
    on_register,
    status_of,
)

ENDED = "ended"  # the status of a case whose restrictions all reached their end date
ENDED_LETTER: LetterKind = "restriction-ended"


def decision_ends_on(decision: Decision) -> dt.date | None:
    """The first day a decision no longer applies when every restriction of it has an end
    date: the day after the last of them. None when one lasts until lifted or varied."""
    ends = [r.until for r in decision.restrictions]
    if not ends or None in ends:
        return None
    return max(day for day in ends if day is not None) + dt.timedelta(days=1)


def told_it_ended(case: Case, decision: Decision) -> bool:
    """Whether the restriction-ended letter about ``decision`` went out once it had ended."""
    ends = decision_ends_on(decision)
    return ends is not None and letter_issued(case, ENDED_LETTER, decision.id, ends)


def review_and_end(case: Case, current: Decision) -> list[ScheduleItem]:
    """The schedule's items for the decision in force, written without the day: its review,
    unless the decision ends first; and, when it ends on a date, that day in advance
    (``restriction_end``) and the restriction-ended letter owed from it, until sent."""
    review_on, ends = next_review(case), decision_ends_on(current)
    items = []
    if review_on is not None and (ends is None or review_on < ends):
        items.append(ScheduleItem(what="restriction_review", due=review_on, detail=current.id))
    if ends is not None:
        items.append(ScheduleItem(what="restriction_end", due=ends, detail=current.id))
        if not told_it_ended(case, current):
            items.append(ScheduleItem(what="letter", due=ends, detail=ENDED_LETTER))
    return items


def letters_owed_on(case: Case, day: dt.date) -> list[tuple[str, dt.date, str]]:
    """The letters owed on ``day`` (``views.letters_owed``), and the restriction-ended
    letter of a decision that has ended on its date by then, until it is sent."""
    owed = letters_owed(case)
    ended = ended_on_its_date(case, day)
    if ended is not None and not told_it_ended(case, ended):
        ends = decision_ends_on(ended)
        assert ends is not None
        owed.append((ENDED_LETTER, ends, ended.id))
    return owed


def in_force_on(restriction: Restriction, day: dt.date) -> bool:
    """Whether a restriction applies on ``day``: it has no end date, or has not passed it."""
    return restriction.until is None or restriction.until >= day


def as_on(decision: Decision, day: dt.date) -> Decision:
    """``decision`` with only the restrictions that apply on ``day``."""
    kept = tuple(r for r in decision.restrictions if in_force_on(r, day))
    if len(kept) == len(decision.restrictions):
        return decision
    return decision.model_copy(update={"restrictions": kept})


def has_ended(decision: Decision, day: dt.date) -> bool:
    """Whether every restriction of ``decision`` has passed its end date by ``day``."""
    ends = decision_ends_on(decision)
    return ends is not None and ends <= day


def in_force(case: Case, day: dt.date) -> Decision | None:
    """The decision in force on ``day``: the one approved, unless it has ended on its date."""
    current = decision_in_force(case)
    return None if current is None or has_ended(current, day) else current


def ended_on_its_date(case: Case, day: dt.date) -> Decision | None:
    """The decision approved last, when it has ended on its end date by ``day``."""
    current = decision_in_force(case)
    return current if current is not None and has_ended(current, day) else None


def on_register_on(case: Case, day: dt.date) -> bool:
    """On the register on ``day``: a restriction approved and not past its end date."""
    return on_register(case) and in_force(case, day) is not None


def status_on(case: Case, day: dt.date) -> str:
    """One word for where the case stands on ``day``: ``ended`` once its restrictions have
    all reached their end date, else as the record says (``views.status_of``)."""
    if on_register(case) and ended_on_its_date(case, day) is not None:
        return ENDED
    return status_of(case)


def entry_on(entry: CaseEntry, day: dt.date) -> CaseEntry:
    """The register entry as it stands on ``day``: only the restrictions that still apply;
    none left, and the person is not on the register (nor shown, as after a lift)."""
    if not entry.on_register:
        return entry
    kept = tuple(r for r in entry.restrictions if in_force_on(r.detail, day))
    if len(kept) == len(entry.restrictions):
        return entry
    if not kept:
        return CaseEntry(id=entry.id, on_register=False)
    spoc = next((r.detail.staff for r in kept if r.kind == "single_point_of_contact"), None)
    return entry.model_copy(update={"restrictions": kept, "single_point_of_contact": spoc})


def schedule_on(schedule: Schedule, day: dt.date) -> Schedule:
    """The schedule as it stands on ``day``. Once the restrictions have reached their end
    (its ``restriction_end`` item), the case is off the register and their reviews are not
    due; a letter is never due before its day (the restriction-ended letter, carried in
    advance, is owed from the end)."""
    ended = {
        item.detail for item in schedule.items if item.what == "restriction_end" and item.due <= day
    }
    items = tuple(
        item
        for item in schedule.items
        if not (item.what == "letter" and item.due > day)
        and not (item.what in ("restriction_review", "restriction_end") and item.detail in ended)
    )
    if not ended:
        return schedule if items == schedule.items else schedule.model_copy(update={"items": items})
    return schedule.model_copy(
        update={"items": items, "on_register": False, "status": ENDED, "next_review": None}
    )


def endings(case: Case, day: dt.date) -> list[tuple[dt.date, str, str | None]]:
    """What ended on its date by ``day``, as the history shows it: (the last day it applied,
    the decision, the kind of restriction, or None when the whole decision ended). Nothing
    of it was recorded: it is derived from the end dates."""
    found: list[tuple[dt.date, str, str | None]] = []
    for decision in case.decisions:
        if decision.status != "approved":
            continue  # one lifted, varied or overturned ended then, by a recorded step
        ends = decision_ends_on(decision)
        if ends is not None and ends <= day:
            found.append((ends - dt.timedelta(days=1), decision.id, None))
            continue
        found.extend(
            (r.until, decision.id, r.kind)
            for r in decision.restrictions
            if r.until is not None and r.until < day
        )
    return sorted(found, key=lambda item: item[0])
