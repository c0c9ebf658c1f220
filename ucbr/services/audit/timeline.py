"""Time along history: no commit is dated after the clock of whoever judges it, and policy
dates never go back.

The judge's clock is the machine's own (``ucbr.services.clock.now``), never the policy
clock a command runs under (``UCBR_TODAY``), which the person making the commit chooses.
A commit dated, or carrying a policy date, more than ``SKEW`` after that moment was made
with a clock moved forward. Along history each policy date (``Ucbr-Date``) is no earlier
than the latest one before it, less the few days that work done offline may lag behind
(``CLOCK_OFFLINE``): so the clock cannot be moved back either, once later work exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ucbr.domain.problems import Problem
from ucbr.services.audit.commits import CLOCK_OFFLINE, policy_date, where
from ucbr.storage import git
from ucbr.storage.gitlog import Commit

# How far ahead of the judge's clock a commit may be dated: clocks of two machines differ,
# and a day covers every time zone.
SKEW = dt.timedelta(days=1)
# How many commits before a batch are read for the latest policy date already in force.
LOOKBACK = 50


def time_problems(
    commits: Sequence[Commit], now: dt.datetime, before: dt.date | None = None
) -> list[Problem]:
    """Commits dated after ``now`` (beyond ``SKEW``), and policy dates going back along
    history; ``before`` is the latest policy date of the commits before ``commits``."""
    found: list[Problem] = []
    latest = before
    limit, today = now + SKEW, now.date()
    for commit in commits:

        def problem(message: str, commit: Commit = commit) -> None:
            found.append(Problem(where(commit), message, severity="integrity", commit=commit.short))

        made = max(commit.date, commit.committed or commit.date)
        if made > limit:
            problem(f"it is dated {made.date()}, after this machine's clock ({today})")
        day = policy_date(commit)
        if day is None:
            continue
        if day > limit.date():
            problem(f"its policy date (Ucbr-Date {day}) is after this machine's clock ({today})")
        if latest is not None and day < latest - CLOCK_OFFLINE:
            problem(
                f"its policy date (Ucbr-Date {day}) is before an earlier commit's ({latest}): "
                "policy dates never go back along history"
            )
        latest = day if latest is None else max(latest, day)
    return found


def latest_policy_date(root: Path, sha: str | None) -> dt.date | None:
    """The latest policy date of ``sha`` and the commits just before it (``LOOKBACK``)."""
    if sha is None:
        return None
    proc = git.run(
        root,
        "log",
        f"--max-count={LOOKBACK}",
        "--format=%(trailers:key=Ucbr-Date,valueonly,separator=%x20)",
        sha,
        check=False,
    )
    days = []
    for word in proc.stdout.decode(errors="replace").split():
        try:
            days.append(dt.date.fromisoformat(word))
        except ValueError:
            continue
    return max(days, default=None)
