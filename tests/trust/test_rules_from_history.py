"""The rules are re-derived from history, not trusted to the command that wrote it.

Each attack is a hand-made commit with correct trailers and a good signature, pushed with
plain git: the server refuses it (the keyless hook for the register's own files, the hook
with an auditor's key for records), and `ucbr audit` of a clone that took it by hand
reports it, naming the invariant (exit 6).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from tests.regkit import Reg, email_of, on_register, patched_env, signed_commit, write_key
from tests.test_sync import server_and_clones, ucbr_on_path
from tests.trust.forgery import push, record_of, sealed, server_main, server_with_audit_key
from tests.trust.test_attacks import forge, trailers
from tests.trust.test_fail_closed import _approved, _proposed
from ucbr.domain.staff import StaffDirectory, StaffMember, Tier
from ucbr.services.admin import tier_key_members
from ucbr.storage.store import Register
from ucbr.storage.vault import load_identity_file, wrap_tier_key
from ucbr.storage.yamlio import dump_plain

pytestmark = pytest.mark.e2e
STAFF_FILE = ".ucbr/staff.yaml"


def _keyless_server(reg: Reg) -> tuple[Path, Reg]:
    """A bare server with the keyless hook, and a clone to forge in."""
    reg.today = dt.date.today().isoformat()
    server, _olive, otto = server_and_clones(reg)
    reg.ok("mgr", "server", "install-hook", str(server))
    return server, otto


def _refused(reg: Reg, server: Path, clone: Reg, staff_id: str, sha: str, name: str) -> None:
    """The push is refused naming the invariant; the server keeps nothing; an audit of the
    clone that holds the commit reports it (exit 6), naming commit and invariant."""
    accepted = clone.git("rev-parse", "origin/main").strip()
    pushed = push(clone, staff_id)
    assert pushed.returncode != 0, pushed.stderr
    assert "ucbr: refused:" in pushed.stderr and f"[{name}]" in pushed.stderr
    assert server_main(reg, server) == accepted
    audited = clone.run("ig", "audit")
    assert audited.code == 6 and sha in audited.out and f"[{name}]" in audited.out


def _directory(reg: Reg) -> StaffDirectory:
    with patched_env(reg.env("mgr")):
        return Register.open(reg.root).staff


def _rewrapped(reg: Reg, staff_id: str, directory: StaffDirectory) -> dict[str, str]:
    """The tier keys as they are, wrapped again to ``directory`` with ``staff_id``'s key."""
    with patched_env(reg.env(staff_id)):
        ring = Register.open(reg.root).keyring(load_identity_file(reg.keys[staff_id]))
    tiers: tuple[Tier, ...] = ("scheduler", "frontline", "casework")
    return {
        f".ucbr/tiers/{tier}.age": wrap_tier_key(
            ring.tiers[tier], tier, tier_key_members(tier, directory)
        )
        for tier in tiers
    }


def _staff_text(directory: StaffDirectory) -> str:
    return dump_plain(directory.model_dump(mode="json", exclude_none=True))


# --- records: the server with an auditor's key ---------------------------------------------


def test_attack_a_manager_approves_their_own_proposal(reg: Reg) -> None:
    """A manager proposes a restriction and approves it themselves, by hand, signed with
    their own key: the hook with the auditor's key refuses it, and the audit reports it.

    Policy: "The decision to manage a person’s contact in an alternative way with a Council
    service must be reviewed and approved by the relevant business manager / Head of
    Service."
    """
    server, _olive, otto = server_with_audit_key(reg)
    with ucbr_on_path():
        case, incident = otto.new_case("mgr", "--serious")
        otto.ok("mgr", "escalate", case, "--incident", incident, "--to",
                "formal_written_warning", "--bypass", incident, "--bypass-reason",
                "Threatened the officer.", "--only-channel", "letter", "--considerations",
                "None known.", "--essential-services", "By letter.",
                "--review-by", otto.after(48))  # fmt: skip
        otto.ok("mgr", "sync")
        own = sealed(otto, "mgr", _approved(record_of(otto, "mgr", case), otto.today))
        sha = forge(otto, "mgr", trailers(otto, "approve", "mgr", case),
                    {f"cases/{case}.yaml": own})  # fmt: skip
        _refused(reg, server, otto, "mgr", sha, "four-eyes")
    assert "was approved by the officer who proposed it" in otto.run("ig", "audit").out


def test_attack_an_import_claims_an_approval_nobody_gave(reg: Reg) -> None:
    """An IG officer imports a case on the register "approved by" a manager who never
    acted on it: refused at the server with the auditor's key, reported by the audit."""
    server, _olive, otto = server_with_audit_key(reg)
    with ucbr_on_path():
        case = on_register(otto, officer="officer2")
        record = record_of(otto, "officer2", case).model_copy(update={"id": "C-0000000Z"})
        otto.git("reset", "-q", "--hard", "origin/main")  # the case itself never pushed
        sha = forge(otto, "ig", trailers(otto, "import", "ig", "C-0000000Z"),
                    {"cases/C-0000000Z.yaml": sealed(otto, "ig", record)})  # fmt: skip
        _refused(reg, server, otto, "ig", sha, "import-attests-only-its-importer")
    assert "as decided by mgr, not by its importer" in otto.run("ig", "audit").out


def test_attack_a_retention_commit_deletes_a_case_on_the_register(reg: Reg) -> None:
    """An IG officer deletes a case that is on the register with a hand-made `retention`
    commit: refused at the server with the auditor's key, reported by the audit."""
    server, _olive, otto = server_with_audit_key(reg)
    with ucbr_on_path():
        case = on_register(otto, officer="officer2")
        otto.ok("officer2", "sync")
        (otto.root / f"cases/{case}.yaml").unlink()
        otto.git("add", "-A", "cases")
        sha = signed_commit(otto, "ig", trailers(otto, "retention", "ig", case))
        _refused(reg, server, otto, "ig", sha, "retention-when-due")
    assert "which is kept whatever the date: on the register" in otto.run("ig", "audit").out


