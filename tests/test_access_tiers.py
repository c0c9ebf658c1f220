"""Access tiers with real keys: frontline never reads a record, the scheduler only schedules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyrage
import pytest

from tests.regkit import Reg, copy
from tests.test_cli_policy import continued
from ucbr.storage import envelope
from ucbr.storage.store import Register
from ucbr.storage.vault import load_identity_file

pytestmark = pytest.mark.e2e

RESTRICTION = (
    "--only-channel", "email", "--considerations", "No protected characteristics known.",
    "--essential-services", "By letter to the council offices.", "--review-by", "2027-05-01",
)  # fmt: skip
SUMMARY = "Shouted and swore at the officer."  # regkit's incident summary: record only


@pytest.fixture(scope="module")
def on_register(template_register: Reg, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A register with one person on it under an approved restriction."""
    reg = copy(template_register, tmp_path_factory.mktemp("tiers"))
    case_id, incident = reg.new_case(name="Alex Example")
    reg.ok("officer", "escalate", case_id, "--incident", incident, "--note", "Asked to stop.")
    reg.ok("officer", "escalate", case_id, "--incident", continued(reg, case_id))
    reg.send("officer", case_id, "informal-warning")
    reg.ok("officer", "escalate", case_id, "--incident", continued(reg, case_id), *RESTRICTION)
    reg.ok("mgr", "approve", case_id)
    env = envelope.parse((reg.root / envelope.relpath(case_id)).read_text(), case_id)
    return {"reg": reg, "case": case_id, "sections": env.sections}


def tier_keys(reg: Reg, staff_id: str) -> dict[str, pyrage.x25519.Identity]:
    """The tier keys a member's own identity file opens, through the register's keyring."""
    ring = Register.open(reg.root).keyring(load_identity_file(reg.keys[staff_id]))
    return {str(tier): key for tier, key in ring.tiers.items()}


def opens(identity: pyrage.x25519.Identity, armored: str) -> bool:
    try:
        pyrage.decrypt(armored.encode(), [identity])
    except pyrage.DecryptError:
        return False
    return True


@pytest.mark.parametrize(
    ("staff_id", "tiers"),
    [
        ("cron", {"scheduler"}),
        ("front", {"scheduler", "frontline"}),
        ("officer", {"scheduler", "frontline", "casework"}),
        ("mgr", {"scheduler", "frontline", "casework"}),
    ],
)
def test_each_role_opens_only_its_tier_keys(
    on_register: dict[str, Any], staff_id: str, tiers: set[str]
) -> None:
    """A staff key opens its own tier's key and those of the tiers below it, no more."""
    assert set(tier_keys(on_register["reg"], staff_id)) == tiers


def test_a_frontline_key_cannot_decrypt_a_record_section(on_register: dict[str, Any]) -> None:
    """The keys a frontline member holds open schedule and entry; pyrage refuses them the record."""
    held = tier_keys(on_register["reg"], "front")
    sections = on_register["sections"]
    assert opens(held["scheduler"], sections["schedule"])
    assert opens(held["frontline"], sections["entry"])
    assert not any(opens(key, sections["record"]) for key in held.values())


def test_a_scheduler_key_opens_only_schedule_sections(on_register: dict[str, Any]) -> None:
    """The scheduler tier key opens the schedule section and neither the entry nor the record."""
    cron = tier_keys(on_register["reg"], "cron")["scheduler"]
    sections = on_register["sections"]
    assert opens(cron, sections["schedule"])
    assert not opens(cron, sections["entry"])
    assert not opens(cron, sections["record"])


def test_frontline_show_gives_entry_and_schedule_only(on_register: dict[str, Any]) -> None:
    """`ucbr show` with a frontline key prints the entry and schedule, never the record."""
    reg: Reg = on_register["reg"]
    case_id = on_register["case"]
    text = reg.ok("front", "show", case_id)
    assert f"{case_id}: what staff see before contact" in text
    assert f"{case_id}: what is due" in text
    assert f"{case_id}: the record" not in text
    assert "cannot read: record" in text
    assert SUMMARY not in text
    shown = json.loads(reg.ok("front", "show", case_id, "--json"))
    assert set(shown) == {"id", "kind", "schedule", "entry"}
    assert shown["entry"]["person"]["name"] == "Alex Example"
    assert shown["entry"]["on_register"] is True


def test_scheduler_show_gives_the_schedule_only(on_register: dict[str, Any]) -> None:
    """`ucbr show` with the scheduler key prints the schedule: no name, no record."""
    reg: Reg = on_register["reg"]
    shown = json.loads(reg.ok("cron", "show", on_register["case"], "--json"))
    assert set(shown) == {"id", "kind", "schedule"}
    assert "Alex" not in json.dumps(shown)


def test_casework_show_gives_everything(on_register: dict[str, Any]) -> None:
    """`ucbr show` with a casework key prints entry, schedule and record."""
    reg: Reg = on_register["reg"]
    shown = json.loads(reg.ok("officer", "show", on_register["case"], "--json"))
    assert set(shown) == {"id", "kind", "schedule", "entry", "record"}
    assert shown["record"]["incidents"][0]["summary"] == SUMMARY


@pytest.mark.parametrize("staff_id", ["cron", "front", "officer"])
def test_list_works_with_every_tier(on_register: dict[str, Any], staff_id: str) -> None:
    """`ucbr list` reads only schedule sections, so every tier, the scheduler too, can run it."""
    reg: Reg = on_register["reg"]
    rows = json.loads(reg.ok(staff_id, "list", "--json"))
    assert rows == [
        {
            "id": on_register["case"],
            "kind": "case",
            "status": rows[0]["status"],
            "on_register": True,
            "next_review": "2027-05-01",
        }
    ]


@pytest.mark.parametrize("staff_id", ["cron", "front"])
def test_lower_tiers_cannot_change_a_case(on_register: dict[str, Any], staff_id: str) -> None:
    """A scheduler or frontline key cannot record an incident on a case: it cannot read it."""
    reg: Reg = on_register["reg"]
    before = reg.state()
    result = reg.run(
        staff_id, "add-incident", on_register["case"], "--date", "2026-11-20",
        "--channel", "telephone", "--location", "council_premises", "--category", "A",
        "--behaviour", "abusive", "--summary", "Shouted again.",
    )  # fmt: skip
    assert result.code == 1
    assert len(result.err.splitlines()) == 1
    assert reg.state() == before


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("scheduler", {"schedule"}),
        ("frontline", {"schedule", "entry"}),
        ("case_officer", {"schedule", "entry", "record"}),
    ],
)
def test_a_new_member_reads_at_once_what_their_tier_allows(
    reg: Reg, tmp_path: Path, role: str, visible: set[str]
) -> None:
    """Staff added after cases exist read those cases at once, and only up to their tier."""
    case_id, _ = reg.new_case()
    case_file = (reg.root / envelope.relpath(case_id)).read_bytes()
    key = tmp_path / "newbie.txt"
    recipient = reg.ok("mgr", "keys", "new", "--no-passphrase", "--out", str(key)).strip()
    reg.ok(
        "mgr", "staff", "add", "newbie", "--name", "New Starter", "--email",
        "newbie@council.example", "--role", role, "--recipient", recipient,
    )  # fmt: skip
    reg.keys["newbie"] = key
    shown = json.loads(reg.ok("newbie", "show", case_id, "--json"))
    assert set(shown) - {"id", "kind"} == visible
    assert (reg.root / envelope.relpath(case_id)).read_bytes() == case_file
    assert reg.ok("newbie", "list").count(case_id) == 1
