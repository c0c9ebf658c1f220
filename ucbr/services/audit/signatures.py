"""Signatures: each commit signed with its author's own key, as the staff directory in force
when they acted lists it.

git verifies (``gpg.format=ssh``, with an allowed-signers file built from every staff
directory in history); ucbr then checks that the key that signed is the author's key *at
the commit's parent*. Whether signing is required is also read at the parent, so a commit
can neither switch signing off for itself nor sign with a key it adds.
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ucbr.domain.staff import StaffMember
from ucbr.services.audit.snapshots import Snapshots, parent_of
from ucbr.storage import gitlog
from ucbr.storage.gitlog import Commit

Signature = tuple[str, str, str]  # git's %G? status, the signer (%GS), the key (%GK)


def fingerprint(signing_key: str) -> str:
    """An SSH public key's SHA256 fingerprint, as git's %GK prints it."""
    try:
        blob = base64.b64decode(signing_key.split()[1], validate=True)
    except (IndexError, ValueError):
        return ""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def signatures(
    root: Path, snaps: Snapshots, commits: Sequence[Commit], since: str | None, rev: str = "HEAD"
) -> dict[str, Signature]:
    """Each commit's signature as git verifies it against every signing key ever listed."""
    keys = snaps.signing_keys()
    required = any(snaps.signing_required(parent_of(c)) for c in commits)
    if not keys and not required:
        return {}
    with tempfile.TemporaryDirectory(prefix="ucbr-signers-") as tmp:
        allowed = Path(tmp) / "allowed_signers"
        allowed.write_text(
            "".join(f'{email} namespaces="git" {key}\n' for email, key in sorted(keys))
        )
        return gitlog.signatures(root, allowed, since, rev)


def _signing_key(commit: Commit, snaps: Snapshots, member: StaffMember | None) -> str | None:
    """The author's signing key in force when they acted: at the parent, or for the very
    first member (who adds themselves) the key they add."""
    if member is None:
        return None
    parent = parent_of(commit)
    if snaps.staff(parent).staff:
        known = snaps.staff(parent).by_id(member.id)
        return known.signing_key if known is not None else None
    return member.signing_key


def signature_problem(
    commit: Commit, snaps: Snapshots, member: StaffMember | None, sig: Signature | None
) -> tuple[bool, str | None]:
    """Whether the commit is signed with its author's key, and the problem if one is due."""
    status, signer, key = sig or ("N", "", "")
    signing_key = _signing_key(commit, snaps, member)
    good = (
        status == "G"
        and member is not None
        and signing_key is not None
        and signer.lower() == member.email.lower()
        and key == fingerprint(signing_key)
    )
    if good or not snaps.signing_required(parent_of(commit)):
        return good, None
    if status == "N":
        return False, "the commit is not signed, and .ucbr/policy.yaml requires signed commits"
    if status in ("G", "U"):
        return (
            False,
            "the commit is signed, but not with the author's signing key in the staff directory",
        )
    return False, "the commit's signature does not verify"
