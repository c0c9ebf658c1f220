"""Free-text screening for personal data that belongs in structured fields."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ucbr.domain.screening import (
    EMAIL_WARNING,
    NINO_WARNING,
    PHONE_WARNING,
    POSTCODE_WARNING,
    screen_free_text,
)

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("Said to e-mail him at j.smith@example.org instead", EMAIL_WARNING),
        ("Rang from 01993 123456 four times", PHONE_WARNING),
        ("Mobile +44 7700 900123 withheld later", PHONE_WARNING),
        ("Left (01993) 123456 as a callback", PHONE_WARNING),
        ("Called from 0044 1993 123456", PHONE_WARNING),
        ("Quoted NI number AB 12 34 56 C at the desk", NINO_WARNING),
        ("Quoted ab123456c at the desk", NINO_WARNING),
        ("Lives at OX28 1NB with family", POSTCODE_WARNING),
        ("Moved to sw1a2aa last year", POSTCODE_WARNING),
    ],
)
def test_free_text_personal_data_is_flagged(text: str, warning: str) -> None:
    """An e-mail, phone, NI number or postcode in free text gets the matching warning."""
    assert screen_free_text(text) == [warning]


def test_warnings_never_echo_the_data() -> None:
    """The warnings say what kind of thing was found, never the thing itself."""
    text = "j.smith@example.org 01993 123456 AB123456C OX28 1NB"
    warnings = screen_free_text(text)
    assert warnings == [EMAIL_WARNING, PHONE_WARNING, NINO_WARNING, POSTCODE_WARNING]
    for warning in warnings:
        for part in ("smith", "01993", "123456", "AB123456C", "OX28", "1NB"):
            assert part.lower() not in warning.lower()


@pytest.mark.parametrize(
    "text",
    [
        "Shouted at the reception desk on 2026-03-01 between 09:00-12:00 (I-7F3K2QHM).",
        "Rang 14 times between 01/02/2026 and 03.02.2026, from 08:30 to 17:45.",
        "Owes £1,250.00 since 2019; see C-01993123 and D-0123ABCD.",
        "Called the same officer 3 times on 2026-03-01T09:15:00 about case C-7F3K2QHM.",
        "Said the M4 was closed and arrived late.",
        "",
    ],
)
def test_ordinary_case_text_is_not_flagged(text: str) -> None:
    """Dates, times, sums of money and the register's own ids raise no warning."""
    assert screen_free_text(text) == []


ids = st.builds(
    lambda prefix, body: f"{prefix}-{body}",
    st.sampled_from("CPIDRALF"),
    st.text(alphabet=CROCKFORD, min_size=8, max_size=8),
)
iso_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)).map(
    dt.date.isoformat
)
time_ranges = st.builds(lambda a, b: f"{a:%H:%M}-{b:%H:%M}", st.times(), st.times())
words = st.sampled_from(["rang", "on", "at", "about", "case", "between", "and", "ref", ","])


@given(st.lists(st.one_of(ids, iso_dates, time_ranges, words), max_size=12))
def test_no_false_positives_on_iso_dates_times_and_ids(parts: list[str]) -> None:
    """Any mix of ISO dates, time ranges, register ids and words raises no warning."""
    assert screen_free_text(" ".join(parts)) == []


COUNCIL = (
    "Council Offices, 1 High Street, Witney OX28 6AA",
    "contact@council.example",
    "01234 567890",
)


@pytest.mark.parametrize(
    "text",
    [
        "Write to the Council Offices, OX28 6AA.",
        "Write to the council offices, ox286aa.",
        "E-mail contact@council.example only.",
        "Ring 01234 567890 on Mondays.",
        "Ring +44 1234 567890 on Mondays.",
    ],
)
def test_the_councils_own_details_are_not_flagged(text: str) -> None:
    """The council's own address, e-mail and phone are published: not personal data."""
    assert screen_free_text(text, COUNCIL) == []


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("Write to the Council Offices, OX28 6AA; he lives at OX4 1AA.", POSTCODE_WARNING),
        ("E-mail contact@council.example, not his own him@example.org.", EMAIL_WARNING),
        ("Ring 01234 567890, not his mobile 07700 900123.", PHONE_WARNING),
    ],
)
def test_other_details_beside_the_councils_are_still_flagged(text: str, warning: str) -> None:
    """Knowing the council's details hides only them, not a person's beside them."""
    assert screen_free_text(text, COUNCIL) == [warning]
