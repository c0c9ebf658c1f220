"""How a clone stands against the council's server, as of its last fetch: for reminders.

Work recorded in a clone stays there until ``ucbr sync`` sends it, and a clone that has
not pulled does not know what others have done. Both are read from git's own tracking
branch, without touching the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ucbr.storage import git

SYNC_REMINDER = "this change stays in this clone until `ucbr sync` sends it to the server"


@dataclass(frozen=True)
class Tracking:
    """The branch a clone syncs with, and how many commits each side has that the other
    lacks (as of the last fetch)."""

    upstream: str
    ahead: int  # commits made here, not yet on the server
    behind: int  # commits on the server (when last fetched), not yet here

    def as_dict(self) -> dict[str, object]:
        """As JSON data."""
        return {"upstream": self.upstream, "ahead": self.ahead, "behind": self.behind}

    def line(self) -> str | None:
        """One line saying what is not synced; None when the clone is level with it."""
        parts = []
        if self.ahead:
            parts.append(f"{self.ahead} change{'s' * (self.ahead != 1)} made here not yet sent")
        if self.behind:
            parts.append(
                f"{self.behind} change{'s' * (self.behind != 1)} on the server not yet here"
            )
        if not parts:
            return None
        told = " and ".join(parts)
        return f"this clone is not synced ({told}, as of the last fetch): run `ucbr sync`"


def upstream_of(root: Path) -> str | None:
    """The branch this clone syncs with (``origin/main``), or None when it has none."""
    proc = git.run(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False)
    name = proc.stdout.decode().strip()
    return name if proc.returncode == 0 and name else None


def tracking(root: Path) -> Tracking | None:
    """How this clone stands against its upstream; None when it has none."""
    upstream = upstream_of(root)
    if upstream is None or git.head(root) is None:
        return None
    counts = git.out(root, "rev-list", "--left-right", "--count", f"HEAD...{upstream}").split()
    ahead, behind = (int(n) for n in counts)
    return Tracking(upstream, ahead, behind)
