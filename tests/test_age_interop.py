"""Every section opens with Debian's `age` CLI, and what it gives validates against schemas/."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.regkit import Reg, copy
from tests.test_cli_policy import continued
from ucbr.services.schemas import SCHEMAS
from ucbr.storage import envelope

pytestmark = pytest.mark.e2e

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
AGE = shutil.which("age") or "/usr/bin/age"
RESTRICTION = (
    "--only-channel", "email", "--considerations", "No protected characteristics known.",
    "--essential-services", "By letter to the council offices.", "--review-by", "2027-05-01",
)  # fmt: skip
# (file kind, section) -> the schema file that section's plaintext must validate against.
SCHEMA_OF = {
    ("case", "schedule"): "schedule",
    ("case", "entry"): "case-entry",
    ("case", "record"): "case-record",
    ("property", "schedule"): "schedule",
    ("property", "entry"): "property-entry",
    ("property", "record"): "property-record",
}
# Which staff member's key is used to open which tier key.
HOLDER = {"scheduler": "cron", "frontline": "front", "casework": "officer"}
READERS = {"schedule": "scheduler", "entry": "frontline", "record": "casework"}


@pytest.fixture(scope="module")
def filled(template_register: Reg, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A register with a case on the register (approved restriction) and a property risk."""
    assert Path(AGE).is_file(), "Debian's age is needed for these tests: apt-get install age"
    reg = copy(template_register, tmp_path_factory.mktemp("age"))
    case_id, incident = reg.new_case(
        "officer", "--email", "alex@example.org", "--phone", "01993 123456", name="Alex Example"
    )
    reg.ok("officer", "escalate", case_id, "--incident", incident, "--note", "Asked to stop.")
    reg.ok("officer", "escalate", case_id, "--incident", continued(reg, case_id))
    reg.send("officer", case_id, "informal-warning")
    reg.ok("officer", "escalate", case_id, "--incident", continued(reg, case_id), *RESTRICTION)
    reg.ok("mgr", "approve", case_id)
    out = reg.ok(
        "officer", "property", "add", "--address", "12 Bridge Street, Witney",
        "--postcode", "OX28 1AB", "--risk", "dangerous_animal",
        "--guidance", "Attend in pairs; phone ahead.",
        "--not-notified-reason", "Risk to staff only.",
    )  # fmt: skip
    property_id = out.split(":")[0].strip()
    reg.ok("mgr", "property", "approve", property_id)
    return {"reg": reg, "case": case_id, "property": property_id}


def age_with_tier_key(
    reg: Reg, tier: str, armored: str, workdir: Path
) -> subprocess.CompletedProcess[bytes]:
    """`age -d -i STAFFKEY tiers/T.age | age -d -i /dev/stdin SECTION`: no tier key on disk."""
    section = workdir / "section.age"
    section.write_text(armored)  # ciphertext only
    staff_key = reg.keys[HOLDER[tier]]
    with subprocess.Popen(
        [AGE, "-d", "-i", str(staff_key), str(reg.root / f".ucbr/tiers/{tier}.age")],
        stdout=subprocess.PIPE,
    ) as unwrap:
        assert unwrap.stdout is not None
        opened = subprocess.run(
            [AGE, "-d", "-i", "/dev/stdin", str(section)],
            stdin=unwrap.stdout,
            capture_output=True,
            check=False,
        )
        unwrap.stdout.close()
        assert unwrap.wait() == 0, f"{HOLDER[tier]}'s key did not open the {tier} tier key"
    return opened


def age_decrypt_with_tier_key(reg: Reg, tier: str, armored: str, workdir: Path) -> bytes:
    opened = age_with_tier_key(reg, tier, armored, workdir)
    assert opened.returncode == 0, opened.stderr.decode()
    return opened.stdout


def validate_against_schema(data: Any, schema_name: str) -> None:
    """Validate with jsonschema when installed; otherwise with the model the schema comes from."""
    schema = json.loads((SCHEMA_DIR / f"{schema_name}.schema.json").read_text())
    try:
        import jsonschema  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - jsonschema is a dev dependency
        SCHEMAS[schema_name].model_validate(data)
        assert schema == SCHEMAS[schema_name].model_json_schema(mode="validation")
        return
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(data)


@pytest.mark.parametrize("kind", ["case", "property"])
@pytest.mark.parametrize("section", ["schedule", "entry", "record"])
def test_each_section_opens_with_the_age_cli_and_fits_its_schema(
    filled: dict[str, Any], kind: str, section: str, tmp_path: Path
) -> None:
    """`age -d` with the tier key (itself opened by `age -d` with a staff key) gives valid YAML."""
    reg: Reg = filled["reg"]
    file_id = filled[kind]
    env = envelope.parse((reg.root / envelope.relpath(file_id)).read_text(), file_id)
    plain = age_decrypt_with_tier_key(reg, READERS[section], env.sections[section], tmp_path)
    data = yaml.safe_load(plain)
    assert data["id"] == file_id
    validate_against_schema(data, SCHEMA_OF[(kind, section)])


def test_the_case_record_holds_what_was_recorded(filled: dict[str, Any], tmp_path: Path) -> None:
    """The record opened by the age CLI holds the person and the approved decision."""
    reg: Reg = filled["reg"]
    env = envelope.parse((reg.root / envelope.relpath(filled["case"])).read_text(), "case")
    data = yaml.safe_load(
        age_decrypt_with_tier_key(reg, "casework", env.sections["record"], tmp_path)
    )
    assert data["person"]["name"] == "Alex Example"
    assert data["person"]["emails"] == ["alex@example.org"]
    assert [d["status"] for d in data["decisions"]][-1] == "approved"


@pytest.mark.parametrize(
    ("tier", "section"),
    [("frontline", "record"), ("scheduler", "entry"), ("scheduler", "record")],
)
def test_a_lower_tier_key_cannot_open_a_higher_section_with_age(
    filled: dict[str, Any], tier: str, section: str, tmp_path: Path
) -> None:
    """The age CLI with a frontline or scheduler tier key fails on sections above its tier."""
    reg: Reg = filled["reg"]
    env = envelope.parse((reg.root / envelope.relpath(filled["case"])).read_text(), "case")
    opened = age_with_tier_key(reg, tier, env.sections[section], tmp_path)
    assert opened.returncode != 0
    assert opened.stdout == b""
    assert b"no identity matched" in opened.stderr


def test_a_staff_key_alone_opens_no_section(filled: dict[str, Any], tmp_path: Path) -> None:
    """Sections are encrypted to tier keys only: a staff key opens its tier key, not a section."""
    reg: Reg = filled["reg"]
    env = envelope.parse((reg.root / envelope.relpath(filled["case"])).read_text(), "case")
    section = tmp_path / "schedule.age"
    section.write_text(env.sections["schedule"])
    result = subprocess.run(
        [AGE, "-d", "-i", str(reg.keys["officer"]), str(section)], capture_output=True, check=False
    )
    assert result.returncode != 0
    assert result.stdout == b""


@pytest.mark.parametrize("staff_id", ["front", "cron"])
def test_a_lower_tier_staff_key_cannot_open_the_casework_tier_key(
    filled: dict[str, Any], staff_id: str
) -> None:
    """Frontline and scheduler staff keys cannot open the casework tier key with the age CLI."""
    reg: Reg = filled["reg"]
    result = subprocess.run(
        [AGE, "-d", "-i", str(reg.keys[staff_id]), str(reg.root / ".ucbr/tiers/casework.age")],
        capture_output=True,
        check=False,
    )
    assert result.returncode != 0
    assert result.stdout == b""
