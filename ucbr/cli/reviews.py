"""Reviews: the six-monthly review of a restriction, and the morning ``review-due`` job."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from ucbr.cli import ui
from ucbr.cli.app import app
from ucbr.cli.common import (
    Json,
    LateReasonOpt,
    OnOpt,
    finish,
    options,
    parse_date,
    report,
    warn_free_text,
)
from ucbr.cli.terms import (
    BanUntilOpt,
    ConsiderationsOpt,
    ContactDaysOpt,
    ContactHoursOpt,
    DesignatedEmailOpt,
    EndOpt,
    EssentialOpt,
    JustifyOpt,
    NoFurtherOpt,
    OnlyChannelOpt,
    OtherOpt,
    PremisesBanOpt,
    ReviewByOpt,
    SpocOpt,
    UntilOpt,
    restrictions,
    terms,
)
from ucbr.domain import policy
from ucbr.domain.model import ReviewOutcome
from ucbr.errors import Refused
from ucbr.services import casework
from ucbr.services.clock import today
from ucbr.services.due import DueItem, due_items, exit_code_for
from ucbr.services.upstream import tracking
from ucbr.storage.store import Register
from ucbr.storage.vault import Keyring


@app.command("review-due")
def review_due(
    ctx: typer.Context,
    within: Annotated[int, typer.Option(help="Days ahead to look.")] = 14,
    as_of: Annotated[str | None, typer.Option(help="The day to count from, YYYY-MM-DD.")] = None,
    json: Json = False,
    show_names: Annotated[
        bool, typer.Option(help="Add names (needs a key that reads entries).")
    ] = False,
) -> None:
    """List what needs action. Silent, exit 0, when nothing is due; 3 when due; 4 when overdue."""
    opts = options(ctx)
    reg, ring = opts.register(), opts.keyring()
    day = parse_date(as_of, "--as-of") if as_of else today()
    if within < 0:
        raise Refused("--within must be zero or more days")
    if show_names and not ring.can_read("entry"):
        raise Refused(
            "--show-names needs a key that can read register entries; a scheduler key cannot"
        )
    items, problems = due_items(reg, ring, day, within)
    names = _names(reg, ring, items) if show_names else {}
    clone = tracking(reg.root)
    if json:
        ui.print_json(
            {
                "as_of": day.isoformat(),
                "within": within,
                # How this clone stands against the server (as of its last fetch): items
                # done elsewhere but not yet pulled, or done here and not yet sent.
                "sync": clone.as_dict() if clone is not None else None,
                "items": [
                    {**i.as_dict(), **({"name": names.get(i.id)} if show_names else {})}
                    for i in items
                ],
            }
        )
        finish(problems, exit_code_for(items))
        return
    unsynced = clone.line() if clone is not None else None
    if unsynced:
        ui.err(f"ucbr: {unsynced}")
    if items:
        columns = ["id", "what", "due", "days", "detail"] + (["name"] if show_names else [])
        rows = [
            [i.id, i.what, i.due.isoformat(), i.when, i.detail or ""]
            + ([names.get(i.id, "")] if show_names else [])
            for i in items
        ]
        ui.table(
            f"Due by {(day + dt.timedelta(days=within)).isoformat()} (as of {day.isoformat()})",
            columns,
            rows,
        )
    # After the list: a damaged file must not hide what is due.
    finish(problems, exit_code_for(items))


def _names(reg: Register, ring: Keyring, items: list[DueItem]) -> dict[str, str]:
    from ucbr.services.lookup import entry_label

    return {i.id: entry_label(reg, ring, i.id) for i in items}


@app.command()
def review(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE_ID")],
    outcome: Annotated[ReviewOutcome, typer.Option()],
    reasons: Annotated[
        str, typer.Option(help="Why. Printed in the review-outcome letter as written.")
    ],
    significant_change: Annotated[bool, typer.Option("--significant-change")] = False,
    next_review: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD; at most the review interval on.")
    ] = None,
    notify: Annotated[
        bool, typer.Option("--notify/--no-notify", help="Tell the person the outcome.")
    ] = True,
    no_notify_reason: Annotated[str | None, typer.Option()] = None,
    incident: Annotated[
        list[str] | None, typer.Option("--incident", help="For vary: incidents relied on.")
    ] = None,
    considerations: ConsiderationsOpt = None,
    only_channel: OnlyChannelOpt = None,
    contact_days: ContactDaysOpt = None,
    contact_hours: ContactHoursOpt = None,
    designated_email: DesignatedEmailOpt = None,
    premises_ban: PremisesBanOpt = None,
    ban_until: BanUntilOpt = None,
    spoc: SpocOpt = None,
    no_further_responses: NoFurtherOpt = None,
    other_restriction: OtherOpt = None,
    until: UntilOpt = None,
    end: EndOpt = None,
    essential_services: EssentialOpt = None,
    review_by: ReviewByOpt = None,
    justify: JustifyOpt = None,
    on: OnOpt = None,
    late_reason: LateReasonOpt = None,
    json: Json = False,
) -> None:
    """Review a restriction: continue, vary (needs approval), or lift (a significant change).

    A variation starts from the restrictions in force: those given replace their kind,
    --end ends one, and everything else carries over.
    """
    session = options(ctx).session(on, late_reason)
    variation = None
    if outcome == "vary":
        restricted = restrictions(
            only_channel,
            contact_days,
            contact_hours,
            designated_email,
            premises_ban,
            ban_until,
            spoc,
            no_further_responses,
            until,
            other_restriction,
        )
        variation = terms(
            restricted,
            incidents=incident,
            considerations=considerations,
            essential_services=essential_services,
            review_by=review_by,
            justification=justify,
            end=end,
        )
    req = policy.ReviewRequest(
        outcome=outcome,
        reasons=reasons,
        significant_change=significant_change,
        next_review=parse_date(next_review, "--next-review") if next_review else None,
        notify=notify,
        no_notify_reason=no_notify_reason,
        variation=variation,
        justification=justify,
    )
    done = casework.review(session, case_id, req)
    warn_free_text(
        ctx,
        reasons=reasons,
        no_notify_reason=no_notify_reason,
        justify=justify,
        late_reason=late_reason,
    )
    late = " (held late)" if done.late else ""
    line = f"{done.id}: review of {case_id.upper()}: {done.outcome}{late}"
    report(ctx, json, line, case=case_id.upper(), review=done.id, outcome=done.outcome)
