"""What a property record implies: its schedule and the entry staff see before a visit.

Like ``ucbr.domain.views`` for cases: pure functions of the record, never of the day.
"""

from __future__ import annotations

from ucbr.domain.dates import working_days_after
from ucbr.domain.model import PropertyRisk
from ucbr.domain.sections import PropertyEntry, Schedule, ScheduleItem

# A proposal should be approved or rejected within a working week.
APPROVAL_WORKING_DAYS = 5


def property_schedule_of(prop: PropertyRisk) -> Schedule:
    """A property's schedule: its review and any approval awaited."""
    items: list[ScheduleItem] = []
    in_force = prop.decision.status == "approved"
    if in_force and prop.next_review is not None:
        items.append(ScheduleItem(what="property_review", due=prop.next_review))
    if prop.decision.status == "proposed":
        due = working_days_after(prop.decision.proposed_on, APPROVAL_WORKING_DAYS)
        items.append(ScheduleItem(what="approval", due=due, detail="property"))
    elif prop.proposal is not None and prop.proposal.decision.status == "proposed":
        due = working_days_after(prop.proposal.decision.proposed_on, APPROVAL_WORKING_DAYS)
        items.append(ScheduleItem(what="approval", due=due, detail="property variation"))
    return Schedule(
        id=prop.id,
        kind="property",
        status=prop.decision.status,
        on_register=in_force,
        next_review=prop.next_review if in_force else None,
        items=tuple(sorted(items, key=lambda i: (i.due, i.what))),
    )


def property_entry_of(prop: PropertyRisk) -> PropertyEntry:
    """What staff see before a visit: address, risks and guidance, never the details."""
    if prop.decision.status != "approved":
        return PropertyEntry(id=prop.id, in_force=False)
    return PropertyEntry(
        id=prop.id,
        in_force=True,
        address=prop.address,
        postcode=prop.postcode,
        uprn=prop.uprn,
        risks=prop.risks,
        other_risk=prop.other_risk,
        guidance=prop.guidance,
        review_date=prop.next_review,
    )
