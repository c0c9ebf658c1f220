"""The register's root of trust: the founding administrator's key, pinned outside the
repository.

The first member of staff adds themselves; every later change of staff is signed by an
administrator in force at the time, so the whole staff directory descends from that first
key. Pinned in each clone's git config (``ucbr.root``), in the server's, or given as
``UCBR_ROOT`` (a CI variable) or ``ucbr audit --root``, it stops a rewritten history from
starting again with someone else's key.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ucbr.domain.problems import Problem
from ucbr.domain.staff import StaffMember
from ucbr.services.audit.signatures import fingerprint
from ucbr.services.audit.snapshots import Snapshots
from ucbr.storage import git
from ucbr.storage.gitlog import Commit
from ucbr.storage.sshkeys import same_key

ROOT_CONFIG = "ucbr.root"
ROOT_VARIABLE = "UCBR_ROOT"


def root_key(root: Path) -> str | None:
    """The root of trust: ``UCBR_ROOT``, else the repository's ``ucbr.root``."""
    if os.environ.get(ROOT_VARIABLE):
        return os.environ[ROOT_VARIABLE].strip()
    proc = git.run(root, "config", "--get", ROOT_CONFIG, check=False)
    return proc.stdout.decode().strip() or None


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


def key_of(member: StaffMember) -> str:
    """The key that stands for a member: their signing key, else their first key."""
    return member.signing_key or member.recipients[0]


def founder_problems(root: Path, commits: Sequence[Commit], given: str | None) -> list[Problem]:
    """A problem if the first administrator's key is not the root of trust (given, or
    pinned); none when no root is known."""
    expected = given or root_key(root)
    found = founders(root, commits)
    problems = []
    for commit, member in found:
        if expected is not None and not same_key(expected, key_of(member)):
            message = "the first administrator's key is not this register's root of trust"
        elif expected is None and len(found) > 1:
            message = "the staff directory was founded more than once: a second history"
        else:
            continue
        problems.append(
            Problem(".ucbr/staff.yaml", message, severity="integrity", commit=commit.short)
        )
    return problems


def pin(root: Path, commits: Sequence[Commit]) -> str | None:
    """Pin the first administrator's key as the root when none is (trust on first use);
    the notice to show, or None."""
    found = founder(root, commits)
    if found is None or root_key(root) is not None:
        return None
    key = key_of(found[1])
    git.run(root, "config", ROOT_CONFIG, key)
    return (
        f"pinned this register's root of trust: {found[1].id}'s key, {fingerprint(key)}; "
        "check it against the value the council publishes"
    )
