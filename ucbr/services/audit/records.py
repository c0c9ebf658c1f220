"""Whether each commit's change to a record is the action it claims, by its own officer.

Fails closed: a section of a tier sealed at a commit where the caller held that tier must
open with that tier's key (``Rings.proven``); one that does not is an integrity problem
naming the file and the commit, never a record "your key cannot open". So a record sealed
to a key nobody on the staff holds is reported by every casework key.

With a key that opens records (a casework key), the record before and after each commit
is compared by ``ucbr.domain.transitions``, every record invariant
(``ucbr.domain.invariants``) is judged with the policy and staff in force at the parent,
a deletion is judged by the retention rules, and the schedule and entry are checked to
say what the record implies. With a frontline key only, the schedule and entry are judged
as far as they can be without the record (``published``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from pydantic import BaseModel

from ucbr.domain import commitment
from ucbr.domain.commitment import TRAILER
from ucbr.domain.invariants import REMOVALS, Facts, Removal, introduced, record_problems
from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.problems import Problem
from ucbr.domain.staff import SECTION_KEY
from ucbr.domain.transitions import transition_problems
from ucbr.domain.views import sections_of
from ucbr.errors import UcbrError
from ucbr.services.audit.commits import RECORD_DIRS, policy_date
from ucbr.services.audit.published import judge_published, models_of
from ucbr.services.audit.rings import Rings
from ucbr.services.audit.snapshots import Snapshots, parent_of
from ucbr.services.audit.stepdates import step_date
from ucbr.storage import envelope, gitlog
from ucbr.storage.gitlog import Commit
from ucbr.storage.store import recipients_file, tier_key_file
from ucbr.storage.vault import Keyring, decrypt_section

TIER_FILES = (".ucbr/tiers/", ".ucbr/recipients/")
RECORD_MODELS: dict[str, type[Case] | type[PropertyRisk]] = {
    "case": Case,
    "property": PropertyRisk,
}
Report = Callable[[str], None]


@dataclass
class RecordReport:
    """The problems found in records, and how many record changes could not be judged."""

    problems: list[Problem] = field(default_factory=list)
    judged: int = 0
    unjudged: int = 0


@dataclass
class Revision:
    """One file at one commit, as far as the caller's keys open it."""

    exists: bool = False
    sections: dict[str, Any] = field(default_factory=dict)
    armor: dict[str, str] = field(default_factory=dict)
    unopened: list[str] = field(default_factory=list)  # sealed to a key not the tier's
    invalid: list[str] = field(default_factory=list)  # opened, but not YAML

    @property
    def record(self) -> dict[str, Any] | None:
        """The record's data, where it was opened."""
        found: dict[str, Any] | None = self.sections.get("record")
        return found


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
        if any(path.startswith(TIER_FILES) for path in commit.files):
            _check_tier_keys(commit, rings, blobs, report)
        for path in commit.files:
            if path.startswith(RECORD_DIRS):
                _check_one(commit, path, snaps, rings, blobs, report)
    return report


def _check_tier_keys(
    commit: Commit, rings: Rings, blobs: dict[str, bytes | None], report: RecordReport
) -> None:
    """Each tier key the caller opens at a commit that changed tier keys is the key its
    public file names: otherwise what is sealed to the one cannot be opened with the other."""
    rings.proven(blobs, commit.sha)  # reads the commit's public tier keys into ``blobs``
    for tier, key in rings.at(blobs, commit.sha).tiers.items():
        public = blobs.get(f"{commit.sha}:{recipients_file(tier)}") or b""
        if str(key.to_public()) not in public.decode(errors="replace").split():
            report.problems.append(
                Problem(
                    tier_key_file(tier),
                    f"the {tier} tier key is not the key {recipients_file(tier)} names",
                    severity="integrity",
                    commit=commit.short,
                )
            )


