"""The IG officer's reading of git: ``ucbr audit`` and ``ucbr history``.

The audit reads every commit and every file version in history: trailers, who made each
change and whether their role allowed it (by the staff directory in force when they made
it), SSH signatures, hand edits, plaintext, and every change of who can read which tier.
Problems are collected as data, each naming the commit and file; none stops the rest.
``commits`` judges one commit, ``plaintext`` reads every stored file version, and
``history`` is the timeline of one file.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from ucbr.domain.problems import Problem, exit_code_of
from ucbr.services.audit.access import NO_TRAILERS, AccessChange, access_change
from ucbr.services.audit.commits import check_commit
from ucbr.services.audit.history import FieldChange, Revision, history
from ucbr.services.audit.plaintext import scan_plaintext
from ucbr.services.audit.records import check_records
from ucbr.services.audit.rings import Rings
from ucbr.services.audit.root import founder_problems
from ucbr.services.audit.signatures import signatures
from ucbr.services.audit.snapshots import Snapshots, parent_of
from ucbr.services.audit.stepdates import Backdated, backdated_steps
from ucbr.storage import gitlog
from ucbr.storage.gitlog import Commit
from ucbr.storage.store import Register

__all__ = [
    "NO_TRAILERS",
    "AccessChange",
    "AuditReport",
    "FieldChange",
    "Revision",
    "audit",
    "history",
]


@dataclass
class AuditReport:
    """What the audit found: counts, the period, the problems and every change of access."""

    commits: int = 0
    by_action: Counter[str] = field(default_factory=Counter)
    officers: Counter[str] = field(default_factory=Counter)
    signatures_verified: int = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    problems: list[Problem] = field(default_factory=list)
    access: list[AccessChange] = field(default_factory=list)
    records_judged: int = 0
    records_unjudged: int = 0
    backdated: list[Backdated] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 for a clean history, 6 for any problem in it."""
        return exit_code_of(self.problems)

    def count(self, commit: Commit) -> None:
        """Count one commit into the summary."""
        self.commits += 1
        self.by_action[commit.action or NO_TRAILERS] += 1
        if commit.officer:
            self.officers[commit.officer] += 1
        self.first = commit.date if self.first is None else min(self.first, commit.date)
        self.last = commit.date if self.last is None else max(self.last, commit.date)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON data."""
        return {
            "commits": self.commits,
            "by_action": dict(sorted(self.by_action.items())),
            "officers": dict(sorted(self.officers.items())),
            "signatures_verified": self.signatures_verified,
            "period": {
                "from": self.first.isoformat() if self.first else None,
                "to": self.last.isoformat() if self.last else None,
            },
            "records": {"judged": self.records_judged, "not_judged": self.records_unjudged},
            "problems": [p.as_dict() for p in self.problems],
            "access_changes": [asdict(a) for a in self.access],
            "backdated": [asdict(b) for b in self.backdated],
        }


def audit(
    reg: Register, since: str | None = None, rings: Rings | None = None, root: str | None = None
) -> AuditReport:
    """Judge every commit (from ``since``) and every file version ever stored.

    With ``rings`` (the caller's keys), every change to a record they open is judged too;
    with ``root`` (the council's published key), the first administrator is checked
    against it, else against the root this clone pinned.
    """
    commits = gitlog.log(reg.root, since)
    snaps = Snapshots(reg.root, [s for c in commits for s in (c.sha, *c.parents[:1])])
    for commit in commits:  # parse every directory first: the allowed signers come from all
        snaps.staff(commit.sha)
        snaps.staff(parent_of(commit))
    sigs = signatures(reg.root, snaps, commits, since)
    report = AuditReport()
    for commit in commits:
        report.count(commit)
        found, verified = check_commit(commit, snaps, sigs.get(commit.sha))
        report.problems.extend(found)
        report.signatures_verified += verified
        change = access_change(commit, snaps)
        if change is not None:
            report.access.append(change)
    report.problems.extend(scan_plaintext(reg.root))
    if rings is not None:
        records = check_records(commits, snaps, rings)
        report.problems.extend(records.problems)
        report.records_judged, report.records_unjudged = records.judged, records.unjudged
    if since is None:
        report.problems.extend(founder_problems(reg.root, commits, root))
    report.backdated = backdated_steps(commits, report.problems, rings is not None)
    return report
