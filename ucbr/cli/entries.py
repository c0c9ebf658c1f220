"""A register entry as staff read it before contact: one rendering, for `lookup` and `show`."""

from __future__ import annotations

import datetime as dt

from ucbr.domain.expiry import entry_on
from ucbr.domain.sections import CaseEntry, PropertyEntry
from ucbr.domain.words import ADJUSTMENT_NAMES, RISK_NAMES, headline, long_date


def entry_lines(
    entry: CaseEntry | PropertyEntry, today: dt.date, spoc_name: str | None = None
) -> list[str]:
    """The entry's lines, indented two spaces: who or where, the restrictions or the risk in
    plain words, and the review date (overdue said so)."""
    if isinstance(entry, CaseEntry):
        entry = entry_on(entry, today)  # restrictions past their end date no longer apply
        lines = _case_lines(entry, spoc_name)
    else:
        lines = _property_lines(entry)
    if entry.review_date:
        late = f"  REVIEW OVERDUE since {long_date(entry.review_date)}: tell the case officer."
        due = f"  Review date: {long_date(entry.review_date)}"
        lines.append(late if entry.review_date < today else due)
    return lines


def who(entry: CaseEntry) -> str:
    """The person's name, with their postcode when recorded."""
    person = entry.person
    if person is None:
        return "(no details)"
    return person.name + (f", {person.postcode}" if person.postcode else "")


def where(entry: PropertyEntry) -> str:
    """The property's address, postcode and UPRN."""
    return f"{entry.address}, {entry.postcode}" + (f" (UPRN {entry.uprn})" if entry.uprn else "")


def _case_lines(entry: CaseEntry, spoc_name: str | None) -> list[str]:
    if not entry.on_register:
        return [f"  {who(entry)}", "  Not on the register: no restrictions are in force."]
    lines = [f"  {who(entry)}", f"  ON THE REGISTER: {headline(entry.step)}."]
    lines.extend(f"  - {r.plain}" for r in entry.restrictions)
    if entry.single_point_of_contact:
        spoc = entry.single_point_of_contact
        lines.append(f"  Single point of contact: {f'{spoc_name} ({spoc})' if spoc_name else spoc}")
    if entry.essential_services:
        lines.append(f"  Essential services: {entry.essential_services}")
    if entry.appeal_in_progress:
        lines.append("  APPEAL IN PROGRESS: the restrictions stay in force until it is decided.")
    if entry.adjustments:
        needs = ", ".join(ADJUSTMENT_NAMES.get(a, a) for a in entry.adjustments)
        lines.append(f"  Reasonable adjustments: {needs}")
    if entry.person is not None and entry.person.representatives:
        acting = ", ".join(entry.person.representatives)
        lines.append(f"  Acting for them: {acting}; the restrictions cover their contact too.")
    return lines


def risk_words(entry: PropertyEntry) -> list[str]:
    """The risks in plain words; an other risk as recorded."""
    return [
        entry.other_risk if r == "other" and entry.other_risk else RISK_NAMES[r]
        for r in entry.risks
    ]


def _property_lines(entry: PropertyEntry) -> list[str]:
    if not entry.in_force:
        return ["  No property risk in force."]
    return [
        f"  PROPERTY RISK at {where(entry)}",
        "  Risks: " + ", ".join(risk_words(entry)),
        f"  Guidance for attending: {entry.guidance}",
    ]
