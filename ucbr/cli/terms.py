"""The options that set a decision's terms, shared by escalate, review and appeal decide."""

from __future__ import annotations

from typing import Annotated, get_args

import typer

from ucbr.cli.common import parse_date, spelled, stored
from ucbr.domain import policy
from ucbr.domain.model import OnlyChannel, Restriction, RestrictionKind, Step
from ucbr.errors import Refused

OnlyChannelOpt = Annotated[OnlyChannel | None, typer.Option(help="Contact only by this channel.")]
ContactDaysOpt = Annotated[str | None, typer.Option(help="Days contact is taken, e.g. mon,thu.")]
ContactHoursOpt = Annotated[str | None, typer.Option(help="Hours contact is taken, 09:00-12:00.")]
DesignatedEmailOpt = Annotated[str | None, typer.Option(help="The one address to write to.")]
PremisesBanOpt = Annotated[list[str] | None, typer.Option(help="Premises they may not enter.")]
BanUntilOpt = Annotated[
    str | None, typer.Option(help="Last day of a premises ban, YYYY-MM-DD; none: indefinite.")
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        help="Last day the restrictions given apply, YYYY-MM-DD; none: until lifted or varied."
    ),
]
JustifyOpt = Annotated[
    str | None,
    typer.Option(
        "--justify",
        help="Why the restrictions stand although they conflict with a recorded reasonable "
        "adjustment. Recorded, not printed in letters.",
    ),
]
EndOpt = Annotated[
    list[str] | None,
    typer.Option("--end", help="For a variation: a kind of restriction in force that ends."),
]
SpocOpt = Annotated[str | None, typer.Option(help="The single point of contact's staff id.")]
NoFurtherOpt = Annotated[list[str] | None, typer.Option(help="A topic with no further replies.")]
OtherOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--other-restriction",
        help="Any other restriction, in the words staff and the letter will use.",
    ),
]
EssentialOpt = Annotated[
    str | None,
    typer.Option(help="How essential services stay reachable. Printed in letters as written."),
]
ConsiderationsOpt = Annotated[
    str | None,
    typer.Option(help="Protected characteristics, exceptional circumstances, at-risk factors."),
]
ReviewByOpt = Annotated[str | None, typer.Option(help="The review date, YYYY-MM-DD.")]


def restrictions(
    only_channel: OnlyChannel | None = None,
    contact_days: str | None = None,
    contact_hours: str | None = None,
    designated_email: str | None = None,
    premises_ban: list[str] | None = None,
    ban_until: str | None = None,
    spoc: str | None = None,
    no_further_responses: list[str] | None = None,
    until: str | None = None,
    other: list[str] | None = None,
) -> tuple[Restriction, ...]:
    """The restrictions the options describe, one per option given, each ending on ``until``
    if given (a premises ban on ``ban_until``, if that is given)."""
    found: list[Restriction] = []
    if only_channel:
        found.append(Restriction(kind="single_channel", channel=only_channel))
    if contact_days or contact_hours:
        if not (contact_days and contact_hours):
            raise Refused("--contact-days and --contact-hours go together")
        days = tuple(d.strip().lower() for d in contact_days.split(",") if d.strip())
        found.append(
            Restriction.model_validate(
                {"kind": "contact_times", "days": days, "hours": contact_hours}
            )
        )
    if designated_email:
        found.append(Restriction(kind="designated_email", email=designated_email))
    ends = parse_date(until, "--until") if until else None
    ban_ends = parse_date(ban_until, "--ban-until") if ban_until else ends
    found.extend(
        Restriction(kind="premises_ban", premises=p, until=ban_ends) for p in premises_ban or ()
    )
    if spoc:
        found.append(Restriction(kind="single_point_of_contact", staff=spoc))
    found.extend(
        Restriction(kind="no_further_responses", topic=t) for t in no_further_responses or ()
    )
    found.extend(Restriction(kind="other", description=text) for text in other or ())
    if ends is not None and not found:
        # --until dates the restrictions given; with none given it would date nothing.
        raise Refused(
            "--until dates the restrictions given with it: name the restriction it ends "
            "(--only-channel, --contact-days, --premises-ban, --spoc, …)"
        )
    found = [r if r.kind == "premises_ban" else r.model_copy(update={"until": ends}) for r in found]
    return tuple(found)


def terms(
    restricted: tuple[Restriction, ...],
    *,
    incidents: list[str] | None = None,
    to: Step | None = None,
    note: str | None = None,
    considerations: str | None = None,
    essential_services: str | None = None,
    scope: str | None = None,
    scope_reason: str | None = None,
    review_by: str | None = None,
    bypass: str | None = None,
    bypass_reason: str | None = None,
    justification: str | None = None,
    end: list[str] | None = None,
) -> policy.EscalationRequest:
    """An escalation request (or a variation's terms) from the command's options."""
    kinds = get_args(RestrictionKind)
    end = [stored(kind) for kind in end or ()]
    if any(kind not in kinds for kind in end):
        raise Refused(f"--end takes a kind of restriction: {', '.join(map(spelled, kinds))}")
    return policy.EscalationRequest(
        to=to,
        incidents=tuple(i.strip().upper() for i in incidents or ()),
        considerations=considerations,
        note=note,
        restrictions=restricted,
        essential_services=essential_services,
        scope=scope,
        scope_reason=scope_reason,
        review_by=parse_date(review_by, "--review-by") if review_by else None,
        bypass=bypass.strip().upper() if bypass else None,
        bypass_reason=bypass_reason,
        justification=justification,
        end=tuple(end or ()),
    )
