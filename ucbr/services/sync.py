"""Many officers, one register: cloning it from the council's server, and syncing with it.

``sync`` is ``git pull --rebase`` (the merge driver merging two officers' work on a file)
then ``git push``, undone entirely when either fails.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from ucbr.errors import IntegrityError, Refused
from ucbr.services.admin import install_drivers
from ucbr.services.audit.root import ROOT_CONFIG, founder_problems
from ucbr.services.reseal import needs_reseal, reseal
from ucbr.services.trust import verify_to
from ucbr.storage import git, gitlog
from ucbr.storage.store import Register
from ucbr.storage.vault import Identity, Keyring


@dataclass(frozen=True)
class Synced:
    """How many commits came from the server, and how many went to it."""

    pulled: int
    pushed: int


def clone(url: str, directory: Path, root: str | None = None) -> Register:
    """Clone a register and install its diff and merge drivers; with ``root`` (the council's
    published root key), pin it, and refuse a register whose first administrator is not it."""
    if directory.exists() and any(directory.iterdir()):
        raise Refused(f"{directory} is not empty")
    directory.parent.mkdir(parents=True, exist_ok=True)
    # From the caller's folder, so a relative path to a local repository means what it says.
    git.run(Path.cwd(), "clone", "-q", "--", url, str(directory.resolve()))
    try:
        install_drivers(directory)
        if root is not None:
            if founder_problems(directory, gitlog.log(directory), root):
                raise IntegrityError(
                    "this register's first administrator is not the root of trust given"
                )
            git.run(directory, "config", ROOT_CONFIG, root.strip())
        return Register.open(directory)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise


def _count(root: Path, span: str) -> int:
    return int(git.out(root, "rev-list", "--count", span))


def _upstream(root: Path) -> str:
    proc = git.run(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False)
    if proc.returncode != 0:
        raise Refused("this clone has no upstream branch to sync with; clone it with `ucbr clone`")
    return proc.stdout.decode().strip()


def sync(
    reg: Register,
    identities: list[Identity],
    signer: git.Signer = git.UNSIGNED,
    ring: Keyring | None = None,
) -> Synced:
    """Fetch the server's changes and verify them, rebase ours on them (records merged by
    the driver), then push ours.

    The server's commits are judged as the audit would (``trust.verify_to``) before
    anything is rebased, merged or sealed to their tier keys: a history that cannot be
    trusted stops the sync with nothing changed. Rebasing makes our commits anew; ``signer``
    signs them again with our own key. Work sealed to tier keys the server has since
    retired is sealed again first (``ucbr.services.reseal``), so none of it is pushed
    sealed to a retired key.
    """
    root = reg.root
    with reg.locked():
        if git.run(root, "status", "--porcelain", "--untracked-files=no").stdout.strip():
            raise Refused("this clone has changes not made by ucbr; commit or discard them first")
        upstream = _upstream(root)
        before = git.head(root)
        fetched = git.run(root, "fetch", "-q", check=False)
        if fetched.returncode != 0:
            raise Refused(f"sync stopped, your clone is as it was: {_first_line(fetched.stderr)}")
        tip = git.out(root, "rev-parse", upstream)
        verify_to(reg, identities, ring or Register(root).keyring(identities), tip)
        pulled = git.run(root, *signer.options(), "rebase", "-q", upstream, check=False)
        if pulled.returncode != 0:
            reason = (
                _driver_reason(pulled.stderr) or _conflicted(root) or _first_line(pulled.stderr)
            )
            _restore(root, before)
            raise Refused(f"sync stopped, your clone is as it was: {reason}")
        ahead = _count(root, f"{upstream}..HEAD")
        came = _count(root, f"{before}..{upstream}") if before else _count(root, upstream)
        mine = gitlog.log(root, rev=f"{upstream}..HEAD")
        try:
            current = Register(root).keyring(identities)
            if mine and before is not None and needs_reseal(reg, current, mine, before, identities):
                reseal(reg, identities, mine, signer, before)
        except BaseException:
            _restore(root, before)
            raise
        if ahead:
            pushed = git.run(root, "push", "-q", check=False)
            if pushed.returncode != 0:
                _restore(root, before)
                reason = _first_line(pushed.stderr)
                raise Refused(f"the server refused the push, your clone is as it was: {reason}")
        return Synced(pulled=came, pushed=ahead)


def _restore(root: Path, before: str | None) -> None:
    for state in ("rebase-merge", "rebase-apply"):
        if (root / git.out(root, "rev-parse", "--git-path", state)).exists():
            git.run(root, "rebase", "--abort", check=False)
    if before is not None:
        git.run(root, "reset", "-q", "--hard", before)


def _driver_reason(stderr: bytes) -> str | None:
    lines = stderr.decode(errors="replace").splitlines()
    return next((ln.removeprefix("ucbr: ") for ln in lines if ln.startswith("ucbr: ")), None)


def _conflicted(root: Path) -> str | None:
    names = git.out(root, "diff", "--name-only", "--diff-filter=U").split()
    return f"{names[0]} conflicts with a change on the server" if names else None


def _first_line(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode(errors="replace").splitlines() if ln.strip()]
    return lines[0] if lines else "git gave no reason"
