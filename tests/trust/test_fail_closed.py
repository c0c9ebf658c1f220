"""Verification fails closed: what a verifier cannot open, it fails, never passes.

A holder of a tier must be able to open every section of that tier sealed at a commit
where they held it; a section that is not a well-formed age file sealed to exactly one
key, or a file over the size bound, is refused by every reader. Each attack is made
black-box, by hand, with what a member of staff holds; the server, where it is involved,
is a real bare repository with the hook.
"""

from __future__ import annotations

import datetime as dt

import pyrage
import pytest

from tests.regkit import Reg, on_register, patched_env
from tests.test_sync import server_and_clones, ucbr_on_path
from tests.trust.forgery import (
    push,
    record_of,
    sealed,
    server_main,
    server_with_audit_key,
    stranger,
)
from tests.trust.test_attacks import forge, trailers
from ucbr.domain.model import Case, PropertyRisk
from ucbr.storage.agefile import MAX_FILE_BYTES, header_stanzas, section_problem
from ucbr.storage.files import encode
from ucbr.storage.sealed import file_problem
from ucbr.storage.store import Register
from ucbr.storage.vault import encrypt

pytestmark = pytest.mark.e2e
NOT_SEALED = "the record section is not sealed to the casework tier key of this commit"


def _lifted(record: Case, day: str) -> Case:
    """The record as a forger rewrites it: the restriction in force lifted."""
    current = record.decisions[-1]
    ended = current.model_copy(update={"status": "lifted", "ended_on": dt.date.fromisoformat(day)})
    return record.model_copy(update={"decisions": (*record.decisions[:-1], ended)})


def _approved(record: Case, day: str) -> Case:
    """The record as a forger rewrites it: the proposal awaiting approval approved."""
    pending = record.decisions[-1]
    on = dt.date.fromisoformat(day)
    approved = pending.model_copy(update={"status": "approved", "approved_by": "mgr",
                                          "approved_on": on})  # fmt: skip
    return record.model_copy(update={"decisions": (*record.decisions[:-1], approved)})


def _proposed(reg: Reg) -> str:
    """A case with a formal written warning proposed, awaiting a manager's approval."""
    case, incident = reg.new_case("officer", "--serious")
    reg.ok("officer", "escalate", case, "--incident", incident, "--to", "formal_written_warning",
           "--bypass", incident, "--bypass-reason", "Threatened the officer with harm.",
           "--only-channel", "letter", "--considerations", "None known.",
           "--essential-services", "By letter.", "--review-by", reg.after(48))  # fmt: skip
    return case


def test_attack_a_record_sealed_to_a_stranger_erases_a_restriction(reg: Reg) -> None:
    """A case officer lifts a restriction by hand, seals the record to a key nobody on the
    staff holds and commits it signed with their own key: the casework audit and every
    casework command fail closed (exit 6, naming file and commit); frontline's lookup does
    not believe the entry either; and the refusals change nothing."""
    case = on_register(reg)
    forged = sealed(reg, "officer", _lifted(record_of(reg, "officer", case), reg.today), stranger())
    path = f"cases/{case}.yaml"
    sha = forge(reg, "officer", trailers(reg, "adjustment", "officer", case), {path: forged})
    before = reg.state()
    audited = reg.run("ig", "audit")
    assert audited.code == 6 and f"{sha} {path}: {NOT_SEALED}" in audited.out
    assert "your key cannot open" not in audited.out
    listed = reg.run("officer", "list")
    assert listed.code == 6 and sha in listed.err and NOT_SEALED in listed.err
    looked = reg.run("front", "lookup", "Alex Example")
    assert looked.code == 6 and "a adjustment took it off the register" in looked.err
    assert "Alex Example" not in looked.out
    assert reg.state() == before


def test_attack_a_record_sealed_to_a_stranger_fabricates_a_restriction(reg: Reg) -> None:
    """The same trick puts someone on the register: a case officer writes the manager's
    approval into a record only a stranger's key opens, as a review. Casework fails closed;
    frontline refuses an entry that no review could have put on the register."""
    case = _proposed(reg)
    forged = sealed(reg, "officer", _approved(record_of(reg, "officer", case), reg.today),
                    stranger())  # fmt: skip
    path = f"cases/{case}.yaml"
    sha = forge(reg, "officer", trailers(reg, "review", "officer", case), {path: forged})
    before = reg.state()
    audited = reg.run("head", "audit")
    assert audited.code == 6 and f"{sha} {path}: {NOT_SEALED}" in audited.out
    looked = reg.run("front", "lookup", "Alex Example")
    assert looked.code == 6 and sha in looked.err
    assert "a review put it on the register, which only an approval does" in looked.err
    assert reg.state() == before


