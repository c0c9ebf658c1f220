"""Structured identifiers are checked, so lookups can find them and typos are caught."""

from __future__ import annotations

import pytest

from tests.regkit import Reg

pytestmark = pytest.mark.e2e

BASE = (
    "add-incident",
    "--new",
    "--name",
    "Alex Example",
    "--date",
    "2026-11-01",
    "--channel",
    "telephone",
    "--location",
    "community",
    "--category",
    "A",
    "--behaviour",
    "abusive",
    "--summary",
    "Shouted at the officer.",
)


@pytest.mark.parametrize(
    ("option", "value", "reason"),
    [
        ("--email", "Alex at home", "--email is not an e-mail address"),
        ("--phone", "Alex 999", "--phone is not a telephone number"),
        ("--postcode", "Alexville", "--postcode is not a UK postcode"),
    ],
)
def test_malformed_identifier_is_refused(reg: Reg, option: str, value: str, reason: str) -> None:
    """A malformed e-mail, phone or postcode is refused in one line that does not echo it."""
    before = reg.state()
    result = reg.run("officer", *BASE, option, value)
    assert result.code == 1
    assert result.err.strip() == f"ucbr: {reason}"
    assert reg.state() == before


def test_well_formed_identifiers_are_accepted(reg: Reg) -> None:
    """Real-shaped identifiers in their usual spellings are accepted."""
    result = reg.run(
        "officer",
        *BASE,
        "--email",
        "alex@example.org",
        "--phone",
        "01993 123456",
        "--phone",
        "+44 7700 900123",
        "--postcode",
        "ox28 1zz",
    )
    assert result.code == 0, result.err


def test_property_postcode_is_checked(reg: Reg) -> None:
    """A property risk needs a real postcode, since frontline staff look it up by one."""
    result = reg.run(
        "officer",
        "property",
        "add",
        "--address",
        "3 Demo Cottages",
        "--postcode",
        "NOTAPOSTCODE",
        "--risk",
        "dangerous_animal",
        "--guidance",
        "Phone ahead.",
        "--not-notified-reason",
        "A risk to staff, not a restriction.",
    )
    assert result.code == 1
    assert "postcode" in result.err
