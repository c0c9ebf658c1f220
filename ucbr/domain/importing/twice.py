"""A person entered twice in one sheet, under two references: found as ``add-incident``
finds a person already on the register (``ucbr.domain.duplicates``), the same phone, the
same e-mail, or the same name with the same postcode or date of birth."""

from __future__ import annotations

from collections import defaultdict

from ucbr.domain.duplicates import same_person
from ucbr.domain.importing.rows import PersonRows, SheetProblem
from ucbr.domain.matching import normalise_phone, normalise_postcode
from ucbr.domain.model import Person


def _keys(person: Person) -> set[str]:
    """What two records of one person are likely to share: only those are compared."""
    keys = {f"p:{p}" for p in (normalise_phone(x) for x in person.phones) if p}
    keys |= {f"e:{e.strip().casefold()}" for e in person.emails}
    if person.postcode and normalise_postcode(person.postcode):
        keys.add(f"c:{normalise_postcode(person.postcode)}")
    if person.date_of_birth is not None:
        keys.add(f"b:{person.date_of_birth.isoformat()}")
    return keys


def twice_in_sheet(people: list[PersonRows]) -> list[SheetProblem]:
    """A problem at the later row of each pair of references likely to be one person,
    unless that person's rows say why they are someone else (``not a duplicate``)."""
    buckets: dict[str, list[PersonRows]] = defaultdict(list)
    problems: list[SheetProblem] = []
    for found in people:
        if found.person is None:
            continue
        earlier: dict[int, PersonRows] = {}
        for key in _keys(found.person):
            for other in buckets[key]:
                earlier.setdefault(other.first_row, other)
            buckets[key].append(found)
        for row, other in sorted(earlier.items()):
            assert other.person is not None
            why = same_person(found.person, other.person)
            if why is not None and not found.details.get("not a duplicate"):
                problems.append(
                    SheetProblem(
                        found.first_row, "person",
                        f"likely the same person as the one on row {row} ({why}) under "
                        "another reference: give their rows one reference, or say why this "
                        "is someone else in the not a duplicate column",
                    )
                )  # fmt: skip
                break
    return problems
