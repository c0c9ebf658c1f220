"""The register's own invariants judged on each commit against its parent: who is staff,
who holds the tier keys, and the council's settings (``ucbr.domain.invariants``).

They read only plain files (the staff directory, the policy, the public tier keys), so
the audit, every verification and the keyless server's hook all judge them in full.
"""

from __future__ import annotations

from ucbr.domain.invariants import ACCESS, SETTINGS, STAFF, Access, Facts, introduced
from ucbr.domain.staff import TIERS, StaffDirectory, Tier
from ucbr.services.audit.snapshots import Snapshots, parent_of
from ucbr.storage.gitlog import Commit
from ucbr.storage.store import POLICY_FILE, STAFF_FILE, recipients_file, tier_key_file

ACCESS_FILES = frozenset(
    {STAFF_FILE, *(f(t) for t in TIERS for f in (recipients_file, tier_key_file))}
)


def public_key(raw: bytes | None) -> str | None:
    """The public key a recipients file names (its first line that is not a comment)."""
    if raw is None:
        return None
    lines = (ln.strip() for ln in raw.decode(errors="replace").splitlines())
    return next((ln for ln in lines if ln and not ln.startswith("#")), None)


def access_at(snaps: Snapshots, sha: str | None, staff: StaffDirectory) -> Access:
    """Who can read the register at ``sha``: its staff and each tier's public key."""
    public: dict[Tier, str | None] = {
        t: public_key(snaps.raw(sha, recipients_file(t))) if sha else None for t in TIERS
    }
    return Access(staff, public)


def register_problems(commit: Commit, snaps: Snapshots) -> list[str]:
    """What the commit breaks of the register's own invariants, judged with the policy and
    staff in force at its parent."""
    changed = set(commit.files)
    if not changed & (ACCESS_FILES | {POLICY_FILE}):
        return []
    parent = parent_of(commit)
    before, after = snaps.staff(parent), snaps.staff(commit.sha)
    actor = before.by_email(commit.author_email)
    facts = Facts(snaps.policy(parent), before, commit.action, actor)
    found: list[str] = []
    if STAFF_FILE in changed:
        found += introduced(STAFF, before if parent else None, after, facts)
    if changed & ACCESS_FILES and parent is not None:
        then, now = access_at(snaps, parent, before), access_at(snaps, commit.sha, after)
        found += introduced(ACCESS, then, now, facts)
    cfg = snaps.policy(commit.sha)
    if POLICY_FILE in changed and cfg is not None:
        found += introduced(SETTINGS, snaps.policy(parent), cfg, facts)
    return found
