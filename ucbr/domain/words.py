"""Restrictions, risks and steps in plain words, for staff, letters and lookups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

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
    "other": "another risk (see guidance)",
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
# The behaviours the council expects, by the policy's two categories: what step 2's letter
# "will be sent to remind you of".
EXPECTED: dict[str, tuple[str, ...]] = {
    "A": (
        "Speak and write to our staff with courtesy: no abusive, offensive, discriminatory or "
        "threatening language.",
        "Do not threaten, intimidate or harass anyone who works for us, and do not damage "
        "council property.",
        "Do not make inflammatory or disrespectful statements, or allegations you cannot support.",
    ),
    "B": (
        "Contact us about a matter through one route, and give us time to answer.",
        "Once we have explained what we can and cannot do, accept the answer, or use our "
        "complaints procedure if you disagree.",
        "Do not contact several members of staff about the same matter, or send the same "
        "message again and again.",
    ),
}


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


# --- each kind of restriction, as staff read it and as the person is told it ----------------
#
# One table: the entry frontline reads and every letter the person gets are written from
# the same facts of the same restriction, side by side here, so they cannot disagree.


@dataclass(frozen=True)
class Reach:
    """How the person reaches the council, and their single point of contact, by the
    channels their restrictions leave them."""

    address: str
    email: str | None = None
    phone: str | None = None
    spoc_name: str | None = None
    spoc_email: str | None = None
    write_to: str | None = None  # contact only by e-mail, and no designated address: this one


def _single_channel(restriction: Restriction) -> tuple[str, str]:
    channel = CHANNEL_NAMES.get(restriction.channel or "", restriction.channel or "one channel")
    return (
        f"Contact only by {channel}. Do not accept contact by any other channel.",
        f"Please contact us only by {channel}",
    )


def _contact_times(restriction: Restriction) -> tuple[str, str]:
    days = day_names(restriction.days) or "agreed days"
    hours = hours_words(restriction.hours) if restriction.hours else "agreed hours"
    return (
        f"Contact only on {days}, {hours}. Outside those times, do not take the contact.",
        f"Please contact us only on {days}, {hours}",
    )


def _designated_email(restriction: Restriction) -> tuple[str, str]:
    return (
        f"E-mails only to {restriction.email}. Messages sent elsewhere are redirected there.",
        f"Please send e-mails only to {restriction.email}",
    )


def _premises_ban(restriction: Restriction) -> tuple[str, str]:
    return (
        f"Not to enter {restriction.premises}. Do not admit them; offer the other routes.",
        f"You must not enter {restriction.premises}",
    )


def _single_point_of_contact(restriction: Restriction) -> tuple[str, str]:
    return (
        f"All contact goes through the single point of contact ({restriction.staff}). "
        "Do not engage; pass any contact to them.",
        "All your contact with us goes to your single point of contact",
    )


def _no_further_responses(restriction: Restriction) -> tuple[str, str]:
    return (
        f"No further responses about: {restriction.topic}. Read new correspondence for new "
        "information or safeguarding, but do not reply on that matter.",
        f"We will not reply further about {restriction.topic}",
    )


def _other(restriction: Restriction) -> tuple[str, str]:
    return (f"{restriction.description}.", f"{restriction.description}")


_DESCRIBERS: dict[str, Callable[[Restriction], tuple[str, str]]] = {
    "single_channel": _single_channel,
    "contact_times": _contact_times,
    "designated_email": _designated_email,
    "premises_ban": _premises_ban,
    "single_point_of_contact": _single_point_of_contact,
    "no_further_responses": _no_further_responses,
    "other": _other,
}
# What the person is told beyond the measure itself.
AFTERWORDS = {
    "single_channel": " We will not respond to other channels.",
    "no_further_responses": " We will still read what you send for new information.",
}


def describe_restriction(restriction: Restriction) -> str:
    """What a restriction means for staff, in one or two plain sentences."""
    return _DESCRIBERS[restriction.kind](restriction)[0]


def restriction_in_force(restriction: Restriction, scope: str) -> str:
    """What a restriction means for staff, which service it covers, and how long it lasts:
    "The UCBR will provide … the nature and duration of the restriction in place"."""
    return (
        f"{describe_restriction(restriction)} Covers {scope_words(scope)}, "
        f"{duration_words(restriction)}."
    )


def spoc_reach(reach: Reach) -> str:
    """How to reach the single point of contact, by the channels left to the person."""
    name = reach.spoc_name or "them"
    ways = []
    if reach.spoc_email:
        ways.append(f"e-mail {name} at {reach.spoc_email}")
    if reach.phone:
        ways.append(f"telephone {reach.phone} and ask for {name}")
    if reach.address:
        ways.append(f"write to {name} at {reach.address}")
    return plain_list(ways, "or")


def for_person(restriction: Restriction, reach: Reach, since: dt.date | None = None) -> str:
    """A restriction addressed to the person, from when (where that differs between them)
    and how long it lasts: the letter's words for the entry's ``restriction_in_force``."""
    clause = _DESCRIBERS[restriction.kind](restriction)[1]
    if restriction.kind == "single_channel" and restriction.channel == "email" and reach.write_to:
        clause = f"{clause}, at {reach.write_to}"
    if restriction.kind == "single_point_of_contact":
        clause = f"All your contact with us goes to {reach.spoc_name}, your single point of contact"
        how = spoc_reach(reach)
        clause += f": {how}" if how else ""
    until = f" until {long_date(restriction.until)}" if restriction.until else ""
    start = f" (in place since {long_date(since)})" if since else ""
    return f"{clause}{until}{start}.{AFTERWORDS.get(restriction.kind, '')}"


def headline(step: str | None) -> str:
    """What being on the register means, in one line, for staff: contact restricted, or
    refused."""
    if step == "contact_refused":
        return (
            "further contact is refused: do not respond, except about essential services; "
            "read what they send for new information or safety"
        )
    return "contact is restricted"


# The person's words for the same: the contact-refused letter says it, the entry says it.
REFUSED_FOR_PERSON = (
    "We will not respond to further contact from you, except about the essential services set "
    "out below. We will still read what you send us for new information or for anyone's safety."
)
