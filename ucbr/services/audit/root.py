"""The register's root of trust: the founding administrator's key, pinned outside the
repository with the commit that founded it, and handed on only by signed statements.

The first member of staff adds themselves; every later change of staff is signed by an
administrator in force at the time, so the whole staff directory descends from that first
key. Pinned in each clone's git config (``ucbr.root``, with the founding commit in
``ucbr.founding``), in the server's, or given as ``UCBR_ROOT`` (a CI variable) or
``ucbr audit --root``, it stops a rewritten history from starting again with someone
else's key. ``--root`` and ``UCBR_ROOT`` take the key or its ``SHA256:`` fingerprint.

The root speaks only through ``.ucbr/root.yaml``, in commits signed with the root key in
force (``ucbr.services.audit.statements`` judges them): ``root-rotate`` names the next
root key, which signs its acceptance of the statement itself; ``re-root`` records that
the history was rewritten (a purge) and that the root stands for the history below it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ucbr.domain.problems import Problem
from ucbr.domain.staff import StaffMember
from ucbr.services.audit.signatures import fingerprint
from ucbr.services.audit.snapshots import Snapshots
from ucbr.services.audit.statements import statement_at
from ucbr.storage import git
from ucbr.storage.gitlog import Commit
from ucbr.storage.sshkeys import same_key

ROOT_CONFIG = "ucbr.root"
FOUNDING_CONFIG = "ucbr.founding"
ROOT_VARIABLE = "UCBR_ROOT"


def root_key(root: Path) -> str | None:
    """The root of trust: ``UCBR_ROOT``, else the repository's ``ucbr.root``."""
    if os.environ.get(ROOT_VARIABLE):
        return os.environ[ROOT_VARIABLE].strip()
    return _config(root, ROOT_CONFIG)


def founding(root: Path) -> str | None:
    """The commit that founded the register, as this repository pinned it."""
    return _config(root, FOUNDING_CONFIG)


def _config(root: Path, key: str) -> str | None:
    proc = git.run(root, "config", "--get", key, check=False)
    return proc.stdout.decode().strip() or None


def fingerprint_of(key_or_fingerprint: str) -> str:
    """The ``SHA256:`` fingerprint of a key, or the fingerprint given."""
    text = key_or_fingerprint.strip()
    return text if text.startswith("SHA256:") else fingerprint(text)


def matches(given: str, key: str) -> bool:
    """Whether ``given`` (a public key, or its ``SHA256:`` fingerprint) names ``key``."""
    given = given.strip()
    if given.startswith("SHA256:"):
        return given == fingerprint(key)
    return same_key(given, key)


def founders(root: Path, commits: Sequence[Commit]) -> list[tuple[Commit, StaffMember]]:
    """Every commit that added a first member of staff to an empty directory, and that
    member, oldest first. A sound history has one; another is a second history joined in."""
    adds = [c for c in commits if c.action == "staff-add" and len(c.parents) == 1]
    snaps = Snapshots(root, [s for c in adds for s in (c.sha, c.parents[0])])
    found = []
    for commit in adds:
        if snaps.staff(commit.parents[0]).staff or len(snaps.staff(commit.sha).staff) != 1:
            continue
        found.append((commit, snaps.staff(commit.sha).staff[0]))
    return found


def founder(root: Path, commits: Sequence[Commit]) -> tuple[Commit, StaffMember] | None:
    """The commit that added the first member of staff, and that member."""
    return next(iter(founders(root, commits)), None)


def founder_key(root: Path, commits: Sequence[Commit] = ()) -> str | None:
    """The founder's key, the root before any statement of the root hands it on: from the
    founding commit among ``commits``, else the one pinned (``ucbr.founding``), else the
    pinned root of trust itself."""
    found = founder(root, commits) if commits else None
    if found is not None:
        return key_of(found[1])
    founded = founding(root)
    if founded is not None:
        staff = Snapshots(root, [founded]).staff(founded).staff
        if len(staff) == 1:
            return key_of(staff[0])
    return root_key(root)


def key_of(member: StaffMember) -> str:
    """The key that stands for a member: their signing key, else their first key."""
    return member.signing_key or member.recipients[0]


def root_chain(root: Path, commits: Sequence[Commit]) -> list[str]:
    """The root keys of the history, in order: the founder's, then each one a
    ``root-rotate`` named (whether it was sound is judged with the commit)."""
    found = founder(root, commits)
    return [key_of(found[1]), *_rotations(root, commits)] if found is not None else []


def _rotations(root: Path, commits: Sequence[Commit]) -> list[str]:
    rotations = [c for c in commits if c.action == "root-rotate"]
    snaps = Snapshots(root, [c.sha for c in rotations])
    return [s.key for c in rotations if (s := statement_at(snaps, c.sha)) is not None]


def founder_problems(root: Path, commits: Sequence[Commit], given: str | None) -> list[Problem]:
    """A problem if the root of trust (given, or pinned) is neither the first
    administrator's key nor one the root handed on to; none when no root is known."""
    expected = given or root_key(root)
    found = founders(root, commits)
    handed_on = _rotations(root, commits) if found and expected is not None else []
    problems = []
    for commit, member in found:
        keys = [key_of(member), *handed_on]
        if expected is not None and not any(matches(expected, key) for key in keys):
            message = "the first administrator's key is not this register's root of trust"
        elif expected is None and len(found) > 1:
            message = "the staff directory was founded more than once: a second history"
        else:
            continue
        problems.append(
            Problem(".ucbr/staff.yaml", message, severity="integrity", commit=commit.short)
        )
    return problems


def pin_root(root: Path, key: str, founded: str | None) -> None:
    """Pin ``key`` as this repository's root of trust, and the commit that founded it."""
    git.run(root, "config", ROOT_CONFIG, key.strip())
    if founded is not None:
        git.run(root, "config", FOUNDING_CONFIG, founded)


def pin(root: Path, commits: Sequence[Commit]) -> str | None:
    """After a first verification has found nothing wrong with ``commits`` (the whole
    history): pin the founding commit, and the last root the history hands on to (trust
    on first use when none was pinned); the notice to show, or None."""
    found = founder(root, commits)
    if found is None:
        return None
    latest = root_chain(root, commits)[-1]
    pinned = _config(root, ROOT_CONFIG)
    pin_root(root, latest, found[0].sha)
    if pinned is not None:
        return None
    return (
        f"pinned this register's root of trust: {found[1].id}'s key, {fingerprint(latest)}; "
        "check it against the value the council publishes"
    )


def advance(root: Path, commits: Sequence[Commit]) -> None:
    """After ``commits`` were verified: a root they handed on to becomes the pinned root."""
    rotations = [c for c in commits if c.action == "root-rotate"]
    if not rotations or _config(root, ROOT_CONFIG) is None:
        return
    statement = statement_at(Snapshots(root, [rotations[-1].sha]), rotations[-1].sha)
    if statement is not None:
        git.run(root, "config", ROOT_CONFIG, statement.key)
