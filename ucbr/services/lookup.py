"""``lookup`` over the register: read every entry the caller's key opens, keep the matches.

The matching itself is pure (``ucbr.domain.matching``); this reads the entries (in the
scan's worker processes, which keep only what matches) and names the single point of
contact from the staff directory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ucbr.domain.expiry import entry_on
from ucbr.domain.problems import Problem
from ucbr.domain.sections import CaseEntry, PropertyEntry
from ucbr.storage.scan import Entry, entry_of_file, scan
from ucbr.storage.store import Register
from ucbr.storage.vault import Keyring

if TYPE_CHECKING:
    from ucbr.domain.matching import Match, Query


@dataclass(frozen=True)
class Found:
    """One entry found: how sure the match is, the entry, and the contact's name."""

    match: Match
    entry: Entry
    spoc_name: str | None = None  # the single point of contact, named from the staff directory

    @property
    def possible(self) -> bool:
        """A possible match only: who it might be, and for a person never the restrictions."""
        return not self.match.sure

    @property
    def shows_details(self) -> bool:
        """Shown in full: a sure match, or any plausible match of a property's risk."""
        return self.match.shows_details

    def as_dict(self) -> dict[str, Any]:
        """The match as JSON data."""
        data = self.entry.model_dump(mode="json", exclude_none=True)
        if not self.shows_details and isinstance(self.entry, CaseEntry):
            # Who it might be, as the text shows it: nothing about the restrictions.
            person = self.entry.person
            who = {"name": person.name, "postcode": person.postcode} if person else {}
            data = {"id": self.entry.id, "person": {k: v for k, v in who.items() if v}}
        return {
            "id": self.match.id,
            "score": self.match.score,
            "matched_on": self.match.matched_on,
            "possible": self.possible,
            "entry": data,
        }


def _matching(
    query: Query, day: dt.date, file_id: str, section: BaseModel
) -> tuple[Match, Entry] | None:
    from ucbr.domain.matching import POSSIBLE, match_entry

    del file_id
    assert isinstance(section, (CaseEntry, PropertyEntry))
    if isinstance(section, CaseEntry):
        section = entry_on(section, day)  # restrictions past their end date are not shown
    match = match_entry(query, section)
    return (match, section) if match is not None and match.score >= POSSIBLE else None


def find(
    reg: Register, ring: Keyring, query: str, day: dt.date
) -> tuple[list[Found], list[Problem]]:
    """The matches staff are shown (``matching.shortlist``): the sure ones, else the possible
    ones (a surname alone, a street), and any plausible property risk either way; each entry
    as it stands on ``day`` (``ucbr.domain.expiry``).

    A file that cannot be read is a problem, returned beside the matches of every other.
    """
    from ucbr.domain.matching import Query, shortlist

    result = scan(reg, ring, "entry", partial(_matching, Query.of(query), day))
    entries = {match.id: entry for match, entry in result.found}
    shown = shortlist(match for match, _ in result.found)
    found = [Found(m, entries[m.id], _spoc_name(reg, entries[m.id])) for m in shown]
    return found, result.problems


def _spoc_name(reg: Register, entry: Entry) -> str | None:
    spoc = entry.single_point_of_contact if isinstance(entry, CaseEntry) else None
    member = reg.staff.by_id(spoc) if spoc else None
    return member.name if member else None


def entry_label(reg: Register, ring: Keyring, file_id: str) -> str:
    """The name (or a property's address) an entry holds, for ``review-due --show-names``."""
    entry = entry_of_file(reg, ring, file_id)
    if isinstance(entry, CaseEntry):
        return entry.person.name if entry.person else ""
    return entry.address or ""
