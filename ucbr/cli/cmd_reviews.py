"""Reviews, appeals, property risks, the morning review-due job, and lookup."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from ucbr import actions, policy, ui
from ucbr.cli.app import app, appeal_app, property_app
from ucbr.cli.common import check_identifiers, options, parse_date, today, warn_free_text
from ucbr.cli.terms import (
    BanUntilOpt,
    ConsiderationsOpt,
    ContactDaysOpt,
    ContactHoursOpt,
    DesignatedEmailOpt,
    EssentialOpt,
    NoFurtherOpt,
    OnlyChannelOpt,
    PremisesBanOpt,
    ReviewByOpt,
    SpocOpt,
    restrictions,
    terms,
)
from ucbr.due import DueItem, due_items, exit_code_for
from ucbr.errors import INTEGRITY, Refused
from ucbr.finder import find
from ucbr.model import RISK_KINDS, AppealOutcome, ReviewOutcome

Json = Annotated[bool, typer.Option("--json", help="Data as JSON on stdout.")]


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
    faults: list[str] = []
    items = due_items(reg, ring, day, within, faults)
    names = _names(reg, ring, items) if show_names else {}
    if json:
        ui.print_json(
            [{**i.as_dict(), **({"name": names.get(i.id)} if show_names else {})} for i in items]
        )
    elif items:
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
    for fault in faults:  # after the list: a damaged file must not hide what is due
        ui.err(f"ucbr: {fault}")
    raise typer.Exit(INTEGRITY if faults else exit_code_for(items))


def _names(reg: Any, ring: Any, items: list[DueItem]) -> dict[str, str]:
    from ucbr.finder import entry_label

    return {i.id: entry_label(reg, ring, i.id) for i in items}


def risk_kinds(given: list[str]) -> tuple[str, ...]:
    unknown = [r for r in given if r not in RISK_KINDS]
    if unknown:
        raise Refused(
            f"unknown risk kind {unknown[0][:40]!r}; the kinds are: {', '.join(RISK_KINDS)}"
        )
    return tuple(given)


@app.command()
def review(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE_ID")],
    outcome: Annotated[ReviewOutcome, typer.Option()],
    reasons: Annotated[str, typer.Option()],
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
    essential_services: EssentialOpt = None,
    review_by: ReviewByOpt = None,
) -> None:
    """Review a restriction: continue, vary (needs approval), or lift (a significant change)."""
    session = options(ctx).session()
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
        )
        variation = terms(
            restricted,
            incidents=incident,
            considerations=considerations,
            essential_services=essential_services,
            review_by=review_by,
        )
    req = policy.ReviewRequest(
        outcome=outcome,
        reasons=reasons,
        significant_change=significant_change,
        next_review=parse_date(next_review, "--next-review") if next_review else None,
        notify=notify,
        no_notify_reason=no_notify_reason,
        variation=variation,
    )
    done = actions.review(session, case_id, req)
    warn_free_text(reasons=reasons, no_notify_reason=no_notify_reason)
    late = " (held late)" if done.late else ""
    ui.out(f"{done.id}: review of {case_id.upper()}: {done.outcome}{late}")


@appeal_app.command("lodge")
def appeal_lodge(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE_ID")],
    received: Annotated[str, typer.Option(help="When the appeal arrived, YYYY-MM-DD.")],
    late_reason: Annotated[str | None, typer.Option(help="Why a late appeal is accepted.")] = None,
) -> None:
    """Record an appeal; the entry stays in force with an "appeal in progress" note."""
    appeal = actions.lodge_appeal(
        options(ctx).session(), case_id, parse_date(received, "--received"), late_reason
    )
    warn_free_text(late_reason=late_reason)
    ui.out(
        f"{appeal.id}: appeal against {appeal.decision} recorded; "
        "the restriction stays until it is decided"
    )


@appeal_app.command("decide")
def appeal_decide(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE_ID")],
    outcome: Annotated[AppealOutcome, typer.Option()],
    reasons: Annotated[str, typer.Option()],
    only_channel: OnlyChannelOpt = None,
    contact_days: ContactDaysOpt = None,
    contact_hours: ContactHoursOpt = None,
    designated_email: DesignatedEmailOpt = None,
    premises_ban: PremisesBanOpt = None,
    ban_until: BanUntilOpt = None,
    spoc: SpocOpt = None,
    no_further_responses: NoFurtherOpt = None,
    essential_services: EssentialOpt = None,
    considerations: ConsiderationsOpt = None,
    review_by: ReviewByOpt = None,
) -> None:
    """Decide an appeal, as an officer with no part in the original decision."""
    variation = None
    if outcome == "varied":
        restricted = restrictions(
            only_channel,
            contact_days,
            contact_hours,
            designated_email,
            premises_ban,
            ban_until,
            spoc,
            no_further_responses,
        )
        variation = terms(
            restricted,
            considerations=considerations,
            essential_services=essential_services,
            review_by=review_by,
        )
    appeal = actions.decide_appeal(options(ctx).session(), case_id, outcome, reasons, variation)
    warn_free_text(reasons=reasons)
    ui.out(f"{appeal.id}: appeal {appeal.outcome}")


@property_app.command("add")
def property_add(
    ctx: typer.Context,
    address: Annotated[str, typer.Option()],
    postcode: Annotated[str, typer.Option()],
    risk: Annotated[
        list[str],
        typer.Option("--risk", help="A kind of risk (one or more): " + ", ".join(RISK_KINDS)),
    ],
    guidance: Annotated[
        str, typer.Option(help="How to attend, e.g. 'attend in pairs; phone ahead'.")
    ],
    uprn: Annotated[
        str | None, typer.Option(help="Unique Property Reference Number, 1 to 12 digits.")
    ] = None,
    details: Annotated[
        str | None, typer.Option(help="Casework-only details; never shown to frontline.")
    ] = None,
    condition: Annotated[
        str | None, typer.Option(help="The lawful condition for special-category data.")
    ] = None,
    not_notified_reason: Annotated[
        str | None, typer.Option(help="Why the owner is not told.")
    ] = None,
) -> None:
    """Propose a risk at a property; it needs approval, has no end date, and is reviewed."""
    check_identifiers(postcode=postcode)
    prop = actions.add_property(
        options(ctx).session(),
        {
            "address": address,
            "postcode": postcode,
            "uprn": uprn,
            "risks": risk_kinds(risk),
            "guidance": guidance,
            "details": details,
            "condition": condition,
            "not_notified_reason": not_notified_reason,
        },
    )
    warn_free_text(details=details, condition=condition, not_notified_reason=not_notified_reason)
    ui.out(f"{prop.id}: property risk proposed; it needs approval by a manager or head of service")


@property_app.command("approve")
def property_approve(
    ctx: typer.Context, property_id: Annotated[str, typer.Argument(metavar="PROPERTY_ID")]
) -> None:
    """Approve a proposed property risk (or its variation)."""
    prop = actions.approve_property(options(ctx).session(), property_id)
    ui.out(f"{prop.id}: approved; next review {prop.next_review}")


@property_app.command("reject")
def property_reject(
    ctx: typer.Context,
    property_id: Annotated[str, typer.Argument(metavar="PROPERTY_ID")],
    reason: Annotated[str, typer.Option()],
) -> None:
    """Reject a proposed property risk."""
    prop = actions.reject_property(options(ctx).session(), property_id, reason)
    warn_free_text(reason=reason)
    ui.out(f"{prop.id}: rejected")


@property_app.command("review")
def property_review(
    ctx: typer.Context,
    property_id: Annotated[str, typer.Argument(metavar="PROPERTY_ID")],
    outcome: Annotated[ReviewOutcome, typer.Option()],
    reasons: Annotated[str, typer.Option()],
    risk: Annotated[
        list[str] | None, typer.Option("--risk", help="For vary: the new risks.")
    ] = None,
    guidance: Annotated[str | None, typer.Option(help="For vary: the new guidance.")] = None,
) -> None:
    """Review a property risk: continue, vary (needs approval) or lift."""
    variation: dict[str, Any] | None = None
    if outcome == "vary":
        variation = {
            k: v
            for k, v in {"risks": risk_kinds(risk) if risk else None, "guidance": guidance}.items()
            if v
        }
    prop = actions.review_property(options(ctx).session(), property_id, outcome, reasons, variation)
    warn_free_text(reasons=reasons)
    ui.out(f"{prop.id}: review recorded ({outcome}); next review {prop.next_review or 'none'}")


@app.command()
def lookup(ctx: typer.Context, query: str, json: Json = False) -> None:
    """Find a person or property on the register before contact: restrictions in plain words."""
    opts = options(ctx)
    found = find(opts.register(), opts.keyring(), query)
    if json:
        ui.print_json([f.as_dict() for f in found])
        return
    if not found:
        ui.out(
            f"Nothing on the register matches {query!r}. Check the spelling, or search by "
            "e-mail, phone or postcode: no match does not prove there is no restriction."
        )
        return
    for hit in found:
        ui.out(hit.text(today()))