def test_attack_the_servers_audit_key_refuses_a_record_sealed_to_a_stranger(reg: Reg) -> None:
    """With the hook given an auditor's key, the server refuses the forged record at the
    door (here a lift dressed as a review, which a frontline key cannot tell from a real
    one), keeps none of it, and still takes honest work."""
    server, _olive, otto = server_with_audit_key(reg)
    with ucbr_on_path():
        case = on_register(otto, officer="officer2", approver="mgr")
        assert otto.ok("officer2", "sync").startswith("synced:")
        accepted = server_main(reg, server)
        record = record_of(otto, "officer2", case)
        forged = sealed(otto, "officer2", _lifted(record, otto.today), stranger())
        path = f"cases/{case}.yaml"
        forge(otto, "officer2", trailers(otto, "review", "officer2", case), {path: forged})
        pushed = push(otto, "officer2")
    assert pushed.returncode != 0
    assert "ucbr: refused:" in pushed.stderr and NOT_SEALED in pushed.stderr
    assert server_main(reg, server) == accepted


def test_the_hook_refuses_a_record_change_its_audit_key_cannot_judge(reg: Reg) -> None:
    """A leaver's removal, every record sealed again to new tier keys, is judged and taken;
    once the auditor itself is removed, the hook's key no longer holds the casework tier:
    it refuses every record change rather than let one through unjudged."""
    server, olive, _otto = server_with_audit_key(reg)
    with ucbr_on_path():
        olive.new_case("officer")
        olive.ok("officer", "sync")
        olive.ok("mgr", "staff", "remove", "officer2")
        assert olive.ok("mgr", "sync").startswith("synced:")
        assert server_main(reg, server) == olive.git("rev-parse", "HEAD").strip()
        olive.ok("mgr", "staff", "remove", "gate")
        olive.new_case("officer")
        pushed = push(olive, "officer")
    assert pushed.returncode != 0
    assert "the server's audit key does not hold the casework tier" in pushed.stderr


def test_install_hook_refuses_a_key_that_opens_no_casework_tier(reg: Reg) -> None:
    """An identity that is not an auditor's (here the scheduler's) is refused by
    install-hook, and the hook is not installed."""
    server, _, _ = server_and_clones(reg)
    result = reg.run("mgr", "server", "install-hook", str(server),
                     "--audit-key", str(reg.keys["cron"]))  # fmt: skip
    assert result.code == 1 and "does not open the casework tier key" in result.err
    assert not (server / "hooks" / "pre-receive").exists()


# --- armor and size ----------------------------------------------------------------------


def _two_stanzas(reg: Reg, record: Case) -> str:
    """A file whose record is sealed to the casework tier key and to a second key."""
    text = sealed(reg, "officer", record)
    with patched_env(reg.env("officer")):
        public = Register.open(reg.root).public_tiers()["casework"]
    doubled = encrypt(encode(record), [pyrage.x25519.Recipient.from_str(public), stranger()])
    indented = "    " + doubled.strip().replace("\n", "\n    ") + "\n"
    return text.split("  record: |\n", 1)[0] + "  record: |\n" + indented


def test_a_section_sealed_to_two_keys_is_refused_by_every_reader(reg: Reg) -> None:
    """A record sealed to its tier key and a second key opens for casework, yet every
    reader refuses it: the next command, `check` and the audit each exit 6 naming it."""
    case, _ = reg.new_case("officer")
    path = f"cases/{case}.yaml"
    text = _two_stanzas(reg, record_of(reg, "officer", case))
    sha = forge(reg, "officer", trailers(reg, "adjustment", "officer", case), {path: text})
    shown = reg.run("officer", "show", case)
    assert shown.code == 6 and sha in shown.err and "sealed to 2 keys" in shown.err
    checked = reg.run("ig", "check")
    assert checked.code == 6 and f"{path}: " in checked.out and "sealed to 2 keys" in checked.out
    audited = reg.run("ig", "audit")
    assert audited.code == 6 and sha in audited.out and "sealed to 2 keys" in audited.out


