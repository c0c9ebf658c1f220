"""Reading who and what is already recorded, so a second case or property is not made by mistake.

A casework key reads every case's record (the person, whether or not they are on the
register); a frontline reporter's key reads only the register entries, so only people on
the register are compared. The comparison itself is pure (``ucbr.domain.duplicates``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ucbr.domain.duplicates import Likely, likely_people, likely_properties
from ucbr.domain.model import Person
from ucbr.domain.sections import CaseEntry
from ucbr.errors import UcbrError
from ucbr.storage import envelope
from ucbr.storage.files import validate
from ucbr.storage.scan import keep, scan
from ucbr.storage.store import Register
from ucbr.storage.vault import Keyring
from ucbr.storage.yamlio import load_strict


def _head(plain: bytes, key: str) -> bytes:
    """The lines of a record up to the end of its top-level ``key``: the person comes first
    in a case record as ucbr writes it, so the incidents and decisions after it need no
    parse. Anything else (another shape) is returned whole, for the full parse."""
    at = plain.find(f"\n{key}:".encode())
    if at < 0:
        return plain
    following = re.search(rb"\n[A-Za-z_]", plain[at + len(key) + 2 :])
    return plain if following is None else plain[: at + len(key) + 2 + following.start() + 1]


def _record_data(
    reg: Register, ring: Keyring, file_id: str, key: str | None = None
) -> dict[str, object] | None:
    """A file's record as data (only up to ``key`` if given), or None when it cannot be
    read (`check` reports those)."""
    try:
        text = reg.read_text(file_id)
        armored = envelope.fast_section(text, "record")
        if armored is None:
            armored = envelope.parse(text, envelope.relpath(file_id)).sections["record"]
        plain = ring.open("record", armored)
        data = load_strict(_head(plain, key) if key else plain, file_id)
    except UcbrError:
        return None
    return data if isinstance(data, dict) else None


def recorded_people(reg: Register, ring: Keyring) -> Iterator[tuple[str, Person]]:
    """Every person the caller's key can see: all cases with a casework key, else those on
    the register."""
    if ring.can_read("record"):
        for case_id in reg.ids("case"):
            data = _record_data(reg, ring, case_id, "person")
            if data is not None and isinstance(data.get("person"), dict):
                try:
                    yield case_id, validate(Person, data["person"], case_id)
                except UcbrError:
                    continue
        return
    found = scan(reg, ring, "entry", keep)
    for entry in found.found:
        if isinstance(entry, CaseEntry) and entry.person is not None:
            yield entry.id, entry.person


def people_like(reg: Register, ring: Keyring, person: Person) -> list[Likely]:
    """The recorded cases likely to be ``person`` already."""
    return likely_people(person, recorded_people(reg, ring))


def properties_like(
    reg: Register, ring: Keyring, address: str, postcode: str, uprn: str | None
) -> list[Likely]:
    """The recorded property risks likely to be this home already."""
    existing = []
    for property_id in reg.ids("property"):
        data = _record_data(reg, ring, property_id)
        decision = data.get("decision") if data is not None else None
        if data is None or not isinstance(decision, dict):
            continue
        if decision.get("status") not in ("proposed", "approved"):
            continue  # a risk rejected or lifted is no longer on the register
        existing.append(
            (
                property_id,
                str(data.get("address", "")),
                str(data.get("postcode", "")),
                str(data["uprn"]) if data.get("uprn") else None,
            )
        )
    return likely_properties(address, postcode, uprn, existing)
