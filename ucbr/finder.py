"""``lookup``: register entries that match a name, alias, e-mail, phone, postcode or UPRN."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ucbr import envelope
from ucbr.model import CaseEntry, PropertyEntry
from ucbr.plain import RISK_NAMES, long_date
from ucbr.store import Register, validate
from ucbr.vault import Keyring
from ucbr.yamlio import load_strict

if TYPE_CHECKING:
    from ucbr import lookup

Entry = CaseEntry | PropertyEntry


def entry_of_file(reg: Register, ring: Keyring, file_id: str) -> Entry:
    text = reg.read_text(file_id)
    where = envelope.relpath(file_id)
    armored = envelope.fast_section(text, "entry") or envelope.parse(text, where).sections["entry"]
    model: type[Entry] = CaseEntry if file_id.startswith("C-") else PropertyEntry
    entry = validate(model, load_strict(ring.open("entry", armored), where), f"{where} (entry)")
    if entry.id != file_id:
        from ucbr.errors import IntegrityError

        raise IntegrityError(f"{where}: the entry section belongs to another file")
    return entry


def entries(reg: Register, ring: Keyring) -> Iterator[Entry]:
    for file_id in reg.ids():
        yield entry_of_file(reg, ring, file_id)


@dataclass(frozen=True)
class Found:
    match: lookup.Match
    entry: Entry
    spoc_name: str | None = None  # the single point of contact, named from the staff directory

    def as_dict(self) -> dict[str, Any]:
        data = self.entry.model_dump(mode="json", exclude_none=True)
        return {
            "id": self.match.id,
            "score": self.match.score,
            "matched_on": self.match.matched_on,
            "possible": self.match.score < SURE,
            "entry": data,
        }

    def text(self, today: dt.date) -> str:
        e = self.entry
        if self.match.score < SURE:
            return self._possible()
        lines = [f"{e.id}  (match {self.match.score}%, on {self.match.matched_on})"]
        if isinstance(e, CaseEntry):
            lines.extend(self._case_lines(e))
        else:
            lines.append(f"  PROPERTY RISK at {_where(e)}")
            lines.append("  Risks: " + ", ".join(RISK_NAMES[r] for r in e.risks))
            lines.append(f"  Guidance for attending: {e.guidance}")
        if e.review_date:
            late = f"  REVIEW OVERDUE since {long_date(e.review_date)}: tell the case officer."
            due = f"  Review date: {long_date(e.review_date)}"
            lines.append(late if e.review_date < today else due)
        return "\n".join(lines) + "\n"

    def _case_lines(self, e: CaseEntry) -> list[str]:
        lines = [f"  {_who(e)}", "  ON THE REGISTER: contact is restricted."]
        lines.extend(f"  - {r.plain}" for r in e.restrictions)
        if e.single_point_of_contact:
            who = self.spoc_name or e.single_point_of_contact
            lines.append(f"  Single point of contact: {who} ({e.single_point_of_contact})")
        if e.essential_services:
            lines.append(f"  Essential services: {e.essential_services}")
        if e.appeal_in_progress:
            lines.append(
                "  APPEAL IN PROGRESS: the restrictions stay in force until it is decided."
            )
        return lines

    def _possible(self) -> str:
        """Who it might be, and nothing about the restrictions until identity is confirmed."""
        e = self.entry
        what = _who(e) if isinstance(e, CaseEntry) else f"property at {_where(e)}"
        return (
            f"{e.id}  (POSSIBLE match {self.match.score}%, on {self.match.matched_on}): {what}\n"
            f"  Confirm who this is (date of birth, address, e-mail), then `ucbr lookup` "
            f"with those details or `ucbr show {e.id}`.\n"
        )


def _who(e: CaseEntry) -> str:
    person = e.person
    if person is None:
        return "(no details)"
    return person.name + (f", {person.postcode}" if person.postcode else "")


def _where(e: PropertyEntry) -> str:
    return f"{e.address}, {e.postcode}" + (f" (UPRN {e.uprn})" if e.uprn else "")


SURE = 80  # at or above: a match; below, down to POSSIBLE: shown as a possible match
POSSIBLE = 60


def find(reg: Register, ring: Keyring, query: str) -> list[Found]:
    """The matches; when none is sure, the possible ones (a surname alone, a street)."""
    from ucbr import lookup  # fuzzy matching and phone parsing load only for a lookup

    by_id = {e.id: e for e in entries(reg, ring)}
    candidates = lookup.lookup(query, by_id.values(), threshold=POSSIBLE)
    sure = [m for m in candidates if m.score >= SURE]
    return [Found(m, by_id[m.id], _spoc_name(reg, by_id[m.id])) for m in sure or candidates]


def _spoc_name(reg: Register, entry: Entry) -> str | None:
    spoc = getattr(entry, "single_point_of_contact", None)
    member = reg.staff.by_id(spoc) if spoc else None
    return member.name if member else None


def entry_label(reg: Register, ring: Keyring, file_id: str) -> str:
    entry = entry_of_file(reg, ring, file_id)
    if isinstance(entry, CaseEntry):
        return entry.person.name if entry.person else ""
    return entry.address or ""
