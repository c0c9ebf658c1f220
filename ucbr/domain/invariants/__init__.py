"""Every rule a record or the register's own files must satisfy, each written once.

One registry per subject. The write path, ``check``, the audit and the server's hook all
run these same lists (``base`` says how); ``docs/trust.md`` lists them, generated from
here. Adding a rule is adding an ``Invariant`` to one of the modules below.
"""

from __future__ import annotations

from ucbr.domain.invariants import changes, imports, records, register
from ucbr.domain.invariants.base import Facts, Invariant, introduced, judge_all, registry
from ucbr.domain.invariants.changes import Published
from ucbr.domain.invariants.register import Access, Removal
from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory

CASE: tuple[Invariant[Case], ...] = registry(records.CASE, imports.CASE, changes.CASE)
PROPERTY: tuple[Invariant[PropertyRisk], ...] = registry(
    records.PROPERTY, imports.PROPERTY, changes.PROPERTY
)
# What a key below casework can judge of a file: its schedule and entry.
PUBLISHED: tuple[Invariant[Published], ...] = registry(changes.PUBLISHED)
STAFF: tuple[Invariant[StaffDirectory], ...] = registry(register.STAFF)
ACCESS: tuple[Invariant[Access], ...] = registry(register.ACCESS)
SETTINGS: tuple[Invariant[PolicyConfig], ...] = registry(register.SETTINGS)
REMOVALS: tuple[Invariant[Removal], ...] = registry(register.REMOVALS)
# Every registry, by the name docs/trust.md gives it.
REGISTRIES: dict[str, tuple[Invariant[object], ...]] = {
    "records of cases": CASE,  # type: ignore[dict-item]  # one table of all kinds
    "records of properties": PROPERTY,  # type: ignore[dict-item]
    "schedules and entries (frontline)": PUBLISHED,  # type: ignore[dict-item]
    "the staff directory": STAFF,  # type: ignore[dict-item]
    "who holds the tier keys": ACCESS,  # type: ignore[dict-item]
    "the council's settings": SETTINGS,  # type: ignore[dict-item]
    "deletions": REMOVALS,  # type: ignore[dict-item]
}


def every() -> list[Invariant[object]]:
    """Every invariant of every subject, for the docs and the tests that cover each."""
    found = [inv for group in REGISTRIES.values() for inv in group]
    registry(found)  # every name unique across subjects too
    return found


def record_problems(
    before: Case | PropertyRisk | None, after: Case | PropertyRisk, facts: Facts
) -> list[str]:
    """What ``after`` breaks that ``before`` did not (everything, when ``before`` is None)."""
    if isinstance(after, Case):
        return introduced(CASE, before if isinstance(before, Case) else None, after, facts)
    return introduced(PROPERTY, before if isinstance(before, PropertyRisk) else None, after, facts)


__all__ = [
    "ACCESS",
    "CASE",
    "PROPERTY",
    "PUBLISHED",
    "REGISTRIES",
    "REMOVALS",
    "SETTINGS",
    "STAFF",
    "Access",
    "Facts",
    "Invariant",
    "Published",
    "Removal",
    "every",
    "introduced",
    "judge_all",
    "record_problems",
]
