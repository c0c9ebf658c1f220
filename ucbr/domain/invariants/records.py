"""The invariants of a case or property record: what every record must satisfy, whoever
wrote it and however.

Each is judged by the write path before a commit, by ``check`` on every record, and by
the audit on every commit (``ucbr.domain.invariants.base``).
"""

from __future__ import annotations

from collections.abc import Iterator

from ucbr.domain.invariants.base import Facts, Invariant
from ucbr.domain.model import Case, PropertyRisk

APPROVER_IS_NOT_PROPOSER = (
    "The decision to manage a person’s contact in an alternative way with a Council service "
    "must be reviewed and approved by the relevant business manager / Head of Service."
)


def _four_eyes(before: Case | None, case: Case, facts: Facts) -> Iterator[str]:
    del before, facts
    reporters = {i.id: i.reported_by for i in case.incidents}
    for decision in case.decisions:
        if decision.approved_by is None:
            continue
        if decision.approved_by == decision.proposed_by:
            yield f"decision {decision.id} was approved by the officer who proposed it"
        elif decision.approved_by in {reporters.get(i) for i in decision.incidents}:
            yield f"decision {decision.id} was approved by a reporter of an incident it relies on"


def _property_four_eyes(
    before: PropertyRisk | None, prop: PropertyRisk, facts: Facts
) -> Iterator[str]:
    del before, facts
    decision = prop.decision
    if decision.approved_by is not None and decision.approved_by == decision.proposed_by:
        yield f"property risk {prop.id} was approved by the officer who proposed it"


CASE: tuple[Invariant[Case], ...] = (
    Invariant("four-eyes", APPROVER_IS_NOT_PROPOSER, "case", _four_eyes),
)
PROPERTY: tuple[Invariant[PropertyRisk], ...] = (
    Invariant("property-four-eyes", APPROVER_IS_NOT_PROPOSER, "property", _property_four_eyes),
)
