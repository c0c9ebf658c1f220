"""Trust derived, not assumed: every commit judged before ucbr acts on what it wrote.

``verify`` judges each commit since the last one this clone verified (remembered in
``.git/ucbr/state.json``, never tracked), exactly as ``ucbr audit`` does: trailers, the
author's role and key at the parent, the signature, the policy date, what it changed of
who may read the register, the records it changed (as far as the caller's key opens
them), and plaintext in what it stored. Starting from scratch, it also checks the first
administrator against the register's root of trust (``ucbr.root`` in this clone's git
config, or ``UCBR_ROOT``). The cost is paid once per new commit, not per command.

``check_new_commit`` judges a commit ucbr has just made; ``Session.commit`` undoes any
commit it finds a problem with, so ucbr never leaves behind a commit the audit would
report.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ucbr.domain.problems import Problem
from ucbr.errors import IntegrityError
from ucbr.services.audit.commits import check_commit
from ucbr.services.audit.plaintext import blob_problem
from ucbr.services.audit.records import check_records
from ucbr.services.audit.rings import Rings
from ucbr.services.audit.root import founder_problems, pin
from ucbr.services.audit.signatures import signatures
from ucbr.services.audit.snapshots import Snapshots, parent_of
from ucbr.storage import git, gitlog
from ucbr.storage.gitlog import Commit
from ucbr.storage.localstate import read_state, update_state
from ucbr.storage.store import Register
from ucbr.storage.vault import Identity, Keyring


def verified(root: Path) -> str | None:
    """The last commit this clone verified, if any (``.git/ucbr/state.json``)."""
    sha = read_state(root).get("verified")
    return sha if isinstance(sha, str) else None


def remember(root: Path, sha: str) -> None:
    """Note ``sha`` as verified (atomically; the file holds commit ids only)."""
    update_state(root, verified=sha)


def judge(root: Path, commits: Sequence[Commit], rings: Rings | None) -> list[Problem]:
    """Every problem of ``commits`` (oldest first): each as the audit judges it, and the
    records they changed as far as ``rings`` open them."""
    if not commits:
        return []
    snaps = Snapshots(root, [s for c in commits for s in (c.sha, *c.parents[:1])])
    for commit in commits:  # parse every directory first: the allowed signers come from all
        snaps.staff(commit.sha)
        snaps.staff(parent_of(commit))
    first, last = commits[0], commits[-1]
    span = f"{first.parents[0]}..{last.sha}" if first.parents else last.sha
    sigs = signatures(root, snaps, commits, None, span)
    found: list[Problem] = []
    for commit in commits:
        found.extend(check_commit(commit, snaps, sigs.get(commit.sha))[0])
    found.extend(_stored_problems(root, commits))
    if rings is not None:
        found.extend(check_records(commits, snaps, rings).problems)
    return found


def _stored_problems(root: Path, commits: Sequence[Commit]) -> list[Problem]:
    """Plaintext in what the commits stored (the audit reads every version ever stored)."""
    specs = [f"{c.sha}:{path}" for c in commits for path in c.files]
    blobs = gitlog.read_blobs(root, specs)
    found = []
    for commit in commits:
        for path in commit.files:
            message = blob_problem(path, blobs.get(f"{commit.sha}:{path}") or b"")
            if message and blobs.get(f"{commit.sha}:{path}") is not None:
                found.append(Problem(path, message, severity="integrity", commit=commit.short))
    return found


def verify(reg: Register, identities: Sequence[Identity], ring: Keyring) -> str | None:
    """Judge the commits this clone has not yet verified; refuse (exit 6) at the first
    problem. Returns a notice to show, if any."""
    head = git.head(reg.root)
    if head is None:
        return None
    return verify_to(reg, identities, ring, head)


def verify_to(reg: Register, identities: Sequence[Identity], ring: Keyring, tip: str) -> str | None:
    """Judge the commits up to ``tip`` (HEAD, or what ``sync`` fetched) that this clone has
    not yet verified; refuse at the first problem, else remember ``tip`` as verified."""
    known = verified(reg.root)
    if known == tip:
        return None
    since = known if known is not None and _is_ancestor(reg.root, known, tip) else None
    commits = gitlog.log(reg.root, rev=f"{since}..{tip}" if since else tip)
    problems = judge(reg.root, commits, Rings(reg.root, identities, ring))
    notice = None
    if since is None:
        notice = pin(reg.root, commits)
        problems = founder_problems(reg.root, commits, None) + problems
    if problems:
        first = problems[0]
        raise IntegrityError(
            f"{first.line()}; this register cannot be trusted past commit {first.commit}: "
            "`ucbr audit` lists every problem"
        )
    remember(reg.root, tip)
    return notice


def _is_ancestor(root: Path, older: str, newer: str) -> bool:
    return git.run(root, "merge-base", "--is-ancestor", older, newer, check=False).returncode == 0


def check_new_commit(reg: Register, ring: Keyring, sha: str) -> list[Problem]:
    """The problems of the one commit ``sha`` (just made by ucbr), as the audit would
    report them; when the commit is sound and its parent was verified, it is verified."""
    commits = gitlog.log(reg.root, rev=sha, limit=1)
    problems = judge(reg.root, commits, Rings(reg.root, [], ring))
    parent = commits[0].parents[0] if commits[0].parents else None
    if not problems and (parent is None or verified(reg.root) == parent):
        remember(reg.root, sha)
    return problems
