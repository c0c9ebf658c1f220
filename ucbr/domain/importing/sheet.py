"""A sheet's rows read into people and their events, every problem named by row and column.

Pure: the rows come in as cells (``ucbr.storage.sheets`` reads the file); what comes out is,
for each person, their details and their events in the order they happened, and the list
of every problem found. Nothing here echoes what a cell holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from ucbr.domain.importing import columns as col
from ucbr.domain.importing.events import read_event
from ucbr.domain.importing.rows import Event, PersonRows, Row, SheetProblem
from ucbr.domain.matching import normalise_phone, normalise_postcode
from ucbr.domain.model import Person

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def read_sheet(
    header: Iterable[col.Cell], rows: Iterable[tuple[int, list[col.Cell]]]
) -> tuple[list[PersonRows], list[SheetProblem]]:
    """The people of a sheet and their events, and every problem found in it."""
    problems: list[SheetProblem] = []
    names = _columns(list(header), problems)
    if "person" not in names.values() or "event" not in names.values():
        missing = [n for n in ("person", "event", "date") if n not in names.values()]
        problems.append(SheetProblem(1, None, f"the header row has no {', '.join(missing)} column"))
        return [], problems
    people: dict[str, PersonRows] = {}
    for number, cells in rows:
        by_name = {names[i]: cell for i, cell in enumerate(cells) if i in names}
        if all(col.text(cell) == "" for cell in cells):
            continue  # a blank row
        row = Row(number, by_name, problems)
        reference = row.words("person", "every row names its person")
        if reference is None:
            continue
        key = col.words(reference)
        found = people.setdefault(key, PersonRows(reference, number))
        before = len(problems)
        _merge_details(found, row)
        event = read_event(row)
        if event is not None:
            found.events.append(event)
        found.broken = found.broken or len(problems) > before
    for person in people.values():
        person.person = _person(person, problems)
        person.broken = person.broken or person.person is None
        person.events.sort(key=Event.order)
    return list(people.values()), problems


def _columns(header: list[col.Cell], problems: list[SheetProblem]) -> dict[int, str]:
    """Each column's position to its name; a header ucbr does not read is a problem."""
    names: dict[int, str] = {}
    for index, cell in enumerate(header):
        if col.text(cell) == "":
            continue
        name = col.header_name(cell)
        letter = _letter(index)
        if name is None:
            problems.append(
                SheetProblem(1, f"column {letter}", "is not a column ucbr imports (see "
                             "`ucbr import --template`)")
            )  # fmt: skip
        elif name in names.values():
            problems.append(SheetProblem(1, f"column {letter}", f"repeats the column {name}"))
        else:
            names[index] = name
    return names


def _letter(index: int) -> str:
    """A column's letters as a spreadsheet shows them: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_PERSON_FIELDS = ("name", "title", "other names", "date of birth", "address", "postcode",
                  "email", "phone", "not a duplicate")  # fmt: skip


def _merge_details(person: PersonRows, row: Row) -> None:
    """The person's details from this row: a detail given twice must agree."""
    for name in _PERSON_FIELDS:
        if not row.has(name):
            continue
        value: Any = col.text(row.raw(name)) if name != "phone" else col.phone(row.raw(name))
        if name == "date of birth":
            value = row.read(name, col.date)
            if value is None:
                continue
        known = person.details.get(name)
        if known is None:
            person.details[name] = value
            person.seen_on[name] = row.number
        elif _same(known) != _same(value):
            row.problem(name, f"differs from row {person.seen_on[name]} for the same person")


def _same(value: Any) -> Any:
    return col.words(value) if isinstance(value, str) else value


def _person(found: PersonRows, problems: list[SheetProblem]) -> Person | None:
    """The person's details as the register holds them; problems at their first row."""
    details = found.details
    row = Row(found.seen_on.get("name", found.first_row), {}, problems)
    if not details.get("name"):
        row.problem("name", "is blank on every row of this person; give it on one")
        return None
    emails = col.items(details.get("email") or "")
    phones = col.items(details.get("phone") or "")
    bad = [("email", "is not an e-mail address") for e in emails if not _EMAIL.match(e)] + [
        ("phone", "is not a telephone number") for p in phones if normalise_phone(p) is None
    ]
    postcode = details.get("postcode")
    if postcode and normalise_postcode(postcode) is None:
        bad.append(("postcode", "is not a UK postcode"))
    for name, why in dict(bad).items():
        Row(found.seen_on.get(name, found.first_row), {}, problems).problem(name, why)
    if bad:
        return None
    try:
        return Person(
            name=details["name"],
            title=details.get("title"),
            aliases=col.items(details.get("other names") or ""),
            date_of_birth=details.get("date of birth"),
            address=details.get("address"),
            postcode=normalise_postcode(postcode) if postcode else None,
            emails=emails,
            phones=phones,
        )
    except ValidationError as exc:
        where = str(exc.errors()[0]["loc"][0])
        column = {"aliases": "other names", "date_of_birth": "date of birth"}.get(where, where)
        Row(found.seen_on.get(column, found.first_row), {}, problems).problem(
            column, "is too long or holds a line break"
        )
        return None
