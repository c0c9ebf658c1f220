"""Duplicates: the same person or property recorded twice.

Pure. A second case for someone already recorded splits their history, so a reviewer sees
half the behaviour and the ladder starts again ("catch the same person under another name
or e-mail; no duplicate flags"). A new case is a likely duplicate of an existing one with
the same phone, the same e-mail, or the same name (give or take case, accents, order and
nicknames) with the same postcode or date of birth; a new property risk, of one with the
same UPRN or the same address and postcode. The officer then chooses: the existing case,
or a new one with a recorded reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ucbr.domain.matching import (
    SURE,
    address_words,
    normalise_phone,
    normalise_postcode,
    typed_address_score,
)
from ucbr.domain.model import Person
from ucbr.domain.names import name_score


@dataclass(frozen=True)
class Likely:
    """An existing case or property that may be the same one, and why (never the details)."""

    id: str
    why: str

    def line(self) -> str:
        """ "C-7F3K2QHM (same phone)"."""
        return f"{self.id} ({self.why})"


def _phones(person: Person) -> set[str]:
    return {p for p in (normalise_phone(x) for x in person.phones) if p}


def _emails(person: Person) -> set[str]:
    return {e.strip().casefold() for e in person.emails}


def same_person(new: Person, old: Person) -> str | None:
    """Why ``old`` is likely ``new``, or None."""
    if _phones(new) & _phones(old):
        return "same phone"
    if _emails(new) & _emails(old):
        return "same e-mail"
    if name_score(new.name, old.name) < SURE and not any(
        name_score(alias, old.name) >= SURE for alias in new.aliases
    ):
        return None
    postcode = normalise_postcode(new.postcode or "")
    if postcode is not None and postcode == normalise_postcode(old.postcode or ""):
        return "same name and postcode"
    if new.date_of_birth is not None and new.date_of_birth == old.date_of_birth:
        return "same name and date of birth"
    return None


def likely_people(new: Person, existing: Iterable[tuple[str, Person]]) -> list[Likely]:
    """Every recorded person who is likely the person about to get a new case."""
    found = []
    for case_id, old in existing:
        why = same_person(new, old)
        if why is not None:
            found.append(Likely(case_id, why))
    return found


def likely_properties(
    address: str,
    postcode: str,
    uprn: str | None,
    existing: Iterable[tuple[str, str, str, str | None]],
) -> list[Likely]:
    """Every recorded property (id, address, postcode, UPRN) likely the one being added."""
    wanted = normalise_postcode(postcode)
    typed = address_words(address)
    found = []
    for property_id, old_address, old_postcode, old_uprn in existing:
        if uprn and old_uprn and uprn.lstrip("0") == old_uprn.lstrip("0"):
            found.append(Likely(property_id, "same UPRN"))
        elif wanted is not None and wanted == normalise_postcode(old_postcode):
            same = typed_address_score(typed, address_words(old_address)) >= SURE
            if same and typed_address_score(address_words(old_address), typed) >= SURE:
                found.append(Likely(property_id, "same address and postcode"))
    return found


def duplicate_refusal(found: list[Likely], what: str, existing_hint: str) -> str:
    """The one-line refusal naming the likely duplicates and the choice to make."""
    named = ", ".join(x.line() for x in found)
    return (
        f"likely the same {what} as {named}: {existing_hint}, or give --not-a-duplicate REASON "
        "to record a new one"
    )
