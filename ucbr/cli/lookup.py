"""``ucbr lookup``: the register entry, before contact, in plain words."""

from __future__ import annotations

import datetime as dt

import typer

from ucbr.cli import ui
from ucbr.cli.app import app
from ucbr.cli.common import Json, finish, options
from ucbr.domain.sections import CaseEntry, PropertyEntry
from ucbr.domain.words import RISK_NAMES, long_date
from ucbr.services.clock import today
from ucbr.services.lookup import Found, find


@app.command()
def lookup(ctx: typer.Context, query: str, json: Json = False) -> None:
    """Find a person or property on the register before contact: restrictions in plain words."""
    opts = options(ctx)
    found, problems = find(opts.register(), opts.keyring(), query)
    if json:
        ui.print_json([f.as_dict() for f in found])
    elif found:
        for hit in found:
            ui.out(describe(hit, today()))
    else:
        ui.out(
            f"Nothing on the register matches {query!r}. Check the spelling, or search by "
            "e-mail, phone or postcode: no match does not prove there is no restriction."
        )
    finish(problems)


def describe(hit: Found, today: dt.date) -> str:
    """One match as frontline staff read it: the restrictions in plain words, or for a
    possible match of a person only who it might be. A property's risk shows on any."""
    entry = hit.entry
    if not hit.shows_details:
        return _possible(hit)
    sure = "match" if not hit.possible else "POSSIBLE match"
    lines = [f"{entry.id}  ({sure} {hit.match.score}%, on {hit.match.matched_on})"]
    if isinstance(entry, CaseEntry):
        lines.extend(_case_lines(entry, hit.spoc_name))
    else:
        if hit.possible:
            lines.append("  Check the address: the risk is shown because it may be this one.")
        lines.append(f"  PROPERTY RISK at {_where(entry)}")
        lines.append("  Risks: " + ", ".join(RISK_NAMES[r] for r in entry.risks))
        lines.append(f"  Guidance for attending: {entry.guidance}")
    if entry.review_date:
        late = f"  REVIEW OVERDUE since {long_date(entry.review_date)}: tell the case officer."
        due = f"  Review date: {long_date(entry.review_date)}"
        lines.append(late if entry.review_date < today else due)
    return "\n".join(lines) + "\n"


def _case_lines(entry: CaseEntry, spoc_name: str | None) -> list[str]:
    lines = [f"  {_who(entry)}", "  ON THE REGISTER: contact is restricted."]
    lines.extend(f"  - {r.plain}" for r in entry.restrictions)
    if entry.single_point_of_contact:
        who = spoc_name or entry.single_point_of_contact
        lines.append(f"  Single point of contact: {who} ({entry.single_point_of_contact})")
    if entry.essential_services:
        lines.append(f"  Essential services: {entry.essential_services}")
    if entry.appeal_in_progress:
        lines.append("  APPEAL IN PROGRESS: the restrictions stay in force until it is decided.")
    return lines


def _possible(hit: Found) -> str:
    """Who it might be, and nothing about the restrictions until identity is confirmed."""
    entry = hit.entry
    what = _who(entry) if isinstance(entry, CaseEntry) else f"property at {_where(entry)}"
    return (
        f"{entry.id}  (POSSIBLE match {hit.match.score}%, on {hit.match.matched_on}): {what}\n"
        f"  Confirm who this is (date of birth, address, e-mail), then `ucbr lookup` "
        f"with those details or `ucbr show {entry.id}`.\n"
    )


def _who(entry: CaseEntry) -> str:
    person = entry.person
    if person is None:
        return "(no details)"
    return person.name + (f", {person.postcode}" if person.postcode else "")


def _where(entry: PropertyEntry) -> str:
    return f"{entry.address}, {entry.postcode}" + (f" (UPRN {entry.uprn})" if entry.uprn else "")
