"""The invariants of records brought in by ``ucbr import``: what an import may claim.

An imported record is the importing administrator's attestation of what the council's
old system held. It may carry decisions, but it cannot make anyone else their author
after the fact: every decision it records as approved, rejected or decided is recorded
as approved, rejected or decided by the importer, whose signed commit vouches for it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ucbr.domain.invariants.base import Facts, Invariant
from ucbr.domain.model import Case, PropertyRisk

IMPORTER_ATTESTS = (
    "An import may record a decision as approved, rejected or decided only by the officer "
    "who imports it: an imported approval is the importer's attestation, never a claim that "
    "someone else acted."
)


def _case_deciders(case: Case) -> Iterator[tuple[str, str]]:
    for decision in case.decisions:
        for who in (decision.approved_by, decision.rejected_by):
            if who is not None:
                yield f"decision {decision.id}", who
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
)
PROPERTY: tuple[Invariant[PropertyRisk], ...] = (
    Invariant(
        "import-attests-only-its-importer-property", IMPORTER_ATTESTS, "property", _importer_attests
    ),
)