# --- the register's own files: the keyless hook ----------------------------------------------


def test_attack_signing_turned_off_then_an_officer_approves_as_the_manager(reg: Reg) -> None:
    """An administrator turns require_signed_commits off in a signed commit, and a case
    officer then approves, unsigned, as the manager: the keyless hook refuses the first,
    and the audit reports it; `ucbr settings` refuses it with nothing written."""
    before = reg.state()
    refused = reg.run("mgr", "settings", "set", "require_signed_commits", "false")
    assert refused.code == 1 and "[signing-stays-on]" in refused.err
    assert reg.state() == before
    server, otto = _keyless_server(reg)
    case = _proposed(otto)
    otto.git("push", "-q")
    policy = otto.root / ".ucbr" / "policy.yaml"
    text = policy.read_text().replace(
        "require_signed_commits: true", "require_signed_commits: false"
    )
    sha = forge(otto, "mgr", trailers(otto, "settings", "mgr"), {".ucbr/policy.yaml": text})
    forged = sealed(otto, "officer", _approved(record_of(otto, "officer", case), otto.today))
    (otto.root / f"cases/{case}.yaml").write_text(forged)
    otto.git("add", f"cases/{case}.yaml")
    subprocess.run(
        ["git", "commit", "-q", "--no-gpg-sign", "-F", "-"], cwd=otto.root, check=True,
        input=trailers(otto, "approve", "mgr", case), text=True,
        env={**os.environ, **otto.env("officer"), "GIT_AUTHOR_EMAIL": email_of("mgr"),
             "GIT_COMMITTER_EMAIL": email_of("mgr")},
    )  # fmt: skip
    _refused(reg, server, otto, "officer", sha, "signing-stays-on")


def test_attack_staff_remove_keeps_the_same_tier_keys(reg: Reg) -> None:
    """A manager removes a leaver by hand but wraps the same tier keys again to the rest:
    the leaver's key would still read every new record. Refused and reported."""
    server, otto = _keyless_server(reg)
    directory = _directory(otto)
    kept = StaffDirectory(staff=[m for m in directory.staff if m.id != "officer2"])
    files = {STAFF_FILE: _staff_text(kept), **_rewrapped(otto, "mgr", kept)}
    message = trailers(otto, "staff-remove", "mgr") + "Ucbr-Staff: officer2\n"
    sha = forge(otto, "mgr", message, files)
    _refused(reg, server, otto, "mgr", sha, "leaver-loses-access")
    assert "kept the scheduler, frontline, casework tier key(s)" in otto.run("ig", "audit").out


def test_attack_an_administrator_rotates_their_own_key(reg: Reg) -> None:
    """A manager swaps their own key for a new one by hand, signing with the old: refused
    and reported; `ucbr keys rotate` of one's own key is refused with nothing written."""
    new_key = reg.root.parent / "keys" / "mgr-new.txt"
    public = write_key(new_key)
    before = reg.state()
    refused = reg.run("mgr", "keys", "rotate", "mgr", "--recipient", public)
    assert refused.code == 1 and "another staff administrator" in refused.err
    assert reg.state() == before
    server, otto = _keyless_server(reg)
    directory = _directory(otto)
    swapped = StaffDirectory(
        staff=[
            m.model_copy(update={"recipients": [public], "signing_key": public})
            if m.id == "mgr" else m
            for m in directory.staff
        ]
    )  # fmt: skip
    files = {STAFF_FILE: _staff_text(swapped), **_rewrapped(otto, "mgr", swapped)}
    message = trailers(otto, "keys-rotate", "mgr") + "Ucbr-Staff: mgr\n"
    sha = forge(otto, "mgr", message, files)
    _refused(reg, server, otto, "mgr", sha, "no-own-key")
    assert "mgr changed their own key" in otto.run("ig", "audit").out


def test_attack_a_second_member_is_given_the_roots_key(reg: Reg) -> None:
    """A head of service adds a new member holding the root's key, by hand: refused,
    reported by the audit and by `check`; `ucbr staff add` refuses it with nothing written."""
    root_key = reg.keys["mgr"].with_suffix(".txt.pub").read_text().strip()
    before = reg.state()
    add = ["staff", "add", "newbie", "--name", "New Member", "--email", email_of("newbie"),
           "--role", "case_officer", "--key", root_key]  # fmt: skip
    refused = reg.run("head", *add)
    assert refused.code == 1 and "already another member's" in refused.err
    assert reg.state() == before
    server, otto = _keyless_server(reg)
    directory = _directory(otto)
    mgr = directory.by_id("mgr")
    assert mgr is not None
    newbie = StaffMember(id="newbie", name="New Member", email=email_of("newbie"),
                         role="case_officer", recipients=mgr.recipients,
                         signing_key=mgr.signing_key)  # fmt: skip
    grown = StaffDirectory(staff=[*directory.staff, newbie])
    files = {STAFF_FILE: _staff_text(grown), **_rewrapped(otto, "head", grown)}
    message = trailers(otto, "staff-add", "head") + "Ucbr-Staff: newbie\n"
    sha = forge(otto, "head", message, files)
    _refused(reg, server, otto, "head", sha, "one-key-one-member")
    checked = otto.run("ig", "check")
    assert checked.code == 6
    assert f"{STAFF_FILE}: newbie holds a key that is mgr's [one-key-one-member]" in checked.out
