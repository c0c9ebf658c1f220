"""The register's own invariants judged on a change before it is committed.

Every commit ucbr makes goes through ``Session.commit``, which asks ``planned_problems``
first: a staff directory, public tier key, setting or deletion that would break an
invariant of ``ucbr.domain.invariants`` refuses the command with nothing written. (The
invariants of the records themselves are judged where each record is saved.) The audit
judges the same invariants again on every commit (``ucbr.services.audit.rules``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import PurePosixPath

from ucbr.domain.invariants import (
    ACCESS,
    REMOVALS,
    SETTINGS,
    STAFF,
    Access,
    Facts,
    Removal,
    introduced,
    judge_all,
)
from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.settings import PolicyConfig
from ucbr.domain.staff import TIERS, StaffDirectory, StaffMember
from ucbr.storage.files import validate
from ucbr.storage.store import POLICY_FILE, STAFF_FILE, Register, recipients_file
from ucbr.storage.vault import Keyring
from ucbr.storage.yamlio import load_strict

Files = Mapping[str, str | bytes | None]
RECORD_DIRS = ("cases/", "properties/")


def _text(content: str | bytes | None) -> bytes:
    return content.encode() if isinstance(content, str) else content or b""


def _public(content: str | bytes | None) -> str | None:
    lines = (ln.strip() for ln in _text(content).decode(errors="replace").splitlines())
    return next((ln for ln in lines if ln and not ln.startswith("#")), None)


def planned_problems(
    reg: Register, ring: Keyring, files: Files, action: str, actor: StaffMember, today: dt.date
) -> list[str]:
    """What writing ``files`` as ``action`` by ``actor`` would break of the register's own
    invariants (judged with the policy and staff in force now)."""
    facts = Facts(reg.cfg, reg.staff, action, actor)
    found: list[str] = []
    staff = reg.staff
    if STAFF_FILE in files:
        data = load_strict(_text(files[STAFF_FILE]), STAFF_FILE) or {"staff": []}
        staff = validate(StaffDirectory, data, STAFF_FILE)
        found += introduced(STAFF, reg.staff, staff, facts)
    if STAFF_FILE in files or any(recipients_file(t) in files for t in TIERS):
        then = Access(reg.staff, {t: reg.public_tier(t) for t in TIERS})
        public = {
            t: _public(files[recipients_file(t)]) if recipients_file(t) in files else key
            for t, key in then.public.items()
        }
        found += introduced(ACCESS, then, Access(staff, public), facts)
    if POLICY_FILE in files:
        cfg = validate(
            PolicyConfig, load_strict(_text(files[POLICY_FILE]), POLICY_FILE), POLICY_FILE
        )
        found += introduced(SETTINGS, reg.cfg, cfg, facts)
    for path, content in files.items():
        if content is None and path.startswith(RECORD_DIRS):
            removal = Removal(PurePosixPath(path).stem, _record(reg, ring, path), today)
            found += introduced(REMOVALS, None, removal, facts)
    return found


def _record(reg: Register, ring: Keyring, path: str) -> Case | PropertyRisk | None:
    """The record of a file about to be deleted, where the caller's key opens it."""
    if not ring.can_read("record") or not (reg.root / path).is_file():
        return None
    file_id = PurePosixPath(path).stem
    loaded = reg.load_case if path.startswith("cases/") else reg.load_property
    return loaded(file_id, ring)[1]


def standing_problems(reg: Register) -> list[tuple[str, str]]:
    """(file, message) for each invariant the register's own files break as they stand,
    for ``check``."""
    facts = Facts(reg.cfg, reg.staff)
    access = Access(reg.staff, {t: reg.public_tier(t) for t in TIERS})
    return [
        *((STAFF_FILE, m) for m in judge_all(STAFF, None, reg.staff, facts)),
        *((STAFF_FILE, m) for m in judge_all(ACCESS, None, access, facts)),
        *((POLICY_FILE, m) for m in judge_all(SETTINGS, None, reg.cfg, facts)),
    ]
