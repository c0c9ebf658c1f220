"""Trust derived, not assumed: every commit judged before ucbr acts on what it wrote, and
history that only moves forward.

``verify`` judges each commit this clone has not yet verified *with the caller's keys*,
exactly as ``ucbr audit`` does (``ucbr.services.audit.judging``): trailers, paths, the
author's role and key at the parent, the signature, the dates against this machine's
clock, what it changed of who may read the register, the records it changed (as far as
the caller's key opens them), and plaintext in what it stored. What was verified is
remembered per tier (``.git/ucbr/state.json``, never tracked): a scheduler's morning job
never stands for a caseworker, whose key judges the records too. Starting from scratch,
it also checks the first administrator against the register's root of trust
(``ucbr.root`` in this clone's git config, or ``UCBR_ROOT``), and pins the founding
commit with it only once the whole history has been found sound.

History only moves forward. Two commits are remembered for each tier: the last one
verified here (``verified``, which may hold this clone's own unpushed work) and the last
of the server's history verified (``server``). The server's history (what ``sync``
fetches, and the clone's upstream branch) must descend from every tier's ``server``
commit and from the founding commit; the clone's own HEAD may differ from them only by
its author's own commits (work not yet pushed, or set aside). Anything else stops with
exit 6 naming both commits: a rewritten history is accepted only by cloning again after
the council re-roots it with the root key (docs/trust.md, re-rooting).

``check_new_commit`` judges a commit ucbr has just made; ``Session.commit`` undoes any
commit it finds a problem with, so ucbr never leaves behind a commit the audit would
report.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ucbr.domain.problems import Problem
from ucbr.errors import IntegrityError
from ucbr.services import clock
from ucbr.services.audit.judging import judge as judge_commits
from ucbr.services.audit.paths import in_model
from ucbr.services.audit.plaintext import blob_problem
from ucbr.services.audit.rings import Rings
from ucbr.services.audit.root import advance, founder_key, founder_problems, founding, pin
from ucbr.services.audit.timeline import latest_policy_date
from ucbr.services.chain import (
    anchors,
    backwards,
    descends,
    exists,
    local_forward,
    remember,
    server_forward,
    tier_of,
    unreverted,
    upstream_within,
)
from ucbr.storage import git, gitlog
from ucbr.storage.gitlog import Commit
from ucbr.storage.store import Register
from ucbr.storage.vault import Identity, Keyring


def judge(
    root: Path, commits: Sequence[Commit], rings: Rings | None, founder: str | None = None
) -> list[Problem]:
    """Every problem of ``commits`` (oldest first), judged on this machine's clock: each as
    the audit judges it, and the records they changed as far as ``rings`` open them.
    ``founder``: the founder's key, when not the one pinned."""
    return _judged(root, commits, rings, founder)[0]


def _judged(
    root: Path, commits: Sequence[Commit], rings: Rings | None, founder: str | None
) -> tuple[list[Problem], dict[str, str]]:
    """The problems of ``commits``, and the reverted ones (reverted id -> revert id)."""
    if not commits:
        return [], {}
    before = latest_policy_date(root, commits[0].parents[0] if commits[0].parents else None)
    founder = founder or founder_key(root)
    judged = judge_commits(root, commits, rings, clock.now(), founder, before)
    reverted = {target.sha: revert.sha for target, revert, _ in judged.reverted}
    if judged.snaps is None:  # a file too large to read: nothing else is
        return judged.problems, reverted
    return judged.problems + _stored_problems(root, commits), reverted


def _stored_problems(root: Path, commits: Sequence[Commit]) -> list[Problem]:
    """Plaintext in what the commits stored (the audit reads every version ever stored),
    and how each record is sealed, its size and its armor (``sealed.file_problem``)."""
    specs = [f"{c.sha}:{path}" for c in commits for path in c.files if in_model(path)]
    blobs = gitlog.read_blobs(root, specs)
    found = []
    for commit in commits:
        for path in commit.files:
            raw = blobs.get(f"{commit.sha}:{path}")
            if raw is None:
                continue
            message = blob_problem(path, raw)
            if message:
                found.append(Problem(path, message, severity="integrity", commit=commit.short))
    return found


def verify(reg: Register, identities: Sequence[Identity], ring: Keyring) -> str | None:
    """Judge the commits this clone has not yet verified with these keys; refuse (exit 6)
    at the first problem. Returns a notice to show, if any."""
    head = git.head(reg.root)
    if head is None:
        return None
    return verify_to(reg, identities, ring, head)


def verify_to(
    reg: Register,
    identities: Sequence[Identity],
    ring: Keyring,
    tip: str,
    server: bool = False,
) -> str | None:
    """Judge the commits up to ``tip`` that this clone has not yet verified with these
    keys; refuse at the first problem, else remember ``tip`` as verified. ``server``:
    ``tip`` is the server's (what ``sync`` fetched), which must descend from every commit
    of the server's history this clone verified."""
    root, tier = reg.root, tier_of(ring)
    mine = anchors(root, tier)
    if tip in (mine.verified, mine.server) and not server:
        return None
    if server:
        server_forward(root, tip)
    else:
        local_forward(root, tip, mine)
    founded = founding(root)
    if founded is not None and not descends(root, founded, tip):
        raise IntegrityError(backwards(root, founded, tip, "the register's founding commit"))
    covered = [a for a in (mine.verified, mine.server) if a and exists(root, a)]
    commits: list[Commit] = []
    if any(descends(root, tip, a) for a in covered):  # already verified: below a verified one
        unreverted(root, tip, mine.reverted)
    else:
        commits = gitlog.log(root, rev=[tip, *(f"^{a}" for a in covered)])
    scratch = not covered
    notice = None
    reverted: dict[str, str] = {}
    if commits:
        reverted = _refuse_problems(root, commits, Rings(root, identities, ring), scratch)
        notice = pin(root, commits) if scratch else None
        if not scratch:
            advance(root, commits)
    if server:
        remember(root, tier, server=tip, reverted=reverted)
    else:
        remember(root, tier, verified=tip, reverted=reverted)
        remember(root, tier, server=upstream_within(root, tip, anchors(root, tier)))
    return notice


def _refuse_problems(
    root: Path, commits: list[Commit], rings: Rings, scratch: bool
) -> dict[str, str]:
    """Raise at the first problem of ``commits`` (all of history when ``scratch``); else
    the commits among them that stand reverted (reverted id -> revert id)."""
    problems = founder_problems(root, commits, None) if scratch else []
    found_problems, reverted = _judged(root, commits, rings, founder_key(root, commits))
    problems += found_problems
    if problems:
        first = problems[0]
        raise IntegrityError(
            f"{first.line()}; this register cannot be trusted past commit {first.commit}: "
            "`ucbr audit` lists every problem (a forged record on the server is undone by "
            f"an administrator's `ucbr revert {first.commit}`)"
        )
    return reverted


def check_new_commit(reg: Register, ring: Keyring, sha: str) -> list[Problem]:
    """The problems of the one commit ``sha`` (just made by ucbr), as the audit would
    report them; when the commit is sound and its parent was verified, it is verified."""
    commits = gitlog.log(reg.root, rev=sha, limit=1)
    problems = judge(reg.root, commits, Rings(reg.root, [], ring))
    parent = commits[0].parents[0] if commits[0].parents else None
    tier = tier_of(ring)
    mine = anchors(reg.root, tier)
    if not problems and (parent is None or parent in (mine.verified, mine.server)):
        remember(reg.root, tier, verified=sha)
    return problems
