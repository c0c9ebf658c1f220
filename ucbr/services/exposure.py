"""Exposure: what a removed or replaced key could ever decrypt, and since when.

Encryption in git cannot be revoked backwards: a key that once opened a tier key still
opens every revision sealed to that tier key. This reads the history of the staff
directory and the recipients files to list, for a leaver or a lost key, each tier key
it held (and since when) and every case and property those tier keys could decrypt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ucbr.domain.staff import SECTION_KEY, SECTIONS, TIERS, StaffDirectory, Tier, tiers_held
from ucbr.services.rotation import KeyChange
from ucbr.storage import git
from ucbr.storage.files import validate
from ucbr.storage.store import STAFF_FILE, Register, recipients_file
from ucbr.storage.yamlio import load_strict


@dataclass(frozen=True)
class TierAccess:
    """A tier key the old key held: since when, and since when that tier key was in use."""

    tier: Tier
    since: dt.date  # when the key could first open this tier key
    key_since: dt.date  # when that tier key came into use: older revisions it opens too


@dataclass(frozen=True)
class Exposed:
    """A file the old key could decrypt: which sections, and from when."""

    id: str
    sections: tuple[str, ...]
    since: dt.date


def _log(root: Path, *args: str) -> list[tuple[str, dt.date]]:
    lines = git.out(root, "log", "--format=%H %cs", *args).splitlines()
    return [(sha, dt.date.fromisoformat(day)) for sha, day in (ln.split() for ln in lines if ln)]


def _directory_at(root: Path, sha: str) -> StaffDirectory:
    raw = git.run(root, "show", f"{sha}:{STAFF_FILE}").stdout
    return validate(StaffDirectory, load_strict(raw, STAFF_FILE) or {"staff": []}, STAFF_FILE)


def _holds(directory: StaffDirectory, change: KeyChange) -> set[Tier]:
    """The tier keys wrapped to the key in question in one version of the staff directory."""
    wanted = set(change.old_recipients) if change.action == "keys-rotate" else None
    held: set[Tier] = set()
    for member in directory.staff:
        if member.id == change.staff_id and (wanted is None or wanted & set(member.recipients)):
            held.update(tiers_held(member.tier))
    return held


def _access_start(root: Path, change: KeyChange) -> dict[Tier, tuple[str, dt.date]]:
    first: dict[Tier, tuple[str, dt.date]] = {}
    for sha, day in reversed(_log(root, "--", STAFF_FILE)):
        for tier in _holds(_directory_at(root, sha), change):
            first.setdefault(tier, (sha, day))
    return first


def _files_since(root: Path, sha: str) -> dict[str, dt.date]:
    """Every case and property file present at ``sha`` or written since, with the first date."""
    start = _log(root, "-1", sha)[0][1]
    found = {
        Path(p).stem: start
        for p in git.out(
            root, "ls-tree", "-r", "--name-only", sha, "--", "cases", "properties"
        ).splitlines()
    }
    text = git.out(
        root,
        "log",
        "--reverse",
        "--format=@%cs",
        "--name-only",
        f"{sha}..HEAD",
        "--",
        "cases",
        "properties",
    )
    day = start
    for line in text.splitlines():
        if line.startswith("@"):
            day = dt.date.fromisoformat(line[1:])
        elif line.strip():
            found.setdefault(Path(line).stem, day)
    return found


def exposure(reg: Register, change: KeyChange) -> tuple[list[TierAccess], list[Exposed]]:
    """The tier keys the old key held, since when, and every file those keys could decrypt.

    A tier key opens every revision encrypted to it, including those written before the
    member joined: exposure runs from when that tier key came into use, not from the
    member's first day.
    """
    access: list[TierAccess] = []
    files: dict[str, tuple[set[str], dt.date]] = {}
    for tier, (sha, since) in sorted(
        _access_start(reg.root, change).items(), key=lambda kv: TIERS.index(kv[0])
    ):
        key_log = _log(reg.root, "-1", sha, "--", recipients_file(tier))
        key_sha, key_since = key_log[0] if key_log else (sha, since)
        access.append(TierAccess(tier, since, key_since))
        readable = {s for s in SECTIONS if SECTION_KEY[s] == tier}
        for file_id, first in _files_since(reg.root, key_sha).items():
            sections, when = files.get(file_id, (set(), max(first, since)))
            files[file_id] = (sections | readable, min(when, max(first, since)))
    exposed = [
        Exposed(file_id, tuple(s for s in SECTIONS if s in sections), when)
        for file_id, (sections, when) in sorted(files.items())
    ]
    return access, exposed
