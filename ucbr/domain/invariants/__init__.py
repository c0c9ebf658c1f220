"""Every rule a record or the register's own files must satisfy, each written once.

One registry per subject. The write path, ``check``, the audit and the server's hook all
run these same lists (``base`` says how); ``docs/trust.md`` lists them, generated from
here. Adding a rule is adding an ``Invariant`` to one of the modules below.
"""

from __future__ import annotations

from ucbr.domain.invariants import imports, records, register
from ucbr.domain.invariants.base import Facts, Invariant, introduced, judge_all, registry
from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import StaffDirectory

CASE: tuple[Invariant[Case], ...] = registry(records.CASE, imports.CASE)
PROPERTY: tuple[Invariant[PropertyRisk], ...] = registry(records.PROPERTY)
STAFF: tuple[Invariant[StaffDirectory], ...] = registry(register.STAFF)
SETTINGS: tuple[Invariant[PolicyConfig], ...] = registry(register.SETTINGS)


def every() -> list[Invariant[object]]:
    """Every invariant of every subject, for the docs and the tests that cover each."""
    return [*CASE, *PROPERTY, *STAFF, *SETTINGS]  # type: ignore[list-item]  # one list of all kinds


def record_problems(
    before: Case | PropertyRisk | None, after: Case | PropertyRisk, facts: Facts
) -> list[str]:
    """What ``after`` breaks that ``before`` did not (everything, when ``before`` is None)."""
    if isinstance(after, Case):
        return introduced(CASE, before if isinstance(before, Case) else None, after, facts)
    return introduced(PROPERTY, before if isinstance(before, PropertyRisk) else None, after, facts)


__all__ = [
    "CASE",
    "PROPERTY",
    "SETTINGS",
    "STAFF",
    "Facts",
    "Invariant",
    "every",
    "introduced",
    "judge_all",
    "record_problems",
]
