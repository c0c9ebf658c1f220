"""`ucbr lookup` through the real command line, with the frontline key.

One populated register serves the whole module: lookups only read it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.regkit import Reg, copy
from tests.test_cli_policy import SUMMARY, incident, on_register, proposed, refused
from ucbr.domain.words import RISK_NAMES

pytestmark = pytest.mark.e2e

NAME = "Zoë O'Brien"
PERSON = (
    "--alias",
    "Zed Obi",
    "--address",
    "4 Mill Lane, Witney",
    "--postcode",
    "OX28 6AB",
    "--email",
    "zoe.obrien@example.net",
    "--phone",
    "01993 123456",
)
SECOND_SUMMARY = "Left a voicemail naming a neighbour."
DETAILS = "Rottweiler kept loose in the kitchen."
GUIDANCE = "Attend in pairs; phone ahead."
UPRN = "100120345678"


class Populated:
    """A register with one person on it, one with incidents only, one only proposed, and a
    property risk in force beside one only proposed."""

    def __init__(self, reg: Reg) -> None:
        self.reg = reg
        self.case, _ = on_register(
            reg, "--only-channel", "email", "--spoc", "officer2", person=PERSON, name=NAME
        )
        incident(reg, self.case, "2026-11-25", summary=SECOND_SUMMARY)
        self.incidents_only, _ = reg.new_case(name="Sam Incidentonly")
        self.proposed, _ = proposed(reg, name="Pat Proposedonly")
        self.property = self._property("12 Bridge Street, Witney", "OX28 1AB", UPRN)
        reg.ok("mgr", "property", "approve", self.property)
        self.property_proposed = self._property("7 Quarry Road, Witney", "OX28 5QQ", "99")
        self.cottage = self._property("Rose Cottage, Mill Lane, Witney", "OX28 6AA", "77")
        reg.ok("mgr", "property", "approve", self.cottage)

    def _property(self, address: str, postcode: str, uprn: str) -> str:
        out = self.reg.ok(
            "officer",
            "property",
            "add",
            "--address",
            address,
            "--postcode",
            postcode,
            "--uprn",
            uprn,
            "--risk",
            "dangerous_animal",
            "--risk",
            "violent_household_member",
            "--guidance",
            GUIDANCE,
            "--details",
            DETAILS,
            "--not-notified-reason",
            "The risk is to visiting staff only.",
        )
        return out.split(":")[0]

    def lookup(self, query: str) -> str:
        return self.reg.ok("front", "lookup", query)


@pytest.fixture(scope="module")
def world(template_register: Reg, tmp_path_factory: pytest.TempPathFactory) -> Populated:
    base: Path = tmp_path_factory.mktemp("lookup")
    return Populated(copy(template_register, base / "r"))


def never_incident_details(out: str) -> None:
    for secret in (SUMMARY, SECOND_SUMMARY, DETAILS, "incident", "I-"):
        assert secret not in out


@pytest.mark.parametrize(
    "query",
    [
        "Zoë O'Brien",
        "zoe obrien",
        "ZOE O'BRIEN",
        "Zed Obi",
        "ZOE.OBRIEN@example.net",
        "01993 123456",
        "+44 1993 123456",
        "+441993123456",
        "ox28 6ab",
        "OX286AB",
    ],
)
def test_lookup_finds_person_on_register(world: Populated, query: str) -> None:
    """Lookup finds a person on the register by name (ignoring case and accents), alias,
    e-mail, phone in any format and postcode.

    Policy: "Access will be available to Council representatives who have regular contact
    with service users."
    """
    out = world.lookup(query)
    assert re.match(rf"{world.case}  \(match \d+%, on \w+\)", out)
    assert "Contact only by e-mail" in out
    never_incident_details(out)


@pytest.mark.parametrize("query", ["Zoe O'Brein", "Zoe OBrian"])
def test_lookup_with_a_typo_is_a_possible_match(world: Populated, query: str) -> None:
    """A name typed with a slip finds the person, as a possible match: who it might be, to
    confirm, never the restrictions (one slip from O'Brien is also someone else's name)."""
    out = world.lookup(query)
    assert out.startswith(f"{world.case}  (POSSIBLE match ")
    assert NAME in out and "Contact only by e-mail" not in out
    data = json.loads(world.reg.ok("front", "lookup", query, "--json"))
    assert data[0]["possible"] and "restrictions" not in data[0]["entry"]


def test_lookup_shows_what_staff_may_do(world: Populated) -> None:
    """A match shows how sure it is, each restriction in plain words, the single point of
    contact and the review date, and never incident details.

    Policy: "The UCBR will provide your personal details and the nature and duration of the
    restriction in place, together with when this is to be reviewed."
    """
    out = world.lookup("Zoë O'Brien")
    assert f"{world.case}  (match 100%, on name)" in out
    assert NAME in out
    assert "ON THE REGISTER" in out
    assert "Contact only by e-mail. Do not accept contact by any other channel." in out
    assert "All contact goes through the single point of contact (officer2)" in out
    assert "Single point of contact: Otto Second (officer2)" in out
    assert "Review date: 1 May 2027" in out
    assert "APPEAL IN PROGRESS" not in out
    never_incident_details(out)


def test_lookup_json_holds_entry_not_record(world: Populated) -> None:
    """`lookup --json` is valid JSON with the entry only: no incidents or summaries.

    Policy: "The quantity of personal data added to the UCBR will be limited to what the
    Council considers necessary to meet the stated purposes of the UCBR."
    """
    out = world.reg.ok("front", "lookup", "zoe obrien", "--json")
    [hit] = json.loads(out)
    assert hit["id"] == world.case and hit["score"] == 100
    assert hit["entry"]["review_date"] == "2027-05-01"
    assert [r["kind"] for r in hit["entry"]["restrictions"]] == [
        "single_channel",
        "single_point_of_contact",
    ]
    never_incident_details(out)


def test_lookup_says_plainly_when_nothing_found(world: Populated) -> None:
    """A lookup that matches nothing exits 0 and says so in plain words.

    Policy: "Where you are the subject of a contact restriction, it will be recorded in the
    UCBR."
    """
    result = world.reg.run("front", "lookup", "Nobody Atall")
    assert result.code == 0
    assert "Nothing on the register matches 'Nobody Atall'" in result.out
    assert json.loads(world.reg.ok("front", "lookup", "Nobody Atall", "--json")) == []


@pytest.mark.parametrize("query", ["Sam Incidentonly", "Pat Proposedonly"])
def test_lookup_not_on_register_without_restriction_in_force(world: Populated, query: str) -> None:
    """A person with incidents only, or a restriction only proposed, is not on the register.

    Policy: "Where you are the subject of a contact restriction, it will be recorded in the
    UCBR."
    """
    out = world.lookup(query)
    assert out.startswith("Nothing on the register matches")
    assert world.incidents_only not in out and world.proposed not in out


@pytest.mark.parametrize(
    "query", ["12 Bridge Street, Witney", "12 bridge st witney", "OX28 1AB", "ox281ab", UPRN]
)
def test_lookup_finds_property_risk(world: Populated, query: str) -> None:
    """Lookup finds a property risk in force by address, postcode or UPRN, and shows the risk
    kinds and the guidance for attending, never the details.

    Policy: "we are instead highlighting risks at the property and providing guidance for
    attendance."
    """
    out = world.lookup(query)
    assert out.startswith(world.property)
    assert f"PROPERTY RISK at 12 Bridge Street, Witney, OX28 1AB (UPRN {UPRN})" in out
    assert RISK_NAMES["dangerous_animal"] in out
    assert RISK_NAMES["violent_household_member"] in out
    assert f"Guidance for attending: {GUIDANCE}" in out
    assert DETAILS not in out
    assert world.property_proposed not in out


def test_lookup_property_json_has_no_details(world: Populated) -> None:
    """`lookup --json` for a property holds risks and guidance but not the details.

    Policy: "we are instead highlighting risks at the property and providing guidance for
    attendance."
    """
    out = world.reg.ok("front", "lookup", UPRN, "--json")
    [hit] = json.loads(out)
    assert hit["entry"]["risks"] == ["dangerous_animal", "violent_household_member"]
    assert hit["entry"]["guidance"] == GUIDANCE
    assert DETAILS not in out and "details" not in hit["entry"]


def test_property_risk_not_approved_is_not_found(world: Populated) -> None:
    """A property risk awaiting approval is not shown to frontline staff.

    Policy: "Restrictions on properties can be added to the UCBR without notifying the owner."
    """
    assert world.lookup("7 Quarry Road, Witney").startswith("Nothing on the register matches")


def test_lookup_needs_a_key_that_reads_entries(world: Populated) -> None:
    """The scheduler key cannot look anyone up: one line, exit 1, nothing shown.

    Policy: "Viewable access to the UCBR is restricted to those who require it for business
    need."
    """
    message = refused(world.reg, "cron", "lookup", "zoe obrien")
    assert NAME not in message
    result = world.reg.run("cron", "lookup", "zoe obrien")
    assert result.out == ""


@pytest.mark.parametrize("query", ["rose cottage", "Rose Cotage", "ROSE COTTAGE"])
def test_property_risk_shows_on_a_possible_address_match(world: Populated, query: str) -> None:
    """ "rose cottage" is only a possible match (many homes have the name), yet the risk and
    the guidance for attending show: a false warning costs a careful visit, a miss an injury.

    Policy: "we are instead highlighting risks at the property and providing guidance for
    attendance."
    """
    out = world.lookup(query)
    assert out.startswith(f"{world.cottage}  (POSSIBLE match ")
    assert "Check the address" in out
    assert "PROPERTY RISK at Rose Cottage, Mill Lane, Witney, OX28 6AA" in out
    assert f"Guidance for attending: {GUIDANCE}" in out
    assert "Confirm who this is" not in out and DETAILS not in out
