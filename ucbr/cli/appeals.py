"""``ucbr appeal``: appeals against a restriction, lodged and decided."""

from __future__ import annotations

from typing import Annotated

import typer

from ucbr.cli.app import appeal_app
from ucbr.cli.common import (
    Json,
    LateReasonOpt,
    OnOpt,
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
from ucbr.domain.model import AppealOutcome
from ucbr.services import casework


@appeal_app.command("lodge")
def appeal_lodge(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE_ID")],
    received: Annotated[str, typer.Option(help="When the appeal arrived, YYYY-MM-DD.")],
    late_reason: Annotated[str | None, typer.Option(help="Why a late appeal is accepted.")] = None,
    json: Json = False,
) -> None:
    """Record an appeal; the entry stays in force with an "appeal in progress" note."""
    appeal = casework.lodge_appeal(
        options(ctx).session(), case_id, parse_date(received, "--received"), late_reason
    )
    warn_free_text(ctx, late_reason=late_reason)
    line = (
        f"{appeal.id}: appeal against {appeal.decision} recorded; "
        "the restriction stays until it is decided"
    )
    report(ctx, json, line, case=case_id.upper(), appeal=appeal.id, decision=appeal.decision)


@appeal_app.command("decide")
def appeal_decide(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(metavar="CASE_ID")],
    outcome: Annotated[AppealOutcome, typer.Option()],
    reasons: Annotated[
        str, typer.Option(help="Why. Printed in the appeal-outcome letter as written.")
    ],
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
    considerations: ConsiderationsOpt = None,
    review_by: ReviewByOpt = None,
    justify: JustifyOpt = None,
    on: OnOpt = None,
    late_reason: LateReasonOpt = None,
    json: Json = False,
) -> None:
    """Decide an appeal, as an officer with no part in the original decision.

    A varied outcome starts from the restrictions in force: those given replace their kind,
    --end ends one, and everything else carries over; the variation then needs approval.
    """
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
            until,
            other_restriction,
        )
        variation = terms(
            restricted,
            considerations=considerations,
            essential_services=essential_services,
            review_by=review_by,
            justification=justify,
            end=end,
        )
    session = options(ctx).session(on, late_reason)
    decided = casework.decide_appeal(session, case_id, outcome, reasons, variation)
    warn_free_text(ctx, reasons=reasons, justify=justify, late_reason=late_reason)
    appeal = decided.appeal
    lines = [f"{appeal.id}: appeal {appeal.outcome}"]
    if decided.variation is not None:
        lines.append(
            f"{decided.variation.id}: the variation is proposed and needs approval "
            f"(`ucbr approve {case_id.upper()}`) by an officer with no part in the original "
            f"decision: {decided.approvers}"
        )
    varied = decided.variation.id if decided.variation is not None else None
    report(
        ctx,
        json,
        "\n".join(lines),
        case=case_id.upper(),
        appeal=appeal.id,
        outcome=appeal.outcome,
        variation=varied,
    )
