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
from ucbr.services import clock
from ucbr.services.audit.access import NO_TRAILERS, AccessChange, access_change
from ucbr.services.audit.history import FieldChange, Revision, history
from ucbr.services.audit.judging import judge
from ucbr.services.audit.plaintext import scan_plaintext
from ucbr.services.audit.rings import Rings
from ucbr.services.audit.root import founder_key, founder_problems
from ucbr.services.audit.snapshots import parent_of
from ucbr.services.audit.stepdates import Backdated, backdated_steps
from ucbr.services.audit.timeline import latest_policy_date
from ucbr.storage import gitlog
from ucbr.storage.gitlog import Commit
from ucbr.storage.store import Register

__all__ = [
    "NO_TRAILERS",
    "AccessChange",
    "AuditReport",
    "FieldChange",
    "Reverted",
    "Revision",
    "audit",
    "history",
]


@dataclass(frozen=True)
class Imported:
    """Cases brought in from one file by one administrator: ``ucbr import``'s commits."""

    officer: str
    source_sha256: str
    first: str  # the first and last commits, short
    last: str
    date: str
    cases: int


@dataclass(frozen=True)
class Reverted:
    """A commit reverted by a later one, and the problems found in it, set aside."""

    commit: str
    revert: str
    problems: tuple[str, ...] = ()


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
    imports: list[Imported] = field(default_factory=list)
    reverted: list[Reverted] = field(default_factory=list)
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
            "imports": [asdict(i) for i in self.imports],
            "reverted": [asdict(r) for r in self.reverted],
            "backdated": [asdict(b) for b in self.backdated],
        }

    def note_import(self, commit: Commit) -> None:
        """List an import commit, with the others from the same file by the same officer."""
        source = commit.trailer("Ucbr-Source") or "-"
        cases = len(commit.trailer_all("Ucbr-Case"))
        last = self.imports[-1] if self.imports else None
        if last is not None and (last.officer, last.source_sha256) == (commit.officer, source):
            self.imports[-1] = Imported(
                last.officer, source, last.first, commit.short, last.date, last.cases + cases
            )
            return
        day = commit.date.date().isoformat()
        self.imports.append(
            Imported(commit.officer or "-", source, commit.short, commit.short, day, cases)
        )


def audit(
    reg: Register, since: str | None = None, rings: Rings | None = None, root: str | None = None
) -> AuditReport:
    """Judge every commit (from ``since``) and every file version ever stored.

    With ``rings`` (the caller's keys), every change to a record they open is judged too;
    with ``root`` (the council's published key or fingerprint), the first administrator is
    checked against it, else against the root this clone pinned. Dates are judged by this
    machine's own clock.
    """
    commits = gitlog.log(reg.root, since)
    report = AuditReport()
    for commit in commits:
        report.count(commit)
        if commit.action == "import":
            report.note_import(commit)
    first_key = founder_key(reg.root, commits if since is None else ())
    before = latest_policy_date(reg.root, parent_of(commits[0])) if commits else None
    judged = judge(reg.root, commits, rings, clock.now(), first_key, before)
    report.problems.extend(judged.problems)
    report.signatures_verified = judged.signatures_verified
    report.reverted = [
        Reverted(target.short, revert.short, tuple(p.message for p in set_aside))
        for target, revert, set_aside in judged.reverted
    ]
    if judged.snaps is not None:
        report.access = [
            change for c in commits if (change := access_change(c, judged.snaps)) is not None
        ]
        report.problems.extend(scan_plaintext(reg.root))
    if rings is not None:
        report.records_judged, report.records_unjudged = (
            judged.records_judged,
            judged.records_unjudged,
        )
    if since is None:
        report.problems.extend(founder_problems(reg.root, commits, root))
    report.backdated = backdated_steps(commits, report.problems, rings is not None)
    return report
