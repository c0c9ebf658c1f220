"""``ucbr lookup``: the register entry, before contact, in plain words."""

from __future__ import annotations

import datetime as dt

import typer

from ucbr.cli import ui
from ucbr.cli.app import app
from ucbr.cli.common import Json, finish, options
from ucbr.cli.entries import entry_lines, where, who
from ucbr.domain.sections import CaseEntry, PropertyEntry
from ucbr.services.clock import today
from ucbr.services.lookup import Found, find


@app.command()
def lookup(ctx: typer.Context, query: str, json: Json = False) -> None:
    """Find a person or property on the register before contact: restrictions in plain words."""
    opts = options(ctx)
    found, problems = find(opts.register(), opts.keyring(), query, today())
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
    if isinstance(entry, PropertyEntry) and hit.possible:
        lines.append("  Check the address: the risk is shown because it may be this one.")
    if hit.match.matched_on == "representative":
        lines.append(
            "  REPRESENTATIVE: this name acts for the person below; the restrictions cover "
            "contact they make on the person's behalf."
        )
    lines.extend(entry_lines(entry, today, hit.spoc_name))
    return "\n".join(lines) + "\n"


def _possible(hit: Found) -> str:
    """Who it might be, and nothing about the restrictions until identity is confirmed."""
    entry = hit.entry
    what = who(entry) if isinstance(entry, CaseEntry) else f"property at {where(entry)}"
    return (
        f"{entry.id}  (POSSIBLE match {hit.match.score}%, on {hit.match.matched_on}): {what}\n"
        f"  Confirm who this is (date of birth, address, e-mail), then `ucbr lookup` "
        f"with those details or `ucbr show {entry.id}`.\n"
    )
