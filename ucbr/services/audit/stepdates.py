"""Steps dated the day they were done (``Ucbr-On``): judged from the trailers alone, and
listed by ``ucbr audit``.

A commit's ``Ucbr-Date`` is the day it was recorded, held to git's own dates
(``ucbr.services.audit.commits.clock_problems``). A step done earlier carries that day in
``Ucbr-On``: at most once, a date, only on the actions that take ``--on``, never after
``Ucbr-Date`` and at most ``LATE_LIMIT_DAYS`` before it. That the record's stamps are that
day, and that a step recorded more than ``OFFLINE_DAYS`` late records why, is judged with
the records (``ucbr.domain.transitions``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ucbr.domain.policy.dated import DATED_ACTIONS, LATE_LIMIT_DAYS, OFFLINE_DAYS
from ucbr.domain.problems import Problem
from ucbr.domain.transitions import NO_REASON
from ucbr.storage.gitlog import Commit

TRAILER = "Ucbr-On"


def trailer_date(commit: Commit, name: str) -> dt.date | None:
    """The date a commit's trailer ``name`` gives, when it carries a well-formed one."""
    raw = commit.trailer(name)
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def step_date(commit: Commit) -> dt.date | None:
    """The day the commit's step was done (``Ucbr-On``)."""
    return trailer_date(commit, TRAILER)


def _recorded(commit: Commit) -> dt.date | None:
    return trailer_date(commit, "Ucbr-Date")


def step_date_problems(commit: Commit) -> list[str]:
    """What is wrong with a commit's ``Ucbr-On``, if it has one."""
    given = commit.trailer_all(TRAILER)
    if not given:
        return []
    on, recorded = step_date(commit), _recorded(commit)
    if len(given) > 1:
        return [f"has {len(given)} {TRAILER} trailers; at most one is allowed"]
    if on is None:
        return [f"{TRAILER} is not a date"]
    if commit.action not in DATED_ACTIONS:
        return [f"a {commit.action} is not dated apart from its commit ({TRAILER})"]
    if recorded is None:
        return []
    if on > recorded:
        return [f"its step is dated {on}, after the day it was recorded ({recorded})"]
    if (recorded - on).days > LATE_LIMIT_DAYS:
        return [
            f"its step is dated {on}, {(recorded - on).days} days before it was recorded; "
            f"at most {LATE_LIMIT_DAYS} are allowed"
        ]
    return []


@dataclass(frozen=True)
class Backdated:
    """A step recorded after the day it was done: who, which, and how late."""

    commit: str
    recorded: str
    done: str
    days: int
    officer: str
    action: str
    subject: str  # the case or property id
    reason: str  # "recorded", "missing", "not needed" (within the offline window), "not judged"

    def line(self) -> str:
        """One line of the audit's list."""
        return (
            f"{self.recorded}  {self.commit}  {self.action} {self.subject} by {self.officer}: "
            f"done {self.done}, recorded {self.days} day{'s' * (self.days != 1)} later; "
            f"reason {self.reason}"
        )


def backdated_steps(
    commits: list[Commit], problems: list[Problem], judged: bool
) -> list[Backdated]:
    """Every step recorded after the day it was done. With the records ``judged``, a late
    step recorded its reason unless the records rule reported it missing."""
    missing = {p.commit for p in problems if p.commit and p.message.endswith(NO_REASON)}
    found = []
    for commit in commits:
        on, recorded = step_date(commit), _recorded(commit)
        if on is None or recorded is None or on >= recorded:
            continue
        days = (recorded - on).days
        reason = "not needed"
        if days > OFFLINE_DAYS:
            reason = (
                "missing" if commit.short in missing else "recorded" if judged else "not judged"
            )
        subject = commit.trailer("Ucbr-Case") or "-"
        found.append(
            Backdated(commit.short, recorded.isoformat(), on.isoformat(), days,
                      commit.officer or "-", commit.action or "-", subject, reason)
        )  # fmt: skip
    return found
