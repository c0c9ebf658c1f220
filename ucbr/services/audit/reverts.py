"""A signed way forward from a forged record that reached the server: the ``revert``.

A history is never rewritten to remove a bad commit; an administrator reverts it instead
(``ucbr revert COMMIT``): one commit, ``Ucbr-Action: revert`` with ``Ucbr-Reverts:`` naming
the whole id of the commit it undoes, that puts back exactly the files that commit changed
as they were before it. Only a commit that changed records alone can be reverted (a forged
change of staff or keys calls for a key rotation, not an undo), and only while no later
commit has changed those records. The reverted commit's problems are then listed by the
audit as reverted, not as problems of the history; a revert of a commit in which a
holder of every record's key finds nothing wrong is itself a problem. A revert may be
reverted: the newest word stands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ucbr.services.audit.paths import kind_of
from ucbr.storage import git, gitlog
from ucbr.storage.gitlog import Commit

REVERTS = "Ucbr-Reverts"
_SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass
class Reverts:
    """Which commits stand reverted, and what is wrong with each revert."""

    reverted: dict[str, Commit] = field(default_factory=dict)  # reverted sha -> its revert
    problems: dict[str, list[str]] = field(default_factory=dict)  # revert sha -> problems


def target_of(commit: Commit) -> str | None:
    """The commit a revert names, if it names one whole id."""
    named = commit.trailer(REVERTS)
    return named if named is not None and _SHA.match(named) else None


def reverts(root: Path, commits: Sequence[Commit]) -> Reverts:
    """Judge every revert among ``commits``; the newest first, so that a revert that was
    itself reverted undoes nothing."""
    found = Reverts()
    for commit in reversed(commits):
        if commit.action != "revert":
            continue
        problems, target = _judge(root, commit)
        found.problems[commit.sha] = problems
        if not problems and target is not None and commit.sha not in found.reverted:
            found.reverted[target.sha] = commit
    return found


def _judge(root: Path, commit: Commit) -> tuple[list[str], Commit | None]:
    named = target_of(commit)
    if named is None or commit.is_merge:
        return [f"a revert names the whole id of the commit it reverts ({REVERTS})"], None
    ancestor = git.run(root, "merge-base", "--is-ancestor", named, commit.sha, check=False)
    if ancestor.returncode != 0 or named == commit.sha:
        return [f"it reverts {named[:7]}, which is not in its history"], None
    target = gitlog.log(root, rev=named, limit=1)[0]
    if target.is_merge or not target.parents:
        return [f"{target.short} cannot be reverted: only a commit of records can"], None
    if not target.files or any(kind_of(path) != "records" for path in target.files):
        return [f"{target.short} changed more than records: revoke access by rotating keys"], None
    if sorted(commit.files) != sorted(target.files):
        return [f"a revert of {target.short} must change exactly the files it changed"], None
    if _later_changes(root, target, commit):
        return [f"the files {target.short} changed were changed again before the revert"], None
    before = gitlog.object_sizes(root, [f"{target.parents[0]}:{p}" for p in target.files])
    after = gitlog.object_sizes(root, [f"{commit.sha}:{p}" for p in target.files])
    for path in target.files:
        was, now = before.get(f"{target.parents[0]}:{path}"), after.get(f"{commit.sha}:{path}")
        if (was[0] if was else None) != (now[0] if now else None):
            return [f"{path} is not as it was before {target.short}"], None
    return [], target


def _later_changes(root: Path, target: Commit, revert: Commit) -> bool:
    """Whether a commit after ``target`` and before ``revert`` changed its files."""
    if revert.parents[0] == target.sha:
        return False
    proc = git.run(
        root, "log", "--format=%H", f"{target.sha}..{revert.parents[0]}", "--", *target.files
    )
    return bool(proc.stdout.strip())
