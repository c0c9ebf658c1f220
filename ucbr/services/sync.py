"""Many officers, one register: cloning it from the council's server, and syncing with it.

``clone`` pins the council's root of trust, given (the key or its fingerprint) or, on a
terminal, shown and confirmed: a register's own word for its root is never taken.
``sync`` is ``git pull --rebase`` (the merge driver merging two officers' work on a file)
then ``git push``, undone entirely when either fails. The server's history is judged,
and must move only forward, before anything is rebased onto it; only the syncing
officer's own commits are ever made again (and signed again), and they are judged again
before they are pushed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ucbr.errors import IntegrityError, Refused
from ucbr.services import outbox
from ucbr.services.admin import install_drivers
from ucbr.services.audit.rings import Rings
from ucbr.services.audit.root import founder, founder_problems, pin_root, root_chain
from ucbr.services.audit.signatures import fingerprint
from ucbr.services.chain import descends, remember, server_forward, tier_of
from ucbr.services.reseal import needs_reseal, recommitted, reseal
from ucbr.services.trust import verify_to
from ucbr.services.upstream import upstream_of
from ucbr.storage import git, gitlog
from ucbr.storage.store import Register
from ucbr.storage.vault import Identity, Keyring


@dataclass(frozen=True)
class Synced:
    """How many commits came from the server, and how many went to it."""

    pulled: int
    pushed: int


def clone(
    url: str,
    directory: Path,
    root: str | None = None,
    confirm: Callable[[str, str], bool] | None = None,
) -> Register:
    """Clone a register, install its diff and merge drivers, and pin its root of trust:
    ``root`` (the council's published key, or its ``SHA256:`` fingerprint) when given,
    else the founder's, once ``confirm(fingerprint, founder)`` says so (a person at a
    terminal); without either, nothing is cloned. The founding commit is pinned with it
    by the first verification that finds the whole history sound."""
    if directory.exists() and any(directory.iterdir()):
        raise Refused(f"{directory} is not empty")
    if root is None and confirm is None:
        raise Refused(
            "give --root: the council's published root key or its SHA256: fingerprint "
            "(a register's own word for its root of trust is never taken)"
        )
    directory.parent.mkdir(parents=True, exist_ok=True)
    # From the caller's folder, so a relative path to a local repository means what it says.
    git.run(Path.cwd(), "clone", "-q", "--", url, str(directory.resolve()))
    try:
        install_drivers(directory)
        _pin_given_root(directory, root, confirm)
        return Register.open(directory)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise


def _pin_given_root(
    directory: Path, root: str | None, confirm: Callable[[str, str], bool] | None
) -> None:
    commits = gitlog.log(directory)
    found = founder(directory, commits)
    if found is None:
        raise Refused("this is not a register with staff: it has no root of trust to pin")
    chain = root_chain(directory, commits)
    if root is not None:
        if founder_problems(directory, commits, root):
            raise IntegrityError(
                "this register's first administrator is not the root of trust given"
            )
    elif confirm is None or not confirm(fingerprint(chain[-1]), found[1].id):
        raise Refused("not cloned: the register's root of trust was not confirmed")
    pin_root(directory, chain[-1], None)


def _count(root: Path, span: str) -> int:
    return int(git.out(root, "rev-list", "--count", span))


def _upstream(root: Path) -> str:
    upstream = upstream_of(root)
    if upstream is None:
        raise Refused(
            "this register has no server to sync with: if you founded it, make the server's "
            "repository (`ucbr server init BARE_REPO --root KEY` on the server), then push to "
            "it once: `git remote add origin URL` and `git push -u origin main`; otherwise "
            "get the register from the server with `ucbr clone URL DIR`"
        )
    return upstream


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
        ring = ring or Register(root).keyring(identities)
        if before is not None and descends(root, tip, before):
            server_forward(root, tip)  # nothing new from the server: ours goes on top of it
        else:
            verify_to(reg, identities, ring, tip, server=True)
        _only_own_work(root, upstream)
        pulled = git.run(
            root, *signer.options(), "rebase", "-q", upstream, env=signer.environment(), check=False
        )
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
            # A record the merge driver merged is not the one its commit committed to.
            messages = recommitted(reg, Rings(root, identities, current), mine) if mine else {}
            made_at = before if mine else None
            if made_at and (messages or needs_reseal(reg, current, mine, made_at, identities)):
                reseal(reg, identities, mine, signer, made_at, messages)
            head = git.head(root)
            if ahead and head is not None:  # our work made again: judged before it leaves
                verify_to(reg, identities, ring, head)
        except BaseException:
            _restore(root, before)
            raise
        if ahead:
            pushed = git.run(root, "push", "-q", check=False)
            if pushed.returncode != 0:
                _restore(root, before)
                reason = _first_line(pushed.stderr)
                raise Refused(f"the server refused the push, your clone is as it was: {reason}")
            remember(root, tier_of(ring), server=git.head(root))
            outbox.clear(root)  # every section kept for this officer has now been sent
        return Synced(pulled=came, pushed=ahead)


def _only_own_work(root: Path, upstream: str) -> None:
    """Refuse when rebasing would make another officer's commit again: only the syncing
    officer's own unpushed commits are ever made again, and signed with their key. (On
    top of the server's history already, nothing is made again.)"""
    head = git.head(root)
    if head is None or descends(root, git.out(root, "rev-parse", upstream), head):
        return
    own = git.author_email(root).lower()
    for commit in gitlog.log(root, rev=f"{upstream}..HEAD"):
        if commit.author_email.lower() != own:
            raise IntegrityError(
                f"sync stopped, your clone is as it was: {commit.short} is another officer's "
                "commit that the server's history does not hold, and sync makes again (and "
                "signs) only your own work"
            )


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
