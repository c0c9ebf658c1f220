"""``ucbr check``: every problem in the register, collected as data, not stopped at the first.

Like a ledger checker, it reads every file: the envelope, every section the caller's key
opens, whether the derived sections agree with the record, whether each section is sealed
to exactly its tier key, and the Ombudsman's fault patterns the records show. The files
are shared between two worker processes; each section is decrypted once, and not at all
when the tier's local cache already holds that file's content (``ucbr.storage.cache``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial

from pydantic import BaseModel

from ucbr.domain import invariants
from ucbr.domain.expiry import schedule_on
from ucbr.domain.faults import case_problems, property_problems
from ucbr.domain.ids import file_path
from ucbr.domain.invariants import PUBLISHED, Facts, Published, judge_all
from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.problems import Problem, exit_code_of
from ucbr.domain.sections import CaseEntry, PropertyEntry, Schedule
from ucbr.domain.staff import SECTIONS, TIERS
from ucbr.domain.views import sections_of
from ucbr.errors import IntegrityError, UcbrError
from ucbr.services.admin import drivers_installed
from ucbr.services.rules import standing_problems
from ucbr.storage import cache as section_cache
from ucbr.storage import envelope
from ucbr.storage.agefile import section_problem
from ucbr.storage.reader import Opened, SectionReader
from ucbr.storage.scan import stray_problems
from ucbr.storage.store import POLICY_FILE, Register, recipients_file
from ucbr.storage.vault import Keyring
from ucbr.storage.workers import run_chunks


@dataclass
class Report:
    """How many files were read, and every problem found."""

    files: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """6 when a problem is one of integrity, else 5 (0 when there is none)."""
        return exit_code_of(self.problems)

    def add(self, path: str, message: str, integrity: bool = False) -> None:
        """Note one problem with ``path``."""
        self.problems.append(Problem(path, message, severity="integrity" if integrity else "fault"))


def check_register(reg: Register, ring: Keyring, today: dt.date) -> Report:
    """Check the register's setup and every file in it."""
    report = Report()
    _check_setup(reg, ring, report)
    caches = {}
    if section_cache.environment_allows():
        caches = section_cache.caches_for(reg.root, ring.tiers)
    reader = SectionReader(reg, ring, caches)
    ids = reg.ids()
    # Read once here, so the workers start with them.
    _ = reg.cfg, reg.staff
    readable = sum(ring.can_read(name) for name in SECTIONS)
    weight = len(ids) * max(readable, 1)
    paths = [reg.root / file_path(file_id) for file_id in ids]
    for part in run_chunks(reader, ids, partial(_check_files, today=today), weight, paths):
        report.problems.extend(part)
    report.files = len(ids)
    reader.updates.save(caches)
    report.problems.extend(stray_problems(reg))
    return report


def _check_setup(reg: Register, ring: Keyring, report: Report) -> None:
    if not reg.cfg.privacy_notice_set:
        report.add(
            POLICY_FILE,
            "no privacy notice is set, so letters cannot be issued: a manager, head of service "
            "or IG officer sets it (settings set privacy_notice_url URL)",
        )
    for path, message in standing_problems(reg):
        report.add(path, message, integrity=True)
    if not drivers_installed(reg.root):
        report.add(
            ".git/config",
            "the ucbr diff and merge drivers are not installed; run `ucbr clone` or `ucbr init`",
        )
    for tier in TIERS:
        public = reg.public_tier(tier)
        held = ring.tiers.get(tier)
        if public is not None and held is not None and str(held.to_public()) != public:
            report.add(
                recipients_file(tier),
                f"the {tier} recipient is not the {tier} tier key",
                integrity=True,
            )


def _check_files(reader: SectionReader, ids: list[str], today: dt.date) -> list[Problem]:
    report = Report()
    for file_id in ids:
        _check_file(reader, file_id, today, report)
    return report.problems


def _message(exc: UcbrError, path: str) -> str:
    return str(exc).removeprefix(f"{path}: ").removeprefix(f"{path} ")


def _check_file(reader: SectionReader, file_id: str, today: dt.date, report: Report) -> None:
    path = file_path(file_id)
    try:
        file = reader.read(file_id)
        env = envelope.parse_fast(file.text, path, file_id)
        if env.id != file_id:
            raise IntegrityError(f"{path}: the id inside the file is not its name")
        opened: dict[str, Opened] = {
            name: reader.opened(file, name, env.sections[name])
            for name in SECTIONS
            if reader.ring.can_read(name)
        }
    except UcbrError as exc:
        report.add(path, _message(exc, path), integrity=True)
        return
    for name, armored in env.sections.items():
        sealed = section_problem(armored)
        if sealed is not None:
            report.add(path, f"the {name} section {sealed}", integrity=True)
    sections: dict[str, BaseModel] = {}
    for name, section in opened.items():
        try:
            sections[name] = reader.section(file_id, name, section)
        except UcbrError as exc:
            report.add(path, _message(exc, path), integrity=True)
    record = sections.get("record")
    if isinstance(record, (Case, PropertyRisk)):
        _check_agreement(opened, sections, record, reader.reg, report, path)
        _check_policy(record, reader.reg, today, report)
    elif isinstance(schedule := sections.get("schedule"), Schedule):
        _check_schedule(schedule, today, report, path)
        _check_published(schedule, sections.get("entry"), reader.reg, report, path)


def _check_schedule(schedule: Schedule, today: dt.date, report: Report, path: str) -> None:
    """What a key that cannot read records can still see: reviews gone past their date."""
    for item in schedule_on(schedule, today).items:
        if item.what in ("restriction_review", "property_review") and item.due < today:
            what = item.what.replace("_", " ")
            report.add(path, f"{schedule.id}: {what} overdue since {item.due.isoformat()}")


def _check_published(
    schedule: Schedule, entry: BaseModel | None, reg: Register, report: Report, path: str
) -> None:
    """What a key that cannot read the record can check: the schedule and entry agree."""
    if isinstance(entry, (CaseEntry, PropertyEntry)):
        facts = Facts(reg.cfg, reg.staff)
        for message in judge_all(PUBLISHED, None, Published(schedule, entry), facts):
            report.add(path, message, integrity=True)


def _check_agreement(
    opened: dict[str, Opened],
    sections: dict[str, BaseModel],
    record: Case | PropertyRisk,
    reg: Register,
    report: Report,
    path: str,
) -> None:
    """The schedule and entry must say what the record implies (compared as data)."""
    derived = sections_of(record, reg.cfg)
    for name in ("schedule", "entry"):
        if name in opened and sections.get(name) != derived[name]:
            report.add(path, f"the {name} section does not agree with the record", integrity=True)


def _check_policy(
    record: Case | PropertyRisk, reg: Register, today: dt.date, report: Report
) -> None:
    """The invariants every record keeps, as it stands, and the faults time has made."""
    facts = invariants.Facts(reg.cfg, reg.staff)
    path = file_path(record.id)
    report.problems.extend(
        Problem(path, f"{record.id}: {message}", id=record.id)
        for message in invariants.record_problems(None, record, facts)
    )
    if isinstance(record, Case):
        report.problems.extend(case_problems(record, reg.cfg, today, reg.staff))
    else:
        report.problems.extend(property_problems(record, reg.cfg, today))
