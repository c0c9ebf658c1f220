"""Commands that apply the policy to a case: incidents, the warning ladder, approvals."""

from __future__ import annotations

from typing import Annotated

import typer

from ucbr.cli import ui
from ucbr.cli.app import app
from ucbr.cli.common import (
    Json,
    LateReasonOpt,
    OnOpt,
    Yes,
    check_identifiers,
    merge_details,
    options,
    parse_date,
    read_details,
    report,
    spelled,
    stored,
    warn_free_text,
)
from ucbr.cli.terms import (
    BanUntilOpt,
    ConsiderationsOpt,
    ContactDaysOpt,
    ContactHoursOpt,
    DesignatedEmailOpt,
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
from ucbr.domain.model import (
    BEHAVIOURS_A,
    BEHAVIOURS_B,
    AdjustmentKind,
    Category,
    Channel,
    Location,
    Person,
    Step,
)
from ucbr.errors import Refused
from ucbr.services import casework


@app.command("add-incident")
def add_incident(
    ctx: typer.Context,
    case_id: Annotated[str | None, typer.Argument(metavar="[CASE_ID]")] = None,
    new: Annotated[
        bool, typer.Option("--new", help="Open a new case for a person not yet recorded.")
    ] = False,
    case: Annotated[
        str | None, typer.Option("--case", help="The existing case (the same as CASE_ID).")
    ] = None,
    not_a_duplicate: Annotated[
        str | None,
        typer.Option(
            help="With --new: why this is a new case although an existing one looks like the "
            "same person (same phone, e-mail, or name with postcode or date of birth)."
        ),
    ] = None,
    name: Annotated[str | None, typer.Option()] = None,
    title: Annotated[
        str | None,
        typer.Option(help="Their title (Ms, Mr, Mx, Dr…): letters then greet them by it."),
    ] = None,
    alias: Annotated[list[str] | None, typer.Option()] = None,
    dob: Annotated[str | None, typer.Option(help="Date of birth, YYYY-MM-DD.")] = None,
    address: Annotated[str | None, typer.Option()] = None,
    postcode: Annotated[str | None, typer.Option()] = None,
    email: Annotated[list[str] | None, typer.Option()] = None,
    phone: Annotated[list[str] | None, typer.Option()] = None,
    date: Annotated[str, typer.Option(help="When it happened, YYYY-MM-DD.")] = "",
    channel: Annotated[Channel | None, typer.Option()] = None,
    location: Annotated[Location | None, typer.Option()] = None,
    category: Annotated[
        Category | None, typer.Option(help="A: aggressive or abusive; B: unreasonable demands.")
    ] = None,
    behaviour: Annotated[
        list[str] | None,
        typer.Option(
            help="One of the policy's behaviours for the category (repeat for more). "
            f"A: {', '.join(map(spelled, BEHAVIOURS_A))}. "
            f"B: {', '.join(map(spelled, BEHAVIOURS_B))}."
        ),
    ] = None,
    summary: Annotated[str, typer.Option(help="What happened, stated factually.")] = "",
    serious: Annotated[
        bool,
        typer.Option(
            "--serious",
            help="Reported as violence or a serious threat (needs --behaviour "
            "physically-aggressive or threats). The deciding officer decides whether to rely on "
            "it to bypass the warnings (escalate --bypass).",
        ),
    ] = False,
    by_representative: Annotated[
        str | None, typer.Option(help="Who acted, if a representative did.")
    ] = None,
    service: Annotated[
        str | None, typer.Option(help="The service that suffered the behaviour.")
    ] = None,
    from_file: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="A YAML file (- for standard input) holding any of name, alias, dob, address, "
            "postcode, email, phone, summary, by_representative: keeps them out of shell "
            "history and the process list.",
        ),
    ] = None,
    json: Json = False,
) -> None:
    """Record an incident, on a new case (--new) or an existing one.

    A new case for someone who looks already recorded is refused, naming the likely cases:
    add the incident to one of them, or give --not-a-duplicate REASON.
    """
    typed = {
        "name": name,
        "alias": alias,
        "dob": dob,
        "address": address,
        "postcode": postcode,
        "email": email,
        "phone": phone,
        "summary": summary,
        "by_representative": by_representative,
    }
    details = merge_details(typed, read_details(from_file))
    name, alias, dob = details["name"], details["alias"], details["dob"]
    address, postcode = details["address"], details["postcode"]
    email, phone, summary = details["email"], details["phone"], details["summary"] or ""
    by_representative = details["by_representative"]
    if case_id is not None and case is not None and case_id.upper() != case.upper():
        raise Refused("give the case once: CASE_ID or --case")
    case_id = case_id or case
    if new == (case_id is not None):
        raise Refused("give either CASE_ID (or --case) or --new")
    if not_a_duplicate is not None and not new:
        raise Refused("--not-a-duplicate goes with --new")
    if not date or channel is None or location is None or category is None:
        raise Refused("--date, --channel, --location and --category are required")
    person = None
    check_identifiers(email, phone, postcode)
    if new:
        if not name:
            raise Refused("a new case needs --name")
        person = Person(
            name=name,
            title=title,
            aliases=tuple(alias or ()),
            date_of_birth=parse_date(dob, "--dob") if dob else None,
            address=address,
            postcode=postcode,
            emails=tuple(email or ()),
            phones=tuple(phone or ()),
        )
    elif any([name, title, alias, dob, address, postcode, email, phone]):
        raise Refused("personal details are given only with --new")
    session = options(ctx).session()
    req = policy.IncidentRequest(
        date=parse_date(date, "--date"),
        channel=channel,
        location=location,
        category=category,
        behaviours=tuple(stored(b) for b in behaviour or ()),
        summary=summary,
        serious=serious,
        by_representative=by_representative,
        service=service or "Customer Services",
    )
    case_id, incident = casework.add_incident(session, case_id, person, req, not_a_duplicate)
    warn_free_text(ctx, summary=summary, not_a_duplicate=not_a_duplicate)
    report(
        ctx, json, f"case {case_id}: incident {incident} recorded", case=case_id, incident=incident
    )


