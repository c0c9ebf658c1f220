"""``ucbr property``: properties that put visiting staff at risk."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from ucbr.cli.app import property_app
from ucbr.cli.common import (
    Json,
    check_identifiers,
    options,
    report,
    spelled,
    stored,
    warn_free_text,
)
from ucbr.domain import policy
from ucbr.domain.model import RISK_KINDS, ReviewOutcome, RiskKind
from ucbr.errors import Refused
from ucbr.services import casework


def risk_kinds(given: list[str]) -> tuple[RiskKind, ...]:
    """The risk kinds given, each one of the policy's list; refused otherwise."""
    given = [stored(r) for r in given]
    unknown = [r for r in given if r not in RISK_KINDS]
    if unknown:
        kinds = ", ".join(map(spelled, RISK_KINDS))
        raise Refused(f"unknown risk kind {spelled(unknown[0][:40])!r}; the kinds are: {kinds}")
    return tuple(r for r in RISK_KINDS if r in given)


@property_app.command("add")
def property_add(
    ctx: typer.Context,
    address: Annotated[str, typer.Option()],
    postcode: Annotated[str, typer.Option()],
    risk: Annotated[
        list[str],
        typer.Option(
            "--risk", help="A kind of risk (one or more): " + ", ".join(map(spelled, RISK_KINDS))
        ),
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
    other_risk: Annotated[
        str | None, typer.Option(help="With --risk other: what the risk is, as staff read it.")
    ] = None,
    not_notified_reason: Annotated[
        str | None, typer.Option(help="Why the owner is not told.")
    ] = None,
    not_a_duplicate: Annotated[
        str | None,
        typer.Option(
            help="Why this is a new property risk although one is recorded at the same "
            "address or UPRN."
        ),
    ] = None,
    json: Json = False,
) -> None:
    """Propose a risk at a property; it needs approval, has no end date, and is reviewed.

    A property already recorded at the same address and postcode, or UPRN, is refused,
    naming it: review that one, or give --not-a-duplicate REASON.
    """
    check_identifiers(postcode=postcode)
    terms = policy.PropertyTerms(
        address=address,
        postcode=postcode,
        risks=risk_kinds(risk),
        guidance=guidance,
        not_notified_reason=not_notified_reason,
        uprn=uprn,
        details=details,
        condition=condition,
        other_risk=other_risk,
    )
    prop = casework.add_property(options(ctx).session(), terms, not_a_duplicate)
    warn_free_text(
        ctx,
        other_risk=other_risk,
        details=details,
        condition=condition,
        not_notified_reason=not_notified_reason,
        not_a_duplicate=not_a_duplicate,
    )
    line = f"{prop.id}: property risk proposed; it needs approval by a manager or head of service"
    report(ctx, json, line, property=prop.id)


@property_app.command("approve")
def property_approve(
    ctx: typer.Context,
    property_id: Annotated[str, typer.Argument(metavar="PROPERTY_ID")],
    json: Json = False,
) -> None:
    """Approve a proposed property risk (or its variation)."""
    prop = casework.approve_property(options(ctx).session(), property_id)
    line = f"{prop.id}: approved; next review {prop.next_review}"
    report(ctx, json, line, property=prop.id, next_review=_day(prop.next_review))


@property_app.command("reject")
def property_reject(
    ctx: typer.Context,
    property_id: Annotated[str, typer.Argument(metavar="PROPERTY_ID")],
    reason: Annotated[str, typer.Option()],
    json: Json = False,
) -> None:
    """Reject a proposed property risk."""
    prop = casework.reject_property(options(ctx).session(), property_id, reason)
    warn_free_text(ctx, reason=reason)
    report(ctx, json, f"{prop.id}: rejected", property=prop.id)


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
    other_risk: Annotated[
        str | None, typer.Option(help="For vary, with --risk other: what the risk is.")
    ] = None,
    json: Json = False,
) -> None:
    """Review a property risk: continue, vary (needs approval) or lift."""
    variation = None
    if outcome == "vary":
        variation = policy.PropertyChange(
            risks=risk_kinds(risk or []), guidance=guidance, other_risk=other_risk
        )
    prop = casework.review_property(
        options(ctx).session(), property_id, outcome, reasons, variation
    )
    warn_free_text(ctx, reasons=reasons)
    line = f"{prop.id}: review recorded ({outcome}); next review {prop.next_review or 'none'}"
    report(ctx, json, line, property=prop.id, next_review=_day(prop.next_review))


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None
