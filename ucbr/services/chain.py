"""History only moves forward: what each tier verified in this clone, and the checks that
keep every later history descending from it.

For each tier (the highest tier the caller's keys open), ``.git/ucbr/state.json`` holds
the last commit verified here (``verified``, which may be this clone's own unpushed
work), the last commit of the server's history verified (``server``), and the commits
that stand only with their revert (``reverted``: reverted id -> revert id). Commit ids
only: nothing secret, nothing personal.

- The server's history (what ``sync`` fetches, and the clone's upstream branch) descends
  from every tier's ``server`` commit: a server that forks or truncates history below
  what a clone verified is refused, naming both commits.
- HEAD descends from what its tier verified, or from the server's history, or else
  differs only by the clone's own author's commits (work not yet pushed, or set aside).
- A history holding a reverted commit without its revert is refused.

A rewritten history (a purge) is never accepted by a clone that verified the old one:
the council re-roots it with the root key, and every clone is made again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ucbr.errors import IntegrityError
from ucbr.storage import git, gitlog
from ucbr.storage.localstate import read_state, update_state
from ucbr.storage.vault import Keyring

STATE_KEY = "trust"
REROOTING = "docs/trust.md#re-rooting"


@dataclass(frozen=True)
class Anchors:
    """What one tier has verified in this clone."""

    verified: str | None = None
    server: str | None = None
    reverted: dict[str, str] = field(default_factory=dict)


def tier_of(ring: Keyring) -> str:
    """The name a keyring's verifications are remembered under: its highest tier."""
    return ring.highest or "none"


def _trust_state(root: Path) -> dict[str, dict[str, Any]]:
    state = read_state(root).get(STATE_KEY)
    return (
        {t: f for t, f in state.items() if isinstance(f, dict)} if isinstance(state, dict) else {}
    )


def anchors(root: Path, tier: str) -> Anchors:
    """What ``tier`` has verified in this clone."""
    facts = _trust_state(root).get(tier, {})
    verified, server = facts.get("verified"), facts.get("server")
    reverted = facts.get("reverted")
    return Anchors(
        verified if isinstance(verified, str) else None,
        server if isinstance(server, str) else None,
        {k: v for k, v in reverted.items() if isinstance(v, str)}
        if isinstance(reverted, dict)
        else {},
    )


def servers(root: Path) -> list[str]:
    """Every tier's last verified commit of the server's history."""
    found = {f.get("server") for f in _trust_state(root).values()}
    return sorted(s for s in found if isinstance(s, str))


def remember(
    root: Path,
    tier: str,
    verified: str | None = None,
    server: str | None = None,
    reverted: dict[str, str] | None = None,
) -> None:
    """Note what ``tier`` has verified (atomically; the file holds commit ids only)."""
    state = _trust_state(root)
    facts = state.setdefault(tier, {})
    if verified is not None:
        facts["verified"] = verified
    if server is not None:
        facts["server"] = server
    if reverted:
        facts["reverted"] = {**facts.get("reverted", {}), **reverted}
    update_state(root, **{STATE_KEY: state, "verified": None})


def server_forward(root: Path, tip: str) -> None:
    """The server's history descends from every commit of it this clone verified."""
    for anchor in servers(root):
        if not descends(root, anchor, tip):
            raise IntegrityError(
                backwards(root, anchor, tip, "the last commit of the server's history verified")
            )


def local_forward(root: Path, tip: str, mine: Anchors) -> None:
    """HEAD moves forward from the server's history this clone verified (from what it
    verified itself, when it has verified none of the server's), or differs from it only
    by its author's own commits; and the upstream branch, the server's, moves only
    forward."""
    upstream = upstream_of(root)
    if upstream is not None and upstream != tip:
        server_forward(root, upstream)
    known = servers(root)
    base = mine.verified if mine.verified and exists(root, mine.verified) else None
    anchors_here = [a for a in (base, *known) if a]
    if not anchors_here:
        return
    # Forward from the server's history when this clone has verified some (else from what
    # it verified itself): descending from an older commit of it is no excuse.
    if all(descends(root, a, tip) for a in (known or anchors_here)):
        return
    own = author_email(root)
    new = gitlog.log(root, rev=[tip, *(f"^{a}" for a in anchors_here)])
    if any(own is None or c.author_email.lower() != own.lower() for c in new):
        raise IntegrityError(backwards(root, anchors_here[-1], tip, "what this clone verified"))


def unreverted(root: Path, tip: str, reverted: dict[str, str]) -> None:
    """Refuse a history that holds a reverted commit but not the commit reverting it."""
    for target, revert in reverted.items():
        if descends(root, target, tip) and not descends(root, revert, tip):
            raise IntegrityError(
                f"{tip[:7]} holds {target[:7]} without {revert[:7]}, which reverts it: "
                "that history cannot be trusted on its own"
            )


def backwards(root: Path, anchor: str, tip: str, what: str) -> str:
    """The refusal of a history that does not descend from ``anchor``, naming both."""
    rerooted = (
        git.run(
            root,
            "log",
            "-1",
            "--format=%h",
            "-E",
            "--grep=^Ucbr-Action: re-root$",
            tip,
            check=False,
        )
        .stdout.decode()
        .strip()
    )
    head = f"history moved backwards: {tip[:7]} does not descend from {anchor[:7]}, {what}"
    if rerooted:
        return (
            f"{head}; the new history was re-rooted at {rerooted}: once the council confirms "
            f"it, delete this clone and clone it again ({REROOTING})"
        )
    return (
        f"{head}; only a re-root signed with the council's root key replaces history "
        f"({REROOTING}): tell the IG officer"
    )


def upstream_of(root: Path) -> str | None:
    """The commit of this clone's upstream branch (the server's, as last fetched)."""
    proc = git.run(root, "rev-parse", "--verify", "-q", "@{u}^{commit}", check=False)
    return proc.stdout.decode().strip() or None


def upstream_within(root: Path, tip: str, mine: Anchors) -> str | None:
    """The upstream branch when ``tip`` holds it, and it moved forward, and it stands on
    its own (no reverted commit without its revert): verified along with ``tip``."""
    upstream = upstream_of(root)
    if upstream is None or upstream == mine.server or not descends(root, upstream, tip):
        return None
    if mine.server is not None and not descends(root, mine.server, upstream):
        return None
    try:
        unreverted(root, upstream, mine.reverted)
    except IntegrityError:
        return None
    return upstream


def author_email(root: Path) -> str | None:
    """The e-mail of this clone's git author (the officer working in it), if set."""
    ident = git.run(root, "var", "GIT_AUTHOR_IDENT", check=False).stdout.decode()
    if "<" not in ident:
        return None
    return ident.split("<", 1)[1].split(">", 1)[0].strip() or None


def exists(root: Path, sha: str) -> bool:
    """Whether ``sha`` is a commit this clone holds."""
    return git.run(root, "cat-file", "-e", f"{sha}^{{commit}}", check=False).returncode == 0


def descends(root: Path, older: str, newer: str) -> bool:
    """Whether ``newer`` is ``older`` or descends from it."""
    if older == newer:
        return True
    return git.run(root, "merge-base", "--is-ancestor", older, newer, check=False).returncode == 0