@app.command()
def escalate(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE_ID")],
    incident: Annotated[list[str], typer.Option("--incident", help="An incident relied on.")],
    to: Annotated[Step | None, typer.Option("--to", help="The step; default: the next.")] = None,
    note: Annotated[
        str | None,
        typer.Option(
            help="For a verbal warning: what was said. Printed in the verbal-warning letter "
            "as written."
        ),
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
    essential_services: EssentialOpt = None,
    scope: Annotated[str | None, typer.Option(help="A service, or council-wide.")] = None,
    scope_reason: Annotated[str | None, typer.Option(help="Why council-wide.")] = None,
    review_by: ReviewByOpt = None,
    bypass: Annotated[
        str | None,
        typer.Option(
            help="The incident of violence or a serious threat you rely on to bypass steps 1 "
            "and 2 (physically-aggressive or threats)."
        ),
    ] = None,
    bypass_reason: Annotated[
        str | None, typer.Option(help="Why that incident is violence or a serious threat.")
    ] = None,
    justify: JustifyOpt = None,
    on: OnOpt = None,
    late_reason: LateReasonOpt = None,
    json: Json = False,
) -> None:
    """Take the next step on the warning ladder (or the step given with --to)."""
    session = options(ctx).session(on, late_reason)
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
    req = terms(
        restricted,
        incidents=incident,
        to=to,
        note=note,
        considerations=considerations,
        essential_services=essential_services,
        scope=scope,
        scope_reason=scope_reason,
        review_by=review_by,
        bypass=bypass,
        bypass_reason=bypass_reason,
        justification=justify,
    )
    decision = casework.escalate(session, case_id, req)
    warn_free_text(
        ctx,
        note=note,
        considerations=considerations,
        essential_services=essential_services,
        scope_reason=scope_reason,
        bypass_reason=bypass_reason,
        justify=justify,
        late_reason=late_reason,
    )
    if decision.status == "proposed":
        who = (
            "a head of service"
            if decision.scope == "council-wide"
            else f"a manager or head of service of the {decision.scope} service"
        )
        line = (
            f"{decision.id}: {ui.words(decision.step)} proposed for {case_id.upper()}; "
            f"it needs approval by {who}"
        )
    else:
        line = f"{decision.id}: {ui.words(decision.step)} recorded for {case_id.upper()}"
    report(
        ctx,
        json,
        line,
        case=case_id.upper(),
        decision=decision.id,
        step=decision.step,
        status=decision.status,
    )


@app.command()
def approve(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE_ID")],
    on: OnOpt = None,
    late_reason: LateReasonOpt = None,
    yes: Yes = False,
    json: Json = False,
) -> None:
    """Approve a proposed decision, or the continuation of a restriction at review.

    The restrictions of a decision come into force; a continuation keeps them in force
    until its next review. On a terminal, what is approved is shown and you are asked
    first (--yes: not asked).
    """
    from ucbr.cli.confirming import awaiting_lines, proposal
    from ucbr.domain.model import Decision

    session = options(ctx).session(on, late_reason)
    proposed = proposal(options(ctx), case_id)
    if proposed is not None:
        ui.confirm(
            f"Approve {proposed.id}?", [f"{case_id.upper()}:", *awaiting_lines(proposed)], yes
        )
    approved = casework.approve(session, case_id)
    review_by = approved.review_by if isinstance(approved, Decision) else approved.next_review
    what = "approved" if isinstance(approved, Decision) else "continuation approved"
    line = "\n".join(
        [
            f"{approved.id}: {what}; {case_id.upper()} is on the register "
            f"until review by {review_by}",
            *awaiting_lines(approved),
        ]
    )
    found = {"decision" if isinstance(approved, Decision) else "review": approved.id}
    review = str(review_by) if review_by else None
    report(ctx, json, line, case=case_id.upper(), review_by=review, **found)


@app.command()
def reject(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE_ID")],
    reason: Annotated[str, typer.Option(help="Why the proposal is rejected.")],
    json: Json = False,
) -> None:
    """Reject a proposed decision, or a continuation at review."""
    decision = casework.reject(options(ctx).session(), case_id, reason)
    warn_free_text(ctx, reason=reason)
    report(ctx, json, f"{decision.id}: rejected", case=case_id.upper(), decision=decision.id)


@app.command()
def adjustments(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE_ID")],
    add: Annotated[AdjustmentKind, typer.Option("--add", help="The reasonable adjustment.")],
    note: Annotated[str | None, typer.Option()] = None,
    json: Json = False,
) -> None:
    """Record a reasonable adjustment; restrictions that conflict with it are refused.

    A restriction already in force that conflicts with it is flagged for review.
    """
    from ucbr.domain.faults import conflicts_standing

    session = options(ctx).session()
    case = casework.add_adjustment(session, case_id, add, note)
    warn_free_text(ctx, health_fields=frozenset({"note"}), note=note)
    report(
        ctx, json, f"{case.id}: adjustment recorded: {ui.words(add)}", case=case.id, adjustment=add
    )
    for conflict in conflicts_standing(case, session.today):
        ui.err(
            f"ucbr: warning: {case.id}: {conflict.line()}; review it now "
            f"(`ucbr review {case.id} --outcome vary`, or continue it with --justify)"
        )
