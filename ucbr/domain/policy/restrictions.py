"""Restrictions: "specific method of communication only", "a particular day or time",
"a specified e-mail address", a premises ban "for a specified period or indefinitely",
a Single Point of Contact, and no further responses.

Each restriction must be complete, hold only its own details, and agree with the others
in the same decision; a single point of contact must be a member of staff. Any of them may
end on a date ("the nature and duration of the restriction"); without one it lasts until
it is lifted or varied at review.
"""

from __future__ import annotations

import datetime as dt

from ucbr.domain.model import Restriction
from ucbr.domain.policy.base import Ctx, refuse
from ucbr.domain.staff import SERVICE_ROLES, StaffDirectory
from ucbr.domain.views import review_limit

# The details each kind takes, and those it cannot do without.
FIELDS: dict[str, frozenset[str]] = {
    "single_channel": frozenset({"channel", "until"}),
    "contact_times": frozenset({"days", "hours", "until"}),
    "designated_email": frozenset({"email", "until"}),
    "premises_ban": frozenset({"premises", "until"}),
    "single_point_of_contact": frozenset({"staff", "until"}),
    "no_further_responses": frozenset({"topic", "until"}),
    "other": frozenset({"description", "until"}),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "single_channel": ("channel",),
    "contact_times": ("days", "hours"),
    "designated_email": ("email",),
    "premises_ban": ("premises",),
    "single_point_of_contact": ("staff",),
    "no_further_responses": ("topic",),
    "other": ("description",),
}
# Kinds a decision may hold once only: two of them would contradict each other.
ONCE_ONLY = ("single_channel", "contact_times", "designated_email", "single_point_of_contact")
DETAILS = (
    "channel", "days", "hours", "email", "premises", "staff", "topic", "description", "until",
)  # fmt: skip


def _fields_given(restriction: Restriction) -> set[str]:
    return {name for name in DETAILS if getattr(restriction, name) not in (None, ())}


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    if int(hours) > 23 or int(minutes) > 59:
        raise refuse(f"{clock} is not a time of day")
    return int(hours) * 60 + int(minutes)


def check_restriction(restriction: Restriction, today: dt.date) -> None:
    """One restriction is complete, holds only its own details, and is not already over."""
    given = _fields_given(restriction)
    kind = restriction.kind
    for name in REQUIRED[kind]:
        if name not in given:
            raise refuse(f"a {kind} restriction needs {name}")
    extra = sorted(given - FIELDS[kind])
    if extra:
        raise refuse(f"a {kind} restriction does not take {', '.join(extra)}")
    if kind == "contact_times" and restriction.hours is not None:
        start, end = restriction.hours.split("-")
        if _minutes(start) >= _minutes(end):
            raise refuse(f"contact hours {restriction.hours} must start before they end")
    if (
        kind == "designated_email"
        and restriction.email is not None
        and "@" not in restriction.email
    ):
        raise refuse("the designated e-mail address is not an e-mail address")
    if restriction.until is not None and restriction.until < today:
        raise refuse(f"the {kind} restriction ends on {restriction.until}, which is in the past")


def check_together(restrictions: tuple[Restriction, ...]) -> None:
    """The restrictions of one decision do not contradict each other."""
    for kind in ONCE_ONLY:
        if sum(r.kind == kind for r in restrictions) > 1:
            raise refuse(f"a decision may hold only one {kind} restriction")
    channels = {r.channel for r in restrictions if r.kind == "single_channel"}
    if channels - {"email"} and any(r.kind == "designated_email" for r in restrictions):
        raise refuse("a designated e-mail address contradicts contact only by another channel")


def reads_the_entry(restriction: Restriction, staff: StaffDirectory) -> bool:
    """Whether a restriction's single point of contact (if it has one) is a member of
    staff who reads the register entry: anyone but a service account."""
    if restriction.kind != "single_point_of_contact" or restriction.staff is None:
        return True
    member = staff.by_id(restriction.staff)
    return member is not None and member.role not in SERVICE_ROLES


def check_contacts(restrictions: tuple[Restriction, ...], staff: StaffDirectory) -> None:
    """A single point of contact is a member of staff who reads the register entry."""
    for restriction in restrictions:
        if not reads_the_entry(restriction, staff):
            # The id is not echoed: whatever was typed in its place stays out of logs.
            raise refuse(
                "the single point of contact (--spoc) is not a member of staff "
                "in the staff directory"
            )


def check_review_by(review_by: dt.date | None, ctx: Ctx) -> dt.date:
    """A restriction is reviewed within the council's interval ("six-monthly") from today."""
    if review_by is None:
        raise refuse("a restriction needs a review date (--review-by)")
    latest = review_limit(ctx.today, ctx.cfg)
    if review_by > latest:
        raise refuse(f"the review date {review_by} is later than the policy allows ({latest})")
    if review_by < ctx.today:
        raise refuse(f"the review date {review_by} is in the past")
    return review_by