def test_a_file_over_the_size_bound_is_refused_by_every_reader(reg: Reg) -> None:
    """A case file of armor-shaped garbage over 4 MiB is refused by frontline's lookup,
    `check` and the audit, each naming it, before it is parsed."""
    reg.new_case("officer")
    case = "C-0000000Z"
    path = f"cases/{case}.yaml"
    line = "A" * 64 + "\n"
    garbage = f"ucbr: 1\nkind: case\nid: {case}\n" + line * (MAX_FILE_BYTES // 64)
    sha = forge(reg, "front", trailers(reg, "add-incident", "front", case), {path: garbage})
    looked = reg.run("front", "lookup", "Alex Example")
    assert looked.code == 6 and sha in looked.err and "larger than a register file" in looked.err
    checked = reg.run("ig", "check")
    assert checked.code == 6 and f"{path}: is larger than a register file may be" in checked.out
    audited = reg.run("ig", "audit")
    assert audited.code == 6 and "larger than a register file may be (4 MiB)" in audited.out


def test_the_keyless_hook_refuses_malformed_armor_and_oversized_files(reg: Reg) -> None:
    """Without an audit key, the hook still refuses a section sealed to two keys and a file
    over the size bound, and keeps neither."""
    reg.today = dt.date.today().isoformat()
    server, _olive, otto = server_and_clones(reg)
    reg.ok("mgr", "server", "install-hook", str(server))
    accepted = server_main(reg, server)
    with ucbr_on_path():
        case, _ = otto.new_case("officer2")
        path = f"cases/{case}.yaml"
        text = _two_stanzas(otto, record_of(otto, "officer2", case))
        forge(otto, "officer2", trailers(otto, "adjustment", "officer2", case), {path: text})
        doubled = push(otto, "officer2")
        otto.git("reset", "-q", "--hard", "origin/main")
        big = "x" * (MAX_FILE_BYTES + 1)
        forge(otto, "officer2", trailers(otto, "add-incident", "officer2", "C-0000000Z"),
              {"cases/C-0000000Z.yaml": big})  # fmt: skip
        oversized = push(otto, "officer2")
    assert doubled.returncode != 0 and "sealed to 2 keys" in doubled.stderr
    assert oversized.returncode != 0 and "larger than a register file may be" in oversized.stderr
    assert server_main(reg, server) == accepted


# --- what a well-formed age file is -------------------------------------------------------


def test_the_age_header_is_read_without_a_key() -> None:
    """age's own files (grease and all) read as one X25519 stanza; two recipients, a cut
    header, a missing payload and a plugin's stanza are each refused by name."""
    key = pyrage.x25519.Identity.generate().to_public()
    for _ in range(20):  # rage adds a grease stanza at random
        raw = pyrage.encrypt(b"schedule", [key])
        assert header_stanzas(raw) == ["X25519"]
    assert header_stanzas(pyrage.encrypt(b"x", [key, stranger()])) == ["X25519", "X25519"]
    raw = pyrage.encrypt(b"x", [key])
    assert header_stanzas(raw[: raw.index(b"\n--- ")]) is None
    assert header_stanzas(raw[: raw.index(b"\n--- ") + 49]) is None  # no payload
    plugin = raw.replace(b"-> X25519 ", b"-> piv-p256 ", 1)
    assert header_stanzas(plugin) == ["piv-p256"]
    armored = encrypt(b"x", [key])
    assert section_problem(armored) is None
    assert "sealed to 2 keys" in (section_problem(encrypt(b"x", [key, stranger()])) or "")
    assert section_problem(armored.replace("\n", "\n\n", 2)) == "is not in age's armor"


def test_the_hooks_blob_check_reads_raw_bytes(reg: Reg) -> None:
    """`file_problem`, which the hook calls on each blob, passes what ucbr writes and names
    what it refuses: size, armor, stanzas, a tier key sealed to a plugin."""
    case, _ = reg.new_case("officer")
    path = f"cases/{case}.yaml"
    assert file_problem(path, (reg.root / path).read_bytes()) is None
    tiers = reg.root / ".ucbr" / "tiers" / "casework.age"
    assert file_problem(".ucbr/tiers/casework.age", tiers.read_bytes()) is None
    assert file_problem("README.md", b"x" * (MAX_FILE_BYTES + 1)) == (
        "is larger than a register file may be (4 MiB)"
    )
    assert "sealed to 2 keys" in (
        file_problem(path, _two_stanzas(reg, record_of(reg, "officer", case)).encode()) or ""
    )
    assert file_problem(path, b"\xff") == "is not text"


# --- attack 2 ---------------------------------------------------------------------------------


def _property_in_force(reg: Reg) -> PropertyRisk:
    """A property risk in force, made honestly, to copy under a new id."""
    out = reg.ok("officer", "property", "add", "--address", "3 Kennel Close, Witney",
                 "--postcode", "OX28 3KC", "--risk", "dangerous_animal", "--guidance",
                 "Attend in pairs.", "--not-notified-reason", "A risk to staff.")  # fmt: skip
    prop_id = out.split(":")[0]
    reg.ok("mgr", "property", "approve", prop_id)
    record = record_of(reg, "officer", prop_id)
    assert isinstance(record, PropertyRisk)
    return record


def test_attack_frontline_puts_a_property_risk_in_force(reg: Reg) -> None:
    """Frontline seals a property risk in force with the public tier keys and commits it as
    an incident report: frontline's own next command and the casework audit refuse it."""
    prop = _property_in_force(reg).model_copy(update={"id": "P-0000000Z"})
    path = "properties/P-0000000Z.yaml"
    sha = forge(reg, "front", trailers(reg, "add-incident", "front", prop.id),
                {path: sealed(reg, "front", prop)})  # fmt: skip
    before = reg.state()
    looked = reg.run("front", "lookup", "Kennel Close")
    assert looked.code == 6 and sha in looked.err
    assert "put a property risk in force" in looked.err
    audited = reg.run("ig", "audit")
    assert audited.code == 6
    assert "front, whose key cannot read records, put a property risk in force" in audited.out
    assert "[frontline-creates-no-property-risk]" in audited.out
    assert reg.state() == before
