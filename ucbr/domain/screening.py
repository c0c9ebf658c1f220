"""Screening free text for personal data that belongs in a structured field.

The ICO reprimand to Charnwood BC (2023) began with an address typed into a notes
field. A summary or note that holds something shaped like an e-mail address, a phone
number, a National Insurance number, an NHS number or a postcode, or that seems to
describe someone's health (special-category data), gets a warning. The warnings never
repeat what was found: they are shown and logged, and must not copy the data again.

The council's own published details (its address, e-mail and phone) are not personal
data: "write to the Council Offices, EX1 1AA" in the essential-services text warns of
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

EMAIL_WARNING = (
    "the text contains something shaped like an e-mail address; "
    "use the structured e-mail field instead"
)
PHONE_WARNING = (
    "the text contains something shaped like a phone number; use the structured phone field instead"
)
NINO_WARNING = (
    "the text contains something shaped like a National Insurance number; "
    "the register does not need it, so remove it"
)
POSTCODE_WARNING = (
    "the text contains something shaped like a postcode; use the structured postcode field instead"
)
NHS_WARNING = (
    "the text contains something shaped like an NHS number; "
    "the register does not need it, so remove it"
)
HEALTH_WARNING = (
    "the text seems to describe someone's health; health details are special-category data: "
    "keep only what the register needs (a reasonable adjustment, or a property risk's stated "
    "condition)"
)

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
# Letters HMRC never issues in the first two places are left out, so "IT 12 34 56 A" is not one.
_NINO = re.compile(
    r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.IGNORECASE
)
# Ten digits, written together or 3-3-4; only those whose check digit is right are NHS numbers.
_NHS = re.compile(r"(?<![\d-])(\d{3}) ?-?(\d{3}) ?-?(\d{4})(?![\d-])")
# Words that name a health condition or its treatment: the special category most often typed
# into a narrative ("she is schizophrenic", "off his medication").
_HEALTH = re.compile(
    r"\b(?:diagnos\w*|schizophren\w*|bipolar|psychos[ie]s|psychotic|dementia|alzheimer\w*|"
    r"autis\w*|adhd|depress(?:ion|ed)|anxiety disorder|ptsd|sectioned|mental health|"
    r"medication|medicated|overdos\w*|self[- ]harm\w*|suicid\w*|cancer|hiv|aids|epilep\w*|"
    r"pregnan\w*|dialysis|chemotherapy|disabilit\w*|learning difficult\w*)\b",
    re.IGNORECASE,
)
# The inward code never uses C, I, K, M, O or V.
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)
# Shapes that hold digits but are not personal data, blanked out before looking for
# phone numbers and postcodes: dates, times, and the register's own ids.
_SAFE_SHAPES = (
    re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"),
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"),
    re.compile(r"\b\d{1,2}[:.]\d{2}(?::\d{2})?\b"),
    re.compile(r"\b[A-Z]-[0-9A-Z]{8}\b"),
)
# A UK number has 9 or 10 digits after the leading 0.
_UK_NATIONAL_LENGTHS = (9, 10)


def _without_safe_shapes(text: str) -> str:
    for shape in _SAFE_SHAPES:
        text = shape.sub(" ", text)
    return text


def _written_as_uk(raw: str) -> bool:
    compact = raw.replace(" ", "")
    if compact.startswith(("+44", "0044")):
        return True
    return compact.startswith(("0", "(0")) and not compact.startswith("00")


def _uk_phones(text: str) -> set[int]:
    """The national numbers of the UK phone numbers written in the text."""
    matcher = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    return {
        m.number.national_number or 0
        for m in matcher
        if _written_as_uk(m.raw_string)
        and m.number.country_code == 44
        and len(str(m.number.national_number)) in _UK_NATIONAL_LENGTHS
    }


def _nhs_numbers(text: str) -> bool:
    """Whether the text holds a ten-digit number whose modulus-11 check digit is right."""
    for match in _NHS.finditer(text):
        digits = [int(d) for d in "".join(match.groups())]
        remainder = sum(d * (10 - i) for i, d in enumerate(digits[:9])) % 11
        check = 11 - remainder
        if check == 11:
            check = 0
        if check != 10 and check == digits[9]:
            return True
    return False


def _compact(value: str) -> str:
    return "".join(value.split()).upper()


def screen_free_text(text: str, public: Iterable[str] = (), health: bool = True) -> list[str]:
    """Warnings for personal data in free text; empty when the text looks clean.

    ``public`` holds the council's own published details: an e-mail address, phone number
    or postcode taken from them is not a warning. Without ``health``, words about health
    are not warned of (the field is where such a condition is stated).
    """
    known = list(public)
    own_shapes = {_compact(m) for d in known for m in (*_EMAIL.findall(d), *_POSTCODE.findall(d))}
    own_phones = set().union(*(_uk_phones(_without_safe_shapes(d)) for d in known))
    masked = _without_safe_shapes(text)

    def found(shape: re.Pattern[str], where: str) -> bool:
        return any(_compact(m) not in own_shapes for m in shape.findall(where))

    checks = (
        (EMAIL_WARNING, found(_EMAIL, text)),
        (PHONE_WARNING, bool(_uk_phones(masked) - own_phones)),
        (NINO_WARNING, _NINO.search(masked) is not None),
        (POSTCODE_WARNING, found(_POSTCODE, masked)),
        (NHS_WARNING, _nhs_numbers(masked)),
        (HEALTH_WARNING, health and _HEALTH.search(text) is not None),
    )
    return [warning for warning, seen in checks if seen]
