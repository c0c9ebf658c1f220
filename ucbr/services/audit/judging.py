"""Judging a run of commits, the one way the audit, every verification and the server's
hook all do it.

In order: the size of every file stored (from git's object headers, before anything is
read); each commit's trailers, paths, author, role and signature by the staff directory
in force at its parent; statements of the root, judged by the root key in force; the
dates, against the judge's own clock and along history; the records, as far as the
caller's keys open them; and reverts, whose reverted commits' problems are set aside and
listed. What cannot be judged is a problem, never a pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ucbr.domain.problems import Problem
from ucbr.services.audit.commits import check_commit, where
from ucbr.services.audit.paths import size_problems
from ucbr.services.audit.records import check_records
from ucbr.services.audit.reverts import Reverts, reverts
from ucbr.services.audit.rings import Rings
from ucbr.services.audit.signatures import Signature, signatures
from ucbr.services.audit.snapshots import Snapshots, parent_of
from ucbr.services.audit.statements import ROOT_ACTIONS, root_before, statement_problems
from ucbr.services.audit.timeline import time_problems
from ucbr.storage import git
from ucbr.storage.gitlog import Commit


@dataclass
class Judgement:
    """What judging a run of commits found."""

    problems: list[Problem] = field(default_factory=list)
    reverted: list[tuple[Commit, Commit, list[Problem]]] = field(default_factory=list)
    signatures_verified: int = 0
    records_judged: int = 0
    records_unjudged: int = 0
    snaps: Snapshots | None = None


def judge(
    root: Path,
    commits: Sequence[Commit],
    rings: Rings | None,
    now: dt.datetime,
    founder_key: str | None = None,
    before: dt.date | None = None,
) -> Judgement:
    """Every problem of ``commits`` (oldest first). ``founder_key`` is the root of trust
    before any statement of the root (to judge one by); ``before`` the latest policy date
    of the commits before these."""
    result = Judgement()
    if not commits:
        return result
    oversized = size_problems(root, commits)
    if oversized:  # nothing of them is read
        result.problems = oversized
        return result
    snaps = Snapshots(root, [s for c in commits for s in (c.sha, *c.parents[:1])])
    result.snaps = snaps
    for commit in commits:  # parse every directory first: the allowed signers come from all
        snaps.staff(commit.sha)
        snaps.staff(parent_of(commit))
    first, last = commits[0], commits[-1]
    span = f"{first.parents[0]}..{last.sha}" if first.parents else last.sha
    sigs = signatures(root, snaps, commits, None, span)
    attested = _attested(root, commits, snaps, sigs, founder_key)
    undone = reverts(root, commits)
    by_commit: dict[str, list[Problem]] = {c.short: [] for c in commits}
    loose: list[Problem] = []
    for commit in commits:
        rooted = root_before(snaps, commit, founder_key) if commit.action in ROOT_ACTIONS else None
        found, verified = check_commit(
            commit, snaps, sigs.get(commit.sha), root=rooted, attested=commit.sha in attested
        )
        by_commit[commit.short].extend(found)
        result.signatures_verified += verified
        for message in undone.problems.get(commit.sha, []):
            by_commit[commit.short].append(_problem(commit, message))
    skipped = set(undone.reverted)
    for problem in time_problems([c for c in commits if c.sha not in skipped], now, before):
        by_commit.get(problem.commit or "", loose).append(problem)
    if rings is not None:
        # A revert's records are, byte for byte, as they were before what it reverts:
        # judged when they were first made, and here by the revert's own shape.
        records = check_records([c for c in commits if c.action != "revert"], snaps, rings)
        for problem in records.problems:
            by_commit.get(problem.commit or "", loose).append(problem)
        result.records_judged, result.records_unjudged = records.judged, records.unjudged
    _set_aside(commits, by_commit, undone, rings, result)
    result.problems.extend(loose)
    return result


def _problem(commit: Commit, message: str) -> Problem:
    return Problem(where(commit), message, severity="integrity", commit=commit.short)


def _set_aside(
    commits: Sequence[Commit],
    by_commit: dict[str, list[Problem]],
    undone: Reverts,
    rings: Rings | None,
    result: Judgement,
) -> None:
    """Each commit's problems into the result, those of reverted commits set aside."""
    judges_records = rings is not None and rings.current.can_read("record")
    for commit in commits:
        revert = undone.reverted.get(commit.sha)
        found = by_commit.get(commit.short, [])
        if revert is None:
            result.problems.extend(found)
            continue
        result.reverted.append((commit, revert, found))
        if not found and judges_records:
            result.problems.append(_problem(revert, _honest(commit)))
    judged = {c.sha for c in commits}
    for target, revert in undone.reverted.items():
        if target not in judged and judges_records:  # verified before: nothing was wrong in it
            result.problems.append(_problem(revert, _honest(target[:7])))


def _honest(reverted: Commit | str) -> str:
    short = reverted if isinstance(reverted, str) else reverted.short
    return f"it reverts {short}, in which nothing is wrong: honest work stands"


def _attested(
    root: Path,
    commits: Sequence[Commit],
    snaps: Snapshots,
    sigs: dict[str, Signature],
    founder_key: str | None,
) -> set[str]:
    """The commits a sound ``re-root`` stands for: every one below it, whose signatures a
    purge of history dropped."""
    found: set[str] = set()
    for commit in commits:
        if commit.action != "re-root" or commit.sha in found:
            continue
        rooted = root_before(snaps, commit, founder_key)
        if statement_problems(commit, snaps, sigs.get(commit.sha), rooted):
            continue
        below = git.run(root, "rev-list", f"{commit.sha}^", check=False).stdout.decode().split()
        found.update(below)
    return found
