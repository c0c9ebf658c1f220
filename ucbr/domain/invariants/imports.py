"""The invariants of records brought in by ``ucbr import``: what an import may claim."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ucbr.domain.invariants.base import Facts, Invariant
from ucbr.domain.model import Case
from ucbr.domain.provenance import EARLIER_RECORDS

# The fields that say who reported, proposed, recorded, lodged, reviewed or sent an item.
_DOERS = ("reported_by", "proposed_by", "recorded_by", "lodged_by", "by")
IMPORT_NAMES_NO_OFFICER = (
    "An import names no member of staff as having reported, proposed, recorded, lodged, "
    "reviewed or sent anything: none of them signed it here. The earlier records' names are "
    "kept as names, and the actor is earlier-records."
)
IMPORT_MARKED = (
    "A case an import brings in says so, naming the administrator who imported it, and every "
    "item in it keeps the row it came from."
)
ONLY_IMPORTS_ARE_IMPORTED = (
    "Only an import marks an item as brought in from earlier records: what any other action "
    "adds is its own (a letter it records has its hashes)."
)


def _items(case: Case) -> Iterator[tuple[str, Any]]:
    """Every item of a case, each with the name it is known by in a message."""
    yield from ((i.id, i) for i in case.incidents)
    yield from ((d.id, d) for d in case.decisions)
    yield from ((r.id, r) for r in case.reviews)
    yield from ((a.id, a) for a in case.appeals)
    yield from ((f"adjustment {a.kind}", a) for a in case.adjustments)
    yield from ((x.id, x) for x in case.letters)


def _names_no_officer(before: Case | None, case: Case, facts: Facts) -> Iterator[str]:
    del before
    if facts.action != "import":
        return
    for name, item in _items(case):
        for field in _DOERS:
            who = getattr(item, field, None)
            if who is not None and who != EARLIER_RECORDS:
                yield f"{name}.{field} names {who}, who did not sign it; an import names no one"


def _marked(before: Case | None, case: Case, facts: Facts) -> Iterator[str]:
    del before
    if facts.action != "import" or facts.actor is None:
        return
    if case.imported is None:
        yield f"{case.id} does not say it was imported"
    elif case.imported.by != facts.actor.id:
        yield f"{case.id} says it was imported by {case.imported.by}, not by {facts.actor.id}"
    for name, item in _items(case):
        if item.imported is None:
            yield f"{name} does not keep the row it was imported from"


def _only_imports(before: Case | None, case: Case, facts: Facts) -> Iterator[str]:
    if facts.action in (None, "import"):
        return
    old = {name for name, item in _items(before) if item.imported} if before else set()
    for name, item in _items(case):
        if item.imported is not None and name not in old:
            yield f"a {facts.action} added {name} marked as imported; only an import does"
    if case.imported != (before.imported if before else None):
        yield f"a {facts.action} changed how {case.id} says it was imported"


CASE: tuple[Invariant[Case], ...] = (
    Invariant("import-names-no-officer", IMPORT_NAMES_NO_OFFICER, "case", _names_no_officer),
    Invariant("import-marked", IMPORT_MARKED, "case", _marked),
    Invariant("only-imports-are-imported", ONLY_IMPORTS_ARE_IMPORTED, "case", _only_imports),
)
