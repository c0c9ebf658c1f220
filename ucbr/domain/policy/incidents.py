"""Cases and incidents: "Each case will be reviewed and considered on an individual case by
case basis", and every decision rests on incidents recorded first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ucbr.domain.model import (
    BEHAVIOURS,
    SERIOUS_BEHAVIOURS,
    Case,
    Category,
    Channel,
    Incident,
    Location,
    Person,
)
from ucbr.domain.permissions import CASEWORK
from ucbr.domain.policy.base import Ctx, blank, make, refuse, require, valid

if TYPE_CHECKING:
    from ucbr.domain.duplicates import Likely


@dataclass(frozen=True)
class IncidentRequest:
    """What the reporting officer says happened."""

    date: dt.date
    channel: Channel
    location: Location
    category: Category
    behaviours: tuple[str, ...]
    summary: str
    serious: bool  # the reporter's view; the deciding officer decides whether to rely on it
    by_representative: str | None
    service: str


def open_case(
    case_id: str,
    person: Person,
    ctx: Ctx,
    likely: Sequence[Likely] = (),
    not_a_duplicate: str | None = None,
) -> Case:
    """A new case for one person, opened today. When existing cases are ``likely`` the same
    person, a new one is opened only with a recorded reason; else the incident belongs on
    the existing case, so its history stays whole."""
    if likely and blank(not_a_duplicate):
        hint = _add_to_existing(likely[0].id, ctx)
        from ucbr.domain.duplicates import duplicate_refusal  # fuzzy matching: only here

        raise refuse(duplicate_refusal(list(likely), "person", hint))
    reason = not_a_duplicate if likely else None
    return make(Case, id=case_id, person=person, opened_on=ctx.today, not_a_duplicate=reason)


def _add_to_existing(case_id: str, ctx: Ctx) -> str:
    """How the incident gets onto the existing case: the officer adds it, or, when their key
    cannot read cases (frontline), asks someone whose key can, by name."""
    if ctx.actor.role not in CASEWORK:
        who = [m.id for m in ctx.staff.staff if m.role == "case_officer"] or [
            m.id for m in ctx.staff.staff if m.role in CASEWORK
        ]
        named = f" ({', '.join(who)})" if who else ""
        return f"ask a case officer{named} to add the incident to that case"
    return f"add the incident to that case (`ucbr add-incident {case_id} …`)"


def _check_behaviours(req: IncidentRequest) -> None:
    allowed = BEHAVIOURS.get(req.category)
    if allowed is None:
        raise refuse("the category must be A or B")
    if not req.behaviours:
        raise refuse("an incident needs at least one behaviour")
    for behaviour in req.behaviours:
        if behaviour not in allowed:
            # Echo only the policy's own codes: free text typed here could be personal data.
            known = behaviour in BEHAVIOURS["A"] or behaviour in BEHAVIOURS["B"]
            named = f"behaviour {behaviour!r}" if known else "a behaviour given"
            raise refuse(
                f"{named} is not in the policy's list for category {req.category}: "
                f"one of {', '.join(allowed)}"
            )


def record_incident(case: Case, req: IncidentRequest, ctx: Ctx) -> tuple[Case, Incident]:
    """Record an incident reported by the acting officer."""
    require(ctx, "add-incident")
    if req.date > ctx.today:
        raise refuse(f"the incident date {req.date} is in the future")
    _check_behaviours(req)
    if req.serious and not set(req.behaviours) & SERIOUS_BEHAVIOURS:
        raise refuse(
            "an incident reported as violence or a serious threat (--serious) records one of "
            f"the policy's behaviours {' or '.join(sorted(SERIOUS_BEHAVIOURS))}"
        )
    if blank(req.summary):
        raise refuse("an incident needs a factual summary")
    if blank(req.service):
        raise refuse("an incident needs the service that suffered the behaviour")
    incident = make(
        Incident,
        id=ctx.new_id("I"),
        date=req.date,
        channel=req.channel,
        location=req.location,
        category=req.category,
        behaviours=tuple(dict.fromkeys(req.behaviours)),
        summary=req.summary,
        serious=req.serious,
        reported_by=ctx.actor.id,
        recorded_on=ctx.today,
        by_representative=req.by_representative,
        service=req.service,
    )
    person = case.person
    acting = req.by_representative.strip() if req.by_representative else None
    known = {name.casefold() for name in person.representatives}
    if acting and acting.casefold() not in known:
        # Found by their own name at lookup; the restrictions cover them too.
        person = person.model_copy(update={"representatives": (*person.representatives, acting)})
    update = {"incidents": (*case.incidents, incident), "person": person}
    return valid(case.model_copy(update=update)), incident
