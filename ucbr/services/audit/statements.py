"""What the root of trust has said: ``.ucbr/root.yaml``, changed only by a commit signed
with the root key in force.

    # ucbr: the register's root of trust from this commit on (docs/trust.md)
    key: ssh-ed25519 AAAA…            the root key from this commit on
    accepted: |                       the new key's own signature of the hand-over
      -----BEGIN SSH SIGNATURE-----
      …
    rerooted:                         each rewrite of history the root has stood for
    - replaces: 4f1c…                 the last commit of the history it replaced
      date: 2027-01-04

``root-rotate`` hands the root to a new key: the old root signs the commit, and the new
key signs ``acceptance(parent, key)``, so a stolen old key alone cannot name a new root
(nor could anyone name a key whose private half they do not hold). ``re-root`` follows a
purge (``git filter-repo``, which drops every signature below it): the root, unchanged,
adds what the new history replaces and so stands for every commit below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ucbr.errors import UcbrError
from ucbr.services.audit.paths import ROOT_FILE
from ucbr.services.audit.signatures import Signature, fingerprint
from ucbr.services.audit.snapshots import Snapshots, parent_of
from ucbr.storage.gitlog import Commit
from ucbr.storage.sshkeys import signed_by
from ucbr.storage.yamlio import load_strict

NAMESPACE = "ucbr-root"
ROOT_ACTIONS = ("root-rotate", "re-root")
HEADER = "# ucbr: the register's root of trust from this commit on (see docs/trust.md)\n"
_SHA = re.compile(r"^[0-9a-f]{40}$")
_KEY = re.compile(r"^ssh-ed25519 [A-Za-z0-9+/]+={0,2}$")


@dataclass(frozen=True)
class Statement:
    """``.ucbr/root.yaml`` at one commit."""

    key: str
    accepted: str | None = None
    rerooted: tuple[tuple[str, str], ...] = ()

    def render(self) -> str:
        """The file's text."""
        lines = [HEADER.rstrip("\n"), f"key: {self.key}"]
        if self.accepted:
            lines.append("accepted: |")
            lines.extend(f"  {line}" for line in self.accepted.strip().splitlines())
        if self.rerooted:
            lines.append("rerooted:")
            for replaces, day in self.rerooted:
                lines += [f"- replaces: '{replaces}'", f"  date: '{day}'"]
        return "\n".join(lines) + "\n"


def parse(raw: bytes) -> Statement | None:
    """The statement in ``raw``; None when it is not one."""
    try:
        data = load_strict(raw, ROOT_FILE)
    except UcbrError:
        return None
    if not isinstance(data, dict) or set(data) - {"key", "accepted", "rerooted"}:
        return None
    key, accepted, rerooted = data.get("key"), data.get("accepted"), data.get("rerooted", [])
    if not isinstance(key, str) or not _KEY.match(key.strip()):
        return None
    if accepted is not None and not isinstance(accepted, str):
        return None
    if not isinstance(rerooted, list) or not all(
        isinstance(r, dict) and set(r) == {"replaces", "date"} for r in rerooted
    ):
        return None
    entries = tuple((str(r["replaces"]), str(r["date"])) for r in rerooted)
    return Statement(key.strip(), accepted, entries)


def statement_at(snaps: Snapshots, sha: str | None) -> Statement | None:
    """The root's statement as it stood at ``sha``; None before the first."""
    raw = snaps.raw(sha, ROOT_FILE) if sha else None
    return parse(raw) if raw is not None else None


def acceptance(parent: str, key: str) -> bytes:
    """What a new root key signs to accept the root, on top of commit ``parent``."""
    return f"ucbr root-rotate\nparent {parent}\nkey {key}\n".encode()


def root_before(snaps: Snapshots, commit: Commit, founder_key: str | None) -> str | None:
    """The root key in force when ``commit`` was made: the last statement's, else the
    founder's (``founder_key``, or its fingerprint)."""
    stated = statement_at(snaps, parent_of(commit))
    return stated.key if stated is not None else founder_key


def _same(given: str, key: str) -> bool:
    wanted = given.strip()
    return (wanted if wanted.startswith("SHA256:") else fingerprint(wanted)) == fingerprint(key)


def signed_by_root(sig: Signature | None, root: str | None) -> bool:
    """Whether the commit's signature is valid and made with the root key ``root``."""
    status, _signer, key = sig or ("N", "", "")
    wanted = (root or "").strip()
    expected = wanted if wanted.startswith("SHA256:") else fingerprint(wanted) if wanted else ""
    return status in ("G", "U") and bool(expected) and key == expected


def statement_problems(
    commit: Commit, snaps: Snapshots, sig: Signature | None, before: str | None
) -> list[str]:
    """What is wrong with a ``root-rotate`` or ``re-root`` commit (keyless)."""
    if before is None:
        return ["no root of trust is known to judge this statement of the root by"]
    problems = []
    if not signed_by_root(sig, before):
        problems.append("a statement of the root not signed with the root key in force")
    after = statement_at(snaps, commit.sha)
    prior = statement_at(snaps, parent_of(commit))
    if after is None:
        return [*problems, f"{ROOT_FILE} is not a statement of the root"]
    earlier = prior.rerooted if prior is not None else ()
    if commit.action == "root-rotate":
        accepted = after.accepted or ""
        if _same(before, after.key):
            problems.append("a root-rotate that names the root already in force")
        elif not signed_by(after.key, NAMESPACE, acceptance(parent_of(commit) or "", after.key),
                           accepted):  # fmt: skip
            problems.append("the new root key did not sign its acceptance of the root")
        if after.rerooted != earlier:
            problems.append("a root-rotate changed the record of re-rooting")
    else:
        new = after.rerooted[len(earlier) :]
        if not _same(before, after.key):
            problems.append("a re-root changed the root key")
        if after.rerooted[: len(earlier)] != earlier or len(new) != 1:
            problems.append("a re-root must add exactly one entry to the record of re-rooting")
        elif not _SHA.match(new[0][0]) or new[0][1] != commit.trailer("Ucbr-Date"):
            problems.append("a re-root names the commit it replaces, on its own policy date")
    return problems
