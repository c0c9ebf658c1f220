"""``ucbr revert``: the signed, audited way forward from a forged record on the server.

An administrator names the commit the audit reports (``sync`` names it when it stops).
When it is on the server but not yet in this clone (``sync`` refused it), the clone is
first moved on to the server's history, which must hold this clone's every commit. The
revert puts back exactly the records the commit changed, as they were before it, in one
commit signed with the administrator's key (``Ucbr-Action: revert``, ``Ucbr-Reverts:``
the whole id). That commit is kept only if this clone's whole unverified history, the
forgery with it, is then sound; otherwise everything is put back as it was. ``ucbr sync``
then takes the revert to the server, whose hook judges it like any other commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ucbr.domain.permissions import ADMINISTRATORS, refusal
from ucbr.domain.problems import Problem
from ucbr.domain.settings import policy_hash
from ucbr.domain.staff import StaffMember
from ucbr.errors import IntegrityError, Refused, UcbrError
from ucbr.services.audit.paths import kind_of
from ucbr.services.audit.reverts import REVERTS
from ucbr.services.chain import descends, upstream_of
from ucbr.services.trust import verify_to
from ucbr.storage import git, gitlog
from ucbr.storage.gitlog import Commit
from ucbr.storage.store import POLICY_FILE, Register
from ucbr.storage.vault import Identity, Keyring


def revert(
    reg: Register,
    identities: Sequence[Identity],
    ring: Keyring,
    actor: StaffMember,
    signer: git.Signer,
    named: str,
    today: dt.date,
) -> str:
    """Revert the commit ``named``; returns the revert's commit id."""
    if actor.role not in ADMINISTRATORS:
        raise Refused(refusal(actor.role, "revert"))
    root = reg.root
    with reg.locked():
        sha = _commit_id(reg, named)
        head = git.head(root)
        if head is None:
            raise Refused("this register has no history to revert")
        moved = not descends(root, sha, head)
        if moved:
            _move_to_server(reg, sha, head)
        try:
            target = _revertible(reg, sha)
            policy = policy_hash(gitlog.show(root, "HEAD", POLICY_FILE) or b"")
            files = {
                path: gitlog.show(root, target.parents[0], path) for path in sorted(target.files)
            }
            ids = sorted({path.rsplit("/", 1)[-1].removesuffix(".yaml") for path in files})
            message = git.CommitMessage(
                "revert", target.short, officer=actor.id, policy=policy, day=today,
                ids=ids, extra=[(REVERTS, target.sha)],
            )  # fmt: skip

            def sound(made: str) -> list[Problem]:
                try:
                    verify_to(reg, identities, ring, made)
                except UcbrError as exc:
                    return [Problem("-", str(exc), severity="integrity")]
                return []

            return reg.commit_files(files, message, signer, sound)
        except BaseException:
            if moved:
                git.run(root, "reset", "-q", "--hard", head)
            raise


def _commit_id(reg: Register, named: str) -> str:
    if not named or named.startswith("-") or not all(c in "0123456789abcdef" for c in named):
        raise Refused("give the commit to revert by its id, as `sync` or `ucbr audit` named it")
    proc = git.run(reg.root, "rev-parse", "--verify", "-q", f"{named}^{{commit}}", check=False)
    if proc.returncode != 0 and upstream_of(reg.root) is not None:
        git.run(reg.root, "fetch", "-q", check=False)  # on the server, and not yet fetched
        proc = git.run(reg.root, "rev-parse", "--verify", "-q", f"{named}^{{commit}}", check=False)
    if proc.returncode != 0:
        raise Refused(f"there is no commit {named} in this clone nor on its server")
    return proc.stdout.decode().strip()


def _move_to_server(reg: Register, sha: str, head: str) -> None:
    """Move this clone on to the server's history, which holds ``sha`` and all of ours."""
    upstream = upstream_of(reg.root)
    if upstream is None or not descends(reg.root, sha, upstream):
        raise Refused(f"{sha[:7]} is not in this clone's history nor the server's")
    if not descends(reg.root, head, upstream):
        raise Refused(
            "this clone has work the server does not: revert from a clone without "
            "unpushed work (or set it aside first)"
        )
    if git.run(reg.root, "status", "--porcelain", "--untracked-files=no").stdout.strip():
        raise Refused("this clone has changes not made by ucbr; commit or discard them first")
    git.run(reg.root, "merge", "-q", "--ff-only", upstream)


def _revertible(reg: Register, sha: str) -> Commit:
    """The commit, if a revert can undo it: records alone, not changed since."""
    target = gitlog.log(reg.root, rev=sha, limit=1)[0]
    if target.is_merge or not target.parents:
        raise Refused(f"{target.short} cannot be reverted: only a commit of records can")
    if not target.files or any(kind_of(path) != "records" for path in target.files):
        raise Refused(
            f"{target.short} changed more than records: who may read the register is "
            "put right by rotating keys (`ucbr keys rotate`, `ucbr staff remove`), not undone"
        )
    later = (
        git.run(reg.root, "log", "--format=%h", f"{target.sha}..HEAD", "--", *target.files)
        .stdout.decode()
        .split()
    )
    if later:
        raise IntegrityError(
            f"the records {target.short} changed were changed again at {later[-1]}: "
            "a revert must put back exactly what it undoes"
        )
    return target
