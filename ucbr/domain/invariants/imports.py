"""The invariants of records brought in by ``ucbr import``: what an import may claim.

An imported record is the importing administrator's attestation of what the council's
old system held. It may carry decisions, but it cannot make anyone else their author
after the fact: every decision it records as approved, rejected or decided is recorded
as approved, rejected or decided by the importer, whose signed commit vouches for it;
everyone else it names is earlier-records, with the sheet's names kept as data.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ucbr.domain.invariants.base import Facts, Invariant
from ucbr.domain.model import Case, PropertyRisk
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
IMPORTER_ATTESTS = (
    "An import may record a decision as approved, rejected or decided only by the officer "
    "who imports it: an imported approval is the importer's attestation, never a claim that "
    "someone else acted."
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


def _case_deciders(case: Case) -> Iterator[tuple[str, str]]:
    for decision in case.decisions:
        for who in (decision.approved_by, decision.rejected_by):
            if who is not None:
                yield f"decision {decision.id}", who
    for review in case.reviews:
        for who in (review.approved_by, review.rejected_by):
            if who is not None:
                yield f"review {review.id}", who
    for appeal in case.appeals:
        if appeal.decided_by is not None:
            yield f"appeal {appeal.id}", appeal.decided_by


def _property_deciders(prop: PropertyRisk) -> Iterator[tuple[str, str]]:
    for decision in (prop.decision, *([prop.proposal.decision] if prop.proposal else [])):
        for who in (decision.approved_by, decision.rejected_by):
            if who is not None:
                yield f"property risk {prop.id}", who


def _importer_attests(
    before: Case | PropertyRisk | None, record: Case | PropertyRisk, facts: Facts
) -> Iterator[str]:
    del before
    if facts.action != "import" or facts.actor is None:
        return
    found = _case_deciders(record) if isinstance(record, Case) else _property_deciders(record)
    for what, who in found:
        if who != facts.actor.id:
            yield f"the import records {what} as decided by {who}, not by its importer"


CASE: tuple[Invariant[Case], ...] = (
    Invariant("import-attests-only-its-importer", IMPORTER_ATTESTS, "case", _importer_attests),
    Invariant("import-names-no-officer", IMPORT_NAMES_NO_OFFICER, "case", _names_no_officer),
    Invariant("import-marked", IMPORT_MARKED, "case", _marked),
    Invariant("only-imports-are-imported", ONLY_IMPORTS_ARE_IMPORTED, "case", _only_imports),
)
PROPERTY: tuple[Invariant[PropertyRisk], ...] = (
    Invariant(
        "import-attests-only-its-importer-property", IMPORTER_ATTESTS, "property", _importer_attests
    ),
)
