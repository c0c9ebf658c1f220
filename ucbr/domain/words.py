"""Restrictions, risks and steps in plain words, for staff, letters and lookups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ucbr.domain.model import Restriction

DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
CHANNEL_NAMES = {"email": "e-mail", "letter": "letter", "telephone": "telephone"}
STEP_NAMES = {
    "verbal_warning": "verbal warning (step 1)",
    "informal_written_warning": "informal written warning (step 2)",
    "formal_written_warning": "formal written warning with restrictions (step 3)",
    "contact_refused": "further contact refused",
}
RISK_NAMES = {
    "dangerous_animal": "dangerous animal",
    "violent_household_member": "violence or threats from a household member",
    "violent_neighbours": "violence or threats from neighbours",
    "sexual_offender": "sexual offender",
    "hazardous_substances": "hazardous substances",
    "squalor": "severe domestic squalor",
    "structurally_unsafe": "structurally unsafe property",
    "weapons": "guns or weapons",
    "mental_health": "mental-health issues",
    "substance_abuse": "substance abuse",
    "environmental_hazard": "environmental hazard",
}
ADJUSTMENT_NAMES = {
    "no_email": "cannot use e-mail",
    "no_written": "cannot read or write letters or e-mails",
    "needs_telephone": "needs contact by telephone",
    "needs_face_to_face": "needs face-to-face contact",
    "needs_interpreter": "needs an interpreter",
    "needs_large_print": "needs large print",
    "needs_easy_read": "needs easy-read documents",
    "needs_advocate": "needs an advocate",
}


COUNCIL_WIDE = "council-wide"


def long_date(day: dt.date) -> str:
    """A date as a letter writes it: 3 March 2026."""
    return f"{day.day} {day:%B %Y}"


def plain_list(items: list[str], joiner: str = "and") -> str:
    """Items as English writes them: "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def day_names(days: tuple[str, ...]) -> str:
    """Weekdays as a recurring arrangement: "Mondays and Thursdays"."""
    return plain_list([f"{DAY_NAMES[d]}s" for d in days])


def hours_words(hours: str) -> str:
    """ "09:00-12:00" as "09:00 to 12:00"."""
    return hours.replace("-", " to ")


def scope_words(scope: str) -> str:
    """Which part of the council a restriction covers, in plain words."""
    if scope == COUNCIL_WIDE:
        return "every council service"
    return f"the {scope} service"


def duration_words(restriction: Restriction) -> str:
    """How long a restriction lasts: to a date, or until it is lifted or varied at review."""
    if restriction.until is not None:
        return f"until {long_date(restriction.until)}"
    return "until it is lifted or varied at review"


def _single_channel(restriction: Restriction) -> str:
    channel = CHANNEL_NAMES.get(restriction.channel or "", restriction.channel or "one channel")
    return f"Contact only by {channel}. Do not accept contact by any other channel."


def _contact_times(restriction: Restriction) -> str:
    days = day_names(restriction.days) or "agreed days"
    hours = hours_words(restriction.hours) if restriction.hours else "agreed hours"
    return f"Contact only on {days}, {hours}. Outside those times, do not take the contact."


def _designated_email(restriction: Restriction) -> str:
    return f"E-mails only to {restriction.email}. Messages sent elsewhere are redirected there."


def _premises_ban(restriction: Restriction) -> str:
    return f"Not to enter {restriction.premises}. Do not admit them; offer the other routes."


def _single_point_of_contact(restriction: Restriction) -> str:
    return (
        f"All contact goes through the single point of contact ({restriction.staff}). "
        "Do not engage; pass any contact to them."
    )


def _no_further_responses(restriction: Restriction) -> str:
    return (
        f"No further responses about: {restriction.topic}. Read new correspondence for new "
        "information or safeguarding, but do not reply on that matter."
    )


_DESCRIBERS: dict[str, Callable[[Restriction], str]] = {
    "single_channel": _single_channel,
    "contact_times": _contact_times,
    "designated_email": _designated_email,
    "premises_ban": _premises_ban,
    "single_point_of_contact": _single_point_of_contact,
    "no_further_responses": _no_further_responses,
}


def describe_restriction(restriction: Restriction) -> str:
    """What a restriction means for staff, in one or two plain sentences."""
    return _DESCRIBERS[restriction.kind](restriction)


def restriction_in_force(restriction: Restriction, scope: str) -> str:
    """What a restriction means for staff, which service it covers, and how long it lasts:
    "The UCBR will provide … the nature and duration of the restriction in place"."""
    return (
        f"{describe_restriction(restriction)} Covers {scope_words(scope)}, "
        f"{duration_words(restriction)}."
    )
