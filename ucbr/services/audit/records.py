"""Whether each commit's change to a record is the action it claims, by its own officer.

Needs a key that opens records (a casework key) for the full check: the record before and
after each commit is compared by ``ucbr.domain.transitions``, and the schedule and entry
sections are checked to say what the record implies. With a frontline key only, a file
made by someone whose key cannot read records is checked to put no one on the register.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.problems import Problem
from ucbr.domain.transitions import transition_problems
from ucbr.domain.views import sections_of
from ucbr.errors import UcbrError
from ucbr.services.audit.commits import RECORD_DIRS, policy_date
from ucbr.services.audit.rings import Rings
from ucbr.services.audit.snapshots import Snapshots, parent_of
from ucbr.services.audit.stepdates import step_date
from ucbr.storage import envelope, gitlog
from ucbr.storage.gitlog import Commit
from ucbr.storage.vault import Keyring

RECORD_MODELS: dict[str, type[Case] | type[PropertyRisk]] = {
    "case": Case,
    "property": PropertyRisk,
}


@dataclass
class RecordReport:
    """The problems found in records, and how many record changes could not be judged."""

    problems: list[Problem] = field(default_factory=list)
    judged: int = 0
    unjudged: int = 0


def check_records(commits: Sequence[Commit], snaps: Snapshots, rings: Rings) -> RecordReport:
    """Judge every change to a record that the caller's keys can open."""
    report = RecordReport()
    blobs: dict[str, bytes | None] = {}
    wanted = [
        f"{rev}:{path}"
        for commit in commits
        if commit.trailers and not commit.is_merge
        for path in commit.files
        if path.startswith(RECORD_DIRS)
        for rev in (commit.sha, parent_of(commit))
        if rev
    ]
    blobs.update(gitlog.read_blobs(snaps.root, wanted))
    for commit in commits:
        if not commit.trailers or commit.is_merge:
            continue  # reported already, as a hand edit or a merge
        for path in commit.files:
            if path.startswith(RECORD_DIRS):
                _check_one(commit, path, snaps, rings, blobs, report)
    return report


def _opened(
    rings: Rings, ring: Keyring, raw: bytes | None, path: str
) -> tuple[dict[str, Any] | None, dict[str, Any], bool]:
    """(the record, the readable sections, whether the file exists) at one revision."""
    if raw is None:
        return None, {}, False
    env = envelope.parse_fast(raw.decode(), path, path.rsplit("/", 1)[-1].removesuffix(".yaml"))
    sections = {
        name: data
        for name, armored in env.sections.items()
        if (data := rings.open(ring, name, armored)) is not None
    }
    return sections.get("record"), sections, True


def _check_one(
    commit: Commit,
    path: str,
    snaps: Snapshots,
    rings: Rings,
    blobs: dict[str, bytes | None],
    report: RecordReport,
) -> None:
    parent = parent_of(commit)
    kind = "case" if path.startswith("cases/") else "property"
    try:
        before, _, existed = _opened(
            rings, rings.at(blobs, parent) if parent else Keyring(),
            blobs.get(f"{parent}:{path}") if parent else None, path,
        )  # fmt: skip
        after, sections, exists = _opened(
            rings, rings.at(blobs, commit.sha), blobs.get(f"{commit.sha}:{path}"), path
        )
    except (UcbrError, UnicodeDecodeError):
        return  # not a sealed file: the plaintext scan reports it

    def problem(message: str) -> None:
        report.problems.append(
            Problem(path, message, id=path.split("/")[-1][:10], severity="integrity",
                    commit=commit.short)
        )  # fmt: skip

    if (existed and before is None) or (exists and after is None):
        report.unjudged += 1
        _frontline_check(commit, snaps, existed, sections, problem)
        return
    report.judged += 1
    day = policy_date(commit)
    if day is None:
        return
    action, officer = commit.action or "", commit.officer or ""
    on = step_date(commit)
    for message in transition_problems(action, officer, day, before, after, kind, on):
        problem(message)
    if after is not None:
        _agreement(after, sections, snaps.policy(commit.sha), kind, problem)


def _agreement(
    after: dict[str, Any], sections: dict[str, Any], cfg: Any, kind: str, problem: Any
) -> None:
    """The schedule and entry say what the record implies."""
    if cfg is None:
        return
    try:
        record = RECORD_MODELS[kind].model_validate(after)
    except ValueError:
        problem("the record is not valid")
        return
    derived = sections_of(record, cfg)
    for name in ("schedule", "entry"):
        if name not in sections:
            continue
        try:
            held = type(derived[name]).model_validate(sections[name])
        except ValueError:
            held = None
        if held != derived[name]:  # compared as data: the same content however it is laid out
            problem(f"the {name} section does not say what the record says")


def _frontline_check(
    commit: Commit, snaps: Snapshots, existed: bool, sections: dict[str, Any], problem: Any
) -> None:
    """What a frontline key can check of a file made by someone whose key cannot read
    records: that it puts no one on the register."""
    member = snaps.staff(parent_of(commit)).by_email(commit.author_email)
    if member is None or member.tier == "casework" or existed:
        return
    entry, schedule = sections.get("entry"), sections.get("schedule")
    if (entry and entry.get("on_register")) or (schedule and schedule.get("on_register")):
        problem(f"{member.id}, whose key cannot read records, put someone on the register")
