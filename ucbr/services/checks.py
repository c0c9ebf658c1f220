"""``ucbr check``: every problem in the register, collected as data, not stopped at the first.

Like a ledger checker, it reads every file: the envelope, every section the caller's key
opens, whether the derived sections agree with the record, whether each section is sealed
to exactly its tier key, and the Ombudsman's fault patterns the records show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pydantic import BaseModel

from ucbr.domain.faults import case_problems, property_problems
from ucbr.domain.ids import file_path
from ucbr.domain.model import Case, PropertyRisk
from ucbr.domain.problems import Problem, exit_code_of
from ucbr.domain.sections import Schedule
from ucbr.domain.staff import TIERS
from ucbr.domain.views import sections_of
from ucbr.errors import UcbrError
from ucbr.services.admin import drivers_installed
from ucbr.storage import envelope
from ucbr.storage.files import encode
from ucbr.storage.scan import stray_problems
from ucbr.storage.store import SECTION_MODELS, Loaded, Register, recipients_file
from ucbr.storage.vault import Keyring, stanza_count


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
    for file_id in reg.ids():
        report.files += 1
        _check_file(reg, ring, file_id, today, report)
    report.problems.extend(stray_problems(reg))
    return report


def _check_setup(reg: Register, ring: Keyring, report: Report) -> None:
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


def _check_file(reg: Register, ring: Keyring, file_id: str, today: dt.date, report: Report) -> None:
    path = file_path(file_id)
    try:
        loaded = reg.load(file_id, ring)
    except UcbrError as exc:
        report.add(path, str(exc).removeprefix(f"{path}: "), integrity=True)
        return
    for name, armored in loaded.env.sections.items():
        if stanza_count(armored) != 1:
            report.add(
                path,
                f"the {name} section is not encrypted to exactly its 1 tier key(s)",
                integrity=True,
            )
    kind = envelope.kind_of(file_id)
    sections: dict[str, BaseModel] = {}
    for name in loaded.plain:
        try:
            sections[name] = reg.section(loaded, name, SECTION_MODELS[kind][name])
        except UcbrError as exc:
            report.add(path, str(exc).removeprefix(f"{path} "), integrity=True)
    for name, section in sections.items():
        if getattr(section, "id", file_id) != file_id:
            report.add(path, f"the {name} section belongs to another file", integrity=True)
            return
    record = sections.get("record")
    if isinstance(record, (Case, PropertyRisk)):
        _check_agreement(loaded, record, reg, report, path)
        _check_policy(record, reg, today, report)
    elif isinstance(schedule := sections.get("schedule"), Schedule):
        _check_schedule(schedule, today, report, path)


def _check_schedule(schedule: Schedule, today: dt.date, report: Report, path: str) -> None:
    """What a key that cannot read records can still see: reviews gone past their date."""
    for item in schedule.items:
        if item.what in ("restriction_review", "property_review") and item.due < today:
            what = item.what.replace("_", " ")
            report.add(path, f"{schedule.id}: {what} overdue since {item.due.isoformat()}")


def _check_agreement(
    loaded: Loaded, record: Case | PropertyRisk, reg: Register, report: Report, path: str
) -> None:
    derived = sections_of(record, reg.cfg)
    for name in ("schedule", "entry"):
        if name in loaded.plain and encode(derived[name]) != loaded.plain[name]:
            report.add(path, f"the {name} section does not agree with the record", integrity=True)


def _check_policy(
    record: Case | PropertyRisk, reg: Register, today: dt.date, report: Report
) -> None:
    if isinstance(record, Case):
        report.problems.extend(case_problems(record, reg.cfg, today, reg.staff))
    else:
        report.problems.extend(property_problems(record, reg.cfg, today))
