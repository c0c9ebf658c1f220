"""What a key that cannot read records still proves of a file: its schedule and its entry.

A frontline clone's ``lookup`` relies on the register entry, which is derived from a
record it cannot open. Each commit's schedule and entry are judged by the ``PUBLISHED``
invariants (``ucbr.domain.invariants.changes``): they agree with each other, the entry
changes only with an action that changes it, and never while the record stays the same.
What only the record proves is left to a casework key (``docs/trust.md``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ucbr.domain.invariants import PUBLISHED, Facts, Published, introduced, judge_all
from ucbr.domain.sections import CaseEntry, PropertyEntry, Schedule

ENTRY_MODELS: dict[str, type[CaseEntry] | type[PropertyEntry]] = {
    "case": CaseEntry,
    "property": PropertyEntry,
}


def models_of(sections: dict[str, Any], file_id: str, kind: str) -> dict[str, BaseModel | None]:
    """The schedule and entry opened, each as its model (None where it is not valid, or
    is another file's)."""
    found: dict[str, BaseModel | None] = {}
    for name, model in (("schedule", Schedule), ("entry", ENTRY_MODELS[kind])):
        if name not in sections:
            continue
        try:
            section: BaseModel | None = model.model_validate(sections[name])
        except ValueError:
            section = None
        found[name] = section if getattr(section, "id", None) == file_id else None
    return found


def published(models: dict[str, BaseModel | None], record_changed: bool) -> Published | None:
    """The schedule and entry as one subject, where both were opened and are valid."""
    schedule, entry = models.get("schedule"), models.get("entry")
    if not isinstance(schedule, Schedule) or not isinstance(entry, (CaseEntry, PropertyEntry)):
        return None
    return Published(schedule, entry, record_changed)


def judge_published(
    before: dict[str, BaseModel | None] | None,
    after: dict[str, BaseModel | None] | None,
    record_changed: bool,
    facts: Facts,
) -> list[str]:
    """The problems of one commit's schedule and entry: ``before`` is None for a new file,
    ``after`` None for a deleted one; each holds what the caller's key opened."""
    if after is None:
        return []
    invalid = [f"the {name} section is not valid" for name, model in after.items() if not model]
    now = published(after, record_changed)
    if now is None:
        return invalid
    if before is None:
        return invalid + introduced(PUBLISHED, None, now, facts)
    then = published(before, record_changed)
    if then is None:  # the file before is not readable: judge it as it stands
        return invalid + judge_all(PUBLISHED, None, now, Facts(facts.cfg, facts.staff))
    return invalid + introduced(PUBLISHED, then, now, facts)
