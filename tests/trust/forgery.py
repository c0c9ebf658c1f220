"""What an insider forges by hand: records sealed as they choose, and a server that judges.

Each helper does what a member of staff can do with what they hold (their own key, the
public tier keys, push access), never more.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pyrage

from tests.regkit import Reg, email_of, patched_env, write_age_key
from tests.test_sync import server_and_clones
from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.views import sections_of
from ucbr.storage import envelope
from ucbr.storage.files import encode
from ucbr.storage.store import Register
from ucbr.storage.vault import encrypt, load_identity_file, section_recipients

AUDITOR = "gate"


def record_of(reg: Reg, staff_id: str, file_id: str) -> Case | PropertyRisk:
    """A record as a casework officer reads it with their own key."""
    with patched_env(reg.env(staff_id)):
        register = Register.open(reg.root)
        ring = register.keyring(load_identity_file(reg.keys[staff_id]))
        if file_id.startswith("C-"):
            return register.load_case(file_id, ring)[1]
        return register.load_property(file_id, ring)[1]


def sealed(
    reg: Reg, staff_id: str, record: Case | PropertyRisk, record_to: object | None = None
) -> str:
    """A file for ``record``: its schedule and entry derived and sealed to the public tier
    keys, as ucbr would; its record sealed to ``record_to`` (a recipient), or to the
    casework tier key when None."""
    with patched_env(reg.env(staff_id)):
        register = Register.open(reg.root)
        public = register.public_tiers()
        derived = sections_of(record, register.cfg)
    armored = {
        name: encrypt(encode(derived[name]), section_recipients(name, public))
        for name in ("schedule", "entry", "record")
    }
    if record_to is not None:
        armored["record"] = encrypt(encode(record), [record_to])
    kind = envelope.kind_of(record.id)
    return envelope.render(envelope.Envelope(kind, record.id, armored))


def stranger() -> pyrage.x25519.Recipient:
    """An age key that nobody on the staff holds."""
    return pyrage.x25519.Identity.generate().to_public()


def server_with_audit_key(reg: Reg) -> tuple[Path, Reg, Reg]:
    """A bare server whose hook holds the key of an auditor member, and two clones."""
    reg.today = dt.date.today().isoformat()
    key = reg.root.parent / "keys" / f"{AUDITOR}.txt"
    recipient = write_age_key(key)
    reg.ok("mgr", "staff", "add", AUDITOR, "--name", "Register audit service",
           "--email", email_of(AUDITOR), "--role", "auditor", "--key", recipient)  # fmt: skip
    server, olive, otto = server_and_clones(reg)
    installed = reg.ok("mgr", "server", "install-hook", str(server), "--audit-key", str(key))
    assert "records are judged with the audit key given" in installed
    return server, olive, otto


def push(clone: Reg, staff_id: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A plain `git push`, as anyone with push access could make."""
    return subprocess.run(
        ["git", "push", "-q", *args], cwd=clone.root, capture_output=True, text=True,
        env={**os.environ, **clone.env(staff_id)}, check=False,
    )  # fmt: skip


def server_main(reg: Reg, server: Path) -> str:
    """The commit the server's main holds."""
    return reg.git("--git-dir", str(server), "rev-parse", "main").strip()


def problems(reg: Reg, staff_id: str) -> list[dict[str, object]]:
    """The problems `ucbr audit --json` reports with a member's key."""
    return list(json.loads(reg.run(staff_id, "audit", "--json").out)["problems"])
