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


def founder(root: Path, commits: Sequence[Commit]) -> tuple[Commit, StaffMember] | None:
    """The commit that added the first member of staff, and that member."""
    first = next((c for c in commits if c.action == "staff-add" and len(c.parents) == 1), None)
    if first is None:
        return None
    snaps = Snapshots(root, [first.sha, first.parents[0]])
    if snaps.staff(first.parents[0]).staff or len(snaps.staff(first.sha).staff) != 1:
        return None
    return first, snaps.staff(first.sha).staff[0]


def key_of(member: StaffMember) -> str:
    """The key that stands for a member: their signing key, else their first key."""
    return member.signing_key or member.recipients[0]


def founder_problems(root: Path, commits: Sequence[Commit], given: str | None) -> list[Problem]:
    """A problem if the first administrator's key is not the root of trust (given, or
    pinned); none when no root is known."""
    found = founder(root, commits)
    expected = given or root_key(root)
    if found is None or expected is None or same_key(expected, key_of(found[1])):
        return []
    message = "the first administrator's key is not this register's root of trust"
    return [Problem(".ucbr/staff.yaml", message, severity="integrity", commit=found[0].short)]


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