def _revision(
    rings: Rings, ring: Keyring, proven: Keyring, raw: bytes | None, path: str
) -> Revision:
    """A file at one revision: each section opened with the tier key proven in force there
    (which must open it), else with any key the caller holds."""
    if raw is None:
        return Revision()
    env = envelope.parse_fast(raw.decode(), path, PurePosixPath(path).stem)
    found = Revision(exists=True, armor=dict(env.sections))
    for name, armored in env.sections.items():
        key = proven.tiers.get(SECTION_KEY[name])
        if key is None:
            data = rings.open(ring, name, armored)
        else:
            plain = decrypt_section(armored, [key], f"the {name} section")
            data = None if plain is None else _read(plain, name, found)
            if plain is None:
                found.unopened.append(name)
        if data is not None:
            found.sections[name] = data
    return found


def _read(plain: bytes, name: str, revision: Revision) -> Any:
    try:
        return Rings.read(plain, name)
    except UcbrError:
        revision.invalid.append(name)
        return None


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
        before = _revision(
            rings, rings.at(blobs, parent) if parent else Keyring(), Keyring(),
            blobs.get(f"{parent}:{path}") if parent else None, path,
        )  # fmt: skip
        after = _revision(
            rings, rings.at(blobs, commit.sha), rings.proven(blobs, commit.sha),
            blobs.get(f"{commit.sha}:{path}"), path,
        )  # fmt: skip
    except (UcbrError, UnicodeDecodeError):
        return  # not a sealed file: the scan of stored files reports it

    def problem(message: str) -> None:
        report.problems.append(
            Problem(path, message, id=PurePosixPath(path).stem, severity="integrity",
                    commit=commit.short)
        )  # fmt: skip

    for name in after.invalid:
        problem(f"the {name} section is not valid")
    for name in after.unopened:
        tier = SECTION_KEY[name]
        problem(
            f"the {name} section is not sealed to the {tier} tier key of this commit: "
            f"no holder of the {tier} tier can open it"
        )
    staff = snaps.staff(parent)
    actor = staff.by_email(commit.author_email)
    facts = Facts(snaps.policy(parent), staff, commit.action, actor)
    file_id = PurePosixPath(path).stem
    held = models_of(after.sections, file_id, kind) if after.exists else None
    published = judge_published(
        models_of(before.sections, file_id, kind) if before.exists else None,
        held,
        before.armor.get("record") != after.armor.get("record"),
        facts,
    )
    if (before.exists and before.record is None) or (after.exists and after.record is None):
        report.unjudged += not (after.unopened or after.invalid)
        for message in published:
            problem(message)
        return
    report.judged += 1
    file_id = path.rsplit("/", 1)[-1].removesuffix(".yaml")
    trailers = commit.trailer_all(TRAILER)
    for message in commitment.problems(trailers, file_id, before.record, after.record):
        problem(message)
    day = policy_date(commit)
    if day is None:
        return
    action, officer = commit.action or "", commit.officer or ""
    on = step_date(commit)
    for message in transition_problems(action, officer, day, before.record, after.record, kind, on):
        problem(message)
    model = RECORD_MODELS[kind]
    if after.record is None:
        old = _valid(model, before.record)
        removal = Removal(file_id, old, day)
        for message in introduced(REMOVALS, None, removal, facts):
            problem(message)
        return
    record = _valid(model, after.record)
    if record is None:
        problem("the record is not valid")
        return
    for message in record_problems(_valid(model, before.record), record, facts):
        problem(message)
    if _agreement(record, held or {}, snaps.policy(commit.sha), problem):
        for message in published:
            problem(message)


def _valid(model: type[Case] | type[PropertyRisk], data: Any) -> Case | PropertyRisk | None:
    """The record as its model, or None when there is none or it is not valid."""
    if data is None:
        return None
    try:
        return model.model_validate(data)
    except ValueError:
        return None


def _agreement(
    record: Case | PropertyRisk, held: dict[str, BaseModel | None], cfg: Any, problem: Report
) -> bool:
    """The schedule and entry opened say what the record implies; whether they do."""
    if cfg is None:
        return True
    derived = sections_of(record, cfg)
    agree = True
    for name, ours in held.items():
        if ours != derived[name]:  # compared as data: the same content however it is laid out
            problem(f"the {name} section does not say what the record says")
            agree = False
    return agree
