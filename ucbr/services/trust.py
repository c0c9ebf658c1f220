"""Trust derived, not assumed: judging commits before acting on what they wrote.

``check_new_commit`` judges a commit ucbr has just made, exactly as ``ucbr audit`` would
(trailers, the author's role and key at the parent, the signature, the policy date, what
it changed); ``Session.commit`` undoes any commit it finds a problem with, so ucbr never
leaves behind a commit the audit would report.
"""

from __future__ import annotations

from ucbr.domain.problems import Problem
from ucbr.services.audit.commits import check_commit
from ucbr.services.audit.signatures import signatures
from ucbr.services.audit.snapshots import Snapshots, parent_of
from ucbr.storage import gitlog
from ucbr.storage.store import Register
from ucbr.storage.vault import Keyring


def check_commits(reg: Register, ring: Keyring | None, rev: str) -> list[Problem]:
    """Every problem of the commits in ``rev`` (a commit, or a range ``A..B``)."""
    del ring  # the record-level checks that need a key are added by ``verify``
    commits = gitlog.log(reg.root, rev=rev)
    snaps = Snapshots(reg.root, [s for c in commits for s in (c.sha, *c.parents[:1])])
    for commit in commits:  # parse every directory first: the allowed signers come from all
        snaps.staff(commit.sha)
        snaps.staff(parent_of(commit))
    sigs = signatures(reg.root, snaps, commits, None, rev)
    found: list[Problem] = []
    for commit in commits:
        found.extend(check_commit(commit, snaps, sigs.get(commit.sha))[0])
    return found


def check_new_commit(reg: Register, ring: Keyring, sha: str) -> list[Problem]:
    """The problems of the one commit ``sha``, as the audit would report them."""
    parent = gitlog.log(reg.root, rev=sha, limit=1)[0].parents
    return check_commits(reg, ring, f"{parent[0]}..{sha}" if parent else sha)
