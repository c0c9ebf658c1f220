"""The history of one case or property: every commit that changed it, field by field.

Each revision is decrypted with the caller's own key and the tier keys of its day; a
section the key cannot open is named, never shown. Personal data is masked unless asked
for, and a case deleted under the retention rules shows only its tombstone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ucbr.domain.fields import flatten, mask_value
from ucbr.domain.ids import parse_file_id
from ucbr.domain.staff import SECTIONS, TIERS
from ucbr.errors import NotFound, Refused, UcbrError
from ucbr.services.audit.access import NO_TRAILERS
from ucbr.services.audit.endings import ENDED, derived_endings
from ucbr.services.audit.rings import Rings
from ucbr.services.audit.snapshots import Snapshots
from ucbr.services.retention import tombstones
from ucbr.storage import envelope, gitlog
from ucbr.storage.gitlog import Commit
from ucbr.storage.store import Register, tier_key_file
from ucbr.storage.vault import Identity, Keyring


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after a commit."""

    field: str
    old: Any = None
    new: Any = None


@dataclass(frozen=True)
class Revision:
    """One commit in a file's life, as the caller's key lets them read it."""

    commit: str
    date: str
    officer: str
    role: str | None
    action: str
    approver: str | None
    approves: str | None
    policy: str | None
    section: str | None = None
    changes: tuple[FieldChange, ...] = ()
    unreadable: tuple[str, ...] = ()
    note: str | None = None


def history(
    reg: Register,
    identities: Sequence[Identity],
    ring: Keyring,
    file_id: str,
    reveal: bool = False,
    today: dt.date | None = None,
) -> list[Revision]:
    """Every commit that changed one case or property, oldest first, with its field changes;
    with ``today``, what ended on its end date by then, though no one recorded it.

    Personal data is masked unless ``reveal``; a case deleted under the retention rules
    shows only its tombstone, so history is no way back to data past retention.
    """
    file_id = parse_file_id(file_id)
    if any(t.get("id") == file_id for t in tombstones(reg)):
        raise Refused(f"{file_id} was deleted under the retention rules; see .ucbr/tombstones.yaml")
    path = envelope.relpath(file_id)
    commits = gitlog.log(reg.root, paths=[path])
    if not commits:
        raise NotFound(f"no history for {file_id}")
    specs = [
        f"{commit.sha}:{p}"
        for commit in commits
        for p in (path, *(tier_key_file(t) for t in TIERS))
    ]
    blobs = gitlog.read_blobs(reg.root, specs)
    snaps = Snapshots(reg.root, [commit.sha for commit in commits])
    rings = Rings(reg.root, identities, ring)
    revisions: list[Revision] = []
    previous: tuple[envelope.Envelope, dict[str, Any]] | None = None
    for commit in commits:
        raw = blobs.get(f"{commit.sha}:{path}")
        if raw is None:
            revisions.append(_revision(commit, snaps, note="the file was removed"))
            previous = None
            continue
        try:
            env = envelope.parse(raw.decode(errors="replace"), path)
        except UcbrError:
            revisions.append(
                _revision(commit, snaps, note="not a sealed ucbr file (edited by hand)")
            )
            continue
        at = rings.at(blobs, commit.sha)
        plain: dict[str, Any] = {
            n: d for n in SECTIONS if (d := rings.open(at, n, env.sections[n])) is not None
        }
        revisions.append(_changes(commit, snaps, env, plain, previous, reveal))
        previous = (env, plain)
    if today is not None and previous is not None:
        ended = [
            Revision(commit="-", date=last.isoformat(), officer="-", role=None, action=ENDED,
                     approver=None, approves=None, policy=None, note=note)
            for last, note in derived_endings(previous[1], today)
        ]  # fmt: skip
        revisions = sorted([*revisions, *ended], key=lambda r: r.date)  # stable: commits first
    return revisions


def _empty(value: Any) -> bool:
    return value is None or value == []


def _revision(commit: Commit, snaps: Snapshots, **extra: Any) -> Revision:
    officer = commit.officer or NO_TRAILERS
    member = snaps.staff(commit.sha).by_id(officer)
    approving = bool(commit.trailer("Ucbr-Approves")) or "approve" in (commit.action or "").split(
        "-"
    )
    return Revision(
        commit=commit.short,
        date=commit.date.date().isoformat(),
        officer=officer,
        role=member.role if member else None,
        action=commit.action or "(hand edit)",
        approver=officer if approving else None,
        approves=commit.trailer("Ucbr-Approves"),
        policy=commit.trailer("Ucbr-Policy"),
        **extra,
    )


def _changes(
    commit: Commit,
    snaps: Snapshots,
    env: envelope.Envelope,
    plain: dict[str, Any],
    previous: tuple[envelope.Envelope, dict[str, Any]] | None,
    reveal: bool,
) -> Revision:
    old_env, old_plain = previous if previous else (None, {})
    changed = [n for n in SECTIONS if old_env is None or old_env.sections[n] != env.sections[n]]
    section = next((n for n in ("record", "entry", "schedule") if n in plain), None)
    changes: list[FieldChange] = []
    if section is not None and section in changed:
        before, after = flatten(old_plain.get(section, {})), flatten(plain[section])
        for name in [*after, *(k for k in before if k not in after)]:
            old, new = before.get(name), after.get(name)
            if old != new and not (_empty(old) and _empty(new)):
                if not reveal:
                    old, new = mask_value(name, old), mask_value(name, new)
                changes.append(FieldChange(name, old, new))
    unreadable = tuple(n for n in changed if n not in plain)
    return _revision(commit, snaps, section=section, changes=tuple(changes), unreadable=unreadable)
