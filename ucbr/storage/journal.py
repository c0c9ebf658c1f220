"""Recovering from a crash between writing a change and committing it.

Before ``Register.commit_files`` touches the working tree it writes a marker,
``.git/ucbr/pending.json`` (the paths, HEAD before, the action; never a value), and it
removes the marker once the commit is made or the change rolled back. A process killed
in between (SIGKILL, a power cut) leaves the marker. The next ucbr command to open the
register then finishes the job: if the commit was made, it keeps it; if not, it puts
every path back as HEAD has it. It says which in one line.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ucbr.errors import Refused
from ucbr.storage import git, gitlog
from ucbr.storage.localstate import LOCAL, local_dir

PENDING = "pending.json"
LOCK = "ucbr.lock"


def state_dir(root: Path) -> Path:
    """The register's local state, inside ``.git`` (never tracked, never pushed), mode 0700;
    refused when that folder is a link, someone else's or open to others."""
    folder = local_dir(root, create=True)
    if folder is None:
        raise Refused(f".git/{LOCAL} is not a private folder of yours; remove it and try again")
    return folder


def _marker(root: Path) -> Path:
    return root / ".git" / LOCAL / PENDING


@contextmanager
def pending(root: Path, paths: Sequence[str], head: str | None, action: str) -> Iterator[None]:
    """Mark a change in progress for its duration; the marker stays only after a crash."""
    marker = state_dir(root) / PENDING
    data = {"head": head, "paths": list(paths), "action": action}
    tmp = marker.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, marker)
    try:
        yield
    finally:
        marker.unlink(missing_ok=True)


@contextmanager
def writer_lock(root: Path, wait: bool = True) -> Iterator[bool]:
    """Hold the clone's one writer lock; with ``wait=False``, yield False at once when
    another ucbr command holds it."""
    with open(root / ".git" / LOCK, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def recover(root: Path) -> str | None:
    """Finish a change a crash interrupted; one line saying what was done, or None."""
    marker = _marker(root)
    if not marker.exists():
        return None
    with writer_lock(root, wait=False) as held:
        if not held:
            return None  # a ucbr command is writing now; the marker is its own
        return _finish(root, marker)


def _finish(root: Path, marker: Path) -> str | None:
    try:
        data = json.loads(marker.read_text())
        paths = [str(p) for p in data["paths"]]
        before, action = data["head"], str(data["action"])
    except (OSError, ValueError, KeyError, TypeError):
        marker.unlink(missing_ok=True)
        return "a damaged marker of an interrupted change was removed"
    head = git.head(root)
    made = head != before and _made_by(root, head, before, action)
    if not made:
        restore(root, paths)
    marker.unlink(missing_ok=True)
    if made:
        return f"an interrupted {action} had been committed; it is kept"
    return f"an interrupted {action} was rolled back; the register is as it was before it"


def _made_by(root: Path, head: str | None, before: str | None, action: str) -> bool:
    """Whether HEAD is the very commit the interrupted change was making."""
    if head is None:
        return False
    commit = gitlog.log(root, rev=head, limit=1)[0]
    parent = commit.parents[0] if commit.parents else None
    return parent == before and commit.action == action


def restore(root: Path, paths: Sequence[str]) -> None:
    """Every path as HEAD has it: changed files restored, new ones removed, the index reset."""
    if not paths:
        return
    if git.head(root) is None:
        git.run(root, "rm", "-q", "--cached", "--ignore-unmatch", "-r", "--", *paths, check=False)
        for path in paths:
            (root / path).unlink(missing_ok=True)
        return
    tracked = set(git.out(root, "ls-tree", "-r", "--name-only", "HEAD", "--", *paths).split("\n"))
    git.run(root, "reset", "-q", "HEAD", "--", *paths, check=False)
    kept = [p for p in paths if p in tracked]
    if kept:
        git.run(root, "checkout", "-q", "HEAD", "--", *kept)
    for path in paths:
        if path not in tracked:
            (root / path).unlink(missing_ok=True)
